package officesync

import (
	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/records"
	"encoding/json"
	"errors"
	"fmt"
	neturl "net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Service is the office side of synchronisation with the central intake and records services:
// it hands the engine the outbox in order, stores the centre's acknowledgements (an operation
// leaves the outbox only in the transaction that stores its acknowledgement), applies pulled
// changes through the same logic as local work (a voucher from the accounting feed is matched
// like one typed at the desk) and keeps what a person must decide as notices.
type Service struct {
	Store   Store
	Records *records.Service
	// Files writes a reference-data file pulled from the centre (rule tables, calendars,
	// workflows, trusted keys) under the desk's rules folder; nil drops such changes. An
	// Invalid error refuses the file (it would make the desk's reference data inconsistent):
	// the page is applied without it and a notice tells a person.
	Files func(path string, data []byte) error
	// FilesApplied is called after a page that wrote reference-data files is committed: the
	// desk loads them, so the next quote uses them.
	FilesApplied func()
	// Now is the clock; time.Now when nil.
	Now app.Clock
}

// keptAnchors is how many acknowledged heads the desk keeps.
const keptAnchors = 50

// AuditChain is the store's audit chain, when the store offers it for anchoring.
func (s *Service) AuditChain() (app.AuditChain, bool) {
	c, ok := app.ChainOf(s.Store)
	return c, ok
}

// Anchors are the audit heads the centre acknowledged, oldest first.
func (s *Service) Anchors() ([]app.AuditAnchor, error) {
	var out []app.AuditAnchor
	err := s.Store.View(func(tx Tx) (err error) { out, err = app.Anchors(tx); return err })
	return out, err
}

// KeepAnchor records a head the centre acknowledged.
func (s *Service) KeepAnchor(a app.AuditAnchor) error {
	return s.Store.Update(func(tx Tx) error {
		var list []app.AuditAnchor
		if raw, ok, err := tx.Setting(app.SettingAnchors); err != nil {
			return err
		} else if ok {
			if err := json.Unmarshal(raw, &list); err != nil {
				list = nil // a damaged list is replaced; the centre keeps its own
			}
		}
		if n := len(list); n > 0 && list[n-1].Seq == a.Seq && list[n-1].Hash == a.Hash {
			return nil
		}
		list = append(list, a)
		if len(list) > keptAnchors {
			list = list[len(list)-keptAnchors:]
		}
		raw, err := json.Marshal(list)
		if err != nil {
			return err
		}
		return tx.PutSetting(app.SettingAnchors, raw)
	})
}

// AnchorRefused records that the centre found the audit chain cut or rewritten behind the
// head it holds: a notice for the office's supervisor, once per reason and anchor.
func (s *Service) AnchorRefused(ans app.AnchorAnswer) error {
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		id := fmt.Sprintf("audit:%s:%d", ans.Reason, ans.Last.Seq)
		if _, ok, err := tx.Notice(id); err != nil || ok {
			return err
		}
		return tx.PutNotice(app.Notice{ID: id, Kind: "audit_broken", Entity: "audit", Reason: ans.Reason,
			Args: map[string]string{"seq": strconv.FormatUint(ans.Last.Seq, 10)}, Created: now})
	})
}

// NeedsReconcile reports whether the outbox must be reconciled with the centre first.
func (s *Service) NeedsReconcile() (bool, error) {
	var need bool
	err := s.Store.View(func(tx Tx) error {
		v, ok, err := tx.Setting(app.SettingReconcile)
		need = ok && string(v) == "1"
		return err
	})
	return need, err
}

// Reconciled records that the outbox was reconciled.
func (s *Service) Reconciled() error {
	return s.Store.Update(func(tx Tx) error { return tx.PutSetting(app.SettingReconcile, []byte("0")) })
}

// Outbox returns up to limit operations waiting to be sent, oldest first.
func (s *Service) Outbox(limit int) ([]app.Op, error) {
	var ops []app.Op
	err := s.Store.View(func(tx Tx) error {
		var err error
		ops, err = tx.OutboxAfter(0, limit)
		return err
	})
	return ops, err
}

// Pending is the number of operations waiting to be sent.
func (s *Service) Pending() (int, error) {
	n := 0
	err := s.Store.View(func(tx Tx) error {
		var err error
		n, err = tx.PendingOps()
		return err
	})
	return n, err
}

// Acknowledge stores the centre's answers to pushed operations and removes them from the
// outbox, in one transaction. Conflicts and rejections become notices for a person; nothing is
// silently dropped. Results for operations no longer in the outbox (a repeated answer) change
// nothing.
func (s *Service) Acknowledge(ops []app.Op, results []app.OpResult) error {
	byID := make(map[string]app.Op, len(ops))
	for _, op := range ops {
		byID[op.OpID] = op
	}
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		for _, r := range results {
			op, ok := byID[r.OpID]
			if !ok {
				continue
			}
			removed, err := tx.DeleteOutbox(op.DeviceSeq)
			if err != nil {
				return err
			}
			if !removed {
				continue
			}
			st := app.EntitySync{Entity: op.EntityID, Kind: op.Kind, Status: r.Status, Reason: r.Reason, OpID: op.OpID, At: now}
			if err := tx.PutEntitySync(st); err != nil {
				return err
			}
			switch r.Status {
			case app.OpApplied, app.OpDuplicate:
				// An identity review reaches every office concerned as a pulled change, with
				// all the registrations it links; the push result only announces it.
				if r.Notice == "" || r.Notice == "identity_review" {
					continue
				}
			case app.OpConflict, app.OpRejected:
			default:
				return &app.Error{Kind: app.Internal, Code: app.CodeBadOpStatus, Args: map[string]string{"status": r.Status}}
			}
			n := app.Notice{ID: "op:" + op.OpID, Kind: "op_" + r.Status, Entity: op.EntityID, Reason: r.Reason, Args: r.Args, Created: now}
			if r.Notice != "" {
				n.Kind, n.Reason = r.Notice, r.Notice
			}
			opCopy := op
			n.Op = &opCopy
			if err := tx.PutNotice(n); err != nil {
				return err
			}
		}
		return nil
	})
}

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
func (s *Service) ApplyPage(p app.Page) error {
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

func (s *Service) apply(tx Tx, ch app.Change, now time.Time) error {
	switch ch.Kind {
	case app.ChangeVoucher:
		var in app.VoucherInput
		if err := json.Unmarshal(ch.Payload, &in); err != nil {
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
		var c struct {
			ConfirmedAt time.Time `json:"confirmed_at"`
		}
		if err := json.Unmarshal(ch.Payload, &c); err != nil {
			return err
		}
		return confirmCover(tx, syncActor, ch.Entity, c.ConfirmedAt, now)
	case app.ChangeCoverConflict:
		// A person at the issuing office looks at it with the other office (the person may
		// have moved there): a notice to close with a note, never a cover changed.
		var args map[string]string
		if err := json.Unmarshal(ch.Payload, &args); err != nil {
			return err
		}
		id := "cover-conflict:" + ch.Entity + ":" + args["office"]
		if _, ok, err := tx.Notice(id); err != nil || ok {
			return err
		}
		return tx.PutNotice(app.Notice{ID: id, Kind: "cover_conflict", Entity: ch.Entity, Reason: "cover_conflict", Args: args, Created: now})
	case app.ChangeIdentityReview:
		var r app.IdentityReview
		if err := json.Unmarshal(ch.Payload, &r); err != nil {
			return err
		}
		return tx.PutNotice(app.Notice{ID: "review:" + r.ID, Kind: "identity_review", Entity: r.PersonalID, Review: &r, Created: now})
	case app.ChangeIdentityFixed:
		var r app.IdentityReview
		if err := json.Unmarshal(ch.Payload, &r); err != nil {
			return err
		}
		return s.identityFixed(tx, r, now)
	case app.ChangeParticipant:
		var p app.Participant
		if err := json.Unmarshal(ch.Payload, &p); err != nil {
			return err
		}
		return mergeParticipant(tx, p)
	case app.ChangeRuleFile:
		var f app.RuleFile
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
		var c app.OfficeWorkflowChange
		if err := json.Unmarshal(ch.Payload, &c); err != nil {
			return err
		}
		return officeWorkflow(tx, ch, c, now)
	case app.ChangeOpConflict:
		var r app.OpResult
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
func officeWorkflow(tx Tx, ch app.Change, c app.OfficeWorkflowChange, now time.Time) error {
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
	}
	return tx.PutParticipant(p)
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

// Enrol checks an address and a token with check (the centre: which office and device the
// token belongs to) and keeps them (SetCentral); administrators only. An empty token keeps the
// stored one. A check that fails keeps nothing: the desk never reports itself enrolled to fail
// at every round. It returns the address and token kept.
func (s *Service) Enrol(sess *app.Session, url, token string, check func(url, token string) error) (string, string, error) {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return "", "", err
	}
	url, token = strings.TrimSpace(url), strings.TrimSpace(token)
	if token == "" {
		_, stored, err := s.Central()
		if err != nil {
			return "", "", err
		}
		token = stored
	}
	if url != "" && token != "" {
		if err := check(url, token); err != nil {
			return "", "", err
		}
	}
	return url, token, s.SetCentral(sess, url, token)
}

// SetCentral stores the central services' URL and this device's token (device enrolment),
// administrators only. A desk that never has a link keeps only the token, for transfer files.
func (s *Service) SetCentral(sess *app.Session, url, token string) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	url, token = strings.TrimSpace(url), strings.TrimSpace(token)
	ve := &app.ValidationError{}
	if url != "" {
		if u, err := neturl.Parse(url); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			ve.Problems = append(
				ve.Problems,
				app.FieldProblem{Field: "central_url", Code: app.CodeBadCentralUrl, Args: map[string]string{"value": url}},
			)
		}
	}
	if token == "" { // keep the device's token: only the address changes
		_, stored, err := s.Central()
		if err != nil {
			return err
		}
		if token = stored; token == "" {
			ve.Problems = append(ve.Problems, app.FieldProblem{Field: "token", Code: app.CodeRequired})
		}
	}
	if len(ve.Problems) > 0 {
		return ve
	}
	return s.Store.Update(func(tx Tx) error {
		if err := tx.PutSetting(app.SettingCentral, []byte(url)); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingToken, []byte(token)); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "sync.enrol", Detail: "central=" + url})
	})
}

// Central returns the stored central URL and device token ("" before enrolment).
func (s *Service) Central() (url, token string, err error) {
	err = s.Store.View(func(tx Tx) error {
		u, _, err := tx.Setting(app.SettingCentral)
		if err != nil {
			return err
		}
		t, _, err := tx.Setting(app.SettingToken)
		url, token = string(u), string(t)
		return err
	})
	return url, token, err
}

// MarkSynced records the end of a complete round.
func (s *Service) MarkSynced(at time.Time) error {
	return s.Store.Update(func(tx Tx) error { return tx.PutSetting(app.SettingLastSync, []byte(at.Format(time.RFC3339))) })
}

// LastSync is the time of the last complete round (zero before the first).
func (s *Service) LastSync() (time.Time, error) {
	var t time.Time
	err := s.Store.View(func(tx Tx) (err error) { t, err = app.LastSync(tx); return err })
	return t, err
}

// Notices lists the notices (open ones only unless all), newest first.
func (s *Service) Notices(sess *app.Session, all bool) ([]app.Notice, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	var out []app.Notice
	err := s.Store.View(func(tx Tx) error {
		ns, err := tx.Notices(0)
		for _, n := range ns {
			if all || !n.Resolved {
				out = append(out, n)
			}
		}
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, err
}

// ResolveIdentity is a supervisor's decision on an identity review: which of the records holds
// the person's true name, birth date and gender. It is sent to the centre, which tells every
// office concerned; the desk's notice is closed.
func (s *Service) ResolveIdentity(sess *app.Session, noticeID string, choice int, note string) error {
	if err := sess.Require(app.PermResolveConflict); err != nil {
		return err
	}
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		n, ok, err := tx.Notice(noticeID)
		if err != nil {
			return err
		}
		if !ok || n.Review == nil {
			return &app.Error{Kind: app.NotFound, Code: app.CodeNoticeNotFound, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if n.Resolved {
			return &app.Error{Kind: app.Conflict, Code: app.CodeNoticeResolved, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if o, _, err := tx.Office(); err != nil {
			return err
		} else if d := n.Review.Decider; d != "" && d != o.Agency {
			return &app.Error{Kind: app.Forbidden, Code: app.CodeReviewOtherOffice, Field: "notice", Args: map[string]string{"office": d}}
		}
		if choice < 0 || choice >= len(n.Review.Records) {
			return &app.Error{
				Kind:  app.Invalid,
				Code:  app.CodeBadChoice,
				Field: "choice",
				Args:  map[string]string{"value": strconv.Itoa(choice + 1)},
			}
		}
		r := *n.Review
		chosen := r.Records[choice]
		r.Resolved, r.By = &chosen, sess.User.Name
		n.Review, n.Resolved, n.By, n.Decision = &r, true, sess.User.Name, app.NormalizeText(note)
		if err := tx.PutNotice(n); err != nil {
			return err
		}
		if err := app.Enqueue(tx, contract.OpIdentityResolve, r.PersonalID, 0, r, now); err != nil {
			return err
		}
		return tx.Audit(
			app.AuditEntry{User: sess.User.Name, Action: "identity.resolve", Entity: app.PersonalID(r.PersonalID).Masked(), PersonalID: r.PersonalID,
				Detail: "choice=" + chosen.Office + "/" + chosen.Dossier},
		)
	})
}

// CloseNotice records that a person has seen a conflict or rejection and decided it (note says
// what was done); supervisors only.
func (s *Service) CloseNotice(sess *app.Session, noticeID, note string) error {
	if err := sess.Require(app.PermResolveConflict); err != nil {
		return err
	}
	note = app.NormalizeText(note)
	if note == "" {
		return &app.Error{Kind: app.Invalid, Code: app.CodeReasonRequired, Field: "reason"}
	}
	return s.Store.Update(func(tx Tx) error {
		n, ok, err := tx.Notice(noticeID)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeNoticeNotFound, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if n.Review != nil && !n.Resolved {
			return &app.Error{Kind: app.Invalid, Code: app.CodeReviewNeedsChoice, Field: "notice"}
		}
		n.Resolved, n.By, n.Decision = true, sess.User.Name, note
		if err := tx.PutNotice(n); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "notice.close", Entity: noticeID, Detail: note})
	})
}

// EntityState is what the centre last said about an entity (e.g. a dossier code).
func (s *Service) EntityState(entity string) (app.EntitySync, bool, error) {
	var (
		st app.EntitySync
		ok bool
	)
	err := s.Store.View(func(tx Tx) error {
		var err error
		st, ok, err = tx.EntitySync(entity)
		return err
	})
	return st, ok, err
}

// Digest is the digest of what the office holds (see DigestLine).
func (s *Service) Digest() (string, int, error) {
	var lines []app.DigestLine
	err := s.Store.View(func(tx Tx) error {
		var err error
		lines, err = tx.DigestLines()
		return err
	})
	return app.Digest(lines), len(lines), err
}

// Redownload takes into the office's store what the centre holds for it and the store lacks
// (its dossiers, vouchers, periods and covers), without queueing anything to send back. It is
// the way back for a desk whose store was lost or damaged, or restored from an older backup.
// Records the store already has are kept as they are. It returns how many records it added.
func (s *Service) Redownload(sess *app.Session, data app.OfficeData) (int, error) {
	if err := sess.Require(app.PermSync); err != nil {
		return 0, err
	}
	return s.redownload(sess.User.Name, data)
}

// RestoreFromCentre is Redownload for the sync engine after a restore from backup.
func (s *Service) RestoreFromCentre(data app.OfficeData) error {
	_, err := s.redownload(syncActor, data)
	return err
}

func (s *Service) redownload(actor string, data app.OfficeData) (int, error) {
	now := s.Now.Time()
	added := 0
	const chunk = 100
	type item struct {
		kind string
		raw  json.RawMessage
		p    *app.Participant
	}
	var items []item
	for _, d := range data.Dossiers {
		items = append(items, item{kind: "dossier", raw: d})
	}
	for _, v := range data.Vouchers {
		items = append(items, item{kind: "voucher", raw: v})
	}
	for i := range data.People {
		items = append(items, item{kind: "person", p: &data.People[i]})
	}
	for _, c := range data.Covers {
		items = append(items, item{kind: "cover", raw: c})
	}
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		n := 0
		err := s.Store.Update(func(tx Tx) error {
			n = 0
			for _, it := range part {
				ok, err := redownload(tx, it.kind, it.raw, it.p, now)
				if err != nil {
					return fmt.Errorf("%s: %w", it.kind, err)
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return added, err
		}
		added += n
	}
	err := s.Store.Update(func(tx Tx) error {
		if cur, err := cursorOf(tx); err != nil {
			return err
		} else if cur == 0 {
			// A fresh store has seen nothing: it carries on from where this download was read.
			if err := tx.PutSetting(app.SettingCursor, []byte(strconv.FormatUint(data.Cursor, 10))); err != nil {
				return err
			}
		}
		if data.Workflow != nil {
			if o, ok, err := tx.Office(); err != nil {
				return err
			} else if ok && o.Workflow == nil {
				o.Workflow = data.Workflow
				if err := tx.PutOffice(o); err != nil {
					return err
				}
			}
		}
		return tx.Audit(app.AuditEntry{User: actor, Action: "store.redownload", Detail: fmt.Sprintf("added=%d", added)})
	})
	return added, err
}

func redownload(tx Tx, kind string, raw json.RawMessage, p *app.Participant, now time.Time) (bool, error) {
	switch kind {
	case "dossier":
		var d app.Dossier
		if err := json.Unmarshal(raw, &d); err != nil {
			return false, err
		}
		cur, ok, err := tx.Dossier(d.Code)
		if err != nil {
			return false, err
		}
		if !ok {
			return true, tx.PutDossier(&d, nil)
		}
		// A store restored from an older backup holds an older version of a dossier whose
		// later events reached the centre: the centre's is the office's latest.
		if d.Version > cur.Version {
			return true, tx.PutDossier(&d, &cur)
		}
		return false, nil
	case "voucher":
		var v app.Voucher
		if err := json.Unmarshal(raw, &v); err != nil {
			return false, err
		}
		if v.Kind == "" { // a feed voucher, as the accounting system posted it
			var in app.VoucherInput
			if err := json.Unmarshal(raw, &in); err != nil {
				return false, err
			}
			parsed, err := app.ParseVoucher(in)
			if err != nil {
				return false, nil
			}
			v = parsed
			v.ID, v.Source, v.By, v.Created = in.ID, app.SourceCentral, syncActor, now
		}
		if _, ok, err := tx.Voucher(v.ID); err != nil || ok {
			return false, err
		}
		st := app.VoucherState{Status: app.VoucherMatched, Updated: now}
		part, _, err := tx.Participant(v.PersonalID)
		if err != nil {
			return false, err
		}
		st.Status, st.Exception = app.VoucherException, "voucher_redownloaded"
		for i, pe := range part.Periods {
			if pe.Voucher == v.ID {
				st.Status, st.Exception, st.Period = app.VoucherMatched, "", i+1
			}
		}
		if v.Kind == app.KindVoid {
			st.Status, st.Exception = app.VoucherVoid, ""
		}
		return true, tx.PutVoucher(v, st)
	case "person":
		_, had, err := tx.Participant(p.PersonalID)
		if err != nil {
			return false, err
		}
		return !had, mergeParticipant(tx, *p)
	case "cover":
		var c app.BookCover
		if err := json.Unmarshal(raw, &c); err != nil {
			return false, err
		}
		cur, ok, err := tx.Cover(c.PersonalID)
		if err != nil {
			return false, err
		}
		if !ok {
			return true, tx.PutCover(&c, nil)
		}
		if coverRank(c.Status) > coverRank(cur.Status) {
			c.Prints = cur.Prints // prints are counted where they happen
			return true, tx.PutCover(&c, &cur)
		}
		return false, nil
	}
	return false, nil
}

// Settings of offline transfer files.
const (
	settingTransferAnswered = "transfer/answered" // the last answer file applied
	settingTransferExported = "transfer/exported" // the last request file written
	seqTransfer             = "transfer"          // counter of request files written
)

// TransferOut is what a request file carries: every pending operation, the pull cursor, and
// the file's sequence number.
type TransferOut struct {
	Seq    uint64
	Ops    []app.Op
	Cursor uint64
	Office app.Office
}

// ExportPending takes the next transfer sequence number and returns every pending operation
// with the cursor, for an offline transfer file. The operations stay in the outbox until the
// centre's answer is imported (or a network round acknowledges them).
func (s *Service) ExportPending(sess *app.Session) (TransferOut, error) {
	var out TransferOut
	if err := sess.Require(app.PermSync); err != nil {
		return out, err
	}
	err := s.Store.Update(func(tx Tx) error {
		var err error
		if out.Ops, err = tx.OutboxAfter(0, 0); err != nil {
			return err
		}
		if out.Cursor, err = cursorOf(tx); err != nil {
			return err
		}
		if out.Seq, err = tx.NextSeq(seqTransfer); err != nil {
			return err
		}
		if err := tx.PutSetting(settingTransferExported, []byte(strconv.FormatUint(out.Seq, 10))); err != nil {
			return err
		}
		o, _, err := tx.Office()
		out.Office = o
		if err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "sync.export", Detail: fmt.Sprintf("seq=%d ops=%d", out.Seq, len(out.Ops))})
	})
	return out, err
}

// ImportAnswer applies the centre's answer to request file seq: the acknowledgements (each
// operation leaves the outbox with its result) and the changes. An answer to a file this desk
// did not write, or one already applied or older than the last applied, is refused.
func (s *Service) ImportAnswer(sess *app.Session, seq uint64, results []app.OpResult, page app.Page) error {
	if err := sess.Require(app.PermSync); err != nil {
		return err
	}
	var ops []app.Op
	err := s.Store.View(func(tx Tx) error {
		exported, err := settingUint(tx, settingTransferExported)
		if err != nil {
			return err
		}
		if seq > exported {
			return &app.Error{Kind: app.Invalid, Code: app.CodeTransferUnknown, Args: map[string]string{"seq": strconv.FormatUint(seq, 10)}}
		}
		answered, err := settingUint(tx, settingTransferAnswered)
		if err != nil {
			return err
		}
		if seq <= answered {
			return &app.Error{
				Kind: app.Conflict,
				Code: app.CodeTransferRepeated,
				Args: map[string]string{"seq": strconv.FormatUint(seq, 10), "last": strconv.FormatUint(answered, 10)},
			}
		}
		ops, err = tx.OutboxAfter(0, 0)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.Acknowledge(ops, results); err != nil {
		return err
	}
	if err := s.ApplyPage(page); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error {
		if err := tx.PutSetting(settingTransferAnswered, []byte(strconv.FormatUint(seq, 10))); err != nil {
			return err
		}
		return tx.Audit(
			app.AuditEntry{
				User:   sess.User.Name,
				Action: "sync.import_answer",
				Detail: fmt.Sprintf("seq=%d results=%d changes=%d", seq, len(results), len(page.Changes)),
			},
		)
	})
}

func settingUint(tx Tx, name string) (uint64, error) {
	raw, ok, err := tx.Setting(name)
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(raw), 10, 64)
}

// coverRank orders the statuses of a cover: created, issued, confirmed.
func coverRank(s app.CoverStatus) int {
	switch s {
	case app.CoverIssued:
		return 1
	case app.CoverConfirmed:
		return 2
	}
	return 0
}

// errorDetail is the technical detail an error carries for an administrator: its "detail"
// argument, or its text.
func errorDetail(err error) string {
	var e *app.Error
	if errors.As(err, &e) && e.Args["detail"] != "" {
		return e.Args["detail"]
	}
	return err.Error()
}

// Subject is who an outbox operation or a notice is about, as a person reads it: the
// citizen's name, and the dossier code, the receipt number or the personal ID (đối tượng).
type Subject struct {
	Name string // the citizen's full name; "" when the store does not know it
	Ref  string // the dossier code, the receipt number, the personal ID or the office code
}

// String is "name — ref", or ref alone.
func (s Subject) String() string {
	if s.Name == "" {
		return s.Ref
	}
	return s.Name + " — " + s.Ref
}

// subjectKind is what an operation of kind is about: a dossier (by code), a voucher (its
// payload), a person (by personal ID), or the office.
func subjectKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "dossier."):
		return "dossier"
	case strings.HasPrefix(kind, "voucher."):
		return "voucher"
	case kind == app.OpOfficeWorkflow:
		return "office"
	}
	return "person" // period.add, cover.*, identity.resolve, identity reviews
}

// Subjects names what each operation and notice is about, by entity, for the sync page: the
// lists say "Nguyễn Thị Hồng Ánh — 01001-260105-K70001", not an identifier alone.
func (s *Service) Subjects(ops []app.Op, notices []app.Notice) (map[string]Subject, error) {
	type item struct {
		kind, entity string
		payload      json.RawMessage
	}
	var items []item
	for _, op := range ops {
		items = append(items, item{op.Kind, op.EntityID, op.Payload})
	}
	for _, n := range notices {
		it := item{kind: n.Kind, entity: n.Entity}
		if n.Op != nil {
			it.kind, it.payload = n.Op.Kind, n.Op.Payload
		}
		items = append(items, it)
	}
	out := map[string]Subject{}
	err := s.Store.View(func(tx Tx) error {
		for _, it := range items {
			if _, ok := out[it.entity]; ok {
				continue
			}
			sub := Subject{Ref: it.entity}
			switch subjectKind(it.kind) {
			case "dossier":
				d, ok, err := tx.Dossier(it.entity)
				if err != nil {
					return err
				}
				if ok {
					sub.Name = d.Form.FullName
				}
			case "voucher":
				var v app.Voucher
				if json.Unmarshal(it.payload, &v) == nil && v.ReceiptNo != "" {
					sub = Subject{Name: v.FullName, Ref: v.ReceiptNo}
				}
			case "person":
				rows, err := tx.ByPersonalID(it.entity)
				if err != nil {
					return err
				}
				if len(rows) > 0 {
					sub.Name = rows[len(rows)-1].Name
				}
			}
			out[it.entity] = sub
		}
		return nil
	})
	return out, err
}
