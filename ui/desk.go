// Package ui holds the Fyne screens of the desk program. Screens are small structs holding their
// widgets; they talk to the app package only (no store, no network) and take every user-facing
// text from the translation catalogue, so the language can change while the program runs.
package ui

import (
	"context"
	"io"
	"net/url"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// Config is what the screens need. Zero Now means time.Now; zero Lang means Vietnamese.
type Config struct {
	Rules     *app.Rules
	Places    *app.Places
	Catalog   *app.Catalog
	Calendars *calendar.Book
	Now       func() time.Time
	Lang      app.Lang
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
	// Do runs a function on the UI thread: fyne.Do when nil. Fyne's test driver runs fyne.Do
	// on the calling goroutine, so tests queue the calls and run them on the test's goroutine,
	// as a UI thread would.
	Do func(func())
}

// Page names a screen of the signed-in desk.
type Page string

// The pages of the navigation bar, and the dossier detail.
const (
	PageQuote    Page = "quote"
	PageRegister Page = "register"
	PageQueue    Page = "queue"
	PageSearch   Page = "search"
	PageAccounts Page = "accounts"
	PageDossier  Page = "dossier"
	PageVouchers Page = "vouchers" // chứng từ
	PageRecords  Page = "records"  // sổ & bìa
	PageSync     Page = "sync"     // đồng bộ
)

// navPages are the pages of the navigation bar in order, each with the permission a role needs
// to see it ("" for every role).
var navPages = []struct {
	page Page
	perm app.Permission
}{
	{PageQuote, ""}, {PageRegister, app.PermRegister}, {PageQueue, app.PermView}, {PageSearch, app.PermView},
	{PageVouchers, app.PermVoucher}, {PageRecords, app.PermPersonView}, {PageSync, app.PermSync},
	{PageAccounts, app.PermManageUsers},
}

// Desk is the main window's content: a header with the title, the signed-in officer, the
// navigation and the language switch, and the current screen. Without an Office it is the quote
// screen alone. With one it starts on the first-run set-up (no store yet) or the sign-in, and
// locks itself when the session has been idle. Switching language rebuilds the screens from
// their kept state.
type Desk struct {
	cfg     Config
	root    *fyne.Container
	onTitle func(string)
	jobs    sync.WaitGroup

	// The signed-in header, rebuilt with the language: who is signed in, and the lock and
	// sign-out actions.
	UserLabel *widget.Label
	LockNow   *widget.Button
	SignOut   *widget.Button
	nav       map[Page]*widget.Button

	quote    *QuoteScreen
	firstRun *FirstRunScreen
	recovery *RecoveryScreen
	login    *LoginScreen

	ses      *session // nil until signed in
	page     Page
	back     Page // where the dossier detail's Back button returns
	register *RegisterScreen
	queue    *QueueScreen
	search   *SearchScreen
	dossier  *DossierScreen
	accounts *AccountsScreen
	lock     *LockScreen // non-nil while the session is locked

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
	d.quote = NewQuoteScreen(&d.cfg, QuoteState{})
	if cfg.Office != nil {
		cfg.Office.OnSyncStatus(d.syncChanged)
	}
	switch {
	case cfg.Office == nil:
	case cfg.Office.Exists():
		d.login = NewLoginScreen(d.host(), LoginState{}, d.signedIn)
	default:
		d.firstRun = NewFirstRunScreen(d.host(), FirstRunState{}, d.created)
	}
	d.paint()
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
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			d.cfg.Do(d.CheckLock)
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
	d.quote = NewQuoteScreen(&d.cfg, d.quote.State())
	if d.firstRun != nil {
		d.firstRun = NewFirstRunScreen(d.host(), d.firstRun.State(), d.created)
	}
	if d.recovery != nil {
		d.recovery = NewRecoveryScreen(d.host(), d.recovery.State(), d.recovered)
	}
	if d.login != nil {
		d.login = NewLoginScreen(d.host(), d.login.State(), d.signedIn)
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

// Show opens a page of the navigation bar (the pages the role may not use stay closed).
func (d *Desk) Show(p Page) {
	if d.ses == nil || d.lock != nil {
		return
	}
	if p != PageDossier && !d.allowed(p) {
		return
	}
	switch p {
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
	case PageDossier:
		if d.dossier == nil {
			return
		}
	}
	d.page = p
	d.paint()
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
	return &host{cfg: &d.cfg, run: d.run, window: d.window, saveAs: d.saveAs}
}

// newRecSession is what the records and sync screens of a session use.
func (d *Desk) newRecSession(ses *session) *recSession {
	records, sync := d.cfg.Office.Services()
	return &recSession{session: ses, records: records, sync: sync, office: d.cfg.Office,
		openBook: d.openBook, openVoucher: d.openVoucher, saved: d.workSaved, openFile: d.openFile, openPDF: d.openPDF}
}

// run does work off the UI thread, then paints its result on it.
func (d *Desk) run(work, paint func()) {
	d.jobs.Add(1)
	go func() {
		defer d.jobs.Done()
		work()
		// Queued, not waited for: after the window closes nothing paints any more, and the
		// shutdown must not wait for it.
		d.cfg.Do(paint)
	}()
}

// window is the window showing the desk, for dialogs.
func (d *Desk) window() fyne.Window {
	a := fyne.CurrentApp()
	if a == nil {
		return nil
	}
	c := a.Driver().CanvasForObject(d.root)
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
}

// startIn makes a file dialog start in SaveDir and fill most of the window.
func (d *Desk) startIn(dlg *dialog.FileDialog) {
	if d.cfg.SaveDir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(d.cfg.SaveDir)); err == nil {
			dlg.SetLocation(l)
		}
	}
	if w := d.window(); w != nil {
		size := w.Canvas().Size()
		dlg.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	}
}

// openPDF writes a PDF to a private temporary file and hands it to the system's viewer; the
// file is removed at sign-out.
func (d *Desk) openPDF(name string, pdf []byte) error {
	fail := func(err error) error {
		return &app.Error{Kind: app.Unavailable, Code: "open_pdf_failed", Args: map[string]string{"file": name, "reason": err.Error()}, Err: err}
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
	d.cfg.Office.SyncNow()
	d.refreshSync()
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
		kick = d.workSaved
	}
	return newSyncBar(d.host(), d.syncStatus, kick)
}

// created follows a successful first-run set-up: the recovery secret, once.
func (d *Desk) created(secret, admin string) {
	d.firstRun = nil
	d.recovery = NewRecoveryScreen(d.host(), RecoveryState{Secret: secret, User: admin}, d.recovered)
	d.paint()
}

// recovered follows the officer's confirmation that the recovery secret was written down.
func (d *Desk) recovered(admin string) {
	d.recovery = nil
	d.login = NewLoginScreen(d.host(), LoginState{User: admin}, d.signedIn)
	d.paint()
}

// signedIn opens the desk for a session: the one-stop desk starts on the registration form,
// the other roles on the work queue.
func (d *Desk) signedIn(intake *app.Intake, sess *app.Session) {
	d.login = nil
	d.ses = &session{host: d.host(), intake: intake, sess: sess, onLocked: d.showLock, open: d.openDossier}
	d.rec = d.newRecSession(d.ses)
	d.syncBar = d.newSyncBar()
	d.page = PageQuote
	if d.cfg.OnSignedIn != nil {
		d.cfg.OnSignedIn()
	}
	d.refreshSync()
	switch {
	case sess.User.Role == app.Helpdesk:
		d.Show(PageRegister)
	case sess.User.Role.Can(app.PermView):
		d.Show(PageQueue)
	default:
		d.paint()
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
	d.ses, d.lock = nil, nil
	d.register, d.queue, d.search, d.dossier, d.accounts = nil, nil, nil, nil, nil
	d.rec, d.vouchers, d.records, d.syncScreen, d.syncBar, d.dossierSync = nil, nil, nil, nil, nil, nil
	d.removeTemps()
	d.page, d.back = PageQuote, ""
	d.login = NewLoginScreen(d.host(), LoginState{User: user}, d.signedIn)
	d.paint()
	// The next sign-in waits for the store to close, or it could sign in to a closing store.
	login := d.login
	login.SignIn.Disable()
	var err error
	d.run(func() { err = d.cfg.Office.Close() }, func() {
		login.SignIn.Enable()
		if err != nil {
			setText(login.Problem, d.cfg.Catalog.Message(d.cfg.Lang, err))
		}
	})
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
	title := widget.NewLabelWithStyle(d.t("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewHBox(widget.NewLabel(d.t("app.language")), lang)
	top := []fyne.CanvasObject{}
	var body, bottom fyne.CanvasObject
	d.UserLabel, d.LockNow, d.SignOut, d.nav = nil, nil, nil, map[Page]*widget.Button{}
	switch {
	case d.cfg.Office == nil:
		body = d.quote.Content()
	case d.firstRun != nil:
		body = d.firstRun.Content()
	case d.recovery != nil:
		body = d.recovery.Content()
	case d.ses == nil:
		body = d.login.Content()
	default:
		u := d.ses.sess.User
		d.UserLabel = widget.NewLabelWithStyle(d.t("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", d.t("role."+string(u.Role))),
			fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
		d.LockNow = widget.NewButtonWithIcon(d.t("ui.lock_now"), theme.VisibilityOffIcon(), d.showLock)
		d.SignOut = widget.NewButtonWithIcon(d.t("ui.sign_out"), theme.LogoutIcon(), d.signOut)
		if d.lock != nil {
			body = d.lock.Content()
			break
		}
		right = container.NewHBox(d.UserLabel, d.LockNow, d.SignOut, widget.NewSeparator(), widget.NewLabel(d.t("app.language")), lang)
		bar := container.NewHBox()
		for _, n := range navPages {
			if n.perm != "" && !u.Role.Can(n.perm) {
				continue
			}
			p := n.page
			b := widget.NewButtonWithIcon(d.t("ui.nav."+string(p)), navIcon(p), func() { d.Show(p) })
			if p == d.page || (d.page == PageDossier && p == d.back) {
				b.Importance = widget.HighImportance
			}
			d.nav[p] = b
			bar.Add(b)
		}
		top = append(top, bar)
		body = d.pageContent()
		if d.syncBar != nil {
			bottom = d.syncBar.Content()
		}
	}
	header := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.DocumentIcon()), title), right)
	top = append([]fyne.CanvasObject{header}, top...)
	top = append(top, widget.NewSeparator())
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(top...), bottom, nil, nil, body)}
	d.root.Refresh()
	if d.onTitle != nil {
		d.onTitle(d.t("app.title"))
	}
	d.focus()
}

func (d *Desk) pageContent() fyne.CanvasObject {
	switch d.page {
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
	}
	return d.quote.Content()
}

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
	default:
		return
	}
	if w := d.window(); w != nil {
		w.Canvas().Focus(target)
	}
}

func navIcon(p Page) fyne.Resource {
	switch p {
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
	}
	return theme.ContentPasteIcon()
}
