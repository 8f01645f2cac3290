package storage

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app/jsonenc"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// The records the store keeps, in format 1 (meta/format; the golden file testdata/golden
// pins every one). They are the store's own types, so a field renamed in the domain (app)
// changes nothing on disk. A dossier, voucher, participant and cover are kept in the shape of
// the protocol's version-1 payloads, which are frozen as the store's are (a change either
// cannot read is a new version), and mapped through app's payload mappings; the records only
// the desk keeps have their own structs below. A store of a later format is refused
// (store_newer); one of an earlier format is migrated on open.
type (
	dossierRecord     contract.DossierV1
	voucherRecord     contract.VoucherV1
	participantRecord contract.ParticipantV1
	coverRecord       contract.CoverV1
)

// voucherStateRecord is a voucher's state (app.VoucherState).
type voucherStateRecord struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Exception string            `json:"exception,omitempty"`
	Args      map[string]string `json:"args,omitempty"`
	Dossier   string            `json:"dossier,omitempty"`
	Period    int               `json:"period,omitempty"`
	Resolved  *resolutionRecord `json:"resolved,omitempty"`
	Updated   time.Time         `json:"updated"`
}

// resolutionRecord is how an exception was resolved (app.Resolution).
type resolutionRecord struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	Voucher string    `json:"voucher"`
	Reason  string    `json:"reason"`
}

// officeRecord is the office the store belongs to (app.Office).
type officeRecord struct {
	Agency   string                         `json:"agency"`
	Name     string                         `json:"name"`
	Province string                         `json:"province"`
	Commune  string                         `json:"commune"`
	Address  string                         `json:"address,omitempty"`
	Phone    string                         `json:"phone,omitempty"`
	Device   string                         `json:"device"`
	Created  time.Time                      `json:"created"`
	Workflow *contract.WorkflowAdjustmentV1 `json:"workflow,omitempty"`
}

// userRecord is an account of the desk (app.User); its password is in the keyring.
type userRecord struct {
	Name     string    `json:"name"`
	FullName string    `json:"full_name,omitempty"`
	Role     string    `json:"role"`
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

// noticeRecord is a notice from syncing for a person to decide (app.Notice).
type noticeRecord struct {
	ID       string                     `json:"id"`
	Kind     string                     `json:"kind"`
	Entity   string                     `json:"entity"`
	Reason   string                     `json:"reason,omitempty"`
	Args     map[string]string          `json:"args,omitempty"`
	Review   *contract.IdentityReviewV1 `json:"review,omitempty"`
	Op       *contract.Op               `json:"op,omitempty"`
	Created  time.Time                  `json:"created"`
	Resolved bool                       `json:"resolved,omitempty"`
	By       string                     `json:"by,omitempty"`
	Decision string                     `json:"decision,omitempty"`
}

// entitySyncRecord is what the centre last said about an entity (app.EntitySync).
type entitySyncRecord struct {
	Entity string    `json:"entity"`
	Kind   string    `json:"kind"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	OpID   string    `json:"op_id"`
	At     time.Time `json:"at"`
}

// draftRecord is an account's registration form in progress (app.Draft), the form in the
// protocol's shape.
type draftRecord struct {
	Form    contract.FormV1 `json:"form"`
	Touched map[string]bool `json:"touched,omitempty"`
	Saved   time.Time       `json:"saved"`
}

// auditRecord is an entry of the audit chain (app.AuditEntry): the personal ID it concerns is
// kept only as its keyed hash (Person).
type auditRecord struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Action string    `json:"action"`
	Entity string    `json:"entity"`
	Detail string    `json:"detail,omitempty"`
	Person string    `json:"person,omitempty"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

// record maps a domain value D to the store's record R and back.
type record[D, R any] struct {
	to   func(D) R
	from func(R) (D, error)
}

// get reads the record at k.
func (r record[D, R]) get(tx *Tx, k []byte) (D, bool, error) {
	var d D
	raw, ok, err := tx.get(k)
	if err != nil || !ok {
		return d, ok, err
	}
	d, err = r.decode(raw)
	if err != nil {
		return d, false, fmt.Errorf("decode %q: %w", k, err)
	}
	return d, true, nil
}

func (r record[D, R]) decode(raw []byte) (D, error) {
	var rec R
	if err := fastjson.Unmarshal(raw, &rec); err != nil {
		var d D
		return d, err
	}
	return r.from(rec)
}

func (r record[D, R]) encode(d D) ([]byte, error) { return marshal(r.to(d)) }

// marshal encodes v byte for byte as encoding/json.Marshal does
// (TestMarshalWritesWhatEncodingJSONWrites), faster: a registration encodes its dossier, its
// outbox operation and its audit entry. A raw message inside v (an operation's payload, made
// by json.Marshal) is compacted as it is rather than parsed again.
func marshal(v any) ([]byte, error) { return jsonenc.Marshal(v) }

// put writes d as the record at k.
func (r record[D, R]) put(tx *Tx, k []byte, d D) error {
	b, err := r.encode(d)
	if err != nil {
		return err
	}
	return tx.set(k, b)
}

// each decodes every record under prefix, in key order.
func (r record[D, R]) each(tx *Tx, prefix []byte, limit int, fn func(D) error) error {
	return tx.scan(prefix, limit, func(k, v []byte) error {
		d, err := r.decode(v)
		if err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		return fn(d)
	})
}

// eachDecodedAhead is each over a whole prefix with the records decoded on the machine's other
// cores while the scan reads on: the office's reports read every participant, and decoding is
// most of their time. fn is still called in key order, on the caller's goroutine, with the
// transaction to itself.
func (r record[D, R]) eachDecodedAhead(tx *Tx, prefix []byte, fn func(D) error) error {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 {
		return r.each(tx, prefix, 0, fn)
	}
	const batch = 64
	type job struct {
		keys, raws [][]byte
		out        []D
		err        error
		at         int // the index of the record whose decoding failed
		done       chan struct{}
	}
	jobs := make(chan *job, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out = make([]D, len(j.raws))
				for i, raw := range j.raws {
					if j.out[i], j.err = r.decode(raw); j.err != nil {
						j.at = i
						break
					}
				}
				close(j.done)
			}
		}()
	}
	var pending []*job // sent to the workers, in key order
	deliver := func(j *job) error {
		<-j.done
		good := j.out
		if j.err != nil {
			good = j.out[:j.at]
		}
		for _, d := range good {
			if err := fn(d); err != nil {
				return err
			}
		}
		if j.err != nil {
			return fmt.Errorf("decode %q: %w", j.keys[j.at], j.err)
		}
		return nil
	}
	send := func(j *job) error {
		jobs <- j
		pending = append(pending, j)
		if len(pending) <= 2*workers {
			return nil
		}
		first := pending[0]
		pending = pending[1:]
		return deliver(first)
	}
	newJob := func() *job { return &job{done: make(chan struct{})} }
	cur := newJob()
	var stopped error // what fn returned that ended the scan
	err := tx.scan(prefix, 0, func(k, v []byte) error {
		cur.keys, cur.raws = append(cur.keys, bytes.Clone(k)), append(cur.raws, bytes.Clone(v))
		if len(cur.raws) < batch {
			return nil
		}
		j := cur
		cur = newJob()
		stopped = send(j)
		return stopped
	})
	if err == nil && stopped == nil && len(cur.raws) > 0 {
		stopped = send(cur)
	}
	for err == nil && stopped == nil && len(pending) > 0 {
		first := pending[0]
		pending = pending[1:]
		stopped = deliver(first)
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	if errors.Is(stopped, errStop) {
		return nil
	}
	return stopped
}

// viaPayload is the record of a value kept in the shape of its protocol payload.
func viaPayload[D, P, R any](p app.Payload[D, P], to func(P) R, from func(R) P) record[D, R] {
	return record[D, R]{
		to:   func(d D) R { return to(p.To(d)) },
		from: func(r R) (D, error) { return p.From(from(r)) },
	}
}

// The records of the store.
var (
	dossiers = viaPayload(app.DossierPayload, func(p contract.DossierV1) dossierRecord { return dossierRecord(p) },
		func(r dossierRecord) contract.DossierV1 { return contract.DossierV1(r) })
	vouchers = viaPayload(app.VoucherPayload, func(p contract.VoucherV1) voucherRecord { return voucherRecord(p) },
		func(r voucherRecord) contract.VoucherV1 { return contract.VoucherV1(r) })
	participants = viaPayload(app.ParticipantPayload, func(p contract.ParticipantV1) participantRecord { return participantRecord(p) },
		func(r participantRecord) contract.ParticipantV1 { return contract.ParticipantV1(r) })
	covers = viaPayload(app.CoverPayload, func(p contract.CoverV1) coverRecord { return coverRecord(p) },
		func(r coverRecord) contract.CoverV1 { return contract.CoverV1(r) })
	voucherStates = record[app.VoucherState, voucherStateRecord]{to: voucherStateToRecord, from: voucherStateFromRecord}
	offices       = record[app.Office, officeRecord]{to: officeToRecord, from: officeFromRecord}
	users         = record[app.User, userRecord]{
		to: func(u app.User) userRecord {
			return userRecord{Name: u.Name, FullName: u.FullName, Role: string(u.Role), Created: u.Created, Disabled: u.Disabled}
		},
		from: func(r userRecord) (app.User, error) {
			return app.User{Name: r.Name, FullName: r.FullName, Role: app.Role(r.Role), Created: r.Created, Disabled: r.Disabled}, nil
		},
	}
	notices = record[app.Notice, noticeRecord]{to: noticeToRecord, from: noticeFromRecord}
	drafts  = record[app.Draft, draftRecord]{
		to: func(d app.Draft) draftRecord {
			return draftRecord{Form: app.FormPayload.To(d.Form), Touched: d.Touched, Saved: d.Saved}
		},
		from: func(r draftRecord) (app.Draft, error) {
			f, err := app.FormPayload.From(r.Form)
			return app.Draft{Form: f, Touched: r.Touched, Saved: r.Saved}, err
		},
	}
	audits = record[app.AuditEntry, auditRecord]{
		to: func(e app.AuditEntry) auditRecord {
			return auditRecord{Seq: e.Seq, At: e.At, User: e.User, Action: e.Action, Entity: e.Entity, Detail: e.Detail, Person: e.Person,
				Prev: e.Prev, Hash: e.Hash}
		},
		from: func(r auditRecord) (app.AuditEntry, error) {
			return app.AuditEntry{Seq: r.Seq, At: r.At, User: r.User, Action: r.Action, Entity: r.Entity, Detail: r.Detail, Person: r.Person,
				Prev: r.Prev, Hash: r.Hash}, nil
		},
	}
	entitySyncs = record[app.EntitySync, entitySyncRecord]{
		to:   func(s app.EntitySync) entitySyncRecord { return entitySyncRecord(s) },
		from: func(r entitySyncRecord) (app.EntitySync, error) { return app.EntitySync(r), nil },
	}
)

func voucherStateToRecord(s app.VoucherState) voucherStateRecord {
	r := voucherStateRecord{ID: s.ID, Status: string(s.Status), Exception: s.Exception, Args: s.Args, Dossier: s.Dossier,
		Period: s.Period, Updated: s.Updated}
	if s.Resolved != nil {
		res := resolutionRecord(*s.Resolved)
		r.Resolved = &res
	}
	return r
}

func voucherStateFromRecord(r voucherStateRecord) (app.VoucherState, error) {
	s := app.VoucherState{ID: r.ID, Status: app.VoucherStatus(r.Status), Exception: r.Exception, Args: r.Args, Dossier: r.Dossier,
		Period: r.Period, Updated: r.Updated}
	if r.Resolved != nil {
		res := app.Resolution(*r.Resolved)
		s.Resolved = &res
	}
	return s, nil
}

func officeToRecord(o app.Office) officeRecord {
	return officeRecord{Agency: o.Agency, Name: o.Name, Province: o.Province, Commune: o.Commune, Address: o.Address, Phone: o.Phone,
		Device: o.Device, Created: o.Created, Workflow: app.AdjustmentPayload.To(o.Workflow)}
}

func officeFromRecord(r officeRecord) (app.Office, error) {
	w, err := app.AdjustmentPayload.From(r.Workflow)
	return app.Office{Agency: r.Agency, Name: r.Name, Province: r.Province, Commune: r.Commune, Address: r.Address, Phone: r.Phone,
		Device: r.Device, Created: r.Created, Workflow: w}, err
}

func noticeToRecord(n app.Notice) noticeRecord {
	r := noticeRecord{ID: n.ID, Kind: n.Kind, Entity: n.Entity, Reason: n.Reason, Args: n.Args, Op: n.Op, Created: n.Created,
		Resolved: n.Resolved, By: n.By, Decision: n.Decision}
	if n.Review != nil {
		v := app.ReviewPayload.To(*n.Review)
		r.Review = &v
	}
	return r
}

func noticeFromRecord(r noticeRecord) (app.Notice, error) {
	n := app.Notice{ID: r.ID, Kind: r.Kind, Entity: r.Entity, Reason: r.Reason, Args: r.Args, Op: r.Op, Created: r.Created,
		Resolved: r.Resolved, By: r.By, Decision: r.Decision}
	if r.Review != nil {
		v, err := app.ReviewPayload.From(*r.Review)
		if err != nil {
			return n, err
		}
		n.Review = &v
	}
	return n, nil
}
