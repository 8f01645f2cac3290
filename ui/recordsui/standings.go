package recordsui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
	"bhxhdesk/ui/widgets"
)

// standingStates are the states the list offers, the ones an officer acts on first.
var standingStates = []string{app.StandingDue, app.StandingSuspended, app.StandingActive, app.StandingRegistered, app.StandingStopped,
	app.StandingLeft}

// standingColumns are the widths of personal ID, name (flexible), phone and what to do.
var standingColumns = widgets.Columns{Widths: []float32{120, 200, 110, 330}, Flex: 1}

// StandingsScreen is the tab "Theo tình trạng": the office's participants in a state — who
// must pay soon (with the last day), who missed a deadline and is suspended, who stopped or
// left — each opening the person's book.
type StandingsScreen struct {
	State  *widget.Select
	Show   *widget.Button
	List   *widget.List
	Status *widget.Label
	Rows   []records.StandingRow

	r       *Session
	busy    bool // a read is under way
	again   bool // another state was chosen meanwhile: read again after it
	content fyne.CanvasObject
}

// NewStandingsScreen builds the tab; the list is read when Show is pressed.
func NewStandingsScreen(r *Session) *StandingsScreen {
	s := &StandingsScreen{r: r, Status: widgets.StatusLabel()}
	t := r.T
	labels := make([]string, len(standingStates))
	for i, st := range standingStates {
		labels[i] = t("standing." + st)
	}
	s.State = widget.NewSelect(labels, nil)
	s.Show = widget.NewButtonWithIcon(t("ui.life.list_show"), theme.ViewRefreshIcon(), s.Load)
	s.List = widget.NewList(
		func() int { return len(s.Rows) },
		func() fyne.CanvasObject { return widgets.NewListRow(standingColumns, 4) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.Rows) {
				return
			}
			row := s.Rows[id]
			st := row.Standing
			text := t("standing.short."+st.State, "paid_to", st.PaidTo.VNString(), "next", st.Next.VNString(),
				"deadline", st.Deadline.VNString(), "since", st.Since.VNString())
			widgets.SetRow(o, row.PersonalID, app.UpperName(row.FullName), row.Phone, text)
		},
	)
	s.List.OnSelected = func(id widget.ListItemID) {
		s.List.UnselectAll()
		if id < len(s.Rows) && r.OpenBook != nil {
			r.OpenBook(s.Rows[id].PersonalID)
		}
	}
	head := widgets.NewListHeader(standingColumns, t("field.personal_id"), t("field.full_name"), t("field.phone"), t("ui.life.col.standing"))
	bar := container.NewBorder(nil, nil, widget.NewLabel(t("ui.life.list_state")), s.Show, s.State)
	s.content = container.NewBorder(container.NewVBox(bar, head), s.Status, nil, nil, s.List)
	s.State.SetSelected(labels[0]) // loaded when the tab is shown
	s.State.OnChanged = func(string) { s.Load() }
	return s
}

// Content is the tab's root object.
func (s *StandingsScreen) Content() fyne.CanvasObject { return s.content }

// Load reads the participants in the state chosen, as of today.
func (s *StandingsScreen) Load() {
	r := s.r
	i := s.State.SelectedIndex()
	if i < 0 {
		return
	}
	if s.busy {
		s.again = true
		return
	}
	state := standingStates[i]
	s.busy = true
	s.Show.Disable()
	var (
		rows []records.StandingRow
		err  error
	)
	r.Run(func() { rows, err = r.Records.Standings(r.Sess, calendar.DateOf(r.Cfg.Now().In(calendar.VN)), state) }, func() {
		s.busy = false
		s.Show.Enable()
		if s.again {
			s.again = false
			s.Load()
			return
		}
		if err != nil {
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		s.Rows = rows
		s.List.Refresh()
		widgets.SetStatus(s.Status, true, r.T("life.list_count", "count", strconv.Itoa(len(rows))))
	})
}
