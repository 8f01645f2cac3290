package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/ui"
)

// queueN is the size of the benchmark's queue (BHXH_QUEUE_N, default 100,000 pending dossiers).
func queueN() int {
	if n, err := strconv.Atoi(os.Getenv("BHXH_QUEUE_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// bigOffice is an office store holding queueN pending dossiers of fake people, loaded once per
// run with the store's bulk loader (the keys and values Intake.Register writes) into a folder
// of the benchmark.
var bigOffice = struct {
	once sync.Once
	cfg  storage.Config
	err  error
}{}

func loadBigOffice(b *testing.B, now func() time.Time) storage.Config {
	b.Helper()
	bigOffice.once.Do(func() {
		dir, err := os.MkdirTemp("", "bhxh-queue-bench-")
		if err != nil {
			bigOffice.err = err
			return
		}
		ref := assets.MustLoad()
		cfg := storage.Config{Dir: filepath.Join(dir, "store"), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: now, CacheMB: 64}
		bigOffice.cfg = cfg
		d, _, err := desk.Init(cfg, ref, testOffice, app.User{Name: "admin", FullName: "Quản trị"}, password)
		if err != nil {
			bigOffice.err = err
			return
		}
		defer d.Close()
		admin, err := d.Intake.Login("admin", password)
		if err == nil {
			err = d.Intake.AddUser(admin, app.User{Name: "canbo", FullName: "Trần Văn Đức", Role: app.Officer}, password)
		}
		if err != nil {
			bigOffice.err = err
			return
		}
		l, err := d.DB.NewLoader()
		if err != nil {
			bigOffice.err = err
			return
		}
		wf := ref.Workflows.For(testOffice.Province)
		g := fake.New(7, ref.Places)
		g.StartMonth = "2026-01"
		start := now()
		for i := range queueN() {
			f := g.Form()
			day := start.AddDate(0, 0, -(i % 60))
			due := calendar.DateOf(day.In(calendar.VN)) + 7
			dos := app.Dossier{Code: fmt.Sprintf("%s-%s-%s%04d", testOffice.Agency, day.Format("060102"), testOffice.Device, i/60+1),
				Office: testOffice.Agency, Form: f, Received: day, Due: due, StepDue: due - 5, State: app.StateOpen,
				Step: wf.Steps[0].ID, Workflow: "default@" + wf.Version, Steps: wf.Steps, Handler: "motcua", Version: 1,
				Quote: app.Quote{Payable: 264_000}}
			if bigOffice.err = l.PutDossier(&dos); bigOffice.err != nil {
				return
			}
		}
		bigOffice.err = l.Flush()
	})
	if bigOffice.err != nil {
		b.Fatal(bigOffice.err)
	}
	return bigOffice.cfg
}

// BenchmarkQueue100k opens the work queue of an office with 100,000 pending dossiers, as an
// officer does from the navigation: the rows are fetched off the UI thread from the encrypted
// store, painted in the virtualised list, and the window renders its frame (Fyne's software
// painter). It also reports one scroll step through the list. make bench-desk runs it.
func BenchmarkQueue100k(b *testing.B) {
	now := func() time.Time { return time.Date(2026, 1, 12, 9, 0, 0, 0, calendar.VN) }
	cfg := loadBigOffice(b, now)
	b.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(cfg.Dir)) })
	o := desk.NewOffice(cfg, assets.MustLoad())
	defer o.Close()
	test.NewTempApp(b)
	ref := assets.MustLoad()
	var (
		mu     sync.Mutex
		paints []func()
	)
	desk := ui.NewDesk(ui.Config{Ref: o.Ref(), Places: ref.Places, Catalog: ref.Catalog, Now: now, Office: o,
		Do: func(f func()) { mu.Lock(); paints = append(paints, f); mu.Unlock() }}, nil)
	drain := func() {
		for {
			desk.Wait()
			mu.Lock()
			p := paints
			paints = nil
			mu.Unlock()
			if len(p) == 0 {
				return
			}
			for _, f := range p {
				f()
			}
		}
	}
	w := test.NewTempWindow(b, desk.Content())
	w.Resize(fyne.NewSize(1024, 700))
	l := desk.Login()
	l.User.SetText("canbo")
	l.Password.SetText(password)
	test.Tap(l.SignIn)
	drain()
	if desk.Login() != nil {
		b.Fatalf("sign-in: %s", l.Problem.Text)
	}
	var openTotal, frameTotal, scrollTotal time.Duration
	rows := 0
	for b.Loop() {
		desk.Show(ui.PageHome)
		drain()
		t0 := time.Now()
		desk.Show(ui.PageQueue)
		drain()
		openTotal += time.Since(t0)
		rows = len(desk.Queue().Rows.Rows())
		t1 := time.Now()
		w.Canvas().Capture()
		frameTotal += time.Since(t1)
		t2 := time.Now()
		desk.Queue().Rows.List.ScrollTo(rows / 2)
		w.Canvas().Capture()
		scrollTotal += time.Since(t2)
	}
	if rows != queueN() {
		b.Fatalf("the queue shows %d rows, want %d", rows, queueN())
	}
	n := float64(b.N)
	b.ReportMetric(float64(openTotal.Milliseconds())/n, "ms-open")
	b.ReportMetric(float64(frameTotal.Milliseconds())/n, "ms-frame")
	b.ReportMetric(float64(scrollTotal.Milliseconds())/n, "ms-scroll")
	b.ReportMetric(float64(rows), "rows")
}
