package intakeui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// Tile is one number of the dashboard, a click into its list.
type Tile string

// The tiles of the dashboard, in order.
const (
	TileReceivedToday   Tile = "received_today"   // hồ sơ tiếp nhận hôm nay
	TileDueToday        Tile = "due_today"        // đến hạn trả hôm nay
	TileOverdue         Tile = "overdue"          // quá hạn (red)
	TileAwaitingPayment Tile = "awaiting_payment" // chờ nộp tiền: at the step a payment completes
	TileCovers          Tile = "covers"           // tờ bìa chờ cấp
	TileExceptions      Tile = "exceptions"       // chứng từ chờ xử lý
	TileUnsynced        Tile = "unsynced"         // thao tác chưa gửi
	TileLastSync        Tile = "last_sync"        // lần đồng bộ gần nhất
	TileQuoteChanged    Tile = "quote_changed"    // số tiền phải nộp đã thay đổi theo quy định mới
)

// Tiles lists the tiles in the order shown.
var Tiles = []Tile{
	TileReceivedToday,
	TileDueToday,
	TileOverdue,
	TileAwaitingPayment,
	TileCovers,
	TileExceptions,
	TileUnsynced,
	TileLastSync,
	TileQuoteChanged,
}

// chartDays is how many days the chart shows, today included.
const chartDays = 30

// DayStat is one day of the chart: the dossiers received that day, and of those whose
// appointment fell that day (and is past or today with a result), how many were on time.
type DayStat struct {
	Day      calendar.Date
	Received int
	Due      int // appointments of the day already decided: returned on time, late, or still open after it
	OnTime   int
}

// HomeStats are the dashboard's numbers: per tile (a tile missing from Counts is not shown:
// the role may not open its list), the time of the last complete sync round, and the last 30
// days.
type HomeStats struct {
	Counts   map[Tile]int
	LastSync time.Time
	Days     []DayStat
	// Outlook is what the rule data lacks or only guesses for the coming months, shown to
	// administrators and supervisors (app.Reference.Outlook).
	Outlook []app.RuleNotice
	// Trend is the office's last twelve months (participants, collections), for the roles that
	// see people's records.
	Trend []app.TrendPoint
}

// OnTimeRate is the share of the window's decided appointments met on time, in per cent, and
// whether there were any.
func (h HomeStats) OnTimeRate() (int, bool) {
	due, on := 0, 0
	for _, d := range h.Days {
		due += d.Due
		on += d.OnTime
	}
	if due == 0 {
		return 0, false
	}
	return (on*100 + due/2) / due, true
}

// HomeState is the dashboard's state: the numbers last fetched.
type HomeState struct {
	Stats  HomeStats
	Loaded bool
}

// HomeScreen is the dashboard (trang chủ): today's received dossiers, those due today, the
// overdue ones in red, those waiting for payment, covers to issue, vouchers waiting for a
// decision, operations not yet sent and the last sync — each a button into its list — and a
// chart of the dossiers received each day and the on-time rate over the last 30 days.
type HomeScreen struct {
	r  *Session
	st HomeState

	// Tiles are the buttons into the lists; Values show their numbers.
	Tiles   map[Tile]*widget.Button
	Values  map[Tile]*widget.Label
	Chart   *DayChart
	Trend   *TrendChart
	Rate    *widget.Label
	Problem *widget.Label
	Refresh *widget.Button
	// Outlook lists the rule-data warnings (hidden when there are none, or for other roles).
	Outlook *widget.Label

	grid *fyne.Container
	// ChartTabs holds the 30-day chart and the 12-month trend.
	ChartTabs *container.AppTabs
	trendTab  *container.TabItem
	onTile    func(Tile)
	content   fyne.CanvasObject
}

// NewHomeScreen builds the dashboard and fetches its numbers unless the state holds them;
// onTile opens a tile's list.
func NewHomeScreen(r *Session, st HomeState, onTile func(Tile)) *HomeScreen {
	s := &HomeScreen{r: r, onTile: onTile, Tiles: map[Tile]*widget.Button{}}
	t := r.T
	s.Problem = widgets.ProblemLabel()
	s.Rate = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Refresh = widget.NewButtonWithIcon(t("ui.refresh"), theme.ViewRefreshIcon(), s.Reload)
	s.Chart = newDayChart(r.Cfg)
	s.Trend = newTrendChart()
	s.grid = container.NewGridWithColumns(4)
	legend := container.NewHBox(swatch(theme.ColorNamePrimary), widget.NewLabel(t("ui.home.legend_received")),
		swatch(theme.ColorNameSuccess), widget.NewLabel(t("ui.home.legend_ontime")))
	chart := widget.NewCard(
		t("ui.home.chart"),
		t("ui.home.chart_sub"),
		container.NewBorder(container.NewHBox(s.Rate, layout.NewSpacer(), legend), nil, nil, nil, s.Chart),
	)
	head := container.NewBorder(nil, nil, widgets.Heading(t("ui.home.title", "date", r.Intake.Today().VNString())), s.Refresh)
	s.Outlook = widget.NewLabel("")
	s.Outlook.Wrapping = fyne.TextWrapWord
	s.Outlook.Importance = widget.WarningImportance
	s.Outlook.Hide()
	trendLegend := container.NewHBox(swatch(theme.ColorNamePrimary), widget.NewLabel(t("ui.home.legend_participants")),
		swatch(theme.ColorNameSuccess), widget.NewLabel(t("ui.home.legend_collected")))
	trend := widget.NewCard(t("ui.home.trend"), t("ui.home.trend_sub"), container.NewBorder(trendLegend, nil, nil, nil, s.Trend))
	// The two charts share the space under the tiles as tabs: the window of a district office
	// (1366×768) has room for one at a readable size.
	s.trendTab = container.NewTabItem(t("ui.home.trend"), trend)
	s.ChartTabs = container.NewAppTabs(container.NewTabItem(t("ui.home.chart"), chart), s.trendTab)
	charts := s.ChartTabs
	s.content = container.NewBorder(container.NewVBox(head, s.Outlook, s.grid), s.Problem, nil, nil, charts)
	if st.Loaded {
		s.paint(st.Stats, nil)
	} else {
		s.paint(HomeStats{}, nil)
		s.Reload()
	}
	return s
}

// Content is the dashboard's root object.
func (s *HomeScreen) Content() fyne.CanvasObject { return s.content }

// State returns the numbers shown.
func (s *HomeScreen) State() HomeState { return s.st }

// Stats are the numbers shown.
func (s *HomeScreen) Stats() HomeStats { return s.st.Stats }

// Reload fetches the numbers again, off the UI thread.
func (s *HomeScreen) Reload() {
	r := s.r
	office := r.Office
	var (
		st  HomeStats
		err error
	)
	r.Run(func() { st, err = fetchHome(r, office) }, func() {
		if err != nil {
			widgets.SetText(s.Problem, r.Message(err))
			return
		}
		widgets.SetText(s.Problem, "")
		s.paint(st, nil)
	})
}

// fetchHome reads the dashboard's numbers from the services.
func fetchHome(r *Session, office Office) (HomeStats, error) {
	today := r.Intake.Today()
	st := HomeStats{Counts: map[Tile]int{}}
	count := func(t Tile, kind intake.ListKind, value string) (err error) {
		st.Counts[t], err = r.Intake.Count(r.Sess, kind, value)
		return err
	}
	if err := count(TileDueToday, intake.ListDueToday, ""); err != nil {
		return st, err
	}
	if err := count(TileOverdue, intake.ListOverdue, ""); err != nil {
		return st, err
	}
	if step := PaymentStep(r); step != "" {
		if err := count(TileAwaitingPayment, intake.ListStep, step); err != nil {
			return st, err
		}
	}
	if r.Can(app.PermPersonView) {
		covers, err := r.Records.Covers(r.Sess, app.CoverCreated, 0)
		if err != nil {
			return st, err
		}
		st.Counts[TileCovers] = len(covers)
	}
	if r.Can(app.PermVoucher) {
		var err error
		if st.Trend, err = r.Records.Trend(r.Sess, app.MonthOfDate(today), trendMonths); err != nil {
			return st, err
		}
	}
	if r.Can(app.PermProcess) {
		changed, err := r.Intake.QuoteChanges(r.Sess)
		if err != nil {
			return st, err
		}
		if len(changed) > 0 {
			st.Counts[TileQuoteChanged] = len(changed)
		}
	}
	if r.Can(app.PermAudit) || r.Can(app.PermManageUsers) {
		st.Outlook = r.Cfg.Ref.Get().Outlook(today, r.Sess.Office.Province)
	}
	if r.Can(app.PermVoucher) {
		exc, err := r.Records.Exceptions(r.Sess, 0)
		if err != nil {
			return st, err
		}
		st.Counts[TileExceptions] = len(exc)
	}
	sync := kit.SyncStatusOf(office)
	st.Counts[TileUnsynced], st.LastSync = sync.Pending, sync.LastSuccess
	st.Counts[TileLastSync] = 0
	recent, err := office.Activity(r.Sess, today-chartDays+1)
	if err != nil {
		return st, err
	}
	st.Days, st.Counts[TileReceivedToday] = dayStats(recent, today, chartDays)
	return st, nil
}

// dayStats counts, for each of the n days up to today, the dossiers received and the
// appointments met: a dossier returned (done) on or before its appointment is on time; one
// returned later, or still pending after it, is late; a rejected dossier and an appointment
// of today still open are not counted. It also returns today's receipts.
func dayStats(ds []app.Dossier, today calendar.Date, n int) ([]DayStat, int) {
	from := today - calendar.Date(n-1)
	days := make([]DayStat, n)
	for i := range days {
		days[i].Day = from + calendar.Date(i)
	}
	received := 0
	for _, d := range ds {
		if r := calendar.DateOf(d.Received.In(calendar.VN)); r >= from && r <= today {
			days[r-from].Received++
			if r == today {
				received++
			}
		}
		if d.Due < from || d.Due > today || d.State == app.StateRejected {
			continue
		}
		i := d.Due - from
		switch {
		case d.State == app.StateDone:
			days[i].Due++
			if done := completedOn(d); done != 0 && done <= d.Due {
				days[i].OnTime++
			}
		case d.Due < today:
			days[i].Due++ // still pending after its appointment: late
		}
	}
	return days, received
}

// completedOn is the day a dossier's result was returned (0 when not).
func completedOn(d app.Dossier) calendar.Date {
	for i := len(d.Timeline) - 1; i >= 0; i-- {
		if d.Timeline[i].Action == app.ActComplete {
			return calendar.DateOf(d.Timeline[i].At.In(calendar.VN))
		}
	}
	return 0
}

func (s *HomeScreen) paint(st HomeStats, _ error) {
	t := s.r.T
	if st.Counts != nil {
		s.st = HomeState{Stats: st, Loaded: true}
	}
	s.grid.Objects = nil
	s.Tiles, s.Values = map[Tile]*widget.Button{}, map[Tile]*widget.Label{}
	for _, tile := range Tiles {
		n, ok := st.Counts[tile]
		if st.Counts != nil && !ok {
			continue
		}
		value := strconv.Itoa(n)
		switch {
		case st.Counts == nil:
			value = "…"
		case tile == TileLastSync && st.LastSync.IsZero():
			value = t("ui.home.never")
		case tile == TileLastSync:
			value = kit.VNTime(st.LastSync)
		}
		tile := tile
		b := widget.NewButton("", func() { s.onTile(tile) })
		title := widget.NewLabelWithStyle(t("ui.home.tile."+string(tile)), fyne.TextAlignLeading, fyne.TextStyle{})
		title.Truncation = fyne.TextTruncateEllipsis
		number := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		number.SizeName = theme.SizeNameSubHeadingText
		switch {
		case tile == TileOverdue && n > 0:
			number.Importance = widget.DangerImportance
		case tile == TileDueToday && n > 0, tile == TileExceptions && n > 0:
			number.Importance = widget.WarningImportance
		case tile == TileReceivedToday:
			number.Importance = widget.HighImportance
		}
		s.Tiles[tile], s.Values[tile] = b, number
		s.grid.Add(container.NewStack(b, container.NewVBox(title, number)))
	}
	s.grid.Refresh()
	var notes []string
	for _, n := range st.Outlook {
		notes = append(notes, "⚠ "+s.r.Cfg.Catalog.Outlook(s.r.Cfg.Lang, n))
	}
	if len(notes) > 0 {
		notes = append([]string{t("outlook.title") + ":"}, notes...)
	}
	widgets.SetText(s.Outlook, strings.Join(notes, "\n"))
	if rate, ok := st.OnTimeRate(); ok {
		s.Rate.SetText(t("ui.home.rate", "rate", strconv.Itoa(rate)))
	} else {
		s.Rate.SetText(t("ui.home.rate_none"))
	}
	s.Chart.Set(st.Days)
	s.Trend.Set(st.Trend)
	if len(st.Trend) == 0 {
		s.ChartTabs.DisableItem(s.trendTab) // a role that does not see people's records
	} else {
		s.ChartTabs.EnableItem(s.trendTab)
	}
}

// FirstFocus is the first tile, so Tab and Space open the lists.
func (s *HomeScreen) FirstFocus() fyne.Focusable {
	if b, ok := s.Tiles[TileReceivedToday]; ok {
		return b
	}
	return nil
}

// swatch is a small square of a theme colour for a legend.
func swatch(c fyne.ThemeColorName) fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(c))
	r.SetMinSize(fyne.NewSize(12, 12))
	return container.NewCenter(r)
}

// DayChart draws the days of the dashboard with Fyne's canvas: a bar per day for the dossiers
// received, a line for the on-time rate of the day's appointments (0–100 %), and the day of the
// month under every fifth bar.
type DayChart struct {
	widget.BaseWidget
	cfg  *kit.Settings
	days []DayStat
}

func newDayChart(cfg *kit.Settings) *DayChart {
	c := &DayChart{cfg: cfg}
	c.ExtendBaseWidget(c)
	return c
}

// Set shows days.
func (c *DayChart) Set(days []DayStat) {
	c.days = days
	c.Refresh()
}

// Days are the days shown.
func (c *DayChart) Days() []DayStat { return c.days }

// CreateRenderer implements fyne.Widget.
func (c *DayChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c, axis: canvas.NewLine(theme.Color(theme.ColorNameForeground))}
	r.Refresh()
	return r
}

type chartRenderer struct {
	c       *DayChart
	axis    *canvas.Line
	bars    []*canvas.Rectangle
	lines   []*canvas.Line
	dots    []*canvas.Circle
	labels  []*canvas.Text
	maxText *canvas.Text
	objects []fyne.CanvasObject
	size    fyne.Size
}

func (r *chartRenderer) MinSize() fyne.Size { return fyne.NewSize(300, 160) }

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *chartRenderer) Destroy() {}

func (r *chartRenderer) Layout(size fyne.Size) {
	r.size = size
	r.place()
}

func (r *chartRenderer) Refresh() {
	days := r.c.days
	fg, primary, success := theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameSuccess)
	r.bars, r.lines, r.dots, r.labels = nil, nil, nil, nil
	r.axis.StrokeColor = fg
	r.objects = []fyne.CanvasObject{r.axis}
	for i, d := range days {
		b := canvas.NewRectangle(primary)
		r.bars = append(r.bars, b)
		r.objects = append(r.objects, b)
		if i%5 == 4 || i == len(days)-1 {
			_, _, day := d.Day.Parts()
			l := canvas.NewText(strconv.Itoa(day), fg)
			l.TextSize = theme.CaptionTextSize()
			l.Alignment = fyne.TextAlignCenter
			r.labels = append(r.labels, l)
			r.objects = append(r.objects, l)
		} else {
			r.labels = append(r.labels, nil)
		}
	}
	for range days {
		ln := canvas.NewLine(success)
		ln.StrokeWidth = 2
		r.lines = append(r.lines, ln)
		dot := canvas.NewCircle(success)
		r.dots = append(r.dots, dot)
		r.objects = append(r.objects, ln, dot)
	}
	r.maxText = canvas.NewText("", fg)
	r.maxText.TextSize = theme.CaptionTextSize()
	r.objects = append(r.objects, r.maxText)
	r.place()
	for _, o := range r.objects {
		o.Refresh()
	}
}

// place lays the bars, the rate line and the labels out in the current size.
func (r *chartRenderer) place() {
	days := r.c.days
	labelH, top, h, w, ok := chartFrame(r.objects, len(days), r.size)
	if !ok {
		return
	}
	peak := 1
	for _, d := range days {
		peak = max(peak, d.Received)
	}
	r.maxText.Text = strconv.Itoa(peak)
	r.maxText.Move(fyne.NewPos(0, 0))
	slot := w / float32(len(days))
	r.axis.Position1 = fyne.NewPos(0, top+h)
	r.axis.Position2 = fyne.NewPos(w, top+h)
	prev := fyne.Position{}
	havePrev := false
	for i, d := range days {
		bh := h * float32(d.Received) / float32(peak)
		x := slot*float32(i) + slot*0.15
		r.bars[i].Resize(fyne.NewSize(slot*0.7, bh))
		r.bars[i].Move(fyne.NewPos(x, top+h-bh))
		if l := r.labels[i]; l != nil {
			l.Resize(fyne.NewSize(slot*2, labelH))
			l.Move(fyne.NewPos(slot*float32(i)+slot/2-slot, top+h+2))
		}
		ln, dot := r.lines[i], r.dots[i]
		if d.Due == 0 {
			ln.Hide()
			dot.Hide()
			havePrev = false
			continue
		}
		p := fyne.NewPos(slot*float32(i)+slot/2, top+h-h*float32(d.OnTime)/float32(d.Due))
		dot.Resize(fyne.NewSize(6, 6))
		dot.Move(p.SubtractXY(3, 3))
		if havePrev {
			ln.Position1, ln.Position2 = prev, p
		} else {
			ln.Hide()
		}
		prev, havePrev = p, true
	}
}

var _ fyne.Widget = (*DayChart)(nil)
