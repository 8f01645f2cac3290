package central

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/intake"
)

// officeWorkflow records an office's workflow adjustment and passes it to every desk of the
// office (the one that made it takes it back unchanged).
func (s *Service) officeWorkflow(tx Tx, dev Device, op contract.Op, c app.OfficeWorkflowChange, now time.Time) (contract.OpResult, error) {
	if op.EntityID != dev.Office {
		return rejected("not_your_office", "office", op.EntityID), nil
	}
	o, ok, err := tx.Office(dev.Office)
	if err != nil {
		return contract.OpResult{}, err
	}
	if !ok {
		o = Office{Agency: dev.Office, Created: now}
	}
	o.Workflow = app.AdjustmentPayload.To(c.Adjustment)
	if err := tx.PutOffice(o); err != nil {
		return contract.OpResult{}, err
	}
	change := contract.Change{Kind: app.ChangeOfficeWorkflow, Entity: dev.Office, Payload: op.Payload, At: now}
	if err := tx.AppendChange(dev.Office, change); err != nil {
		return contract.OpResult{}, err
	}
	return contract.OpResult{Status: app.OpApplied}, nil
}

func (s *Service) createDossier(tx Tx, dev Device, d app.Dossier, body json.RawMessage, now time.Time) (contract.OpResult, error) {
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
		return contract.OpResult{}, err
	} else if ok {
		// The dossier code is the business key: the same dossier is stored once.
		return contract.OpResult{Status: app.OpConflict, Reason: "dossier_code_taken", ServerVersion: old.Version,
			Args: map[string]string{"code": d.Code}}, nil
	}
	if r, ok, err := claimCode(tx, dev, d.Code); err != nil || !ok {
		return r, err
	}
	if err := tx.PutDossier(Dossier{Code: d.Code, Office: d.Office, PersonalID: d.Form.PersonalID, Version: d.Version, Body: body,
		CentralReceived: now}); err != nil {
		return contract.OpResult{}, err
	}
	res := contract.OpResult{Status: app.OpApplied, Assigned: map[string]string{"central_received": now.Format(time.RFC3339)}}
	rec := app.IdentityRecord{Office: d.Office, Dossier: d.Code, FullName: d.Form.FullName, BirthDate: d.Form.BirthDate, Gender: d.Form.Gender}
	notice, err := s.linkPerson(tx, d.Form.PersonalID, rec, now)
	if err != nil {
		return res, err
	}
	res.Notice = notice
	if notice == "" {
		// The national records exclude the person (compulsory insurance, a pension): the dossier
		// is kept — it was received — and the office is told, with the reason, to refuse it.
		if why, err := exclusionOf(tx, d); err != nil {
			return res, err
		} else if why != "" {
			res.Notice, res.Args = why, map[string]string{"value": app.PersonalID(d.Form.PersonalID).Masked(), "dossier": d.Code}
		}
	}
	// The same person in progress twice (a walk-in while an online declaration waited to be
	// pulled): one dossier or a person's review, never two participants.
	others, err := openDossiers(tx, d.Form.PersonalID, d.Code)
	if err != nil {
		return res, err
	}
	if len(others) > 0 {
		if err := tellOfTwoOpenDossiers(tx, Dossier{Code: d.Code, Office: d.Office, PersonalID: d.Form.PersonalID}, others, now); err != nil {
			return res, err
		}
	}
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
			// The desk that registered the person credits it.
			if err := routeFeedVoucher(tx, d.Office, dev, vid, v.Body, now); err != nil {
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
	if len(p.Records) == 0 {
		p.Identity = rec // a person the centre knew only from the national records (History)
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
				payload, _ := app.ReviewPayload.Marshal(r.RedactedFor(o))
				if err := tx.AppendChange(o, contract.Change{Kind: app.ChangeIdentityReview, Entity: pid, Payload: payload, At: now}); err != nil {
					return "", err
				}
			}
			notice = "identity_review"
		}
	}
	return notice, tx.PutPerson(p)
}

func (s *Service) dossierEvent(tx Tx, dev Device, op contract.Op, now time.Time) (contract.OpResult, error) {
	ev, err := app.DossierEventPayload.Unmarshal(op.Payload)
	if err != nil {
		return rejected("bad_payload"), nil
	}
	cur, ok, err := tx.Dossier(op.EntityID)
	if err != nil {
		return contract.OpResult{}, err
	}
	if !ok {
		return rejected("dossier_unknown", "code", op.EntityID), nil
	}
	if cur.Office != dev.Office {
		return rejected("not_your_office", "office", cur.Office), nil
	}
	d, err := app.DossierPayload.Unmarshal(cur.Body)
	if err != nil {
		return contract.OpResult{}, err
	}
	last := ""
	if n := len(d.Timeline); n > 0 {
		last = app.EventKey(d.Timeline[n-1])
	}
	if cur.Version != op.BaseVersion || ev.Prev != "" && ev.Prev != last {
		// Another desk of the office moved the dossier first (or from the same version, along
		// another history): the desk is told, and sent the office's dossier to take back.
		if err := s.sendBack(tx, dev, "dossier", cur.Code, cur, now); err != nil {
			return contract.OpResult{}, err
		}
		return contract.OpResult{Status: app.OpConflict, Reason: "version_moved", ServerVersion: cur.Version,
			Args: map[string]string{"code": op.EntityID, "base": fmt.Sprint(op.BaseVersion), "server": fmt.Sprint(cur.Version)}}, nil
	}
	d.Timeline = append(d.Timeline, ev.Event)
	d.State, d.Step, d.Version = ev.State, ev.Step, ev.Version
	if ev.Event.Due != 0 {
		d.Due = ev.Event.Due
	}
	// What the citizen is told (the status page of an online dossier): the items to add, the
	// reason of a refusal or a new appointment, as the desk recorded them.
	switch ev.Event.Action {
	case app.ActReturn:
		d.Missing = ev.Event.Missing
	case app.ActResubmit:
		d.Missing = nil
	case app.ActReject, app.ActReappoint:
		d.Reason = ev.Event.Reason
	}
	if ev.Event.Action == intake.ActRequote && ev.Event.Quote != nil {
		d.Quote = *ev.Event.Quote
	}
	body, err := app.DossierPayload.Marshal(d)
	if err != nil {
		return contract.OpResult{}, err
	}
	cur.Body, cur.Version = body, ev.Version
	return contract.OpResult{Status: app.OpApplied, ServerVersion: cur.Version}, tx.PutDossier(cur)
}

func (s *Service) addPeriod(tx Tx, dev Device, pid string, pe app.Period) (contract.OpResult, error) {
	if !checkPeriod(pe) {
		return rejected("bad_payload"), nil
	}
	p, ok, err := tx.Person(pid)
	if err != nil {
		return contract.OpResult{}, err
	}
	if !ok || !serves(p, dev.Office) {
		// Only an office that registered the person records their contributions.
		return rejected("not_your_person", "value", app.PersonalID(pid).Masked()), nil
	}
	// The period comes from a voucher the office recorded, or one the feed routed to it.
	if v, ok, err := tx.Voucher(pe.Voucher); err != nil {
		return contract.OpResult{}, err
	} else if !ok || v.Office != dev.Office || v.PersonalID != pid {
		return rejected("period_without_voucher", "voucher", clip(pe.Voucher)), nil
	}
	for _, o := range p.Periods {
		if o.Voucher == pe.Voucher {
			return contract.OpResult{Status: app.OpApplied}, nil // the period of this voucher is known
		}
		if o.Overlaps(pe) {
			return contract.OpResult{Status: app.OpConflict, Reason: "voucher_period_overlap",
				Args: map[string]string{"from": o.From.String(), "to": o.To.String()}}, nil
		}
	}
	p.Periods = append(p.Periods, pe)
	sort.Slice(p.Periods, func(i, j int) bool { return p.Periods[i].From < p.Periods[j].From })
	p.Version++
	return contract.OpResult{Status: app.OpApplied}, tx.PutPerson(p)
}

func (s *Service) cover(tx Tx, dev Device, kind string, c app.BookCover, body json.RawMessage, now time.Time) (contract.OpResult, error) {
	p, known, err := tx.Person(c.PersonalID)
	if err != nil {
		return contract.OpResult{}, err
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
			payload, _ := json.Marshal(contract.CoverConflictV1{Office: dev.Office, Dossier: clip(c.Dossier)})
			change := contract.Change{Kind: app.ChangeCoverConflict, Entity: c.PersonalID, Payload: payload, At: now}
			if err := tx.AppendChange(owner, change); err != nil {
				return contract.OpResult{}, err
			}
		}
		return rejected("cover_other_office", "office", owner), nil
	}
	if err := app.CheckIdentity(c.FullName, c.BirthDate, c.Gender); err != nil {
		return rejected("bad_payload"), nil
	}
	cur, ok, err := tx.Cover(c.PersonalID)
	if err != nil {
		return contract.OpResult{}, err
	}
	if ok && cur.Office != dev.Office {
		// Covers are never created twice for one person.
		return contract.OpResult{Status: app.OpConflict, Reason: "cover_exists", Args: map[string]string{"office": cur.Office}}, nil
	}
	if !ok {
		cur = Cover{PersonalID: c.PersonalID, Office: dev.Office, Status: app.CoverCreated}
	}
	if ok && kind == contract.OpCoverCreate {
		// The office's cover data exists (another desk of the office made it from the same
		// payment, or the cover is already issued): kept as it is, never replaced by a later
		// creation; the desk receives the office's cover as a record.
		return contract.OpResult{Status: app.OpApplied}, nil
	}
	cur.Body = body
	if kind == contract.OpCoverIssue && cur.Status == app.CoverCreated {
		cur.Status = app.CoverIssued
		// The records service confirms an issued cover unless the person's identity is under
		// review: then the confirmation waits for the decision.
		if p.Review == "" {
			if err := s.confirm(tx, &cur, now); err != nil {
				return contract.OpResult{}, err
			}
		}
	}
	return contract.OpResult{Status: app.OpApplied}, tx.PutCover(cur)
}

func (s *Service) confirm(tx Tx, c *Cover, now time.Time) error {
	c.Status, c.ConfirmedAt = app.CoverConfirmed, now
	payload, _ := json.Marshal(contract.CoverConfirmedV1{ConfirmedAt: now})
	err := tx.AppendChange(c.Office, contract.Change{Kind: app.ChangeCoverConfirmed, Entity: c.PersonalID, Payload: payload, At: now})
	return err
}

func (s *Service) resolveIdentity(tx Tx, dev Device, r app.IdentityReview, now time.Time) (contract.OpResult, error) {
	by := dev.ID
	p, ok, err := tx.Person(r.PersonalID)
	if err != nil {
		return contract.OpResult{}, err
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
		return contract.OpResult{}, err
	}
	if !ok {
		return rejected("notice_not_found", "id", r.ID), nil
	}
	if cur.Resolved != nil {
		return contract.OpResult{Status: app.OpConflict, Reason: "notice_resolved", Args: map[string]string{"id": r.ID}}, nil
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
		return contract.OpResult{}, err
	}
	p.Identity, p.Review = *r.Resolved, ""
	p.Version++
	if err := tx.PutPerson(p); err != nil {
		return contract.OpResult{}, err
	}
	for _, o := range p.Offices {
		payload, _ := app.ReviewPayload.Marshal(cur.RedactedFor(o))
		ch := contract.Change{Kind: app.ChangeIdentityFixed, Entity: p.PersonalID, Payload: payload, At: now}
		if err := tx.AppendChange(o, ch); err != nil {
			return contract.OpResult{}, err
		}
	}
	// A cover issued while the identity was under review is confirmed now.
	if c, ok, err := tx.Cover(p.PersonalID); err != nil {
		return contract.OpResult{}, err
	} else if ok && c.Status == app.CoverIssued {
		if err := s.confirm(tx, &c, now); err != nil {
			return contract.OpResult{}, err
		}
		if err := tx.PutCover(c); err != nil {
			return contract.OpResult{}, err
		}
	}
	return contract.OpResult{Status: app.OpApplied}, nil
}
