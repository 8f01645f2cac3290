package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

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
func (tx *Tx) Enqueue(op contract.Op) (contract.Op, error) {
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
func (db *DB) Outbox(limit int) ([]contract.Op, error) {
	var out []contract.Op
	err := db.View(func(t app.Tx) error {
		return t.(*Tx).scan(prefixOutbox, limit, func(_, v []byte) error {
			var op contract.Op
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
	if es, ok := tx.memoized(prefix); ok && bytes.Equal(seek, prefix) {
		return scanMemo(es, limit, fn)
	}
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
	if es, ok := tx.memoized(prefix); ok {
		return scanMemo(es, limit, func(k, _ []byte) error { return fn(k) })
	}
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
