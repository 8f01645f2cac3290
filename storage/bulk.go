package storage

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"bhxhdesk/app"
)

// Loader writes many new dossiers at once — an import of a paper archive, or the data set of a
// benchmark — through one Badger WriteBatch instead of one durable transaction per dossier. It
// writes exactly the keys and values Tx.PutDossier(d, nil) writes for each dossier; the state
// counts and the counters are added up in memory and written by Flush.
//
// A load is not durable per dossier and not isolated: dossiers become visible batch by batch,
// the counts only when Flush returns, so nothing else may write to the store during a load and a
// load cut short leaves dossiers without their counts. The dossiers must be new (no existing
// dossier has their code).
type Loader struct {
	db     *DB
	wb     *badger.WriteBatch
	counts map[app.State]int64
	seqs   map[string]uint64
	err    error
}

// NewLoader starts a bulk load. It fails with Unavailable "disk_low" when the disk is nearly
// full.
func (db *DB) NewLoader() (*Loader, error) {
	if err := db.checkDisk(); err != nil {
		return nil, err
	}
	return &Loader{db: db, wb: db.bdb.NewWriteBatch(), counts: map[app.State]int64{}, seqs: map[string]uint64{}}, nil
}

// PutDossier adds a new dossier with its index entries (the keys of Tx.PutDossier(d, nil)).
func (l *Loader) PutDossier(d *app.Dossier) error {
	if l.err != nil {
		return l.err
	}
	if d.Code == "" {
		return fmt.Errorf("dossier without a code")
	}
	es, err := dossierEntries(d)
	if err != nil {
		return err
	}
	for _, e := range es {
		// A WriteBatch keeps the slices until they are written: entries are fresh copies.
		if err := l.wb.Set(e.k, e.v); err != nil {
			l.err = translate("bulk load", err)
			return l.err
		}
	}
	l.counts[d.State]++
	return nil
}

// SetSeq raises the named counter (see Tx.NextSeq) to at least n, as n calls of NextSeq on a new
// counter would: a load that hands out dossier codes sets "dossier/<yymmdd>" so that the next
// registration of the day continues after them.
func (l *Loader) SetSeq(name string, n uint64) { l.seqs[name] = max(l.seqs[name], n) }

// Flush adds the loaded dossiers to the state counts, writes the counters and returns once
// everything is on disk.
func (l *Loader) Flush() error {
	if l.err != nil {
		l.wb.Cancel()
		return l.err
	}
	err := l.db.bdb.View(func(txn *badger.Txn) error {
		tx := &Tx{txn: txn, db: l.db}
		for s, n := range l.counts {
			raw, _, err := tx.get(key(prefixCount, []byte(s)))
			if err != nil {
				return err
			}
			if len(raw) == 8 {
				n += int64(binary.BigEndian.Uint64(raw))
			}
			if err := l.wb.Set(key(prefixCount, []byte(s)), u64(uint64(n))); err != nil {
				return err
			}
		}
		for name, n := range l.seqs {
			raw, _, err := tx.get(key(prefixSeq, []byte(name)))
			if err != nil {
				return err
			}
			if len(raw) == 8 {
				n = max(n, binary.BigEndian.Uint64(raw))
			}
			if err := l.wb.Set(key(prefixSeq, []byte(name)), u64(n)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.wb.Cancel()
		return translate("bulk load", err)
	}
	if err := l.wb.Flush(); err != nil {
		return translate("bulk load", err)
	}
	// The load may have filled several memtables: sync every write-ahead log and the value log.
	return l.db.durable(true)
}

// Cancel abandons the load; batches already written stay (see Loader).
func (l *Loader) Cancel() { l.wb.Cancel() }

// Compact rewrites the store's tables into one level, the shape a store reaches after months of
// background compaction, so that it does not spend its next hours compacting a bulk load (the
// CPU, memory and disk of an office PC). It waits until done; run it with no other work on the
// store.
func (db *DB) Compact() error {
	if err := db.checkDisk(); err != nil {
		return err
	}
	return translate("compact", db.bdb.Flatten(2))
}
