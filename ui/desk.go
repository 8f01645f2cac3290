// Package ui is the shell of the desk program's window: the first run, sign-in, lock and
// restore screens, the navigation and its page registry, the menu, the language switch and
// the painting of the current page. The screens of the work itself are the feature packages
// (ui/intakeui, ui/recordsui, ui/syncui, ui/adminui), each behind a narrow office interface;
// only the shell imports them, and joins them through callbacks (a search opens a dossier, a
// dossier opens the person's book). Shared pieces are ui/kit (settings, host, session,
// progress, preview) and ui/widgets (form fields, lists, theme, guards).
//
// Screens take every user-facing text from the translation catalogue, so the language can
// change while the program runs; they reach the services, never the store or the network.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/recordsui"
	"bhxhdesk/ui/syncui"
	"bhxhdesk/ui/widgets"
)

// Desk is the main window's content: a header with the title, the signed-in officer, the
// navigation and the language switch, and the current screen. Without an Office it is the quote
// screen alone. With one it starts on the first-run set-up (no store yet) or the sign-in, and
// locks itself when the session has been idle. Switching language rebuilds the screens from
// their kept state.
type Desk struct {
	cfg     Config
	set     *kit.Settings // what the screens see of cfg, its language kept in step
	root    *fyne.Container
	canvas  fyne.Canvas       // the window's canvas, when main has said it (FocusIn)
	body    *container.Scroll // the current screen, scrolling when it needs more than the window
	quitAsk *QuitDialog
	// lockedDialogs are the dialogs taken off the window while the desk is locked.
	lockedDialogs []fyne.CanvasObject
	escapes       []escape // the dialogs shown, the last on top: what Escape does
	onTitle       func(string)
	jobs          sync.WaitGroup

	// The signed-in header, rebuilt with the language: who is signed in, and the lock and
	// sign-out actions.
	UserLabel *widget.Label
	LockNow   *widget.Button
	SignOut   *widget.Button
	nav       map[Page]*widget.Button
	slots     map[Page]pageSlot // the page registry (pages)
	// Language is the language switch in the header (also in the settings).
	Language *widget.Select

	quote    *intakeui.QuoteScreen
	firstRun *FirstRunScreen
	recovery *RecoveryScreen
	login    *LoginScreen
	restore  *RestoreScreen // restore from a backup (first run, or a damaged store)
	damaged  *DamagedScreen // the store could not be opened: what happened, the ways back

	ses      *kit.Session // nil until signed in
	page     Page
	back     Page // where the dossier detail's Back button returns
	register *intakeui.RegisterScreen
	queue    *intakeui.QueueScreen
	search   *intakeui.SearchScreen
	dossier  *intakeui.DossierScreen
	accounts *adminui.AccountsScreen
	home     *intakeui.HomeScreen
	walkIn   *intakeui.WalkInScreen
	admin    *adminui.AdminScreen
	privacy  *adminui.PrivacyScreen
	lock     *LockScreen // non-nil while the session is locked
	menu     *fyne.MainMenu
	menuKey  string // the language and account the menu was built for
	// lastFocus is what had the focus when FollowFocus last looked.
	lastFocus fyne.Focusable

	// The records and sync screens, and the sync status shown at the bottom of every screen.
	rec *kit.RecSession
	// The sessions of the feature screens, each with the part of the office it uses.
	in          *intakeui.Session
	recs        *recordsui.Session
	syn         *syncui.Session
	adm         *adminui.Session
	vouchers    *recordsui.VouchersScreen
	records     *recordsui.RecordsPage
	syncScreen  *syncui.SyncScreen
	syncBar     *syncui.SyncBar
	dossierSync *syncui.DossierSync
	syncStatus  app.SyncStatus
	syncReads   statusReads
	temps       []string // PDFs handed to the system's viewer, removed at sign-out
}

// NewDesk builds the desk. onTitle (may be nil) receives the window title in the current language.
func NewDesk(cfg Config, onTitle func(string)) *Desk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lang == "" {
		cfg.Lang = app.VI
	}
	if cfg.Do == nil {
		cfg.Do = fyne.Do
	}
	d := &Desk{cfg: cfg, set: cfg.settings(), root: container.NewStack(), onTitle: onTitle, page: PageQuote}
	report, after := d.reportPanic, d.prepareAll
	widgets.PanicReporter.Store(&report)
	widgets.AfterCallback.Store(&after)
	fyneLanguage(cfg.Catalog, cfg.Lang)
	d.applyAppearance()
	d.quote = intakeui.NewQuoteScreen(d.set, intakeui.QuoteState{})
	if cfg.Office != nil {
		cfg.Office.OnSyncStatus(d.syncChanged)
	}
	switch {
	case cfg.Office == nil:
	case cfg.Office.Exists():
		d.login = NewLoginScreen(d.gate(), LoginState{}, d.signedIn)
	default:
		d.firstRun = NewFirstRunScreen(d.gate(), FirstRunState{}, d.created, d.startRestore)
	}
	if d.login != nil {
		d.login.onDamaged = d.showDamaged
	}
	d.paint()
	if cfg.StartNotice != "" {
		d.cfg.Do(func() { d.host().Alert(cfg.StartNotice) })
	}
	return d
}

// Content is the object to put in the window.
func (d *Desk) Content() fyne.CanvasObject { return d.root }

// Lang is the current language.
func (d *Desk) Lang() app.Lang { return d.cfg.Lang }

// The screens, for tests and keyboard shortcuts; nil when not built.

// Quote is the quote screen.
func (d *Desk) Quote() *intakeui.QuoteScreen { return d.quote }

// FirstRun is the first-run set-up, shown while no store exists.
func (d *Desk) FirstRun() *FirstRunScreen { return d.firstRun }

// Recovery shows the recovery secret once, after the set-up.
func (d *Desk) Recovery() *RecoveryScreen { return d.recovery }

// Login is the sign-in screen.
func (d *Desk) Login() *LoginScreen { return d.login }

// Register is the registration form (TK1-TS).
func (d *Desk) Register() *intakeui.RegisterScreen { return d.register }

// Queue is the work queue.
func (d *Desk) Queue() *intakeui.QueueScreen { return d.queue }

// Search is the dossier search.
func (d *Desk) Search() *intakeui.SearchScreen { return d.search }

// Dossier is the dossier shown last.
func (d *Desk) Dossier() *intakeui.DossierScreen { return d.dossier }

// Accounts is the administrator's account list.
func (d *Desk) Accounts() *adminui.AccountsScreen { return d.accounts }

// Vouchers is the payment vouchers screen.
func (d *Desk) Vouchers() *recordsui.VouchersScreen { return d.vouchers }

// Records is the electronic book and book covers page.
func (d *Desk) Records() *recordsui.RecordsPage { return d.records }

// Sync is the sync screen.
func (d *Desk) Sync() *syncui.SyncScreen { return d.syncScreen }

// SyncBar is the sync status bar of the signed-in desk.
func (d *Desk) SyncBar() *syncui.SyncBar { return d.syncBar }

// DossierSync is the sync state and records actions under the dossier shown last.
func (d *Desk) DossierSync() *syncui.DossierSync { return d.dossierSync }

// Home is the dashboard.
func (d *Desk) Home() *intakeui.HomeScreen { return d.home }

// WalkIn is the help desk's walk-in page: pre-check, documents, quote.
func (d *Desk) WalkIn() *intakeui.WalkInScreen { return d.walkIn }

// Admin is the settings and administration page.
func (d *Desk) Admin() *adminui.AdminScreen { return d.admin }

// Privacy is the data-protection page (breach report, access log).
func (d *Desk) Privacy() *adminui.PrivacyScreen { return d.privacy }

// Restore is the restore-from-backup screen, nil when not shown.
func (d *Desk) Restore() *RestoreScreen { return d.restore }

// Damaged is the screen shown when the store could not be opened, nil otherwise.
func (d *Desk) Damaged() *DamagedScreen { return d.damaged }

// Menu is the main menu with the keyboard shortcuts (as last handed to Config.OnMenu).
func (d *Desk) Menu() *fyne.MainMenu { return d.menu }

// Appearance is the current light/dark look and text size.
func (d *Desk) Appearance() widgets.Appearance { return d.cfg.Appearance }

// Locked is the unlock overlay while the session is locked, else nil.
func (d *Desk) Locked() *LockScreen { return d.lock }

// Page is the page shown.
func (d *Desk) Page() Page { return d.page }

// Nav is the navigation button of a page, nil when the role does not see it.
func (d *Desk) Nav(p Page) *widget.Button { return d.nav[p] }

// Wait blocks until the background work started so far has finished and handed its painting
// to Config.Do (for an orderly shutdown, and for tests).
func (d *Desk) Wait() { d.jobs.Wait() }

// Run locks the session once it has been idle for its limit, checking every few seconds until
// ctx ends. The program runs it in a goroutine.
func (d *Desk) Run(ctx context.Context) error {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	focus := time.NewTicker(150 * time.Millisecond)
	defer focus.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			d.cfg.Do(d.CheckLock)
		case <-focus.C:
			d.cfg.Do(d.FollowFocus)
		}
	}
}

// CheckLock shows the unlock overlay if the session has locked after being idle.
func (d *Desk) CheckLock() {
	if d.ses != nil && d.lock == nil && d.ses.Sess.Locked() {
		d.showLock()
	}
}

func (d *Desk) t(key string, args ...string) string { return d.cfg.Catalog.T(d.cfg.Lang, key, args...) }

// host is what every screen needs of the desk, signed in or not.
func (d *Desk) host() *kit.Host {
	return &kit.Host{Cfg: d.set, Run: d.run, Window: d.window, SaveAs: d.saveAs, OpenFileFn: d.openFile,
		OpenFolder: d.openFolder, OnDialog: d.dialogShown}
}

// run does work off the UI thread, then paints its result on it.
// A panic in either is recovered and reported (see guard.go); a work that panicked paints
// nothing.
func (d *Desk) run(work, paint func()) {
	d.jobs.Add(1)
	go func() {
		defer d.jobs.Done()
		ok := false
		func() {
			defer widgets.RecoverPanic()
			work()
			ok = true
		}()
		if !ok {
			return
		}
		// Queued, not waited for: after the window closes nothing paints any more, and the
		// shutdown must not wait for it.
		d.cfg.Do(widgets.Guard(paint))
	}()
}

// window is the window showing the desk, for dialogs.
func (d *Desk) window() fyne.Window {
	a := fyne.CurrentApp()
	if a == nil {
		return nil
	}
	c := a.Driver().CanvasForObject(d.root)
	if c == nil {
		c = d.canvas // not painted yet
	}
	for _, w := range a.Driver().AllWindows() {
		if w.Canvas() == c {
			return w
		}
	}
	return nil
}
