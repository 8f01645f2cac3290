// Package ui holds the Fyne screens of the desk program. Screens are small structs holding their
// widgets; they talk to the app package only (no store, no network) and take every user-facing
// text from the translation catalogue, so the language can change while the program runs.
package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
	// (closed by the caller), or with a nil writer when the user cancelled. Nil means a dialog
	// asking for the path, starting in SaveDir.
	SaveAs func(name string, done func(w io.WriteCloser, err error))
	// SaveDir is the folder the save dialog proposes (the current folder when empty).
	SaveDir string
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
)

// navPages are the pages of the navigation bar in order, each with the permission a role needs
// to see it ("" for every role).
var navPages = []struct {
	page Page
	perm app.Permission
}{
	{PageQuote, ""}, {PageRegister, app.PermRegister}, {PageQueue, app.PermView}, {PageSearch, app.PermView},
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

// saveAs is Config.SaveAs, or a dialog asking for the file's path.
func (d *Desk) saveAs(name string, done func(io.WriteCloser, error)) {
	if d.cfg.SaveAs != nil {
		d.cfg.SaveAs(name, done)
		return
	}
	h := d.host()
	path := widget.NewEntry()
	path.SetText(filepath.Join(d.cfg.SaveDir, name))
	problem := problemLabel()
	var pop *widget.PopUp
	save := func() {
		file := strings.TrimSpace(path.Text)
		f, err := os.Create(file)
		if err != nil {
			setText(problem, h.msg(&app.Error{Kind: app.Unavailable, Code: "save_failed", Args: map[string]string{"file": file, "reason": err.Error()}}))
			return
		}
		pop.Hide()
		done(f, nil)
	}
	path.OnSubmitted = func(string) { save() }
	ok := widget.NewButtonWithIcon(h.t("ui.save"), theme.DocumentSaveIcon(), save)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(h.t("ui.cancel"), theme.CancelIcon(), func() {
		pop.Hide()
		done(nil, nil)
	})
	body := container.NewVBox(widget.NewLabel(h.t("ui.save.path")), path, problem, container.NewHBox(layout.NewSpacer(), cancel, ok))
	if pop = h.modal(h.t("ui.save.title"), body, 640); pop == nil {
		done(nil, nil)
		return
	}
	if w := d.window(); w != nil {
		w.Canvas().Focus(path)
	}
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
	d.page = PageQuote
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
	var body fyne.CanvasObject
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
	}
	header := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.DocumentIcon()), title), right)
	top = append([]fyne.CanvasObject{header}, top...)
	top = append(top, widget.NewSeparator())
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(top...), nil, nil, nil, body)}
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
		return d.dossier.Content()
	case PageAccounts:
		return d.accounts.Content()
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
	}
	return theme.ContentPasteIcon()
}
