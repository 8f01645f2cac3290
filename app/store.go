package app

import (
	"time"

	"bhxhdesk/contract"

	"bhxhdesk/app/calendar"
)

// Store is what the services need of the office's encrypted local store (implemented by the
// storage package). Everything one use case writes goes through one Update, so the entity, its
// indexes, the outbox operation and the audit entry are stored together or not at all.
type Store interface {
	// Update runs fn in one durable read-write transaction; write conflicts are retried by the
	// store. An error returned by fn aborts the transaction and is returned unchanged.
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error

	// Authenticate checks an account's password against its keyslot (with the per-account
	// back-off of failed attempts).
	Authenticate(user, password string) error
	// AddCredential gives a new account its keyslot; SetCredential replaces an account's
	// password. The store's data is never re-encrypted.
	AddCredential(user, password string) error
	SetCredential(user, password string) error
	// RemoveCredential takes an account's keyslot away (undoing an AddCredential).
	RemoveCredential(user string) error
	// VerifyAudit walks the audit hash chain.
	VerifyAudit() (AuditReport, error)
	// AuditEntries lists the audit log from sequence number from (1 when 0) on.
	AuditEntries(from uint64) ([]AuditEntry, error)
	// PersonRef is the keyed hash the audit log keeps for a personal ID.
	PersonRef(pid string) string
}

// Tx is one transaction of the store. Lists come back in index order (due date, then code)
// and stop at limit rows when limit > 0.
type Tx interface {
	Office() (Office, bool, error)
	PutOffice(Office) error
	User(name string) (User, bool, error)
	PutUser(User) error
	Users() ([]User, error)

	Dossier(code string) (Dossier, bool, error)
	// PutDossier stores d and moves its index entries from prev (nil for a new dossier).
	PutDossier(d *Dossier, prev *Dossier) error

	// ByPersonalID and ByOldCode list every dossier of the person, closed ones included.
	ByPersonalID(pid string) ([]Summary, error)
	ByOldCode(code string) ([]Summary, error)
	// SameName lists the dossiers whose folded full name is nameKey and whose birth date agrees
	// with birth ("1990-05-17", "1990-05" or "1990") at the precision both give: the
	// duplicate check. A year lists every dossier of the name born that year.
	SameName(nameKey, birth string) ([]Summary, error)
	// SearchName lists dossiers whose folded full name, or a later word of it onwards, starts
	// with prefix.
	SearchName(prefix string, limit int) ([]Summary, error)
	// SearchPhone lists dossiers whose phone number starts or ends with digits.
	SearchPhone(digits string, limit int) ([]Summary, error)
	// SearchCode lists dossiers whose code ends with part from one of its dashes.
	SearchCode(part string, limit int) ([]Summary, error)
	// SearchPersonalID lists dossiers whose personal ID starts or ends with digits.
	SearchPersonalID(digits string, limit int) ([]Summary, error)
	// Due lists pending (open or returned) dossiers with a due date in [from, to].
	Due(from, to calendar.Date, limit int) ([]Summary, error)
	// AtStep lists open dossiers at a step, by the step's deadline.
	AtStep(step string, limit int) ([]Summary, error)
	// ByHandler lists pending dossiers last handled by the account, by due date.
	ByHandler(user string, limit int) ([]Summary, error)
	// Counts returns how many dossiers are in each state.
	Counts() (map[State]int, error)

	// Voucher reads a voucher and its state.
	Voucher(id string) (VoucherView, bool, error)
	// PutVoucher stores a new voucher with its state; a voucher is never rewritten.
	PutVoucher(v Voucher, st VoucherState) error
	// PutVoucherState replaces a voucher's state (moving it in or out of the exceptions queue).
	PutVoucherState(st VoucherState) error
	// VouchersByReceipt lists the vouchers with a receipt number.
	VouchersByReceipt(receiptNo string) ([]VoucherView, error)
	// VouchersOf lists the vouchers of a personal ID, oldest first.
	VouchersOf(pid string) ([]VoucherView, error)
	// Exceptions lists vouchers waiting for an officer's decision, oldest first.
	Exceptions(limit int) ([]VoucherView, error)

	// Participant reads a participant by personal ID.
	Participant(pid string) (Participant, bool, error)
	// PutParticipant writes a participant.
	PutParticipant(p Participant) error
	// EachParticipant calls fn with every participant, in personal ID order (the office's
	// lists and reports).
	EachParticipant(fn func(Participant) error) error
	// Cover reads the book cover of a personal ID.
	Cover(pid string) (BookCover, bool, error)
	// PutCover writes a cover and moves its index entries from prev (nil for a new one).
	PutCover(c *BookCover, prev *BookCover) error
	// Covers lists covers in a status, oldest first.
	Covers(status CoverStatus, limit int) ([]BookCover, error)
	// CoversIssuedOn lists the covers issued on a day.
	CoversIssuedOn(day calendar.Date) ([]BookCover, error)
	// SigningKey reads this device's private signing key (nil, false before one is made).
	SigningKey() ([]byte, bool, error)
	// PutSigningKey stores this device's private signing key.
	PutSigningKey(key []byte) error

	// OutboxAfter lists up to limit outbox operations with a device sequence after seq, in order.
	OutboxAfter(seq uint64, limit int) ([]contract.Op, error)
	// DeleteOutbox removes an acknowledged operation; removed is false when it was not there.
	DeleteOutbox(seq uint64) (removed bool, err error)
	// PendingOps counts the operations in the outbox.
	PendingOps() (int, error)
	// Draft reads an account's registration form in progress; PutDraft writes it, DeleteDraft
	// removes it.
	Draft(user string) (Draft, bool, error)
	PutDraft(user string, d Draft) error
	DeleteDraft(user string) error
	// Setting reads a named setting of the desk; PutSetting writes it.
	Setting(name string) ([]byte, bool, error)
	PutSetting(name string, value []byte) error
	// EntitySync reads what the centre last said of an entity; PutEntitySync records it.
	EntitySync(entity string) (EntitySync, bool, error)
	PutEntitySync(st EntitySync) error
	// Notice reads one notice; Notices lists them (up to limit when > 0); PutNotice writes one.
	Notice(id string) (Notice, bool, error)
	Notices(limit int) ([]Notice, error)
	PutNotice(n Notice) error
	// DossiersInState lists the codes of the dossiers in a state.
	DossiersInState(s State) ([]string, error)
	// PurgeDossier replaces a closed dossier by a record without personal data (code, state,
	// dates, the steps' times) and returns the SHA-256 of what it removed.
	PurgeDossier(d *Dossier, at time.Time) (string, error)
	// PeopleHeld counts the distinct personal IDs the store holds data of, and the purged
	// dossiers.
	PeopleHeld() (people, purged int, err error)
	// DigestLines lists the digest line of every dossier, voucher, period and cover.
	DigestLines() ([]contract.DigestLine, error)

	// NextSeq returns the next value (from 1) of a named counter.
	NextSeq(name string) (uint64, error)
	// Enqueue appends an operation to the outbox, filling its id, device sequence and clock.
	Enqueue(op contract.Op) (contract.Op, error)
	// Audit appends an entry to the hash-chained audit log.
	Audit(e AuditEntry) error
}

// TxStore is a Store seen through a service's own transaction interface T — the few methods of
// Tx the service uses — so that a service names what it needs of the store and a store for
// tests or benchmarks implements only that. The store's transactions must implement T (every
// Tx does, as T is a subset of Tx).
type TxStore[T any] struct{ Store }

// Update runs fn in one durable read-write transaction of the store (Store.Update).
func (s TxStore[T]) Update(fn func(T) error) error {
	return s.Store.Update(func(tx Tx) error { return fn(any(tx).(T)) })
}

// View runs fn in a read-only snapshot of the store (Store.View).
func (s TxStore[T]) View(fn func(T) error) error {
	return s.Store.View(func(tx Tx) error { return fn(any(tx).(T)) })
}

// Outbox is the part of a transaction that queues operations for the centre.
type Outbox interface {
	// Enqueue appends an operation to the outbox (Tx.Enqueue).
	Enqueue(op contract.Op) (contract.Op, error)
}

// DossierWriter is the part of a transaction that writes a dossier and queues its change.
type DossierWriter interface {
	Outbox
	// PutDossier stores d and moves its index entries from prev (Tx.PutDossier).
	PutDossier(d *Dossier, prev *Dossier) error
}

// SettingReader is the part of a transaction that reads the desk's settings.
type SettingReader interface {
	// Setting reads a named setting of the desk (Tx.Setting).
	Setting(name string) ([]byte, bool, error)
}

// Base is the store a TxStore shows through T.
func (s TxStore[T]) Base() Store { return s.Store }

// ChainOf is a store's audit chain when it offers one for anchoring, seen through a TxStore
// too.
func ChainOf(st any) (AuditChain, bool) {
	if b, ok := st.(interface{ Base() Store }); ok {
		st = b.Base()
	}
	c, ok := st.(AuditChain)
	return c, ok
}
