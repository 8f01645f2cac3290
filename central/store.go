package central

import (
	"context"
	"encoding/json"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

// Store is the reference server's state: what the intake, records and accounting services keep.
// Badger (BadgerStore, the embedded default: one process) and PostgreSQL (PostgresStore: a
// province or the nation, several replicas) implement it, and one conformance suite runs every
// test of the centre against both. No method relies on key order beyond what each promises,
// every read-modify-write happens inside one Update, and nothing on a request path reads the
// records of other offices: what an office asks for is found through its own indexes.
type Store interface {
	// Update runs fn in one serializable read-write transaction; conflicts between concurrent
	// transactions are retried by the store. An error from fn aborts and is returned unchanged.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a consistent read-only snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Ping checks that the store answers (the health check).
	Ping(ctx context.Context) error
	Close() error
}

// Tx is one transaction of the central store. Reads return ok=false when the record is absent.
type Tx interface {
	Office(agency string) (Office, bool, error)
	PutOffice(o Office) error
	// Offices lists every office, in agency order.
	Offices() ([]Office, error)
	Device(id string) (Device, bool, error)
	DeviceByToken(tokenHash string) (Device, bool, error)
	PutDevice(d Device) error
	// Devices lists every device (the trusted-keys file, the administrator's list).
	Devices() ([]Device, error)
	// DevicesOf lists the devices of an office ("*feed*" for the feeds).
	DevicesOf(office string) ([]Device, error)
	// KeyHolder is the device that holds or held the signing key id (false when none does).
	KeyHolder(keyID seal.KeyID) (Device, bool, error)
	// LockDevice makes the transactions of one device wait for each other, whichever replica
	// runs them, so a desk's pushes apply in the order they were sent.
	LockDevice(id string) error

	// OpResult reads the stored result of an operation id (exactly-once).
	OpResult(opID string) (StoredOp, bool, error)
	// ClaimOp records r as applied unless its op id is known: then it returns the stored one
	// and claimed false. It writes before it reads, so that concurrent pushes of new
	// operations do not wait for or abort each other over the index of operation ids.
	ClaimOp(r StoredOp) (prev StoredOp, claimed bool, err error)
	PutOpResult(r StoredOp) error
	// OpsOf lists the operations a device's pushes applied, by op id.
	OpsOf(device string) ([]StoredOp, error)

	Dossier(code string) (Dossier, bool, error)
	PutDossier(d Dossier) error
	Person(pid string) (Person, bool, error)
	PutPerson(p Person) error
	Voucher(id string) (Voucher, bool, error)
	PutVoucher(v Voucher) error
	// InsertVoucher stores v unless a voucher with its id exists (inserted false then).
	InsertVoucher(v Voucher) (inserted bool, err error)
	Cover(pid string) (Cover, bool, error)
	PutCover(c Cover) error
	Review(id string) (app.IdentityReview, bool, error)
	PutReview(r app.IdentityReview) error
	// Reviews lists the identity reviews, open ones only unless all.
	Reviews(all bool) ([]app.IdentityReview, error)
	// Unrouted lists feed vouchers waiting for the personal ID to be known at an office;
	// PutUnrouted and DeleteUnrouted maintain them.
	Unrouted(pid string) ([]string, error)
	PutUnrouted(pid, voucherID string) error
	DeleteUnrouted(pid, voucherID string) error
	// Meta reads a named value of the centre's own bookkeeping; PutMeta writes it.
	Meta(name string) ([]byte, bool, error)
	PutMeta(name string, v []byte) error
	// TransferFile reads the highest sequence number of offline transfer files applied for a
	// device; PutTransferFile records one.
	TransferSeq(device string) (uint64, error)
	PutTransferSeq(device string, seq uint64) error

	// AppendChange adds a change for an audience (an office's agency code, or "*" for every
	// office). Its sequence number is given in commit order: a change becomes visible to
	// Changes only with a number above every number visible before it (LastChange), so a
	// reader that moves its cursor to LastChange never skips a change that commits later.
	AppendChange(audience string, c contract.Change) error
	// ReplaceChange appends c like AppendChange and removes the audience's earlier change of
	// the same kind and entity: for changes of which a desk needs only the last (a rule file),
	// so a desk that starts from nothing does not download every version.
	ReplaceChange(audience string, c contract.Change) error
	// Changes lists changes for any of the audiences with a sequence after `after`, in sequence
	// order, up to limit, leaving out those whose Origin is notFrom (when not "").
	Changes(audiences []string, after uint64, limit int, notFrom string) ([]contract.Change, error)
	// LastChange is the high-water mark of the log in this transaction's snapshot: every
	// change numbered up to it is visible, and every change not visible yet will be numbered
	// above it.
	LastChange() (uint64, error)
	// OfficeRecords lists, in key order after the key after ("" from the first), at most limit
	// (all when 0) records of a kind that belong to an office: "dossier" (received there),
	// "voucher" (recorded at or routed to it), "cover" (issued there), "person" (registered
	// there). Each is found through the office's index, not by reading the country's records.
	OfficeRecords(kind, office, after string, limit int) ([]Record, error)
}

// Record is a stored record and its key (a dossier code, voucher id or personal ID).
type Record struct {
	Key string
	Raw json.RawMessage
}

// Office is an office enrolled at the centre (cơ quan BHXH cấp huyện/cơ sở).
type Office struct {
	Agency   string    `json:"agency"`
	Name     string    `json:"name,omitempty"`
	Province string    `json:"province,omitempty"`
	Created  time.Time `json:"created"`
	// Workflow is the office's adjustment of its province's workflow, as its desks last sent it.
	Workflow *contract.WorkflowAdjustmentV1 `json:"workflow,omitempty"`
	// Codes are the device codes in the office's dossier codes ("K7"), each the device that
	// claimed it with its first dossier (claimCode).
	Codes map[string]string `json:"codes,omitempty"`
	// Listing is how citizens find the office on the public pages (nil: not listed).
	Listing *OfficeListing `json:"listing,omitempty"`
}

// OfficeListing is an office as the province lists it for citizens: where it is and whether it
// receives declarations made online (public service 602e).
type OfficeListing struct {
	Name     string `json:"name"`
	Province string `json:"province"` // current two-digit code
	Commune  string `json:"commune"`  // five-digit code
	Address  string `json:"address,omitempty"`
	Online   bool   `json:"online"`
}

// Device is one desk of an office, enrolled by an administrator. Only the token's SHA-256 is
// kept; the public key checks the desk's sealed printouts.
type Device struct {
	ID        string `json:"id"` // agency + "/" + name
	Office    string `json:"office"`
	Name      string `json:"name"`
	TokenHash string `json:"token_hash"`
	// Key is the desk's public signing key for sealed printouts, once registered.
	Key *seal.TrustedKey `json:"key,omitempty"`
	// OldKeys are the keys the device had before a re-enrolment, each revoked from then.
	OldKeys []seal.TrustedKey `json:"old_keys,omitempty"`
	Created time.Time         `json:"created"`
	// Anchor is the last head of the desk's audit chain the centre acknowledged; AuditBroken
	// says why a later head did not continue it (audit_rewritten, audit_truncated), and when.
	Anchor        *contract.AuditAnchor `json:"anchor,omitempty"`
	AuditBroken   string                `json:"audit_broken,omitempty"`
	AuditBrokenAt time.Time             `json:"audit_broken_at,omitzero"`
	Revoked       time.Time             `json:"revoked,omitzero"`
	// TakesOfficeRecords is set for one request: the desk said it applies office records
	// (TakesOfficeRecords in its Sync-Takes header). Never stored.
	TakesOfficeRecords bool `json:"-"`
}

// StoredOp is an applied operation's identity and result, kept so that a repeat gets the same
// answer and a different payload under the same id is refused.
type StoredOp struct {
	OpID        string            `json:"op_id"`
	Device      string            `json:"device"`
	DeviceSeq   uint64            `json:"device_seq"`
	HLC         uint64            `json:"hlc"`
	Kind        string            `json:"kind"`
	Entity      string            `json:"entity"`
	PayloadHash string            `json:"payload_hash"`
	Result      contract.OpResult `json:"result"`
	Applied     time.Time         `json:"applied"`
}

// Dossier is the centre's copy of an office's dossier (intake service).
type Dossier struct {
	Code            string          `json:"code"`
	Office          string          `json:"office"`
	PersonalID      string          `json:"personal_id"`
	Version         int             `json:"version"`
	Body            json.RawMessage `json:"body"` // the app.Dossier as the office sent it, events applied
	CentralReceived time.Time       `json:"central_received"`
}

// Person is one participant of the records service: exactly one per personal ID, linked to
// every registration made for that ID anywhere.
type Person struct {
	PersonalID string               `json:"personal_id"`
	Identity   app.IdentityRecord   `json:"identity"` // the identity in force
	Records    []app.IdentityRecord `json:"records"`  // every registration's identity
	Offices    []string             `json:"offices"`
	Periods    []app.Period         `json:"periods"`
	Review     string               `json:"review,omitempty"` // open identity review
	// Events are the offices' decisions on the person (OpParticipantEvent); History what the
	// national records say beyond the periods (SetHistory).
	Events  []app.LifeEvent     `json:"events,omitempty"`
	History *app.CentralHistory `json:"history,omitempty"`
	Version int                 `json:"version"`
}

// HasOffice reports whether an office registered the person.
func (p *Person) HasOffice(agency string) bool {
	for _, o := range p.Offices {
		if o == agency {
			return true
		}
	}
	return false
}

// Voucher is a payment voucher at the centre: from an office or from the accounting feed.
type Voucher struct {
	ID         string          `json:"id"`
	PersonalID string          `json:"personal_id"`
	Office     string          `json:"office,omitempty"` // the office it was recorded at or routed to
	Source     string          `json:"source"`
	Body       json.RawMessage `json:"body"`
	Received   time.Time       `json:"received"`
}

// Cover is the centre's book cover of a person: at most one per personal ID.
type Cover struct {
	PersonalID  string          `json:"personal_id"`
	Office      string          `json:"office"`
	Status      app.CoverStatus `json:"status"`
	Body        json.RawMessage `json:"body"`
	ConfirmedAt time.Time       `json:"confirmed_at,omitzero"`
	Prints      int             `json:"prints"`
}
