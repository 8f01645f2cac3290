package continuity

import (
	"bhxhdesk/app"
)

// Tx is the part of a transaction of the office's store that the backups uses: the methods of
// app.Tx it calls and no others. The store passes its app.Tx (see app.TxStore).
type Tx interface {
	// Audit appends an entry to the hash-chained audit log.
	Audit(e app.AuditEntry) error
	Office() (app.Office, bool, error)
	PutOffice(app.Office) error
	PutSetting(name string, value []byte) error
	// Setting reads a named setting of the desk; PutSetting writes it.
	Setting(name string) ([]byte, bool, error)
}

// Store is what the backups needs of the office's store.
type Store interface {
	// Update runs fn in one durable read-write transaction (app.Store.Update).
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error
}
