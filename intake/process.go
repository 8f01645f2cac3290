package intake

import (
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// ActRequest is one workflow action on a dossier.
type ActRequest struct {
	Action app.Action // ActAdvance (or resubmit a returned dossier), ActReturn, ActReject, ActReappoint
	Reason string
	// Missing lists the items the citizen must add (ActReturn, Mẫu 02).
	Missing []string
	// Date is the new appointment (ActReappoint, Mẫu 04).
	Date calendar.Date
}

// Act applies a workflow action to a dossier and records it on the timeline, in the outbox and
// in the audit log, in one transaction. The session's role must be allowed the action and, to
// advance, be the current step's role (a supervisor may act at any step).
//
//   - advance: to the next step; after the last step the result is returned (done). On a
//     returned dossier it records the completed dossier (resubmit): counting starts again from
//     now with the remaining steps' days.
//   - return: the dossier waits for the missing items (at least one).
//   - reject: closes the dossier; the reason is required.
//   - reappoint: a new appointment date, a working day after the current one; the reason is
//     required.
func (s *Service) Act(sess *app.Session, code string, req ActRequest) (app.Dossier, error) {
	var d app.Dossier
	perm := map[app.Action]app.Permission{app.ActAdvance: app.PermProcess, app.ActReturn: app.PermReturn, app.ActReject: app.PermReject,
		app.ActReappoint: app.PermReappoint}[req.Action]
	if perm == "" {
		return d, &app.Error{Kind: app.Invalid, Code: app.CodeBadAction, Field: "action", Args: map[string]string{"value": string(req.Action)}}
	}
	if err := sess.Require(perm); err != nil {
		return d, err
	}
	req.Reason = app.NormalizeText(req.Reason)
	missing := req.Missing[:0:0]
	for _, m := range req.Missing {
		if m = app.NormalizeText(m); m != "" {
			missing = append(missing, m)
		}
	}
	req.Missing = missing
	now := s.Now.Time()
	err := s.Store.Update(func(tx Tx) error {
		cur, ok, err := tx.Dossier(code)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeDossierNotFound, Field: "dossier", Args: map[string]string{"code": code}}
		}
		if cur.State.Closed() {
			return &app.Error{
				Kind:  app.Conflict,
				Code:  app.CodeDossierClosed,
				Field: "dossier",
				Args:  map[string]string{"code": code, "state": string(cur.State)},
			}
		}
		prev := cur
		d = cur
		d.Timeline = append([]app.Event(nil), cur.Timeline...)
		ev := app.Event{At: app.Stamp(now), User: sess.User.Name, Action: req.Action, FromStep: cur.Step, Reason: req.Reason}
		if err := s.apply(tx, sess, &d, &ev, req, now); err != nil {
			return err
		}
		d.Handler = sess.User.Name
		if err := app.SaveEvent(tx, &d, &prev, ev, now); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier." + string(ev.Action), Entity: d.Code,
			Detail: "step=" + ev.FromStep + "→" + ev.ToStep, PersonalID: d.Form.PersonalID})
	})
	return d, err
}

func (s *Service) apply(tx Tx, sess *app.Session, d *app.Dossier, ev *app.Event, req ActRequest, now time.Time) error {
	steps := d.Steps
	i := d.StepIndex()
	if i < 0 {
		return &app.Error{Kind: app.Internal, Code: app.CodeUnknownStep, Args: map[string]string{"step": d.Step}}
	}
	cal := s.Ref.Get().Calendars.For(sess.Office.Province)
	switch req.Action {
	case app.ActAdvance:
		if d.State == app.StateReturned {
			p, err := app.PlanSteps(cal, steps, i, now)
			if err != nil {
				return err
			}
			ev.Action, ev.ToStep = app.ActResubmit, d.Step
			d.State, d.Missing, d.Received, d.Due, d.StepDue = app.StateOpen, nil, app.Stamp(now), p.Due, p.StepDue
			return nil
		}
		if steps[i].Role != sess.User.Role && !sess.User.Role.Can(app.PermAnyStep) {
			return &app.Error{
				Kind:  app.Forbidden,
				Code:  app.CodeNotYourStep,
				Field: "step",
				Args:  map[string]string{"step": steps[i].NameVI, "role": string(steps[i].Role)},
			}
		}
		if err := waitsForEvent(tx, d, steps[i]); err != nil {
			return err
		}
		return app.Advance(d, ev, cal, now)
	case app.ActReturn:
		if d.State == app.StateReturned {
			return &app.Error{Kind: app.Conflict, Code: app.CodeAlreadyReturned, Field: "dossier"}
		}
		if len(req.Missing) == 0 {
			return &app.Error{Kind: app.Invalid, Code: app.CodeMissingItemsRequired, Field: "missing"}
		}
		ev.Missing, ev.ToStep = req.Missing, d.Step
		d.State, d.Missing = app.StateReturned, req.Missing
	case app.ActReject:
		if req.Reason == "" {
			return &app.Error{Kind: app.Invalid, Code: app.CodeReasonRequired, Field: "reason"}
		}
		d.State, d.Step, d.StepDue, d.Reason = app.StateRejected, "", 0, req.Reason
	case app.ActReappoint:
		if req.Reason == "" {
			return &app.Error{Kind: app.Invalid, Code: app.CodeReasonRequired, Field: "reason"}
		}
		today := calendar.DateOf(now.In(calendar.VN))
		if req.Date <= d.Due || req.Date < today {
			return &app.Error{Kind: app.Invalid, Code: app.CodeReappointNotLater, Field: "date", Args: map[string]string{"due": d.Due.VNString()}}
		}
		work, err := cal.IsWorkingDay(req.Date)
		if err != nil {
			return app.CalendarError(err)
		}
		if !work {
			return &app.Error{Kind: app.Invalid, Code: app.CodeNotWorkingDay, Field: "date", Args: map[string]string{"date": req.Date.VNString()}}
		}
		ev.ToStep = d.Step
		d.Due, d.Reason = req.Date, req.Reason
		if d.StepDue > d.Due {
			d.StepDue = d.Due
		}
	}
	return nil
}

// Dossier returns one dossier and records that the user viewed it.
func (s *Service) Dossier(sess *app.Session, code string) (app.Dossier, error) {
	var d app.Dossier
	if err := sess.Require(app.PermView); err != nil {
		return d, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	err := s.Store.Update(func(tx Tx) error {
		var (
			ok  bool
			err error
		)
		if d, ok, err = tx.Dossier(code); err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeDossierNotFound, Field: "dossier", Args: map[string]string{"code": code}}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.view", Entity: code, PersonalID: d.Form.PersonalID})
	})
	return d, err
}

// ListKind names a queue or a search.
type ListKind string

// The queues (hàng đợi) and searches.
const (
	ListDueToday ListKind = "due-today" // pending, due today
	ListOverdue  ListKind = "overdue"   // pending, due before today
	ListPending  ListKind = "pending"   // every pending dossier by due date
	ListStep     ListKind = "step"      // open dossiers at a step (Value), by the step's deadline
	ListHandler  ListKind = "handler"   // pending dossiers last handled by an account (Value)
	ListSearch   ListKind = "search"    // Value: a name (folded prefix) or digits of a personal ID
)

// ListRequest asks for a queue or a search.
type ListRequest struct {
	Kind  ListKind
	Value string
	Limit int // 0: no limit (searches default to 50)
}

// List returns a queue or search result, sorted by due date, and records the query (not the
// rows) in the audit log.
func (s *Service) List(sess *app.Session, req ListRequest) ([]app.Summary, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	today := s.Today()
	var out []app.Summary
	err := s.Store.Update(func(tx Tx) error {
		var err error
		if out, err = list(tx, req, today); err != nil {
			return err
		}
		detail := string(req.Kind)
		if req.Kind == ListStep || req.Kind == ListHandler {
			detail += "=" + req.Value
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.list", Detail: detail})
	})
	return out, err
}

// Count is how many dossiers a queue holds (the dashboard's tiles). It shows no one's data, so
// unlike List it writes no audit entry; searches are not counted.
func (s *Service) Count(sess *app.Session, kind ListKind, value string) (int, error) {
	if err := sess.Require(app.PermView); err != nil {
		return 0, err
	}
	if kind == ListSearch {
		return 0, &app.Error{Kind: app.Invalid, Code: app.CodeBadList, Field: "list", Args: map[string]string{"value": string(kind)}}
	}
	today := s.Today()
	n := 0
	err := s.Store.View(func(tx Tx) error {
		rows, err := list(tx, ListRequest{Kind: kind, Value: value}, today)
		n = len(rows)
		return err
	})
	return n, err
}

// list reads a queue or a search.
func list(tx Tx, req ListRequest, today calendar.Date) ([]app.Summary, error) {
	switch req.Kind {
	case ListDueToday:
		return tx.Due(today, today, req.Limit)
	case ListOverdue:
		return tx.Due(0, today-1, req.Limit)
	case ListPending:
		return tx.Due(0, calendar.Date(1<<30), req.Limit)
	case ListStep:
		return tx.AtStep(req.Value, req.Limit)
	case ListHandler:
		return tx.ByHandler(strings.ToLower(strings.TrimSpace(req.Value)), req.Limit)
	case ListSearch:
		return search(tx, req.Value, req.Limit)
	}
	return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadList, Field: "list", Args: map[string]string{"value": string(req.Kind)}}
}

// search finds dossiers by what an officer has at hand: the personal ID (a prefix or the last
// digits, at least 4), the phone number (likewise), the dossier code or its end ("K70001",
// "261207-K70001"), or the name from its start or from any later word ("nguyen thi hong anh",
// "Nguyễn Thị Hồng", "nguyen thi ho", "hong anh" and "anh" all find "Nguyễn Thị Hồng Ánh").
// The results of every reading of the query are merged, each dossier once.
func search(tx Tx, text string, limit int) ([]app.Summary, error) {
	if limit <= 0 {
		limit = 50
	}
	q := strings.TrimSpace(text)
	if code := strings.ToUpper(q); strings.Count(code, "-") == 2 {
		if d, ok, err := tx.Dossier(code); err != nil || ok {
			if ok {
				return []app.Summary{d.Summary()}, nil
			}
			return nil, err
		}
	}
	var (
		out  []app.Summary
		seen = map[string]bool{}
	)
	add := func(rows []app.Summary, err error) error {
		for _, r := range rows {
			if !seen[r.Code] && len(out) < limit {
				seen[r.Code] = true
				out = append(out, r)
			}
		}
		return err
	}
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, q)
	if rest, ok := strings.CutPrefix(compact, "+84"); ok {
		compact = "0" + rest // a phone number written the international way
	}
	if compact != "" && app.AllDigits(compact) {
		if len(compact) < 4 {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeSearchTooShort, Field: "search"}
		}
		if err := add(tx.SearchPersonalID(compact, limit)); err != nil {
			return nil, err
		}
		if err := add(tx.SearchPhone(compact, limit)); err != nil {
			return nil, err
		}
		if err := add(tx.SearchCode(q, limit)); err != nil {
			return nil, err
		}
		return out, nil
	}
	key := app.FoldKey(q)
	if len([]rune(key)) < 2 {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeSearchTooShort, Field: "search"}
	}
	if !strings.Contains(q, " ") && len(q) >= 4 {
		if err := add(tx.SearchCode(q, limit)); err != nil {
			return nil, err
		}
	}
	if err := add(tx.SearchName(key, limit)); err != nil {
		return nil, err
	}
	return out, nil
}

// Counts returns the number of dossiers in each state (for the dashboard).
func (s *Service) Counts(sess *app.Session) (map[app.State]int, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	var c map[app.State]int
	err := s.Store.View(func(tx Tx) error {
		var err error
		c, err = tx.Counts()
		return err
	})
	return c, err
}

// VerifyAudit checks the audit hash chain (administrators and supervisors) and records the check.
func (s *Service) VerifyAudit(sess *app.Session) (app.AuditReport, error) {
	if err := sess.Require(app.PermAudit); err != nil {
		return app.AuditReport{}, err
	}
	return s.VerifyAuditAgainst(sess, nil)
}

// VerifyAuditAgainst checks the audit chain, then against the heads the centre acknowledged
// (those the desk kept, and extra ones — the centre's own, asked for online): a chain cut or
// rewritten behind an anchored head fails even when it chains again on its own.
func (s *Service) VerifyAuditAgainst(sess *app.Session, extra []contract.AuditAnchor) (app.AuditReport, error) {
	if err := sess.Require(app.PermAudit); err != nil {
		return app.AuditReport{}, err
	}
	rep, err := s.Store.VerifyAudit()
	if err != nil {
		return rep, err
	}
	if chain, ok := app.ChainOf(s.Store); ok && rep.OK {
		var anchors []contract.AuditAnchor
		if err := s.Store.View(func(tx Tx) (err error) { anchors, err = app.Anchors(tx); return err }); err != nil {
			return rep, err
		}
		if rep, err = app.CheckAnchors(rep, chain, append(anchors, extra...)); err != nil {
			return rep, err
		}
	}
	if rep.OK {
		// Only an intact chain is extended: appending to a broken one would hide where it broke.
		err = s.Store.Update(func(tx Tx) error {
			return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "audit.verify", Detail: "ok"})
		})
	}
	return rep, err
}

// ReceiptInfo is what the receipt and appointment slip of a dossier prints: the dossier, the
// office that received it and the account that received it (người tiếp nhận).
type ReceiptInfo struct {
	Dossier  app.Dossier
	Office   app.Office
	Receiver app.User
}

// Receipt returns what the receipt of a dossier prints and records the printing in the audit
// log. It needs PermReceipt; an unknown dossier is NotFound.
func (s *Service) Receipt(sess *app.Session, code string) (ReceiptInfo, error) {
	var info ReceiptInfo
	if err := sess.Require(app.PermReceipt); err != nil {
		return info, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	err := s.Store.Update(func(tx Tx) error {
		d, ok, err := tx.Dossier(code)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeDossierNotFound, Field: "dossier", Args: map[string]string{"code": code}}
		}
		info.Dossier, info.Office = d, sess.Office
		if o, ok, err := tx.Office(); err != nil {
			return err
		} else if ok {
			info.Office = o
		}
		receiver := d.Handler
		if len(d.Timeline) > 0 {
			receiver = d.Timeline[0].User
		}
		if u, ok, err := tx.User(receiver); err != nil {
			return err
		} else if ok {
			info.Receiver = u
		} else {
			info.Receiver = app.User{Name: receiver}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.receipt", Entity: code, PersonalID: d.Form.PersonalID})
	})
	return info, err
}

// waitsForEvent refuses to advance by hand a step that its event completes while the event is
// still to come: the payment step before a payment voucher matched the dossier, the book step
// before the payment (the cover is made from it) or while the person's cover is made but not
// issued. Passed by hand, the result would be returned to someone who never paid or without
// their book. The book step of a person who needs no new cover (a book already, or a cover
// issued before) is advanced by hand.
func waitsForEvent(tx Tx, d *app.Dossier, st app.Step) error {
	waits := func(code app.Code) error {
		return &app.Error{Kind: app.Conflict, Code: code, Field: "step", Args: map[string]string{"step": st.NameVI}}
	}
	switch st.Completes {
	case app.CompletesPayment:
		if !d.Has(app.ActPayment) {
			return waits(app.CodeStepWaitsPayment)
		}
	case app.CompletesCover:
		if !d.Has(app.ActPayment) {
			return waits(app.CodeStepWaitsPayment)
		}
		c, ok, err := tx.Cover(d.Form.PersonalID)
		if err != nil {
			return err
		}
		if ok && c.Status == app.CoverCreated {
			return waits(app.CodeStepWaitsCover)
		}
	}
	return nil
}
