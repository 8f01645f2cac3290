package central

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// The protocol's paths (v1).
const (
	PathSync      = "/v1/sync"              // POST: push a batch and pull a page in one round trip
	PathPush      = "/v1/sync/push"         // POST: push a batch
	PathPull      = "/v1/sync/pull"         // GET ?cursor=&limit=: pull a page
	PathKnown     = "/v1/sync/known"        // POST: which of these operation ids were applied
	PathState     = "/v1/office/state"      // GET: everything the centre holds for the office (older desks)
	PathStatePage = "/v1/office/state/page" // GET ?part=&after=&limit=: one page of it
	PathKey       = "/v1/device/key"        // POST: register the desk's public signing key
	PathDigest    = "/v1/digest"            // GET: the digest of what the centre holds for the office
	PathFeed      = "/v1/feed/vouchers"     // POST: the accounting feed posts vouchers
	PathHealth    = "/v1/health"            // GET: liveness, no authentication
	PathDevice    = "/v1/device"            // GET: the office and device a token belongs to (checked at enrolment)
	PathAnchor    = "/v1/audit/anchor"      // GET: the last audit head acknowledged; POST: anchor a new one
	PathAdmin     = "/v1/admin"             // POST: an administrator's command (admin token)
)

// PushRequest is the body of a push (and the push half of a sync).
type PushRequest struct {
	Ops Ops `json:"ops"`
}

// Ops is a request's batch of operations. Decoding stops past maxBatch: a body of millions of
// tiny objects is refused before it takes gigabytes, not after.
type Ops []contract.Op

func (o *Ops) UnmarshalJSON(b []byte) error {
	var out []contract.Op
	err := decodeArray(b, func(dec *json.Decoder) error {
		if len(out) == maxBatch {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Args: map[string]string{"max": strconv.Itoa(maxBatch)}}
		}
		var op contract.Op
		if err := dec.Decode(&op); err != nil {
			return err
		}
		out = append(out, op)
		return nil
	})
	*o = out
	return err
}

// IDs is a request's list of operation ids, bounded as Ops.
type IDs []string

func (ids *IDs) UnmarshalJSON(b []byte) error {
	var out []string
	err := decodeArray(b, func(dec *json.Decoder) error {
		if len(out) == maxBatch {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Args: map[string]string{"max": strconv.Itoa(maxBatch)}}
		}
		var id string
		if err := dec.Decode(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	*ids = out
	return err
}

// decodeArray calls each for every element of the JSON array b (null is an empty one).
func decodeArray(b []byte, each func(dec *json.Decoder) error) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errors.New("not an array")
	}
	for dec.More() {
		if err := each(dec); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// PushResponse answers a push: one result per operation, in the request's order.
type PushResponse struct {
	Results    []contract.OpResult `json:"results"`
	ServerTime time.Time           `json:"server_time"`
}

// SyncRequest pushes a batch and asks for the changes after a cursor.
type SyncRequest struct {
	Ops    Ops    `json:"ops"`
	Cursor uint64 `json:"cursor"`
	Limit  int    `json:"limit,omitempty"`
	// Compact asks for results without their operation ids (FeatureCompact): they come in
	// the order of Ops, and OpsDigest proves which operations they answer. The ids are random
	// (UUIDv7): echoing a thousand of them costs 17 kB, half a second at 256 kbit/s.
	Compact bool `json:"compact,omitempty"`
	// Anchor, when set, anchors the desk's audit chain in the same round trip (FeatureAnchor):
	// the answer's Anchor is what POST /v1/audit/anchor answers. It is sent only to a centre
	// that announced FeatureAnchor (an earlier one refuses a field it does not know).
	Anchor *contract.AnchorRequest `json:"anchor,omitempty"`
}

// SyncResponse carries the push results and a page of changes.
type SyncResponse struct {
	Results    []contract.OpResult `json:"results"`
	Page       contract.Page       `json:"page"`
	ServerTime time.Time           `json:"server_time"`
	// OpsDigest answers a compact request: OpsDigest(the request's operations).
	OpsDigest string `json:"ops_digest,omitempty"`
	// Anchor answers the request's Anchor; absent when it had none, or when the centre could
	// not anchor (the desk then anchors on its own, after the round).
	Anchor *contract.AnchorAnswer `json:"anchor,omitempty"`
}

// The features a server announces in the Sync-Features header of its answers (to clients that
// do not use them yet, like Accept-Encoding); a client uses one only once announced.
const (
	// FeatureCompact: the server takes SyncRequest.Compact.
	FeatureCompact = "compact-results"
	// FeatureAnchor: the server takes SyncRequest.Anchor. A round with new work then costs the
	// desk one round trip instead of two (the sync, then the anchor).
	FeatureAnchor = "audit-anchor"
)

// syncFeatures is the Sync-Features header of this server's answers.
const syncFeatures = FeatureCompact + ", " + FeatureAnchor

// TakesOfficeRecords is what a desk that applies office records (contract.ChangeOfficeRecord)
// says in the Sync-Takes header of its requests; the centre sends them to no other (a desk of
// an earlier version would keep a notice for every one).
const TakesOfficeRecords = "office-records"

// OpsDigest is the digest of a batch's operation ids, in order.
func OpsDigest(ops []contract.Op) string {
	h := sha256.New()
	for _, op := range ops {
		h.Write([]byte(op.OpID))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ErrorBody is every error answer: a code and the message in both languages.
type ErrorBody struct {
	Error     string `json:"error"`
	MessageVI string `json:"message_vi,omitempty"`
	MessageEN string `json:"message_en,omitempty"`
}

// KnownRequest asks which operation ids the centre applied.
type KnownRequest struct {
	OpIDs IDs `json:"op_ids"`
}
