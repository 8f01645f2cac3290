package recordsui

import (
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
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// CoverList names a list of the covers screen.
type CoverList string

// The lists of book covers.
const (
	CoversToIssue   CoverList = "created"   // made from a first matched voucher, to issue
	CoversIssued    CoverList = "issued"    // issued here, not yet confirmed by the centre
	CoversConfirmed CoverList = "confirmed" // confirmed by the central records service
	CoversToday     CoverList = "today"     // issued today (for the day's batch print)
)

var coverLists = []CoverList{CoversToIssue, CoversIssued, CoversConfirmed, CoversToday}

// CoversState is the list chosen, its rows and the covers ticked.
type CoversState struct {
	List     CoverList
	Rows     []app.BookCover
	Loaded   bool
	Selected map[string]bool // by personal ID
}

// CoversScreen lists book covers (tờ bìa sổ BHXH): those waiting to be issued, those issued
// and those the centre confirmed, with how often each was printed. The officer ticks covers to
// issue them, or to print their confirmations into one PDF (all those issued today too); a
// cover printed before is printed again only with a reason. After printing, the PDF is shown.
type CoversScreen struct {
	r  *Session
	st CoversState

	Kind       *widget.RadioGroup
	Refresh    *widget.Button
	SelectAll  *widget.Button
	Issue      *widget.Button
	Print      *widget.Button
	PrintToday *widget.Button
	Count      *widget.Label
	Status     *widget.Label
	List       *widget.List
	// Reprint asks the reason for a reprint; Preview shows the printed PDF. Nil when closed.
	Reprint *ReprintDialog
	Preview *kit.PreviewDialog

	// The outcome of the last action, shown again after the list is fetched (in this language
	// only: a language switch drops it).
	status  string
	failed  bool
	content fyne.CanvasObject
}

// coverColumns are the widths of the tick, book number, name (flexible), birth date, status,
// issue date and prints.
var coverColumns = widgets.Columns{Widths: []float32{36, 130, 160, 95, 170, 95, 90}, Flex: 2}

// NewCoversScreen builds the screen and fetches its list unless the state holds it.
func NewCoversScreen(r *Session, st CoversState) *CoversScreen {
	s := &CoversScreen{r: r}
	if st.List == "" {
		st.List = CoversToIssue
	}
	if st.Selected == nil {
		st.Selected = map[string]bool{}
	}
	s.st = st
	t := r.T
	names := make([]string, len(coverLists))
	for i, l := range coverLists {
		names[i] = t("ui.covers.list." + string(l))
	}
	s.Kind = widget.NewRadioGroup(names, nil)
	s.Kind.Horizontal = true
	s.Kind.Required = true
	for i, l := range coverLists {
		if l == st.List {
			s.Kind.SetSelected(names[i])
		}
	}
	s.Kind.OnChanged = func(name string) {
		for i, n := range names {
			if n == name {
				s.st.List = coverLists[i]
			}
		}
		s.st.Selected = map[string]bool{}
		s.Reload()
	}
	s.Refresh = widget.NewButtonWithIcon(t("ui.refresh"), theme.ViewRefreshIcon(), s.Reload)
	s.SelectAll = widget.NewButtonWithIcon(t("ui.covers.select_all"), theme.CheckButtonCheckedIcon(), s.toggleAll)
	s.Issue = widget.NewButtonWithIcon(t("ui.covers.issue"), theme.ConfirmIcon(), s.issue)
	s.Issue.Importance = widget.HighImportance
	s.Print = widget.NewButtonWithIcon(t("ui.covers.print"), theme.DocumentPrintIcon(), func() { s.print(s.selected()) })
	s.Print.Importance = widget.HighImportance
	s.PrintToday = widget.NewButtonWithIcon(t("ui.covers.print_today"), theme.DocumentPrintIcon(), s.printToday)
	s.Count = widget.NewLabel("")
	s.Status = widgets.StatusLabel()
	s.List = widget.NewList(func() int { return len(s.st.Rows) }, s.newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) {
		s.List.UnselectAll()
		if id < len(s.st.Rows) {
			s.Toggle(id)
		}
	}
	head := widgets.NewListHeader(coverColumns, "", t("ui.covers.col.book"), t("ui.col.name"), t("ui.covers.col.birth"), t("ui.dossier.state"),
		t("ui.covers.col.issued"), t("ui.covers.col.prints"))
	tools := container.NewHBox(s.SelectAll, s.Refresh, s.Count, layout.NewSpacer(), s.Issue, s.Print, s.PrintToday)
	// The outcome goes under the list: above it, it would push the rows down as it appears, under
	// the pointer of an officer about to tick one.
	s.content = container.NewBorder(container.NewVBox(s.Kind, tools, head), s.Status, nil, nil, s.List)
	if st.Loaded {
		s.paint(st.Rows, nil)
	} else {
		s.Reload()
	}
	return s
}

// Content is the screen's root object.
func (s *CoversScreen) Content() fyne.CanvasObject { return s.content }

// State returns the screen's state.
func (s *CoversScreen) State() CoversState { return s.st }

// Rows are the covers listed.
func (s *CoversScreen) Rows() []app.BookCover { return s.st.Rows }

// Toggle ticks or unticks the cover at row i.
func (s *CoversScreen) Toggle(i int) {
	pid := s.st.Rows[i].PersonalID
	s.st.Selected[pid] = !s.st.Selected[pid]
	s.List.RefreshItem(i)
	s.buttons()
}

// Choose shows a list.
func (s *CoversScreen) Choose(l CoverList) {
	for i, c := range coverLists {
		if c == l {
			s.Kind.SetSelected(s.Kind.Options[i])
		}
	}
}

// Reload fetches the chosen list again.
func (s *CoversScreen) Reload() {
	r, list := s.r, s.st.List
	var (
		rows []app.BookCover
		err  error
	)
	r.Run(func() {
		if list == CoversToday {
			rows, err = r.Records.CoversIssuedOn(r.Sess, r.Intake.Today())
			return
		}
		rows, err = r.Records.Covers(r.Sess, app.CoverStatus(list), 0)
	}, func() {
		if list == s.st.List {
			s.paint(rows, err)
		}
	})
}

func (s *CoversScreen) paint(rows []app.BookCover, err error) {
	if err != nil {
		widgets.SetStatus(s.Status, false, s.r.Message(err))
		return
	}
	s.st.Rows, s.st.Loaded = rows, true
	keep := map[string]bool{}
	for _, c := range rows {
		if s.st.Selected[c.PersonalID] {
			keep[c.PersonalID] = true
		}
	}
	s.st.Selected = keep
	s.List.Refresh()
	s.buttons()
	if s.status != "" {
		widgets.SetStatus(s.Status, !s.failed, s.status)
	}
}

// buttons shows the actions of the list and the role, and counts the ticked covers.
func (s *CoversScreen) buttons() {
	n := len(s.selected())
	s.Count.SetText(s.r.T("ui.covers.count", "count", strconv.Itoa(len(s.st.Rows)), "selected", strconv.Itoa(n)))
	show := func(b *widget.Button, ok bool) {
		if ok {
			b.Show()
		} else {
			b.Hide()
		}
	}
	toIssue := s.st.List == CoversToIssue
	show(s.Issue, toIssue && s.r.Can(app.PermCoverIssue))
	show(s.Print, !toIssue && s.r.Can(app.PermCoverPrint))
	show(s.PrintToday, s.r.Can(app.PermCoverPrint))
	for _, b := range []*widget.Button{s.Issue, s.Print} {
		if n == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if n > 0 && n == len(s.st.Rows) {
		s.SelectAll.SetText(s.r.T("ui.covers.select_none"))
	} else {
		s.SelectAll.SetText(s.r.T("ui.covers.select_all"))
	}
}

// selected are the ticked covers, in list order.
func (s *CoversScreen) selected() []app.BookCover {
	var out []app.BookCover
	for _, c := range s.st.Rows {
		if s.st.Selected[c.PersonalID] {
			out = append(out, c)
		}
	}
	return out
}

func (s *CoversScreen) toggleAll() {
	all := len(s.selected()) < len(s.st.Rows)
	s.st.Selected = map[string]bool{}
	if all {
		for _, c := range s.st.Rows {
			s.st.Selected[c.PersonalID] = true
		}
	}
	s.List.Refresh()
	s.buttons()
}

func (s *CoversScreen) newRow() fyne.CanvasObject {
	row := widgets.NewListRow(coverColumns, 7)
	objs := row.(*fyne.Container).Objects
	objs[0] = widget.NewCheck("", nil)
	return row
}

func (s *CoversScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.st.Rows) {
		return
	}
	c := s.st.Rows[id]
	t := s.r.T
	objs := o.(*fyne.Container).Objects
	check := objs[0].(*widget.Check)
	check.OnChanged = nil
	check.SetChecked(s.st.Selected[c.PersonalID])
	check.OnChanged = func(on bool) {
		if id < len(s.st.Rows) && s.st.Selected[s.st.Rows[id].PersonalID] != on {
			s.Toggle(id)
		}
	}
	issued := ""
	if !c.IssuedAt.IsZero() {
		issued = c.IssueDate().VNString()
	}
	prints := "—"
	if len(c.Prints) > 0 {
		prints = t("ui.covers.prints", "count", strconv.Itoa(len(c.Prints)))
	}
	cells := []string{c.BookNo, app.UpperName(c.FullName), kit.BirthText(c.BirthDate), t("cover.status." + string(c.Status)), issued, prints}
	for i, text := range cells {
		objs[i+1].(*widget.Label).SetText(text)
	}
}

// issue issues the ticked covers, one by one, and says how it went.
func (s *CoversScreen) issue() {
	covers := s.selected()
	if len(covers) == 0 || s.Issue.Disabled() {
		return
	}
	r := s.r
	s.Issue.Disable()
	var (
		done     int
		problems []string
	)
	r.Run(func() {
		for _, c := range covers {
			if _, err := r.Records.IssueCover(r.Sess, c.PersonalID); err != nil {
				problems = append(problems, app.UpperName(c.FullName)+": "+r.Msg(err))
				continue
			}
			done++
		}
	}, func() {
		text := r.T("ui.covers.issued", "count", strconv.Itoa(done))
		if len(problems) > 0 {
			text += "\n" + strings.Join(problems, "\n")
		}
		s.status, s.failed = text, len(problems) > 0
		s.st.Selected = map[string]bool{}
		if done > 0 {
			r.Saved()
		}
		s.Reload()
	})
}

func (s *CoversScreen) printToday() {
	r := s.r
	var (
		covers []app.BookCover
		err    error
	)
	r.Run(func() { covers, err = r.Records.CoversIssuedOn(r.Sess, r.Intake.Today()) }, func() {
		if err != nil {
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		if len(covers) == 0 {
			widgets.SetStatus(s.Status, false, r.T("ui.covers.none_today"))
			return
		}
		s.print(covers)
	})
}

// print prints covers into one PDF, asking first when some were printed before in the kind
// they would be printed now (a reprint needs a reason; the others may be printed alone).
func (s *CoversScreen) print(covers []app.BookCover) {
	if len(covers) == 0 {
		widgets.SetStatus(s.Status, false, s.r.Msg(app.Errorf(app.Invalid, app.CodeNothingToPrint)))
		return
	}
	var again, fresh []app.BookCover
	for _, c := range covers {
		if records.ReprintOf(c) > 0 {
			again = append(again, c)
		} else {
			fresh = append(fresh, c)
		}
	}
	if len(again) > 0 {
		s.askReprint(covers, again, fresh)
		return
	}
	s.write(pidsOf(covers), "", nil)
}

// pidsOf lists the covers' personal IDs.
func pidsOf(covers []app.BookCover) []string {
	pids := make([]string, len(covers))
	for i, c := range covers {
		pids[i] = c.PersonalID
	}
	return pids
}

// write makes the covers' PDF off the UI thread and shows it; the prints are counted when the
// PDF is saved or handed to the printer from the preview.
func (s *CoversScreen) write(pids []string, reason string, dlg *ReprintDialog) {
	r := s.r
	lang := r.Cfg.Lang
	render := r.Cfg.RenderPDF
	var (
		pdf    []byte
		commit func() error
		pages  [][]byte
		err    error
	)
	s.Print.Disable()
	s.PrintToday.Disable()
	r.WithProgress(r.T("ui.covers.preparing"), kit.UnitCovers, true, func(p *app.Progress) {
		if pdf, commit, err = r.Office.PrepareCovers(r.Sess, pids, reason, lang, p); err == nil && render != nil {
			// A preview that cannot be rendered falls back to the system's PDF viewer.
			pages, _ = render(pdf)
		}
	}, func() {
		s.PrintToday.Enable()
		s.buttons()
		if err != nil {
			if dlg != nil {
				widgets.SetText(dlg.Problem, r.Message(err))
				dlg.Confirm.Enable()
				dlg.Fresh.Enable()
				return
			}
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		s.closeReprint()
		widgets.SetText(s.Status, "")
		count := strconv.Itoa(len(pids))
		name := r.T("ui.covers.file", "time", r.Cfg.Now().In(calendar.VN).Format("20060102-150405")) + ".pdf"
		var preview *kit.PreviewDialog
		preview = r.ShowPDF(r.T("ui.covers.preview_title", "count", count), name, pdf, pages, commit, func() {
			s.status, s.failed = r.T("ui.covers.printed_now", "count", count), false
			s.st.Selected = map[string]bool{}
			r.Saved()
			s.Reload()
		}, func() {
			s.Preview = nil
			if preview != nil && !preview.Committed {
				s.Status.Importance = widget.WarningImportance
				widgets.SetText(s.Status, r.T("ui.covers.preview_closed", "count", count))
			}
		})
		s.Preview = preview
	})
}

// ReprintDialog asks why covers printed before are printed again (required, counted and
// logged with the officer), or prints only those never printed.
type ReprintDialog struct {
	PIDs []string
	// FreshPIDs are the covers of the batch never printed (Fresh prints them alone).
	FreshPIDs []string
	Covers    *widget.Label
	Reason    *widgets.KeyEntry
	Confirm   *widgets.KeyButton
	Fresh     *widgets.KeyButton
	Cancel    *widgets.KeyButton
	Problem   *widget.Label
	pop       *widget.PopUp
}

func (s *CoversScreen) askReprint(covers, again, fresh []app.BookCover) {
	t := s.r.T
	d := &ReprintDialog{PIDs: pidsOf(covers), FreshPIDs: pidsOf(fresh), Problem: widgets.ProblemLabel()}
	lines := make([]string, len(again))
	for i, c := range again {
		lines[i] = t("ui.covers.reprint_line", "name", app.UpperName(c.FullName), "book", c.BookNo, "count", strconv.Itoa(records.ReprintOf(c)))
	}
	intro := widget.NewLabel(t("ui.covers.reprint_intro", "count", strconv.Itoa(len(again))))
	intro.Wrapping = fyne.TextWrapWord
	d.Covers = widget.NewLabel(strings.Join(lines, "\n"))
	d.Covers.Wrapping = fyne.TextWrapWord
	d.Reason = widgets.NewKeyEntry(false, 2)
	d.Reason.PlaceHolder = t("ui.covers.reprint_placeholder")
	busy := func() bool {
		if d.Confirm.Disabled() {
			return true
		}
		d.Confirm.Disable()
		d.Fresh.Disable()
		widgets.SetText(d.Problem, "")
		return false
	}
	d.Confirm = widgets.NewKeyButton(t("ui.covers.reprint_all", "count", strconv.Itoa(len(covers))), theme.DocumentPrintIcon(), func() {
		if !busy() {
			s.write(d.PIDs, d.Reason.Text, d)
		}
	})
	d.Confirm.Importance = widget.WarningImportance
	d.Fresh = widgets.NewKeyButton(t("ui.covers.print_fresh", "count", strconv.Itoa(len(fresh))), theme.DocumentPrintIcon(), func() {
		if !busy() {
			s.write(d.FreshPIDs, "", d)
		}
	})
	if len(fresh) == 0 {
		d.Fresh.Hide()
	}
	d.Cancel = widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), s.closeReprint)
	s.Reprint = d
	body := container.NewVBox(intro, d.Covers,
		widget.NewForm(&widget.FormItem{Text: t("field.reason"), Widget: d.Reason, HintText: t("ui.covers.reprint_hint")}),
		container.NewHBox(layout.NewSpacer(), d.Cancel, d.Fresh, d.Confirm), d.Problem)
	d.pop = s.r.Dialog(t("ui.covers.reprint_title"), body, 640, s.closeReprint)
	if d.pop != nil {
		s.r.Window().Canvas().Focus(d.Reason)
	}
}

func (s *CoversScreen) closeReprint() {
	if s.Reprint != nil && s.Reprint.pop != nil {
		s.Reprint.pop.Hide()
	}
	s.Reprint = nil
}
