package storage

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// AuditEntry and AuditReport are the domain's types (app); the chain lives here.
type (
	AuditEntry  = app.AuditEntry
	AuditReport = app.AuditReport
)

type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// AuditHash is the audit chain hash (also used by the benchmark's SQLite peer): SHA-256 of the
// previous hash and a length-prefixed encoding of the entry's fields, so no field can be shifted
// into another.
func AuditHash(e AuditEntry) string {
	h := sha256.New()
	var n [8]byte
	write := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], e.Seq)
	h.Write(n[:])
	write(e.Prev)
	write(e.At.UTC().Format(time.RFC3339Nano))
	write(e.User)
	write(e.Action)
	write(e.Entity)
	write(e.Detail)
	write(e.Person)
	return hex.EncodeToString(h.Sum(nil))
}

// Tx is one short read-write transaction. Everything a use case writes — entity, indexes,
// outbox operation and audit entry — goes through one Tx, so it is all stored or none of it.
type Tx struct {
	txn *badger.Txn
	db  *DB
	// vlog is set when a value went to Badger's value log, which a commit must sync too.
	vlog bool
	// enqueued is set when an operation went to the outbox: once committed, the store tells
	// its OnEnqueue hook (the sync engine wakes).
	enqueued bool
	// officeGen is DB.officeGen before the transaction began, officeWritten set when it wrote
	// the office profile (see Tx.Office).
	officeGen     uint64
	officeWritten bool
	// memo is what Prefetch read, by prefix, until the transaction writes under it.
	memo map[string][]memoEntry
}

// OnEnqueue sets what the store calls after each committed transaction that put operations in
// the outbox (nil: nothing): the desk wakes its sync engine there, so no screen or command has
// to remember to after a write. f must not block.
func (db *DB) OnEnqueue(f func()) {
	if f == nil {
		db.onEnqueue.Store(nil)
		return
	}
	db.onEnqueue.Store(&f)
}

// update runs fn in a read-write transaction and commits it durably. Badger write conflicts
// are retried here (up to 5 times), never by callers.
func (db *DB) update(fn func(*Tx) error) error {
	var (
		err error
		tx  *Tx
	)
	for attempt := 0; attempt < 5; attempt++ {
		gen := db.officeGen.Load() // before the transaction's snapshot (Tx.Office)
		err = db.bdb.Update(func(txn *badger.Txn) error { tx = &Tx{txn: txn, db: db, officeGen: gen}; return fn(tx) })
		if !errors.Is(err, badger.ErrConflict) {
			break
		}
	}
	if err == nil && tx.officeWritten {
		db.officeGen.Add(1)
	}
	if err == nil {
		err = db.durable(tx.vlog)
		db.adviseAfterCommit()
	}
	if err == nil && tx.enqueued {
		if hook := db.onEnqueue.Load(); hook != nil {
			(*hook)()
		}
	}
	if domainError(err) {
		return err // a domain error from fn passes through unchanged
	}
	return translate("update", err)
}

// set writes key in the transaction. Every write of the store's transactions goes through it,
// so that a value big enough for the value log is noticed (Tx.vlog).
func (tx *Tx) set(key, value []byte) error {
	if len(value) >= valueThreshold {
		tx.vlog = true
	}
	tx.forget(key)
	return tx.txn.Set(key, value)
}

// del deletes key in the transaction; every delete of the store's transactions goes through
// it, as every write through set, so that a prefetched index read is forgotten (Tx.Prefetch).
func (tx *Tx) del(key []byte) error {
	tx.forget(key)
	return tx.txn.Delete(key)
}

// get reads key in the transaction; ok is false when it does not exist.
func (tx *Tx) get(key []byte) ([]byte, bool, error) {
	item, err := tx.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

// Audit appends an entry to the hash chain in this transaction. Two transactions appending at
// once conflict on the chain head, and Update retries the loser, so the chain stays linear.
func (tx *Tx) Audit(e AuditEntry) error {
	var head auditHead
	raw, ok, err := tx.get(keyAuditHead)
	if err != nil {
		return err
	}
	if ok {
		if err := json.Unmarshal(raw, &head); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
	}
	e.Seq, e.Prev = head.Seq+1, head.Hash
	if e.PersonalID != "" {
		e.Person, e.PersonalID = tx.db.PersonRef(e.PersonalID), ""
	}
	if e.At.IsZero() {
		e.At = tx.db.cfg.Now()
	}
	e.At = e.At.UTC()
	e.Hash = AuditHash(e)
	data, err := audits.encode(e)
	if err != nil {
		return err
	}
	headData, err := marshal(auditHead{Seq: e.Seq, Hash: e.Hash})
	if err != nil {
		return err
	}
	if err := tx.set(auditKey(e.Seq), data); err != nil {
		return err
	}
	return tx.set(keyAuditHead, headData)
}

// VerifyAudit walks the whole chain and reports the first entry that was edited, deleted,
// inserted or moved, and whether the tail was cut (the head no longer matches the last entry).
func (db *DB) VerifyAudit() (AuditReport, error) {
	var rep AuditReport
	err := db.bdb.View(func(txn *badger.Txn) error {
		var head auditHead
		if item, err := txn.Get(keyAuditHead); err == nil {
			if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &head) }); err != nil {
				rep.Reason = "head_unreadable"
				return nil
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixAudit})
		defer it.Close()
		prev, want := "", uint64(1)
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			keySeq := binary.BigEndian.Uint64(bytes.TrimPrefix(item.Key(), prefixAudit))
			var e AuditEntry
			if err := item.Value(func(v []byte) (err error) { e, err = audits.decode(v); return err }); err != nil {
				rep.FirstBroken, rep.Reason = keySeq, "unreadable"
				return nil
			}
			switch {
			case keySeq != want:
				rep.FirstBroken, rep.Reason = want, "missing"
				if keySeq < want {
					rep.FirstBroken, rep.Reason = keySeq, "inserted"
				}
			case e.Seq != keySeq:
				rep.FirstBroken, rep.Reason = keySeq, "reordered"
			case e.Prev != prev:
				rep.FirstBroken, rep.Reason = keySeq, "chain_broken"
			case AuditHash(e) != e.Hash:
				rep.FirstBroken, rep.Reason = keySeq, "edited"
			}
			if rep.Reason != "" {
				return nil
			}
			prev, want = e.Hash, want+1
			rep.Entries++
		}
		if head.Seq != rep.Entries || head.Hash != prev {
			rep.FirstBroken, rep.Reason = rep.Entries+1, "tail_cut"
			if head.Seq < rep.Entries {
				rep.FirstBroken, rep.Reason = head.Seq+1, "inserted"
			}
			return nil
		}
		rep.OK = true
		return nil
	})
	return rep, translate("verify audit", err)
}

// AuditHead is the audit chain's last entry (zero when the chain is empty).
func (db *DB) AuditHead() (contract.AuditAnchor, error) {
	var head auditHead
	err := db.View(func(t app.Tx) error {
		raw, ok, err := t.(*Tx).get(keyAuditHead)
		if err != nil || !ok {
			return err
		}
		return json.Unmarshal(raw, &head)
	})
	return contract.AuditAnchor{Seq: head.Seq, Hash: head.Hash}, translate("audit head", err)
}

// AuditHashAt is the hash of the audit entry at seq (false when there is none).
func (db *DB) AuditHashAt(seq uint64) (string, bool, error) {
	var (
		e  AuditEntry
		ok bool
	)
	err := db.View(func(t app.Tx) error {
		raw, found, err := t.(*Tx).get(auditKey(seq))
		if err != nil || !found {
			return err
		}
		ok = true
		e, err = audits.decode(raw)
		return err
	})
	return e.Hash, ok, translate("audit entry", err)
}

var _ app.AuditChain = (*DB)(nil)

// AuditEntries lists the audit entries from sequence number from (1 when 0) on, in order: what
// the breach report and the access log read.
func (db *DB) AuditEntries(from uint64) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.View(func(t app.Tx) error {
		tx := t.(*Tx)
		return tx.scanFrom(prefixAudit, auditKey(max(from, 1)), 0, func(_, v []byte) error {
			e, err := audits.decode(v)
			if err != nil {
				return fmt.Errorf("audit entry: %w", err)
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// PersonRef is the keyed hash (HMAC-SHA256 under a key derived from the data key, 16 hex
// digits) the audit log keeps for a personal ID: the same person gives the same reference in
// this store, and the reference does not give the number back even to someone who reads the
// log out of a backup and tries every possible ID.
func (db *DB) PersonRef(pid string) string {
	m := hmac.New(sha256.New, db.refKey)
	m.Write([]byte(pid))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
