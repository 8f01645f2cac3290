// The desk program: the Fyne desktop application of the offline voluntary-insurance desk
// (bàn tiếp nhận BHXH tự nguyện). This is the only file that imports Fyne's app package; every
// other package tests without cgo or a display.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/pdf"
	"bhxhdesk/storage"
	"bhxhdesk/ui"
)

var version = "dev"

// Preferences kept by Fyne for this PC.
const (
	prefLang  = "language"
	prefDark  = "appearance.dark"
	prefLarge = "appearance.large"
)

// The desk opens the office's store through desk.Office.
var _ ui.Office = (*desk.Office)(nil)

// uiMemory is what the desk's windows hold in memory beside the store (storage.LimitMemory).
const uiMemory = 128 << 20

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	langFlag := flag.String("lang", "", "language for this session: vi or en (default: the saved choice, else vi)")
	dataFlag := flag.String("data", "", "folder of the office's encrypted store (default: the user's config folder/bhxh-desk)")
	rulesFlag := flag.String("rules", "", "folder of rule files that replace the embedded ones (as bhxh --rules)")
	afterCrash := flag.Bool("after-crash", false, "internal: the program was started again after an unexpected error")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	// The store's budget and the windows' (Fyne's textures, fonts and images).
	storage.LimitMemory(uiMemory)
	dir := *dataFlag
	if dir == "" {
		var err error
		if dir, err = desk.DefaultDataDir(); err != nil {
			fmt.Fprintf(os.Stderr, "bhxh-desk: không xác định được thư mục dữ liệu, hãy dùng --data / no data folder, use --data: %v\n", err)
			os.Exit(2)
		}
	}
	var rulesDirs []fs.FS
	if *rulesFlag != "" {
		rulesDirs = append(rulesDirs, os.DirFS(*rulesFlag))
	}
	// Built for Windows without a console, what the desk prints goes nowhere: everything it
	// reports also goes to its log (masked, rotated) in the data folder.
	logger, _, err := desk.OpenLog(dir) // its closer does nothing: each line closes the file
	if err != nil {
		logger = slog.New(slog.DiscardHandler)
	}
	report := func(msg string, err error) {
		fmt.Fprintf(os.Stderr, "bhxh-desk: %s: %v\n", msg, err)
		logger.Error(msg, "err", err)
	}
	// The same start as the command line's: the embedded data, the files the centre sent to
	// this desk, then the administrator's folder.
	ref, err := desk.LoadReference(dir, rulesDirs...)
	if err != nil {
		report("dữ liệu quy định lỗi / rule data is inconsistent", err)
		os.Exit(2)
	}
	office := desk.NewOffice(storage.Config{Dir: dir}, ref)
	office.RulesDirs, office.Log = rulesDirs, logger

	a := fyneapp.NewWithID("vn.bhxh.desk")
	lang := app.Lang(a.Preferences().StringWithFallback(prefLang, string(app.VI)))
	if *langFlag != "" {
		lang = app.Lang(*langFlag)
	}
	if lang != app.VI && lang != app.EN {
		lang = app.VI
	}
	// PDFs handed to the system's viewer hold personal data: they go to a private folder that
	// is removed at exit (the desk removes its files at each sign-out too).
	// A desk that did not end normally left its folder behind: swept after half a day.
	if n := desk.SweepTemps(os.TempDir(), 12*time.Hour, time.Now()); n > 0 {
		logger.Info("old temporary PDF folders removed", "count", n)
	}
	tmp, err := os.MkdirTemp("", "bhxh-desk-")
	if err != nil {
		report("không tạo được thư mục tạm / no temporary folder", err)
		os.Exit(2)
	}
	ctx, stop := context.WithCancel(context.Background())
	w := a.NewWindow(ref.Catalog.T(lang, "app.title"))
	cfg := ui.Config{
		Ref: office.Ref(), Places: ref.Places, Catalog: ref.Catalog, Lang: lang,
		OnLanguage: func(l app.Lang) { a.Preferences().SetString(prefLang, string(l)) },
		Office:     office, SaveDir: documents(), TempDir: tmp,
		LogPath:    desk.LogPath(dir),
		OnInternal: func(err error) { logger.Error("unexpected error", "err", err) },
		// Light unless the office chose dark: the system's choice under an X server without a
		// desktop is dark, which offices did not want.
		Appearance: ui.Appearance{Dark: a.Preferences().Bool(prefDark), Large: a.Preferences().Bool(prefLarge)},
		OnAppearance: func(ap ui.Appearance) {
			a.Preferences().SetBool(prefDark, ap.Dark)
			a.Preferences().SetBool(prefLarge, ap.Large)
		},
		// The main menu carries the keyboard shortcuts (Ctrl+N, Ctrl+F, Ctrl+S, Ctrl+P, …): Fyne
		// runs a main menu's shortcuts wherever the focus is.
		OnMenu: w.SetMainMenu,
		// The sync engine runs while an officer is signed in: the store closes at sign-out,
		// and Office.Close stops the engine first.
		OnSignedIn: func() {
			if err := office.StartSync(ctx); err != nil {
				report("không chạy được đồng bộ / sync not started", err)
			}
		},
		// The automatic backup runs while the store is open; Office.Close (sign-out, exit)
		// makes the last one before closing the store.
		OnBackups: func() {
			office.RunBackups(ctx, func(path string, err error) {
				if err != nil {
					report("sao lưu lỗi / backup failed", err)
				}
			})
		},
	}
	if pdf.CanRender() {
		// The printout preview: poppler's pdftoppm renders the first pages where it is installed;
		// elsewhere the desk opens the PDF in the system's viewer.
		cfg.RenderPDF = func(doc []byte) ([][]byte, error) { return pdf.RenderPNG(ctx, doc, previewDPI, previewPages) }
	}
	if *afterCrash {
		cfg.StartNotice = ref.Catalog.T(lang, "err.restarted", "path", desk.LogPath(dir))
	}
	screen := ui.NewDesk(cfg, w.SetTitle)
	w.SetContent(screen.Content())
	// Closing the window and Ctrl+Q (Fyne's quit item closes the windows) ask first when a
	// registration is half-filled; its draft is in the store either way.
	w.SetCloseIntercept(func() { screen.RequestQuit(w.Close) })
	// 1024×700 fits every office screen (1024×768 and 1366×768 with a taskbar); on Windows the
	// window opens maximised.
	w.Resize(fyne.NewSize(windowWidth, windowHeight))
	screen.FocusIn(w.Canvas()) // typing at once goes to the user name
	go func() { _ = screen.Run(ctx) }()
	maximise(w)
	if r := showAndRun(w); r != nil {
		// A panic the screens' guards did not catch ended Fyne's loop: the window cannot come
		// back in this process. Everything saved is in the store; the program closes it and
		// starts again, saying what happened, rather than vanishing.
		report("lỗi ngoài dự kiến / unexpected error", fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
		stop()
		screen.Wait()
		_ = office.Close()
		_ = os.RemoveAll(tmp)
		if !*afterCrash {
			restart()
		}
		os.Exit(3)
	}
	stop()
	screen.Wait() // a registration being saved finishes before the store closes
	code := 0
	if err := office.Close(); err != nil { // stops the sync engine, then closes the store
		report("đóng kho dữ liệu lỗi / closing the store failed", err)
		code = 1
	}
	if err := os.RemoveAll(tmp); err != nil {
		report("không xóa được thư mục tạm / temporary folder left", err)
	}
	os.Exit(code)
}

// The window's first size (see main).
const (
	windowWidth  = 1024
	windowHeight = 700
)

// showAndRun runs the window's loop and returns what a panic in it was (nil when it ended).
func showAndRun(w fyne.Window) (recovered any) {
	defer func() { recovered = recover() }()
	w.ShowAndRun()
	return nil
}

// restart starts the program again with the same arguments, telling it why.
func restart() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	args := append([]string{"--after-crash"}, os.Args[1:]...)
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	_ = cmd.Start()
}

// The printout preview renders at most previewPages pages at previewDPI (an A4 page is then
// about 600×840 pixels, scaled down to fit the window).
const (
	previewDPI   = 72
	previewPages = 12
)

// documents is where printouts are proposed: the user's Documents folder when there is one,
// else the home folder.
func documents() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}
