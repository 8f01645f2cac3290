package storage

import (
	"encoding/binary"
	"encoding/json"

	"bhxhdesk/app"
)

// indexesVersion is the version of the search indexes a store written now holds: 1 added the
// later words of names, phone numbers and the ends of dossier codes (searchEntries).
const indexesVersion = 1

// upgradeIndexes builds the search indexes a store written by an earlier version lacks, in
// batches of dossiers, and then records the version; an upgrade cut short is taken up again at
// the next open (writing an index key twice is harmless).
func (db *DB) upgradeIndexes() error {
	var have uint64
	err := db.update(func(tx *Tx) error {
		v, ok, err := tx.get(keyIndexes)
		if ok && len(v) == 8 {
			have = binary.BigEndian.Uint64(v)
		}
		return err
	})
	if err != nil || have >= indexesVersion {
		return err
	}
	const batch = 500
	seek := prefixDossier
	for {
		var (
			next []byte
			n    int
		)
		err := db.update(func(tx *Tx) error {
			next, n = nil, 0
			return tx.scanFrom(prefixDossier, seek, batch+1, func(k, v []byte) error {
				if n == batch {
					next = append([]byte(nil), k...)
					return errStop
				}
				n++
				var d app.Dossier
				if err := json.Unmarshal(v, &d); err != nil {
					return err
				}
				for _, e := range searchEntries(&d) {
					if err := tx.set(e.k, e.v); err != nil {
						return err
					}
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		if next == nil {
			break
		}
		seek = next
	}
	return db.update(func(tx *Tx) error {
		return tx.set(keyIndexes, binary.BigEndian.AppendUint64(nil, indexesVersion))
	})
}
