package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// AdminTab names a tab of the settings and administration page.
type AdminTab string

// The tabs of the settings and administration page.
const (
	TabDisplay  AdminTab = "display"  // hiển thị: language, light/dark, text size
	TabOffice   AdminTab = "office"   // hồ sơ cơ quan
	TabWorkflow AdminTab = "workflow" // quy trình và thời hạn
	TabRules    AdminTab = "rules"    // quy định đang áp dụng
	TabCalendar AdminTab = "calendar" // lịch làm việc năm nay
	TabBackup   AdminTab = "backup"   // sao lưu tự động (administrators)
	TabDevice   AdminTab = "device"   // thiết bị và đăng ký với trung tâm
)

// AdminState is the page's state: the tab shown and the backup settings as typed.
type AdminState struct {
	Tab                   AdminTab
	BackupDir             string
	BackupKeep, BackupHrs string
	Loaded                bool
}

// adminHooks are what the page changes on the desk itself.
type adminHooks struct {
	lang          func() app.Lang
	setLang       func(app.Lang)
	appearance    func() Appearance
	setAppearance func(Appearance)
	openEnrolment func()
}

// AdminScreen is the settings and administration page (quản trị): for every role the display
// (language, light or dark, larger text), the office's profile, the province workflow with its
// deadlines, the rule tables in force with their legal sources and the calendar of the current
// year, read-only but for the workflow's days and roles, which an administrator adjusts where the
// province allows; for administrators also the automatic backup and the device's enrolment.
type AdminScreen struct {
	r     *recSession
	st    AdminState
	hooks adminHooks

	Tabs     *container.AppTabs
	Language *widget.RadioGroup
	Dark     *widget.RadioGroup
	Large    *widget.Check

	// The automatic backup (administrators): nil for the other roles.
	BackupDir  *widget.Entry
	BackupKeep *widget.Entry
	BackupHrs  *widget.Entry
	SaveBackup *widget.Button
	BackupNow  *widget.Button
	ChooseDir  *widget.Button // the backup folder, from a folder dialog
	Status     *widget.Label
	*fields

	Enrol *widget.Button

	// The workflow's days and roles, step by step, for an administrator where the province
	// allows adjusting them (nil otherwise).
	WorkflowDays   []*widget.Select
	WorkflowRoles  []*widget.Select
	WorkflowReason *widget.Entry
	SaveWorkflow   *widget.Button
	ResetWorkflow  *widget.Button
	WorkflowStatus *widget.Label
	wf             *fields
	wfTab          *container.TabItem
	wfLoaded       bool // the stored workflow has been read once

	tabs    map[*container.TabItem]AdminTab
	content fyne.CanvasObject
}

// NewAdminScreen builds the page from its state.
func NewAdminScreen(r *recSession, st AdminState, hooks adminHooks) *AdminScreen {
	s := &AdminScreen{r: r, st: st, hooks: hooks, fields: newFields(), tabs: map[*container.TabItem]AdminTab{}}
	if s.st.Tab == "" {
		s.st.Tab = TabDisplay
	}
	t := r.t
	s.wfTab = s.tab(TabWorkflow, t("ui.admin.tab.workflow"), theme.ListIcon(), s.workflow())
	items := []*container.TabItem{
		s.tab(TabDisplay, t("ui.admin.tab.display"), theme.ColorPaletteIcon(), s.display()),
		s.tab(TabOffice, t("ui.admin.tab.office"), theme.HomeIcon(), s.office()),
		s.wfTab,
		s.tab(TabRules, t("ui.admin.tab.rules"), theme.InfoIcon(), s.rules()),
		s.tab(TabCalendar, t("ui.admin.tab.calendar"), theme.CalendarIcon(), s.calendar()),
	}
	if r.can(app.PermManageUsers) {
		items = append(items, s.tab(TabBackup, t("ui.admin.tab.backup"), theme.StorageIcon(), s.backup()),
			s.tab(TabDevice, t("ui.admin.tab.device"), theme.ComputerIcon(), s.device()))
	}
	s.Tabs = container.NewAppTabs(items...)
	// Seven settings: down the side every one shows (across the top at 1024 px two hid behind «…»).
	s.Tabs.SetTabLocation(container.TabLocationLeading)
	for it, tab := range s.tabs {
		if tab == s.st.Tab {
			s.Tabs.Select(it)
		}
	}
	s.Tabs.OnSelected = func(it *container.TabItem) { s.st.Tab = s.tabs[it] }
	s.content = s.Tabs
	return s
}

func (s *AdminScreen) tab(id AdminTab, title string, icon fyne.Resource, body fyne.CanvasObject) *container.TabItem {
	it := container.NewTabItemWithIcon(title, icon, body)
	s.tabs[it] = id
	return it
}

// Content is the page's root object.
func (s *AdminScreen) Content() fyne.CanvasObject { return s.content }

// State returns the page's state.
func (s *AdminScreen) State() AdminState {
	st := s.st
	if s.BackupDir != nil {
		st.BackupDir, st.BackupKeep, st.BackupHrs = s.BackupDir.Text, s.BackupKeep.Text, s.BackupHrs.Text
	}
	return st
}

// Show selects a tab (those the role does not see stay closed).
func (s *AdminScreen) Show(tab AdminTab) {
	for it, id := range s.tabs {
		if id == tab {
			s.Tabs.Select(it)
		}
	}
}

// Tab is the tab shown.
func (s *AdminScreen) Tab() AdminTab { return s.st.Tab }

// page is a tab's body: a card in a centred column that scrolls.
func page(title, subtitle string, body fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(centered(860, widget.NewCard(title, subtitle, body)))
}

func (s *AdminScreen) display() fyne.CanvasObject {
	t := s.r.t
	names := make([]string, len(app.Langs))
	for i, l := range app.Langs {
		names[i] = t("lang." + string(l))
	}
	s.Language = widget.NewRadioGroup(names, nil)
	s.Language.Horizontal = true
	s.Language.Required = true
	for i, l := range app.Langs {
		if l == s.hooks.lang() {
			s.Language.SetSelected(names[i])
		}
	}
	s.Language.OnChanged = func(v string) {
		for i, n := range names {
			if n == v {
				s.hooks.setLang(app.Langs[i])
			}
		}
	}
	looks := []string{t("ui.admin.light"), t("ui.admin.dark")}
	s.Dark = widget.NewRadioGroup(looks, nil)
	s.Dark.Horizontal = true
	s.Dark.Required = true
	ap := s.hooks.appearance()
	s.Dark.SetSelected(looks[map[bool]int{false: 0, true: 1}[ap.Dark]])
	s.Dark.OnChanged = func(v string) {
		a := s.hooks.appearance()
		a.Dark = v == looks[1]
		s.hooks.setAppearance(a)
	}
	s.Large = widget.NewCheck(t("ui.admin.large"), nil)
	s.Large.SetChecked(ap.Large)
	s.Large.OnChanged = func(on bool) {
		a := s.hooks.appearance()
		a.Large = on
		s.hooks.setAppearance(a)
	}
	form := widget.NewForm(
		&widget.FormItem{Text: t("app.language"), Widget: s.Language},
		&widget.FormItem{Text: t("ui.admin.look"), Widget: s.Dark, HintText: t("ui.admin.look_hint")},
		&widget.FormItem{Text: t("ui.admin.text"), Widget: s.Large},
	)
	keys := widget.NewLabel(s.shortcuts())
	keys.Wrapping = fyne.TextWrapWord
	return page(t("ui.admin.display_title"), t("ui.admin.display_sub"),
		container.NewVBox(form, widget.NewSeparator(), heading(t("ui.admin.shortcuts")), keys))
}

// shortcuts lists the keyboard shortcuts in words.
func (s *AdminScreen) shortcuts() string {
	t := s.r.t
	lines := []string{
		t("ui.shortcut.ctrl", "key", "N") + " — " + t("ui.menu.new"),
		t("ui.shortcut.ctrl", "key", "F") + " — " + t("ui.menu.search"),
		t("ui.shortcut.ctrl", "key", "S") + " — " + t("ui.menu.save"),
		t("ui.shortcut.ctrl", "key", "P") + " — " + t("ui.menu.print"),
		t("ui.shortcut.ctrl", "key", "L") + " — " + t("ui.lock_now"),
		t("ui.shortcut.ctrl_shift", "key", "L") + " — " + t("ui.sign_out"),
		t("ui.shortcut.ctrl", "key", "1…7") + " — " + t("ui.menu.go"),
		t("ui.shortcut.ctrl", "key", "Q") + " — " + t("ui.menu.quit"),
		t("ui.shortcut.tab"),
		t("ui.shortcut.dialogs"),
	}
	return strings.Join(lines, "\n")
}

func (s *AdminScreen) office() fyne.CanvasObject {
	t := s.r.t
	o := s.r.sess.Office
	places := s.r.cfg.Places
	province, commune := o.Province, o.Commune
	if p, ok := places.Province(o.Province); ok {
		province = p.Name
	}
	if c, ok := places.CommuneName(o.Province, o.Commune); ok {
		commune = c
	}
	created := ""
	if !o.Created.IsZero() {
		created = vnTime(o.Created)
	}
	form := widget.NewForm(
		infoRow(t("field.agency"), o.Agency),
		infoRow(t("ui.setup.name"), o.Name),
		infoRow(t("field.province"), province),
		infoRow(t("field.commune"), commune),
		infoRow(t("ui.setup.address"), o.Address),
		infoRow(t("ui.setup.phone"), o.Phone),
		infoRow(t("field.device"), o.Device),
		infoRow(t("ui.admin.created"), created),
	)
	note := noteText(t("ui.admin.office_note"))
	return page(t("ui.admin.office_title"), "", container.NewVBox(form, note))
}

func (s *AdminScreen) workflow() fyne.CanvasObject {
	t := s.r.t
	r := s.r
	lang := r.cfg.Lang
	wfs := r.intake.Ref.Get().Workflows
	wf := wfs.ForOffice(r.sess.Office)
	base := wfs.For(r.sess.Office.Province)
	edit := base.OfficeMayAdjust && r.can(app.PermWorkflow)
	cols := columns{widths: []float32{40, 360, 170, 80, 150}, flex: 1}
	rows := container.NewVBox(newListHeader(cols, t("ui.admin.col.no"), t("field.step"), t("field.role"), t("ui.admin.col.days"), t("ui.admin.col.completes")))
	total := widget.NewLabel(t("ui.admin.days", "days", strconv.Itoa(wf.Days())))
	s.WorkflowDays, s.WorkflowRoles = nil, nil
	roles := []app.Role{app.Helpdesk, app.Officer, app.Supervisor}
	roleNames := make([]string, len(roles))
	for i, ro := range roles {
		roleNames[i] = t("role." + string(ro))
	}
	dayOptions := make([]string, base.Days()+1)
	for i := range dayOptions {
		dayOptions[i] = strconv.Itoa(i)
	}
	// The total follows the choices as they are made, in red past the province's.
	updateTotal := func() {
		sum := 0
		for _, d := range s.WorkflowDays {
			n, _ := strconv.Atoi(d.Selected)
			sum += n
		}
		total.SetText(t("ui.admin.days", "days", strconv.Itoa(sum)))
		total.Importance = widget.MediumImportance
		if sum > base.Days() || sum == 0 {
			total.Importance = widget.DangerImportance
		}
		total.Refresh()
		r.touch()
	}
	for i, st := range wf.Steps {
		completes := ""
		if st.Completes != "" {
			completes = t("ui.admin.completes." + st.Completes)
		}
		if !edit {
			row := newListRow(cols, 5)
			setRow(row, strconv.Itoa(i+1), st.Name(lang), t("role."+string(st.Role)), strconv.Itoa(st.Days), completes)
			rowLabel(row, 1).Wrapping = fyne.TextWrapWord
			rowLabel(row, 1).Truncation = fyne.TextTruncateOff
			rows.Add(row)
			continue
		}
		days := widget.NewSelect(dayOptions, func(string) { updateTotal() })
		days.Selected = strconv.Itoa(st.Days)
		role := widget.NewSelect(roleNames, func(string) { r.touch() })
		role.Selected = t("role." + string(st.Role))
		s.WorkflowDays, s.WorkflowRoles = append(s.WorkflowDays, days), append(s.WorkflowRoles, role)
		name := widget.NewLabel(st.Name(lang))
		name.Wrapping = fyne.TextWrapWord
		rows.Add(container.New(cols, widget.NewLabel(strconv.Itoa(i+1)), name, role, days, widget.NewLabel(completes)))
	}
	province := t("ui.admin.default_workflow")
	if wf.Province != "" {
		if p, ok := r.cfg.Places.Province(wf.Province); ok {
			province = p.Name
		}
	}
	info := widget.NewForm(
		infoRow(t("ui.admin.workflow_for"), province),
		&widget.FormItem{Text: t("ui.admin.total_days"), Widget: total},
		infoRow(t("ui.admin.version"), wf.Version),
		infoRow(t("ui.admin.source"), wf.Source),
	)
	if a := wf.Adjustment; a != nil {
		info.AppendItem(infoRow(t("ui.admin.workflow_adjusted"), t("ui.admin.workflow_adjusted_value", "reason", a.Reason, "user", a.By, "time", vnTime(a.At))))
	}
	box := container.NewVBox(info, rows)
	if wf.SetAside != nil {
		warn := widget.NewLabel(t("ui.admin.workflow_set_aside"))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
	noteKey := "ui.admin.workflow_note"
	switch {
	case edit:
		noteKey = "ui.admin.workflow_note_adjust"
	case base.OfficeMayAdjust:
		noteKey = "ui.admin.workflow_note_admin"
	}
	note := noteText(t(noteKey, "days", strconv.Itoa(base.Days())))
	box.Add(note)
	if edit {
		s.wf = newFields()
		s.WorkflowReason = widget.NewEntry()
		s.WorkflowReason.PlaceHolder = t("ui.admin.workflow_reason_placeholder")
		s.WorkflowReason.OnChanged = func(string) { r.touch() }
		s.SaveWorkflow = widget.NewButtonWithIcon(t("ui.admin.workflow_save"), theme.DocumentSaveIcon(), func() { s.adjustWorkflow(false) })
		s.SaveWorkflow.Importance = widget.HighImportance
		s.ResetWorkflow = widget.NewButtonWithIcon(t("ui.admin.workflow_reset"), theme.HistoryIcon(), func() { s.adjustWorkflow(true) })
		if wf.Adjustment == nil {
			s.ResetWorkflow.Disable()
		}
		s.WorkflowStatus = statusLabel()
		box.Add(s.wf.add(newField("reason", t("ui.admin.workflow_reason"), s.WorkflowReason)).object())
		box.Add(s.wf.General)
		box.Add(s.WorkflowStatus)
		box.Add(container.NewHBox(layout.NewSpacer(), s.ResetWorkflow, s.SaveWorkflow))
	}
	if !s.wfLoaded {
		// The session's copy of the office dates from sign-in; another desk of the office may
		// have adjusted the workflow since (it arrives by sync). Read the stored one and show
		// it if it differs.
		s.wfLoaded = true
		var (
			stored *app.Workflow
			err    error
		)
		r.run(func() { stored, err = r.intake.OfficeWorkflow(r.sess) }, func() {
			if err != nil {
				return
			}
			a := stored.Adjustment
			if a == nil {
				a = stored.SetAside
			}
			if a.Same(r.sess.Office.Workflow) {
				return
			}
			r.sess.Office.Workflow = a
			s.reloadWorkflow()
		})
	}
	return page(t("ui.admin.workflow_title"), t("ui.admin.workflow_sub"), box)
}

// reloadWorkflow builds the workflow tab again from the session's office.
func (s *AdminScreen) reloadWorkflow() {
	if s.wfTab != nil {
		s.wfTab.Content = s.workflow()
		s.Tabs.Refresh()
	}
}

// adjustWorkflow saves the days and roles as chosen (or, with reset, goes back to the
// province's workflow) and shows the tab again from what the store now holds.
func (s *AdminScreen) adjustWorkflow(reset bool) {
	if s.SaveWorkflow == nil || s.SaveWorkflow.Disabled() {
		return
	}
	r := s.r
	base := r.intake.Ref.Get().Workflows.For(r.sess.Office.Province)
	req := app.AdjustWorkflowRequest{Reason: s.WorkflowReason.Text}
	if !reset {
		req.Days, req.Roles = map[string]int{}, map[string]app.Role{}
		for i, st := range base.Steps {
			if i >= len(s.WorkflowDays) {
				break
			}
			if n, err := strconv.Atoi(s.WorkflowDays[i].Selected); err == nil {
				req.Days[st.ID] = n
			}
			if j := s.WorkflowRoles[i].SelectedIndex(); j >= 0 {
				req.Roles[st.ID] = []app.Role{app.Helpdesk, app.Officer, app.Supervisor}[j]
			}
		}
	}
	s.wf.show(r.cfg, nil, nil)
	setText(s.WorkflowStatus, "")
	s.SaveWorkflow.Disable()
	var (
		wf  *app.Workflow
		err error
	)
	r.run(func() { wf, err = r.intake.AdjustWorkflow(r.sess, req) }, func() {
		s.SaveWorkflow.Enable()
		if err != nil {
			s.wf.show(r.cfg, err, nil)
			return
		}
		r.sess.Office.Workflow = wf.Adjustment // on the screen's thread: the session is the screens'
		s.reloadWorkflow()
		msg := r.t("ui.admin.workflow_saved", "days", strconv.Itoa(wf.Days()))
		if wf.Adjustment == nil {
			msg = r.t("ui.admin.workflow_reset_done")
		}
		setStatus(s.WorkflowStatus, true, msg)
	})
}

// ruleLine is one rule in force: its name, its value, where it comes from and how sure it is.
func (s *AdminScreen) ruleLine(name, value string, from app.Month, source string, status app.Status) fyne.CanvasObject {
	t := s.r.t
	head := widget.NewLabelWithStyle(name+": "+value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	src := widget.NewLabel(t("ui.admin.rule_source", "from", from.VNString(), "source", source, "status", t("ui.admin.status."+string(status))))
	src.Wrapping = fyne.TextWrapWord
	src.SizeName = theme.SizeNameCaptionText
	if status != app.Confirmed {
		src.Importance = widget.WarningImportance
	}
	return container.NewVBox(head, src)
}

func (s *AdminScreen) rules() fyne.CanvasObject {
	t := s.r.t
	ref := s.r.cfg.Ref.Get()
	rules := ref.Rules
	today := calendar.DateOf(s.r.cfg.Now().In(calendar.VN))
	m := app.MonthOfDate(today)
	box := container.NewVBox()
	// What the data lacks or only guesses for the coming months comes first.
	if notices := ref.Outlook(today, s.r.sess.Office.Province); len(notices) > 0 {
		lines := make([]string, len(notices))
		for i, n := range notices {
			lines[i] = "⚠ " + s.r.cfg.Catalog.Outlook(s.r.cfg.Lang, n)
		}
		warn := widget.NewLabel(t("outlook.title") + ":\n" + strings.Join(lines, "\n"))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
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
				box.Add(s.ruleLine(t("ui.admin.rule_coming", "table", t("table."+tl.Name), "from", e.From.VNString()), e.Value.String(),
					e.From, e.Source, e.Status))
			}
		}
	}
	if e, ok := rules.Contribution.At(m); ok {
		c := e.Value
		box.Add(s.ruleLine(t("table.contribution"), t("ui.admin.contribution", "rate", c.Rate.Percent(), "step", c.IncomeStep.String(),
			"ceiling", strconv.FormatInt(c.CeilingMultiplier, 10), "age", strconv.Itoa(c.MinAge)), e.From, e.Source, e.Status))
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
		box.Add(s.ruleLine(t("table.method_caps"), t("ui.admin.caps", "ahead", strconv.Itoa(c.AheadMax), "missing", strconv.Itoa(c.MissingMax),
			"support", strconv.Itoa(c.SupportMonths)), e.From, e.Source, e.Status))
	}
	// Ahead and missing-time payments made this year use last year's rate.
	if fr, ok := rules.FundRates[m.Year()-1]; ok {
		box.Add(s.ruleLine(t("table.fund_rate"), t("ui.admin.fund_rate", "year", strconv.Itoa(fr.Year), "rate", fr.Percent(), "paid", strconv.Itoa(m.Year())),
			app.MonthOf(fr.Year, time.January), fr.Source, fr.Status))
	}
	// The province's own support, in force now or later (a later entry is how a new
	// resolution shows before it applies).
	province := s.r.sess.Office.Province
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
			if s.r.cfg.Lang == app.EN {
				group = g.NameEN
			}
		}
		box.Add(s.ruleLine(t("table.local_support")+" — "+group, value, l.From, l.Source, l.Status))
		shown++
	}
	if shown == 0 {
		box.Add(widget.NewLabel(t("ui.admin.no_local_support")))
	}
	note := noteText(t("ui.admin.rules_note"))
	box.Add(note)
	return page(t("ui.admin.rules_title", "month", m.VNString()), t("ui.admin.rules_sub"), box)
}

func (s *AdminScreen) calendar() fyne.CanvasObject {
	t := s.r.t
	lang := s.r.cfg.Lang
	today := calendar.DateOf(s.r.cfg.Now().In(calendar.VN))
	year := today.Year()
	cal := s.r.cfg.calendars().For(s.r.sess.Office.Province)
	cols := columns{widths: []float32{60, 110, 170, 300}, flex: 3}
	rows := container.NewVBox(newListHeader(cols, t("ui.admin.col.weekday"), t("ui.admin.col.date"), t("ui.admin.col.kind"), t("ui.admin.col.name")))
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
		row := newListRow(cols, 4)
		setRow(row, t("ui.weekday."+strconv.Itoa(int(d.Weekday()))), d.VNString(), t("ui.admin.day."+string(day.Kind)), name)
		rowLabel(row, 3).Wrapping = fyne.TextWrapWord
		rowLabel(row, 3).Truncation = fyne.TextTruncateOff
		rows.Add(row)
		n++
	}
	status := t("ui.admin.no_calendar", "year", strconv.Itoa(year))
	if st, ok := s.r.cfg.calendars().YearStatus(year); ok {
		status = t("ui.admin.calendar_status", "year", strconv.Itoa(year), "status", t("ui.admin.calendar."+st), "count", strconv.Itoa(n))
	}
	head := widget.NewLabel(status)
	head.Wrapping = fyne.TextWrapWord
	return page(t("ui.admin.calendar_title", "year", strconv.Itoa(year)), t("ui.admin.calendar_sub"), container.NewVBox(head, rows))
}

func (s *AdminScreen) backup() fyne.CanvasObject {
	t := s.r.t
	r := s.r
	entry := func(text, placeholder string) *widget.Entry {
		e := &widget.Entry{Text: text, PlaceHolder: placeholder}
		e.ExtendBaseWidget(e)
		e.OnChanged = func(string) { r.touch() }
		return e
	}
	s.BackupDir = entry(s.st.BackupDir, t("ui.admin.backup_dir_placeholder"))
	s.BackupKeep = entry(s.st.BackupKeep, "7")
	s.BackupHrs = entry(s.st.BackupHrs, "4")
	s.SaveBackup = widget.NewButtonWithIcon(t("ui.admin.backup_save"), theme.DocumentSaveIcon(), s.saveBackup)
	s.SaveBackup.Importance = widget.HighImportance
	s.BackupNow = widget.NewButtonWithIcon(t("ui.admin.backup_now"), theme.UploadIcon(), s.backupNow)
	s.ChooseDir = widget.NewButtonWithIcon(t("ui.admin.backup_choose"), theme.FolderOpenIcon(), func() {
		r.openFolder(func(path string, err error) {
			if err != nil {
				setStatus(s.Status, false, r.msg(err))
				return
			}
			if path != "" {
				s.BackupDir.SetText(path)
			}
		})
	})
	s.Status = statusLabel()
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.add(newField(key, label, input)).object()
	}
	hint := widget.NewLabel(t("ui.admin.backup_hint"))
	hint.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(hint, fld("backup_dir", t("field.backup_dir"), container.NewBorder(nil, nil, nil, s.ChooseDir, s.BackupDir)),
		container.NewGridWithColumns(2, fld("backup_keep", t("field.backup_keep"), s.BackupKeep), fld("backup_every", t("field.backup_every"), s.BackupHrs)),
		container.NewHBox(layout.NewSpacer(), s.BackupNow, s.SaveBackup), s.General, s.Status)
	if !s.st.Loaded {
		var (
			dir   string
			keep  int
			every time.Duration
			err   error
		)
		r.run(func() { dir, keep, every, err = r.office.BackupSettings() }, func() {
			if err != nil {
				setText(s.General, r.message(err))
				return
			}
			s.st.Loaded = true
			s.BackupDir.SetText(dir)
			s.BackupKeep.SetText(strconv.Itoa(keep))
			s.BackupHrs.SetText(strconv.Itoa(int(every / time.Hour)))
		})
	}
	return page(t("ui.admin.backup_title"), t("ui.admin.backup_sub"), form)
}

// saveBackup checks and stores the automatic backup's settings.
func (s *AdminScreen) saveBackup() {
	if s.SaveBackup == nil || s.SaveBackup.Disabled() {
		return
	}
	r := s.r
	setText(s.Status, "")
	ve := &app.ValidationError{}
	dir := strings.TrimSpace(s.BackupDir.Text)
	keep, kerr := strconv.Atoi(strings.TrimSpace(s.BackupKeep.Text))
	hours, herr := strconv.Atoi(strings.TrimSpace(s.BackupHrs.Text))
	if dir == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_dir", Code: "required"})
	}
	if kerr != nil || keep < 1 || keep > 100 {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_keep", Code: "number_between", Args: map[string]string{"min": "1", "max": "100"}})
	}
	if herr != nil || hours < 1 || hours > 168 {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_every", Code: "number_between", Args: map[string]string{"min": "1", "max": "168"}})
	}
	if len(ve.Problems) > 0 {
		s.show(r.cfg, ve, nil)
		return
	}
	s.show(r.cfg, nil, nil)
	s.SaveBackup.Disable()
	var err error
	r.run(func() { err = r.office.SetBackupSettings(r.sess, dir, keep, hours) }, func() {
		s.SaveBackup.Enable()
		if err != nil {
			s.show(r.cfg, err, nil)
			return
		}
		setStatus(s.Status, true, r.t("ui.admin.backup_saved", "dir", dir, "keep", strconv.Itoa(keep), "hours", strconv.Itoa(hours)))
	})
}

// backupNow writes a backup into the configured folder at once.
func (s *AdminScreen) backupNow() {
	if s.BackupNow.Disabled() {
		return
	}
	r := s.r
	s.BackupNow.Disable()
	var (
		path string
		err  error
	)
	r.withProgress(r.t("ui.admin.backing_up"), UnitBytes, true, func(p *app.Progress) { path, err = r.office.BackupNow(r.sess, p) }, func() {
		s.BackupNow.Enable()
		if err != nil {
			setStatus(s.Status, false, r.message(err))
			return
		}
		setStatus(s.Status, true, r.t("ui.admin.backup_done", "file", path))
	})
}

func (s *AdminScreen) device() fyne.CanvasObject {
	t := s.r.t
	r := s.r
	state := widget.NewLabel("…")
	state.Wrapping = fyne.TextWrapWord
	s.Enrol = widget.NewButtonWithIcon(t("ui.admin.enrol"), theme.SettingsIcon(), s.hooks.openEnrolment)
	var (
		u   string
		err error
	)
	r.run(func() { u, _, err = r.sync.Central() }, func() {
		switch {
		case err != nil:
			state.SetText(r.message(err))
		case u == "":
			state.SetText(t("ui.sync.not_enrolled"))
		default:
			state.SetText(t("ui.sync.enrolled", "url", u))
		}
	})
	form := widget.NewForm(
		infoRow(t("field.device"), r.sess.Office.Device),
		&widget.FormItem{Text: t("ui.admin.enrolment"), Widget: state},
	)
	note := noteText(t("ui.admin.device_note"))
	return page(t("ui.admin.device_title"), "", container.NewVBox(form, note, container.NewHBox(s.Enrol)))
}

// shortcutSave saves the backup settings or the workflow's adjustment on their tab (Ctrl+S).
func (s *AdminScreen) shortcutSave() {
	switch s.st.Tab {
	case TabBackup:
		s.saveBackup()
	case TabWorkflow:
		s.adjustWorkflow(false)
	}
}

// WorkflowMsg is the problem shown under the workflow tab's input key, or with key "" the one
// that belongs to no input (for tests).
func (s *AdminScreen) WorkflowMsg(key string) string {
	if s.wf == nil {
		return ""
	}
	if key == "" {
		return s.wf.General.Text
	}
	return s.wf.Msg(key)
}
