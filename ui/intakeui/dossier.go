package intakeui

import (
	"strconv"
	"strings"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/widgets"
)

// DossierState is the dossier shown.
type DossierState struct {
	Dossier app.Dossier
	Status  string // the outcome of the last action
}

// DossierScreen is one dossier (hồ sơ): the form's main fields, the quote, where it stands in the
// workflow, the appointment, its timeline, and the actions the officer's role may take at its
// step — advance, return for missing items (Mẫu 02), reject (Mẫu 03), re-appoint (Mẫu 04) — and
// the receipt. The services check permissions again and their refusals show as messages.
type DossierScreen struct {
	ses *Session
	st  DossierState

	Back *widget.Button
	// The actions; nil when the role may not take them at this step.
	Advance   *widget.Button
	Return    *widget.Button
	Reject    *widget.Button
	Reappoint *widget.Button
	Print     *widget.Button
	// Requote gives the citizen the amount under the rules in force; nil unless the amount
	// changed and the role may process the dossier. QuoteChanged says what changed (hidden
	// when nothing did).
	Requote      *widget.Button
	QuoteChanged *widget.Label
	// Status is the outcome of the last action (or why it was refused).
	Status     *widget.Label
	StateLabel *widget.Label
	Step       *widget.Label
	Due        *widget.Label
	Timeline   *fyne.Container
	*quotePanel
	// Action is the open action dialog, nil when none.
	Action *ActionDialog

	onBack  func()
	content *fyne.Container
}

// NewDossierScreen shows a dossier; onBack returns to where the officer came from.
func NewDossierScreen(ses *Session, st DossierState, onBack func()) *DossierScreen {
	s := &DossierScreen{ses: ses, onBack: onBack, content: container.NewStack()}
	s.paint(st)
	return s
}

// Content is the screen's root object.
func (s *DossierScreen) Content() fyne.CanvasObject { return s.content }

// State returns the dossier shown.
func (s *DossierScreen) State() DossierState { return s.st }

// Shown is the dossier as last read from the service.
func (s *DossierScreen) Shown() app.Dossier { return s.st.Dossier }

// paint builds the screen for a dossier: the form as registered and its quote on the left, its
// progress, actions and timeline on the right.
func (s *DossierScreen) paint(st DossierState) {
	s.st = st
	d := st.Dossier
	t := s.ses.T

	s.Back = widget.NewButtonWithIcon(t("ui.back"), theme.NavigateBackIcon(), s.onBack)
	title := widgets.Heading(t("ui.dossier.title", "code", d.Code, "name", d.Form.FullName))
	title.Truncation = fyne.TextTruncateEllipsis

	left := s.formColumn(d)
	right := s.progressColumn(d, st.Status)
	top := container.NewBorder(nil, nil, s.Back, nil, title)
	s.content.Objects = []fyne.CanvasObject{container.NewBorder(top, nil, nil, nil, widgets.Panes(left, right))}
	s.content.Refresh()
}

// formColumn is the dossier's form as registered, in words, and its quote with whether the
// amount changed since.
func (s *DossierScreen) formColumn(d app.Dossier) fyne.CanvasObject {
	t := s.ses.T
	cfg := s.ses.Cfg
	s.quotePanel = newQuotePanel(cfg)
	s.quotePanel.paint(d.Quote, nil)
	quote := container.NewVBox(s.quoteChange(d), s.quotePanel.content())
	return container.NewVBox(
		widget.NewCard(t("ui.dossier.form"), "", widget.NewForm(s.formItems(d.Form)...)),
		widget.NewCard(t("ui.dossier.quote"), t("ui.dossier.quote_note"), quote),
	)
}

// formItems are the fields of a registration form in words, the empty optional ones left out.
func (s *DossierScreen) formItems(f app.RegistrationForm) []*widget.FormItem {
	t := s.ses.T
	cfg := s.ses.Cfg
	gender := ""
	if g, err := app.ParseGender(f.Gender); err == nil {
		gender = t("ui.gender." + g.String())
	}
	ethnicity := f.Ethnicity
	if n, ok := cfg.Places.EthnicityName(f.Ethnicity); ok {
		ethnicity = f.Ethnicity + " · " + n
	}
	method := t("method." + strings.SplitN(f.Method, ":", 2)[0])
	if m, err := app.ParseMethod(f.Method); err == nil && (m.Kind == app.Ahead || m.Kind == app.Missing) {
		method += " (" + t("ui.months", "months", strconv.Itoa(m.Months)) + ")"
	}
	start := f.StartMonth
	if m, err := app.ParseMonth(f.StartMonth); err == nil {
		start = m.VNString()
	}
	income := string(f.Income)
	if m, err := app.ParseMoney(income); err == nil {
		income = m.String()
	}
	items := []*widget.FormItem{
		widgets.InfoRow(t("field.full_name"), f.FullName),
		widgets.InfoRow(t("field.gender"), gender),
		widgets.InfoRow(t("field.birth_date"), kit.BirthText(f.BirthDate)),
		widgets.InfoRow(t("field.ethnicity"), ethnicity),
		widgets.InfoRow(t("field.personal_id"), f.PersonalID),
		widgets.InfoRow(t("field.phone"), f.Phone),
	}
	if f.Email != "" {
		items = append(items, widgets.InfoRow(t("field.email"), f.Email))
	}
	items = append(items,
		widgets.InfoRow(t("ui.reg.birth_registration"), kit.PlaceLine(cfg.Places, f.BirthRegistration.Province, f.BirthRegistration.Commune, "")),
		widgets.InfoRow(t("ui.reg.address"), kit.PlaceLine(cfg.Places, f.Address.Province, f.Address.Commune, f.Address.Detail)))
	if f.OldSICode != "" {
		items = append(items, widgets.InfoRow(t("field.old_si_code"), f.OldSICode))
	}
	items = append(items,
		widgets.InfoRow(t("field.income"), income),
		widgets.InfoRow(t("field.method"), method),
		widgets.InfoRow(t("field.start_month"), start),
		widgets.InfoRow(t("field.support_group"), t("group."+f.SupportGroup)))
	if f.Requests != "" {
		items = append(items, widgets.InfoRow(t("field.other_requests"), f.Requests))
	}
	return items
}

// progressColumn is where the dossier stands (its state, step and deadlines, what it lacks or
// why it stopped), the actions the role may take on it, the outcome of the last one (status),
// and its timeline, the latest event first.
func (s *DossierScreen) progressColumn(d app.Dossier, status string) fyne.CanvasObject {
	t := s.ses.T
	s.StateLabel = widget.NewLabelWithStyle(t("state."+string(d.State)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Step = widget.NewLabel(s.stepLine(d))
	s.Step.Wrapping = fyne.TextWrapWord
	s.Due = widget.NewLabelWithStyle(d.Due.VNString(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	received := kit.VNTime(d.Received)
	if d.Channel == app.ChannelOnline {
		// Received at the centre's time: the legal receipt time of an online dossier.
		received += " · " + t("ui.channel.online")
	}
	progress := []*widget.FormItem{
		{Text: t("ui.dossier.state"), Widget: s.StateLabel},
		{Text: t("field.step"), Widget: s.Step},
		widgets.InfoRow(t("ui.dossier.received"), received),
		{Text: t("ui.dossier.due"), Widget: s.Due},
	}
	if d.State == app.StateOpen && d.StepDue != 0 {
		progress = append(progress, widgets.InfoRow(t("ui.dossier.step_due"), d.StepDue.VNString()))
	}
	if d.State == app.StateReturned && len(d.Missing) > 0 {
		progress = append(progress, widgets.InfoRow(t("ui.dossier.missing"), strings.Join(d.Missing, "\n")))
	}
	if d.Reason != "" {
		progress = append(progress, widgets.InfoRow(t("ui.dossier.reason"), d.Reason))
	}
	s.Status = widget.NewLabel(status)
	s.Status.Wrapping = fyne.TextWrapWord
	if status == "" {
		s.Status.Hide()
	}
	s.buildActions(d)
	actions := container.NewVBox()
	if s.Advance != nil {
		actions.Add(s.Advance)
	}
	others := container.NewVBox()
	for _, b := range []*widget.Button{s.Return, s.Reject, s.Reappoint, s.Print} {
		if b != nil {
			others.Add(b)
		}
	}
	actions.Add(others)
	s.Timeline = container.NewVBox()
	for i := len(d.Timeline) - 1; i >= 0; i-- {
		s.Timeline.Add(s.event(d, d.Timeline[i]))
	}
	return container.NewVBox(
		widget.NewCard(t("ui.dossier.progress"), "", container.NewVBox(widget.NewForm(progress...), actions,
			s.Status)),
		widget.NewCard(t("ui.dossier.timeline"), "", s.Timeline),
	)
}

// quoteChange says whether the amount changed under the rules in force and, when the role may
// process the dossier, offers to give the citizen the new amount.
func (s *DossierScreen) quoteChange(d app.Dossier) fyne.CanvasObject {
	t := s.ses.T
	s.Requote = nil
	s.QuoteChanged = widget.NewLabel("")
	s.QuoteChanged.Wrapping = fyne.TextWrapWord
	s.QuoteChanged.Importance = widget.WarningImportance
	c, changed := s.ses.Intake.QuoteChanged(d)
	if !changed {
		s.QuoteChanged.Hide()
		return s.QuoteChanged
	}
	if c.Problem != nil {
		s.QuoteChanged.SetText("⚠ " + t("quote.changed_refused", "problem", s.ses.Message(c.Problem)))
		return s.QuoteChanged
	}
	s.QuoteChanged.SetText("⚠ " + t("quote.changed", "was", c.Was.Payable.String(), "now", c.Now.Payable.String()))
	if !s.ses.Sess.User.Role.Can(app.PermProcess) {
		return s.QuoteChanged
	}
	s.Requote = widget.NewButtonWithIcon(t("do.requote"), theme.ViewRefreshIcon(), s.requote)
	s.Requote.Importance = widget.WarningImportance
	return container.NewVBox(s.QuoteChanged, container.NewHBox(s.Requote))
}

// requote records the amount under the rules in force and repaints the dossier.
func (s *DossierScreen) requote() {
	ses, code := s.ses, s.st.Dossier.Code
	var (
		d   app.Dossier
		err error
	)
	ses.Run(func() { d, err = ses.Intake.Requote(ses.Sess, code) }, func() {
		if err != nil {
			s.Status.Importance = widget.DangerImportance
			widgets.SetText(s.Status, ses.Message(err))
			return
		}
		ses.Saved()
		s.paint(DossierState{Dossier: d, Status: ses.T("ui.dossier.requoted", "payable", d.Quote.Payable.String())})
		s.Status.Importance = widget.SuccessImportance
		s.Status.Refresh()
	})
}

// stepLine names the current step with its role, or the state when the dossier is not at one.
func (s *DossierScreen) stepLine(d app.Dossier) string {
	st, _, ok := currentStep(d)
	if !ok {
		return "—"
	}
	return s.ses.T("ui.dossier.step", "step", st.Name(s.ses.Cfg.Lang), "role", s.ses.T("role."+string(st.Role)))
}

func currentStep(d app.Dossier) (app.Step, int, bool) {
	for i, st := range d.Steps {
		if st.ID == d.Step {
			return st, i, true
		}
	}
	return app.Step{}, -1, false
}

// buildActions makes the buttons of the actions the role may take now.
func (s *DossierScreen) buildActions(d app.Dossier) {
	t := s.ses.T
	s.Advance, s.Return, s.Reject, s.Reappoint, s.Print = nil, nil, nil, nil, nil
	role := s.ses.Sess.User.Role
	step, i, atStep := currentStep(d)
	open := !d.State.Closed()
	switch {
	case !open || !role.Can(app.PermProcess):
	case d.State == app.StateReturned:
		s.Advance = widget.NewButtonWithIcon(t("do.resubmit"), theme.MailReplyIcon(), s.advance)
	case atStep && (step.Role == role || role.Can(app.PermAnyStep)):
		label := t("do.complete")
		if i < len(d.Steps)-1 {
			label = t("ui.dossier.advance_to", "step", d.Steps[i+1].Name(s.ses.Cfg.Lang))
		}
		s.Advance = widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), s.advance)
	}
	if s.Advance != nil {
		s.Advance.Importance = widget.HighImportance
	}
	if d.State == app.StateOpen && role.Can(app.PermReturn) {
		s.Return = widget.NewButtonWithIcon(t("do.return"), theme.MailReplyIcon(), func() { s.ask(app.ActReturn) })
	}
	if open && role.Can(app.PermReject) {
		s.Reject = widget.NewButtonWithIcon(t("do.reject"), theme.CancelIcon(), func() { s.ask(app.ActReject) })
		s.Reject.Importance = widget.DangerImportance
	}
	if open && role.Can(app.PermReappoint) {
		s.Reappoint = widget.NewButtonWithIcon(t("do.reappoint"), theme.HistoryIcon(), func() { s.ask(app.ActReappoint) })
	}
	if role.Can(app.PermReceipt) {
		s.Print = widget.NewButtonWithIcon(t("ui.receipt.print"), theme.DocumentPrintIcon(), nil)
		s.Print.OnTapped = func() { s.ses.printReceipt(d.Code, s.Print, s.Status) }
	}
}

// event is one line of the timeline: when, who, what, from which step to which, and why.
func (s *DossierScreen) event(d app.Dossier, e app.Event) fyne.CanvasObject {
	t := s.ses.T
	name := func(id string) string {
		for _, st := range d.Steps {
			if st.ID == id {
				return st.Name(s.ses.Cfg.Lang)
			}
		}
		return id
	}
	head := widget.NewLabelWithStyle(t("ui.event.head", "time", kit.VNTime(e.At), "user", e.User, "action", t("action."+string(e.Action))),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var lines []string
	switch {
	case e.FromStep != "" && e.ToStep != "" && e.FromStep != e.ToStep:
		lines = append(lines, t("ui.event.move", "from", name(e.FromStep), "to", name(e.ToStep)))
	case e.ToStep != "":
		lines = append(lines, name(e.ToStep))
	case e.FromStep != "":
		lines = append(lines, t("ui.event.move", "from", name(e.FromStep), "to", t("state."+string(stateAfter(e.Action)))))
	}
	if codes, ok := strings.CutPrefix(e.Reason, "not_duplicate_of="); ok {
		lines = append(lines, t("ui.event.not_duplicate", "codes", strings.ReplaceAll(codes, ",", ", ")))
	} else if e.Reason != "" {
		lines = append(lines, t("ui.dossier.reason")+": "+e.Reason)
	}
	if len(e.Missing) > 0 {
		lines = append(lines, t("ui.dossier.missing")+": "+strings.Join(e.Missing, "; "))
	}
	if e.Action == app.ActReappoint || e.Action == app.ActResubmit {
		lines = append(lines, t("ui.dossier.due")+": "+e.Due.VNString())
	}
	body := widget.NewLabel(strings.Join(lines, "\n"))
	body.Wrapping = fyne.TextWrapWord
	return container.NewVBox(head, body, widget.NewSeparator())
}

func stateAfter(a app.Action) app.State {
	switch a {
	case app.ActReject:
		return app.StateRejected
	case app.ActComplete:
		return app.StateDone
	}
	return app.StateOpen
}

func (s *DossierScreen) advance() { s.act(intake.ActRequest{Action: app.ActAdvance}, nil) }

// act runs a workflow action off the UI thread and repaints the dossier with its outcome.
// dlg, when set, shows a refusal and closes on success.
func (s *DossierScreen) act(req intake.ActRequest, dlg *ActionDialog) {
	ses, code := s.ses, s.st.Dossier.Code
	var (
		d   app.Dossier
		err error
	)
	ses.Run(func() { d, err = ses.Intake.Act(ses.Sess, code, req) }, func() {
		if err != nil {
			if dlg != nil {
				widgets.SetText(dlg.Problem, ses.Message(err))
				dlg.Confirm.Enable()
				return
			}
			s.Status.Importance = widget.DangerImportance
			widgets.SetText(s.Status, ses.Message(err))
			return
		}
		if dlg != nil {
			s.closeAction()
		}
		ses.Saved()
		last := d.Timeline[len(d.Timeline)-1]
		key := "ui.dossier.done"
		if d.State.Closed() {
			key = "ui.dossier.done_closed"
		}
		s.paint(DossierState{Dossier: d, Status: ses.T(key, "action", ses.T("action."+string(last.Action)),
			"state", ses.T("state."+string(d.State)), "due", d.Due.VNString())})
		s.Status.Importance = widget.SuccessImportance
		s.Status.Refresh()
	})
}

// ActionDialog asks what an action needs: the missing items (return), a reason (reject,
// re-appoint) and the new date (re-appoint).
type ActionDialog struct {
	Action  app.Action
	Missing *widgets.KeyEntry
	Reason  *widgets.KeyEntry
	Date    *widgets.KeyEntry
	Confirm *widgets.KeyButton
	Cancel  *widgets.KeyButton
	Problem *widget.Label
	pop     *widget.PopUp
}

func (s *DossierScreen) ask(a app.Action) {
	t := s.ses.T
	ad := &ActionDialog{Action: a, Problem: widgets.ProblemLabel()}
	var items []*widget.FormItem
	if a == app.ActReturn {
		ad.Missing = widgets.NewKeyEntry(false, 3)
		ad.Missing.PlaceHolder = t("ui.action.missing_placeholder")
		items = append(items, &widget.FormItem{Text: t("field.missing"), Widget: ad.Missing, HintText: t("ui.action.missing_hint")})
	}
	if a == app.ActReappoint {
		ad.Date = widgets.NewKeyEntry(false, 1)
		ad.Date.PlaceHolder = t("ui.date_placeholder")
		items = append(items, &widget.FormItem{Text: t("field.date"), Widget: ad.Date,
			HintText: t("ui.action.date_hint", "due", s.st.Dossier.Due.VNString())})
	}
	ad.Reason = widgets.NewKeyEntry(false, 2)
	reasonHint := t("ui.action.reason_required")
	if a == app.ActReturn {
		reasonHint = t("ui.action.reason_optional")
	}
	items = append(items, &widget.FormItem{Text: t("field.reason"), Widget: ad.Reason, HintText: reasonHint})
	ad.Confirm = widgets.NewKeyButton(t("do."+string(a)), theme.ConfirmIcon(), func() { s.confirm(ad) })
	ad.Confirm.Importance = widget.HighImportance
	if a == app.ActReject {
		ad.Confirm.Importance = widget.DangerImportance
	}
	ad.Cancel = widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), s.closeAction)
	s.Action = ad
	body := container.NewVBox(widget.NewForm(items...), container.NewHBox(layout.NewSpacer(), ad.Cancel, ad.Confirm), ad.Problem)
	ad.pop = s.ses.Dialog(t("ui.action.title", "action", t("do."+string(a)), "code", s.st.Dossier.Code), body, 560, s.closeAction)
	if ad.pop != nil {
		focus := ad.Reason
		if ad.Missing != nil {
			focus = ad.Missing
		} else if ad.Date != nil {
			focus = ad.Date
		}
		s.ses.Window().Canvas().Focus(focus)
	}
}

func (s *DossierScreen) confirm(ad *ActionDialog) {
	req := intake.ActRequest{Action: ad.Action, Reason: ad.Reason.Text}
	if ad.Missing != nil {
		req.Missing = strings.Split(ad.Missing.Text, "\n")
	}
	if ad.Date != nil {
		d, err := kit.ParseVNDate(ad.Date.Text)
		if err != nil {
			widgets.SetText(ad.Problem, s.ses.Msg(err))
			return
		}
		req.Date = d
	}
	widgets.SetText(ad.Problem, "")
	ad.Confirm.Disable()
	s.act(req, ad)
}

func (s *DossierScreen) closeAction() {
	if s.Action != nil && s.Action.pop != nil {
		s.Action.pop.Hide()
	}
	s.Action = nil
}

// FirstFocus is the main action the role may take at the dossier's step, else Back.
func (s *DossierScreen) FirstFocus() fyne.Focusable {
	if s.Advance != nil {
		return s.Advance
	}
	return s.Back
}

// ShortcutPrint prints the dossier's receipt (Ctrl+P).
func (s *DossierScreen) ShortcutPrint() {
	if s.Print != nil && !s.Print.Disabled() {
		s.Print.OnTapped()
	}
}
