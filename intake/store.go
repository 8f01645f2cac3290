package intake

import (
	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// Tx is the part of a transaction of the office's store that the intake service uses: the methods of
// app.Tx it calls and no others. The store passes its app.Tx (see app.TxStore).
type Tx interface {
	// AtStep lists open dossiers at a step, by the step's deadline.
	AtStep(step string, limit int) ([]app.Summary, error)
	// Audit appends an entry to the hash-chained audit log.
	Audit(e app.AuditEntry) error
	// ByHandler lists pending dossiers last handled by the account, by due date.
	ByHandler(user string, limit int) ([]app.Summary, error)
	ByOldCode(code string) ([]app.Summary, error)
	// ByPersonalID and ByOldCode list every dossier of the person, closed ones included.
	ByPersonalID(pid string) ([]app.Summary, error)
	// Counts returns how many dossiers are in each state.
	Counts() (map[app.State]int, error)
	DeleteDraft(user string) error
	Dossier(code string) (app.Dossier, bool, error)
	// DossiersInState lists the codes of the dossiers in a state.
	DossiersInState(s app.State) ([]string, error)
	// Draft reads an account's registration form in progress; PutDraft writes it, DeleteDraft
	// removes it.
	Draft(user string) (app.Draft, bool, error)
	// Due lists pending (open or returned) dossiers with a due date in [from, to].
	Due(from, to calendar.Date, limit int) ([]app.Summary, error)
	// Enqueue appends an operation to the outbox, filling its id, device sequence and clock.
	Enqueue(op contract.Op) (contract.Op, error)
	// NextSeq returns the next value (from 1) of a named counter.
	NextSeq(name string) (uint64, error)
	Office() (app.Office, bool, error)
	// Participant reads the person's record (periods, decisions, the centre's history).
	Participant(pid string) (app.Participant, bool, error)
	// Cover reads the person's book cover (made from their first matched payment).
	Cover(pid string) (app.BookCover, bool, error)
	// PutDossier stores d and moves its index entries from prev (nil for a new dossier).
	PutDossier(d *app.Dossier, prev *app.Dossier) error
	PutDraft(user string, d app.Draft) error
	PutNotice(n app.Notice) error
	PutOffice(app.Office) error
	PutSetting(name string, value []byte) error
	PutUser(app.User) error
	// SameName lists the dossiers whose folded full name is nameKey and whose birth date agrees
	// with birth ("1990-05-17", "1990-05" or "1990") at the precision both give: the
	// duplicate check. A year lists every dossier of the name born that year.
	SameName(nameKey, birth string) ([]app.Summary, error)
	// SearchCode lists dossiers whose code ends with part from one of its dashes.
	SearchCode(part string, limit int) ([]app.Summary, error)
	// SearchName lists dossiers whose folded full name, or a later word of it onwards, starts
	// with prefix.
	SearchName(prefix string, limit int) ([]app.Summary, error)
	// SearchPersonalID lists dossiers whose personal ID starts or ends with digits.
	SearchPersonalID(digits string, limit int) ([]app.Summary, error)
	// SearchPhone lists dossiers whose phone number starts or ends with digits.
	SearchPhone(digits string, limit int) ([]app.Summary, error)
	// Setting reads a named setting of the desk; PutSetting writes it.
	Setting(name string) ([]byte, bool, error)
	User(name string) (app.User, bool, error)
	Users() ([]app.User, error)
}

// Store is what the intake service needs of the office's store.
type Store interface {
	// Update runs fn in one durable read-write transaction (app.Store.Update).
	Update(fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(fn func(Tx) error) error
	// AddCredential gives a new account its keyslot; SetCredential replaces an account's
	// password. The store's data is never re-encrypted.
	AddCredential(user, password string) error
	// Authenticate checks an account's password against its keyslot (with the per-account
	// back-off of failed attempts).
	Authenticate(user, password string) error
	// RemoveCredential takes an account's keyslot away (undoing an AddCredential).
	RemoveCredential(user string) error
	SetCredential(user, password string) error
	// VerifyAudit walks the audit hash chain.
	VerifyAudit() (app.AuditReport, error)
}
