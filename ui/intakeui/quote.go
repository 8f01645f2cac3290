package intakeui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// methods in the order the screens offer them.
var methods = []app.MethodKind{app.Monthly, app.Quarter, app.Half, app.Yearly, app.Ahead, app.Missing}

// QuoteState is what the user has typed on the quote screen; it survives a language switch.
type QuoteState struct {
	Income   string
	Method   app.MethodKind
	Months   string
	Group    app.SupportGroup
	Month    string // MM/YYYY
	Province string // current 2-digit code, "" for none
}

// QuoteScreen is the help-desk contribution quote (tính mức đóng): pick income, method, support
// group, first month and province; see the amount per period, the state support, what the
// citizen pays and the deadline, recomputed on every keystroke.
type QuoteScreen struct {
	cfg *kit.Settings

	*moneyFields
	Group    *widget.RadioGroup
	Month    *widget.Entry
	Province *widgets.TypeSelect
	form     *widget.Form

	*quotePanel

	groupNames []string // the radio labels, in app.SupportGroups order
	last       app.Quote
	lastErr    error
	body       fyne.CanvasObject // the form and the result, without the scroll
	input      fyne.CanvasObject // the form's card
	result     fyne.CanvasObject // the result's card
	content    fyne.CanvasObject
	// onChange runs after every recomputation (the walk-in page follows the group).
	onChange func()
}

// NewQuoteScreen builds the screen with the given state (zero state: monthly, other group,
// the current month, the floor income).
func NewQuoteScreen(cfg *kit.Settings, st QuoteState) *QuoteScreen {
	s := &QuoteScreen{cfg: cfg}
	if st.Group == "" {
		st.Group = app.Other
	}
	if st.Month == "" {
		st.Month = app.MonthOfDate(calendar.DateOf(cfg.Now())).VNString()
	}
	s.build(st)
	s.recompute()
	return s
}

func (s *QuoteScreen) t(key string, args ...string) string {
	return s.cfg.Catalog.T(s.cfg.Lang, key, args...)
}

func (s *QuoteScreen) build(st QuoteState) {
	s.Month = &widget.Entry{Text: st.Month, PlaceHolder: s.t("quote.month_placeholder"), OnChanged: func(string) { s.recompute() }}
	s.Month.ExtendBaseWidget(s.Month)
	s.moneyFields = newMoneyFields(
		s.cfg,
		st.Income,
		st.Method,
		st.Months,
		func() app.Month { return monthOr(s.cfg, s.Month.Text) },
		s.recompute,
	)

	groupNames := make([]string, len(app.SupportGroups))
	for i, g := range app.SupportGroups {
		groupNames[i] = s.t("group." + string(g))
	}
	s.groupNames = groupNames
	s.Group = widget.NewRadioGroup(groupNames, nil)
	s.Group.Required = true

	provNames := []string{s.t("province.none")}
	for _, p := range s.cfg.Places.Provinces {
		provNames = append(provNames, p.Name)
	}
	s.Province = widgets.NewTypeSelect(provNames, s.cfg.Now)

	// Set selections before wiring callbacks so building does not recompute half-made state.
	for i, g := range app.SupportGroups {
		if g == st.Group {
			s.Group.SetSelected(groupNames[i])
		}
	}
	s.Province.SetSelectedIndex(0)
	for i, p := range s.cfg.Places.Provinces {
		if p.Code == st.Province {
			s.Province.SetSelectedIndex(i + 1)
		}
	}
	s.Group.OnChanged = func(string) { s.recompute() }
	s.Province.OnChanged = func(string) { s.recompute() }

	s.form = widget.NewForm(
		&widget.FormItem{Text: s.t("field.income"), Widget: s.incomeRow()},
		&widget.FormItem{Text: s.t("field.method"), Widget: s.Method},
		&widget.FormItem{Text: s.t("quote.months_ahead"), Widget: s.Months},
		&widget.FormItem{Text: s.t("field.support_group"), Widget: s.Group},
		&widget.FormItem{Text: s.t("field.start_month"), Widget: s.Month},
		&widget.FormItem{Text: s.t("field.province"), Widget: s.Province},
	)
	s.quotePanel = newQuotePanel(s.cfg)
	result := widget.NewCard(s.t("quote.result"), "", s.quotePanel.content())
	input := widget.NewCard(s.t("quote.title"), s.t("quote.subtitle"), s.form)
	s.input, s.result = input, result
	s.body = container.NewGridWithColumns(2, input, result)
	s.content = container.NewVScroll(s.body)
}

// Content is the screen's root object.
func (s *QuoteScreen) Content() fyne.CanvasObject { return s.content }

// State returns what the user has entered.
func (s *QuoteScreen) State() QuoteState {
	st := QuoteState{Income: s.Income.Text, Months: s.Months.Text, Month: s.Month.Text, Method: s.kind(), Group: app.Other}
	for i, name := range s.groupNames {
		if s.Group.Selected == name {
			st.Group = app.SupportGroups[i]
		}
	}
	if i := s.Province.SelectedIndex(); i > 0 {
		st.Province = s.cfg.Places.Provinces[i-1].Code
	}
	return st
}

// Last returns the last quote computed and the error that prevented one, if any.
func (s *QuoteScreen) Last() (app.Quote, error) { return s.last, s.lastErr }

// request reads the widgets into a quote request; a field that does not parse is returned as an
// error naming it.
func (s *QuoteScreen) request() (app.QuoteRequest, error) {
	st := s.State()
	var req app.QuoteRequest
	tn, err := s.income()
	if err != nil {
		return req, err
	}
	m, err := app.ParseMonth(strings.TrimSpace(st.Month))
	if err != nil {
		return req, &app.Error{Kind: app.Invalid, Code: app.CodeMonthFormat, Field: "start_month"}
	}
	method, err := s.method()
	if err != nil {
		return req, err
	}
	return app.QuoteRequest{Income: tn, Method: method, Groups: []app.SupportGroup{st.Group}, Month: m, Province: st.Province,
		Paid: calendar.DateOf(s.cfg.Now().In(calendar.VN))}, nil
}

// recompute quotes again and paints the result.
func (s *QuoteScreen) recompute() {
	if s.form == nil || s.quotePanel == nil {
		return // still building
	}
	s.syncMonths()
	s.form.Items[0].HintText = s.incomeHint()
	req, err := s.request()
	var q app.Quote
	if err == nil {
		q, err = s.cfg.Rules().Quote(req)
	}
	s.last, s.lastErr = q, err
	s.paint(q, err)
	s.form.Refresh()
	if s.onChange != nil {
		s.onChange()
	}
}

// Request is the quote request the screen shows, or why it cannot make one.
func (s *QuoteScreen) Request() (app.QuoteRequest, error) { return s.request() }

// monthOr parses a month as typed, or returns the current month.
func monthOr(cfg *kit.Settings, text string) app.Month {
	if m, err := app.ParseMonth(strings.TrimSpace(text)); err == nil {
		return m
	}
	return app.MonthOfDate(calendar.DateOf(cfg.Now()))
}

// moneyFields are the chosen income [15] and the payment method [16], shared by the quote screen
// and the registration form: the income moves along the allowed steps with − and +, and the
// number of months applies to ahead and missing-time payments only.
type moneyFields struct {
	Income *widget.Entry
	Lower  *widget.Button
	Raise  *widget.Button
	Method *widgets.TypeSelect
	Months *widget.Entry

	cfg   *kit.Settings
	month func() app.Month // the first month, for the bounds of the income
}

// newMoneyFields builds the inputs; an empty income starts on the floor of the month and an
// empty method on monthly. changed runs after every edit.
func newMoneyFields(
	cfg *kit.Settings,
	income string,
	method app.MethodKind,
	months string,
	month func() app.Month,
	changed func(),
) *moneyFields {
	f := &moneyFields{cfg: cfg, month: month}
	t := func(key string) string { return cfg.Catalog.T(cfg.Lang, key) }
	if income == "" {
		if floor, _, err := cfg.Rules().Bounds(month()); err == nil {
			income = floor.Grouped()
		}
	}
	if method == "" {
		method = app.Monthly
	}
	f.Income = &widget.Entry{Text: income, OnChanged: func(string) { changed() }}
	f.Income.ExtendBaseWidget(f.Income)
	f.Lower = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { f.step(-1) })
	f.Raise = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { f.step(+1) })
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = t("method." + string(m))
	}
	f.Method = widgets.NewTypeSelect(names, cfg.Now)
	for i, m := range methods {
		if m == method {
			f.Method.SetSelectedIndex(i)
		}
	}
	f.Method.OnChanged = func(string) { changed() }
	f.Months = &widget.Entry{Text: months, PlaceHolder: t("quote.months_placeholder"), OnChanged: func(string) { changed() }}
	f.Months.ExtendBaseWidget(f.Months)
	f.syncMonths()
	return f
}

// incomeRow is the income entry with its − and + buttons.
func (f *moneyFields) incomeRow() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewHBox(f.Lower, f.Raise), f.Income)
}

// kind is the selected method (monthly when none).
func (f *moneyFields) kind() app.MethodKind {
	if i := f.Method.SelectedIndex(); i >= 0 {
		return methods[i]
	}
	return app.Monthly
}

// syncMonths enables the number of months only for the methods that take one.
func (f *moneyFields) syncMonths() {
	if k := f.kind(); k == app.Ahead || k == app.Missing {
		f.Months.Enable()
	} else {
		f.Months.Disable()
	}
}

// income parses the chosen income.
func (f *moneyFields) income() (app.Money, error) {
	tn, err := app.ParseMoney(f.Income.Text)
	if err != nil {
		return 0, &app.Error{Kind: app.Invalid, Code: app.CodeMoneyFormat, Field: "income"}
	}
	return tn, nil
}

// method parses the method with its months.
func (f *moneyFields) method() (app.Method, error) {
	k := f.kind()
	if k != app.Ahead && k != app.Missing {
		return app.ParseMethod(string(k))
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Months.Text))
	if err != nil || n < 1 {
		return app.Method{}, &app.Error{Kind: app.Invalid, Code: app.CodeMethodInvalid, Field: "method"}
	}
	return app.Method{Kind: k, Months: n}, nil
}

// methodText is the method in the interchange form ("monthly", "ahead:12"), as typed.
func (f *moneyFields) methodText() string {
	k := f.kind()
	if k != app.Ahead && k != app.Missing {
		return string(k)
	}
	return string(k) + ":" + strings.TrimSpace(f.Months.Text)
}

// incomeHint names the bounds and the step of the income for the first month.
func (f *moneyFields) incomeHint() string {
	m := f.month()
	floor, ceiling, err := f.cfg.Rules().Bounds(m)
	if err != nil {
		return ""
	}
	con, _ := f.cfg.Rules().Contribution.At(m)
	return f.cfg.Catalog.T(
		f.cfg.Lang,
		"quote.income_hint",
		"min",
		floor.String(),
		"max",
		ceiling.String(),
		"step",
		con.Value.IncomeStep.String(),
	)
}

// step moves the income one allowed step (50,000 đồng above the floor) up or down, staying
// within the floor and the ceiling.
func (f *moneyFields) step(dir int) {
	m := f.month()
	floor, ceiling, err := f.cfg.Rules().Bounds(m)
	con, ok := f.cfg.Rules().Contribution.At(m)
	if err != nil || !ok {
		return
	}
	tn, err := app.ParseMoney(f.Income.Text)
	if err != nil || tn < floor {
		tn = floor
	} else {
		// Snap down onto the step grid first, then move.
		tn = floor + (tn-floor)/con.Value.IncomeStep*con.Value.IncomeStep
		tn += app.Money(dir) * con.Value.IncomeStep
	}
	tn = max(floor, min(ceiling, tn))
	f.Income.SetText(tn.Grouped())
}

// quotePanel shows a quote: the period, the amounts, what the citizen pays and by when, the
// warnings of unconfirmed rules and the rules used; or why no quote could be made. The quote
// screen, the registration form and the dossier detail all show quotes with it.
type quotePanel struct {
	Problem  *widget.Label
	Lines    *widget.Form
	Payable  *canvas.Text
	Deadline *widget.Label
	Rules    *widget.Label
	Warnings *widget.Label

	cfg *kit.Settings
}

func newQuotePanel(cfg *kit.Settings) *quotePanel {
	p := &quotePanel{cfg: cfg}
	p.Problem = widget.NewLabel("")
	p.Problem.Wrapping = fyne.TextWrapWord
	p.Problem.Importance = widget.DangerImportance
	p.Lines = widget.NewForm()
	p.Payable = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	p.Payable.TextSize = theme.TextSize() * 2
	p.Payable.TextStyle = fyne.TextStyle{Bold: true}
	p.Deadline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Rules = widget.NewLabel("")
	p.Rules.Wrapping = fyne.TextWrapWord
	p.Rules.SizeName = theme.SizeNameCaptionText
	p.Warnings = widget.NewLabel("")
	p.Warnings.Wrapping = fyne.TextWrapWord
	p.Warnings.Importance = widget.WarningImportance
	return p
}

func (p *quotePanel) t(key string, args ...string) string {
	return p.cfg.Catalog.T(p.cfg.Lang, key, args...)
}

// content lays the panel out.
func (p *quotePanel) content() fyne.CanvasObject {
	payable := container.NewVBox(widget.NewLabel(p.t("quote.payable")), p.Payable, p.Deadline)
	return container.NewVBox(p.Problem, p.Lines, widget.NewSeparator(), payable, p.Warnings, p.Rules)
}

func (p *quotePanel) paint(q app.Quote, err error) {
	if err != nil {
		p.Problem.SetText(p.cfg.Message(err))
		p.Problem.Show()
		p.Lines.Items = nil
		p.Lines.Refresh()
		p.Payable.Text = "—"
		p.Payable.Refresh()
		p.Deadline.SetText("")
		widgets.SetText(p.Warnings, "")
		p.Rules.SetText("")
		return
	}
	p.Problem.SetText("")
	p.Problem.Hide()
	line := func(key, value string) *widget.FormItem {
		return &widget.FormItem{Text: p.t(key), Widget: widget.NewLabelWithStyle(value, fyne.TextAlignTrailing, fyne.TextStyle{})}
	}
	items := []*widget.FormItem{
		line("quote.period", p.t("quote.period_value", "from", q.FromMonth.VNString(), "to", q.ToMonth.VNString(), "months", strconv.Itoa(q.Months))),
		line("quote.monthly_gross", q.MonthlyGross.String()),
		line("quote.gross", q.Gross.String()),
		line("quote.state_support", "− "+q.StateSupport.String()),
	}
	if q.LocalSupport > 0 {
		items = append(items, line("quote.local_support", "− "+q.LocalSupport.String()))
	}
	if q.Discount > 0 {
		items = append(items, line("quote.discount", "− "+q.Discount.String()))
	}
	if q.Interest > 0 {
		items = append(items, line("quote.interest", "+ "+q.Interest.String()))
	}
	p.Lines.Items = items
	p.Lines.Refresh()
	p.Payable.Text = q.Payable.String()
	p.Payable.Refresh()
	p.Deadline.SetText(p.t("quote.deadline") + ": " + q.Deadline.VNString())
	var warns []string
	for _, w := range q.Warnings {
		_, table, _ := strings.Cut(w, ":")
		warns = append(warns, p.t("quote.warning_reported", "table", p.t("table."+table)))
	}
	widgets.SetText(p.Warnings, strings.Join(warns, "\n"))
	support := p.t("quote.support_line", "group", p.t("group."+string(q.Group)), "share", q.SupportShare.Percent(),
		"line", q.PovertyLine.String(), "months", strconv.Itoa(q.SupportMonths))
	var used []string
	for _, v := range q.Rules {
		used = append(used, p.t("table."+v.Table)+": "+v.Source)
	}
	p.Rules.SetText(support + "\n" + p.t("quote.rules") + ": " + strings.Join(used, "; "))
}
