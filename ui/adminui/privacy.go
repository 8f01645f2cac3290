package adminui

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/privacy"
	"bhxhdesk/ui/widgets"
)

// PrivacyState is the data-protection page's state: the period of the report, the person
// looked up and what was found.
type PrivacyState struct {
	Since     string // dd/mm/yyyy
	Report    *privacy.BreachReport
	PersonID  string
	Entries   []app.AuditEntry
	Looked    bool
	ShowedLog bool
}

// PrivacyScreen is the data-protection page for administrators and supervisors (bảo vệ dữ
// liệu cá nhân, Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the breach report — what personal
// data this machine holds, what exists only here, the accounts and who accessed what since a
// date, to send within 72 hours should the machine be lost — and the access log of one person:
// every view, change, print and export of their data.
type PrivacyScreen struct {
	r  *Session
	st PrivacyState

	Tabs       *container.AppTabs
	Since      *widget.Entry
	MakeReport *widget.Button
	SaveReport *widget.Button
	Report     *widget.Form
	Accounts   *widget.Label
	Accesses   *widget.Label
	PersonID   *widget.Entry
	Lookup     *widget.Button
	Log        *widget.List
	LogCount   *widget.Label
	Problem    *widget.Label
	Status     *widget.Label

	content fyne.CanvasObject
}

// auditColumns are the widths of the time, the account, the action (flexible) and the entity.
var auditColumns = widgets.Columns{Widths: []float32{130, 110, 240, 180}, Flex: 2}

// NewPrivacyScreen builds the page from its state.
func NewPrivacyScreen(r *Session, st PrivacyState) *PrivacyScreen {
	s := &PrivacyScreen{r: r, st: st}
	t := r.T
	if s.st.Since == "" {
		s.st.Since = (calendar.DateOf(r.Cfg.Now().In(calendar.VN)) - 30).VNString()
	}
	s.Problem = widgets.ProblemLabel()
	s.Status = widgets.StatusLabel()
	s.Since = widget.NewEntry()
	s.Since.SetText(s.st.Since)
	s.Since.OnSubmitted = func(string) { s.makeReport() }
	s.MakeReport = widget.NewButtonWithIcon(t("ui.privacy.make"), theme.DocumentIcon(), s.makeReport)
	s.MakeReport.Importance = widget.HighImportance
	s.SaveReport = widget.NewButtonWithIcon(t("ui.privacy.save"), theme.DocumentSaveIcon(), s.saveReport)
	s.SaveReport.Disable()
	s.Report = widget.NewForm()
	s.Accounts = widget.NewLabel("")
	s.Accounts.Wrapping = fyne.TextWrapWord
	s.Accesses = widget.NewLabel("")
	s.Accesses.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(t("ui.privacy.report_intro"))
	intro.Wrapping = fyne.TextWrapWord
	since := container.NewBorder(nil, nil, widget.NewLabel(t("ui.privacy.since")), container.NewHBox(s.MakeReport, s.SaveReport), s.Since)
	report := widget.NewCard(t("ui.privacy.report_title"), t("ui.privacy.report_sub"), container.NewVBox(intro, since, s.Report,
		widgets.Heading(t("ui.privacy.accounts")), s.Accounts, widgets.Heading(t("ui.privacy.accesses")), s.Accesses))

	s.PersonID = widget.NewEntry()
	s.PersonID.SetText(st.PersonID)
	s.PersonID.PlaceHolder = t("ui.reg.personal_id_placeholder")
	s.PersonID.OnSubmitted = func(string) { s.lookup() }
	s.Lookup = widget.NewButtonWithIcon(t("ui.privacy.lookup"), theme.SearchIcon(), s.lookup)
	s.LogCount = widget.NewLabel("")
	s.Log = widget.NewList(
		func() int { return len(s.st.Entries) },
		func() fyne.CanvasObject { return widgets.NewListRow(auditColumns, 4) },
		s.updateEntry,
	)
	s.Log.OnSelected = func(widget.ListItemID) { s.Log.UnselectAll() }
	logHead := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(t("field.personal_id")), s.Lookup, s.PersonID),
		s.LogCount, widgets.NewListHeader(auditColumns, t("ui.privacy.col.at"), t("ui.privacy.col.user"), t("ui.privacy.col.action"),
			t("ui.privacy.col.entity")))
	logCard := widget.NewCard(t("ui.privacy.log_title"), t("ui.privacy.log_sub"), container.NewBorder(logHead, nil, nil, nil, s.Log))

	// The report and the access log in tabs, each the page's full width.
	s.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(
			t("ui.privacy.report_title"),
			theme.DocumentIcon(),
			container.NewVScroll(container.NewVBox(report, s.Problem, s.Status)),
		),
		container.NewTabItemWithIcon(t("ui.privacy.log_title"), theme.SearchIcon(), logCard),
	)
	if st.ShowedLog {
		s.Tabs.SelectIndex(1)
	}
	s.Tabs.OnSelected = func(*container.TabItem) { s.st.ShowedLog = s.Tabs.SelectedIndex() == 1 }
	s.content = s.Tabs
	if st.Report != nil {
		s.paintReport(*st.Report)
	}
	if st.Looked {
		s.paintLog(st.Entries)
	}
	return s
}

// Content is the page's root object.
func (s *PrivacyScreen) Content() fyne.CanvasObject { return s.content }

// State returns the page's state.
func (s *PrivacyScreen) State() PrivacyState {
	st := s.st
	st.Since, st.PersonID = s.Since.Text, s.PersonID.Text
	return st
}

// Entries are the access-log entries shown.
func (s *PrivacyScreen) Entries() []app.AuditEntry { return s.st.Entries }

// Shown is the breach report shown, nil before one is made.
func (s *PrivacyScreen) Shown() *privacy.BreachReport { return s.st.Report }

func (s *PrivacyScreen) makeReport() {
	if s.MakeReport.Disabled() {
		return
	}
	r := s.r
	since, err := kit.ParseVNDate(s.Since.Text)
	if err != nil {
		widgets.SetText(s.Problem, r.Cfg.Catalog.Problem(r.Cfg.Lang, app.FieldProblem{Field: "since", Code: app.CodeDateFormat}))
		return
	}
	widgets.SetText(s.Problem, "")
	p := r.Office.Privacy()
	if p == nil {
		widgets.SetText(s.Problem, r.Message(app.Errorf(app.Forbidden, app.CodeNotSignedIn)))
		return
	}
	s.MakeReport.Disable()
	var rep privacy.BreachReport
	r.Run(func() { rep, err = p.Report(r.Sess, since.Time()) }, func() {
		s.MakeReport.Enable()
		if err != nil {
			widgets.SetText(s.Problem, r.Message(err))
			return
		}
		s.st.Report = &rep
		s.paintReport(rep)
	})
}

func (s *PrivacyScreen) paintReport(rep privacy.BreachReport) {
	t := s.r.T
	n := func(v int) string { return strconv.Itoa(v) }
	dossiers := 0
	for _, c := range rep.Dossiers {
		dossiers += c
	}
	last := t("ui.home.never")
	if !rep.LastSync.IsZero() {
		last = kit.VNTime(rep.LastSync)
	}
	cats := make([]string, len(rep.Categories))
	for i, c := range rep.Categories {
		cats[i] = t("ui.privacy.cat." + c)
	}
	audit := t("ui.privacy.audit_ok")
	if !rep.AuditIntact {
		audit = t("ui.privacy.audit_broken")
	}
	s.Report.Items = []*widget.FormItem{
		widgets.InfoRow(t("ui.privacy.generated"), kit.VNTime(rep.Generated)),
		widgets.InfoRow(t("ui.privacy.people"), n(rep.People)),
		widgets.InfoRow(t("ui.privacy.dossiers"), t("ui.privacy.dossiers_value", "count", n(dossiers), "purged", n(rep.Purged))),
		widgets.InfoRow(
			t("ui.privacy.vouchers_covers"),
			t("ui.privacy.vouchers_covers_value", "vouchers", n(rep.Vouchers), "covers", n(rep.Covers)),
		),
		widgets.InfoRow(t("ui.privacy.unsynced"), t("ui.privacy.unsynced_value", "count", n(rep.Unsynced), "last", last)),
		widgets.InfoRow(t("ui.privacy.categories"), strings.Join(cats, "; ")),
		widgets.InfoRow(t("ui.privacy.people_seen"), n(rep.PeopleSeen)),
		widgets.InfoRow(t("ui.privacy.exports"), n(len(rep.Exports))),
		widgets.InfoRow(t("ui.privacy.audit"), audit),
	}
	s.Report.Refresh()
	var accounts []string
	for _, a := range rep.Accounts {
		when := t("ui.home.never")
		if !a.Last.IsZero() {
			when = kit.VNTime(a.Last)
		}
		line := t("ui.privacy.account", "user", a.User, "role", t("role."+string(a.Role)), "last", when, "count", n(a.Actions))
		if a.Disabled {
			line += " — " + t("ui.accounts.disabled")
		}
		accounts = append(accounts, line)
	}
	s.Accounts.SetText(strings.Join(accounts, "\n"))
	actions := make([]string, 0, len(rep.Accesses))
	for a := range rep.Accesses {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	var lines []string
	for _, a := range actions {
		lines = append(lines, s.action(a)+": "+n(rep.Accesses[a]))
	}
	s.Accesses.SetText(strings.Join(lines, "\n"))
	s.SaveReport.Enable()
}

// action names an audit action in words, or shows its code when the catalogue has none.
func (s *PrivacyScreen) action(code string) string {
	return s.r.Name("ui.privacy.action.", code)
}

// saveReport writes the report as JSON where the officer chooses (it holds counts and account
// names, no personal data of citizens).
func (s *PrivacyScreen) saveReport() {
	rep := s.st.Report
	if rep == nil {
		return
	}
	r := s.r
	name := r.T("ui.privacy.file", "time", rep.Generated.In(calendar.VN).Format("20060102-1504")) + ".json"
	r.SaveFile(name, func() ([]byte, error) { return json.MarshalIndent(rep, "", "  ") }, s.Status, s.SaveReport, "ui.privacy.saved")
}

func (s *PrivacyScreen) lookup() {
	if s.Lookup.Disabled() {
		return
	}
	r := s.r
	pid, err := app.ParsePersonalID(s.PersonID.Text)
	if err != nil {
		widgets.SetText(s.Problem, r.Cfg.Catalog.Problem(r.Cfg.Lang, app.FieldProblem{Field: "personal_id", Code: codeOf(err)}))
		return
	}
	widgets.SetText(s.Problem, "")
	p := r.Office.Privacy()
	if p == nil {
		return
	}
	s.Lookup.Disable()
	var entries []app.AuditEntry
	r.Run(func() { entries, err = p.AccessLog(r.Sess, string(pid)) }, func() {
		s.Lookup.Enable()
		if err != nil {
			widgets.SetText(s.Problem, r.Message(err))
			return
		}
		s.paintLog(entries)
		s.Tabs.SelectIndex(1)
	})
}

func (s *PrivacyScreen) paintLog(entries []app.AuditEntry) {
	s.st.Entries, s.st.Looked = entries, true
	s.LogCount.SetText(s.r.T("ui.privacy.log_count", "count", strconv.Itoa(len(entries))))
	s.Log.Refresh()
}

func (s *PrivacyScreen) updateEntry(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.st.Entries) {
		return
	}
	e := s.st.Entries[id]
	widgets.SetRow(o, kit.VNTime(e.At), e.User, s.action(e.Action), e.Entity)
}

// codeOf is the code of an app error ("invalid" for another error).
func codeOf(err error) string {
	if ae, ok := err.(*app.Error); ok {
		return ae.Code
	}
	return "invalid"
}

// FirstFocus is the report's start date.
func (s *PrivacyScreen) FirstFocus() fyne.Focusable { return s.Since }
