package storage

import (
	"encoding/binary"
	"strconv"

	"bhxhdesk/app"
)

// indexesVersion is the version of the search indexes a store written now holds: 1 added the
// later words of names, phone numbers and the ends of dossier codes (searchEntries), 2 the
// presence keys of the duplicate check (presenceEntries).
const indexesVersion = 2

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
				d, err := dossiers.decode(v)
				if err != nil {
					return err
				}
				var es []entry
				if have < 1 {
					es = searchEntries(&d)
				}
				if d.Purged == nil {
					es = append(es, presenceEntries(&d)...)
				}
				for _, e := range es {
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

// formatVersion is the format of the records a store written now holds (the golden file
// testdata/golden/records.txt pins it). A version that changes how a record is written raises
// it and reads the earlier formats; stores written before the number existed are format 1.
const formatVersion = 1

// checkFormat refuses a store written by a newer version of the program — this one could not
// read its records, and writing into it would spoil them — and records the format of a store
// that has none yet.
func (db *DB) checkFormat() error {
	return db.update(func(tx *Tx) error {
		v, ok, err := tx.get(keyFormat)
		if err != nil {
			return err
		}
		if ok && len(v) == 8 {
			if have := binary.BigEndian.Uint64(v); have > formatVersion {
				return &app.Error{Kind: app.Unavailable, Code: app.CodeStoreNewer,
					Args: map[string]string{"have": strconv.FormatUint(have, 10), "want": strconv.Itoa(formatVersion)}}
			}
			return nil
		}
		return tx.set(keyFormat, binary.BigEndian.AppendUint64(nil, formatVersion))
	})
}
