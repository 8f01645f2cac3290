package kit

import (
	"io"
	"os"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// progressDelay is how long work runs before its progress dialog shows: short work does not
// flash a dialog.
const progressDelay = 400 * time.Millisecond

// ProgressUnit is what long work counts.
type ProgressUnit string

const (
	UnitRows   ProgressUnit = "rows"   // dòng of an imported file
	UnitCovers ProgressUnit = "covers" // tờ bìa sổ
	UnitBytes  ProgressUnit = "bytes"  // dung lượng (shown in MB)
)

// ProgressView is the dialog over the window while long work runs (tiến độ): what is being
// done, a bar, "1.200 / 10.000 dòng — còn khoảng 5 giây", and "Dừng" where stopping loses
// nothing. The window stays responsive behind it.
type ProgressView struct {
	h     *Host
	title string
	unit  ProgressUnit
	start time.Time
	P     *app.Progress

	Bar   *widget.ProgressBar
	Count *widget.Label
	Stop  *widgets.KeyButton // nil when the work cannot stop safely

	// Done and Total are the last step told; Steps counts the steps.
	Done, Total int64
	Steps       int
	Stopping    bool

	pop      *widget.PopUp
	finished bool
}

// WithProgress runs work off the UI thread with a progress dialog, then hides the dialog and
// paints. work reports through the *app.Progress it is given; when stoppable, "Dừng" asks it
// to stop at its next safe point.
func (h *Host) WithProgress(title string, unit ProgressUnit, stoppable bool, work func(*app.Progress), paint func()) {
	pv := &ProgressView{h: h, title: title, unit: unit, start: time.Now()}
	pv.Bar = widget.NewProgressBar()
	pv.Count = widget.NewLabel(h.T("ui.progress.starting"))
	pv.Count.Wrapping = fyne.TextWrapWord
	do := h.Cfg.Do
	pv.P = app.NewProgress(150*time.Millisecond, func(done, total int64) {
		if f := h.Cfg.OnProgress; f != nil {
			f(pv, done, total)
		}
		do(func() { pv.set(done, total) })
	})
	if stoppable {
		pv.Stop = widgets.NewKeyButton(h.T("ui.progress.stop"), theme.MediaStopIcon(), pv.stop)
	}
	timer := time.AfterFunc(progressDelay, func() { do(pv.show) })
	h.Run(func() { work(pv.P) }, func() {
		timer.Stop()
		pv.finished = true
		if pv.pop != nil {
			pv.pop.Hide()
		}
		paint()
	})
}

// stop asks the work to stop; the dialog says it is stopping until the work returns.
func (pv *ProgressView) stop() {
	pv.P.Stop()
	pv.Stopping = true
	if pv.Stop != nil {
		pv.Stop.Disable()
	}
	pv.Count.SetText(pv.h.T("ui.progress.stopping"))
}

func (pv *ProgressView) show() {
	if pv.finished || pv.pop != nil {
		return
	}
	body := container.NewVBox(pv.Bar, pv.Count)
	if pv.Stop != nil {
		body.Add(container.NewHBox(layout.NewSpacer(), pv.Stop))
	}
	pv.pop = pv.h.modal(pv.title, body, 460)
}

// set paints a step: the bar, the counts and, after two seconds, the time left.
func (pv *ProgressView) set(done, total int64) {
	pv.Done, pv.Total = done, total
	pv.Steps++
	if total > 0 {
		pv.Bar.SetValue(float64(done) / float64(total))
	}
	if !pv.Stopping {
		pv.Count.SetText(pv.Text(done, total, time.Since(pv.start)))
	}
}

// Text is what the dialog says at done of total after elapsed: "1.200 / 10.000 dòng", and
// the time left once it can be estimated.
func (pv *ProgressView) Text(done, total int64, elapsed time.Duration) string {
	t := pv.h.T
	var s string
	if pv.unit == UnitBytes {
		s = t("ui.progress.bytes", "done", mb(done), "total", mb(total))
	} else {
		s = t("ui.progress."+string(pv.unit), "done", Grouped(done), "total", Grouped(total))
	}
	if done > 0 && done < total && elapsed >= 2*time.Second {
		left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		if left >= time.Minute {
			s += " — " + t("ui.progress.left_minutes", "n", strconv.Itoa(int(left.Minutes()+0.5)))
		} else {
			s += " — " + t("ui.progress.left_seconds", "n", strconv.Itoa(max(1, int(left.Seconds()+0.5))))
		}
	}
	return s
}

// Grouped writes n with dots between thousands, as Vietnamese does ("10.000").
func Grouped(n int64) string { return app.Money(n).Grouped() }

// mb writes a size in megabytes with one decimal ("12,5").
func mb(n int64) string {
	tenths := (n*10 + 512*1024) / (1024 * 1024)
	return Grouped(tenths/10) + "," + strconv.FormatInt(tenths%10, 10)
}

// ProgressReader tells p of the bytes read through it, of total (the file's size; 0 when
// unknown).
type ProgressReader struct {
	R     io.Reader
	P     *app.Progress
	n     int64
	Total int64
}

func (pr *ProgressReader) Read(b []byte) (int, error) {
	n, err := pr.R.Read(b)
	pr.n += int64(n)
	pr.P.Step(pr.n, max(pr.Total, pr.n))
	return n, err
}

// SizeOf is the size of the file behind r: an *os.File, or a file chosen in Fyne's dialog
// (a file: URI); 0 when it cannot be told.
func SizeOf(r io.Reader) int64 {
	if st, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil {
			return fi.Size()
		}
	}
	if u, ok := r.(interface{ URI() fyne.URI }); ok && u.URI() != nil && u.URI().Scheme() == "file" {
		if fi, err := os.Stat(u.URI().Path()); err == nil {
			return fi.Size()
		}
	}
	return 0
}
