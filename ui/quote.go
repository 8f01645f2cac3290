package ui

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
)

// methods in the order the screen offers them.
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
	cfg *Config

	Income   *widget.Entry
	Lower    *widget.Button
	Raise    *widget.Button
	Method   *widget.Select
	Months   *widget.Entry
	Group    *widget.RadioGroup
	Month    *widget.Entry
	Province *widget.Select
	form     *widget.Form

	Problem  *widget.Label
	Lines    *widget.Form
	Payable  *canvas.Text
	Deadline *widget.Label
	Rules    *widget.Label
	Warnings *widget.Label

	groupNames []string // the radio labels, in app.SupportGroups order
	last       app.Quote
	lastErr    error
	content    fyne.CanvasObject
}

// NewQuoteScreen builds the screen with the given state (zero state: monthly, other group,
// the current month, the floor income).
func NewQuoteScreen(cfg *Config, st QuoteState) *QuoteScreen {
	s := &QuoteScreen{cfg: cfg}
	if st.Method == "" {
		st.Method = app.Monthly
	}
	if st.Group == "" {
		st.Group = app.Other
	}
	if st.Month == "" {
		st.Month = app.MonthOfDate(calendar.DateOf(cfg.Now())).VNString()
	}
	if st.Income == "" {
		if floor, _, err := cfg.Rules.Bounds(s.month(st.Month)); err == nil {
			st.Income = floor.Grouped()
		}
	}
	s.build(st)
	s.recompute()
	return s
}

func (s *QuoteScreen) t(key string, args ...string) string {
	return s.cfg.Catalog.T(s.cfg.Lang, key, args...)
}

func (s *QuoteScreen) month(text string) app.Month {
	if m, err := app.ParseMonth(strings.TrimSpace(text)); err == nil {
		return m
	}
	return app.MonthOfDate(calendar.DateOf(s.cfg.Now()))
}

func (s *QuoteScreen) build(st QuoteState) {
	s.Income = &widget.Entry{Text: st.Income, OnChanged: func(string) { s.recompute() }}
	s.Income.ExtendBaseWidget(s.Income)
	s.Lower = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { s.step(-1) })
	s.Raise = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { s.step(+1) })

	methodNames := make([]string, len(methods))
	for i, m := range methods {
		methodNames[i] = s.t("method." + string(m))
	}
	s.Method = widget.NewSelect(methodNames, nil)
	s.Months = &widget.Entry{Text: st.Months, PlaceHolder: s.t("quote.months_placeholder"), OnChanged: func(string) { s.recompute() }}
	s.Months.ExtendBaseWidget(s.Months)

	groupNames := make([]string, len(app.SupportGroups))
	for i, g := range app.SupportGroups {
		groupNames[i] = s.t("group." + string(g))
	}
	s.groupNames = groupNames
	s.Group = widget.NewRadioGroup(groupNames, nil)
	s.Group.Required = true

	s.Month = &widget.Entry{Text: st.Month, PlaceHolder: s.t("quote.month_placeholder"), OnChanged: func(string) { s.recompute() }}
	s.Month.ExtendBaseWidget(s.Month)

	provNames := []string{s.t("province.none")}
	for _, p := range s.cfg.Places.Provinces {
		provNames = append(provNames, p.Name)
	}
	s.Province = widget.NewSelect(provNames, nil)

	// Set selections before wiring callbacks so building does not recompute half-made state.
	for i, m := range methods {
		if m == st.Method {
			s.Method.SetSelectedIndex(i)
		}
	}
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
	s.Method.OnChanged = func(string) { s.recompute() }
	s.Group.OnChanged = func(string) { s.recompute() }
	s.Province.OnChanged = func(string) { s.recompute() }

	s.form = widget.NewForm(
		&widget.FormItem{Text: s.t("field.income"), Widget: container.NewBorder(nil, nil, nil, container.NewHBox(s.Lower, s.Raise), s.Income)},
		&widget.FormItem{Text: s.t("field.method"), Widget: s.Method},
		&widget.FormItem{Text: s.t("quote.months_ahead"), Widget: s.Months},
		&widget.FormItem{Text: s.t("field.support_group"), Widget: s.Group},
		&widget.FormItem{Text: s.t("field.start_month"), Widget: s.Month},
		&widget.FormItem{Text: s.t("field.province"), Widget: s.Province},
	)

	s.Problem = widget.NewLabel("")
	s.Problem.Wrapping = fyne.TextWrapWord
	s.Problem.Importance = widget.DangerImportance
	s.Lines = widget.NewForm()
	s.Payable = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	s.Payable.TextSize = theme.TextSize() * 2
	s.Payable.TextStyle = fyne.TextStyle{Bold: true}
	s.Deadline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Rules = widget.NewLabel("")
	s.Rules.Wrapping = fyne.TextWrapWord
	s.Rules.SizeName = theme.SizeNameCaptionText
	s.Warnings = widget.NewLabel("")
	s.Warnings.Wrapping = fyne.TextWrapWord
	s.Warnings.Importance = widget.WarningImportance

	payable := container.NewVBox(widget.NewLabel(s.t("quote.payable")), s.Payable, s.Deadline)
	result := widget.NewCard(s.t("quote.result"), "", container.NewVBox(s.Problem, s.Lines, widget.NewSeparator(), payable, s.Warnings, s.Rules))
	input := widget.NewCard(s.t("quote.title"), s.t("quote.subtitle"), s.form)
	s.content = container.NewVScroll(container.NewGridWithColumns(2, input, result))
}

// Content is the screen's root object.
func (s *QuoteScreen) Content() fyne.CanvasObject { return s.content }

// State returns what the user has entered.
func (s *QuoteScreen) State() QuoteState {
	st := QuoteState{Income: s.Income.Text, Months: s.Months.Text, Month: s.Month.Text, Method: app.Monthly, Group: app.Other}
	if i := s.Method.SelectedIndex(); i >= 0 {
		st.Method = methods[i]
	}
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

// step moves the income one allowed step (50,000 đồng above the floor) up or down, staying
// within the floor and the ceiling.
func (s *QuoteScreen) step(dir int) {
	m := s.month(s.Month.Text)
	floor, ceiling, err := s.cfg.Rules.Bounds(m)
	con, ok := s.cfg.Rules.Contribution.At(m)
	if err != nil || !ok {
		return
	}
	tn, err := app.ParseMoney(s.Income.Text)
	if err != nil || tn < floor {
		tn = floor
	} else {
		// Snap down onto the step grid first, then move.
		tn = floor + (tn-floor)/con.Value.IncomeStep*con.Value.IncomeStep
		tn += app.Money(dir) * con.Value.IncomeStep
	}
	tn = max(floor, min(ceiling, tn))
	s.Income.SetText(tn.Grouped())
}

// request reads the widgets into a quote request; a field that does not parse is returned as an
// error naming it.
func (s *QuoteScreen) request() (app.QuoteRequest, error) {
	st := s.State()
	var req app.QuoteRequest
	tn, err := app.ParseMoney(st.Income)
	if err != nil {
		return req, &app.Error{Kind: app.Invalid, Code: "money_format", Field: "income"}
	}
	m, err := app.ParseMonth(strings.TrimSpace(st.Month))
	if err != nil {
		return req, &app.Error{Kind: app.Invalid, Code: "month_format", Field: "start_month"}
	}
	method := app.Method{Kind: st.Method}
	switch st.Method {
	case app.Ahead, app.Missing:
		n, err := strconv.Atoi(strings.TrimSpace(st.Months))
		if err != nil || n < 1 {
			return req, &app.Error{Kind: app.Invalid, Code: "method_invalid", Field: "method"}
		}
		method.Months = n
	default:
		method, _ = app.ParseMethod(string(st.Method))
	}
	return app.QuoteRequest{Income: tn, Method: method, Groups: []app.SupportGroup{st.Group}, Month: m, Province: st.Province}, nil
}

// recompute quotes again and paints the result.
func (s *QuoteScreen) recompute() {
	if s.Lines == nil {
		return // still building
	}
	st := s.State()
	if st.Method == app.Ahead || st.Method == app.Missing {
		s.Months.Enable()
	} else {
		s.Months.Disable()
	}
	m := s.month(st.Month)
	if floor, ceiling, err := s.cfg.Rules.Bounds(m); err == nil {
		con, _ := s.cfg.Rules.Contribution.At(m)
		s.form.Items[0].HintText = s.t("quote.income_hint", "min", floor.String(), "max", ceiling.String(), "step", con.Value.IncomeStep.String())
	}
	req, err := s.request()
	var q app.Quote
	if err == nil {
		q, err = s.cfg.Rules.Quote(req)
	}
	s.last, s.lastErr = q, err
	s.paint(q, err)
}

func (s *QuoteScreen) paint(q app.Quote, err error) {
	if err != nil {
		s.Problem.SetText(s.cfg.Catalog.Message(s.cfg.Lang, err))
		s.Problem.Show()
		s.Lines.Items = nil
		s.Lines.Refresh()
		s.Payable.Text = "—"
		s.Payable.Refresh()
		s.Deadline.SetText("")
		s.Warnings.SetText("")
		s.Rules.SetText("")
		s.form.Refresh()
		return
	}
	s.Problem.SetText("")
	s.Problem.Hide()
	line := func(key, value string) *widget.FormItem {
		return &widget.FormItem{Text: s.t(key), Widget: widget.NewLabelWithStyle(value, fyne.TextAlignTrailing, fyne.TextStyle{})}
	}
	items := []*widget.FormItem{
		line("quote.period", q.FromMonth.VNString()+" – "+q.ToMonth.VNString()+" ("+strconv.Itoa(q.Months)+" "+s.t("quote.months_label")+")"),
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
	s.Lines.Items = items
	s.Lines.Refresh()
	s.Payable.Text = q.Payable.String()
	s.Payable.Refresh()
	s.Deadline.SetText(s.t("quote.deadline") + ": " + q.Deadline.VNString())
	var warns []string
	for _, w := range q.Warnings {
		warns = append(warns, s.cfg.Catalog.Warning(s.cfg.Lang, w))
	}
	s.Warnings.SetText(strings.Join(warns, "\n"))
	support := s.t("quote.support_line", "group", s.t("group."+string(q.Group)), "share", percent(q.SupportShare),
		"line", q.PovertyLine.String(), "months", strconv.Itoa(q.SupportMonths))
	var used []string
	for _, v := range q.Rules {
		used = append(used, s.t("table."+v.Table)+": "+v.Source)
	}
	s.Rules.SetText(support + "\n" + s.t("quote.rules") + ": " + strings.Join(used, "; "))
	s.form.Refresh()
}

// percent formats basis points as a Vietnamese percentage: 5000 → "50%", 2550 → "25,5%".
func percent(r app.Rate) string {
	whole, frac := int64(r)/100, int64(r)%100
	if frac == 0 {
		return strconv.FormatInt(whole, 10) + "%"
	}
	return strings.TrimRight(strconv.FormatInt(whole, 10)+","+strconv.FormatInt(100+frac, 10)[1:], "0") + "%"
}
