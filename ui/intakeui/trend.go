package intakeui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
)

// trendMonths is how many months the dashboard's trend shows, this one included.
const trendMonths = 12

// TrendChart is the dashboard's chart of the office's last twelve months: a bar of the
// participants at each month's end and, beside it, one of what was collected in the month (each
// series on its own scale, its peak written above it).
type TrendChart struct {
	widget.BaseWidget
	points []app.TrendPoint
}

func newTrendChart() *TrendChart {
	c := &TrendChart{}
	c.ExtendBaseWidget(c)
	return c
}

// Set shows the months.
func (c *TrendChart) Set(points []app.TrendPoint) {
	c.points = points
	c.Refresh()
}

// Points are the months shown.
func (c *TrendChart) Points() []app.TrendPoint { return c.points }

// CreateRenderer implements fyne.Widget.
func (c *TrendChart) CreateRenderer() fyne.WidgetRenderer {
	r := &trendRenderer{c: c, axis: canvas.NewLine(theme.Color(theme.ColorNameForeground))}
	r.Refresh()
	return r
}

type trendRenderer struct {
	c                   *TrendChart
	axis                *canvas.Line
	people, money       []*canvas.Rectangle
	labels              []*canvas.Text
	peakPeople, peakVND *canvas.Text
	objects             []fyne.CanvasObject
	size                fyne.Size
}

func (r *trendRenderer) MinSize() fyne.Size           { return fyne.NewSize(300, 160) }
func (r *trendRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *trendRenderer) Destroy()                     {}

func (r *trendRenderer) Layout(size fyne.Size) {
	r.size = size
	r.place()
}

func (r *trendRenderer) Refresh() {
	fg, primary, success := theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNamePrimary), theme.Color(theme.ColorNameSuccess)
	r.people, r.money, r.labels = nil, nil, nil
	r.axis.StrokeColor = fg
	r.objects = []fyne.CanvasObject{r.axis}
	for _, p := range r.c.points {
		a, b := canvas.NewRectangle(primary), canvas.NewRectangle(success)
		l := canvas.NewText(fmt.Sprintf("%02d", int(p.Month.Mon())), fg)
		l.TextSize = theme.CaptionTextSize()
		l.Alignment = fyne.TextAlignCenter
		r.people, r.money, r.labels = append(r.people, a), append(r.money, b), append(r.labels, l)
		r.objects = append(r.objects, a, b, l)
	}
	r.peakPeople, r.peakVND = canvas.NewText("", primary), canvas.NewText("", success)
	r.peakPeople.TextSize, r.peakVND.TextSize = theme.CaptionTextSize(), theme.CaptionTextSize()
	r.peakVND.Alignment = fyne.TextAlignTrailing
	r.objects = append(r.objects, r.peakPeople, r.peakVND)
	r.place()
	for _, o := range r.objects {
		o.Refresh()
	}
}

// chartFrame shows a chart's objects when it has something to draw and room to draw it, and
// gives the frame both charts of the dashboard use: the label band's height, the plot's top,
// height and width. ok is false when there is nothing to lay out.
func chartFrame(objects []fyne.CanvasObject, n int, size fyne.Size) (labelH, top, h, w float32, ok bool) {
	if n == 0 || size.Width <= 0 {
		for _, o := range objects {
			o.Hide()
		}
		return 0, 0, 0, 0, false
	}
	for _, o := range objects {
		o.Show()
	}
	labelH = theme.CaptionTextSize() + 4
	return labelH, labelH, size.Height - 2*labelH, size.Width, true
}

// place lays the bars and labels out in the current size.
func (r *trendRenderer) place() {
	ps := r.c.points
	labelH, top, h, w, ok := chartFrame(r.objects, len(ps), r.size)
	if !ok {
		return
	}
	peakN, peakM := 1, app.Money(1)
	for _, p := range ps {
		peakN, peakM = max(peakN, p.Participants), max(peakM, p.Collected)
	}
	r.peakPeople.Text = strconv.Itoa(peakN)
	r.peakPeople.Move(fyne.NewPos(0, 0))
	r.peakVND.Text = peakM.String()
	r.peakVND.Move(fyne.NewPos(w-fyne.MeasureText(r.peakVND.Text, r.peakVND.TextSize, fyne.TextStyle{}).Width, 0))
	slot := w / float32(len(ps))
	r.axis.Position1, r.axis.Position2 = fyne.NewPos(0, top+h), fyne.NewPos(w, top+h)
	for i, p := range ps {
		x := slot * float32(i)
		bw := slot * 0.36
		nh := h * float32(p.Participants) / float32(peakN)
		mh := h * float32(p.Collected) / float32(peakM)
		r.people[i].Resize(fyne.NewSize(bw, nh))
		r.people[i].Move(fyne.NewPos(x+slot*0.12, top+h-nh))
		r.money[i].Resize(fyne.NewSize(bw, mh))
		r.money[i].Move(fyne.NewPos(x+slot*0.52, top+h-mh))
		r.labels[i].Resize(fyne.NewSize(slot, labelH))
		r.labels[i].Move(fyne.NewPos(x, top+h+2))
	}
}
