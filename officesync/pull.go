package officesync

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/records"
)

// Cursor is the stored pull cursor (0 before the first pull).
func (s *Service) Cursor() (uint64, error) {
	var c uint64
	err := s.Store.View(func(tx Tx) error {
		var err error
		c, err = cursorOf(tx)
		return err
	})
	return c, err
}

func cursorOf(tx Tx) (uint64, error) { return settingUint(tx, app.SettingCursor) }

// ApplyPage applies one page of pulled changes and advances the cursor in the same
// transaction, so an interrupted pull resumes from the last page applied. A page whose
// cursor is not past the stored one (a repeated page) changes nothing.
func (s *Service) ApplyPage(p contract.Page) error {
	now := s.Now.Time()
	files := false
	err := s.Store.Update(func(tx Tx) error {
		files = false
		cur, err := cursorOf(tx)
		if err != nil {
			return err
		}
		if p.Cursor <= cur && len(p.Changes) > 0 {
			return nil
		}
		if cur == 0 {
			// Pulling from the start: the office's shared records come with the changes.
			if err := tx.PutSetting(settingShared, []byte("1")); err != nil {
				return err
			}
		}
		for _, ch := range p.Changes {
			if ch.Seq <= cur {
				continue
			}
			if err := s.apply(tx, ch, now); err != nil {
				return fmt.Errorf("change %d (%s %s): %w", ch.Seq, ch.Kind, ch.Entity, err)
			}
			files = files || ch.Kind == app.ChangeRuleFile
		}
		if p.Cursor > cur {
			return tx.PutSetting(app.SettingCursor, []byte(strconv.FormatUint(p.Cursor, 10)))
		}
		return nil
	})
	if err == nil && files && s.FilesApplied != nil {
		s.FilesApplied()
	}
	return err
}

// syncActor is the name the sync process writes in the audit log.
const syncActor = "sync"

func (s *Service) apply(tx Tx, ch contract.Change, now time.Time) error {
	switch ch.Kind {
	case app.ChangeVoucher:
		in, err := app.FeedVoucherPayload.Unmarshal(ch.Payload)
		if err != nil {
			return err
		}
		v, err := app.ParseVoucher(in)
		if err != nil {
			// A feed voucher the desk cannot read is kept for a person, never dropped.
			return tx.PutNotice(
				app.Notice{ID: "feed:" + in.ID, Kind: "feed_rejected", Entity: in.ID, Reason: records.ProblemsOf(err)[0].Code, Created: now},
			)
		}
		v.ID, v.Source, v.By, v.Created = in.ID, app.SourceCentral, syncActor, now
		var res records.ImportResult
		return s.Records.Record(tx, &res, 0, v, now)
	case app.ChangeCoverConfirmed:
		var c contract.CoverConfirmedV1
		if err := json.Unmarshal(ch.Payload, &c); err != nil {
			return err
		}
		return confirmCover(tx, syncActor, ch.Entity, c.ConfirmedAt, now)
	case app.ChangeCoverConflict:
		// A person at the issuing office looks at it with the other office (the person may
		// have moved there): a notice to close with a note, never a cover changed.
		var c contract.CoverConflictV1
		if err := json.Unmarshal(ch.Payload, &c); err != nil {
			return err
		}
		args := map[string]string{"office": c.Office, "dossier": c.Dossier}
		id := "cover-conflict:" + ch.Entity + ":" + c.Office
		if _, ok, err := tx.Notice(id); err != nil || ok {
			return err
		}
		return tx.PutNotice(app.Notice{ID: id, Kind: "cover_conflict", Entity: ch.Entity, Reason: "cover_conflict", Args: args, Created: now})
	case app.ChangeIdentityReview:
		r, err := app.ReviewPayload.Unmarshal(ch.Payload)
		if err != nil {
			return err
		}
		return tx.PutNotice(app.Notice{ID: "review:" + r.ID, Kind: "identity_review", Entity: r.PersonalID, Review: &r, Created: now})
	case app.ChangeIdentityFixed:
		r, err := app.ReviewPayload.Unmarshal(ch.Payload)
		if err != nil {
			return err
		}
		return s.identityFixed(tx, r, now)
	case app.ChangeOfficeRecord:
		// Another desk of the office made or changed a record: taken as a re-download takes
		// it (a dossier only when the centre's version is newer, a voucher or cover when new
		// or further on), so a desk's own later work is never replaced.
		var rec contract.OfficeRecordV1
		if err := json.Unmarshal(ch.Payload, &rec); err != nil {
			return err
		}
		if rec.Replace && rec.Kind == "dossier" {
			// Sent back after this desk's event on it conflicted: the office's dossier replaces
			// the desk's own version (its event is kept in the conflict's notice).
			d, err := app.DossierPayload.Unmarshal(rec.Record)
			if err != nil {
				return err
			}
			cur, ok, err := tx.Dossier(d.Code)
			if err != nil {
				return err
			}
			if !ok {
				return tx.PutDossier(&d, nil)
			}
			if n := len(d.Timeline); n > 0 && len(cur.Timeline) >= n && app.EventKey(cur.Timeline[n-1]) == app.EventKey(d.Timeline[n-1]) {
				// The desk already holds this history and went on from it (a store restored
				// from backup that took back the office's state, then replays the pull).
				return nil
			}
			return tx.PutDossier(&d, &cur)
		}
		_, err := redownload(tx, rec.Kind, rec.Record, nil, now)
		return err
	case app.ChangeParticipant:
		p, err := app.ParticipantPayload.Unmarshal(ch.Payload)
		if err != nil {
			return err
		}
		return mergeParticipant(tx, p)
	case app.ChangeRuleFile:
		var f contract.RuleFileV1
		if err := json.Unmarshal(ch.Payload, &f); err != nil {
			return err
		}
		if s.Files == nil {
			return nil
		}
		err := s.Files(f.Path, f.Data)
		if app.KindOf(err) == app.Invalid {
			// A file the desk cannot apply is never half-applied: the desk keeps the data it
			// has, and a person is told (the province must publish a corrected file).
			return tx.PutNotice(app.Notice{ID: "rulefile:" + strconv.FormatUint(ch.Seq, 10), Kind: "rule_file_refused", Entity: f.Path,
				Reason: "rule_file_refused", Args: map[string]string{"path": f.Path, "detail": errorDetail(err)}, Created: now})
		}
		return err
	case app.ChangeOfficeWorkflow:
		c, err := app.OfficeWorkflowPayload.Unmarshal(ch.Payload)
		if err != nil {
			return err
		}
		return officeWorkflow(tx, ch, c, now)
	case app.ChangeOpConflict:
		var r contract.OpResult
		if err := json.Unmarshal(ch.Payload, &r); err != nil {
			return err
		}
		return tx.PutNotice(
			app.Notice{
				ID:      "conflict:" + strconv.FormatUint(ch.Seq, 10),
				Kind:    "op_conflict",
				Entity:  ch.Entity,
				Reason:  r.Reason,
				Args:    r.Args,
				Created: now,
			},
		)
	}
	// A change this version does not know is kept for a person rather than lost.
	return tx.PutNotice(
		app.Notice{ID: "unknown:" + strconv.FormatUint(ch.Seq, 10), Kind: "unknown_change", Entity: ch.Entity, Reason: ch.Kind, Created: now},
	)
}

// officeWorkflow takes the workflow adjustment another desk of the office made (or this desk's
// own, coming back: then nothing changes). The last one the centre applied wins at every desk;
// when it replaces this desk's, a notice says so.
func officeWorkflow(tx Tx, ch contract.Change, c app.OfficeWorkflowChange, now time.Time) error {
	o, ok, err := tx.Office()
	if err != nil || !ok || ch.Entity != o.Agency {
		return err
	}
	if o.Workflow.Same(c.Adjustment) {
		return nil
	}
	o.Workflow = c.Adjustment
	if err := tx.PutOffice(o); err != nil {
		return err
	}
	detail := c.Adjustment.Summary()
	if c.Adjustment != nil {
		detail += "; " + c.Adjustment.Reason
	}
	entry := app.AuditEntry{User: syncActor, Action: "workflow.adjust", Entity: o.Agency,
		Detail: "device=" + c.Device + "; " + detail, At: now}
	if err := tx.Audit(entry); err != nil {
		return err
	}
	if c.Device == o.Device {
		return nil
	}
	n := app.Notice{ID: "workflow:" + strconv.FormatUint(ch.Seq, 10), Kind: "workflow_adjusted", Entity: o.Agency,
		Reason: "workflow_reset_elsewhere", Args: map[string]string{"device": c.Device}, Created: now}
	if c.Adjustment != nil {
		n.Reason, n.Args["user"], n.Args["reason"] = "workflow_adjusted_elsewhere", c.Adjustment.By, c.Adjustment.Reason
	}
	return tx.PutNotice(n)
}

// identityFixed applies a decided identity review: the participant and a cover not yet issued
// take the decided identity; the dossiers keep the form as it was received.
func (s *Service) identityFixed(tx Tx, r app.IdentityReview, now time.Time) error {
	if r.Resolved == nil {
		return nil
	}
	id := *r.Resolved
	if p, ok, err := tx.Participant(r.PersonalID); err != nil {
		return err
	} else if ok {
		p.FullName, p.BirthDate, p.Gender = id.FullName, id.BirthDate, id.Gender
		p.Version++
		if err := tx.PutParticipant(p); err != nil {
			return err
		}
	}
	if c, ok, err := tx.Cover(r.PersonalID); err != nil {
		return err
	} else if ok && c.Status == app.CoverCreated {
		prev := c
		c.FullName, c.BirthDate, c.Gender = id.FullName, id.BirthDate, id.Gender
		c.Version++
		if err := tx.PutCover(&c, &prev); err != nil {
			return err
		}
	}
	n, ok, err := tx.Notice("review:" + r.ID)
	if err != nil {
		return err
	}
	if !ok {
		n = app.Notice{ID: "review:" + r.ID, Kind: "identity_review", Entity: r.PersonalID, Created: now}
	}
	n.Review, n.Resolved, n.By, n.Decision = &r, true, r.By, "resolved_centrally"
	if err := tx.PutNotice(n); err != nil {
		return err
	}
	return tx.Audit(
		app.AuditEntry{User: syncActor, Action: "identity.resolved", Entity: app.PersonalID(r.PersonalID).Masked(), PersonalID: r.PersonalID},
	)
}

// mergeParticipant takes a participant the centre knows into the office's records: identity
// from the centre, periods joined by voucher (a period the office already has is kept once).
func mergeParticipant(tx Tx, p app.Participant) error {
	cur, ok, err := tx.Participant(p.PersonalID)
	if err != nil {
		return err
	}
	if ok {
		have := map[string]bool{}
		for _, pe := range cur.Periods {
			have[pe.Voucher] = true
		}
		periods := cur.Periods
		for _, pe := range p.Periods {
			if !have[pe.Voucher] {
				periods = append(periods, pe)
			}
		}
		sort.Slice(periods, func(i, j int) bool { return periods[i].From < periods[j].From })
		p.Periods, p.Version = periods, max(cur.Version, p.Version)+1
		p.HasBook = p.HasBook || cur.HasBook
		// The desk's own decisions the centre has not applied yet stay (they are in the outbox).
		for _, ev := range cur.Events {
			p.ApplyEvent(ev)
		}
		if p.History == nil {
			p.History = cur.History
		}
	}
	if err := tx.PutParticipant(p); err != nil {
		return err
	}
	// A voucher another desk of the office recorded came before the period it made (the
	// desk sends them in that order): with the period here, it is matched, not an exception.
	for i, pe := range p.Periods {
		v, ok, err := tx.Voucher(pe.Voucher)
		if err != nil {
			return err
		}
		if ok && v.State.Status == app.VoucherException && v.State.Exception == "voucher_redownloaded" {
			st := v.State
			st.ID, st.Status, st.Exception, st.Period = pe.Voucher, app.VoucherMatched, "", i+1
			if err := tx.PutVoucherState(st); err != nil {
				return err
			}
		}
	}
	return nil
}

// confirmCover marks a cover confirmed by the central records service: later prints are final.
func confirmCover(tx Tx, actor, pid string, at, now time.Time) error {
	cur, ok, err := tx.Cover(pid)
	if err != nil || !ok || cur.Status == app.CoverConfirmed {
		return err
	}
	prev := cur
	c := cur
	c.Status, c.ConfirmedAt = app.CoverConfirmed, at
	if c.IssuedAt.IsZero() {
		c.IssuedAt = at
	}
	if err := tx.PutCover(&c, &prev); err != nil {
		return err
	}
	return tx.Audit(app.AuditEntry{User: actor, Action: "cover.confirm", Entity: app.PersonalID(pid).Masked(), At: now, PersonalID: pid})
}
