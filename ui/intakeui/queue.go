package intakeui

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/ui/widgets"
)

// queueKinds are the queues in the order the selector offers them; "mine" is ListHandler with
// the signed-in account.
var queueKinds = []intake.ListKind{
	ListReceivedToday,
	intake.ListDueToday,
	intake.ListOverdue,
	intake.ListPending,
	intake.ListStep,
	intake.ListHandler,
	ListQuoteChanged,
}

// ListReceivedToday is the desk's own queue of the dossiers received today in every state
// (Office.ReceivedOn), the ones the dashboard's tile counts.
const ListReceivedToday intake.ListKind = "received-today"

// ListQuoteChanged is the desk's own queue of the dossiers waiting for their first payment
// whose amount changed under the rules in force (Intake.QuoteChanges): the citizen must be told.
const ListQuoteChanged intake.ListKind = "quote-changed"

// QueueState is the queue chosen and the rows last fetched.
type QueueState struct {
	Kind   intake.ListKind
	Step   string
	Rows   []app.Summary
	Loaded bool
}

// QueueScreen is the work queue (hàng đợi hồ sơ): due today, overdue, every pending dossier, the
// dossiers at one step of the office's workflow, or those the officer handled last; sorted by
// due date as the service returns them. A row opens the dossier.
type QueueScreen struct {
	ses *Session
	st  QueueState

	Kind    *widgets.TypeSelect
	Step    *widget.Select
	Refresh *widget.Button
	Count   *widget.Label
	Problem *widget.Label
	Rows    *SummaryList

	steps   []app.Step
	content fyne.CanvasObject
	// loads counts the lists asked for: only the last one asked is painted, so a slower
	// earlier load (the list shown before a tile chose another) never overwrites it.
	loads int
}

// NewQueueScreen builds the queue and fetches it unless the state holds rows already.
func NewQueueScreen(ses *Session, st QueueState) *QueueScreen {
	s := &QueueScreen{ses: ses}
	if st.Kind == "" {
		st.Kind = intake.ListPending
	}
	s.steps = ses.Intake.Ref.Get().Workflows.ForOffice(ses.Sess.Office).Steps
	if st.Step == "" && len(s.steps) > 0 {
		st.Step = s.steps[0].ID
	}
	s.st = st
	names := make([]string, len(queueKinds))
	for i, k := range queueKinds {
		names[i] = ses.T("ui.queue." + string(k))
	}
	s.Kind = widgets.NewTypeSelect(names, ses.Cfg.Now)
	for i, k := range queueKinds {
		if k == st.Kind {
			s.Kind.SetSelected(names[i])
		}
	}
	stepNames := make([]string, len(s.steps))
	for i, step := range s.steps {
		stepNames[i] = step.Name(ses.Cfg.Lang)
	}
	s.Step = widget.NewSelect(stepNames, nil)
	for i, step := range s.steps {
		if step.ID == st.Step {
			s.Step.SetSelectedIndex(i)
		}
	}
	s.Kind.OnChanged = func(name string) {
		for i, n := range names {
			if n == name {
				s.st.Kind = queueKinds[i]
			}
		}
		s.Reload()
	}
	s.Step.OnChanged = func(string) {
		if i := s.Step.SelectedIndex(); i >= 0 {
			s.st.Step = s.steps[i].ID
		}
		if s.st.Kind == intake.ListStep {
			s.Reload()
		}
	}
	s.Refresh = widget.NewButtonWithIcon(ses.T("ui.refresh"), theme.ViewRefreshIcon(), s.Reload)
	s.Count = widget.NewLabel("")
	s.Problem = widgets.ProblemLabel()
	s.Rows = newSummaryList(ses)
	tools := container.NewHBox(
		container.New(widgets.MinWidth{Width: 200}, s.Kind),
		container.New(widgets.MinWidth{Width: 360}, s.Step),
		s.Refresh,
		s.Count,
		s.Problem,
	)
	top := container.NewVBox(tools, s.Rows.Header)
	s.content = container.NewBorder(top, nil, nil, nil, s.Rows.List)
	if st.Loaded {
		s.paint(st.Rows, nil)
	} else {
		s.Reload()
	}
	return s
}

// Content is the screen's root object.
func (s *QueueScreen) Content() fyne.CanvasObject { return s.content }

// State returns the queue chosen and its rows.
func (s *QueueScreen) State() QueueState { return s.st }

// Reload fetches the chosen queue again.
func (s *QueueScreen) Reload() {
	if s.st.Kind == intake.ListStep {
		s.Step.Enable()
	} else {
		s.Step.Disable()
	}
	req := intake.ListRequest{Kind: s.st.Kind}
	switch s.st.Kind {
	case ListReceivedToday:
		req.Kind = intake.ListPending
	case intake.ListStep:
		req.Value = s.st.Step
	case intake.ListHandler:
		req.Value = s.ses.Sess.User.Name
	}
	ses := s.ses
	var (
		rows []app.Summary
		err  error
	)
	kind := s.st.Kind
	s.loads++
	load := s.loads
	ses.Run(func() {
		if kind == ListQuoteChanged {
			rows, err = quoteChangedRows(ses)
			return
		}
		if kind == ListReceivedToday && ses.ReceivedOn != nil {
			rows, err = ses.ReceivedOn(ses.Intake.Today())
			return
		}
		rows, err = ses.Intake.List(ses.Sess, req)
		if kind == ListReceivedToday {
			rows = receivedOn(rows, ses.Intake.Today())
		}
	}, func() {
		if load == s.loads {
			s.paint(rows, err)
		}
	})
}

// Choose shows a queue: a kind, and for the step queue the step ("" keeps the one chosen).
func (s *QueueScreen) Choose(kind intake.ListKind, step string) {
	if step != "" {
		for i, st := range s.steps {
			if st.ID == step {
				s.st.Step = step
				cb := s.Step.OnChanged
				s.Step.OnChanged = nil
				s.Step.SetSelectedIndex(i)
				s.Step.OnChanged = cb
			}
		}
	}
	for i, k := range queueKinds {
		if k == kind {
			if s.st.Kind == kind {
				s.Reload()
			} else {
				s.Kind.SetSelected(s.Kind.Options[i]) // reloads
			}
		}
	}
}

// quoteChangedRows are the rows of the dossiers whose amount changed under the rules in force.
func quoteChangedRows(ses *Session) ([]app.Summary, error) {
	changes, err := ses.Intake.QuoteChanges(ses.Sess)
	rows := make([]app.Summary, len(changes))
	for i, c := range changes {
		rows[i] = c.Dossier
	}
	return rows, err
}

// receivedOn keeps the rows received on a day (in Vietnam).
func receivedOn(rows []app.Summary, day calendar.Date) []app.Summary {
	out := rows[:0:0]
	for _, r := range rows {
		if calendar.DateOf(r.Received.In(calendar.VN)) == day {
			out = append(out, r)
		}
	}
	return out
}

// PaymentStep is the step of the office's workflow that waits for the payment voucher ("" when
// none).
func PaymentStep(ses *Session) string {
	for _, st := range ses.Intake.Ref.Get().Workflows.ForOffice(ses.Sess.Office).Steps {
		if st.Completes == app.CompletesPayment {
			return st.ID
		}
	}
	return ""
}

// FirstFocus is the queue's list, so the arrow keys move through the rows.
func (s *QueueScreen) FirstFocus() fyne.Focusable { return s.Rows.List }

func (s *QueueScreen) paint(rows []app.Summary, err error) {
	if err != nil {
		widgets.SetText(s.Problem, s.ses.Message(err))
		return
	}
	widgets.SetText(s.Problem, "")
	s.st.Rows, s.st.Loaded = rows, true
	s.Count.SetText(s.ses.T("ui.count", "count", strconv.Itoa(len(rows))))
	s.Rows.Set(rows)
}

// SummaryList shows dossiers one per row (virtualised): code, name, step, appointment date and
// a badge with the days left, red when overdue and amber on the day. Tapping a row opens the
// dossier.
type SummaryList struct {
	ses    *Session
	Header fyne.CanvasObject
	List   *widget.List
	rows   []app.Summary
	today  calendar.Date
}

// listColumns are the widths of code, name (flexible), step, due date and badge.
var listColumns = widgets.Columns{Widths: []float32{200, 160, 230, 100, 120}, Flex: 1}

func newSummaryList(ses *Session) *SummaryList {
	l := &SummaryList{ses: ses}
	head := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(ses.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	l.Header = container.NewVBox(container.New(listColumns, head("ui.col.code"), head("ui.col.name"), head("ui.col.step"),
		head("ui.col.due"), head("ui.col.left")), widget.NewSeparator())
	l.List = widget.NewList(func() int { return len(l.rows) }, l.newRow, l.updateRow)
	l.List.OnSelected = func(id widget.ListItemID) {
		l.List.UnselectAll()
		if id >= 0 && id < len(l.rows) {
			ses.Open(l.rows[id].Code)
		}
	}
	return l
}

// Set shows rows.
func (l *SummaryList) Set(rows []app.Summary) {
	l.rows = rows
	l.today = l.ses.Intake.Today()
	l.List.Refresh()
}

// Rows are the dossiers shown.
func (l *SummaryList) Rows() []app.Summary { return l.rows }

// Badge is the days-left text of a row and its colour name.
func (l *SummaryList) Badge(r app.Summary) (string, fyne.ThemeColorName) {
	t := l.ses.T
	if r.State.Closed() {
		return t("state." + string(r.State)), theme.ColorNameDisabled
	}
	switch n := r.DaysLeft(l.today); {
	case n < 0:
		return t("ui.days_overdue", "days", strconv.Itoa(-n)), theme.ColorNameError
	case n == 0:
		return t("ui.due_today"), theme.ColorNameWarning
	default:
		return t("ui.days_left", "days", strconv.Itoa(n)), theme.ColorNameSuccess
	}
}

func (l *SummaryList) newRow() fyne.CanvasObject {
	code := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	step := widget.NewLabel("")
	step.Truncation = fyne.TextTruncateEllipsis
	due := widget.NewLabel("")
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	text := canvas.NewText("", color.White)
	text.Alignment = fyne.TextAlignCenter
	text.TextStyle = fyne.TextStyle{Bold: true}
	badge := container.NewStack(bg, container.NewPadded(text))
	return container.New(listColumns, code, name, step, due, badge)
}

func (l *SummaryList) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(l.rows) {
		return
	}
	r := l.rows[id]
	objs := o.(*fyne.Container).Objects
	objs[0].(*widget.Label).SetText(r.Code)
	objs[1].(*widget.Label).SetText(r.Name)
	step := withoutUnit(l.ses.StepName(r.Step))
	if r.State != app.StateOpen {
		step = l.ses.T("state." + string(r.State))
	}
	if r.Channel == app.ChannelOnline {
		step = l.ses.T("ui.channel.online") + " · " + step
	}
	objs[2].(*widget.Label).SetText(step)
	objs[3].(*widget.Label).SetText(r.Due.VNString())
	text, c := l.Badge(r)
	badge := objs[4].(*fyne.Container)
	bg := badge.Objects[0].(*canvas.Rectangle)
	bg.FillColor = theme.Color(c)
	bg.Refresh()
	label := badge.Objects[1].(*fyne.Container).Objects[0].(*canvas.Text)
	label.Text = text
	label.Color = onColor(c)
	label.Refresh()
}

// onColor is the text colour that reads on a badge of colour c.
func onColor(c fyne.ThemeColorName) color.Color {
	switch c {
	case theme.ColorNameError:
		return theme.Color(theme.ColorNameForegroundOnError)
	case theme.ColorNameWarning:
		return theme.Color(theme.ColorNameForegroundOnWarning)
	case theme.ColorNameSuccess:
		return theme.Color(theme.ColorNameForegroundOnSuccess)
	}
	return theme.Color(theme.ColorNameForeground)
}

// withoutUnit is a step's name without the unit in brackets at its end ("Kiểm tra, nhập dữ liệu
// hồ sơ (Tổ quản lý thu)" → "Kiểm tra, nhập dữ liệu hồ sơ"): in the list's column the unit cut
// the step's own words off; the filter above the list and the dossier name it in full.
func withoutUnit(name string) string {
	if strings.HasSuffix(name, ")") {
		if i := strings.LastIndex(name, " ("); i > 0 {
			return name[:i]
		}
	}
	return name
}
