package storage

import "github.com/dgraph-io/badger/v4"

// RawRecords walks every key of the store in order with its value as stored (decrypted by
// Badger), for the tests that pin the disk format.
func (db *DB) RawRecords(fn func(key, value []byte)) error {
	return db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fn(it.Item().KeyCopy(nil), v)
		}
		return nil
	})
}
