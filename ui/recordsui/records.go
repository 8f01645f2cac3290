package recordsui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// RecordsTab names a tab of the book and covers page.
type RecordsTab string

// The tabs of the book and covers page.
const (
	TabBook    RecordsTab = "book"
	TabCovers  RecordsTab = "covers"
	TabReports RecordsTab = "reports"
	// TabStandings lists the participants by where they stand (due, suspended, …).
	TabStandings RecordsTab = "standings"
)

// RecordsState is the book and covers page's state.
type RecordsState struct {
	Tab    RecordsTab
	Book   BookState
	Covers CoversState
}

// RecordsPage is the "Sổ & bìa" page: the electronic book of a person (sổ BHXH điện tử) and
// the book covers to issue and print (tờ bìa sổ), each in a tab.
type RecordsPage struct {
	Tabs    *container.AppTabs
	Book    *BookScreen
	Covers  *CoversScreen
	Reports *ReportsScreen
	// Standings is built when its tab is first shown (it reads every participant).
	Standings *StandingsScreen

	tab     RecordsTab
	content fyne.CanvasObject
}

// NewRecordsPage builds the page from its state.
func NewRecordsPage(r *Session, st RecordsState) *RecordsPage {
	p := &RecordsPage{tab: st.Tab}
	if p.tab == "" {
		p.tab = TabBook
	}
	p.Book = NewBookScreen(r, st.Book)
	p.Covers = NewCoversScreen(r, st.Covers)
	book := container.NewTabItemWithIcon(r.T("ui.book.tab"), theme.AccountIcon(), p.Book.Content())
	covers := container.NewTabItemWithIcon(r.T("ui.covers.tab"), theme.DocumentIcon(), p.Covers.Content())
	p.Reports = NewReportsScreen(r)
	reports := container.NewTabItemWithIcon(r.T("ui.reports.tab"), theme.ListIcon(), p.Reports.Content())
	p.Standings = NewStandingsScreen(r)
	standings := container.NewTabItemWithIcon(r.T("ui.life.tab_standings"), theme.AccountIcon(), p.Standings.Content())
	p.Tabs = container.NewAppTabs(book, covers, reports, standings)
	switch p.tab {
	case TabCovers:
		p.Tabs.Select(covers)
	case TabReports:
		p.Tabs.Select(reports)
	case TabStandings:
		p.Tabs.Select(standings)
		p.Standings.Load()
	}
	p.Tabs.OnSelected = func(it *container.TabItem) {
		p.tab = TabBook
		switch it {
		case covers:
			p.tab = TabCovers
			p.Covers.Reload()
		case reports:
			p.tab = TabReports
		case standings:
			p.tab = TabStandings
			p.Standings.Load()
		}
	}
	p.content = p.Tabs
	return p
}

// Content is the page's root object.
func (p *RecordsPage) Content() fyne.CanvasObject { return p.content }

// State returns the page's state.
func (p *RecordsPage) State() RecordsState {
	return RecordsState{Tab: p.tab, Book: p.Book.State(), Covers: p.Covers.State()}
}

// Show selects a tab.
func (p *RecordsPage) Show(tab RecordsTab) {
	i := 0
	switch tab {
	case TabCovers:
		i = 1
	case TabReports:
		i = 2
	case TabStandings:
		i = 3
	}
	p.Tabs.SelectIndex(i)
}

// Tab is the tab shown.
func (p *RecordsPage) Tab() RecordsTab { return p.tab }

// FirstFocus is the book's personal ID, so the officer types it at once.
func (p *RecordsPage) FirstFocus() fyne.Focusable {
	if p.tab == TabBook {
		return p.Book.Query
	}
	return nil
}
