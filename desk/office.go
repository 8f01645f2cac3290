package desk

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	gosync "sync"
	"time"

	"bhxhdesk/continuity"
	"bhxhdesk/refdata"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/intake"
	"bhxhdesk/officesync"
	"bhxhdesk/printout"
	"bhxhdesk/privacy"
	"bhxhdesk/records"
	"bhxhdesk/sheet"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// Office is an office's store folder as the desk program uses it: created by the first-run
// set-up, opened when an officer signs in, closed when the officer signs out or the program
// ends. While it is open, signing in another account checks that account's password against
// the open store (Badger allows one process per folder, and the data key is already in memory).
// It also runs the store's sync engine between StartSync and Close, and reports its status.
// Safe for concurrent use.
type Office struct {
	cfg storage.Config
	src *refdata.Source // the reference data in force, shared by every desk the office opens
	// RulesDirs are the administrator's rule folders the reference data was loaded with (set
	// before the first Open): a desk reads them again when a sync brings rule files.
	RulesDirs []fs.FS
	// Log receives the log lines of the desks it opens (sync rounds, reloads); nil logs
	// nothing. Set before the first Open.
	Log *slog.Logger
	// BackupNames is the clock backups are named after (continuity.Service.Names); nil is the
	// wall clock. It is read at each backup.
	BackupNames app.Clock

	mu   gosync.Mutex
	desk *Desk // nil while closed

	// The sync engine, guarded by smu and never by mu: the engine's status callback runs while
	// Close (holding mu) waits for the engine to stop.
	smu      gosync.Mutex
	cur      *Desk // the open desk, as desk is, for SyncStatus
	engine   *sync.Engine
	stopSync context.CancelFunc
	syncDone chan struct{}
	watch    func()

	// The automatic backup, guarded by mu: cancelled and waited for by Close.
	backups     gosync.WaitGroup
	stopBackups context.CancelFunc
}

// NewOffice returns the office store in cfg.Dir; nothing is opened yet.
func NewOffice(cfg storage.Config, ref *assets.Reference) *Office {
	return &Office{cfg: cfg.WithDefaults(), src: source(ref, cfg)}
}

// Ref is the reference data in force: the screens read it, and it changes when a sync brings
// a rule file from the centre.
func (o *Office) Ref() *refdata.Source { return o.src }

// Exists reports whether the folder holds a store.
func (o *Office) Exists() bool { return storage.Exists(o.cfg.Dir) }

// Init creates the store of a new office with its first administrator and leaves it open. It
// returns the recovery secret for the province (shown once). A refused profile or password is
// an Invalid error (a *app.ValidationError for the office fields) and leaves nothing behind; an
// existing store is a Conflict.
func (o *Office) Init(office app.Office, admin app.User, password string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil || storage.Exists(o.cfg.Dir) {
		return "", &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": o.cfg.Dir}}
	}
	d, secret, err := initDesk(o.cfg, o.src, office, admin, password)
	if err != nil {
		return "", err
	}
	o.setDesk(d)
	return secret, nil
}

// Open signs an account in, opening the store first when it is closed. A wrong user name or
// password is Forbidden ("bad_credentials"), an account in its back-off Unavailable
// ("login_backoff"), a missing store NotFound ("store_missing").
func (o *Office) Open(user, password string) (*intake.Service, *app.Session, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil {
		sess, err := o.desk.Intake.Login(user, password)
		if err != nil {
			return nil, nil, err
		}
		return o.desk.Intake, sess, nil
	}
	d, sess, err := openDesk(o.cfg, o.src, user, password)
	if err != nil {
		return nil, nil, err
	}
	o.setDesk(d)
	return d.Intake, sess, nil
}

// Services returns the records and sync services of the open store; both are nil while it is
// closed. Like the intake service, they stop working when the store closes.
func (o *Office) Services() (*records.Service, *officesync.Service) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return nil, nil
	}
	return o.desk.Records, o.desk.Sync
}

// Enrol checks an address and a token with the centre and keeps them (see Desk.Enrol). The
// check runs without holding the office: the store stays usable while the centre answers.
func (o *Office) Enrol(sess *app.Session, url, token string) error {
	o.mu.Lock()
	d := o.desk
	o.mu.Unlock()
	if d == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return d.Enrol(context.Background(), sess, url, token)
}

// WriteReceipt prints a dossier's receipt as PDF (see Desk.WriteReceipt). The store must be
// open: Forbidden "not_signed_in" otherwise.
func (o *Office) WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error {
	o.mu.Lock()
	defer o.mu.Unlock() // the store must not close half-way through
	if o.desk == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return o.desk.WriteReceipt(sess, code, lang, w)
}

// PrepareCovers makes the confirmations of issued book covers as one PDF without counting them
// (see Desk.PrepareCovers) and returns it with the commit that counts the prints once the PDF
// leaves the desk (saved or handed to the printer; see CoverJob.Commit). A reprint needs a
// reason. The store must be open, when preparing and when committing: Forbidden "not_signed_in"
// otherwise.
func (o *Office) PrepareCovers(
	sess *app.Session,
	pids []string,
	reason string,
	lang app.Lang,
	p *app.Progress,
) (pdf []byte, commit func() error, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return nil, nil, app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	job, err := o.desk.PrepareCovers(sess, pids, reason, lang, p)
	if err != nil {
		return nil, nil, err
	}
	return job.PDF, func() error {
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.desk != job.desk {
			return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
		}
		return job.Commit()
	}, nil
}

// WriteLifeEvent prints a decision on a participant (a change's confirmation, a refund's
// calculation, a stop) as PDF to w.
func (o *Office) WriteLifeEvent(sess *app.Session, res records.LifeResult, lang app.Lang, w io.Writer) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	d := o.desk
	office := res.Office
	if office.Agency == "" {
		office = sess.Office
	}
	return printout.WriteLifeEvent(d.Ref(), office, res.Participant, res.Event, res.Quote, lang, d.Records.Now.Time(), w)
}

// WriteBenefits prints what a person may receive as of a month, as PDF to w.
func (o *Office) WriteBenefits(sess *app.Session, pid string, m app.Month, lang app.Lang, w io.Writer) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	d := o.desk
	bs, mc, p, err := d.Records.Benefits(sess, pid, m)
	if err != nil {
		return err
	}
	return printout.WriteBenefits(d.Ref(), sess.Office, p, bs, mc, m, lang, d.Records.Now.Time(), w)
}

// WriteReport writes an office report for a month — "d05" (list D05-TS) or "monthly" (the
// monthly report) — as "xlsx" or "pdf" to w, in lang where the form is not an official one.
func (o *Office) WriteReport(sess *app.Session, kind string, m app.Month, format string, lang app.Lang, w io.Writer) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	d := o.desk
	now := d.Records.Now.Time()
	if kind == "d05" {
		l, err := d.Records.D05(sess, m)
		if err != nil {
			return err
		}
		return printout.WriteD05(d.Ref(), l, format, w, now)
	}
	r, err := d.Records.MonthlyReport(sess, m)
	if err != nil {
		return err
	}
	return printout.WriteMonthly(d.Ref(), sess.Office, r, lang, format, w, now)
}

// ReadVouchers reads a collection agent's or a bank's CSV or XLSX voucher file into rows and
// row problems, without recording anything (see sheet.ReadVouchers: a file that cannot be
// imported at all is an Invalid error).
func (o *Office) ReadVouchers(name string, r io.Reader) ([]app.VoucherRow, []app.RowProblem, error) {
	return sheet.ReadVouchers(name, r)
}

// StartSync runs the open store's sync engine in a goroutine until ctx ends or the store
// closes (Close stops the engine and waits for it before closing the store). It rounds at once,
// then on its timer, when the network comes back and on SyncNow. Starting it while it runs does
// nothing; a closed store is Forbidden "not_signed_in".
func (o *Office) StartSync(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	o.smu.Lock()
	defer o.smu.Unlock()
	if o.engine != nil {
		return nil
	}
	e := o.desk.Engine()
	e.Now = o.cfg.Now
	e.OnStatus = func(app.SyncStatus) { o.notify() }
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	o.engine, o.stopSync, o.syncDone = e, cancel, done
	// Whatever puts work in the outbox — any screen, any service — wakes the engine.
	db := o.desk.DB
	db.OnEnqueue(e.Kick)
	go func() {
		defer close(done)
		defer db.OnEnqueue(nil)
		_ = e.Run(ctx) // it returns ctx's error: the engine keeps its failures in its status
	}()
	return nil
}

// stopEngine stops the sync engine, if it runs, and waits for it.
func (o *Office) stopEngine() {
	o.smu.Lock()
	cancel, done := o.stopSync, o.syncDone
	o.smu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	o.smu.Lock()
	o.engine, o.stopSync, o.syncDone = nil, nil, nil
	o.smu.Unlock()
	o.notify()
}

// SyncNow asks the sync engine for a round now (after new work, or the officer's "Sync now");
// nothing happens while it does not run.
func (o *Office) SyncNow() {
	o.smu.Lock()
	e := o.engine
	o.smu.Unlock()
	if e != nil {
		e.Kick()
	}
}

// SyncStatus reports what the sync engine is doing: "offline", "syncing", "failed",
// "uptodate" or "waiting" (app.SyncState; "offline" while it does not run), why it is offline or
// failed, when the last complete round ended (zero before the first), and how many operations
// wait in the outbox, counted now. It never waits for the store to open or close.
func (o *Office) SyncStatus() app.SyncStatus {
	o.smu.Lock()
	e, d := o.engine, o.cur
	o.smu.Unlock()
	var info app.SyncStatus
	if e == nil {
		if d != nil {
			info.LastSuccess, _ = d.Sync.LastSync()
			info.Pending, _ = d.Sync.Pending()
		}
		info.State = app.SyncOffline
		return info
	}
	info = e.Status()
	if info.State == "" {
		info.State = app.SyncSyncing // Run starts with a round
	}
	if d != nil {
		if n, err := d.Sync.Pending(); err == nil {
			info.Pending = n
		}
	}
	return info
}

// OnSyncStatus sets the function called, from any goroutine, after every change of the sync
// status (it may call SyncStatus; it must not wait for the screens).
func (o *Office) OnSyncStatus(changed func()) {
	o.smu.Lock()
	o.watch = changed
	o.smu.Unlock()
}

func (o *Office) notify() {
	o.smu.Lock()
	w := o.watch
	o.smu.Unlock()
	if w != nil {
		w()
	}
}

// Close stops the sync engine and closes the store if it is open; the data key leaves memory
// with it. Services and sessions obtained before stop working until the next Open.
func (o *Office) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stopEngine()
	if o.stopBackups != nil {
		o.stopBackups() // RunBackups makes its last backup, then returns
		o.backups.Wait()
		o.stopBackups = nil
	}
	d := o.desk
	if d == nil {
		return nil
	}
	o.setDesk(nil)
	return d.Close()
}

// setDesk records the open desk (nil: closed); the caller holds mu.
func (o *Office) setDesk(d *Desk) {
	if d != nil {
		d.RulesDirs, d.Log = o.RulesDirs, o.Log
		d.Continuity.Names = func() time.Time { return o.BackupNames.Time() }
	}
	o.desk = d
	o.smu.Lock()
	o.cur = d
	o.smu.Unlock()
}

// Activity returns the recent dossiers for the dashboard (see Desk.Activity). The store must be
// open: Forbidden "not_signed_in" otherwise.
func (o *Office) Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error) {
	d := o.open()
	if d == nil {
		return nil, app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return d.Intake.Activity(sess, from)
}

// ReceivedOn lists the dossiers received on day in every state (see Desk.ReceivedOn).
func (o *Office) ReceivedOn(sess *app.Session, day calendar.Date) ([]app.Summary, error) {
	d := o.open()
	if d == nil {
		return nil, app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return d.Intake.ReceivedOn(sess, day)
}

// WriteQuote prints the quote a citizen takes home (see QuoteData); the office's profile heads
// it when the store is open.
func (o *Office) WriteQuote(req app.QuoteRequest, lang app.Lang, w io.Writer) error {
	var office app.Office
	if d := o.open(); d != nil {
		if p, err := d.Office(); err == nil {
			office = p
		}
	}
	return printout.WriteQuote(o.src.Get(), office, req, lang, o.cfg.Now(), w)
}

// WriteRecoverySheet prints the hand-over sheet of the recovery secret (see
// WriteRecoverySheet) with the open store's office profile.
func (o *Office) WriteRecoverySheet(secret string, lang app.Lang, w io.Writer) error {
	d := o.open()
	if d == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	office, err := d.Office()
	if err != nil {
		return err
	}
	return printout.WriteRecoverySheet(o.src.Get(), office, secret, lang, o.cfg.Now(), w)
}

// BackupSettings reads the automatic backup's settings from the open store.
func (o *Office) BackupSettings() (string, int, time.Duration, error) {
	d := o.open()
	if d == nil {
		return "", 0, 0, app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return d.Continuity.Settings()
}

// SetBackupSettings stores the automatic backup's folder, count and interval in hours.
func (o *Office) SetBackupSettings(sess *app.Session, dir string, keep, hours int) error {
	d := o.open()
	if d == nil {
		return app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	return d.Continuity.SetSettings(sess, dir, keep, hours)
}

// BackupNow writes a backup into the configured folder now (administrators and supervisors).
// p follows the bytes written and may stop the backup (nothing is lost: no file is left).
func (o *Office) BackupNow(sess *app.Session, p *app.Progress) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock() // the store must not close half-way through
	if o.desk == nil {
		return "", app.Errorf(app.Forbidden, app.CodeNotSignedIn)
	}
	if err := continuity.MayBackup(sess); err != nil {
		return "", err
	}
	dir, keep, _, err := o.desk.Continuity.Settings()
	if err != nil {
		return "", err
	}
	if dir == "" {
		return "", &app.Error{Kind: app.Invalid, Code: app.CodeNoBackupFolder, Field: "backup_dir"}
	}
	return o.desk.Continuity.BackupToProgress(dir, keep, p)
}

// RunBackups writes a backup of the open store into the configured folder every interval, in
// a goroutine, until ctx ends or the store closes, and once more then: Close (at sign-out and
// when the program ends) waits for that last backup before closing the store. report is told
// of each outcome. Nothing happens while the store is closed or when it already runs.
func (o *Office) RunBackups(ctx context.Context, report func(path string, err error)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil || o.stopBackups != nil {
		return
	}
	d := o.desk
	ctx, cancel := context.WithCancel(ctx)
	o.stopBackups = cancel
	o.backups.Add(1)
	go func() {
		defer o.backups.Done()
		d.Continuity.RunBackups(ctx, report)
	}()
}

// Privacy is the data-protection service of the open store.
func (o *Office) Privacy() *privacy.Service {
	if d := o.open(); d != nil {
		return d.Privacy
	}
	return nil
}

// Restore recreates the store from a backup in the empty data folder (see Restore), opened
// with an account's password or, when user is "", the recovery secret, and closes it again:
// the officer then signs in.
func (o *Office) Restore(r io.Reader, user, password string) (string, string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil || storage.Exists(o.cfg.Dir) {
		return "", "", &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": o.cfg.Dir}}
	}
	d, err := restoreDesk(o.cfg, o.src, r, storage.Credentials{User: strings.ToLower(strings.TrimSpace(user)), Password: password}, "")
	if err != nil {
		return "", "", err
	}
	off, err := d.Office()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return off.Agency, off.Device, err
}

// SetAside moves the damaged store out of the data folder (see SetAside).
func (o *Office) SetAside() (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil {
		return "", &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": o.cfg.Dir}}
	}
	return SetAside(o.cfg.Dir, o.cfg.Now())
}

// Redownload makes a new store for the office from what the centre holds (see Redownload) and
// leaves it open.
// p follows the bytes received.
func (o *Office) Redownload(office app.Office, admin app.User, password, url, token string, p *app.Progress) (string, int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil || storage.Exists(o.cfg.Dir) {
		return "", 0, &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": o.cfg.Dir}}
	}
	ctx, cancel := context.WithTimeout(central.WithProgress(context.Background(), p), 5*time.Minute)
	defer cancel()
	d, _, secret, added, err := redownload(ctx, o.cfg, o.src, office, admin, password, url, token)
	if err != nil {
		return "", 0, err
	}
	o.setDesk(d)
	return secret, added, nil
}

// open is the open desk, nil while closed.
func (o *Office) open() *Desk {
	o.smu.Lock()
	defer o.smu.Unlock()
	return o.cur
}
