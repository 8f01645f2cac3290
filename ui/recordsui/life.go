package recordsui

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
	"bhxhdesk/ui/widgets"
)

// LifeDialog records a decision on a participant after registration (Decide): a change of
// income or method, a stop, a refund, the evidence of a support group. What the decision
// means — the first payment under the new terms, the refund's amount — is shown while it is
// typed; after it is recorded the confirmation is saved as PDF where the officer chooses.
type LifeDialog struct {
	Kind    app.LifeEventKind
	Income  *widgets.KeyEntry
	Method  *widget.Select
	From    *widgets.KeyEntry
	Reason  *widget.Select
	Group   *widget.Select
	Year    *widgets.KeyEntry
	Ref     *widgets.KeyEntry
	Note    *widgets.KeyEntry
	Preview *widget.Label
	Confirm *widgets.KeyButton
	Cancel  *widgets.KeyButton
	Problem *widget.Label

	methods, reasons, groups []string // the choices' codes, in the selects' order
	pop                      *widget.PopUp
}

// changeMethods are the methods a change may choose.
var changeMethods = []string{"monthly", "3-months", "6-months", "12-months", "ahead:24", "ahead:36", "ahead:48", "ahead:60"}

// lifeCard is where the person stands and the decisions an officer may record.
func (s *BookScreen) lifeCard(pv records.PersonView) fyne.CanvasObject {
	t, r := s.r.T, s.r
	p := pv.Participant
	today := calendar.DateOf(r.Cfg.Now().In(calendar.VN))
	st := p.StandingOn(today)
	s.Standing = widget.NewLabel(r.Cfg.Catalog.StandingText(r.Cfg.Lang, st))
	s.Standing.Wrapping = fyne.TextWrapWord
	switch st.State {
	case app.StandingSuspended, app.StandingLeft, app.StandingStopped:
		s.Standing.Importance = widget.WarningImportance
	}
	objs := []fyne.CanvasObject{s.Standing}
	warn := func(text string) {
		l := widget.NewLabel(text)
		l.Wrapping, l.Importance = fyne.TextWrapWord, widget.WarningImportance
		objs = append(objs, l)
	}
	for _, g := range p.EvidenceLapsed(today) {
		warn(t("life.evidence_lapsed", "group", s.groupName(p, g), "year", strconv.Itoa(today.Year())))
	}
	if p.History == nil {
		warn(t("life.history_unknown"))
	} else if why := p.History.Exclusion(app.MonthOfDate(today)); why != "" {
		warn(t("err."+why, "value", app.PersonalID(p.PersonalID).Masked(), "dossier", "—"))
	}
	s.ChangeBtn = widget.NewButtonWithIcon(t("ui.life.change"), theme.DocumentCreateIcon(), func() { s.askLife(app.EventChange) })
	s.StopBtn = widget.NewButtonWithIcon(t("ui.life.stop"), theme.MediaPauseIcon(), func() { s.askLife(app.EventStop) })
	s.RefundBtn = widget.NewButtonWithIcon(t("ui.life.refund"), theme.ContentUndoIcon(), func() { s.askLife(app.EventRefund) })
	s.EvidenceBtn = widget.NewButtonWithIcon(t("ui.life.evidence"), theme.FileIcon(), func() { s.askLife(app.EventEvidence) })
	s.BenefitsBtn = widget.NewButtonWithIcon(t("ui.life.benefits"), theme.InfoIcon(), s.saveBenefits)
	// Decisions are for the roles that decide on payments; the help desk sees where the
	// person stands.
	may := r.Sess != nil && r.Sess.User.Role.Can(app.PermVoucherResolve)
	if !may || !pv.Known || p.Exit() != nil {
		s.ChangeBtn.Disable()
		s.StopBtn.Disable()
		s.RefundBtn.Disable()
	}
	if !may || len(s.evidenceGroups(p)) == 0 || p.Exit() != nil {
		s.EvidenceBtn.Disable()
	}
	if !pv.Known {
		s.BenefitsBtn.Disable()
	}
	objs = append(objs, container.NewGridWithColumns(3, s.ChangeBtn, s.StopBtn, s.RefundBtn, s.EvidenceBtn, s.BenefitsBtn))
	return widget.NewCard(t("ui.life.title"), "", container.NewVBox(objs...))
}

// eventsTab lists the decisions recorded on the person, the newest first.
func (s *BookScreen) eventsTab(p app.Participant) fyne.CanvasObject {
	t := s.r.T
	if len(p.Events) == 0 {
		return widget.NewLabel(t("ui.life.no_events"))
	}
	lines := make([]string, 0, len(p.Events))
	for i := len(p.Events) - 1; i >= 0; i-- {
		e := p.Events[i]
		lines = append(lines, e.At.In(calendar.VN).Format("02/01/2006")+" · "+t("life.kind."+string(e.Kind))+" · "+s.eventText(p, e)+
			" · "+e.By)
	}
	l := widget.NewLabel(strings.Join(lines, "\n"))
	l.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(l)
}

// groupName names a support group: the state's by the catalogue, a province's own by its data.
func (s *BookScreen) groupName(p app.Participant, g string) string {
	if lg, ok := s.r.Records.Ref.Get().Rules.LocalGroup(p.Address.Province, g); ok {
		if s.r.Cfg.Lang == app.EN {
			return lg.NameEN
		}
		return lg.NameVI
	}
	return s.r.T("group." + g)
}

// evidenceGroups are the person's groups that need a list of the year.
func (s *BookScreen) evidenceGroups(p app.Participant) []string {
	var out []string
	if app.EvidenceNeeded(p.SupportGroup) {
		out = append(out, p.SupportGroup)
	}
	return append(out, p.LocalGroups...)
}

// askLife opens the dialog of a decision, with what is known filled in.
func (s *BookScreen) askLife(kind app.LifeEventKind) {
	if s.st.Person == nil {
		return
	}
	t, r := s.r.T, s.r
	p := s.st.Person.Participant
	today := calendar.DateOf(r.Cfg.Now().In(calendar.VN))
	now := app.MonthOfDate(today)
	d := &LifeDialog{Kind: kind, Problem: widgets.ProblemLabel(), Preview: widget.NewLabel("")}
	d.Preview.Wrapping = fyne.TextWrapWord
	entry := func(text string) *widgets.KeyEntry {
		e := widgets.NewKeyEntry(false, 1)
		e.SetText(text)
		e.OnSubmitted = func(string) {
			// A refund or a stop ends something: Enter takes the officer to the button, which
			// records it, after the amount has been seen.
			if kind == app.EventRefund || kind == app.EventStop {
				r.Window().Canvas().Focus(d.Confirm)
				return
			}
			s.decide(d)
		}
		e.OnChanged = func(string) { r.Touch(); s.preview(d) }
		return e
	}
	next := max(p.LastPaid().Add(1), now)
	d.Note = entry("")
	var items []*widget.FormItem
	switch kind {
	case app.EventChange:
		d.Income = entry(strconv.FormatInt(int64(p.Income), 10))
		d.methods = changeMethods
		labels := make([]string, len(d.methods))
		for i, m := range d.methods {
			labels[i] = r.methodText(m)
		}
		d.Method = widget.NewSelect(labels, func(string) { s.preview(d) })
		d.Method.SetSelectedIndex(max(0, slices.Index(d.methods, p.Method)))
		d.From = entry(next.VNString())
		items = append(items, widget.NewFormItem(t("field.income"), d.Income), widget.NewFormItem(t("field.method"), d.Method),
			widget.NewFormItem(t("field.from"), d.From))
	case app.EventStop, app.EventRefund:
		d.reasons = app.RefundReasons
		from := next
		if kind == app.EventStop {
			d.reasons = append([]string{app.ReasonOwn}, app.RefundReasons...)
		} else {
			from = now
		}
		labels := make([]string, len(d.reasons))
		for i, c := range d.reasons {
			labels[i] = t("life.reason." + c)
		}
		d.Reason = widget.NewSelect(labels, func(string) { s.preview(d) })
		d.Reason.SetSelectedIndex(0)
		d.From = entry(from.VNString())
		items = append(items, widget.NewFormItem(t("field.reason"), d.Reason), widget.NewFormItem(t("field.from"), d.From))
	case app.EventEvidence:
		d.groups = s.evidenceGroups(p)
		labels := make([]string, len(d.groups))
		for i, g := range d.groups {
			labels[i] = s.groupName(p, g)
		}
		d.Group = widget.NewSelect(labels, nil)
		d.Group.SetSelectedIndex(0)
		d.Year = entry(strconv.Itoa(today.Year()))
		d.Ref = entry("")
		d.Ref.PlaceHolder = t("ui.life.ref_placeholder")
		items = append(items, widget.NewFormItem(t("field.group"), d.Group), widget.NewFormItem(t("field.year"), d.Year),
			widget.NewFormItem(t("field.reference"), d.Ref))
	}
	items = append(items, widget.NewFormItem(t("field.note"), d.Note))
	d.Confirm = widgets.NewKeyButton(t("ui.life.confirm."+string(kind)), theme.ConfirmIcon(), func() { s.decide(d) })
	d.Confirm.Importance = widget.HighImportance
	if kind == app.EventRefund || kind == app.EventStop {
		d.Confirm.Importance = widget.WarningImportance
	}
	d.Cancel = widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), s.closeLife)
	intro := widget.NewLabel(t("ui.life.intro."+string(kind), "name", app.UpperName(p.FullName)))
	intro.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(intro, widget.NewForm(items...), d.Preview, container.NewHBox(layout.NewSpacer(), d.Cancel, d.Confirm), d.Problem)
	s.Life = d
	s.preview(d)
	d.pop = r.Dialog(t("ui.life.title."+string(kind)), body, 620, s.closeLife)
	if d.pop != nil {
		first := d.From
		switch kind {
		case app.EventChange:
			first = d.Income
		case app.EventEvidence:
			first = d.Ref
		}
		r.Window().Canvas().Focus(first)
	}
}

func (s *BookScreen) closeLife() {
	if s.Life != nil && s.Life.pop != nil {
		s.Life.pop.Hide()
	}
	s.Life = nil
}

// input reads the dialog's fields; a field that cannot be read is named in the error.
func (s *BookScreen) input(d *LifeDialog) (records.LifeInput, error) {
	in := records.LifeInput{Kind: d.Kind}
	if d.Note != nil {
		in.Note = d.Note.Text
	}
	if d.From != nil {
		m, ok := parseMonthText(d.From.Text)
		if !ok {
			return in, &app.Error{Kind: app.Invalid, Code: app.CodeBadMonth, Field: "from", Args: map[string]string{"value": d.From.Text}}
		}
		in.From = m
	}
	if d.Income != nil && d.Method != nil {
		income, err := app.ParseMoney(strings.TrimSpace(d.Income.Text))
		if err != nil {
			return in, &app.Error{Kind: app.Invalid, Code: app.CodeMoneyFormat, Field: "income"}
		}
		in.Income = income
		in.Method = d.methods[max(0, d.Method.SelectedIndex())]
	}
	if d.Reason != nil {
		in.Reason = d.reasons[max(0, d.Reason.SelectedIndex())]
	}
	if d.Group != nil {
		in.Reason = d.groups[max(0, d.Group.SelectedIndex())]
		y, err := strconv.Atoi(strings.TrimSpace(d.Year.Text))
		if err != nil {
			return in, &app.Error{Kind: app.Invalid, Code: app.CodeEvidenceYear, Field: "year", Args: map[string]string{"value": d.Year.Text}}
		}
		in.Year, in.Ref = y, d.Ref.Text
	}
	return in, nil
}

// preview shows what the decision would mean, or why it cannot be recorded, without recording
// anything.
func (s *BookScreen) preview(d *LifeDialog) {
	if d == nil || d.Preview == nil || s.st.Person == nil || (d.Kind != app.EventChange && d.Kind != app.EventRefund) {
		return
	}
	t, r := s.r.T, s.r
	p := s.st.Person.Participant
	in, err := s.input(d)
	if err == nil {
		rules := r.Records.Ref.Get().Rules
		today := calendar.DateOf(r.Cfg.Now().In(calendar.VN))
		if d.Kind == app.EventChange {
			var q app.Quote
			m, merr := app.ParseMethod(in.Method)
			if err = merr; err == nil {
				q, err = rules.CheckChange(&p, app.ChangeRequest{Income: in.Income, Method: m, From: in.From, Today: today})
			}
			if err == nil {
				widgets.SetText(d.Preview, t("life.first_payment", "from", q.FromMonth.VNString(), "to", q.ToMonth.VNString(),
					"amount", q.Payable.String(), "deadline", q.Deadline.VNString()))
			}
		} else {
			var rf app.Refund
			if rf, err = rules.RefundOf(&p, in.Reason, in.From); err == nil {
				widgets.SetText(d.Preview, t("ui.life.refund_preview", "months", strconv.Itoa(rf.Months), "contribution", rf.Contribution.String(),
					"support", (rf.StateSupport+rf.LocalSupport).String(), "amount", rf.Amount.String()))
			}
		}
	}
	if err != nil {
		widgets.SetText(d.Preview, r.Message(err))
		d.Preview.Importance = widget.WarningImportance
	} else {
		d.Preview.Importance = widget.MediumImportance
	}
	d.Preview.Refresh()
}

// decide records the decision; once recorded the confirmation is saved where the officer chooses.
func (s *BookScreen) decide(d *LifeDialog) {
	if d == nil || d.Confirm.Disabled() || s.st.Person == nil {
		return
	}
	r := s.r
	in, err := s.input(d)
	if err != nil {
		widgets.SetText(d.Problem, r.Message(err))
		return
	}
	pid := s.st.Person.Participant.PersonalID
	d.Confirm.Disable()
	var res records.LifeResult
	r.Run(func() { res, err = r.Records.Decide(r.Sess, pid, in) }, func() {
		d.Confirm.Enable()
		if err != nil {
			widgets.SetText(d.Problem, r.Message(err))
			return
		}
		s.closeLife()
		s.Open(pid)
		widgets.SetStatus(s.Status, true, r.T("life.recorded."+string(d.Kind), "name", app.UpperName(res.Participant.FullName)))
		if d.Kind == app.EventEvidence {
			return
		}
		lang := r.Cfg.Lang
		name := r.T("ui.life.file."+string(d.Kind), "id", pid) + ".pdf"
		r.SaveFile(name, func() ([]byte, error) {
			var buf bytes.Buffer
			err := r.Office.WriteLifeEvent(r.Sess, res, lang, &buf)
			return buf.Bytes(), err
		}, s.Status, s.Go, "ui.life.saved")
	})
}

// saveBenefits saves what the person may receive, with the legal basis, as PDF.
func (s *BookScreen) saveBenefits() {
	if s.st.Person == nil {
		return
	}
	r := s.r
	pid := s.st.Person.Participant.PersonalID
	m := app.MonthOfDate(calendar.DateOf(r.Cfg.Now().In(calendar.VN)))
	lang := r.Cfg.Lang
	r.SaveFile(r.T("ui.life.file.benefits", "id", pid)+".pdf", func() ([]byte, error) {
		var buf bytes.Buffer
		err := r.Office.WriteBenefits(r.Sess, pid, m, lang, &buf)
		return buf.Bytes(), err
	}, s.Status, s.BenefitsBtn, "ui.life.saved")
}

// parseMonthText reads MM/YYYY (or YYYY-MM).
func parseMonthText(s string) (app.Month, bool) {
	text := strings.TrimSpace(s)
	if mm, yyyy, ok := strings.Cut(text, "/"); ok {
		if len(mm) == 1 {
			mm = "0" + mm
		}
		text = yyyy + "-" + mm
	}
	m, err := app.ParseMonth(text)
	return m, err == nil
}

// eventText is a decision in words.
func (s *BookScreen) eventText(p app.Participant, e app.LifeEvent) string {
	return s.r.Cfg.Catalog.LifeEventText(s.r.Cfg.Lang, e, s.groupName(p, e.Reason))
}
