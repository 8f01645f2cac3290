package records

import (
	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// Tx is the part of a transaction of the office's store that the records service uses: the methods of
// app.Tx it calls and no others. The store passes its app.Tx (see app.TxStore).
type Tx interface {
	// Audit appends an entry to the hash-chained audit log.
	Audit(e app.AuditEntry) error
	ByOldCode(code string) ([]app.Summary, error)
	// ByPersonalID and ByOldCode list every dossier of the person, closed ones included.
	ByPersonalID(pid string) ([]app.Summary, error)
	// Cover reads the book cover of a personal ID.
	Cover(pid string) (app.BookCover, bool, error)
	// Covers lists covers in a status, oldest first.
	Covers(status app.CoverStatus, limit int) ([]app.BookCover, error)
	// CoversIssuedOn lists the covers issued on a day.
	CoversIssuedOn(day calendar.Date) ([]app.BookCover, error)
	Dossier(code string) (app.Dossier, bool, error)
	// Enqueue appends an operation to the outbox, filling its id, device sequence and clock.
	Enqueue(op contract.Op) (contract.Op, error)
	// Exceptions lists vouchers waiting for an officer's decision, oldest first.
	Exceptions(limit int) ([]app.VoucherView, error)
	Office() (app.Office, bool, error)
	// Participant reads a participant by personal ID.
	Participant(pid string) (app.Participant, bool, error)
	// PutCover writes a cover and moves its index entries from prev (nil for a new one).
	PutCover(c *app.BookCover, prev *app.BookCover) error
	// PutDossier stores d and moves its index entries from prev (nil for a new dossier).
	PutDossier(d *app.Dossier, prev *app.Dossier) error
	// PutParticipant writes a participant.
	PutParticipant(p app.Participant) error
	// EachParticipant calls fn with every participant, in personal ID order.
	EachParticipant(fn func(app.Participant) error) error
	// PutSigningKey stores this device's private signing key.
	PutSigningKey(key []byte) error
	// PutVoucher stores a new voucher with its state; a voucher is never rewritten.
	PutVoucher(v app.Voucher, st app.VoucherState) error
	// PutVoucherState replaces a voucher's state (moving it in or out of the exceptions queue).
	PutVoucherState(st app.VoucherState) error
	// SigningKey reads this device's private signing key (nil, false before one is made).
	SigningKey() ([]byte, bool, error)
	// Voucher reads a voucher and its state.
	Voucher(id string) (app.VoucherView, bool, error)
	// VouchersByReceipt lists the vouchers with a receipt number.
	VouchersByReceipt(receiptNo string) ([]app.VoucherView, error)
	// Prefetch reads the vouchers under each receipt number and the dossiers of each personal ID
	// ahead, before the transaction writes: a batch's later lookups then cost no index scan over
	// the batch's own writes. It changes no answer.
	Prefetch(receipts, pids []string) error
	// VouchersOf lists the vouchers of a personal ID, oldest first.
	VouchersOf(pid string) ([]app.VoucherView, error)
}

// Store is what the records service needs of the office's store.
type Store interface {
	// Update runs fn in one durable read-write transaction (app.Store.Update).
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error
}
