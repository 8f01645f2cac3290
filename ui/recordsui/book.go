package recordsui

import (
	"strconv"
	"strings"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/records"
	"bhxhdesk/ui/widgets"
)

// BookState is the personal ID asked for and the book shown.
type BookState struct {
	Query  string
	Person *records.PersonView
}

// BookScreen is a person's electronic social-insurance book (sổ BHXH điện tử): found by
// personal ID (or opened from a dossier), it shows the identity with the name in upper case,
// the book cover's status, the participation periods (from–to, income, amount due, state and
// local support, paid, receipt) with their totals, the vouchers and the dossiers. Each look-up
// is written to the audit log.
type BookScreen struct {
	r  *Session
	st BookState

	Query   *widget.Entry
	Go      *widget.Button
	Problem *widget.Label
	// The book shown; nil before a look-up.
	Name     *widget.Label
	Cover    *widget.Label
	Note     *widget.Label
	Periods  *widget.List
	Totals   fyne.CanvasObject
	Vouchers *widget.List
	Dossiers *widget.List
	// Where the person stands and the decisions after registration (life.go).
	Standing                                   *widget.Label
	ChangeBtn, StopBtn, RefundBtn, EvidenceBtn *widget.Button
	BenefitsBtn                                *widget.Button
	Life                                       *LifeDialog
	Status                                     *widget.Label

	body    *fyne.Container
	content fyne.CanvasObject
}

// periodColumns are the widths of from–to, income, amount due, support, paid and receipt
// (flexible).
var periodColumns = widgets.Columns{Widths: []float32{150, 90, 90, 115, 90, 95}, Flex: 5}

// bookVoucherColumns are the widths of paid date, receipt, amount, period and status (flexible).
var bookVoucherColumns = widgets.Columns{Widths: []float32{95, 140, 100, 150, 110}, Flex: 4}

// bookDossierColumns are the widths of code, state (flexible) and appointment.
var bookDossierColumns = widgets.Columns{Widths: []float32{200, 160, 100}, Flex: 1}

// NewBookScreen builds the screen from its state.
func NewBookScreen(r *Session, st BookState) *BookScreen {
	s := &BookScreen{r: r}
	t := r.T
	s.Query = widget.NewEntry()
	s.Query.SetText(st.Query)
	s.Query.PlaceHolder = t("ui.book.placeholder")
	s.Query.OnSubmitted = func(string) { s.Run() }
	s.Query.OnChanged = func(string) { r.Touch() }
	s.Go = widget.NewButtonWithIcon(t("ui.book.go"), theme.SearchIcon(), s.Run)
	s.Go.Importance = widget.HighImportance
	s.Problem = widgets.ProblemLabel()
	s.Status = widgets.StatusLabel()
	s.body = container.NewStack()
	bar := container.NewBorder(nil, nil, widget.NewLabel(t("field.personal_id")), s.Go, s.Query)
	s.content = container.NewBorder(bar, container.NewVBox(s.Problem, s.Status), nil, nil, s.body)
	s.paint(st)
	return s
}

// Content is the screen's root object.
func (s *BookScreen) Content() fyne.CanvasObject { return s.content }

// State returns the query and the book shown.
func (s *BookScreen) State() BookState {
	st := s.st
	st.Query = s.Query.Text
	return st
}

// Shown is the book shown, nil before a look-up.
func (s *BookScreen) Shown() *records.PersonView { return s.st.Person }

// Open looks a person up by personal ID.
func (s *BookScreen) Open(pid string) {
	s.Query.SetText(pid)
	s.Run()
}

// Run looks up the personal ID typed.
func (s *BookScreen) Run() {
	if s.Go.Disabled() {
		return
	}
	pid := strings.TrimSpace(s.Query.Text)
	if pid == "" {
		widgets.SetText(s.Problem, s.r.Cfg.Catalog.Problem(s.r.Cfg.Lang, app.FieldProblem{Field: "personal_id", Code: app.CodeRequired}))
		return
	}
	r := s.r
	s.Go.Disable()
	var (
		pv  records.PersonView
		err error
	)
	r.Run(func() { pv, err = r.Records.Person(r.Sess, pid) }, func() {
		s.Go.Enable()
		if err != nil {
			widgets.SetText(s.Problem, r.Message(err))
			s.paint(BookState{Query: s.Query.Text})
			return
		}
		widgets.SetText(s.Problem, "")
		s.paint(BookState{Query: s.Query.Text, Person: &pv})
	})
}

func (s *BookScreen) paint(st BookState) {
	s.st = st
	s.Name, s.Cover, s.Note, s.Periods, s.Totals, s.Vouchers, s.Dossiers = nil, nil, nil, nil, nil, nil, nil
	s.Standing, s.ChangeBtn, s.StopBtn, s.RefundBtn, s.EvidenceBtn, s.BenefitsBtn = nil, nil, nil, nil, nil, nil
	if st.Person == nil {
		hint := widget.NewLabel(s.r.T("ui.book.hint"))
		hint.Wrapping = fyne.TextWrapWord
		s.body.Objects = []fyne.CanvasObject{container.NewVBox(hint)}
		s.body.Refresh()
		return
	}
	pv := *st.Person
	// The identity above the history: beside the navigation the history's columns take the
	// window's width.
	split := container.NewVSplit(container.NewVScroll(s.identity(pv)), s.history(pv))
	split.Offset = 0.4
	s.body.Objects = []fyne.CanvasObject{split}
	s.body.Refresh()
}

// identity is the person's card and the book cover's.
func (s *BookScreen) identity(pv records.PersonView) fyne.CanvasObject {
	t, cfg := s.r.T, s.r.Cfg
	p := pv.Participant
	s.Name = widget.NewLabelWithStyle(app.UpperName(p.FullName), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Name.SizeName = theme.SizeNameSubHeadingText
	s.Name.Wrapping = fyne.TextWrapWord
	gender := ""
	if g, err := app.ParseGender(p.Gender); err == nil {
		gender = t("gender." + g.String())
	}
	ethnicity := p.Ethnicity
	if n, ok := cfg.Places.EthnicityName(p.Ethnicity); ok {
		ethnicity = n
	}
	nationality := s.r.Name("nationality.", p.Nationality)
	items := []*widget.FormItem{
		widgets.InfoRow(t("ui.book.book_no"), p.PersonalID),
		widgets.InfoRow(t("ui.book.birth_date"), kit.BirthText(p.BirthDate)),
		widgets.InfoRow(t("ui.book.gender"), gender),
		widgets.InfoRow(t("ui.book.ethnicity"), ethnicity),
		widgets.InfoRow(t("ui.book.nationality"), nationality),
	}
	if p.OldSICode != "" {
		items = append(items, widgets.InfoRow(t("ui.book.old_code"), p.OldSICode))
	}
	items = append(
		items,
		widgets.InfoRow(
			t("ui.book.birth_registration"),
			kit.PlaceLine(cfg.Places, p.BirthRegistration.Province, p.BirthRegistration.Commune, ""),
		),
		widgets.InfoRow(t("ui.book.address"), kit.PlaceLine(cfg.Places, p.Address.Province, p.Address.Commune, p.Address.Detail)),
	)
	if p.Phone != "" {
		items = append(items, widgets.InfoRow(t("ui.book.phone"), p.Phone))
	}
	items = append(items,
		widgets.InfoRow(t("ui.book.income"), p.Income.String()),
		widgets.InfoRow(t("ui.book.method"), s.r.methodText(p.Method)),
		widgets.InfoRow(t("ui.book.group"), t("group."+p.SupportGroup)),
		widgets.InfoRow(t("ui.book.support_months"), t("ui.book.support_months_value", "months", strconv.Itoa(pv.Totals.SupportMonths))))
	objs := []fyne.CanvasObject{s.Name, widget.NewForm(items...)}
	if !pv.Known {
		s.Note = widget.NewLabel(t("ui.book.not_known", "dossier", p.Dossier))
		s.Note.Wrapping = fyne.TextWrapWord
		s.Note.Importance = widget.WarningImportance
		objs = append(objs, s.Note)
	}
	var cover string
	switch c := pv.Cover; {
	case c != nil:
		cover = t("cover.status." + string(c.Status))
		if !c.IssuedAt.IsZero() {
			cover += "\n" + t("ui.book.cover_issued", "date", c.IssueDate().VNString(), "user", c.IssuedBy)
		}
		cover += "\n" + printsText(t, len(c.Prints))
	case p.HasBook:
		cover = t("ui.book.cover_had_book")
	default:
		cover = t("ui.book.cover_none")
	}
	s.Cover = widget.NewLabel(cover)
	s.Cover.Wrapping = fyne.TextWrapWord
	// Where the person stands and what may be decided first: that is what the officer came for.
	return container.NewVBox(s.lifeCard(pv), widget.NewCard(t("ui.book.identity"), "", container.NewVBox(objs...)),
		widget.NewCard(t("ui.book.cover"), "", s.Cover))
}

// printsText says how often a cover was printed.
func printsText(t func(string, ...string) string, n int) string {
	if n == 0 {
		return t("ui.covers.not_printed")
	}
	return t("ui.covers.printed", "count", strconv.Itoa(n))
}

// history is the periods with their totals, the vouchers and the dossiers, each in a tab.
func (s *BookScreen) history(pv records.PersonView) fyne.CanvasObject {
	t := s.r.T
	return container.NewAppTabs(
		container.NewTabItem(t("ui.book.tab_periods", "count", strconv.Itoa(len(pv.Participant.Periods))), s.periodsTab(pv)),
		container.NewTabItem(t("ui.book.tab_vouchers", "count", strconv.Itoa(len(pv.Vouchers))), s.vouchersTab(pv.Vouchers)),
		container.NewTabItem(t("ui.book.tab_dossiers", "count", strconv.Itoa(len(pv.Dossiers))), s.dossiersTab(pv.Dossiers)),
		container.NewTabItem(t("ui.life.tab_events", "count", strconv.Itoa(len(pv.Participant.Events))), s.eventsTab(pv.Participant)),
	)
}

// periodsTab lists the periods of participation with what was due, the support and what was
// paid, over their totals.
func (s *BookScreen) periodsTab(pv records.PersonView) fyne.CanvasObject {
	t := s.r.T
	periods := pv.Participant.Periods
	s.Periods = widget.NewList(func() int { return len(periods) }, func() fyne.CanvasObject { return widgets.NewListRow(periodColumns, 6) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(periods) {
				return
			}
			pe := periods[id]
			widgets.SetRow(o, pe.From.VNString()+" – "+pe.To.VNString(), pe.Income.Grouped(), pe.Gross.Grouped(),
				(pe.StateSupport + pe.LocalSupport).Grouped(), pe.Paid.Grouped(), pe.ReceiptNo)
		})
	s.Periods.OnSelected = func(widget.ListItemID) { s.Periods.UnselectAll() }
	tot := pv.Totals
	totals := widgets.NewListRow(periodColumns, 6)
	widgets.SetRow(totals, t("cli.total_months", "months", strconv.Itoa(tot.Months)), "", tot.Gross.Grouped(),
		(tot.StateSupport + tot.LocalSupport).Grouped(), tot.Paid.Grouped(), "")
	for i := range 6 {
		widgets.RowLabel(totals, i).TextStyle = fyne.TextStyle{Bold: true}
	}
	s.Totals = totals
	periodHead := widgets.NewListHeader(
		periodColumns,
		t("cli.col.from_to"),
		t("cli.col.income"),
		t("ui.book.col.due"),
		t("ui.book.col.support"),
		t("cli.col.paid"),
		t("cli.col.receipt"),
	)
	periodTab := container.NewBorder(periodHead, container.NewVBox(widget.NewSeparator(), totals), nil, nil, s.Periods)
	if len(periods) == 0 {
		none := widget.NewLabel(t("ui.book.no_periods"))
		none.Wrapping = fyne.TextWrapWord
		periodTab = container.NewBorder(container.NewVBox(periodHead, none), nil, nil, nil)
	}
	return periodTab
}

// vouchersTab lists the person's vouchers, each with its state and, for an exception, why.
func (s *BookScreen) vouchersTab(vouchers []app.VoucherView) fyne.CanvasObject {
	t := s.r.T
	s.Vouchers = widget.NewList(func() int { return len(vouchers) }, func() fyne.CanvasObject {
		reason := widget.NewLabel("")
		reason.Truncation = fyne.TextTruncateEllipsis
		reason.SizeName = theme.SizeNameCaptionText
		reason.Importance = widget.DangerImportance
		return container.NewVBox(widgets.NewListRow(bookVoucherColumns, 5), reason)
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(vouchers) {
			return
		}
		v := vouchers[id]
		objs := o.(*fyne.Container).Objects
		status := t("voucher.status." + string(v.State.Status))
		if v.Kind != app.KindPayment {
			status = t("ui.voucher.kind."+string(v.Kind)) + " · " + status
		}
		widgets.SetRow(objs[0], v.PaidOn.VNString(), v.ReceiptNo, v.Amount.Grouped(),
			t("ui.voucher.period_value", "from", v.FromMonth.VNString(), "to", v.ToMonth().VNString(), "months", strconv.Itoa(v.Months)), status)
		reason := ""
		if v.State.Status == app.VoucherException {
			reason = s.r.exceptionText(v.State)
		}
		objs[1].(*widget.Label).SetText(reason)
	})
	s.Vouchers.OnSelected = func(widget.ListItemID) { s.Vouchers.UnselectAll() }
	voucherHead := widgets.NewListHeader(
		bookVoucherColumns,
		t("field.paid_on"),
		t("field.receipt_no"),
		t("field.amount"),
		t("ui.voucher.period"),
		t("ui.book.col.status"),
	)
	return container.NewBorder(voucherHead, nil, nil, nil, s.Vouchers)
}

// dossiersTab lists the person's dossiers; choosing one opens it.
func (s *BookScreen) dossiersTab(dossiers []app.Summary) fyne.CanvasObject {
	t := s.r.T
	s.Dossiers = widget.NewList(
		func() int { return len(dossiers) },
		func() fyne.CanvasObject { return widgets.NewListRow(bookDossierColumns, 3) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(dossiers) {
				return
			}
			d := dossiers[id]
			widgets.SetRow(o, d.Code, t("state."+string(d.State)), d.Due.VNString())
		},
	)
	s.Dossiers.OnSelected = func(id widget.ListItemID) {
		s.Dossiers.UnselectAll()
		if id < len(dossiers) {
			s.r.Open(dossiers[id].Code)
		}
	}
	dossierHead := widgets.NewListHeader(bookDossierColumns, t("ui.col.code"), t("ui.dossier.state"), t("ui.col.due"))
	return container.NewBorder(dossierHead, nil, nil, nil, s.Dossiers)
}
