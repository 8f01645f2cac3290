// Package central holds both ends of the sync protocol (DESIGN §3): the HTTP client the desk's
// sync engine uses, and the reference central server — intake (dossiers), records
// (participants, periods, covers) and the accounting feed (payment vouchers) — with its store.
package central

import (
	"bhxhdesk/contract"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"bhxhdesk/app"
)

// Service is the central services' logic over a Store: it applies pushed operations exactly
// once, keeps one person per personal ID, routes feed vouchers to offices and keeps the change
// log offices pull.
type Service struct {
	Store Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// OnPush, when set, is told of every push after it committed: the request's context, the
	// device, how many operations it carried and how many were repeats (tests and metrics).
	OnPush func(ctx context.Context, device string, ops, repeats int)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Roles of enrolled devices.
const (
	RoleDesk = "desk" // an office's desk: pushes its work, pulls its office's changes
	RoleFeed = "feed" // the central accounting system: posts payment vouchers
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// Enroll registers a device of an office (creating the office) and returns its token, shown
// once: only its SHA-256 is kept. role is RoleDesk or RoleFeed.
func (s *Service) Enroll(ctx context.Context, agency, name, role string) (Device, string, error) {
	agency = strings.ToUpper(strings.TrimSpace(agency))
	if role == "" {
		role = RoleDesk
	}
	if role == RoleDesk {
		// A desk's device code is part of its dossier codes, in capitals ("K7C"): "k7c" typed
		// at enrolment is the same device, and its signing key must say so.
		name = strings.ToUpper(strings.TrimSpace(name))
	}
	if !namePattern.MatchString(name) || (role == RoleDesk && !namePattern.MatchString(agency)) || (role != RoleDesk && role != RoleFeed) {
		return Device{}, "", &app.Error{Kind: app.Invalid, Code: "bad_enrolment", Args: map[string]string{"office": agency, "device": name}}
	}
	if role == RoleFeed {
		agency = "*feed*"
	}
	token, err := newToken()
	if err != nil {
		return Device{}, "", err
	}
	d := Device{ID: agency + "/" + name, Office: agency, Name: name, TokenHash: TokenHash(token), Created: s.now()}
	if role == RoleFeed {
		d.ID = "feed/" + name
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		// The same device in any case: one enrolled as "k7c" before codes were kept in
		// capitals is K7C.
		devs, err := tx.Devices()
		if err != nil {
			return err
		}
		for _, old := range devs {
			if !strings.EqualFold(old.ID, d.ID) {
				continue
			}
			if old.Revoked.IsZero() {
				return &app.Error{Kind: app.Conflict, Code: "device_exists", Args: map[string]string{"device": old.ID}}
			}
			// A revoked desk enrolled again (a new machine under the old name): its old keys
			// stay published as revoked, so what they sealed before still verifies as such.
			d.OldKeys = old.OldKeys
			if old.Key != nil {
				k := *old.Key
				if k.Revoked.IsZero() {
					k.Revoked = old.Revoked
				}
				d.OldKeys = append(d.OldKeys, k)
			}
		}
		if role == RoleDesk {
			if _, ok, err := tx.Office(agency); err != nil {
				return err
			} else if !ok {
				if err := tx.PutOffice(Office{Agency: agency, Created: s.now()}); err != nil {
					return err
				}
			}
		}
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		if len(d.OldKeys) > 0 {
			return publishKeys(tx, s.now())
		}
		return nil
	})
	return d, token, err
}

// TokenHash is how a device token is kept.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Authenticate finds the device of a token.
func (s *Service) Authenticate(ctx context.Context, token string) (Device, error) {
	var d Device
	err := s.Store.View(ctx, func(tx Tx) error {
		var ok bool
		var err error
		h := TokenHash(token)
		if d, ok, err = tx.DeviceByToken(h); err != nil {
			return err
		}
		// A revoked device, or a token replaced at re-enrolment, is refused at once.
		if !ok || !d.Revoked.IsZero() || d.TokenHash != h {
			return &app.Error{Kind: app.Forbidden, Code: "bad_token"}
		}
		return nil
	})
	return d, err
}

// maxTimeline is the most events a dossier may carry when it is created (a desk creates it
// with its reception).
const maxTimeline = 50

// maxBatch is the most operations one push applies in one transaction.
const maxBatch = 1000

// Push applies a device's operations in order, each exactly once, in one transaction, and
// answers each: applied, duplicate (the stored result of an earlier delivery), conflict or
// rejected. An operation id seen before with another payload is rejected.
func (s *Service) Push(ctx context.Context, dev Device, ops []app.Op) ([]app.OpResult, error) {
	if len(ops) > maxBatch {
		return nil, &app.Error{Kind: app.Invalid, Code: "batch_too_big", Args: map[string]string{"max": fmt.Sprint(maxBatch)}}
	}
	if dev.Office == "*feed*" {
		return nil, &app.Error{Kind: app.Forbidden, Code: "not_a_desk"}
	}
	var (
		results []app.OpResult
		repeats int
	)
	now := s.now()
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		results, repeats, err = s.push(tx, dev, ops, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.OnPush != nil {
		s.OnPush(ctx, dev.ID, len(ops), repeats)
	}
	return results, nil
}

// push applies ops in tx (see Push) and counts the repeats.
func (s *Service) push(tx Tx, dev Device, ops []app.Op, now time.Time) ([]app.OpResult, int, error) {
	results := make([]app.OpResult, len(ops))
	repeats := 0
	for i, op := range ops {
		h := payloadHash(op)
		if prev, ok, err := tx.OpResult(op.OpID); err != nil {
			return nil, 0, err
		} else if ok {
			repeats++
			if prev.PayloadHash != h || prev.Device != dev.ID {
				results[i] = app.OpResult{OpID: op.OpID, Status: app.OpRejected, Reason: "op_id_reused"}
				continue
			}
			r := prev.Result
			if r.Status == app.OpApplied {
				r.Status = app.OpDuplicate
			}
			results[i] = r
			continue
		}
		r, err := s.apply(tx, dev, op, now)
		if err != nil {
			return nil, 0, fmt.Errorf("op %s (%s %s): %w", op.OpID, op.Kind, op.EntityID, err)
		}
		r.OpID = op.OpID
		results[i] = r
		if err := tx.PutOpResult(StoredOp{OpID: op.OpID, Device: dev.ID, DeviceSeq: op.DeviceSeq, HLC: op.HLC, Kind: op.Kind,
			Entity: op.EntityID, PayloadHash: h, Result: r, Applied: now}); err != nil {
			return nil, 0, err
		}
	}
	return results, repeats, nil
}

// Known answers, for the operation ids of a device, the stored results of those already applied
// (as duplicates); ids the centre does not know are left out. A restored desk asks before
// pushing, so no payload crosses the link twice.
func (s *Service) Known(ctx context.Context, dev Device, ids []string) ([]app.OpResult, error) {
	if len(ids) > maxBatch {
		return nil, &app.Error{Kind: app.Invalid, Code: "batch_too_big", Args: map[string]string{"max": fmt.Sprint(maxBatch)}}
	}
	out := []app.OpResult{}
	err := s.Store.View(ctx, func(tx Tx) error {
		for _, id := range ids {
			prev, ok, err := tx.OpResult(id)
			if err != nil {
				return err
			}
			if ok && prev.Device == dev.ID {
				r := prev.Result
				if r.Status == app.OpApplied {
					r.Status = app.OpDuplicate
				}
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

func payloadHash(op app.Op) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", op.Kind, op.EntityID, op.BaseVersion)
	h.Write(op.Payload)
	return hex.EncodeToString(h.Sum(nil))
}

func rejected(reason string, args ...string) app.OpResult {
	r := app.OpResult{Status: app.OpRejected, Reason: reason}
	if len(args) > 0 {
		r.Args = map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			r.Args[args[i]] = args[i+1]
		}
	}
	return r
}

// apply applies one new operation. Business errors become rejected or conflict results; only
// store failures are returned as errors (they abort the batch, which the desk sends again).
func (s *Service) apply(tx Tx, dev Device, op app.Op, now time.Time) (app.OpResult, error) {
	switch op.Kind {
	case contract.OpDossierCreate:
		var d app.Dossier
		if err := json.Unmarshal(op.Payload, &d); err != nil || d.Code != op.EntityID {
			return rejected("bad_payload"), nil
		}
		return s.createDossier(tx, dev, d, op.Payload, now)
	case contract.OpDossierEvent:
		return s.dossierEvent(tx, dev, op)
	case contract.OpVoucherAdd:
		var v app.Voucher
		if err := json.Unmarshal(op.Payload, &v); err != nil || v.ID == "" {
			return rejected("bad_payload"), nil
		}
		if _, ok, err := tx.Voucher(v.ID); err != nil || ok {
			return app.OpResult{Status: app.OpApplied}, err // the feed's own voucher coming back
		}
		return app.OpResult{Status: app.OpApplied}, tx.PutVoucher(Voucher{ID: v.ID, PersonalID: v.PersonalID, Office: dev.Office,
			Source: string(v.Source), Body: op.Payload, Received: now})
	case contract.OpPeriodAdd:
		var pe app.Period
		if err := json.Unmarshal(op.Payload, &pe); err != nil {
			return rejected("bad_payload"), nil
		}
		return s.addPeriod(tx, dev, op.EntityID, pe)
	case contract.OpCoverCreate, contract.OpCoverIssue:
		var c app.BookCover
		if err := json.Unmarshal(op.Payload, &c); err != nil || c.PersonalID != op.EntityID {
			return rejected("bad_payload"), nil
		}
		return s.cover(tx, dev, op.Kind, c, op.Payload, now)
	case contract.OpCoverPrint:
		c, ok, err := tx.Cover(op.EntityID)
		if err != nil || !ok {
			return app.OpResult{Status: app.OpApplied}, err
		}
		if c.Office != dev.Office {
			return rejected("cover_other_office", "office", c.Office), nil
		}
		c.Prints++
		return app.OpResult{Status: app.OpApplied}, tx.PutCover(c)
	case contract.OpOfficeWorkflow:
		var c app.OfficeWorkflowChange
		if err := json.Unmarshal(op.Payload, &c); err != nil {
			return rejected("bad_payload"), nil
		}
		return s.officeWorkflow(tx, dev, op, c, now)
	case contract.OpIdentityResolve:
		var r app.IdentityReview
		if err := json.Unmarshal(op.Payload, &r); err != nil || r.Resolved == nil || r.PersonalID != op.EntityID || len(r.By) > 200 {
			return rejected("bad_payload"), nil
		}
		return s.resolveIdentity(tx, dev, r, now)
	}
	return rejected("unknown_op", "kind", op.Kind), nil
}

// officeWorkflow records an office's workflow adjustment and passes it to every desk of the
// office (the one that made it takes it back unchanged).
func (s *Service) officeWorkflow(tx Tx, dev Device, op app.Op, c app.OfficeWorkflowChange, now time.Time) (app.OpResult, error) {
	if op.EntityID != dev.Office {
		return rejected("not_your_office", "office", op.EntityID), nil
	}
	o, ok, err := tx.Office(dev.Office)
	if err != nil {
		return app.OpResult{}, err
	}
	if !ok {
		o = Office{Agency: dev.Office, Created: now}
	}
	o.Workflow = c.Adjustment
	if err := tx.PutOffice(o); err != nil {
		return app.OpResult{}, err
	}
	if _, err := tx.AppendChange(dev.Office, app.Change{Kind: app.ChangeOfficeWorkflow, Entity: dev.Office, Payload: op.Payload, At: now}); err != nil {
		return app.OpResult{}, err
	}
	return app.OpResult{Status: app.OpApplied}, nil
}

func (s *Service) createDossier(tx Tx, dev Device, d app.Dossier, body json.RawMessage, now time.Time) (app.OpResult, error) {
	if d.Office != dev.Office {
		return rejected("not_your_office", "office", clip(d.Office)), nil
	}
	if _, err := app.ParsePersonalID(d.Form.PersonalID); err != nil {
		return rejected("bad_payload"), nil
	}
	if err := errors.Join(app.FormTooLong(d.Form), app.CheckIdentity(d.Form.FullName, d.Form.BirthDate, d.Form.Gender)); err != nil {
		var ae *app.Error
		errors.As(err, &ae)
		return rejected("bad_identity", "field", ae.Field, "problem", ae.Code), nil
	}
	if len(d.Timeline) > maxTimeline {
		return rejected("bad_payload"), nil
	}
	if old, ok, err := tx.Dossier(d.Code); err != nil {
		return app.OpResult{}, err
	} else if ok {
		// The dossier code is the business key: the same dossier is stored once.
		return app.OpResult{Status: app.OpConflict, Reason: "dossier_code_taken", ServerVersion: old.Version,
			Args: map[string]string{"code": d.Code}}, nil
	}
	if r, ok, err := claimCode(tx, dev, d.Code); err != nil || !ok {
		return r, err
	}
	if err := tx.PutDossier(Dossier{Code: d.Code, Office: d.Office, PersonalID: d.Form.PersonalID, Version: d.Version, Body: body,
		CentralReceived: now}); err != nil {
		return app.OpResult{}, err
	}
	res := app.OpResult{Status: app.OpApplied, Assigned: map[string]string{"central_received": now.Format(time.RFC3339)}}
	rec := app.IdentityRecord{Office: d.Office, Dossier: d.Code, FullName: d.Form.FullName, BirthDate: d.Form.BirthDate, Gender: d.Form.Gender}
	notice, err := s.linkPerson(tx, d.Form.PersonalID, rec, now)
	if err != nil {
		return res, err
	}
	res.Notice = notice
	// Feed vouchers that waited for this person now have an office.
	waiting, err := tx.Unrouted(d.Form.PersonalID)
	if err != nil {
		return res, err
	}
	for _, vid := range waiting {
		v, ok, err := tx.Voucher(vid)
		if err != nil {
			return res, err
		}
		if ok {
			v.Office = d.Office
			if err := tx.PutVoucher(v); err != nil {
				return res, err
			}
			if _, err := tx.AppendChange(d.Office, app.Change{Kind: app.ChangeVoucher, Entity: vid, Payload: v.Body, At: now}); err != nil {
				return res, err
			}
		}
		if err := tx.DeleteUnrouted(d.Form.PersonalID, vid); err != nil {
			return res, err
		}
	}
	return res, nil
}

// linkPerson links a registration to the one person of its personal ID. Differing identities
// are never merged: they open (or extend) a review and every office concerned is told.
func (s *Service) linkPerson(tx Tx, pid string, rec app.IdentityRecord, now time.Time) (string, error) {
	p, ok, err := tx.Person(pid)
	if err != nil {
		return "", err
	}
	if !ok {
		p = Person{PersonalID: pid, Identity: rec}
	}
	p.Records = append(p.Records, rec)
	if !p.HasOffice(rec.Office) {
		p.Offices = append(p.Offices, rec.Office)
	}
	p.Version++
	differs := app.DiffIdentity(p.Identity, rec)
	notice := ""
	if len(differs) > 0 || p.Review != "" {
		r := app.IdentityReview{ID: "R-" + pid, PersonalID: pid, Created: now}
		if old, ok, err := tx.Review(r.ID); err != nil {
			return "", err
		} else if ok && old.Resolved == nil {
			r = old
		}
		r.Records = p.Records
		r.Resolved, r.By = nil, ""
		seen := map[string]bool{}
		r.Differs = nil
		for _, a := range p.Records {
			for _, f := range app.DiffIdentity(p.Records[0], a) {
				if !seen[f] {
					seen[f] = true
					r.Differs = append(r.Differs, f)
				}
			}
		}
		if len(r.Differs) > 0 {
			sort.Strings(r.Differs)
			r.Decider = coverOwner(p)
			if err := tx.PutReview(r); err != nil {
				return "", err
			}
			p.Review = r.ID
			for _, o := range p.Offices {
				// Each office sees its own records; the deciding office sees them all, so a
				// registration made elsewhere to see someone's record shows nothing of it.
				payload, _ := json.Marshal(r.RedactedFor(o))
				if _, err := tx.AppendChange(o, app.Change{Kind: app.ChangeIdentityReview, Entity: pid, Payload: payload, At: now}); err != nil {
					return "", err
				}
			}
			notice = "identity_review"
		}
	}
	return notice, tx.PutPerson(p)
}

func (s *Service) dossierEvent(tx Tx, dev Device, op app.Op) (app.OpResult, error) {
	var ev app.DossierEvent
	if err := json.Unmarshal(op.Payload, &ev); err != nil {
		return rejected("bad_payload"), nil
	}
	cur, ok, err := tx.Dossier(op.EntityID)
	if err != nil {
		return app.OpResult{}, err
	}
	if !ok {
		return rejected("dossier_unknown", "code", op.EntityID), nil
	}
	if cur.Office != dev.Office {
		return rejected("not_your_office", "office", cur.Office), nil
	}
	if cur.Version != op.BaseVersion {
		return app.OpResult{Status: app.OpConflict, Reason: "version_moved", ServerVersion: cur.Version,
			Args: map[string]string{"code": op.EntityID, "base": fmt.Sprint(op.BaseVersion), "server": fmt.Sprint(cur.Version)}}, nil
	}
	var d app.Dossier
	if err := json.Unmarshal(cur.Body, &d); err != nil {
		return app.OpResult{}, err
	}
	d.Timeline = append(d.Timeline, ev.Event)
	d.State, d.Step, d.Version = ev.State, ev.Step, ev.Version
	if ev.Event.Due != 0 {
		d.Due = ev.Event.Due
	}
	if ev.Event.Action == app.ActRequote && ev.Event.Quote != nil {
		d.Quote = *ev.Event.Quote
	}
	body, err := json.Marshal(d)
	if err != nil {
		return app.OpResult{}, err
	}
	cur.Body, cur.Version = body, ev.Version
	return app.OpResult{Status: app.OpApplied, ServerVersion: cur.Version}, tx.PutDossier(cur)
}

func (s *Service) addPeriod(tx Tx, dev Device, pid string, pe app.Period) (app.OpResult, error) {
	if !checkPeriod(pe) {
		return rejected("bad_payload"), nil
	}
	p, ok, err := tx.Person(pid)
	if err != nil {
		return app.OpResult{}, err
	}
	if !ok || !serves(p, dev.Office) {
		// Only an office that registered the person records their contributions.
		return rejected("not_your_person", "value", app.PersonalID(pid).Masked()), nil
	}
	// The period comes from a voucher the office recorded, or one the feed routed to it.
	if v, ok, err := tx.Voucher(pe.Voucher); err != nil {
		return app.OpResult{}, err
	} else if !ok || v.Office != dev.Office || v.PersonalID != pid {
		return rejected("period_without_voucher", "voucher", clip(pe.Voucher)), nil
	}
	for _, o := range p.Periods {
		if o.Voucher == pe.Voucher {
			return app.OpResult{Status: app.OpApplied}, nil // the period of this voucher is known
		}
		if o.Overlaps(pe) {
			return app.OpResult{Status: app.OpConflict, Reason: "voucher_period_overlap",
				Args: map[string]string{"from": o.From.String(), "to": o.To.String()}}, nil
		}
	}
	p.Periods = append(p.Periods, pe)
	sort.Slice(p.Periods, func(i, j int) bool { return p.Periods[i].From < p.Periods[j].From })
	p.Version++
	return app.OpResult{Status: app.OpApplied}, tx.PutPerson(p)
}

func (s *Service) cover(tx Tx, dev Device, kind string, c app.BookCover, body json.RawMessage, now time.Time) (app.OpResult, error) {
	p, known, err := tx.Person(c.PersonalID)
	if err != nil {
		return app.OpResult{}, err
	}
	if !known || !serves(p, dev.Office) {
		return rejected("not_your_person", "value", app.PersonalID(c.PersonalID).Masked()), nil
	}
	if owner := coverOwner(p); owner != dev.Office {
		// The office of the first registration issues the book cover. Another office that
		// registered the person too made one (the person may have moved): it is told which
		// office issues it, and that office gets a notice to look at it with them — a person
		// decides, nothing is merged or replaced.
		if kind == contract.OpCoverCreate {
			payload, _ := json.Marshal(map[string]string{"office": dev.Office, "dossier": clip(c.Dossier)})
			if _, err := tx.AppendChange(owner, app.Change{Kind: app.ChangeCoverConflict, Entity: c.PersonalID, Payload: payload, At: now}); err != nil {
				return app.OpResult{}, err
			}
		}
		return rejected("cover_other_office", "office", owner), nil
	}
	if err := app.CheckIdentity(c.FullName, c.BirthDate, c.Gender); err != nil {
		return rejected("bad_payload"), nil
	}
	cur, ok, err := tx.Cover(c.PersonalID)
	if err != nil {
		return app.OpResult{}, err
	}
	if ok && cur.Office != dev.Office {
		// Covers are never created twice for one person.
		return app.OpResult{Status: app.OpConflict, Reason: "cover_exists", Args: map[string]string{"office": cur.Office}}, nil
	}
	if !ok {
		cur = Cover{PersonalID: c.PersonalID, Office: dev.Office, Status: app.CoverCreated}
	}
	cur.Body = body
	if kind == contract.OpCoverIssue && cur.Status == app.CoverCreated {
		cur.Status = app.CoverIssued
		// The records service confirms an issued cover unless the person's identity is under
		// review: then the confirmation waits for the decision.
		if p.Review == "" {
			if err := s.confirm(tx, &cur, now); err != nil {
				return app.OpResult{}, err
			}
		}
	}
	return app.OpResult{Status: app.OpApplied}, tx.PutCover(cur)
}

func (s *Service) confirm(tx Tx, c *Cover, now time.Time) error {
	c.Status, c.ConfirmedAt = app.CoverConfirmed, now
	payload, _ := json.Marshal(map[string]time.Time{"confirmed_at": now})
	_, err := tx.AppendChange(c.Office, app.Change{Kind: app.ChangeCoverConfirmed, Entity: c.PersonalID, Payload: payload, At: now})
	return err
}

func (s *Service) resolveIdentity(tx Tx, dev Device, r app.IdentityReview, now time.Time) (app.OpResult, error) {
	by := dev.ID
	p, ok, err := tx.Person(r.PersonalID)
	if err != nil {
		return app.OpResult{}, err
	}
	if !ok {
		return rejected("person_not_found", "value", app.PersonalID(r.PersonalID).Masked()), nil
	}
	if !serves(p, dev.Office) {
		return rejected("not_your_person", "value", app.PersonalID(r.PersonalID).Masked()), nil
	}
	if owner := coverOwner(p); owner != dev.Office {
		// The office of the first registration decides: an office that registered the same
		// ID under another name cannot make its own version the person's.
		return rejected("review_other_office", "office", owner), nil
	}
	cur, ok, err := tx.Review("R-" + r.PersonalID)
	if err != nil {
		return app.OpResult{}, err
	}
	if !ok {
		return rejected("notice_not_found", "id", r.ID), nil
	}
	if cur.Resolved != nil {
		return app.OpResult{Status: app.OpConflict, Reason: "notice_resolved", Args: map[string]string{"id": r.ID}}, nil
	}
	// The decision chooses one of the identities the offices recorded, as the desk's review
	// offers them; nothing else becomes the person's identity.
	res := *r.Resolved
	if err := app.CheckIdentity(res.FullName, res.BirthDate, res.Gender); err != nil {
		return rejected("bad_payload"), nil
	}
	recorded := false
	for _, rec := range cur.Records {
		if len(app.DiffIdentity(rec, res)) == 0 {
			recorded = true
		}
	}
	if !recorded {
		return rejected("identity_not_recorded"), nil
	}
	cur.Resolved, cur.By = r.Resolved, r.By+" ("+by+")"
	if err := tx.PutReview(cur); err != nil {
		return app.OpResult{}, err
	}
	p.Identity, p.Review = *r.Resolved, ""
	p.Version++
	if err := tx.PutPerson(p); err != nil {
		return app.OpResult{}, err
	}
	for _, o := range p.Offices {
		payload, _ := json.Marshal(cur.RedactedFor(o))
		if _, err := tx.AppendChange(o, app.Change{Kind: app.ChangeIdentityFixed, Entity: p.PersonalID, Payload: payload, At: now}); err != nil {
			return app.OpResult{}, err
		}
	}
	// A cover issued while the identity was under review is confirmed now.
	if c, ok, err := tx.Cover(p.PersonalID); err != nil {
		return app.OpResult{}, err
	} else if ok && c.Status == app.CoverIssued {
		if err := s.confirm(tx, &c, now); err != nil {
			return app.OpResult{}, err
		}
		if err := tx.PutCover(c); err != nil {
			return app.OpResult{}, err
		}
	}
	return app.OpResult{Status: app.OpApplied}, nil
}

// Pull returns the changes for a device's office after a cursor.
func (s *Service) Pull(ctx context.Context, dev Device, cursor uint64, limit int) (app.Page, error) {
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, answerLimit)
	page := app.Page{Cursor: cursor, Changes: []app.Change{}}
	err := s.Store.View(ctx, func(tx Tx) error {
		chs, err := tx.Changes([]string{dev.Office, "*"}, cursor, limit+1)
		if err != nil {
			return err
		}
		if len(chs) > limit {
			chs, page.More = chs[:limit], true
		}
		page.Changes = chs
		if len(chs) > 0 {
			page.Cursor = chs[len(chs)-1].Seq
		} else if last, err := tx.LastChange(); err == nil && last > cursor {
			// Nothing for this office up to the end of the log: skip ahead.
			page.Cursor = last
		} else if err != nil {
			return err
		}
		return nil
	})
	return page, err
}

// PostVouchers takes vouchers from the central accounting feed: each is stored once (by its id,
// given one when missing) and routed to the office that registered the person, or kept until
// a registration for that personal ID arrives.
func (s *Service) PostVouchers(ctx context.Context, ins []app.VoucherInput) ([]string, error) {
	now := s.now()
	ids := make([]string, len(ins))
	err := s.Store.Update(ctx, func(tx Tx) error {
		for i, in := range ins {
			if in.ID == "" {
				in.ID = app.NewUUIDv7(now)
			}
			ids[i] = in.ID
			if _, ok, err := tx.Voucher(in.ID); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := app.ParseVoucher(in); err != nil {
				return fmt.Errorf("voucher %d (%s): %w", i+1, in.ReceiptNo, err)
			}
			body, _ := json.Marshal(in)
			v := Voucher{ID: in.ID, PersonalID: in.PersonalID, Source: string(app.SourceCentral), Body: body, Received: now}
			p, ok, err := tx.Person(in.PersonalID)
			if err != nil {
				return err
			}
			if ok && len(p.Offices) > 0 {
				v.Office = p.Offices[len(p.Offices)-1]
				if _, err := tx.AppendChange(v.Office, app.Change{Kind: app.ChangeVoucher, Entity: v.ID, Payload: body, At: now}); err != nil {
					return err
				}
			} else if err := tx.PutUnrouted(in.PersonalID, v.ID); err != nil {
				return err
			}
			if err := tx.PutVoucher(v); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// PublishFile sends a reference-data file (rule table, calendar, workflow, trusted keys) to
// every office.
func (s *Service) PublishFile(ctx context.Context, f app.RuleFile) error {
	if !app.ValidRuleFilePath(f.Path) || !json.Valid(f.Data) {
		return &app.Error{Kind: app.Invalid, Code: "bad_rule_file", Args: map[string]string{"path": f.Path}}
	}
	if strings.HasPrefix(f.Path, "keys/") {
		// A keys file every desk will trust: each key once, for one office and device.
		keys, err := app.ParseTrustedKeys(f.Data)
		if err != nil {
			return &app.Error{Kind: app.Invalid, Code: "bad_keys_file", Args: map[string]string{"path": f.Path, "reason": err.Error()}}
		}
		ks, _ := app.NewTrustedKeys(keys)
		if w := ks.Warnings(); len(w) > 0 {
			return &app.Error{Kind: app.Invalid, Code: "bad_keys_file", Args: map[string]string{"path": f.Path, "reason": w[0]}}
		}
	}
	payload, err := json.Marshal(f)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error { return publishRuleFile(tx, f.Path, payload, now) })
}

// publishRuleFile sends a rule file (app.RuleFile, as JSON) to every office, in place of its
// earlier versions.
func publishRuleFile(tx Tx, path string, payload []byte, now time.Time) error {
	_, err := tx.ReplaceChange("*", app.Change{Kind: app.ChangeRuleFile, Entity: path, Payload: payload, At: now})
	return err
}

// RegisterKey records a desk's public signing key and publishes the set of every desk's keys
// as the trusted-keys file, so any office can verify any office's printouts offline.
func (s *Service) RegisterKey(ctx context.Context, dev Device, key app.TrustedKey) error {
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok {
			return err
		}
		if cur.Key != nil && cur.Key.ID == key.ID && bytes.Equal(cur.Key.Public, key.Public) {
			return nil
		}
		if app.KeyIDOf(key.Public) != key.ID {
			return &app.Error{Kind: app.Invalid, Code: "bad_key"}
		}
		devs, err := tx.Devices()
		if err != nil {
			return err
		}
		for _, d := range devs {
			if d.ID != dev.ID && d.Key != nil && (d.Key.ID == key.ID || bytes.Equal(d.Key.Public, key.Public)) {
				// A key is one device's: another desk cannot make it its own.
				return &app.Error{Kind: app.Forbidden, Code: "key_in_use"}
			}
			for _, old := range d.OldKeys {
				if old.ID == key.ID {
					return &app.Error{Kind: app.Forbidden, Code: "key_withdrawn"}
				}
			}
		}
		// The centre, not the desk, says which office a key signs for (a device enrolled in
		// lower case by an earlier version is the same device in capitals).
		key.Office, key.Device = dev.Office, strings.ToUpper(dev.Name)
		if key.ValidFrom.IsZero() {
			key.ValidFrom = dev.Created
		}
		cur.Key = &key
		if err := tx.PutDevice(cur); err != nil {
			return err
		}
		return publishKeys(tx, now)
	})
}

// publishKeys sends every device's public key, current and withdrawn, to every office as the
// trusted-keys file: a revoked device's key is listed as revoked from then on (what it sealed
// before stays valid), a replaced one likewise.
func publishKeys(tx Tx, now time.Time) error {
	devs, err := tx.Devices()
	if err != nil {
		return err
	}
	keys := []app.TrustedKey{}
	for _, d := range devs {
		for _, old := range d.OldKeys {
			old.Device = strings.ToUpper(old.Device)
			keys = append(keys, old)
		}
		if d.Key == nil {
			continue
		}
		k := *d.Key
		k.Device = strings.ToUpper(k.Device)
		if !d.Revoked.IsZero() && k.Revoked.IsZero() {
			k.Revoked = d.Revoked
		}
		keys = append(keys, k)
	}
	data, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(app.RuleFile{Path: "keys/devices.json", Data: data})
	if err != nil {
		return err
	}
	return publishRuleFile(tx, "keys/devices.json", payload, now)
}

// findDevice is the desk device of an office by its name, in any case.
func findDevice(tx Tx, office, name string) (Device, error) {
	devs, err := tx.Devices()
	if err != nil {
		return Device{}, err
	}
	for _, d := range devs {
		if strings.EqualFold(d.ID, office+"/"+strings.TrimSpace(name)) {
			return d, nil
		}
	}
	return Device{}, &app.Error{Kind: app.NotFound, Code: "device_unknown", Args: map[string]string{"device": office + "/" + name}}
}

// Revoke withdraws a lost or stolen desk (centrald device revoke): its token is refused from
// the next request on, and its signing key is published as revoked from now.
func (s *Service) Revoke(ctx context.Context, office, name string) (Device, error) {
	return s.changeDevice(ctx, office, name, func(d *Device, now time.Time) error {
		if d.Revoked.IsZero() {
			d.Revoked = now
		}
		return nil
	})
}

// Reenrol gives a desk a new token (centrald device reenrol), for a token lost or seen by
// others: the old token is refused from the next request on; the device keeps its name, its
// dossier codes and its signing key (revoke the device when the desk itself is lost).
func (s *Service) Reenrol(ctx context.Context, office, name string) (Device, string, error) {
	token, err := newToken()
	if err != nil {
		return Device{}, "", err
	}
	d, err := s.changeDevice(ctx, office, name, func(d *Device, _ time.Time) error {
		if !d.Revoked.IsZero() {
			return &app.Error{Kind: app.Conflict, Code: "device_revoked", Args: map[string]string{"device": d.ID}}
		}
		d.TokenHash = TokenHash(token)
		return nil
	})
	return d, token, err
}

// changeDevice changes a desk device found by office and name, and publishes the keys again.
func (s *Service) changeDevice(ctx context.Context, office, name string, change func(d *Device, now time.Time) error) (Device, error) {
	now := s.now()
	var d Device
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if d, err = findDevice(tx, office, name); err != nil {
			return err
		}
		if err := change(&d, now); err != nil {
			return err
		}
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		return publishKeys(tx, now)
	})
	return d, err
}

// newToken is a new device token: 32 random bytes, URL-safe.
func newToken() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// The most records and bytes one page of an office's state holds.
const (
	statePageLimit = 5000
	statePageBytes = 8 << 20
)

// OfficeStatePage is one page of OfficeState: the records of part after the key after, at
// most limit of them (statePageLimit when 0 or more) and about statePageBytes, with the key to
// ask after for the rest ("" at the end of the part).
func (s *Service) OfficeStatePage(ctx context.Context, dev Device, part, after string, limit int) (app.StatePage, error) {
	if limit <= 0 || limit > statePageLimit {
		limit = statePageLimit
	}
	kind := map[string]string{"dossiers": "dossier", "vouchers": "voucher", "people": "person", "covers": "cover"}[part]
	if kind == "" {
		return app.StatePage{}, &app.Error{Kind: app.Invalid, Code: "bad_state_part", Args: map[string]string{"part": clip(part)}}
	}
	pg := app.StatePage{Part: part}
	stopped := false
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		if pg.Cursor, err = tx.LastChange(); err != nil {
			return err
		}
		if o, ok, err := tx.Office(dev.Office); err != nil {
			return err
		} else if ok {
			pg.Workflow = o.Workflow
		}
		n, size := 0, 0
		return tx.EachAfter(kind, after, func(key string, raw json.RawMessage) (bool, error) {
			if n >= limit || size >= statePageBytes {
				stopped = true
				return false, nil
			}
			pg.Next = key
			item, err := s.stateItem(tx, dev, kind, raw)
			if err != nil || item == nil {
				return err == nil, err
			}
			switch it := item.(type) {
			case json.RawMessage:
				pg.Items = append(pg.Items, it)
				size += len(it)
			case app.Participant:
				pg.People = append(pg.People, it)
				size += 512 + 128*len(it.Periods)
			}
			n++
			return true, nil
		})
	})
	if !stopped {
		pg.Next = "" // the scan reached the end of the part
	}
	return pg, err
}

// stateItem is one record of the office's state as a desk takes it back, or nil when the
// record is not the office's.
func (s *Service) stateItem(tx Tx, dev Device, kind string, raw json.RawMessage) (any, error) {
	switch kind {
	case "dossier":
		var d Dossier
		if err := json.Unmarshal(raw, &d); err != nil || d.Office != dev.Office {
			return nil, err
		}
		return d.Body, nil
	case "voucher":
		var v Voucher
		if err := json.Unmarshal(raw, &v); err != nil || v.Office != dev.Office {
			return nil, err
		}
		return v.Body, nil
	case "person":
		var p Person
		if err := json.Unmarshal(raw, &p); err != nil || len(p.Periods) == 0 || !p.HasOffice(dev.Office) {
			return nil, err
		}
		var f app.RegistrationForm
		found := false
		for _, r := range p.Records {
			if r.Office != dev.Office {
				continue
			}
			d, ok, err := tx.Dossier(r.Dossier)
			if err != nil {
				return nil, err
			}
			var body app.Dossier
			if ok && json.Unmarshal(d.Body, &body) == nil {
				f, found = body.Form, true
			}
		}
		if !found {
			return nil, nil
		}
		income, _ := app.ParseMoney(string(f.Income))
		return app.Participant{PersonalID: p.PersonalID, OldSICode: f.OldSICode, FullName: p.Identity.FullName,
			Gender: p.Identity.Gender, BirthDate: p.Identity.BirthDate, Nationality: f.Nationality, Ethnicity: f.Ethnicity, Phone: f.Phone,
			BirthRegistration: f.BirthRegistration, Address: f.Address, Income: income, Method: f.Method, SupportGroup: f.SupportGroup,
			Dossier: p.Identity.Dossier, HasBook: f.OldSICode != "", Periods: p.Periods, Version: p.Version}, nil
	case "cover":
		var c Cover
		if err := json.Unmarshal(raw, &c); err != nil || c.Office != dev.Office {
			return nil, err
		}
		var bc app.BookCover
		if err := json.Unmarshal(c.Body, &bc); err != nil {
			return nil, err
		}
		bc.Status, bc.ConfirmedAt = c.Status, c.ConfirmedAt
		b, err := json.Marshal(bc)
		return json.RawMessage(b), err
	}
	return nil, nil
}

// LastAnchor is the head of the device's audit chain the centre last acknowledged (zero when
// none).
func (s *Service) LastAnchor(ctx context.Context, dev Device) (app.AuditAnchor, error) {
	var a app.AuditAnchor
	err := s.Store.View(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok || cur.Anchor == nil {
			return err
		}
		a = *cur.Anchor
		return nil
	})
	return a, err
}

// Anchor acknowledges a new head of the device's audit chain when the chain still holds the
// head acknowledged before (the same hash at the same number, and not shorter). Otherwise the
// chain was cut or rewritten behind it: the old anchor stays, the break is recorded on the
// device (for the province: centrald devices) and the answer says so.
func (s *Service) Anchor(ctx context.Context, dev Device, req app.AnchorRequest) (app.AnchorAnswer, error) {
	if req.Head.Seq == 0 || len(req.Head.Hash) != 64 || len(req.PrevHash) > 64 {
		return app.AnchorAnswer{}, &app.Error{Kind: app.Invalid, Code: "bad_body"}
	}
	now := s.now()
	var ans app.AnchorAnswer
	err := s.Store.Update(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok {
			return err
		}
		if last := cur.Anchor; last != nil {
			ans.Last = *last
			switch {
			case req.PrevSeq != last.Seq:
				ans.Reason = "anchor_stale" // the desk asks again for the anchor and retries
				return nil
			case req.Head.Seq < last.Seq || req.PrevHash == "":
				ans.Reason = "audit_truncated"
			case req.PrevHash != last.Hash:
				ans.Reason = "audit_rewritten"
			}
			if ans.Reason != "" {
				cur.AuditBroken, cur.AuditBrokenAt = ans.Reason, now
				return tx.PutDevice(cur)
			}
		}
		head := req.Head
		head.At = now
		cur.Anchor, ans.Accepted, ans.Last = &head, true, head
		return tx.PutDevice(cur)
	})
	return ans, err
}

// Digest is the digest of what the centre holds for an office: its dossiers, the vouchers
// recorded at or routed to it, and the periods and covers of its people — the same lines as
// the office's own digest (app.Sync.Digest).
func (s *Service) Digest(ctx context.Context, office string) (string, int, error) {
	var lines []app.DigestLine
	err := s.Store.View(ctx, func(tx Tx) error {
		people := map[string]bool{}
		if err := tx.Each("dossier", func(raw json.RawMessage) error {
			var d Dossier
			if err := json.Unmarshal(raw, &d); err != nil {
				return err
			}
			if d.Office == office {
				lines = append(lines, app.DossierLine(d.Code, d.Version))
				people[d.PersonalID] = true
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Each("voucher", func(raw json.RawMessage) error {
			var v Voucher
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			if v.Office == office {
				lines = append(lines, app.VoucherLine(v.ID))
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Each("person", func(raw json.RawMessage) error {
			var p Person
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			if people[p.PersonalID] {
				for _, pe := range p.Periods {
					lines = append(lines, app.PeriodLine(p.PersonalID, pe))
				}
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Each("cover", func(raw json.RawMessage) error {
			var c Cover
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			if c.Office == office {
				lines = append(lines, app.CoverLine(c.PersonalID, c.Status != app.CoverCreated))
			}
			return nil
		})
	})
	return app.Digest(lines), len(lines), err
}

// OfficeState reads what the centre holds for the device's office.
func (s *Service) OfficeState(ctx context.Context, dev Device) (app.OfficeData, error) {
	st := app.OfficeData{Dossiers: []json.RawMessage{}, Vouchers: []json.RawMessage{}, People: []app.Participant{}, Covers: []json.RawMessage{}}
	first := true
	for _, part := range app.StateParts {
		after := ""
		for {
			pg, err := s.OfficeStatePage(ctx, dev, part, after, 0)
			if err != nil {
				return st, err
			}
			if first {
				// The cursor from before the first page: changes made while the pages are read
				// are pulled again after, and applying them twice changes nothing.
				st.Cursor, st.Workflow, first = pg.Cursor, pg.Workflow, false
			}
			st.AddPage(pg)
			if after = pg.Next; after == "" {
				break
			}
		}
	}
	return st, nil
}
