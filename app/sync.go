package app

import (
	"encoding/json"
	"path"
	"strings"
	"time"

	"bhxhdesk/app/jsonenc"
	"bhxhdesk/contract"
)

// The statuses the central services give a pushed operation (DESIGN §3).
const (
	OpApplied   = contract.OpApplied   // applied now
	OpDuplicate = contract.OpDuplicate // applied before: the stored result is returned
	OpConflict  = contract.OpConflict  // refused because the centre's copy moved on; a person decides
	OpRejected  = contract.OpRejected  // refused for a reason (Reason, Args)
)

// The kinds of changes the central services send an office (pull): contract's.
const (
	ChangeVoucher        = contract.ChangeVoucher
	ChangeCoverConfirmed = contract.ChangeCoverConfirmed
	ChangeIdentityReview = contract.ChangeIdentityReview
	ChangeIdentityFixed  = contract.ChangeIdentityFixed
	ChangeParticipant    = contract.ChangeParticipant
	ChangeRuleFile       = contract.ChangeRuleFile
	ChangeOpConflict     = contract.ChangeOpConflict
	ChangeCoverConflict  = contract.ChangeCoverConflict
	ChangeOfficeWorkflow = contract.ChangeOfficeWorkflow
	ChangeOfficeRecord   = contract.ChangeOfficeRecord
)

// RuleFile is the payload of a ChangeRuleFile: a file of the reference data, by its path under
// the rules folder (e.g. "rules/reference_level.json", "calendar/2028.json", "keys/central.json").
type RuleFile = contract.RuleFileV1

// ValidRuleFilePath reports whether p names a reference-data file a desk may receive: a JSON
// file under rules/, calendar/, workflows/ or keys/, with no way out of the rules folder.
func ValidRuleFilePath(p string) bool {
	top, rest, ok := strings.Cut(p, "/")
	if !ok || rest == "" || strings.Contains(p, "..") || strings.Contains(p, "\\") || strings.HasPrefix(p, "/") ||
		!strings.HasSuffix(p, ".json") || path.Clean(p) != p {
		return false
	}
	return top == "rules" || top == "calendar" || top == "workflows" || top == "keys"
}

// IdentityRecord is one identity under which a personal ID was registered.
type IdentityRecord struct {
	Office    string `json:"office"`
	Dossier   string `json:"dossier"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"`
	Gender    string `json:"gender"`
}

// IdentityReview is a personal ID registered with differing names, birth dates or genders: the
// centre links them to one person and never merges them by itself.
type IdentityReview struct {
	ID         string    `json:"id"`
	PersonalID string    `json:"personal_id"`
	Created    time.Time `json:"created"`
	// Decider is the office that decides: the person's first registration ("" from a centre of
	// an earlier version: any office of the person). The other offices receive only their own
	// records and the fields that differ.
	Decider string           `json:"decider,omitempty"`
	Records []IdentityRecord `json:"records"`
	// Differs names the fields that differ: full_name, birth_date, gender.
	Differs  []string        `json:"differs"`
	Resolved *IdentityRecord `json:"resolved,omitempty"` // the identity decided on
	By       string          `json:"by,omitempty"`
}

// RedactedFor is the review as office may see it: every record when it decides, else only its
// own records (the fields that differ say what is in question).
func (r IdentityReview) RedactedFor(office string) IdentityReview {
	if r.Decider == "" || office == r.Decider {
		return r
	}
	var own []IdentityRecord
	for _, rec := range r.Records {
		if rec.Office == office {
			own = append(own, rec)
		}
	}
	r.Records = own
	return r
}

// DiffIdentity lists the fields in which two identities differ: the name by its folded key (so
// NFC/NFD and old/new tone marks are the same name), the birth date and the gender.
func DiffIdentity(a, b IdentityRecord) []string {
	var out []string
	if FoldKey(a.FullName) != FoldKey(b.FullName) {
		out = append(out, "full_name")
	}
	if a.BirthDate != b.BirthDate {
		out = append(out, "birth_date")
	}
	if a.Gender != b.Gender {
		out = append(out, "gender")
	}
	return out
}

// EntitySync is what the centre last said about an entity's operations, for the per-dossier
// sync state the screens show.
type EntitySync struct {
	Entity string    `json:"entity"`
	Kind   string    `json:"kind"`
	Status string    `json:"status"` // applied, duplicate, conflict, rejected
	Reason string    `json:"reason,omitempty"`
	OpID   string    `json:"op_id"`
	At     time.Time `json:"at"`
}

// Notice is something from syncing that a person must look at and decide: an identity
// review, an operation in conflict or rejected.
type Notice struct {
	ID       string            `json:"id"`
	Kind     string            `json:"kind"` // identity_review, op_conflict, op_rejected
	Entity   string            `json:"entity"`
	Reason   string            `json:"reason,omitempty"`
	Args     map[string]string `json:"args,omitempty"`
	Review   *IdentityReview   `json:"review,omitempty"`
	Op       *contract.Op      `json:"op,omitempty"`
	Created  time.Time         `json:"created"`
	Resolved bool              `json:"resolved,omitempty"`
	By       string            `json:"by,omitempty"`
	Decision string            `json:"decision,omitempty"`
}

// PeriodDigestLine is a period's line of the office digest (contract.PeriodLine).
func PeriodDigestLine(pid string, p Period) contract.DigestLine {
	return contract.PeriodLine(pid, p.From.String(), p.To.String(), p.Voucher, int64(p.Paid))
}

// OpOfficeWorkflow is the operation (and the change the centre sends the office's other desks)
// that carries the office's workflow adjustment.
const OpOfficeWorkflow = contract.OpOfficeWorkflow

// OpReportMonthly is the operation that sends the office's monthly report to the centre.
const OpReportMonthly = contract.OpReportMonthly

// OpParticipantEvent is the operation that sends a decision on a participant to the centre.
const OpParticipantEvent = contract.OpParticipantEvent

// OfficeWorkflowChange is the payload of OpOfficeWorkflow: the office's workflow adjustment (nil
// when it went back to the province's) and the desk that made it.
type OfficeWorkflowChange struct {
	Adjustment *WorkflowAdjustment `json:"adjustment"`
	Device     string              `json:"device"`
}

// SyncState is what the sync engine is doing: the status bar's words.
type SyncState string

// The states of the sync engine.
const (
	SyncOffline  SyncState = "offline"  // not enrolled, or the centre cannot be reached
	SyncSyncing  SyncState = "syncing"  // a round is running
	SyncFailed   SyncState = "failed"   // the last round failed for a reason a person must fix (Reason)
	SyncUpToDate SyncState = "uptodate" // the last round finished and nothing is pending
	SyncWaiting  SyncState = "waiting"  // the last round finished; work done since waits for the next
)

// SyncStatus is the sync engine's status, the one type the engine keeps, the desk reports and
// the screens show.
type SyncStatus struct {
	State       SyncState
	Reason      error // why it is offline or failed; nil otherwise
	LastSuccess time.Time
	Pending     int
	NextTry     time.Time // when the next attempt is due after a failure
	Rounds      int       // completed rounds since start
	// The round under way (or the last one): operations to send when it began, sent so far,
	// and changes received, for the status bar's progress on a long first sync.
	ToSend, Sent, Received int
}

// Enqueue puts an operation of kind on entity in the outbox, its payload one of the protocol's
// payload structs (the mappings of payload.go give them), based on the entity's version base.
func Enqueue[P contract.Payload](tx Outbox, kind contract.OpKind, entity string, base int, payload P, now time.Time) error {
	b, err := jsonenc.Marshal(payload) // the bytes encoding/json writes, faster
	if err != nil {
		return err
	}
	_, err = tx.Enqueue(contract.Op{Kind: kind, EntityID: entity, BaseVersion: base, Payload: b, Created: now})
	return err
}

// LastSync reads the time of the last complete round (zero before the first).
func LastSync(tx SettingReader) (time.Time, error) {
	raw, ok, err := tx.Setting(SettingLastSync)
	if err != nil || !ok {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, string(raw))
}

// Settings names of the sync state kept in the store.
const (
	SettingCursor   = "sync/cursor"    // the pull cursor (uint64, decimal)
	SettingCentral  = "sync/central"   // the central services' URL
	SettingToken    = "sync/token"     // the device token given at enrolment
	SettingLastSync = "sync/last_sync" // RFC 3339 time of the last complete round
	// SettingReconcile is set after a restore from backup: before pushing, ask the centre which
	// pending operations it already has, so none is sent twice.
	SettingReconcile = "sync/reconcile"
	// SettingAnchors are the audit chain's heads the centre acknowledged (the last ones).
	SettingAnchors = "audit/anchors"
)

// Anchors reads the audit chain's heads the centre acknowledged (SettingAnchors), oldest first.
func Anchors(tx SettingReader) ([]contract.AuditAnchor, error) {
	raw, ok, err := tx.Setting(SettingAnchors)
	if err != nil || !ok {
		return nil, err
	}
	var out []contract.AuditAnchor
	return out, json.Unmarshal(raw, &out)
}

// SettingOrigin is the machine and folder the store was last opened in (intake's NoteOrigin).
const SettingOrigin = "device/origin"
