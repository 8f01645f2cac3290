package officesync

import (
	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/records"
)

// Tx is the part of a transaction of the office's store that the office side of sync uses: the methods of
// app.Tx it calls and no others. The store passes its app.Tx (see app.TxStore).
// It holds records.Tx: pulled vouchers are applied by the records logic.
type Tx interface {
	records.Tx
	// DeleteOutbox removes an acknowledged operation; removed is false when it was not there.
	DeleteOutbox(seq uint64) (removed bool, err error)
	// DigestLines lists the digest line of every dossier, voucher, period and cover.
	DigestLines() ([]contract.DigestLine, error)
	// EntitySync reads what the centre last said of an entity; PutEntitySync records it.
	EntitySync(entity string) (app.EntitySync, bool, error)
	// NextSeq returns the next value (from 1) of a named counter.
	NextSeq(name string) (uint64, error)
	// Notice reads one notice; Notices lists them (up to limit when > 0); PutNotice writes one.
	Notice(id string) (app.Notice, bool, error)
	Notices(limit int) ([]app.Notice, error)
	// OutboxAfter lists up to limit outbox operations with a device sequence after seq, in order.
	OutboxAfter(seq uint64, limit int) ([]contract.Op, error)
	// PendingOps counts the operations in the outbox.
	PendingOps() (int, error)
	PutEntitySync(st app.EntitySync) error
	PutNotice(n app.Notice) error
	PutOffice(app.Office) error
	PutSetting(name string, value []byte) error
	// Setting reads a named setting of the desk; PutSetting writes it.
	Setting(name string) ([]byte, bool, error)
}

// Store is what the office side of sync needs of the office's store.
type Store interface {
	// Update runs fn in one durable read-write transaction (app.Store.Update).
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error
}
