package storage

import (
	"bytes"
	"errors"
)

// A read-write Badger transaction sorts all of its pending writes each time it opens an
// iterator, so a batch of vouchers whose every row scans an index pays for every write the
// batch made before it: most of an import's time went there. A batch that knows its lookups
// reads them first, before it writes anything (Prefetch); the transaction then answers those
// scans from what it read, for as long as it has not written under their prefix since.

// memoEntry is one key and value read under a prefetched prefix.
type memoEntry struct{ k, v []byte }

// Prefetch reads, now, the receipt-number index of each receipt number and the personal-ID
// index of each personal ID, so that VouchersByReceipt and ByPersonalID answer them later in
// the transaction without an iterator. It changes no answer: a prefix the transaction writes
// or deletes under afterwards is read again from Badger.
func (tx *Tx) Prefetch(receipts, pids []string) error {
	var prefixes [][]byte
	for _, r := range receipts {
		prefixes = append(prefixes, key(prefixReceipt, []byte(r), sep))
	}
	for _, p := range pids {
		prefixes = append(prefixes, key(prefixPID, []byte(p), sep))
	}
	if tx.memo == nil {
		tx.memo = make(map[string][]memoEntry, len(prefixes))
	}
	for _, p := range prefixes {
		if _, ok := tx.memo[string(p)]; ok {
			continue
		}
		var es []memoEntry
		err := scanTxn(tx.txn, p, p, 0, func(k, v []byte) error {
			es = append(es, memoEntry{bytes.Clone(k), bytes.Clone(v)})
			return nil
		})
		if err != nil {
			return err
		}
		tx.memo[string(p)] = es
	}
	return nil
}

// memoized is what Prefetch read under prefix, when it still holds.
func (tx *Tx) memoized(prefix []byte) ([]memoEntry, bool) {
	if tx.memo == nil {
		return nil, false
	}
	es, ok := tx.memo[string(prefix)]
	return es, ok
}

// forget drops what Prefetch read under any prefix of k: k is being written or deleted. The
// prefixes Prefetch reads end at a separator, so they are k up to one of its separators.
func (tx *Tx) forget(k []byte) {
	if len(tx.memo) == 0 {
		return
	}
	for i, c := range k {
		if c == sep[0] {
			delete(tx.memo, string(k[:i+1]))
		}
	}
}

// scanMemo calls fn with the memoized entries as a scan would, up to limit when limit > 0.
func scanMemo(es []memoEntry, limit int, fn func(k, v []byte) error) error {
	for n, e := range es {
		if limit > 0 && n >= limit {
			return nil
		}
		if err := fn(e.k, e.v); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
	return nil
}
