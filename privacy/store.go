package privacy

import (
	"time"

	"bhxhdesk/contract"

	"bhxhdesk/app"
)

// Tx is the part of a transaction of the office's store that the privacy duties uses: the methods of
// app.Tx it calls and no others. The store passes its app.Tx (see app.TxStore).
type Tx interface {
	// Audit appends an entry to the hash-chained audit log.
	Audit(e app.AuditEntry) error
	// ByPersonalID and ByOldCode list every dossier of the person, closed ones included.
	ByPersonalID(pid string) ([]app.Summary, error)
	// Counts returns how many dossiers are in each state.
	Counts() (map[app.State]int, error)
	// Cover reads the book cover of a personal ID.
	Cover(pid string) (app.BookCover, bool, error)
	// DigestLines lists the digest line of every dossier, voucher, period and cover.
	DigestLines() ([]contract.DigestLine, error)
	Dossier(code string) (app.Dossier, bool, error)
	// DossiersInState lists the codes of the dossiers in a state.
	DossiersInState(s app.State) ([]string, error)
	// EntitySync reads what the centre last said of an entity; PutEntitySync records it.
	EntitySync(entity string) (app.EntitySync, bool, error)
	Office() (app.Office, bool, error)
	// OutboxAfter lists up to limit outbox operations with a device sequence after seq, in order.
	OutboxAfter(seq uint64, limit int) ([]contract.Op, error)
	// Participant reads a participant by personal ID.
	Participant(pid string) (app.Participant, bool, error)
	// PendingOps counts the operations in the outbox.
	PendingOps() (int, error)
	// PeopleHeld counts the distinct personal IDs the store holds data of, and the purged
	// dossiers.
	PeopleHeld() (people, purged int, err error)
	// PurgeDossier replaces a closed dossier by a record without personal data (code, state,
	// dates, the steps' times) and returns the SHA-256 of what it removed.
	PurgeDossier(d *app.Dossier, at time.Time) (string, error)
	Users() ([]app.User, error)
	// Setting reads a named setting of the desk.
	Setting(name string) ([]byte, bool, error)
	// VouchersOf lists the vouchers of a personal ID, oldest first.
	VouchersOf(pid string) ([]app.VoucherView, error)
}

// Store is what the privacy duties needs of the office's store.
type Store interface {
	// Update runs fn in one durable read-write transaction (app.Store.Update).
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error
	// AuditEntries lists the audit log from sequence number from (1 when 0) on.
	AuditEntries(from uint64) ([]app.AuditEntry, error)
	// PersonRef is the keyed hash the audit log keeps for a personal ID.
	PersonRef(pid string) string
	// VerifyAudit walks the audit hash chain.
	VerifyAudit() (app.AuditReport, error)
}
