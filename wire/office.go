package wire

import (
	"io"
	"sync"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/storage"
)

// Office is an office's store folder as the desk program uses it: created by the first-run
// set-up, opened when an officer signs in, closed when the officer signs out or the program
// ends. While it is open, signing in another account checks that account's password against
// the open store (Badger allows one process per folder, and the data key is already in memory).
// Safe for concurrent use.
type Office struct {
	cfg storage.Config
	ref *assets.Reference

	mu   sync.Mutex
	desk *Desk // nil while closed
}

// NewOffice returns the office store in cfg.Dir; nothing is opened yet.
func NewOffice(cfg storage.Config, ref *assets.Reference) *Office {
	return &Office{cfg: cfg, ref: ref}
}

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
		return "", &app.Error{Kind: app.Conflict, Code: "store_exists", Args: map[string]string{"dir": o.cfg.Dir}}
	}
	d, secret, err := Init(o.cfg, o.ref, office, admin, password)
	if err != nil {
		return "", err
	}
	o.desk = d
	return secret, nil
}

// Open signs an account in, opening the store first when it is closed. A wrong user name or
// password is Forbidden ("bad_credentials"), an account in its back-off Unavailable
// ("login_backoff"), a missing store NotFound ("store_missing").
func (o *Office) Open(user, password string) (*app.Intake, *app.Session, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk != nil {
		sess, err := o.desk.Intake.Login(user, password)
		if err != nil {
			return nil, nil, err
		}
		return o.desk.Intake, sess, nil
	}
	d, sess, err := Open(o.cfg, o.ref, user, password)
	if err != nil {
		return nil, nil, err
	}
	o.desk = d
	return d.Intake, sess, nil
}

// WriteReceipt prints a dossier's receipt as PDF (see Desk.WriteReceipt). The store must be
// open: Forbidden "not_signed_in" otherwise.
func (o *Office) WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error {
	o.mu.Lock()
	defer o.mu.Unlock() // the store must not close half-way through
	if o.desk == nil {
		return app.Errorf(app.Forbidden, "not_signed_in")
	}
	return o.desk.WriteReceipt(sess, code, lang, w)
}

// Close closes the store if it is open; the data key leaves memory with it. Services and
// sessions obtained before stop working until the next Open.
func (o *Office) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desk == nil {
		return nil
	}
	err := o.desk.Close()
	o.desk = nil
	return err
}
