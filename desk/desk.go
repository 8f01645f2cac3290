// Package desk is the desk's composition root: it opens an office's encrypted store, loads the
// reference data and builds the services (intake, records, officesync, privacy, continuity),
// the sync engine and the one client of the enrolment. The desktop program, the command line
// and the tests open a store through it (Open, Init, Restore, NewOffice), so they all start the
// same way. It decides nothing itself: permissions and audit entries are the services'. (It was
// called wire; DESIGN's "wire contract" is package central.)
package desk

import (
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/continuity"
	"bhxhdesk/intake"
	"bhxhdesk/officesync"
	"bhxhdesk/privacy"
	"bhxhdesk/records"
	"bhxhdesk/refdata"
	"bhxhdesk/storage"
)

// Desk is an open office store with its services.
type Desk struct {
	DB *storage.DB
	// Src is the reference data in force; Reload replaces it with the files the centre sent.
	Src     *refdata.Source
	Intake  *intake.Service
	Records *records.Service
	Sync    *officesync.Service
	Privacy *privacy.Service
	// Continuity takes the store's backups.
	Continuity *continuity.Service
	// Dir is the store's folder; reference data pulled from the centre is kept in Dir/rules.
	Dir string
	// Log, when set, receives the desk's log lines (see OpenLog); nil logs nothing.
	Log *slog.Logger
	// RulesDirs are the administrator's rule folders (--rules) the reference data was loaded
	// with: Reload reads them again.
	RulesDirs []fs.FS

	// client is the one client of the enrolment in force (its address and token, clientFor):
	// every round reuses it and its connections.
	clientMu  gosync.Mutex
	client    *keyedRemote
	clientFor string
}

// Ref is the reference data in force.
func (d *Desk) Ref() *refdata.Reference { return d.Src.Get() }

// newDesk builds the services over an open store, reading the reference data from src.
func newDesk(db *storage.DB, src *refdata.Source, cfg storage.Config) *Desk {
	now := cfg.WithDefaults().Now
	d := &Desk{DB: db, Src: src, Dir: cfg.Dir}
	d.Intake = &intake.Service{Store: app.TxStore[intake.Tx]{Store: db}, Ref: src, Now: now}
	d.Records = &records.Service{Store: app.TxStore[records.Tx]{Store: db}, Ref: src, Now: now}
	d.Sync = &officesync.Service{Store: app.TxStore[officesync.Tx]{Store: db}, Records: d.Records,
		Files: d.writeRuleFile, FilesApplied: d.filesApplied, Now: now}
	d.Privacy = &privacy.Service{Store: app.TxStore[privacy.Tx]{Store: db}, Now: now}
	d.Continuity = &continuity.Service{Store: app.TxStore[continuity.Tx]{Store: db}, Snapshot: snapshot{db},
		Files: storage.AtomicFiles{}}
	return d
}

// snapshot is the store's backup as continuity takes it.
type snapshot struct{ db *storage.DB }

func (s snapshot) Backup(w io.Writer) error { _, err := s.db.Backup(w); return err }
func (s snapshot) SizeEstimate() int64      { return s.db.SizeEstimate() }

// NewIntake builds the intake service over a store.
func NewIntake(st intake.Store, ref *assets.Reference, now func() time.Time) *intake.Service {
	if now == nil {
		now = time.Now
	}
	return &intake.Service{Store: st, Ref: refdata.NewSource(ref, now), Now: now}
}

// Init creates the encrypted store of a new office with its first administrator and returns it
// open, with the recovery secret for the province (shown once). If the office profile is
// refused, nothing is left behind.
func Init(cfg storage.Config, ref *assets.Reference, o app.Office, admin app.User, password string) (*Desk, string, error) {
	return initDesk(cfg, source(ref, cfg), o, admin, password)
}

// source is a new reference source of ref, with the store's clock.
func source(ref *assets.Reference, cfg storage.Config) *refdata.Source {
	return refdata.NewSource(ref, cfg.WithDefaults().Now)
}

func initDesk(cfg storage.Config, src *refdata.Source, o app.Office, admin app.User, password string) (*Desk, string, error) {
	// Every problem of the form at once, and no store made for a form that has any.
	if err := (&intake.Service{Ref: src}).CheckSetup(o, admin, password); err != nil {
		return nil, "", err
	}
	db, secret, err := storage.Create(cfg, admin.Name, password)
	if err != nil {
		return nil, "", err
	}
	d := newDesk(db, src, cfg)
	if err := d.Intake.Setup(o, admin); err != nil {
		_ = db.Close()
		_ = storage.Remove(cfg.Dir)
		return nil, "", err
	}
	if _, err := d.checkOrigin(cfg.Dir); err != nil {
		_ = db.Close()
		return nil, "", err
	}
	return d, secret, nil
}

// Open unlocks an office's store with an account's password and signs the account in.
func Open(cfg storage.Config, ref *assets.Reference, user, password string) (*Desk, *app.Session, error) {
	return openDesk(cfg, source(ref, cfg), user, password)
}

func openDesk(cfg storage.Config, src *refdata.Source, user, password string) (*Desk, *app.Session, error) {
	db, err := storage.Open(cfg, user, password)
	if err != nil {
		return nil, nil, err
	}
	d := newDesk(db, src, cfg)
	sess, err := d.Intake.Login(user, password)
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	if moved, err := d.checkOrigin(cfg.Dir); err != nil {
		_ = db.Close()
		return nil, nil, err
	} else if moved {
		sess.Office, _ = d.Office() // the session names the new device code
	}
	return d, sess, nil
}

// origin is this machine and the store's folder, as checkOrigin compares them.
func origin(dir string) string {
	host, _ := os.Hostname()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return strings.ToLower(host) + "\n" + filepath.Clean(dir)
}

// checkOrigin notices a store opened on another machine or in another folder than before and
// gives this copy its own device code (intake.Service.NoteOrigin).
func (d *Desk) checkOrigin(dir string) (bool, error) { return d.Intake.NoteOrigin(origin(dir)) }

// Office reads the office profile.
func (d *Desk) Office() (app.Office, error) {
	var o app.Office
	err := d.DB.View(func(tx app.Tx) error {
		var err error
		o, _, err = tx.Office()
		return err
	})
	return o, err
}

// DefaultDataDir is where an office's store lives unless told otherwise: on Windows the
// machine's own application data (%LocalAppData%\bhxh-desk: a roaming profile must not copy
// the store at every sign-out), elsewhere the user's configuration folder
// (~/.config/bhxh-desk). A store left by an earlier version in the roaming folder
// (%AppData%\bhxh-desk) is moved once (see chooseDataDir).
func DefaultDataDir() (string, error) {
	dir, legacy, err := dataDirs()
	if err != nil {
		return "", err
	}
	return chooseDataDir(dir, legacy), nil
}

// chooseDataDir moves a store from the legacy folder to dir when dir does not exist yet, and
// returns the folder to use: dir, or legacy when the move failed (the store is open in another
// program, or the folders are on different drives; the next start tries again). Nothing is
// copied or deleted: the rename moves the whole folder at once or not at all.
func chooseDataDir(dir, legacy string) string {
	if legacy == "" || legacy == dir || !storage.Exists(legacy) {
		return dir
	}
	if _, err := os.Stat(dir); err == nil {
		return dir // a folder is there already: never overwritten
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return legacy
	}
	if err := os.Rename(legacy, dir); err != nil {
		return legacy
	}
	return dir
}

// Close closes the store.
func (d *Desk) Close() error { return d.DB.Close() }
