package contract

import (
	"encoding/json"
	"time"
)

// Op is one change waiting in the outbox to be sent to the central services (DESIGN §3). The
// store fills OpID, DeviceSeq and HLC when it enqueues the operation.
type Op struct {
	OpID        string          `json:"op_id"` // UUIDv7
	DeviceSeq   uint64          `json:"device_seq"`
	HLC         uint64          `json:"hlc"` // hybrid logical clock: ms << 16 | counter
	Kind        OpKind          `json:"kind"`
	EntityID    string          `json:"entity_id"`
	BaseVersion int             `json:"base_version"`
	Payload     json.RawMessage `json:"payload"`
	Created     time.Time       `json:"created"`
}

// AnchorAnswer is the centre's answer: the anchor it now holds for the device, and, when the
// desk's chain no longer matches the anchor before, why (audit_rewritten, audit_truncated) —
// the centre keeps the old anchor and records the break for the province to see.
type AnchorAnswer struct {
	Accepted bool        `json:"accepted"`
	Reason   string      `json:"reason,omitempty"`
	Last     AuditAnchor `json:"last"`
}

// AuditAnchor is a head of the audit chain (the last entry's number and hash) that the centre
// acknowledged (mốc nhật ký): a chain cut or rewritten behind it no longer holds that entry.
type AuditAnchor struct {
	Seq  uint64    `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at,omitzero"`
}

// OpResult is the central services' answer to one pushed operation.
type OpResult struct {
	OpID          string            `json:"op_id"`
	Status        OpStatus          `json:"status"`
	Reason        string            `json:"reason,omitempty"` // a code with err.<code> messages
	Args          map[string]string `json:"args,omitempty"`
	ServerVersion int               `json:"server_version,omitempty"`
	// Assigned holds what the centre gave the entity (e.g. "central_received").
	Assigned map[string]string `json:"assigned,omitempty"`
	// Notice is set when the operation was applied but needs a person's attention (e.g.
	// "identity_review": the centre knows this personal ID with another name or birth date).
	Notice string `json:"notice,omitempty"`
}

// Change is one thing the central services tell an office.
type Change struct {
	Seq     uint64          `json:"seq"`
	Kind    ChangeKind      `json:"kind"`
	Entity  string          `json:"entity"`
	Payload json.RawMessage `json:"payload"`
	At      time.Time       `json:"at"`
	// Origin is the device (one enrolment of it) whose operation made the change (an office
	// record another desk of the office must receive). The centre keeps it to spare that
	// device its own change, and never sends it.
	Origin string `json:"origin,omitempty"`
}

// Page is one page of changes after a cursor.
type Page struct {
	Changes []Change `json:"changes"`
	Cursor  uint64   `json:"cursor"` // the cursor to ask from next time
	More    bool     `json:"more"`
}

// OfficeData is everything the centre holds for an office: what a desk that lost its store, or
// restored an older backup, downloads to carry on.
type OfficeData struct {
	Dossiers []json.RawMessage `json:"dossiers"` // DossierV1, events applied
	Vouchers []json.RawMessage `json:"vouchers"` // VoucherV1 from desks, FeedVoucherV1 from the feed
	People   []ParticipantV1   `json:"people"`   // the identity in force and the periods
	Covers   []json.RawMessage `json:"covers"`   // CoverV1 with the centre's status
	Cursor   uint64            `json:"cursor"`   // the change log's end when this was read
	// Workflow is the office's workflow adjustment the centre holds, if any.
	Workflow *WorkflowAdjustmentV1 `json:"workflow,omitempty"`
}

// StatePage is one page of what the centre holds for an office, so that no answer of a
// re-download grows with the office: the records of one part (dossiers, vouchers, people,
// covers) after a key, and where to go on.
type StatePage struct {
	Part   string            `json:"part"`
	Items  []json.RawMessage `json:"items,omitempty"`  // dossiers, vouchers or covers
	People []ParticipantV1   `json:"people,omitempty"` // people
	// Next is the key to ask after for the rest of the part ("" at its end).
	Next string `json:"next,omitempty"`
	// Cursor and Workflow are as OfficeData's, read when the page was.
	Cursor   uint64                `json:"cursor"`
	Workflow *WorkflowAdjustmentV1 `json:"workflow,omitempty"`
}

// AddPage adds a page's records to the state.
func (d *OfficeData) AddPage(pg StatePage) {
	switch pg.Part {
	case "dossiers":
		d.Dossiers = append(d.Dossiers, pg.Items...)
	case "vouchers":
		d.Vouchers = append(d.Vouchers, pg.Items...)
	case "people":
		d.People = append(d.People, pg.People...)
	case "covers":
		d.Covers = append(d.Covers, pg.Items...)
	}
}

// StateParts are the parts of an office's state, in the order a re-download reads them.
var StateParts = []string{"dossiers", "vouchers", "people", "covers"}

// AnchorRequest is what a desk sends to anchor its audit chain: its head now, and the hash its
// chain holds at the centre's last anchor for the device (PrevSeq; empty when it has no entry
// there any more).
type AnchorRequest struct {
	Head     AuditAnchor `json:"head"`
	PrevSeq  uint64      `json:"prev_seq"`
	PrevHash string      `json:"prev_hash"`
}
