package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// rulesDir is where reference data pulled from the centre is kept, beside the store, in the
// layout the centre publishes: rules/, calendar/, workflows/ and keys/ folders.
func rulesDir(dataDir string) string { return filepath.Join(dataDir, "rules") }

// LoadReference loads the reference data a desk applies: the embedded data with, in order, the
// files the centre sent to this desk (dataDir/rules, when it exists) and an administrator's
// folders (extra). The desk program and the command line both start with it, and a desk loads
// it again when a sync brings a rule file (Desk.Reload).
func LoadReference(dataDir string, extra ...fs.FS) (*assets.Reference, error) {
	return assets.Load(append(pulledRules(dataDir), extra...)...)
}

// pulledRules is the folder of files pulled from the centre, when there is one.
func pulledRules(dataDir string) []fs.FS {
	if dataDir != "" {
		if st, err := os.Stat(rulesDir(dataDir)); err == nil && st.IsDir() {
			return []fs.FS{os.DirFS(rulesDir(dataDir))}
		}
	}
	return nil
}

// writeRuleFile keeps a reference-data file pulled from the centre under Dir/rules, after
// checking that its path is one of the data folders and that the desk's reference data stays
// consistent with it: a file that does not is refused (Invalid "rule_file_refused", with the
// loader's reason) and never written, so a bad publication cannot stop the desk from starting.
func (d *Desk) writeRuleFile(p string, data []byte) error {
	if !app.ValidRuleFilePath(p) || !json.Valid(data) {
		return &app.Error{
			Kind: app.Invalid,
			Code: app.CodeBadRuleFile,
			Args: map[string]string{"path": p, "detail": "not a data file path or not JSON"},
		}
	}
	full := filepath.Join(rulesDir(d.Dir), filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		return err
	}
	// The file is checked with the others in a staging folder beside them, then put in place.
	stage, err := os.MkdirTemp(rulesDir(d.Dir), ".staging-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(stage) }()
	staged := filepath.Join(stage, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(staged), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(staged, data, 0o600); err != nil {
		return err
	}
	if _, err := assets.Load(append(pulledRules(d.Dir), os.DirFS(stage))...); err != nil {
		return &app.Error{Kind: app.Invalid, Code: app.CodeRuleFileRefused, Args: map[string]string{"path": p, "detail": err.Error()}, Err: err}
	}
	return storage.WriteFileAtomic(full, data)
}

// Reload loads the reference data again from the embedded data, the files the centre sent and
// the administrator's folders the desk started with, and puts it in force. On an error the data
// in force stays.
func (d *Desk) Reload() error {
	ref, err := LoadReference(d.Dir, d.RulesDirs...)
	if err != nil {
		return err
	}
	d.Src.Set(ref)
	return nil
}

// filesApplied reloads the reference data after a sync brought rule files.
func (d *Desk) filesApplied() {
	if err := d.Reload(); err != nil && d.Log != nil {
		d.Log.Error("reference data not reloaded", "err", err)
	}
	if err := d.noteKeysFile(); err != nil && d.Log != nil {
		d.Log.Warn("trusted-keys file not compared with the signing key", "err", err)
	}
}

// Engine builds the sync engine of the desk: it reads the central URL and token from the store
// at each round (so enrolment takes effect at once) and registers the desk's public signing
// key with the centre before a push when the centre may not know it (see registerKey).
func (d *Desk) Engine() *sync.Engine {
	return &sync.Engine{Local: d.Sync, Remote: d.remote, WatchNetwork: true, Log: d.Log}
}

// The settings that remember what the centre knows of the desk's signing key.
const (
	// keyRegistered is the key the centre took and the centre's address: "<key id> <url>". A
	// desk of an earlier version kept the key id alone; it registers its key once more.
	keyRegistered = "sync/key_registered"
	// keyPublished is the id of the key once a trusted-keys file from the centre listed it: a
	// later file without it means the centre lost it (see noteKeysFile).
	keyPublished = "sync/key_published"
)

func (d *Desk) remote() (sync.Remote, error) {
	url, token, err := d.Sync.Central()
	if err != nil {
		return nil, err
	}
	if url == "" || token == "" {
		return nil, sync.ErrNotEnrolled
	}
	return d.Client(url, token)
}

// Client is the client of the centre at url with token — one for the enrolment, kept while it
// is the same — which makes sure the centre knows the desk's signing key.
func (d *Desk) Client(url, token string) (*keyedRemote, error) {
	d.clientMu.Lock()
	defer d.clientMu.Unlock()
	if key := url + "\x00" + token; d.client != nil && d.clientFor == key {
		return d.client, nil
	}
	c, err := central.NewClient(central.ClientConfig{BaseURL: url, Token: token})
	if err != nil {
		return nil, err
	}
	d.client, d.clientFor = &keyedRemote{Client: c, desk: d}, url+"\x00"+token
	return d.client, nil
}

// keyedRemote registers the desk's public key before syncing when the centre may not know it:
// a desk enrolled by an earlier version, a registration that failed at enrolment, a centre
// that lost the key. Otherwise a round costs no request for it.
type keyedRemote struct {
	*central.Client
	desk *Desk
}

func (r *keyedRemote) Sync(ctx context.Context, ops []contract.Op, cursor uint64, limit int) ([]contract.OpResult, contract.Page, error) {
	results, page, _, err := r.SyncAnchored(ctx, ops, cursor, limit, nil)
	return results, page, err
}

// SyncAnchored is the client's, after the same check of the key as Sync.
func (r *keyedRemote) SyncAnchored(
	ctx context.Context,
	ops []contract.Op,
	cursor uint64,
	limit int,
	anchor *contract.AnchorRequest,
) ([]contract.OpResult, contract.Page, *contract.AnchorAnswer, error) {
	if err := r.desk.registerKey(ctx, r.Client); err != nil {
		return nil, contract.Page{}, nil, err
	}
	return r.Client.SyncAnchored(ctx, ops, cursor, limit, anchor)
}

var (
	_ sync.AnchoringRemote = (*keyedRemote)(nil)
	_ sync.Anchorer        = (*keyedRemote)(nil)
)

// registerKey sends the desk's public signing key to the centre of c unless the store says
// this centre took this key already: the check is a read of the store, the registration a
// request, made at enrolment and again only when the key, the centre or what the centre
// publishes changed.
func (d *Desk) registerKey(ctx context.Context, c *central.Client) error {
	key, office, err := d.signingKey()
	if err != nil {
		return err
	}
	want := key.ID().String() + " " + c.BaseURL
	var done []byte
	if err := d.DB.View(func(tx app.Tx) error {
		var err error
		done, _, err = tx.Setting(keyRegistered)
		return err
	}); err != nil {
		return err
	}
	if string(done) == want {
		return nil
	}
	if err := c.RegisterKey(ctx, key.Trusted(office.Agency, office.Device, office.Created)); err != nil {
		return fmt.Errorf("register signing key: %w", err)
	}
	// Until a keys file of this centre lists the key, a file without it says nothing.
	return d.DB.Update(func(tx app.Tx) error {
		if err := tx.PutSetting(keyPublished, nil); err != nil {
			return err
		}
		return tx.PutSetting(keyRegistered, []byte(want))
	})
}

// noteKeysFile compares the trusted-keys file the centre publishes to every office with the
// desk's signing key, after a sync brought reference-data files. The centre lists every key it
// took; a file that no longer lists this desk's key, after one that did, means the centre lost
// it (its store restored from an earlier copy): the desk forgets the registration and sends
// the key again before its next push. A file published before the centre took the key (it
// publishes new keys at most every few minutes) changes nothing.
func (d *Desk) noteKeysFile() error {
	data, err := os.ReadFile(filepath.Join(rulesDir(d.Dir), "keys", "devices.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	keys, err := seal.ParseTrustedKeys(data)
	if err != nil {
		return err
	}
	key, _, err := d.signingKey()
	if err != nil {
		return err
	}
	id := key.ID()
	listed := false
	for _, k := range keys {
		listed = listed || k.ID == id
	}
	return d.DB.Update(func(tx app.Tx) error {
		seen, _, err := tx.Setting(keyPublished)
		switch {
		case err != nil:
			return err
		case listed && string(seen) != id.String():
			return tx.PutSetting(keyPublished, []byte(id.String()))
		case !listed && string(seen) == id.String():
			if err := tx.PutSetting(keyPublished, nil); err != nil {
				return err
			}
			return tx.PutSetting(keyRegistered, nil)
		}
		return nil
	})
}

// enrolCheckTimeout bounds the check of an enrolment: long enough for a slow link's TLS
// handshake, short enough for an administrator waiting at the screen.
const enrolCheckTimeout = 20 * time.Second

// Enrol checks an address and a token with the centre, then keeps them (officesync.Service.Enrol):
// an address that does not answer, a token the centre refuses or one that belongs to another
// office or device is said as such and nothing is kept, instead of a desk that reports itself
// enrolled and fails at every round. An empty token keeps the stored one.
func (d *Desk) Enrol(ctx context.Context, sess *app.Session, url, token string) error {
	url, token, err := d.Sync.Enrol(sess, url, token, func(url, token string) error { return d.CheckCentral(ctx, url, token) })
	if err != nil {
		return err
	}
	if url == "" || token == "" {
		return nil
	}
	// The centre learns the desk's signing key at enrolment, while the administrator is at
	// the screen: every office can check this desk's printouts from its first sync on. (A
	// desk enrolled by an earlier version registers it before its next round.)
	c, err := d.Client(url, token)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, enrolCheckTimeout)
	defer cancel()
	if err := d.registerKey(ctx, c.Client); err != nil && d.Log != nil {
		d.Log.Warn("signing key not registered at enrolment; the next round does it", "err", err)
	}
	return nil
}

// CheckCentral asks the centre at url which office and device token belongs to and compares
// them with this desk's.
func (d *Desk) CheckCentral(ctx context.Context, url, token string) error {
	office, err := d.Office()
	if err != nil {
		return err
	}
	c, err := central.NewClient(central.ClientConfig{BaseURL: url, Token: token, Timeout: enrolCheckTimeout})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, enrolCheckTimeout)
	defer cancel()
	agency, device, err := c.Device(ctx)
	switch {
	case app.KindOf(err) == app.Forbidden:
		return &app.Error{Kind: app.Invalid, Code: app.CodeTokenRefused, Field: "token", Args: map[string]string{"url": url}, Err: err}
	case err != nil:
		return &app.Error{Kind: app.Transient, Code: app.CodeEnrolUnreachable, Field: "central_url",
			Args: map[string]string{"url": url, "reason": app.ReasonOf(err)}, Err: err}
	case !strings.EqualFold(agency, office.Agency) || !strings.EqualFold(device, office.Device):
		return &app.Error{Kind: app.Invalid, Code: app.CodeTokenOtherDesk, Field: "token",
			Args: map[string]string{"office": agency, "device": device, "our_office": office.Agency, "our_device": office.Device}}
	}
	return nil
}
