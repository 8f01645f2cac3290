package adminui

import (
	"strings"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
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

// AdminHooks are what the page changes on the desk itself.
type AdminHooks struct {
	Lang          func() app.Lang
	SetLang       func(app.Lang)
	Appearance    func() widgets.Appearance
	SetAppearance func(widgets.Appearance)
	OpenEnrolment func()
}

// AdminScreen is the settings and administration page (quản trị): for every role the display
// (language, light or dark, larger text), the office's profile, the province workflow with its
// deadlines, the rule tables in force with their legal sources and the calendar of the current
// year, read-only but for the workflow's days and roles, which an administrator adjusts where the
// province allows; for administrators also the automatic backup and the device's enrolment.
type AdminScreen struct {
	r     *Session
	st    AdminState
	hooks AdminHooks

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
	*widgets.Fields

	Enrol *widget.Button

	// The workflow's days and roles, step by step, for an administrator where the province
	// allows adjusting them (nil otherwise).
	WorkflowDays   []*widget.Select
	WorkflowRoles  []*widget.Select
	WorkflowReason *widget.Entry
	SaveWorkflow   *widget.Button
	ResetWorkflow  *widget.Button
	WorkflowStatus *widget.Label
	wf             *widgets.Fields
	wfTab          *container.TabItem
	wfLoaded       bool // the stored workflow has been read once

	tabs    map[*container.TabItem]AdminTab
	content fyne.CanvasObject
}

// NewAdminScreen builds the page from its state.
func NewAdminScreen(r *Session, st AdminState, hooks AdminHooks) *AdminScreen {
	s := &AdminScreen{r: r, st: st, hooks: hooks, Fields: widgets.NewFields(), tabs: map[*container.TabItem]AdminTab{}}
	if s.st.Tab == "" {
		s.st.Tab = TabDisplay
	}
	t := r.T
	s.wfTab = s.tab(TabWorkflow, t("ui.admin.tab.workflow"), theme.ListIcon(), s.workflow())
	items := []*container.TabItem{
		s.tab(TabDisplay, t("ui.admin.tab.display"), theme.ColorPaletteIcon(), s.display()),
		s.tab(TabOffice, t("ui.admin.tab.office"), theme.HomeIcon(), s.office()),
		s.wfTab,
		s.tab(TabRules, t("ui.admin.tab.rules"), theme.InfoIcon(), s.rules()),
		s.tab(TabCalendar, t("ui.admin.tab.calendar"), theme.CalendarIcon(), s.calendar()),
	}
	if r.Can(app.PermManageUsers) {
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
	return container.NewVScroll(widgets.Centered(860, widget.NewCard(title, subtitle, body)))
}

func (s *AdminScreen) display() fyne.CanvasObject {
	t := s.r.T
	names := make([]string, len(app.Langs))
	for i, l := range app.Langs {
		names[i] = t("lang." + string(l))
	}
	s.Language = widget.NewRadioGroup(names, nil)
	s.Language.Horizontal = true
	s.Language.Required = true
	for i, l := range app.Langs {
		if l == s.hooks.Lang() {
			s.Language.SetSelected(names[i])
		}
	}
	s.Language.OnChanged = func(v string) {
		for i, n := range names {
			if n == v {
				s.hooks.SetLang(app.Langs[i])
			}
		}
	}
	looks := []string{t("ui.admin.light"), t("ui.admin.dark")}
	s.Dark = widget.NewRadioGroup(looks, nil)
	s.Dark.Horizontal = true
	s.Dark.Required = true
	ap := s.hooks.Appearance()
	s.Dark.SetSelected(looks[map[bool]int{false: 0, true: 1}[ap.Dark]])
	s.Dark.OnChanged = func(v string) {
		a := s.hooks.Appearance()
		a.Dark = v == looks[1]
		s.hooks.SetAppearance(a)
	}
	s.Large = widget.NewCheck(t("ui.admin.large"), nil)
	s.Large.SetChecked(ap.Large)
	s.Large.OnChanged = func(on bool) {
		a := s.hooks.Appearance()
		a.Large = on
		s.hooks.SetAppearance(a)
	}
	form := widget.NewForm(
		&widget.FormItem{Text: t("app.language"), Widget: s.Language},
		&widget.FormItem{Text: t("ui.admin.look"), Widget: s.Dark, HintText: t("ui.admin.look_hint")},
		&widget.FormItem{Text: t("ui.admin.text"), Widget: s.Large},
	)
	keys := widget.NewLabel(s.shortcuts())
	keys.Wrapping = fyne.TextWrapWord
	return page(t("ui.admin.display_title"), t("ui.admin.display_sub"),
		container.NewVBox(form, widget.NewSeparator(), widgets.Heading(t("ui.admin.shortcuts")), keys))
}

// shortcuts lists the keyboard shortcuts in words.
func (s *AdminScreen) shortcuts() string {
	t := s.r.T
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
	t := s.r.T
	o := s.r.Sess.Office
	places := s.r.Cfg.Places
	province, commune := o.Province, o.Commune
	if p, ok := places.Province(o.Province); ok {
		province = p.Name
	}
	if c, ok := places.CommuneName(o.Province, o.Commune); ok {
		commune = c
	}
	created := ""
	if !o.Created.IsZero() {
		created = kit.VNTime(o.Created)
	}
	form := widget.NewForm(
		widgets.InfoRow(t("field.agency"), o.Agency),
		widgets.InfoRow(t("ui.setup.name"), o.Name),
		widgets.InfoRow(t("field.province"), province),
		widgets.InfoRow(t("field.commune"), commune),
		widgets.InfoRow(t("ui.setup.address"), o.Address),
		widgets.InfoRow(t("ui.setup.phone"), o.Phone),
		widgets.InfoRow(t("field.device"), o.Device),
		widgets.InfoRow(t("ui.admin.created"), created),
	)
	note := widgets.NoteText(t("ui.admin.office_note"))
	return page(t("ui.admin.office_title"), "", container.NewVBox(form, note))
}

func (s *AdminScreen) device() fyne.CanvasObject {
	t := s.r.T
	r := s.r
	state := widget.NewLabel("…")
	state.Wrapping = fyne.TextWrapWord
	s.Enrol = widget.NewButtonWithIcon(t("ui.admin.enrol"), theme.SettingsIcon(), s.hooks.OpenEnrolment)
	var (
		u   string
		err error
	)
	r.Run(func() { u, _, err = r.Sync.Central() }, func() {
		switch {
		case err != nil:
			state.SetText(r.Message(err))
		case u == "":
			state.SetText(t("ui.sync.not_enrolled"))
		default:
			state.SetText(t("ui.sync.enrolled", "url", u))
		}
	})
	form := widget.NewForm(
		widgets.InfoRow(t("field.device"), r.Sess.Office.Device),
		&widget.FormItem{Text: t("ui.admin.enrolment"), Widget: state},
	)
	note := widgets.NoteText(t("ui.admin.device_note"))
	return page(t("ui.admin.device_title"), "", container.NewVBox(form, note, container.NewHBox(s.Enrol)))
}

// ShortcutSave saves the backup settings or the workflow's adjustment on their tab (Ctrl+S).
func (s *AdminScreen) ShortcutSave() {
	switch s.st.Tab {
	case TabBackup:
		s.saveBackup()
	case TabWorkflow:
		s.adjustWorkflow(false)
	}
}
