package intakeui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/widgets"
)

// SearchState is the query and the rows it found.
type SearchState struct {
	Query    string
	Rows     []app.Summary
	Searched bool
}

// SearchScreen finds dossiers (tra cứu hồ sơ) by name, typed with or without marks ("nguyen thi
// hong anh" finds "Nguyễn Thị Hồng Ánh"), by digits of a personal ID, or by dossier code. A
// result opens the dossier. The search runs on Enter or the button, not on every keystroke:
// each search is written to the audit log.
type SearchScreen struct {
	ses *Session
	st  SearchState

	Query   *widget.Entry
	Go      *widget.Button
	Count   *widget.Label
	Problem *widget.Label
	Rows    *SummaryList

	content fyne.CanvasObject
}

// NewSearchScreen builds the screen with the state's query and rows.
func NewSearchScreen(ses *Session, st SearchState) *SearchScreen {
	s := &SearchScreen{ses: ses, st: st}
	s.Query = widget.NewEntry()
	s.Query.SetText(st.Query)
	s.Query.PlaceHolder = ses.T("ui.search.placeholder")
	s.Query.OnChanged = func(string) { ses.Touch() }
	s.Query.OnSubmitted = func(string) { s.Run() }
	s.Go = widget.NewButtonWithIcon(ses.T("ui.search.go"), theme.SearchIcon(), s.Run)
	s.Go.Importance = widget.HighImportance
	s.Count = widget.NewLabel("")
	s.Problem = widgets.ProblemLabel()
	s.Rows = newSummaryList(ses)
	bar := container.NewBorder(nil, nil, nil, s.Go, s.Query)
	top := container.NewVBox(bar, container.NewHBox(s.Count, s.Problem), s.Rows.Header)
	s.content = container.NewBorder(top, nil, nil, nil, s.Rows.List)
	if st.Searched {
		s.paint(st.Rows, nil)
	}
	return s
}

// Content is the screen's root object.
func (s *SearchScreen) Content() fyne.CanvasObject { return s.content }

// State returns the query and the rows found.
func (s *SearchScreen) State() SearchState {
	st := s.st
	st.Query = s.Query.Text
	return st
}

// Run searches for the query.
func (s *SearchScreen) Run() {
	if s.Go.Disabled() {
		return
	}
	ses, q := s.ses, s.Query.Text
	s.Go.Disable()
	var (
		rows []app.Summary
		err  error
	)
	ses.Run(func() { rows, err = ses.Intake.List(ses.Sess, intake.ListRequest{Kind: intake.ListSearch, Value: q}) }, func() {
		s.Go.Enable()
		s.paint(rows, err)
	})
}

func (s *SearchScreen) paint(rows []app.Summary, err error) {
	if err != nil {
		s.Count.SetText("")
		widgets.SetText(s.Problem, s.ses.Message(err))
		rows = nil
	} else {
		widgets.SetText(s.Problem, "")
		key := "ui.count"
		if len(rows) == 0 {
			key = "ui.search.none"
		}
		s.Count.SetText(s.ses.T(key, "count", strconv.Itoa(len(rows))))
	}
	s.st.Rows, s.st.Searched = rows, true
	s.Rows.Set(rows)
}

// FirstFocus is the query: Ctrl+F then typing searches.
func (s *SearchScreen) FirstFocus() fyne.Focusable { return s.Query }
