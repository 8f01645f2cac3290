package adminui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui/widgets"
)

// ruleLine is one rule in force: its name, its value, where it comes from and how sure it is.
func (s *AdminScreen) ruleLine(name, value string, from app.Month, source string, status app.Status) fyne.CanvasObject {
	t := s.r.T
	head := widget.NewLabelWithStyle(name+": "+value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	src := widget.NewLabel(t("ui.admin.rule_source", "from", from.VNString(), "source", source,
		"status", t("ui.admin.status."+string(status))))
	src.Wrapping = fyne.TextWrapWord
	src.SizeName = theme.SizeNameCaptionText
	if status != app.Confirmed {
		src.Importance = widget.WarningImportance
	}
	return container.NewVBox(head, src)
}

// rules is the rules tab: what the data lacks for the coming months, then the rule tables in
// force this month with their legal sources.
func (s *AdminScreen) rules() fyne.CanvasObject {
	t := s.r.T
	ref := s.r.Cfg.Ref.Get()
	rules := ref.Rules
	today := calendar.DateOf(s.r.Cfg.Now().In(calendar.VN))
	m := app.MonthOfDate(today)
	box := container.NewVBox()
	// What the data lacks or only guesses for the coming months comes first.
	if notices := ref.Outlook(today, s.r.Sess.Office.Province); len(notices) > 0 {
		lines := make([]string, len(notices))
		for i, n := range notices {
			lines[i] = "⚠ " + s.r.Cfg.Catalog.Outlook(s.r.Cfg.Lang, n)
		}
		warn := widget.NewLabel(t("outlook.title") + ":\n" + strings.Join(lines, "\n"))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
	s.addNationalRules(box, rules, m)
	s.addLocalSupport(box, rules, m)
	note := widgets.NoteText(t("ui.admin.rules_note"))
	box.Add(note)
	return page(t("ui.admin.rules_title", "month", m.VNString()), t("ui.admin.rules_sub"), box)
}

// addNationalRules adds to box the national rules in force in month m: the poverty line and
// the reference level with their changes in the coming year, the contribution, the state's
// support, the caps of the payment methods and the fund's rate.
func (s *AdminScreen) addNationalRules(box *fyne.Container, rules *app.Rules, m app.Month) {
	t := s.r.T
	if e, ok := rules.PovertyLine.At(m); ok {
		box.Add(s.ruleLine(t("table.poverty_line"), e.Value.String(), e.From, e.Source, e.Status))
	}
	if e, ok := rules.ReferenceLevel.At(m); ok {
		box.Add(s.ruleLine(t("table.reference_level"), e.Value.String(), e.From, e.Source, e.Status))
	}
	// The amounts that change in the coming year, confirmed or not, so nobody is surprised.
	for _, tl := range []*app.Timeline[app.Money]{&rules.PovertyLine, &rules.ReferenceLevel} {
		for _, e := range tl.Entries {
			if e.From > m && e.From <= m.Add(12) {
				name := t("ui.admin.rule_coming", "table", t("table."+tl.Name), "from", e.From.VNString())
				box.Add(s.ruleLine(name, e.Value.String(), e.From, e.Source, e.Status))
			}
		}
	}
	if e, ok := rules.Contribution.At(m); ok {
		c := e.Value
		value := t("ui.admin.contribution", "rate", c.Rate.Percent(), "step", c.IncomeStep.String(),
			"ceiling", strconv.FormatInt(c.CeilingMultiplier, 10), "age", strconv.Itoa(c.MinAge))
		box.Add(s.ruleLine(t("table.contribution"), value, e.From, e.Source, e.Status))
	}
	if e, ok := rules.SupportShare.At(m); ok {
		var parts []string
		for _, g := range app.SupportGroups {
			if r, ok := e.Value[g]; ok {
				parts = append(parts, t("group."+string(g))+" "+r.Percent())
			}
		}
		box.Add(s.ruleLine(t("table.support_share"), strings.Join(parts, "; "), e.From, e.Source, e.Status))
	}
	if e, ok := rules.Caps.At(m); ok {
		c := e.Value
		value := t("ui.admin.caps", "ahead", strconv.Itoa(c.AheadMax), "missing", strconv.Itoa(c.MissingMax),
			"support", strconv.Itoa(c.SupportMonths))
		box.Add(s.ruleLine(t("table.method_caps"), value, e.From, e.Source, e.Status))
	}
	// Ahead and missing-time payments made this year use last year's rate.
	if fr, ok := rules.FundRates[m.Year()-1]; ok {
		value := t("ui.admin.fund_rate", "year", strconv.Itoa(fr.Year), "rate", fr.Percent(), "paid", strconv.Itoa(m.Year()))
		box.Add(s.ruleLine(t("table.fund_rate"), value, app.MonthOf(fr.Year, time.January), fr.Source, fr.Status))
	}
}

// addLocalSupport adds to box the province's own support, in force in month m or later (a later
// entry is how a new resolution shows before it applies), or says there is none.
func (s *AdminScreen) addLocalSupport(box *fyne.Container, rules *app.Rules, m app.Month) {
	t := s.r.T
	province := s.r.Sess.Office.Province
	shown := 0
	for _, l := range rules.LocalSupport[province] {
		if l.To != 0 && l.To < m {
			continue
		}
		value := l.Share.Percent()
		if l.Amount > 0 {
			value = l.Amount.String()
		}
		group := t("group." + string(l.Group))
		if g, ok := rules.LocalGroup(province, string(l.Group)); ok {
			group = g.NameVI
			if s.r.Cfg.Lang == app.EN {
				group = g.NameEN
			}
		}
		box.Add(s.ruleLine(t("table.local_support")+" — "+group, value, l.From, l.Source, l.Status))
		shown++
	}
	if shown == 0 {
		box.Add(widget.NewLabel(t("ui.admin.no_local_support")))
	}
}

func (s *AdminScreen) calendar() fyne.CanvasObject {
	t := s.r.T
	lang := s.r.Cfg.Lang
	today := calendar.DateOf(s.r.Cfg.Now().In(calendar.VN))
	year := today.Year()
	cal := s.r.Cfg.Calendars().For(s.r.Sess.Office.Province)
	cols := widgets.Columns{Widths: []float32{60, 110, 170, 300}, Flex: 3}
	rows := container.NewVBox(widgets.NewListHeader(cols, t("ui.admin.col.weekday"), t("ui.admin.col.date"),
		t("ui.admin.col.kind"), t("ui.admin.col.name")))
	n := 0
	for d := calendar.Of(year, time.January, 1); d.Year() == year; d++ {
		day, ok := cal.Special(d)
		if !ok {
			continue
		}
		name := day.NameVI
		if lang == app.EN && day.NameEN != "" {
			name = day.NameEN
		}
		row := widgets.NewListRow(cols, 4)
		widgets.SetRow(row, t("ui.weekday."+strconv.Itoa(int(d.Weekday()))), d.VNString(), t("ui.admin.day."+string(day.Kind)), name)
		widgets.RowLabel(row, 3).Wrapping = fyne.TextWrapWord
		widgets.RowLabel(row, 3).Truncation = fyne.TextTruncateOff
		rows.Add(row)
		n++
	}
	status := t("ui.admin.no_calendar", "year", strconv.Itoa(year))
	if st, ok := s.r.Cfg.Calendars().YearStatus(year); ok {
		status = t("ui.admin.calendar_status", "year", strconv.Itoa(year), "status", t("ui.admin.calendar."+st), "count", strconv.Itoa(n))
	}
	head := widget.NewLabel(status)
	head.Wrapping = fyne.TextWrapWord
	return page(t("ui.admin.calendar_title", "year", strconv.Itoa(year)), t("ui.admin.calendar_sub"), container.NewVBox(head, rows))
}
