package syncui

import (
	"strconv"
	"strings"

	"bhxhdesk/contract"
	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/officesync"
	"bhxhdesk/ui/widgets"
)

// SyncTab names a tab of the sync screen.
type SyncTab string

// The tabs of the sync screen.
const (
	TabPending  SyncTab = "pending"
	TabNotices  SyncTab = "notices"
	TabSettings SyncTab = "settings"
)

// opListLimit is the most outbox operations listed (the count is always exact).
const opListLimit = 1000

// SyncScreenState is the sync screen's state: the lists last fetched, the notice selected and
// what the administrator typed in the settings (never the token).
type SyncScreenState struct {
	Tab     SyncTab
	Ops     []contract.Op
	Pending int
	Notices []app.Notice
	// Subjects names what each operation and notice is about, by entity.
	Subjects map[string]officesync.Subject
	Loaded   bool
	Selected string
	URL      string
}

// SyncScreen is the sync page (đồng bộ): the operations waiting to be sent to the centre, the
// notices a person must decide — an identity review shows the registrations side by side with
// the differing fields highlighted and a supervisor chooses the right identity; a conflict or a
// rejection is closed with a note — and, for administrators, the device's enrolment (the
// central URL and the device token), after which a round is started.
type SyncScreen struct {
	r  *Session
	st SyncScreenState

	Tabs     *container.AppTabs
	Ops      *widget.List
	OpsCount *widget.Label
	Notices  *widget.List
	Count    *widget.Label
	Problem  *widget.Label
	Status   *widget.Label
	// The selected notice: for an identity review, the cells of each field by record, the
	// choice and the decision; for the others the closing note.
	Cells       map[string][]*widget.Label
	Choice      *widget.RadioGroup
	Note        *widget.Entry
	Resolve     *widget.Button
	CloseNotice *widget.Button
	// The enrolment (administrators): nil for the other roles.
	Central     *widget.Label
	URL         *widget.Entry
	Token       *widget.Entry
	SaveCentral *widget.Button
	*widgets.Fields

	pendingTab, noticesTab *container.TabItem
	detail                 *fyne.Container
	content                fyne.CanvasObject
}

// opColumns are the widths of the time, the kind and the entity (flexible: a citizen's name and
// dossier code, the longest of the three).
var opColumns = widgets.Columns{Widths: []float32{130, 200, 320}, Flex: 2}

// noticeColumns are the widths of the time and the kind (flexible); the subject shows in the
// detail.
var noticeColumns = widgets.Columns{Widths: []float32{125, 150}, Flex: 1}

// NewSyncScreen builds the screen and fetches its lists unless the state holds them.
func NewSyncScreen(r *Session, st SyncScreenState) *SyncScreen {
	s := &SyncScreen{r: r, st: st, Fields: widgets.NewFields()}
	if s.st.Tab == "" {
		s.st.Tab = TabPending
	}
	t := r.T
	s.Problem = widgets.ProblemLabel()
	s.Status = widgets.StatusLabel()
	s.OpsCount = widget.NewLabel("")
	s.Ops = widget.NewList(
		func() int { return len(s.st.Ops) },
		func() fyne.CanvasObject { return widgets.NewListRow(opColumns, 3) },
		s.updateOp,
	)
	s.Ops.OnSelected = func(widget.ListItemID) { s.Ops.UnselectAll() }
	refresh := widget.NewButtonWithIcon(t("ui.refresh"), theme.ViewRefreshIcon(), s.Reload)
	opsHead := widgets.NewListHeader(opColumns, t("ui.sync.col.created"), t("ui.sync.col.kind"), t("ui.sync.col.entity"))
	pending := container.NewBorder(
		container.NewVBox(container.NewHBox(s.OpsCount, layout.NewSpacer(), refresh), opsHead),
		nil,
		nil,
		nil,
		s.Ops,
	)

	s.Count = widget.NewLabel("")
	s.Notices = widget.NewList(
		func() int { return len(s.st.Notices) },
		func() fyne.CanvasObject { return widgets.NewListRow(noticeColumns, 2) },
		s.updateNotice,
	)
	s.Notices.OnSelected = func(id widget.ListItemID) {
		if id < len(s.st.Notices) && s.st.Notices[id].ID != s.st.Selected {
			s.st.Selected = s.st.Notices[id].ID
			s.showNotice()
		}
	}
	s.detail = container.NewVBox()
	noticeHead := widgets.NewListHeader(noticeColumns, t("ui.sync.col.created"), t("ui.sync.col.kind"))
	list := container.NewBorder(container.NewVBox(s.Count, noticeHead), nil, nil, nil, s.Notices)
	split := container.NewHSplit(list, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.36

	s.pendingTab = container.NewTabItemWithIcon(t("ui.sync.tab_pending"), theme.UploadIcon(), pending)
	s.noticesTab = container.NewTabItemWithIcon(t("ui.sync.tab_notices"), theme.WarningIcon(), split)
	items := []*container.TabItem{s.pendingTab, s.noticesTab}
	tabs := map[*container.TabItem]SyncTab{s.pendingTab: TabPending, s.noticesTab: TabNotices}
	if r.Can(app.PermManageUsers) {
		settings := container.NewTabItemWithIcon(t("ui.sync.tab_settings"), theme.SettingsIcon(), s.settings())
		items = append(items, settings)
		tabs[settings] = TabSettings
	}
	s.Tabs = container.NewAppTabs(items...)
	for it, tab := range tabs {
		if tab == s.st.Tab {
			s.Tabs.Select(it)
		}
	}
	s.Tabs.OnSelected = func(it *container.TabItem) { s.st.Tab = tabs[it] }
	s.content = container.NewBorder(nil, container.NewVBox(s.Problem, s.Status), nil, nil, s.Tabs)
	if st.Loaded {
		s.paint(st.Ops, st.Pending, st.Notices, st.Subjects, nil)
	} else {
		s.Reload()
	}
	return s
}

// Content is the screen's root object.
func (s *SyncScreen) Content() fyne.CanvasObject { return s.content }

// State returns the screen's state.
func (s *SyncScreen) State() SyncScreenState {
	st := s.st
	if s.URL != nil {
		st.URL = s.URL.Text
	}
	return st
}

// Show selects a tab.
func (s *SyncScreen) Show(tab SyncTab) {
	for i, it := range s.Tabs.Items {
		if (tab == TabPending && it == s.pendingTab) || (tab == TabNotices && it == s.noticesTab) ||
			(tab == TabSettings && it != s.pendingTab && it != s.noticesTab) {
			s.Tabs.SelectIndex(i)
		}
	}
}

// OpsShown are the outbox operations listed; NoticesShown the open notices.
func (s *SyncScreen) OpsShown() []contract.Op { return s.st.Ops }

// NoticesShown are the open notices listed, newest first.
func (s *SyncScreen) NoticesShown() []app.Notice { return s.st.Notices }

// SelectNotice shows the notice at row i.
func (s *SyncScreen) SelectNotice(i int) { s.Notices.Select(i) }

// Reload fetches the outbox and the open notices again.
func (s *SyncScreen) Reload() {
	r := s.r
	var (
		ops     []contract.Op
		pending int
		notices []app.Notice
		names   map[string]officesync.Subject
		err     error
	)
	r.Run(func() {
		if ops, err = r.Sync.Outbox(opListLimit); err != nil {
			return
		}
		if pending, err = r.Sync.Pending(); err != nil {
			return
		}
		if notices, err = r.Sync.Notices(r.Sess, false); err != nil {
			return
		}
		names, err = r.Sync.Subjects(ops, notices)
	}, func() { s.paint(ops, pending, notices, names, err) })
}

// subject is what entity is, in words ("Nguyễn Thị Hồng Ánh — 01001-260105-K70001").
func (s *SyncScreen) subject(entity string) string {
	if sub, ok := s.st.Subjects[entity]; ok {
		return sub.String()
	}
	return entity
}

func (s *SyncScreen) paint(ops []contract.Op, pending int, notices []app.Notice, names map[string]officesync.Subject, err error) {
	t := s.r.T
	if err != nil {
		widgets.SetText(s.Problem, s.r.Message(err))
		return
	}
	widgets.SetText(s.Problem, "")
	s.st.Ops, s.st.Pending, s.st.Notices, s.st.Subjects, s.st.Loaded = ops, pending, notices, names, true
	s.pendingTab.Text = t("ui.sync.tab_pending_count", "count", strconv.Itoa(pending))
	s.noticesTab.Text = t("ui.sync.tab_notices_count", "count", strconv.Itoa(len(notices)))
	s.Tabs.Refresh()
	if pending == 0 {
		s.OpsCount.SetText(t("ui.sync.pending_none"))
	} else {
		s.OpsCount.SetText(t("ui.sync.pending_count", "count", strconv.Itoa(pending), "shown", strconv.Itoa(len(ops))))
	}
	if len(notices) == 0 {
		s.Count.SetText(t("ui.sync.notices_none"))
	} else {
		s.Count.SetText(t("ui.sync.notices_count", "count", strconv.Itoa(len(notices))))
	}
	s.Ops.Refresh()
	s.Notices.UnselectAll()
	s.Notices.Refresh()
	found := false
	for i, n := range notices {
		if n.ID == s.st.Selected {
			found = true
			s.Notices.Select(i)
		}
	}
	if !found {
		s.st.Selected = ""
	}
	s.showNotice()
}

// opKind names an outbox operation's kind in words.
func (s *SyncScreen) opKind(kind string) string {
	return s.r.Name("ui.sync.op.", kind)
}

// noticeKind names a notice's kind in words.
func (s *SyncScreen) noticeKind(kind string) string {
	return s.r.Name("ui.sync.notice.", kind)
}

func (s *SyncScreen) updateOp(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.st.Ops) {
		return
	}
	op := s.st.Ops[id]
	widgets.SetRow(o, kit.VNTime(op.Created), s.opKind(op.Kind), s.subject(op.EntityID))
}

func (s *SyncScreen) updateNotice(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.st.Notices) {
		return
	}
	n := s.st.Notices[id]
	widgets.SetRow(o, kit.VNTime(n.Created), s.noticeKind(n.Kind))
}

func (s *SyncScreen) selected() (app.Notice, bool) {
	for _, n := range s.st.Notices {
		if n.ID == s.st.Selected {
			return n, true
		}
	}
	return app.Notice{}, false
}

// reasonText is why the centre refused or flagged an operation, in words.
func (s *SyncScreen) reasonText(n app.Notice) string {
	if n.Reason == "" {
		return ""
	}
	return s.r.Name("err.", n.Reason, widgets.FlatArgs(n.Args)...)
}

// showNotice paints the selected notice and the decisions the role may take on it.
func (s *SyncScreen) showNotice() {
	t := s.r.T
	s.Cells, s.Choice, s.Note, s.Resolve, s.CloseNotice = nil, nil, nil, nil, nil
	n, ok := s.selected()
	if !ok {
		hint := widget.NewLabel(t("ui.sync.pick"))
		hint.Wrapping = fyne.TextWrapWord
		s.detail.Objects = []fyne.CanvasObject{hint}
		s.detail.Refresh()
		return
	}
	title := widgets.Heading(s.noticeKind(n.Kind))
	title.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title, widget.NewForm(widgets.InfoRow(t("ui.sync.col.entity"), s.subject(n.Entity)))}
	if reason := s.reasonText(n); reason != "" && n.Review == nil {
		l := widget.NewLabel(reason)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		objs = append(objs, l)
	}
	if n.Op != nil {
		objs = append(
			objs,
			widget.NewForm(
				widgets.InfoRow(t("ui.sync.col.kind"), s.opKind(n.Op.Kind)),
				widgets.InfoRow(t("ui.sync.col.created"), kit.VNTime(n.Op.Created)),
			),
		)
	}
	may := s.r.Can(app.PermResolveConflict)
	s.Note = widget.NewEntry()
	s.Note.OnChanged = func(string) { s.r.Touch() }
	if n.Review != nil {
		objs = append(objs, s.review(*n.Review))
		if d := n.Review.Decider; d != "" && d != s.r.Sess.Office.Agency && !n.Resolved {
			// Another office decides: this one sees its own records only, and waits.
			l := widget.NewLabel(t("ui.sync.review.other_decides", "office", d))
			l.Wrapping = fyne.TextWrapWord
			objs = append(objs, l)
		} else if may {
			opts := make([]string, len(n.Review.Records))
			for i := range n.Review.Records {
				opts[i] = t("ui.sync.review.option", "n", strconv.Itoa(i+1))
			}
			s.Choice = widget.NewRadioGroup(opts, nil)
			s.Choice.Horizontal = true
			s.Resolve = widget.NewButtonWithIcon(t("ui.sync.review.resolve"), theme.ConfirmIcon(), s.resolve)
			s.Resolve.Importance = widget.HighImportance
			objs = append(objs, widget.NewLabel(t("ui.sync.review.choose")), s.Choice,
				widget.NewForm(&widget.FormItem{Text: t("ui.sync.note"), Widget: s.Note, HintText: t("ui.sync.review.note_hint")}),
				container.NewHBox(layout.NewSpacer(), s.Resolve))
		}
	} else if may {
		s.CloseNotice = widget.NewButtonWithIcon(t("ui.sync.close"), theme.ConfirmIcon(), s.close)
		s.CloseNotice.Importance = widget.HighImportance
		objs = append(objs, widget.NewForm(&widget.FormItem{Text: t("ui.sync.note"), Widget: s.Note, HintText: t("ui.sync.close_hint")}),
			container.NewHBox(layout.NewSpacer(), s.CloseNotice))
	}
	if !may {
		l := widget.NewLabel(t("ui.sync.supervisors_only"))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	s.detail.Objects = objs
	s.detail.Refresh()
}

// reviewFields are the identity fields compared in a review, in display order.
var reviewFields = []string{"full_name", "birth_date", "gender"}

// review lays the registrations of a review side by side, the differing fields highlighted.
func (s *SyncScreen) review(rv app.IdentityReview) fyne.CanvasObject {
	t := s.r.T
	differs := map[string]bool{}
	for _, f := range rv.Differs {
		differs[f] = true
	}
	grid := container.NewGridWithColumns(len(rv.Records) + 1)
	head := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	grid.Add(head(""))
	for i, rec := range rv.Records {
		l := head(t("ui.sync.review.record", "n", strconv.Itoa(i+1), "office", rec.Office))
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
	}
	grid.Add(widget.NewLabel(t("ui.sync.review.dossier")))
	for _, rec := range rv.Records {
		grid.Add(widget.NewLabel(rec.Dossier))
	}
	s.Cells = map[string][]*widget.Label{}
	for _, f := range reviewFields {
		label := widget.NewLabel(t("ui.sync.review." + f))
		if differs[f] {
			label.TextStyle = fyne.TextStyle{Bold: true}
			label.Importance = widget.DangerImportance
		}
		grid.Add(label)
		for _, rec := range rv.Records {
			value := map[string]string{"full_name": rec.FullName, "birth_date": kit.BirthText(rec.BirthDate), "gender": ""}[f]
			if f == "gender" {
				if g, err := app.ParseGender(rec.Gender); err == nil {
					value = t("gender." + g.String())
				}
			}
			cell := widget.NewLabel(value)
			cell.Wrapping = fyne.TextWrapWord
			if differs[f] {
				cell.TextStyle = fyne.TextStyle{Bold: true}
				cell.Importance = widget.DangerImportance
			}
			grid.Add(cell)
			s.Cells[f] = append(s.Cells[f], cell)
		}
	}
	intro := widget.NewLabel(t("ui.sync.review.intro", "id", rv.PersonalID))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, widget.NewCard("", "", grid))
}

// resolve records the supervisor's choice of identity.
func (s *SyncScreen) resolve() {
	n, ok := s.selected()
	if !ok || s.Resolve.Disabled() {
		return
	}
	choice := -1
	for i, o := range s.Choice.Options {
		if o == s.Choice.Selected {
			choice = i
		}
	}
	if choice < 0 {
		widgets.SetStatus(s.Status, false, s.r.T("ui.sync.review.choose_first"))
		return
	}
	r, note := s.r, s.Note.Text
	s.Resolve.Disable()
	var err error
	r.Run(func() { err = r.Sync.ResolveIdentity(r.Sess, n.ID, choice, note) }, func() {
		s.Resolve.Enable()
		if err != nil {
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		rec := n.Review.Records[choice]
		widgets.SetStatus(s.Status, true, r.T("ui.sync.review.done", "name", rec.FullName, "dossier", rec.Dossier))
		s.st.Selected = ""
		r.Saved()
		s.Reload()
	})
}

// close closes a conflict or a rejection with the supervisor's note.
func (s *SyncScreen) close() {
	n, ok := s.selected()
	if !ok || s.CloseNotice.Disabled() {
		return
	}
	r, note := s.r, s.Note.Text
	s.CloseNotice.Disable()
	var err error
	r.Run(func() { err = r.Sync.CloseNotice(r.Sess, n.ID, note) }, func() {
		s.CloseNotice.Enable()
		if err != nil {
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		widgets.SetStatus(s.Status, true, r.T("ui.sync.closed", "entity", s.subject(n.Entity)))
		s.st.Selected = ""
		s.Reload()
	})
}

// settings is the device's enrolment: the central services' URL and this device's token.
func (s *SyncScreen) settings() fyne.CanvasObject {
	t := s.r.T
	s.Central = widget.NewLabel("")
	s.Central.Wrapping = fyne.TextWrapWord
	s.URL = widget.NewEntry()
	s.URL.SetText(s.st.URL)
	s.URL.PlaceHolder = t("ui.sync.url_placeholder")
	s.URL.OnChanged = func(string) { s.r.Touch() }
	s.Token = widget.NewPasswordEntry()
	s.Token.OnChanged = func(string) { s.r.Touch() }
	s.SaveCentral = widget.NewButtonWithIcon(t("ui.sync.save_central"), theme.DocumentSaveIcon(), s.saveCentral)
	s.SaveCentral.Importance = widget.HighImportance
	s.Token.OnSubmitted = func(string) { s.saveCentral() }
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Add(widgets.NewField(key, label, input)).Object()
	}
	hint := widget.NewLabel(t("ui.sync.settings_hint"))
	hint.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(hint, s.Central, fld("central_url", t("field.central_url"), s.URL), fld("token", t("field.token"), s.Token),
		s.General, container.NewHBox(layout.NewSpacer(), s.SaveCentral))
	r := s.r
	var (
		u   string
		err error
	)
	r.Run(func() { u, _, err = r.Sync.Central() }, func() {
		if err != nil {
			widgets.SetText(s.General, r.Message(err))
			return
		}
		s.showCentral(u)
		if s.URL.Text == "" {
			s.URL.SetText(u)
		}
	})
	return container.NewVScroll(widgets.Centered(760, widget.NewCard(t("ui.sync.settings_title"), "", form)))
}

func (s *SyncScreen) showCentral(u string) {
	t := s.r.T
	if u == "" {
		s.Central.SetText(t("ui.sync.not_enrolled"))
		s.Token.PlaceHolder = ""
	} else {
		s.Central.SetText(t("ui.sync.enrolled", "url", u))
		s.Token.PlaceHolder = t("ui.sync.token_keep")
	}
	s.Token.Refresh()
}

// saveCentral checks and stores the enrolment, then asks for a round.
func (s *SyncScreen) saveCentral() {
	if s.SaveCentral.Disabled() {
		return
	}
	raw := strings.TrimSpace(s.URL.Text)
	token := strings.TrimSpace(s.Token.Text)
	// The screen needs an address (a desk without a link enrols from the command line); the
	// sync service checks the rest.
	if raw == "" {
		s.ShowProblems(s.r.Cfg, &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "central_url"}, nil)
		return
	}
	s.ShowProblems(s.r.Cfg, nil, nil)
	r := s.r
	s.SaveCentral.Disable()
	var err error
	widgets.SetStatus(s.Status, true, r.T("ui.sync.checking", "url", raw))
	r.Run(func() { err = r.Office.Enrol(r.Sess, raw, token) }, func() {
		s.SaveCentral.Enable()
		if err != nil {
			widgets.SetText(s.Status, "")
			s.ShowProblems(r.Cfg, err, nil)
			return
		}
		s.Token.SetText("")
		s.showCentral(raw)
		widgets.SetStatus(s.Status, true, r.T("ui.sync.saved_central", "url", raw))
		r.Saved()
	})
}
