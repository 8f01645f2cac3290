// Package ui holds the Fyne screens of the desk program. Screens are small structs holding their
// widgets; they talk to the app package only (no store, no network) and take every user-facing
// text from the translation catalogue, so the language can change while the program runs.
package ui

import (
	"context"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// Config is what the screens need. Zero Now means time.Now; zero Lang means Vietnamese.
type Config struct {
	// Ref is the reference data in force: rules and calendars change when a sync brings a
	// file from the centre, so screens read them through rules() and calendars() at each use.
	Ref *app.RefSource
	// Places and Catalog are the code lists and the texts, which the centre does not change.
	Places  *app.Places
	Catalog *app.Catalog
	Now     func() time.Time
	Lang    app.Lang
	// OnLanguage is called after the user switches language (main stores the preference).
	OnLanguage func(app.Lang)
	// Office is the office's encrypted store. Nil runs the desk as the quote screen alone,
	// with no sign-in and no personal data.
	Office Office
	// SaveAs asks where to save a file, suggesting name, and calls done with an open writer
	// (closed by the caller), or with a nil writer when the user cancelled. Nil means Fyne's
	// file dialog, starting in SaveDir.
	SaveAs func(name string, done func(w io.WriteCloser, err error))
	// OpenFile asks which file to open, offering the extensions given (".csv"), and calls done
	// with it open (closed by the caller) and its name, or with a nil reader when the user
	// cancelled. Nil means Fyne's file dialog, starting in SaveDir.
	OpenFile func(extensions []string, done func(r io.ReadCloser, name string, err error))
	// OpenFolder asks for a folder and calls done with its path, or "" when the user cancelled.
	// Nil means Fyne's folder dialog, starting in SaveDir.
	OpenFolder func(done func(path string, err error))
	// SaveDir is the folder the file dialogs propose (the user's home when empty).
	SaveDir string
	// RenderPDF renders the first pages of a printed PDF as PNG images for a preview; nil (or
	// an error) opens the PDF in the system's viewer instead.
	RenderPDF func(pdf []byte) ([][]byte, error)
	// OpenURL hands a file to the system (the PDF viewer): the Fyne app's OpenURL when nil.
	OpenURL func(*url.URL) error
	// TempDir is where PDFs handed to the system's viewer are written (os.TempDir when empty);
	// the desk removes them at sign-out.
	TempDir string
	// OnSignedIn is called after an officer signs in (main starts the sync engine).
	OnSignedIn func()
	// Appearance is the light or dark look and the text size; OnAppearance is called after the
	// user changes them in the settings (main stores the preference).
	Appearance   Appearance
	OnAppearance func(Appearance)
	// OnMenu receives the main menu, whose items carry the keyboard shortcuts, each time it
	// changes (language, role): main puts it on the window. Fyne runs a main menu's shortcuts
	// whatever has the focus, so Ctrl+S saves while the cursor is in a form.
	OnMenu func(*fyne.MainMenu)
	// OnBackups is called after an officer signs in, to start the automatic backup of the
	// open store (main calls wire.Office.RunBackups; Office.Close makes the last backup).
	OnBackups func()
	// StartNotice, when set, is shown once the window is up (the program was started again
	// after an unexpected error).
	StartNotice string
	// LogPath is the desk's log file, named in the message of an unexpected error; OnInternal
	// receives such an error's detail for the log. Both may be empty.
	LogPath    string
	OnInternal func(error)
	// Do runs a function on the UI thread: fyne.Do when nil. Fyne's test driver runs fyne.Do
	// on the calling goroutine, so tests queue the calls and run them on the test's goroutine,
	// as a UI thread would.
	Do func(func())
	// OnProgress is told of each step of long work shown with a progress dialog, on the
	// working goroutine before the dialog paints the step (tests use it to act at a known
	// point of the work; it must not touch widgets while the UI thread runs).
	OnProgress func(pv *ProgressView, done, total int64)
}

// internal logs an error the officer cannot act on (a draft not written): Config.OnInternal.
func (c *Config) internal(err error) {
	if c.OnInternal != nil && err != nil {
		c.OnInternal(err)
	}
}

// message is an error in words, in the current language. An unexpected error's detail goes to
// the log, and the message says where the log is.
func (c *Config) message(err error) string {
	text := c.Catalog.Message(c.Lang, err)
	if app.KindOf(err) != app.Internal {
		return text
	}
	if c.OnInternal != nil {
		c.OnInternal(err)
	}
	if c.LogPath != "" {
		text += " " + c.Catalog.T(c.Lang, "err.internal_log", "path", c.LogPath)
	}
	return text
}

// rules are the rule tables in force.
func (c *Config) rules() *app.Rules { return c.Ref.Get().Rules }

// calendars are the working-day calendars in force.
func (c *Config) calendars() *calendar.Book { return c.Ref.Get().Calendars }

// Page names a screen of the signed-in desk.
type Page string

// The pages of the navigation, and the dossier detail.
const (
	PageHome     Page = "home"    // trang chủ: the dashboard
	PageWalkIn   Page = "walkin"  // tiếp nhận: pre-check, documents, quote
	PageAdmin    Page = "admin"   // quản trị: settings, office, workflow, rules, calendar, backup
	PagePrivacy  Page = "privacy" // bảo vệ dữ liệu cá nhân
	PageQuote    Page = "quote"   // the quote alone, when the desk runs without a store
	PageRegister Page = "register"
	PageQueue    Page = "queue"
	PageSearch   Page = "search"
	PageAccounts Page = "accounts"
	PageDossier  Page = "dossier"
	PageVouchers Page = "vouchers" // chứng từ
	PageRecords  Page = "records"  // sổ & bìa
	PageSync     Page = "sync"     // đồng bộ
)

// Section is a group of the left navigation.
type Section string

// The sections of the left navigation, in order.
const (
	SecHome     Section = "home"     // Trang chủ
	SecIntake   Section = "intake"   // Tiếp nhận
	SecDossiers Section = "dossiers" // Hồ sơ
	SecVouchers Section = "vouchers" // Chứng từ
	SecRecords  Section = "records"  // Sổ & bìa
	SecSync     Section = "sync"     // Đồng bộ
	SecAdmin    Section = "admin"    // Quản trị
)

// Sections lists the sections in the order of the navigation (Ctrl+1 … Ctrl+7).
var Sections = []Section{SecHome, SecIntake, SecDossiers, SecVouchers, SecRecords, SecSync, SecAdmin}

// navPages are the pages of the left navigation in order, each with its section and the
// permission a role needs to see it ("" for every role).
var navPages = []struct {
	page    Page
	perm    app.Permission
	section Section
}{
	{PageHome, app.PermView, SecHome},
	{PageWalkIn, app.PermRegister, SecIntake}, {PageRegister, app.PermRegister, SecIntake},
	{PageQueue, app.PermView, SecDossiers}, {PageSearch, app.PermView, SecDossiers},
	{PageVouchers, app.PermVoucher, SecVouchers},
	{PageRecords, app.PermPersonView, SecRecords},
	{PageSync, app.PermSync, SecSync},
	{PageAdmin, "", SecAdmin}, {PageAccounts, app.PermManageUsers, SecAdmin}, {PagePrivacy, app.PermAudit, SecAdmin},
}

// Desk is the main window's content: a header with the title, the signed-in officer, the
// navigation and the language switch, and the current screen. Without an Office it is the quote
// screen alone. With one it starts on the first-run set-up (no store yet) or the sign-in, and
// locks itself when the session has been idle. Switching language rebuilds the screens from
// their kept state.
type Desk struct {
	cfg     Config
	root    *fyne.Container
	canvas  fyne.Canvas       // the window's canvas, when main has said it (FocusIn)
	body    *container.Scroll // the current screen, scrolling when it needs more than the window
	quitAsk *QuitDialog
	escapes []escape // the dialogs shown, the last on top: what Escape does
	onTitle func(string)
	jobs    sync.WaitGroup

	// The signed-in header, rebuilt with the language: who is signed in, and the lock and
	// sign-out actions.
	UserLabel *widget.Label
	LockNow   *widget.Button
	SignOut   *widget.Button
	nav       map[Page]*widget.Button
	// Language is the language switch in the header (also in the settings).
	Language *widget.Select

	quote    *QuoteScreen
	firstRun *FirstRunScreen
	recovery *RecoveryScreen
	login    *LoginScreen
	restore  *RestoreScreen // restore from a backup (first run, or a damaged store)
	damaged  *DamagedScreen // the store could not be opened: what happened, the ways back

	ses      *session // nil until signed in
	page     Page
	back     Page // where the dossier detail's Back button returns
	register *RegisterScreen
	queue    *QueueScreen
	search   *SearchScreen
	dossier  *DossierScreen
	accounts *AccountsScreen
	home     *HomeScreen
	walkIn   *WalkInScreen
	admin    *AdminScreen
	privacy  *PrivacyScreen
	lock     *LockScreen // non-nil while the session is locked
	menu     *fyne.MainMenu
	menuKey  string // the language and account the menu was built for
	// lastFocus is what had the focus when FollowFocus last looked.
	lastFocus fyne.Focusable

	// The records and sync screens, and the sync status shown at the bottom of every screen.
	rec         *recSession
	vouchers    *VouchersScreen
	records     *RecordsPage
	syncScreen  *SyncScreen
	syncBar     *SyncBar
	dossierSync *DossierSync
	syncStatus  SyncStatus
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
	d := &Desk{cfg: cfg, root: container.NewStack(), onTitle: onTitle, page: PageQuote}
	report, after := d.reportPanic, d.prepareAll
	panicReporter.Store(&report)
	afterCallback.Store(&after)
	fyneLanguage(cfg.Catalog, cfg.Lang)
	d.applyAppearance()
	d.quote = NewQuoteScreen(&d.cfg, QuoteState{})
	if cfg.Office != nil {
		cfg.Office.OnSyncStatus(d.syncChanged)
	}
	switch {
	case cfg.Office == nil:
	case cfg.Office.Exists():
		d.login = NewLoginScreen(d.host(), LoginState{}, d.signedIn)
	default:
		d.firstRun = NewFirstRunScreen(d.host(), FirstRunState{}, d.created, d.startRestore)
	}
	if d.login != nil {
		d.login.onDamaged = d.showDamaged
	}
	d.paint()
	if cfg.StartNotice != "" {
		d.cfg.Do(func() { d.host().alert(cfg.StartNotice) })
	}
	return d
}

// Content is the object to put in the window.
func (d *Desk) Content() fyne.CanvasObject { return d.root }

// Lang is the current language.
func (d *Desk) Lang() app.Lang { return d.cfg.Lang }

// The screens, for tests and keyboard shortcuts; nil when not built.

// Quote is the quote screen.
func (d *Desk) Quote() *QuoteScreen { return d.quote }

// FirstRun is the first-run set-up, shown while no store exists.
func (d *Desk) FirstRun() *FirstRunScreen { return d.firstRun }

// Recovery shows the recovery secret once, after the set-up.
func (d *Desk) Recovery() *RecoveryScreen { return d.recovery }

// Login is the sign-in screen.
func (d *Desk) Login() *LoginScreen { return d.login }

// Register is the registration form (TK1-TS).
func (d *Desk) Register() *RegisterScreen { return d.register }

// Queue is the work queue.
func (d *Desk) Queue() *QueueScreen { return d.queue }

// Search is the dossier search.
func (d *Desk) Search() *SearchScreen { return d.search }

// Dossier is the dossier shown last.
func (d *Desk) Dossier() *DossierScreen { return d.dossier }

// Accounts is the administrator's account list.
func (d *Desk) Accounts() *AccountsScreen { return d.accounts }

// Vouchers is the payment vouchers screen.
func (d *Desk) Vouchers() *VouchersScreen { return d.vouchers }

// Records is the electronic book and book covers page.
func (d *Desk) Records() *RecordsPage { return d.records }

// Sync is the sync screen.
func (d *Desk) Sync() *SyncScreen { return d.syncScreen }

// SyncBar is the sync status bar of the signed-in desk.
func (d *Desk) SyncBar() *SyncBar { return d.syncBar }

// DossierSync is the sync state and records actions under the dossier shown last.
func (d *Desk) DossierSync() *DossierSync { return d.dossierSync }

// Home is the dashboard.
func (d *Desk) Home() *HomeScreen { return d.home }

// WalkIn is the help desk's walk-in page: pre-check, documents, quote.
func (d *Desk) WalkIn() *WalkInScreen { return d.walkIn }

// Admin is the settings and administration page.
func (d *Desk) Admin() *AdminScreen { return d.admin }

// Privacy is the data-protection page (breach report, access log).
func (d *Desk) Privacy() *PrivacyScreen { return d.privacy }

// Restore is the restore-from-backup screen, nil when not shown.
func (d *Desk) Restore() *RestoreScreen { return d.restore }

// Damaged is the screen shown when the store could not be opened, nil otherwise.
func (d *Desk) Damaged() *DamagedScreen { return d.damaged }

// Menu is the main menu with the keyboard shortcuts (as last handed to Config.OnMenu).
func (d *Desk) Menu() *fyne.MainMenu { return d.menu }

// Appearance is the current light/dark look and text size.
func (d *Desk) Appearance() Appearance { return d.cfg.Appearance }

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
	if d.ses != nil && d.lock == nil && d.ses.sess.Locked() {
		d.showLock()
	}
}

// SetLang switches the language of every screen, keeping what the user typed.
func (d *Desk) SetLang(l app.Lang) {
	if l == d.cfg.Lang {
		return
	}
	d.cfg.Lang = l
	fyneLanguage(d.cfg.Catalog, l)
	d.quote = NewQuoteScreen(&d.cfg, d.quote.State())
	if d.firstRun != nil {
		d.firstRun = NewFirstRunScreen(d.host(), d.firstRun.State(), d.created, d.startRestore)
	}
	if d.recovery != nil {
		d.recovery = NewRecoveryScreen(d.host(), d.recovery.State(), d.recovered)
	}
	if d.login != nil {
		d.login = NewLoginScreen(d.host(), d.login.State(), d.signedIn)
		d.login.onDamaged = d.showDamaged
	}
	if d.restore != nil {
		d.restore = NewRestoreScreen(d.host(), d.restore.State(), d.restored, d.cancelRestore)
	}
	if d.damaged != nil {
		d.damaged = NewDamagedScreen(d.host(), d.damaged.State(), d.damagedDone)
	}
	if d.ses != nil {
		if d.register != nil {
			d.register = NewRegisterScreen(d.ses, d.register.State())
		}
		if d.queue != nil {
			d.queue = NewQueueScreen(d.ses, d.queue.State())
		}
		if d.search != nil {
			d.search = NewSearchScreen(d.ses, d.search.State())
		}
		if d.dossier != nil {
			d.dossier = NewDossierScreen(d.ses, d.dossier.State(), d.closeDossier)
		}
		if d.accounts != nil {
			d.accounts = NewAccountsScreen(d.ses, d.accounts.State())
		}
		if d.home != nil {
			d.home = NewHomeScreen(d.rec, d.home.State(), d.openTile)
		}
		if d.walkIn != nil {
			d.walkIn = NewWalkInScreen(d.ses, d.walkIn.State(), d.registerFrom)
		}
		if d.admin != nil {
			d.admin = NewAdminScreen(d.rec, d.admin.State(), d.adminHooks())
		}
		if d.privacy != nil {
			d.privacy = NewPrivacyScreen(d.rec, d.privacy.State())
		}
		d.rebuildRecords()
		if d.lock != nil {
			d.lock = NewLockScreen(d.ses, d.lock.State(), d.unlocked, d.signOut)
		}
	}
	d.paint()
	if d.cfg.OnLanguage != nil {
		d.cfg.OnLanguage(l)
	}
}

// SetAppearance switches between light and dark and the text size, at once.
func (d *Desk) SetAppearance(ap Appearance) {
	if ap == d.cfg.Appearance {
		return
	}
	d.cfg.Appearance = ap
	d.applyAppearance()
	if d.cfg.OnAppearance != nil {
		d.cfg.OnAppearance(ap)
	}
}

func (d *Desk) applyAppearance() {
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(NewTheme(d.cfg.Appearance))
	}
}

// Show opens a page of the navigation (the pages the role may not use stay closed).
func (d *Desk) Show(p Page) {
	if d.ses == nil || d.lock != nil {
		return
	}
	if p != PageDossier && !d.allowed(p) {
		return
	}
	switch p {
	case PageHome:
		if d.home == nil {
			d.home = NewHomeScreen(d.rec, HomeState{}, d.openTile)
		} else {
			d.home.Reload()
		}
	case PageWalkIn:
		if d.walkIn == nil {
			// Most walk-ins live in the office's province: its own support is quoted from the
			// start, as the registration will quote it.
			d.walkIn = NewWalkInScreen(d.ses, WalkInState{Quote: QuoteState{Province: d.ses.sess.Office.Province}}, d.registerFrom)
		}
	case PageRegister:
		if d.register == nil {
			d.register = NewRegisterScreen(d.ses, RegisterState{})
		}
	case PageQueue:
		if d.queue == nil {
			d.queue = NewQueueScreen(d.ses, QueueState{})
		} else {
			d.queue.Reload() // actions elsewhere move dossiers between queues
		}
	case PageSearch:
		if d.search == nil {
			d.search = NewSearchScreen(d.ses, SearchState{})
		}
	case PageAccounts:
		if d.accounts == nil {
			d.accounts = NewAccountsScreen(d.ses, AccountsState{})
		} else {
			d.accounts.Reload()
		}
	case PageVouchers:
		if d.vouchers == nil {
			d.vouchers = NewVouchersScreen(d.rec, VouchersState{})
		} else {
			d.vouchers.Exceptions.Reload()
		}
	case PageRecords:
		if d.records == nil {
			d.records = NewRecordsPage(d.rec, RecordsState{})
		} else if d.records.Tab() == TabCovers {
			d.records.Covers.Reload()
		}
	case PageSync:
		if d.syncScreen == nil {
			d.syncScreen = NewSyncScreen(d.rec, SyncScreenState{})
		} else {
			d.syncScreen.Reload()
		}
	case PageAdmin:
		if d.admin == nil {
			d.admin = NewAdminScreen(d.rec, AdminState{}, d.adminHooks())
		}
	case PagePrivacy:
		if d.privacy == nil {
			d.privacy = NewPrivacyScreen(d.rec, PrivacyState{})
		}
	case PageDossier:
		if d.dossier == nil {
			return
		}
	}
	d.page = p
	d.paint()
	d.focusPage()
}

// ShowSection opens the first page of a section the role may use (Ctrl+1 … Ctrl+7).
func (d *Desk) ShowSection(sec Section) {
	if d.ses == nil {
		return
	}
	for _, n := range navPages {
		if n.section == sec && d.allowed(n.page) {
			d.Show(n.page)
			return
		}
	}
}

// NewRegistration opens an empty registration form (Ctrl+N); a form being filled in is kept.
func (d *Desk) NewRegistration() {
	if d.ses == nil || !d.allowed(PageRegister) {
		return
	}
	if d.page == PageWalkIn && d.walkIn != nil {
		d.walkIn.register() // the walk-in's answers go with the citizen
		return
	}
	if d.register != nil && d.register.State().Saved != nil {
		d.register = nil
	}
	d.Show(PageRegister)
}

// registerFrom opens the registration form filled in from the walk-in page: the birth date,
// the money fields and the province the quote was made for.
func (d *Desk) registerFrom(f app.RegistrationForm) {
	if d.ses == nil || !d.allowed(PageRegister) {
		return
	}
	st := RegisterState{Form: f}
	if d.register != nil && d.register.State().Saved == nil {
		// Keep what was typed on a form in progress; take the walk-in's answers over it.
		st = d.register.State()
		cur := &st.Form
		cur.BirthDate, cur.Income, cur.Method, cur.StartMonth, cur.SupportGroup = f.BirthDate, f.Income, f.Method, f.StartMonth, f.SupportGroup
		if f.Address.Province != "" && cur.Address.Province == "" {
			cur.Address.Province = f.Address.Province
		}
	}
	d.register = NewRegisterScreen(d.ses, st)
	d.Show(PageRegister)
}

// StartSearch opens the search with the cursor in the query (Ctrl+F).
func (d *Desk) StartSearch() { d.Show(PageSearch) }

// SaveShortcut saves what the current page is editing (Ctrl+S).
func (d *Desk) SaveShortcut() {
	if d.ses == nil || d.lock != nil {
		return
	}
	if s, ok := d.current().(interface{ shortcutSave() }); ok {
		s.shortcutSave()
	}
}

// PrintShortcut prints what the current page shows (Ctrl+P): the quote, the receipt of the
// dossier just saved or shown, the covers ticked.
func (d *Desk) PrintShortcut() {
	if d.ses == nil || d.lock != nil {
		return
	}
	if s, ok := d.current().(interface{ shortcutPrint() }); ok {
		s.shortcutPrint()
	}
}

// current is the screen of the current page.
func (d *Desk) current() any {
	switch d.page {
	case PageHome:
		return d.home
	case PageWalkIn:
		return d.walkIn
	case PageRegister:
		return d.register
	case PageQueue:
		return d.queue
	case PageSearch:
		return d.search
	case PageDossier:
		return d.dossier
	case PageAccounts:
		return d.accounts
	case PageVouchers:
		return d.vouchers
	case PageRecords:
		return d.records
	case PageSync:
		return d.syncScreen
	case PageAdmin:
		return d.admin
	case PagePrivacy:
		return d.privacy
	}
	return nil
}

// focusPage puts the cursor in the first input of the page shown, so the officer types at once.
func (d *Desk) focusPage() {
	f, ok := d.current().(interface{ firstFocus() fyne.Focusable })
	if !ok {
		return
	}
	target := f.firstFocus()
	if target == nil {
		return
	}
	w := d.window()
	if w == nil {
		return
	}
	w.Canvas().Focus(target)
	if w.Canvas().Focused() != target {
		// A page inside tabs joins the window's tree only when the next frame lays it out:
		// focus it once that frame is drawn.
		page := d.page
		time.AfterFunc(100*time.Millisecond, func() {
			d.cfg.Do(func() {
				if d.page == page && d.ses != nil && d.lock == nil {
					w.Canvas().Focus(target)
				}
			})
		})
	}
}

func (d *Desk) allowed(p Page) bool {
	for _, n := range navPages {
		if n.page == p {
			return n.perm == "" || d.ses.sess.User.Role.Can(n.perm)
		}
	}
	return false
}

func (d *Desk) t(key string, args ...string) string { return d.cfg.Catalog.T(d.cfg.Lang, key, args...) }

// host is what every screen needs of the desk, signed in or not.
func (d *Desk) host() *host {
	return &host{cfg: &d.cfg, run: d.run, window: d.window, saveAs: d.saveAs, openFileFn: d.openFile, openFolder: d.openFolder, onDialog: d.dialogShown}
}

// newRecSession is what the records and sync screens of a session use.
func (d *Desk) newRecSession(ses *session) *recSession {
	records, sync := d.cfg.Office.Services()
	return &recSession{session: ses, records: records, sync: sync, office: d.cfg.Office,
		openBook: d.openBook, openVoucher: d.openVoucher, openFile: d.openFile, openPDF: d.openPDF}
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
			defer recoverPanic()
			work()
			ok = true
		}()
		if !ok {
			return
		}
		// Queued, not waited for: after the window closes nothing paints any more, and the
		// shutdown must not wait for it.
		d.cfg.Do(guard(paint))
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

// saveAs is Config.SaveAs, or Fyne's file dialog.
func (d *Desk) saveAs(name string, done func(io.WriteCloser, error)) {
	if d.cfg.SaveAs != nil {
		d.cfg.SaveAs(name, done)
		return
	}
	w := d.window()
	if w == nil {
		done(nil, nil)
		return
	}
	dlg := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if wc == nil {
			done(nil, err)
			return
		}
		done(wc, err)
	}, w)
	dlg.SetFileName(name)
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// openFile is Config.OpenFile, or Fyne's file dialog.
func (d *Desk) openFile(exts []string, done func(io.ReadCloser, string, error)) {
	if d.cfg.OpenFile != nil {
		d.cfg.OpenFile(exts, done)
		return
	}
	w := d.window()
	if w == nil {
		done(nil, "", nil)
		return
	}
	dlg := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if rc == nil {
			done(nil, "", err)
			return
		}
		done(rc, rc.URI().Name(), err)
	}, w)
	dlg.SetFilter(storage.NewExtensionFileFilter(exts))
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// openFolder is Config.OpenFolder, or Fyne's folder dialog.
func (d *Desk) openFolder(done func(path string, err error)) {
	if d.cfg.OpenFolder != nil {
		d.cfg.OpenFolder(done)
		return
	}
	w := d.window()
	if w == nil {
		done("", nil)
		return
	}
	dlg := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if l == nil {
			done("", err)
			return
		}
		done(l.Path(), err)
	}, w)
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// startIn makes a file dialog start in SaveDir.
func (d *Desk) startIn(dlg *dialog.FileDialog) {
	if d.cfg.SaveDir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(d.cfg.SaveDir)); err == nil {
			dlg.SetLocation(l)
		}
	}
}

// fitDialog makes a shown file dialog fill most of the window. Only after Show: Fyne builds the
// dialog there, and resizing it before dereferences what does not exist yet (a nil-pointer
// panic in FileDialog.MinSize that closed the program at every print, import and restore).
func (d *Desk) fitDialog(dlg *dialog.FileDialog) {
	if w := d.window(); w != nil {
		size := w.Canvas().Size()
		dlg.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	}
}

// openPDF writes a PDF to a private temporary file and hands it to the system's viewer; the
// file is removed at sign-out.
func (d *Desk) openPDF(name string, pdf []byte) error {
	fail := func(err error) error {
		return &app.Error{Kind: app.Unavailable, Code: "open_pdf_failed", Args: map[string]string{"file": name, "reason": app.ReasonOf(err)}, Err: err}
	}
	f, err := os.CreateTemp(d.cfg.TempDir, "bhxh-*-"+name)
	if err != nil {
		return fail(err)
	}
	d.temps = append(d.temps, f.Name())
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	u, err := url.Parse(storage.NewFileURI(f.Name()).String())
	if err != nil {
		return fail(err)
	}
	open := d.cfg.OpenURL
	if open == nil {
		a := fyne.CurrentApp()
		if a == nil {
			return fail(os.ErrInvalid)
		}
		open = a.OpenURL
	}
	if err := open(u); err != nil {
		return fail(err)
	}
	return nil
}

// removeTemps removes the PDFs handed to the system's viewer (they hold personal data).
func (d *Desk) removeTemps() {
	for _, f := range d.temps {
		_ = os.Remove(f) // the viewer may hold it open on some systems; the folder goes at exit
	}
	d.temps = nil
}

// openBook shows a person's electronic book.
func (d *Desk) openBook(pid string) {
	if d.ses == nil || !d.allowed(PageRecords) {
		return
	}
	d.Show(PageRecords)
	d.records.Show(TabBook)
	d.records.Book.Open(pid)
}

// openVoucher shows the voucher form filled in with in.
func (d *Desk) openVoucher(in app.VoucherInput) {
	if d.ses == nil || !d.allowed(PageVouchers) {
		return
	}
	d.Show(PageVouchers)
	d.vouchers.Fill(in)
}

// workSaved follows work that added operations to the outbox: the engine is asked for a round
// and the status bar counts them.
func (d *Desk) workSaved() {
	if d.cfg.Office == nil {
		return
	}
	d.cfg.Office.SyncNow()
	d.refreshSync()
}

// syncNow is the status bar's "Đồng bộ ngay": a desk that is not enrolled says what to do
// instead of doing nothing; otherwise the bar shows the round starting at once.
func (d *Desk) syncNow() {
	if d.cfg.Office == nil || d.ses == nil {
		return
	}
	if notEnrolled(d.syncStatus.Reason) {
		key := "ui.sync.now_not_enrolled"
		if d.ses.can(app.PermManageUsers) {
			key = "ui.sync.now_not_enrolled_admin"
		}
		d.host().alert(d.t(key))
		return
	}
	st := d.syncStatus
	st.State, st.Reason = SyncSyncing, nil
	d.setSync(st)
	d.cfg.Office.SyncNow()
}

// syncChanged follows a change of the sync engine's status, from the engine's goroutine.
func (d *Desk) syncChanged() {
	// Read on a goroutine of its own: the engine may be stopping under the office's lock.
	go func() {
		st := syncStatusOf(d.cfg.Office)
		d.cfg.Do(func() { d.setSync(st) })
	}()
}

// refreshSync reads the sync status again and shows it.
func (d *Desk) refreshSync() {
	if d.cfg.Office == nil || d.ses == nil {
		return
	}
	var st SyncStatus
	d.run(func() { st = syncStatusOf(d.cfg.Office) }, func() { d.setSync(st) })
}

// setSync shows a sync status on the bar and refreshes what depends on it.
func (d *Desk) setSync(st SyncStatus) {
	d.syncStatus = st
	if d.ses == nil {
		return
	}
	if d.syncBar != nil {
		d.syncBar.Set(st)
	}
	if d.page == PageDossier && d.dossierSync != nil {
		d.dossierSync.Reload()
	}
	if d.page == PageSync && d.syncScreen != nil && st.State != SyncSyncing {
		d.syncScreen.Reload()
	}
}

// rebuildRecords rebuilds the records and sync screens from their state (a language switch).
func (d *Desk) rebuildRecords() {
	if d.rec == nil {
		return
	}
	if d.vouchers != nil {
		d.vouchers = NewVouchersScreen(d.rec, d.vouchers.State())
	}
	if d.records != nil {
		d.records = NewRecordsPage(d.rec, d.records.State())
	}
	if d.syncScreen != nil {
		d.syncScreen = NewSyncScreen(d.rec, d.syncScreen.State())
	}
	if d.dossierSync != nil {
		d.dossierSync = newDossierSync(d.rec, d.dossierSync.dos)
	}
	d.syncBar = d.newSyncBar()
}

func (d *Desk) newSyncBar() *SyncBar {
	var kick func()
	if d.ses.can(app.PermSync) {
		kick = d.syncNow
	}
	return newSyncBar(d.host(), d.syncStatus, kick)
}

// created follows a successful first-run set-up: the recovery secret, once.
func (d *Desk) created(secret, admin string) {
	d.firstRun, d.damaged, d.restore = nil, nil, nil
	d.recovery = NewRecoveryScreen(d.host(), RecoveryState{Secret: secret, User: admin}, d.recovered)
	d.paint()
}

// recovered follows the officer's confirmation that the recovery secret was written down.
func (d *Desk) recovered(admin string) {
	d.recovery = nil
	d.showLogin(admin)
}

func (d *Desk) showLogin(user string) {
	d.login = NewLoginScreen(d.host(), LoginState{User: user}, d.signedIn)
	d.login.onDamaged = d.showDamaged
	d.paint()
}

// startRestore shows the restore from a backup, from the first-run screen.
func (d *Desk) startRestore() {
	d.restore = NewRestoreScreen(d.host(), RestoreState{}, d.restored, d.cancelRestore)
	d.paint()
}

// restored follows a successful restore: the officer signs in.
func (d *Desk) restored(user string) {
	d.restore, d.firstRun, d.damaged = nil, nil, nil
	d.showLogin(user)
}

// cancelRestore returns from the restore to where it was started.
func (d *Desk) cancelRestore() {
	d.restore = nil
	if d.firstRun == nil && d.damaged == nil {
		d.firstRun = NewFirstRunScreen(d.host(), FirstRunState{}, d.created, d.startRestore)
	}
	d.paint()
}

// showDamaged replaces the sign-in with what happened to the store and the ways back.
func (d *Desk) showDamaged(err error, user string) {
	d.login = nil
	d.damaged = NewDamagedScreen(d.host(), DamagedState{Reason: err, User: user}, d.damagedDone)
	d.paint()
}

// damagedDone follows the damaged-store screen: after a restore the officer signs in; after a
// re-download the new recovery secret is shown once; after "try again" the sign-in returns.
func (d *Desk) damagedDone(out DamagedOutcome) {
	d.damaged = nil
	if out.Secret != "" {
		d.created(out.Secret, out.User)
		return
	}
	d.showLogin(out.User)
}

// signedIn opens the desk for a session: the one-stop desk starts on the walk-in page, the
// other roles on the dashboard.
func (d *Desk) signedIn(intake *app.Intake, sess *app.Session) {
	d.login = nil
	d.ses = &session{host: d.host(), intake: intake, sess: sess, onLocked: d.showLock, open: d.openDossier, saved: d.workSaved}
	if sess.User.Role.Can(app.PermRegister) {
		d.ses.drafts = newDraftKeeper(intake, sess, d.cfg.internal)
	}
	if o := d.cfg.Office; o != nil {
		d.ses.receivedOn = func(day calendar.Date) ([]app.Summary, error) { return o.ReceivedOn(sess, day) }
	}
	d.rec = d.newRecSession(d.ses)
	d.syncBar = d.newSyncBar()
	d.page = PageHome
	if d.cfg.OnSignedIn != nil {
		d.cfg.OnSignedIn()
	}
	if d.cfg.OnBackups != nil {
		d.cfg.OnBackups()
	}
	d.refreshSync()
	switch {
	case sess.User.Role == app.Helpdesk:
		d.Show(PageWalkIn)
	case sess.User.Role.Can(app.PermView):
		d.Show(PageHome)
	default:
		d.Show(PageAdmin)
	}
	if d.ses.drafts != nil {
		d.reopenDraft()
	}
}

// reopenDraft opens the registration form the officer left unsaved (the program was closed,
// or they signed out, in the middle of it), saying so.
func (d *Desk) reopenDraft() {
	ses := d.ses
	var (
		dr  app.Draft
		ok  bool
		err error
	)
	ses.run(func() { dr, ok, err = ses.intake.Draft(ses.sess) }, func() {
		if d.ses != ses || d.register != nil {
			return // signed out meanwhile, or a form is already in progress
		}
		if err != nil {
			d.cfg.internal(err)
			return
		}
		if ok {
			d.register = NewRegisterScreen(ses, RegisterState{Form: dr.Form, Touched: dr.Touched, Restored: dr.Saved})
			d.Show(PageRegister)
		}
	})
}

// Unsaved says whether a registration form holds typed input not yet saved as a dossier (kept
// as a draft all the same).
func (d *Desk) Unsaved() bool { return d.ses != nil && d.register != nil && d.register.Pending() }

// RequestQuit is what closing the window or Ctrl+Q does: with a registration half-filled it
// writes the draft and asks first (the officer may have pressed the wrong key); otherwise, or
// once confirmed, quit runs. Whatever the answer, the draft is in the store.
func (d *Desk) RequestQuit(quit func()) {
	done := func() {
		if d.ses != nil && d.ses.drafts != nil {
			if err := d.ses.drafts.close(); err != nil {
				d.cfg.internal(err)
			}
		}
		quit()
	}
	if !d.Unsaved() || d.lock != nil {
		done() // locked: the draft is written, and whoever stands at the desk cannot see it
		return
	}
	if err := d.ses.drafts.flush(); err != nil {
		d.cfg.internal(err)
	}
	t := d.t
	name := strings.TrimSpace(d.register.FullName.Text)
	if name == "" {
		name = t("ui.quit.no_name")
	}
	msg := widget.NewLabel(t("ui.quit.unsaved", "name", name))
	msg.Wrapping = fyne.TextWrapWord
	q := &QuitDialog{Text: msg}
	hide := func() {
		if q.pop != nil {
			q.pop.Hide()
		}
		d.quitAsk = nil
	}
	q.Stay = newKeyButton(t("ui.quit.stay"), theme.DocumentCreateIcon(), func() {
		hide()
		d.Show(PageRegister)
	})
	q.Stay.Importance = widget.HighImportance
	q.Leave = newKeyButton(t("ui.quit.leave"), theme.LogoutIcon(), func() {
		hide()
		done()
	})
	q.pop = d.host().dialog(t("ui.quit.title"), container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), q.Leave, q.Stay)), 520, func() {
		hide()
		d.Show(PageRegister)
	})
	if q.pop == nil {
		done()
		return
	}
	d.quitAsk = q
	if w := d.window(); w != nil {
		w.Canvas().Focus(q.Stay)
	}
}

// QuitDialog asks before quitting with a registration half-filled.
type QuitDialog struct {
	Text        *widget.Label
	Stay, Leave *keyButton
	pop         *widget.PopUp
}

// QuitAsk is the open question before quitting, nil when none.
func (d *Desk) QuitAsk() *QuitDialog { return d.quitAsk }

// openTile follows a tile of the dashboard into its list.
func (d *Desk) openTile(t Tile) {
	switch t {
	case TileReceivedToday, TileDueToday, TileOverdue, TileAwaitingPayment, TileQuoteChanged:
		d.Show(PageQueue)
		if d.page != PageQueue {
			return
		}
		kind := map[Tile]app.ListKind{TileReceivedToday: ListReceivedToday, TileDueToday: app.ListDueToday,
			TileOverdue: app.ListOverdue, TileAwaitingPayment: app.ListStep, TileQuoteChanged: ListQuoteChanged}[t]
		step := ""
		if t == TileAwaitingPayment {
			step = paymentStep(d.ses)
		}
		d.queue.Choose(kind, step)
	case TileCovers:
		d.Show(PageRecords)
		if d.page == PageRecords {
			d.records.Show(TabCovers)
		}
	case TileExceptions:
		d.Show(PageVouchers)
		if d.page == PageVouchers {
			d.vouchers.Show(TabExceptions)
		}
	case TileUnsynced, TileLastSync:
		d.Show(PageSync)
		if d.page == PageSync {
			d.syncScreen.Show(TabPending)
		}
	}
}

// adminHooks are what the settings page changes on the desk itself.
func (d *Desk) adminHooks() adminHooks {
	return adminHooks{
		lang:          func() app.Lang { return d.cfg.Lang },
		setLang:       d.SetLang,
		appearance:    func() Appearance { return d.cfg.Appearance },
		setAppearance: d.SetAppearance,
		openEnrolment: func() {
			d.Show(PageSync)
			if d.page == PageSync {
				d.syncScreen.Show(TabSettings)
			}
		},
	}
}

// openDossier fetches a dossier and shows its detail; Back returns to the current page.
func (d *Desk) openDossier(code string) {
	ses := d.ses
	var (
		dos app.Dossier
		err error
	)
	d.run(func() { dos, err = ses.intake.Dossier(ses.sess, code) }, func() {
		if d.ses != ses {
			return // signed out meanwhile
		}
		if err != nil {
			ses.alert(ses.message(err))
			return
		}
		if d.page != PageDossier {
			d.back = d.page
		}
		d.dossier = NewDossierScreen(ses, DossierState{Dossier: dos}, d.closeDossier)
		d.dossierSync = newDossierSync(d.rec, dos)
		d.page = PageDossier
		d.paint()
	})
}

func (d *Desk) closeDossier() {
	back := d.back
	if back == "" || back == PageDossier {
		back = PageQueue
	}
	d.Show(back)
}

func (d *Desk) showLock() {
	if d.ses == nil || d.lock != nil {
		return
	}
	d.ses.sess.Lock()
	d.lock = NewLockScreen(d.ses, LockState{}, d.unlocked, d.signOut)
	d.paint()
}

func (d *Desk) unlocked() {
	d.lock = nil
	d.paint()
}

// signOut forgets the signed-in screens (they hold personal data) and closes the store, so the
// data key leaves memory; the next officer signs in again.
func (d *Desk) signOut() {
	if d.ses == nil {
		return
	}
	user := d.ses.sess.User.Name
	if d.ses.drafts != nil {
		// The form in progress goes to the store before it closes; it reopens at the next
		// sign-in of this account.
		if err := d.ses.drafts.close(); err != nil {
			d.cfg.internal(err)
		}
	}
	d.ses, d.lock, d.quitAsk = nil, nil, nil
	if w := d.window(); w != nil {
		// A dialog left open belongs to the officer who signed out: the next must not see it.
		for _, o := range slices.Clone(w.Canvas().Overlays().List()) {
			o.Hide()
		}
	}
	d.register, d.queue, d.search, d.dossier, d.accounts = nil, nil, nil, nil, nil
	d.home, d.walkIn, d.admin, d.privacy = nil, nil, nil, nil
	d.rec, d.vouchers, d.records, d.syncScreen, d.syncBar, d.dossierSync = nil, nil, nil, nil, nil, nil
	d.removeTemps()
	d.page, d.back = PageQuote, ""
	d.login = NewLoginScreen(d.host(), LoginState{User: user}, d.signedIn)
	d.login.onDamaged = d.showDamaged
	d.paint()
	// The next sign-in waits for the store to close, or it could sign in to a closing store.
	login := d.login
	login.SignIn.Disable()
	var err error
	d.run(func() { err = d.cfg.Office.Close() }, func() {
		login.SignIn.Enable()
		if err != nil {
			setText(login.Problem, d.cfg.message(err))
		}
	})
}

// Focus puts the cursor where the officer types first: the user name on the sign-in (the
// password when the name is known), the password on the unlock overlay, the first input of a
// page.
func (d *Desk) Focus() {
	if d.ses != nil && d.lock == nil {
		d.focusPage()
		return
	}
	d.focus()
}

// FocusIn is Focus on a given canvas: main calls it with the window's canvas as soon as the
// desk is the window's content, before the first frame (Fyne only knows which canvas shows an
// object once it has painted it), so typing at start goes to the user name.
func (d *Desk) FocusIn(c fyne.Canvas) {
	d.canvas = c
	c.SetOnTypedKey(d.typedKey)
	d.Focus()
}

// dialogShown remembers how a dialog shown closes on Escape, for when no widget of it has the
// focus (after a file dialog over it closed, or a click on its background).
func (d *Desk) dialogShown(pop fyne.CanvasObject, cancel func()) {
	d.escapes = slices.DeleteFunc(d.escapes, func(e escape) bool { return !e.pop.Visible() })
	d.escapes = append(d.escapes, escape{pop, cancel})
}

// escape is a dialog shown and how it closes.
type escape struct {
	pop    fyne.CanvasObject
	cancel func()
}

// typedKey is a key typed with no widget focused: Escape closes the dialog shown last (the
// one on top: they are modal).
func (d *Desk) typedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeyEscape {
		return
	}
	for i := len(d.escapes) - 1; i >= 0; i-- {
		if e := d.escapes[i]; e.pop.Visible() {
			d.escapes = d.escapes[:i]
			e.cancel()
			return
		}
	}
}

// NavBar is the left navigation: the sections of the desk (Trang chủ, Tiếp nhận, Hồ sơ, Chứng
// từ, Sổ & bìa, Đồng bộ, Quản trị) with only the pages the signed-in role may use; a section
// with more than one page lists them under its name.
func (d *Desk) navBar(u app.User) fyne.CanvasObject {
	box := container.NewVBox()
	for _, sec := range Sections {
		var pages []Page
		for _, n := range navPages {
			if n.section == sec && (n.perm == "" || u.Role.Can(n.perm)) {
				pages = append(pages, n.page)
			}
		}
		if len(pages) == 0 {
			continue
		}
		button := func(p Page, label string, sub bool) *widget.Button {
			b := widget.NewButtonWithIcon(label, navIcon(p), func() { d.Show(p) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			if p == d.page || (d.page == PageDossier && p == d.back) {
				b.Importance = widget.HighImportance
			}
			d.nav[p] = b
			return b
		}
		if len(pages) == 1 {
			box.Add(button(pages[0], d.t("ui.section."+string(sec)), false))
			continue
		}
		head := widget.NewLabelWithStyle(d.t("ui.section."+string(sec)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box.Add(head)
		for _, p := range pages {
			box.Add(container.New(indent{10}, button(p, d.t("ui.nav."+string(p)), true)))
		}
	}
	return container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewVScroll(box))
}

// indent shifts its objects right by a width (the pages under a section's name).
type indent struct{ width float32 }

func (l indent) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(l.width, 0)
}

func (l indent) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width-l.width, size.Height))
		o.Move(fyne.NewPos(l.width, 0))
	}
}

func (d *Desk) paint() {
	names := make([]string, len(app.Langs))
	for i, l := range app.Langs {
		names[i] = d.t("lang." + string(l))
	}
	lang := widget.NewSelect(names, nil)
	for i, l := range app.Langs {
		if l == d.cfg.Lang {
			lang.SetSelectedIndex(i)
		}
	}
	lang.OnChanged = func(string) { d.SetLang(app.Langs[lang.SelectedIndex()]) }
	d.Language = lang
	title := widget.NewLabelWithStyle(d.t("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewHBox(widget.NewLabel(d.t("app.language")), lang)
	var body, bottom, left fyne.CanvasObject
	d.UserLabel, d.LockNow, d.SignOut, d.nav = nil, nil, nil, map[Page]*widget.Button{}
	// The window title says where the desk stands (the taskbar shows it): the screen before
	// sign-in, the office and the officer after.
	screen := ""
	switch {
	case d.cfg.Office == nil:
		body = d.quote.Content()
	case d.restore != nil:
		body, screen = d.restore.Content(), d.t("ui.title.restore")
	case d.damaged != nil:
		body, screen = d.damaged.Content(), d.t("ui.title.damaged")
	case d.firstRun != nil:
		body, screen = d.firstRun.Content(), d.t("ui.title.first_run")
	case d.recovery != nil:
		body, screen = d.recovery.Content(), d.t("ui.title.recovery")
	case d.ses == nil:
		body, screen = d.login.Content(), d.t("ui.title.login")
	default:
		screen = d.t("ui.nav."+string(d.page)) + " — " + d.ses.sess.Office.Agency + " · " + d.ses.sess.User.Name
		u := d.ses.sess.User
		d.UserLabel = widget.NewLabelWithStyle(d.t("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", d.t("role."+string(u.Role))),
			fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
		d.LockNow = widget.NewButtonWithIcon(d.t("ui.lock_now"), theme.VisibilityOffIcon(), d.showLock)
		d.SignOut = widget.NewButtonWithIcon(d.t("ui.sign_out"), theme.LogoutIcon(), d.signOut)
		if d.lock != nil {
			body, screen = d.lock.Content(), d.t("ui.title.locked")
			break
		}
		right = container.NewHBox(d.UserLabel, d.LockNow, d.SignOut, widget.NewSeparator(), lang)
		left = d.navBar(u)
		body = d.pageContent()
		if d.syncBar != nil {
			bottom = d.syncBar.Content()
		}
	}
	header := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.DocumentIcon()), title), right)
	top := container.NewVBox(header, widget.NewSeparator())
	// Whatever a page needs, it scrolls inside the window rather than making the window taller
	// than the screen (Fyne grows a window to its content's minimum size: a dashboard with
	// rule warnings once made it 774 px high on a 768-px screen, its bottom out of reach).
	d.body = container.NewScroll(body)
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(top, bottom, left, nil, d.body)}
	prepareTree(d.root)
	d.root.Refresh()
	if d.onTitle != nil {
		if screen != "" {
			screen = " — " + screen
		}
		d.onTitle(d.t("app.title") + screen)
	}
	d.buildMenu()
	// After the events being handled: a screen changed by Space on a button (Tiếp tục đăng
	// nhập) would otherwise receive the space's character in the field it focuses.
	d.cfg.Do(d.focus)
}

func (d *Desk) pageContent() fyne.CanvasObject {
	switch d.page {
	case PageHome:
		return d.home.Content()
	case PageWalkIn:
		return d.walkIn.Content()
	case PageRegister:
		return d.register.Content()
	case PageQueue:
		return d.queue.Content()
	case PageSearch:
		return d.search.Content()
	case PageDossier:
		if d.dossierSync != nil {
			return container.NewBorder(nil, d.dossierSync.Content(), nil, nil, d.dossier.Content())
		}
		return d.dossier.Content()
	case PageAccounts:
		return d.accounts.Content()
	case PageVouchers:
		return d.vouchers.Content()
	case PageRecords:
		return d.records.Content()
	case PageSync:
		return d.syncScreen.Content()
	case PageAdmin:
		return d.admin.Content()
	case PagePrivacy:
		return d.privacy.Content()
	}
	return d.quote.Content()
}

// Body is the current screen's scroll: its content's minimum size against its own size shows
// whether the screen fits the window as it is.
func (d *Desk) Body() *container.Scroll { return d.body }

// focus puts the cursor where the officer types first on the sign-in screens.
func (d *Desk) focus() {
	var target fyne.Focusable
	switch {
	case d.lock != nil:
		target = d.lock.Password
	case d.login != nil && d.ses == nil:
		target = d.login.User
		if d.login.User.Text != "" {
			target = d.login.Password
		}
	case d.recovery != nil:
		target = d.recovery.Confirmed
	case d.firstRun != nil && d.ses == nil && d.restore == nil && d.damaged == nil:
		target = d.firstRun.Agency
	default:
		return
	}
	if w := d.window(); w != nil {
		w.Canvas().Focus(target)
	}
}

// The keyboard shortcuts of the main menu. Ctrl+1 … Ctrl+7 open the sections in the order of
// the navigation.
var (
	ShortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutPrint  = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutLock   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	// ShortcutSignOut signs the officer out (Ctrl+Shift+L): the next officer signs in.
	ShortcutSignOut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	ShortcutQuit    = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
)

// sectionKeys are the keys of Ctrl+1 … Ctrl+7.
var sectionKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7}

// buildMenu makes the main menu in the current language, with the actions the desk offers now,
// and hands it to Config.OnMenu.
func (d *Desk) buildMenu() {
	item := func(key string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(d.t(key), action)
		it.Shortcut = sc
		return it
	}
	signedIn := d.ses != nil && d.lock == nil
	// The menu follows the language and who is signed in, not the page: a window's main menu
	// is rebuilt by the driver each time it is set.
	key := string(d.cfg.Lang)
	if signedIn {
		key += "/" + d.ses.sess.User.Name + "/" + string(d.ses.sess.User.Role)
	}
	if d.menu != nil && key == d.menuKey {
		return
	}
	d.menuKey = key
	work := []*fyne.MenuItem{}
	if signedIn {
		if d.allowed(PageRegister) {
			work = append(work, item("ui.menu.new", ShortcutNew, d.NewRegistration))
		}
		if d.allowed(PageSearch) {
			work = append(work, item("ui.menu.search", ShortcutSearch, d.StartSearch))
		}
		work = append(work, item("ui.menu.save", ShortcutSave, d.SaveShortcut), item("ui.menu.print", ShortcutPrint, d.PrintShortcut),
			fyne.NewMenuItemSeparator(), item("ui.lock_now", ShortcutLock, d.showLock), item("ui.sign_out", ShortcutSignOut, d.signOut))
	}
	quit := item("ui.menu.quit", ShortcutQuit, nil)
	quit.IsQuit = true // Fyne closes the window
	if len(work) > 0 {
		work = append(work, fyne.NewMenuItemSeparator())
	}
	work = append(work, quit)
	menus := []*fyne.Menu{fyne.NewMenu(d.t("ui.menu.desk"), work...)}
	if signedIn {
		var goTo []*fyne.MenuItem
		for i, sec := range Sections {
			ok := false
			for _, n := range navPages {
				ok = ok || (n.section == sec && d.allowed(n.page))
			}
			if ok {
				sec := sec
				goTo = append(goTo, item("ui.section."+string(sec), &desktop.CustomShortcut{KeyName: sectionKeys[i], Modifier: fyne.KeyModifierShortcutDefault},
					func() { d.ShowSection(sec) }))
			}
		}
		menus = append(menus, fyne.NewMenu(d.t("ui.menu.go"), goTo...))
	}
	d.menu = fyne.NewMainMenu(menus...)
	guardMenu(d.menu)
	if d.cfg.OnMenu != nil {
		d.cfg.OnMenu(d.menu)
	}
}

// TypedShortcut runs the menu item of a shortcut, as Fyne does for a key pressed anywhere in
// the window; it reports whether one ran.
func (d *Desk) TypedShortcut(sc fyne.Shortcut) bool {
	if d.menu == nil {
		return false
	}
	for _, m := range d.menu.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() && it.Action != nil {
				it.Action()
				return true
			}
		}
	}
	return false
}

func navIcon(p Page) fyne.Resource {
	switch p {
	case PageHome:
		return theme.HomeIcon()
	case PageWalkIn:
		return theme.HelpIcon()
	case PageRegister:
		return theme.DocumentCreateIcon()
	case PageQueue:
		return theme.ListIcon()
	case PageSearch:
		return theme.SearchIcon()
	case PageAccounts:
		return theme.AccountIcon()
	case PageVouchers:
		return theme.DocumentIcon()
	case PageRecords:
		return theme.StorageIcon()
	case PageSync:
		return theme.ViewRefreshIcon()
	case PageAdmin:
		return theme.SettingsIcon()
	case PagePrivacy:
		return theme.VisibilityOffIcon()
	}
	return theme.ContentPasteIcon()
}
