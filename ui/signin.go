package ui

import (
	"reflect"
	"slices"

	"fyne.io/fyne/v2"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/recordsui"
	"bhxhdesk/ui/syncui"
	"bhxhdesk/ui/widgets"
)

// newRecSession is what the records and sync screens of a session use.
func (d *Desk) newRecSession(ses *kit.Session) *kit.RecSession {
	records, sync := d.cfg.Office.Services()
	return &kit.RecSession{Session: ses, Records: records, Sync: sync,
		OpenBook: d.openBook, OpenVoucher: d.openVoucher, OpenFile: d.openFile, OpenPDF: d.openPDF}
}

// created follows a successful first-run set-up: the recovery secret, once.
func (d *Desk) created(secret, admin string) {
	d.firstRun, d.damaged, d.restore = nil, nil, nil
	d.recovery = NewRecoveryScreen(d.gate(), RecoveryState{Secret: secret, User: admin}, d.recovered)
	d.paint()
}

// recovered follows the officer's confirmation that the recovery secret was written down.
func (d *Desk) recovered(admin string) {
	d.recovery = nil
	d.showLogin(admin)
}

func (d *Desk) showLogin(user string) {
	d.login = NewLoginScreen(d.gate(), LoginState{User: user}, d.signedIn)
	d.login.onDamaged = d.showDamaged
	d.paint()
}

// startRestore shows the restore from a backup, from the first-run screen.
func (d *Desk) startRestore() {
	d.restore = NewRestoreScreen(d.gate(), RestoreState{}, d.restored, d.cancelRestore)
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
		d.firstRun = NewFirstRunScreen(d.gate(), FirstRunState{}, d.created, d.startRestore)
	}
	d.paint()
}

// showDamaged replaces the sign-in with what happened to the store and the ways back.
func (d *Desk) showDamaged(err error, user string) {
	d.login = nil
	d.damaged = NewDamagedScreen(d.gate(), DamagedState{Reason: err, User: user}, d.damagedDone)
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
func (d *Desk) signedIn(in *intake.Service, sess *app.Session) {
	d.login = nil
	d.ses = &kit.Session{Host: d.host(), Intake: in, Sess: sess, OnLocked: d.showLock, Open: d.openDossier, Saved: d.workSaved}
	if sess.User.Role.Can(app.PermRegister) {
		d.ses.Drafts = kit.NewDraftKeeper(in, sess, d.set.Internal)
	}
	if o := d.cfg.Office; o != nil {
		d.ses.ReceivedOn = func(day calendar.Date) ([]app.Summary, error) { return o.ReceivedOn(sess, day) }
	}
	d.rec = d.newRecSession(d.ses)
	o := d.cfg.Office
	d.in, d.recs = &intakeui.Session{RecSession: d.rec, Office: o}, &recordsui.Session{RecSession: d.rec, Office: o}
	d.syn, d.adm = &syncui.Session{RecSession: d.rec, Office: o}, &adminui.Session{RecSession: d.rec, Office: o}
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
	if d.ses.Drafts != nil {
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
	ses.Run(func() { dr, ok, err = ses.Intake.Draft(ses.Sess) }, func() {
		if d.ses != ses || d.register != nil {
			return // signed out meanwhile, or a form is already in progress
		}
		if err != nil {
			d.set.Internal(err)
			return
		}
		if ok {
			d.register = intakeui.NewRegisterScreen(d.in, intakeui.RegisterState{Form: dr.Form, Touched: dr.Touched, Restored: dr.Saved})
			d.Show(PageRegister)
		}
	})
}

func (d *Desk) showLock() {
	if d.ses == nil || d.lock != nil {
		return
	}
	d.ses.Sess.Lock()
	// The dialogs open on the desk (a confirmation naming a citizen, a form's question) go
	// with it while it is locked, and come back when it is unlocked.
	d.lockedDialogs = d.takeDialogs()
	d.lock = NewLockScreen(d.ses, LockState{}, d.unlocked, d.signOut)
	d.paint()
}

func (d *Desk) unlocked() {
	d.lock = nil
	d.paint()
	dialogs := d.lockedDialogs
	d.lockedDialogs = nil
	if w := d.window(); w != nil {
		ov := w.Canvas().Overlays()
		for _, o := range dialogs {
			if !stillOpen(o) {
				continue
			}
			o.Show() // Fyne's overlay puts itself back on the stack
			if !slices.Contains(ov.List(), o) {
				ov.Add(o)
			}
		}
	}
}

// takeDialogs takes every dialog off the window and returns them, the lowest first. Hiding
// them is not enough: Fyne keeps a hidden overlay on the window's stack, where it still takes
// every click and key, and the screen under it looks frozen.
func (d *Desk) takeDialogs() []fyne.CanvasObject {
	w := d.window()
	if w == nil {
		return nil
	}
	ov := w.Canvas().Overlays()
	list := slices.Clone(ov.List())
	for i := len(list) - 1; i >= 0; i-- {
		ov.Remove(list[i])
		list[i].Hide()
	}
	return list
}

// stillOpen reports whether a dialog taken off the window was not closed since: the work
// behind a progress dialog may end, and close it, while the desk is locked. Fyne's overlay
// holds the dialog as its Content, hidden once closed.
func stillOpen(overlay fyne.CanvasObject) bool {
	v := reflect.Indirect(reflect.ValueOf(overlay))
	if v.Kind() != reflect.Struct {
		return true
	}
	f := v.FieldByName("Content")
	if !f.IsValid() || !f.CanInterface() {
		return true
	}
	c, ok := f.Interface().(fyne.CanvasObject)
	return !ok || c == nil || c.Visible()
}

// signOut forgets the signed-in screens (they hold personal data) and closes the store, so the
// data key leaves memory; the next officer signs in again.
func (d *Desk) signOut() {
	if d.ses == nil {
		return
	}
	user := d.ses.Sess.User.Name
	if d.ses.Drafts != nil {
		// The form in progress goes to the store before it closes; it reopens at the next
		// sign-in of this account.
		if err := d.ses.Drafts.Close(); err != nil {
			d.set.Internal(err)
		}
	}
	d.ses, d.lock, d.quitAsk = nil, nil, nil
	// A dialog left open belongs to the officer who signed out: the next must not see it, nor
	// find the sign-in screen under it.
	d.takeDialogs()
	d.lockedDialogs = nil
	d.register, d.queue, d.search, d.dossier, d.accounts = nil, nil, nil, nil, nil
	d.home, d.walkIn, d.admin, d.privacy = nil, nil, nil, nil
	d.rec, d.vouchers, d.records, d.syncScreen, d.syncBar, d.dossierSync = nil, nil, nil, nil, nil, nil
	d.removeTemps()
	d.page, d.back = PageQuote, ""
	d.login = NewLoginScreen(d.gate(), LoginState{User: user}, d.signedIn)
	d.login.onDamaged = d.showDamaged
	d.paint()
	// The next sign-in waits for the store to close, or it could sign in to a closing store.
	login := d.login
	login.SignIn.Disable()
	var err error
	d.run(func() { err = d.cfg.Office.Close() }, func() {
		login.SignIn.Enable()
		if err != nil {
			widgets.SetText(login.Problem, d.set.Message(err))
		}
	})
}

// gate is the host of the screens before sign-in (first-run set-up, recovery sheet, sign-in,
// restore, damaged store), which use the office itself.
type gate struct {
	*kit.Host
	office Office
}

// gate is the host of the screens before sign-in.
func (d *Desk) gate() *gate { return &gate{Host: d.host(), office: d.cfg.Office} }
