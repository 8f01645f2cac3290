package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"bhxhdesk/app"
)

// DB implements app.Store.
var _ app.Store = (*DB)(nil)

// Update runs fn in one durable read-write transaction (see update). It first refuses new work
// when the disk is nearly full.
func (db *DB) Update(fn func(app.Tx) error) error {
	if err := db.checkDisk(); err != nil {
		return err
	}
	return db.update(func(tx *Tx) error { return fn(tx) })
}

// View runs fn in a read-only snapshot.
func (db *DB) View(fn func(app.Tx) error) error {
	gen := db.officeGen.Load() // before the transaction's snapshot (Tx.Office)
	err := db.bdb.View(func(txn *badger.Txn) error { return fn(&Tx{txn: txn, db: db, officeGen: gen}) })
	if domainError(err) {
		return err
	}
	return translate("view", err)
}

// Authenticate checks a password against the account's keyslot.
func (db *DB) Authenticate(user, password string) error {
	key, err := db.Keyring.Unlock(user, password)
	if err != nil {
		return err
	}
	if !bytes.Equal(key, db.key) {
		return &app.Error{Kind: app.Forbidden, Code: app.CodeBadCredentials, Err: ErrBadCredentials}
	}
	return nil
}

// AddCredential wraps the data key for a new account.
func (db *DB) AddCredential(user, password string) error {
	return db.Keyring.AddUser(db.key, user, password)
}

// RemoveCredential removes an account's keyslot.
func (db *DB) RemoveCredential(user string) error { return db.Keyring.RemoveUser(user) }

// SetCredential rewraps the data key under a new password.
func (db *DB) SetCredential(user, password string) error {
	return db.Keyring.SetPassword(db.key, user, password)
}

func (tx *Tx) jsonSet(k []byte, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	return tx.set(k, b)
}

// Office reads the office profile.
//
// Every registration reads it, and it changes only when an administrator sets the office up or
// adjusts its workflow, so the store keeps the profile it last read (DB.office) with the count
// of the commits that wrote it (DB.officeGen) at the time. A transaction uses the kept profile
// only if no such commit ended since it began, and keeps what it read only if none ended
// between its beginning and the keeping: the count is read before the transaction's snapshot
// is taken, so a profile read from an older snapshot is never kept as the current one.
func (tx *Tx) Office() (app.Office, bool, error) {
	if c := tx.db.office.Load(); c != nil && !tx.officeWritten && c.gen == tx.officeGen && c.gen == tx.db.officeGen.Load() {
		return c.copy(), c.ok, nil
	}
	o, ok, err := offices.get(tx, keyOffice)
	if err == nil && !tx.officeWritten && tx.db.officeGen.Load() == tx.officeGen {
		tx.db.office.Store(&officeCache{gen: tx.officeGen, office: o, ok: ok})
	}
	return o, ok, err
}

// officeCache is the office profile a transaction read, with DB.officeGen at its beginning.
type officeCache struct {
	gen    uint64
	office app.Office
	ok     bool
}

// copy is the kept profile for a caller, who may change it: its workflow adjustment copied.
func (c *officeCache) copy() app.Office {
	o := c.office
	if w := o.Workflow; w != nil {
		a := *w
		a.Days, a.Roles = maps.Clone(w.Days), maps.Clone(w.Roles)
		o.Workflow = &a
	}
	return o
}

// PutOffice writes the office profile.
func (tx *Tx) PutOffice(o app.Office) error {
	tx.officeWritten = true
	return offices.put(tx, keyOffice, o)
}

// User reads an account.
func (tx *Tx) User(name string) (app.User, bool, error) {
	return users.get(tx, key(prefixUser, []byte(name)))
}

// PutUser writes an account.
func (tx *Tx) PutUser(u app.User) error { return users.put(tx, key(prefixUser, []byte(u.Name)), u) }

// Users lists the accounts by name.
func (tx *Tx) Users() ([]app.User, error) {
	var out []app.User
	err := users.each(tx, prefixUser, 0, func(u app.User) error {
		out = append(out, u)
		return nil
	})
	return out, err
}

// Dossier reads a dossier.
func (tx *Tx) Dossier(code string) (app.Dossier, bool, error) {
	return dossiers.get(tx, key(prefixDossier, []byte(code)))
}

// entry is one index key and its value.
type entry struct{ k, v []byte }

// indexEntries are the index keys of a dossier in its current state.
func indexEntries(d *app.Dossier) []entry {
	code := []byte(d.Code)
	sum := encodeSummary(d.Summary())
	pid := []byte(d.Form.PersonalID)
	rev := []byte(d.Form.PersonalID)
	slices.Reverse(rev)
	year := birthYear(d)
	es := []entry{
		{key(prefixPID, pid, sep, code), sum},
		{key(prefixPIDRev, rev, sep, code), nil},
		{key(prefixName, []byte(d.NameKey()), sep, []byte(year), sep, code), sum},
		{key(prefixState, []byte(d.State), sep, code), nil},
		{key(prefixOffice, []byte(d.Office), sep, code), nil},
	}
	if d.Form.OldSICode != "" {
		es = append(es, entry{key(prefixOld, []byte(d.Form.OldSICode), sep, code), nil})
	}
	es = append(es, searchEntries(d)...)
	if !d.State.Closed() {
		es = append(es,
			entry{key(prefixDue, date4(d.Due), code), sum},
			entry{key(prefixHandler, []byte(d.Handler), sep, date4(d.Due), code), sum})
		if d.State == app.StateOpen {
			es = append(es, entry{key(prefixStep, []byte(d.Step), sep, date4(d.StepDue), code), sum})
		}
	}
	return es
}

// PutDossier writes the dossier and moves its index entries and state counts from prev.
func (tx *Tx) PutDossier(d *app.Dossier, prev *app.Dossier) error {
	if d.Code == "" {
		return fmt.Errorf("dossier without a code")
	}
	if prev != nil {
		for _, e := range indexEntries(prev) {
			if err := tx.del(e.k); err != nil {
				return err
			}
		}
		if err := tx.count(prev.State, -1); err != nil {
			return err
		}
	}
	b, err := dossiers.encode(*d)
	if err != nil {
		return err
	}
	es := append(indexEntries(d), entry{key(prefixDossier, []byte(d.Code)), b})
	// A dossier moving on keeps its person, name and birth date: its presence keys are there.
	if prev == nil || prev.Form.PersonalID != d.Form.PersonalID || prev.NameKey() != d.NameKey() ||
		prev.Form.BirthDate != d.Form.BirthDate {
		es = append(es, presenceEntries(d)...)
	}
	for _, e := range es {
		if err := tx.set(e.k, e.v); err != nil {
			return err
		}
	}
	return tx.count(d.State, +1)
}

// dossierEntries are every key a dossier writes in its current state: its index entries, its
// presence keys and the dossier itself. PutDossier and the bulk Loader both write exactly these.
func dossierEntries(d *app.Dossier) ([]entry, error) {
	b, err := dossiers.encode(*d)
	if err != nil {
		return nil, err
	}
	return append(append(indexEntries(d), presenceEntries(d)...), entry{key(prefixDossier, []byte(d.Code)), b}), nil
}

// presenceKeys are the keys that say the personal-ID index may hold the person's dossiers and
// the name index dossiers of that name and birth year: the index's own prefix as an exact key,
// with an empty value (index entries always hold a summary), sorted just before the entries it
// stands for. The duplicate check of a registration reads one first: a key that is not stored
// is answered by the tables' Bloom filters, held decrypted in the index cache, so a person the
// office has never seen costs no block read — where a scan of the index's prefix decrypts and
// decompresses a block of every level that might hold it — and one that is stored is read from
// the block the entries are in, which the scan then finds in the block cache. They are written
// with the dossier and never moved with it (a stale one only costs the scan it would have
// saved); a purge removes them once no dossier of the person or the name is left.
func presenceKeys(pid, nameKey, year string) (byPID, byName []byte) {
	return key(prefixPID, []byte(pid)), key(prefixName, []byte(nameKey), sep, []byte(year))
}

// bornKey is the presence key of a name and a birth date as stored (a day, a month or a year):
// the duplicate check of a person born on a known day reads those of the day, its month and its
// year, and scans the name's year only when one is stored (Tx.SameName) — two people of one
// name born the same year are common, the same day rare.
func bornKey(nameKey, birth string) []byte {
	return key(prefixBorn, []byte(nameKey), sep, []byte(birth))
}

func presenceEntries(d *app.Dossier) []entry {
	p, n := presenceKeys(d.Form.PersonalID, d.NameKey(), birthYear(d))
	return []entry{{p, nil}, {n, nil}, {bornKey(d.NameKey(), d.Form.BirthDate), nil}}
}

func birthYear(d *app.Dossier) string {
	if y := d.Form.BirthDate; len(y) > 4 {
		return y[:4]
	}
	return d.Form.BirthDate
}

// dropPresence removes the presence keys of d once no dossier of its person or of its name and
// birth year is left in the indexes (a purge: they hold personal data).
func (tx *Tx) dropPresence(d *app.Dossier) error {
	year := birthYear(d)
	byPID, byName := presenceKeys(d.Form.PersonalID, d.NameKey(), year)
	var drop [][]byte
	left := false
	if err := tx.scanKeys(key(prefixPID, []byte(d.Form.PersonalID), sep), 1, func([]byte) error { left = true; return nil }); err != nil {
		return err
	}
	if !left {
		drop = append(drop, byPID)
	}
	others, err := tx.summaries(key(prefixName, []byte(d.NameKey()), sep, []byte(year), sep), 0, nil)
	if err != nil {
		return err
	}
	if len(others) == 0 {
		drop = append(drop, byName)
	}
	if !slices.ContainsFunc(others, func(s app.Summary) bool { return s.BirthDate == d.Form.BirthDate }) {
		drop = append(drop, bornKey(d.NameKey(), d.Form.BirthDate))
	}
	for _, k := range drop {
		if err := tx.del(k); err != nil {
			return err
		}
	}
	return nil
}

// present reports whether k, a presence key, is stored.
func (tx *Tx) present(k []byte) (bool, error) {
	_, err := tx.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (tx *Tx) count(s app.State, delta int64) error {
	return tx.addCounter(key(prefixCount, []byte(s)), delta)
}

// Counts returns the number of dossiers per state.
func (tx *Tx) Counts() (map[app.State]int, error) {
	out := map[app.State]int{}
	err := tx.scan(prefixCount, 0, func(k, v []byte) error {
		if len(v) == 8 {
			out[app.State(k[len(prefixCount):])] = int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return out, err
}
