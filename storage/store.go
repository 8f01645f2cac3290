package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
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
	err := db.bdb.View(func(txn *badger.Txn) error { return fn(&Tx{txn: txn, db: db}) })
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

func jsonGet[T any](tx *Tx, k []byte) (T, bool, error) {
	var v T
	raw, ok, err := tx.get(k)
	if err != nil || !ok {
		return v, ok, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("decode %q: %w", k, err)
	}
	return v, true, nil
}

func (tx *Tx) jsonSet(k []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.set(k, b)
}

// Office reads the office profile.
func (tx *Tx) Office() (app.Office, bool, error) { return jsonGet[app.Office](tx, keyOffice) }

// PutOffice writes the office profile.
func (tx *Tx) PutOffice(o app.Office) error { return tx.jsonSet(keyOffice, o) }

// User reads an account.
func (tx *Tx) User(name string) (app.User, bool, error) {
	return jsonGet[app.User](tx, key(prefixUser, []byte(name)))
}

// PutUser writes an account.
func (tx *Tx) PutUser(u app.User) error { return tx.jsonSet(key(prefixUser, []byte(u.Name)), u) }

// Users lists the accounts by name.
func (tx *Tx) Users() ([]app.User, error) {
	var out []app.User
	err := tx.scan(prefixUser, 0, func(_, v []byte) error {
		var u app.User
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
	return out, err
}

// Dossier reads a dossier.
func (tx *Tx) Dossier(code string) (app.Dossier, bool, error) {
	return jsonGet[app.Dossier](tx, key(prefixDossier, []byte(code)))
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
	year := d.Form.BirthDate
	if len(year) > 4 {
		year = year[:4]
	}
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
			if err := tx.txn.Delete(e.k); err != nil {
				return err
			}
		}
		if err := tx.count(prev.State, -1); err != nil {
			return err
		}
	}
	es, err := dossierEntries(d)
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := tx.set(e.k, e.v); err != nil {
			return err
		}
	}
	return tx.count(d.State, +1)
}

// dossierEntries are every key a dossier writes in its current state: its index entries and
// the dossier itself. PutDossier and the bulk Loader both write exactly these.
func dossierEntries(d *app.Dossier) ([]entry, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return append(indexEntries(d), entry{key(prefixDossier, []byte(d.Code)), b}), nil
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

// summaries decodes the summary values under a prefix.
func (tx *Tx) summaries(prefix []byte, limit int, keep func(app.Summary) bool) ([]app.Summary, error) {
	var out []app.Summary
	err := tx.scan(prefix, limit, func(_, v []byte) error {
		s, err := decodeSummary(v)
		if err != nil {
			return err
		}
		if keep == nil || keep(s) {
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// ByPersonalID lists every dossier of a personal ID.
func (tx *Tx) ByPersonalID(pid string) ([]app.Summary, error) {
	return tx.summaries(key(prefixPID, []byte(pid), sep), 0, nil)
}

// ByOldCode lists every dossier that gave the old social-insurance code.
func (tx *Tx) ByOldCode(code string) ([]app.Summary, error) {
	var codes []string
	p := key(prefixOld, []byte(code), sep)
	err := tx.scanKeys(p, 0, func(k []byte) error { codes = append(codes, string(k[len(p):])); return nil })
	if err != nil {
		return nil, err
	}
	return tx.byCodes(codes)
}

func (tx *Tx) byCodes(codes []string) ([]app.Summary, error) {
	out := make([]app.Summary, 0, len(codes))
	for _, c := range codes {
		d, ok, err := tx.Dossier(c)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d.Summary())
		}
	}
	return out, nil
}

// SameName lists dossiers with exactly this folded name and birth year.
func (tx *Tx) SameName(nameKey, year string) ([]app.Summary, error) {
	return tx.summaries(key(prefixName, []byte(nameKey), sep, []byte(year), sep), 0, nil)
}

// searchEntries are a dossier's keys for searching by any word of the name, by phone number
// and by the end of its code (the name's first word and the personal ID have their own).
func searchEntries(d *app.Dossier) []entry {
	code := []byte(d.Code)
	var es []entry
	name := d.NameKey()
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' && i+1 < len(name) {
			es = append(es, entry{key(prefixWord, []byte(name[i+1:]), sep, code), nil})
		}
	}
	if tel := app.PhoneDigits(d.Form.Phone); tel != "" {
		rev := []byte(tel)
		slices.Reverse(rev)
		es = append(es, entry{key(prefixPhone, []byte(tel), sep, code), nil}, entry{key(prefixPhoneR, rev, sep, code), nil})
	}
	lower := strings.ToLower(d.Code)
	for i := 0; i < len(lower); i++ {
		if lower[i] == '-' && i+1 < len(lower) {
			es = append(es, entry{key(prefixCode, []byte(lower[i+1:]), sep, code), nil})
		}
	}
	return es
}

// SearchName lists dossiers whose folded name starts with prefix, in name order, then those
// with a later word of the name starting with it ("hong anh" finds Nguyễn Thị Hồng Anh).
func (tx *Tx) SearchName(prefix string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(key(prefixName, []byte(prefix)), limit, nil)
	if err != nil {
		return nil, err
	}
	return tx.more(out, key(prefixWord, []byte(prefix)), limit)
}

// SearchPhone lists dossiers whose phone number starts with digits, then those whose number
// ends with them.
func (tx *Tx) SearchPhone(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.more(nil, key(prefixPhone, []byte(digits)), limit)
	if err != nil {
		return nil, err
	}
	rev := []byte(digits)
	slices.Reverse(rev)
	return tx.more(out, key(prefixPhoneR, rev), limit)
}

// SearchCode lists dossiers whose code ends with part from one of its dashes ("k70001",
// "261207-k70001"; any case).
func (tx *Tx) SearchCode(part string, limit int) ([]app.Summary, error) {
	return tx.more(nil, key(prefixCode, []byte(strings.ToLower(part))), limit)
}

// more adds to out the dossiers named by the index keys under prefix (each ends with
// "\x00<code>") that out does not hold yet, up to limit.
func (tx *Tx) more(out []app.Summary, prefix []byte, limit int) ([]app.Summary, error) {
	if limit > 0 && len(out) >= limit {
		return out, nil
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Code] = true
	}
	var codes []string
	err := tx.scanKeys(prefix, 0, func(k []byte) error {
		c := string(k[bytes.LastIndexByte(k, 0)+1:])
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
		if limit > 0 && len(out)+len(codes) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	found, err := tx.byCodes(codes)
	return append(out, found...), err
}

// SearchPersonalID lists dossiers whose personal ID starts with digits, then those whose ID
// ends with them.
func (tx *Tx) SearchPersonalID(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(key(prefixPID, []byte(digits)), limit, nil)
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Code] = true
	}
	rev := []byte(digits)
	slices.Reverse(rev)
	var more [][]byte
	err = tx.scanKeys(key(prefixPIDRev, rev), 0, func(k []byte) error {
		rest := k[len(prefixPIDRev):]
		i := bytes.IndexByte(rest, 0)
		pid := slices.Clone(rest[:i])
		slices.Reverse(pid)
		if !seen[string(rest[i+1:])] {
			more = append(more, key(prefixPID, pid, sep, rest[i+1:]))
		}
		if limit > 0 && len(out)+len(more) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range more {
		v, ok, err := tx.get(k)
		if err != nil {
			return nil, err
		}
		if ok {
			s, err := decodeSummary(v)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// Due lists pending dossiers due in [from, to], by due date.
func (tx *Tx) Due(from, to calendar.Date, limit int) ([]app.Summary, error) {
	var out []app.Summary
	err := tx.scanFrom(prefixDue, key(prefixDue, date4(from)), limit, func(k, v []byte) error {
		if bytes.Compare(k[len(prefixDue):len(prefixDue)+4], date4(to)) > 0 {
			return errStop
		}
		s, err := decodeSummary(v)
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// AtStep lists open dossiers at a step, by the step's deadline.
func (tx *Tx) AtStep(step string, limit int) ([]app.Summary, error) {
	return tx.summaries(key(prefixStep, []byte(step), sep), limit, nil)
}

// ByHandler lists pending dossiers last handled by user, by due date.
func (tx *Tx) ByHandler(user string, limit int) ([]app.Summary, error) {
	return tx.summaries(key(prefixHandler, []byte(user), sep), limit, nil)
}

// NextSeq increments and returns a named counter.
func (tx *Tx) NextSeq(name string) (uint64, error) {
	k := key(prefixSeq, []byte(name))
	raw, _, err := tx.get(k)
	if err != nil {
		return 0, err
	}
	var n uint64
	if len(raw) == 8 {
		n = binary.BigEndian.Uint64(raw)
	}
	n++
	return n, tx.set(k, u64(n))
}

// Enqueue appends op to the outbox with its UUIDv7, device sequence and hybrid logical clock.
func (tx *Tx) Enqueue(op app.Op) (app.Op, error) {
	seq, err := tx.NextSeq("outbox")
	if err != nil {
		return op, err
	}
	now := tx.db.cfg.Now()
	raw, _, err := tx.get(keyHLC)
	if err != nil {
		return op, err
	}
	var last uint64
	if len(raw) == 8 {
		last = binary.BigEndian.Uint64(raw)
	}
	// Hybrid logical clock: wall milliseconds in the high bits, a counter in the low 16; never
	// goes back when the wall clock does.
	hlc := max(uint64(now.UnixMilli())<<16, last+1)
	if err := tx.set(keyHLC, u64(hlc)); err != nil {
		return op, err
	}
	op.OpID, op.DeviceSeq, op.HLC = app.NewUUIDv7(now), seq, hlc
	tx.enqueued = true
	if err := tx.addPending(+1); err != nil {
		return op, err
	}
	if op.Created.IsZero() {
		op.Created = now
	}
	return op, tx.jsonSet(outboxKey(seq), op)
}

// Outbox lists the operations waiting to be sent, oldest first.
func (db *DB) Outbox(limit int) ([]app.Op, error) {
	var out []app.Op
	err := db.View(func(t app.Tx) error {
		return t.(*Tx).scan(prefixOutbox, limit, func(_, v []byte) error {
			var op app.Op
			if err := json.Unmarshal(v, &op); err != nil {
				return err
			}
			out = append(out, op)
			return nil
		})
	})
	return out, err
}

// errStop ends a scan early without an error.
var errStop = errors.New("stop")

func (tx *Tx) scan(prefix []byte, limit int, fn func(k, v []byte) error) error {
	return tx.scanFrom(prefix, prefix, limit, fn)
}

// scanFrom iterates the keys under prefix from seek on, calling fn with each key and value
// (valid only during the call), up to limit calls when limit > 0.
func (tx *Tx) scanFrom(prefix, seek []byte, limit int, fn func(k, v []byte) error) error {
	return scanTxn(tx.txn, prefix, seek, limit, fn)
}

// scanTxn is scanFrom on a Badger transaction (the office store's and the KV store's).
func scanTxn(txn *badger.Txn, prefix, seek []byte, limit int, fn func(k, v []byte) error) error {
	// Every value lives in the LSM tree beside its key (below the value threshold), so there is
	// nothing to prefetch: Badger's prefetching would start a goroutine to copy each value
	// (5,600 for the due-today list of a million dossiers).
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	n := 0
	for it.Seek(seek); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		err := item.Value(func(v []byte) error { return fn(item.Key(), v) })
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return err
		}
		if n++; limit > 0 && n >= limit {
			return nil
		}
	}
	return nil
}

// scanKeys iterates keys only (no value reads).
func (tx *Tx) scanKeys(prefix []byte, limit int, fn func(k []byte) error) error {
	opts := badger.IteratorOptions{Prefix: prefix}
	it := tx.txn.NewIterator(opts)
	defer it.Close()
	n := 0
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		err := fn(it.Item().Key())
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return err
		}
		if n++; limit > 0 && n >= limit {
			return nil
		}
	}
	return nil
}

// encodeSummary is the compact binary form of a list row: length-prefixed strings and varints,
// about a fifth of its JSON and ten times faster to read back.
func encodeSummary(s app.Summary) []byte {
	b := make([]byte, 0, 128)
	b = append(b, 1) // format version
	for _, f := range []string{s.Code, s.Name, s.PersonalID, s.BirthDate, string(s.State), s.Step, s.Handler} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = binary.AppendVarint(b, int64(s.Due))
	b = binary.AppendVarint(b, int64(s.StepDue))
	b = binary.AppendVarint(b, s.Received.UnixMilli())
	b = binary.AppendVarint(b, int64(s.Payable))
	return b
}

var errSummary = errors.New("damaged summary")

func decodeSummary(b []byte) (app.Summary, error) {
	var s app.Summary
	if len(b) == 0 || b[0] != 1 {
		return s, errSummary
	}
	b = b[1:]
	var fields [7]string
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return s, errSummary
		}
		fields[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	var nums [4]int64
	for i := range nums {
		v, k := binary.Varint(b)
		if k <= 0 {
			return s, errSummary
		}
		nums[i], b = v, b[k:]
	}
	s.Code, s.Name, s.PersonalID, s.BirthDate, s.State, s.Step, s.Handler =
		fields[0], fields[1], fields[2], fields[3], app.State(fields[4]), fields[5], fields[6]
	s.Due, s.StepDue = calendar.Date(nums[0]), calendar.Date(nums[1])
	s.Received = time.UnixMilli(nums[2]).In(calendar.VN)
	s.Payable = app.Money(nums[3])
	return s, nil
}

// DossiersInState lists the codes of the dossiers in a state.
func (tx *Tx) DossiersInState(s app.State) ([]string, error) {
	p := key(prefixState, []byte(s), sep)
	var out []string
	err := tx.scanKeys(p, 0, func(k []byte) error { out = append(out, string(k[len(p):])); return nil })
	return out, err
}

// PurgeDossier replaces a closed dossier by a record without personal data: its code, office,
// state, version, dates and the times and actors of its events stay (they are the office's
// record of its work); the form, the quote, reasons and missing items go. Only the state and
// office indexes keep it. It returns the SHA-256 of the dossier as it was.
func (tx *Tx) PurgeDossier(d *app.Dossier, at time.Time) (string, error) {
	if !d.State.Closed() {
		return "", &app.Error{Kind: app.Conflict, Code: app.CodeDossierOpen, Args: map[string]string{"code": d.Code}}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])
	for _, e := range indexEntries(d) {
		if err := tx.txn.Delete(e.k); err != nil {
			return "", err
		}
	}
	t := app.Dossier{Code: d.Code, Office: d.Office, Received: d.Received, Due: d.Due, State: d.State, Workflow: d.Workflow,
		Steps: d.Steps, Handler: d.Handler, Version: d.Version, Purged: &app.Purge{At: at, Hash: hash}}
	for _, e := range d.Timeline {
		t.Timeline = append(t.Timeline, app.Event{At: e.At, User: e.User, Action: e.Action, FromStep: e.FromStep, ToStep: e.ToStep, Due: e.Due})
	}
	code := []byte(d.Code)
	for _, k := range [][]byte{key(prefixState, []byte(d.State), sep, code), key(prefixOffice, []byte(d.Office), sep, code)} {
		if err := tx.set(k, nil); err != nil {
			return "", err
		}
	}
	return hash, tx.jsonSet(key(prefixDossier, code), t)
}

// PeopleHeld counts the distinct personal IDs with data in the store (dossiers, participants,
// vouchers) and the purged dossiers.
func (tx *Tx) PeopleHeld() (int, int, error) {
	people := map[string]bool{}
	for _, p := range [][]byte{prefixPID, prefixVPID} {
		err := tx.scanKeys(p, 0, func(k []byte) error {
			rest := k[len(p):]
			if i := bytes.IndexByte(rest, 0); i > 0 {
				people[string(rest[:i])] = true
			}
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	if err := tx.scanKeys(prefixPart, 0, func(k []byte) error { people[string(k[len(prefixPart):])] = true; return nil }); err != nil {
		return 0, 0, err
	}
	purged := 0
	err := tx.scan(prefixDossier, 0, func(_, v []byte) error {
		if bytes.Contains(v, []byte(`"purged":{`)) {
			purged++
		}
		return nil
	})
	return len(people), purged, err
}
