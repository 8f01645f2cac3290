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
}

// Page is one page of changes after a cursor.
type Page struct {
	Changes []Change `json:"changes"`
	Cursor  uint64   `json:"cursor"` // the cursor to ask from next time
	More    bool     `json:"more"`
}
