package records

import (
	"bhxhdesk/app"
	"bhxhdesk/contract"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app/calendar"
)

// Service is the offline records service (thu và quản lý sổ, thẻ — TST, DOMAIN §8): payment
// vouchers, their matching to participants, participation periods, book covers and their
// printing. Vouchers typed at the desk, imported from a file and pulled from the central
// accounting feed all go through ApplyVouchers, so they meet the same checks.
type Service struct {
	Store Store
	// Ref is the reference data in force, read once per use (see intake.Service.Ref).
	Ref *app.RefSource
	// Now is the clock; time.Now when nil.
	Now app.Clock
}

// batchSize is how many vouchers one transaction applies: an import of 10,000 rows pays 250
// fsyncs, not 10,000, and a failed batch loses nothing already committed. Larger batches cost
// more: every index scan in a read-write transaction sorts its pending writes (Badger).
const batchSize = 40

// ImportResult is the outcome of applying a list of vouchers.
type ImportResult struct {
	Accepted   int              `json:"accepted"`   // stored: matched or set aside as exceptions
	Matched    int              `json:"matched"`    // a participation period was recorded
	Exceptions []app.RowProblem `json:"exceptions"` // stored, waiting for an officer's decision
	Rejected   []app.RowProblem `json:"rejected"`   // not stored: the row is unreadable or invalid
	Already    []app.RowProblem `json:"already"`    // not stored again: the same voucher is already recorded
	Vouchers   []string         `json:"vouchers"`   // ids of the stored vouchers, in row order
	Covers     []string         `json:"covers"`     // personal IDs whose book cover was created
	// NotReached counts the checked rows not recorded because the officer stopped the import
	// (from line StoppedAt on): importing the file again records them, and only them.
	NotReached int `json:"not_reached,omitempty"`
	StoppedAt  int `json:"stopped_at,omitempty"`
}

// AddVoucher records one voucher typed by an officer from a collection agent's receipt.
func (s *Service) AddVoucher(sess *app.Session, in app.VoucherInput) (app.VoucherView, error) {
	if err := sess.Require(app.PermVoucher); err != nil {
		return app.VoucherView{}, err
	}
	v, err := app.ParseVoucher(in)
	if err != nil {
		return app.VoucherView{}, err
	}
	res, err := s.apply(sess.User.Name, app.SourceDesk, "", []parsedRow{{line: 0, v: v}}, nil)
	if err != nil {
		return app.VoucherView{}, err
	}
	if len(res.Already) > 0 {
		return app.VoucherView{}, &app.Error{
			Kind:  app.Conflict,
			Code:  app.CodeVoucherAlreadyRecorded,
			Field: "receipt_no",
			Args:  res.Already[0].Problem.Args,
		}
	}
	var vv app.VoucherView
	err = s.Store.View(func(tx Tx) error {
		var err error
		vv, _, err = tx.Voucher(res.Vouchers[0])
		return err
	})
	return vv, err
}

// ImportVouchers records the rows read from a collection agent's or a bank's file: rows that
// fail the field checks are reported and not stored; the others are stored, matched or set
// aside as exceptions; a voucher already recorded (the same file imported twice) is reported
// and not stored again. Nothing is lost: every row ends in exactly one of the result's lists
// or counts.
// p follows the rows recorded and may stop the import between transactions (nil: no one
// watches); what was recorded stays recorded.
func (s *Service) ImportVouchers(
	sess *app.Session,
	file string,
	rows []app.VoucherRow,
	problems []app.RowProblem,
	p *app.Progress,
) (ImportResult, error) {
	if err := sess.Require(app.PermVoucher); err != nil {
		return ImportResult{}, err
	}
	return s.applyRows(sess.User.Name, app.SourceImport, file, rows, problems, p)
}

// ApplyCentralVouchers records vouchers pulled from the central accounting feed, through the
// same checks as the desk's own. Each carries its feed id; an id already stored is skipped.
// actor names the sync process in the audit log.
func (s *Service) ApplyCentralVouchers(actor string, ins []app.VoucherInput) (ImportResult, error) {
	rows := make([]app.VoucherRow, len(ins))
	for i, in := range ins {
		rows[i] = app.VoucherRow{Line: i + 1, Input: in}
	}
	return s.applyRows(actor, app.SourceCentral, "", rows, nil, nil)
}

type parsedRow struct {
	line int
	v    app.Voucher
}

func (s *Service) applyRows(
	actor string,
	src app.VoucherSource,
	file string,
	rows []app.VoucherRow,
	problems []app.RowProblem,
	p *app.Progress,
) (ImportResult, error) {
	var good []parsedRow
	res := ImportResult{Rejected: append([]app.RowProblem(nil), problems...)}
	for _, r := range rows {
		v, err := app.ParseVoucher(r.Input)
		if err != nil {
			for _, p := range ProblemsOf(err) {
				res.Rejected = append(res.Rejected, app.RowProblem{Line: r.Line, Problem: p})
			}
			continue
		}
		v.ID = strings.TrimSpace(r.Input.ID)
		good = append(good, parsedRow{line: r.Line, v: v})
	}
	applied, err := s.apply(actor, src, file, good, p)
	applied.Rejected = append(res.Rejected, applied.Rejected...)
	for _, ps := range [][]app.RowProblem{applied.Rejected, applied.Exceptions, applied.Already} {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	}
	return applied, err
}

// problemsOf lists an error's field problems.
func ProblemsOf(err error) []app.FieldProblem {
	switch e := err.(type) {
	case *app.ValidationError:
		return e.Problems
	case *app.Error:
		return []app.FieldProblem{{Field: e.Field, Code: e.Code, Args: e.Args}}
	}
	return []app.FieldProblem{{Code: app.CodeInternal}}
}

// apply stores and matches checked vouchers in batches of batchSize per transaction, telling p
// after each; when p is stopped it ends before the next batch.
func (s *Service) apply(actor string, src app.VoucherSource, file string, rows []parsedRow, p *app.Progress) (ImportResult, error) {
	res := ImportResult{}
	for start := 0; start < len(rows); start += batchSize {
		if p.Stopped() {
			res.NotReached, res.StoppedAt = len(rows)-start, rows[start].line
			return res, nil
		}
		batch := rows[start:min(start+batchSize, len(rows))]
		var part ImportResult
		now := s.Now.Time()
		err := s.Store.Update(func(tx Tx) error {
			part = ImportResult{}
			for _, r := range batch {
				v := r.v
				v.Source, v.File, v.Line, v.By, v.Created = src, file, r.line, actor, now
				if err := s.Record(tx, &part, r.line, v, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("vouchers from line %d: %w", batch[0].line, err)
		}
		res.Accepted += part.Accepted
		res.Matched += part.Matched
		res.Exceptions = append(res.Exceptions, part.Exceptions...)
		res.Already = append(res.Already, part.Already...)
		res.Vouchers = append(res.Vouchers, part.Vouchers...)
		res.Covers = append(res.Covers, part.Covers...)
		p.Step(int64(start+len(batch)), int64(len(rows)))
	}
	return res, nil
}

// record stores one voucher in tx and matches it.
func (s *Service) Record(tx Tx, res *ImportResult, line int, v app.Voucher, now time.Time) error {
	if v.ID != "" {
		if _, ok, err := tx.Voucher(v.ID); err != nil || ok {
			if ok {
				res.Already = append(
					res.Already,
					app.RowProblem{
						Line: line,
						Problem: app.FieldProblem{
							Field: "id",
							Code:  app.CodeVoucherAlreadyRecorded,
							Args:  map[string]string{"id": v.ID, "receipt_no": v.ReceiptNo},
						},
					},
				)
			}
			return err
		}
	} else {
		v.ID = app.NewUUIDv7(now)
	}
	// The same receipt again: the same payment (a file imported twice) is skipped; another
	// payment under that number is a duplicate receipt for an officer to look at.
	same, err := tx.VouchersByReceipt(v.ReceiptNo)
	if err != nil {
		return err
	}
	for _, o := range same {
		if o.Kind == app.KindPayment && v.Kind == app.KindPayment && o.Same(v) {
			res.Already = append(
				res.Already,
				app.RowProblem{Line: line, Problem: app.FieldProblem{Field: "receipt_no", Code: app.CodeVoucherAlreadyRecorded,
					Args: map[string]string{"id": o.ID, "receipt_no": v.ReceiptNo}}},
			)
			return nil
		}
	}
	dupOf := ""
	for _, o := range same {
		// A correction does not clash with the voucher it corrects (nor its other corrections),
		// and a resolved or void record no longer holds the number.
		if o.ID == v.Refers || (v.Refers != "" && o.Refers == v.Refers) || o.State.Status == app.VoucherResolved || o.Kind == app.KindVoid {
			continue
		}
		dupOf = o.ID
	}
	st := app.VoucherState{Status: app.VoucherMatched, Updated: now}
	var m match
	if dupOf != "" {
		st.Status, st.Exception, st.Args = app.VoucherException, app.ExcDuplicateReceipt, map[string]string{
			"receipt_no": v.ReceiptNo,
			"other":      dupOf,
		}
	} else if m, err = s.match(tx, v); err != nil {
		return err
	} else if m.exception != "" {
		st.Status, st.Exception, st.Args = app.VoucherException, m.exception, m.args
	}
	// The voucher goes to the centre before the period and the cover it brings: the centre
	// records a period only from a voucher it holds.
	if err := app.Enqueue(tx, contract.OpVoucherAdd, v.ID, 0, v, now); err != nil {
		return err
	}
	if st.Status == app.VoucherMatched {
		if err := s.credit(tx, v, &st, m, now, res); err != nil {
			return err
		}
		res.Matched++
	} else {
		problem := app.FieldProblem{Field: exceptionField(st.Exception), Code: st.Exception, Args: st.Args}
		res.Exceptions = append(res.Exceptions, app.RowProblem{Line: line, Problem: problem})
	}
	if err := tx.PutVoucher(v, st); err != nil {
		return err
	}
	res.Accepted++
	res.Vouchers = append(res.Vouchers, v.ID)
	return tx.Audit(app.AuditEntry{User: v.By, Action: "voucher.add", Entity: v.ID, PersonalID: v.PersonalID,
		Detail: fmt.Sprintf("personal_id=%s status=%s %s", app.PersonalID(v.PersonalID).Masked(), st.Status, st.Exception)})
}

func exceptionField(code string) string {
	switch code {
	case app.ExcUnknownPerson, app.ExcNameMismatch:
		return "personal_id"
	case app.ExcUnderpaid, app.ExcOverpaid, app.ExcNoQuote, app.ExcIncomeBelowFloor:
		return "amount"
	case app.ExcMonths, app.ExcOverlap:
		return "months"
	case ExcLate:
		return "paid_on"
	}
	return "receipt_no"
}

// ExcLate is a voucher paid after the last day to pay for its period: the participant was
// suspended and must re-register (DOMAIN §3, no surcharge).
const ExcLate = "voucher_late"

// match is what matching found for a voucher: the person it pays for, the dossier that
// registered them, the quote it must equal, or the exception that stops it.
type match struct {
	pid         string
	participant app.Participant
	known       bool // participant exists
	dossier     *app.Dossier
	quote       app.Quote
	exception   string
	args        map[string]string
}

func (s *Service) match(tx Tx, v app.Voucher) (match, error) {
	m := match{pid: v.PersonalID}
	if len(v.PersonalID) == 10 { // an old social-insurance code: find the person's ID
		ds, err := tx.ByOldCode(v.PersonalID)
		if err != nil {
			return m, err
		}
		if len(ds) == 0 {
			m.exception, m.args = app.ExcUnknownPerson, map[string]string{"value": v.PersonalID}
			return m, nil
		}
		m.pid = ds[len(ds)-1].PersonalID
	}
	p, known, err := tx.Participant(m.pid)
	if err != nil {
		return m, err
	}
	m.participant, m.known = p, known
	// The registration that waits for its first payment, if any.
	ds, err := tx.ByPersonalID(m.pid)
	if err != nil {
		return m, err
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if !ds[i].State.Closed() || (!known && ds[i].State == app.StateDone) {
			d, ok, err := tx.Dossier(ds[i].Code)
			if err != nil {
				return m, err
			}
			if ok && !d.Has(app.ActPayment) {
				m.dossier = &d
				break
			}
		}
	}
	if !known && m.dossier == nil {
		m.exception, m.args = app.ExcUnknownPerson, map[string]string{"value": app.PersonalID(m.pid).Masked()}
		return m, nil
	}
	name, basis, err := s.basis(m)
	if err != nil {
		m.exception, m.args = app.ExcNoQuote, map[string]string{"month": v.FromMonth.String()}
		return m, nil
	}
	if app.FoldKey(name) != app.FoldKey(v.FullName) {
		m.exception, m.args = app.ExcNameMismatch, map[string]string{"name": v.FullName, "registered": name}
		return m, nil
	}
	period := app.Period{From: v.FromMonth, To: v.ToMonth()}
	for _, pe := range p.Periods {
		if pe.Overlaps(period) {
			m.exception, m.args = app.ExcOverlap, map[string]string{"from": pe.From.String(), "to": pe.To.String()}
			return m, nil
		}
	}
	qm := v.FromMonth
	if basis.Method.Kind == app.Missing {
		qm = app.MonthOfDate(v.PaidOn)
	}
	q, err := s.Ref.Get().Rules.Quote(app.QuoteRequest{Income: basis.Income, Method: basis.Method, Groups: basis.Groups, Month: qm,
		Province: basis.Province, LocalGroups: basis.Local, SupportMonthsUsed: p.SupportMonths(), Paid: v.PaidOn})
	var qe *app.Error
	if errors.As(err, &qe) && qe.Code == "income_below_floor" {
		m.exception, m.args = app.ExcIncomeBelowFloor, map[string]string{
			"month":  qm.VNString(),
			"income": basis.Income.String(),
			"min":    qe.Args["min"],
		}
		return m, nil
	}
	if err != nil {
		m.exception, m.args = app.ExcNoQuote, map[string]string{"month": qm.String()}
		return m, nil
	}
	m.quote = q
	switch {
	case v.Months != q.Months:
		m.exception, m.args = app.ExcMonths, map[string]string{
			"months":   strconv.Itoa(v.Months),
			"expected": strconv.Itoa(q.Months),
			"method":   q.Method,
		}
	case v.Amount < q.Payable:
		m.exception, m.args = app.ExcUnderpaid, map[string]string{"paid": v.Amount.String(), "due": q.Payable.String()}
	case v.Amount > q.Payable:
		m.exception, m.args = app.ExcOverpaid, map[string]string{"paid": v.Amount.String(), "due": q.Payable.String()}
	case basis.Method.Kind != app.Ahead && basis.Method.Kind != app.Missing && v.PaidOn > q.Deadline:
		m.exception, m.args = ExcLate, map[string]string{"paid_on": v.PaidOn.VNString(), "deadline": q.Deadline.VNString()}
	}
	return m, nil
}

// basis is what a voucher is checked against: the registered income, method and groups.
type basis struct {
	Income   app.Money
	Method   app.Method
	Groups   []app.SupportGroup
	Local    []string // the province's own groups
	Province string
}

func (s *Service) basis(m match) (string, basis, error) {
	var b basis
	var err error
	name, income, method, group, ethnicity := "", "", "", "", ""
	if m.dossier == nil {
		p := m.participant
		name, method, group, ethnicity, b.Province = p.FullName, p.Method, p.SupportGroup, p.Ethnicity, p.Address.Province
		b.Income, b.Local = p.Income, p.LocalGroups
	} else {
		f := m.dossier.Form
		name, income, method, group = f.FullName, string(f.Income), f.Method, f.SupportGroup
		ethnicity, b.Province = f.Ethnicity, f.Address.Province
		b.Local = f.LocalGroups
		if b.Income, err = app.ParseMoney(income); err != nil {
			return name, b, err
		}
	}
	if b.Method, err = app.ParseMethod(method); err != nil {
		return name, b, err
	}
	g := app.Other
	if group != "" {
		if g, err = app.ParseSupportGroup(group); err != nil {
			return name, b, err
		}
	}
	b.Groups = app.Registration{SupportGroup: g, Ethnicity: ethnicity}.SupportGroups()
	return name, b, nil
}

// credit records the matched voucher: the participant (made from the registration the first
// time), the period, the book cover for a first-time participant, and the dossier's payment.
func (s *Service) credit(tx Tx, v app.Voucher, st *app.VoucherState, m match, now time.Time, res *ImportResult) error {
	p := m.participant
	if m.dossier != nil {
		// The registration's data is the newest: a returning participant may have chosen
		// another income or method.
		f := m.dossier.Form
		income, _ := app.ParseMoney(string(f.Income))
		fresh := app.Participant{PersonalID: f.PersonalID, OldSICode: f.OldSICode, FullName: f.FullName, Gender: f.Gender, BirthDate: f.BirthDate,
			Nationality: f.Nationality, Ethnicity: f.Ethnicity, Phone: f.Phone, BirthRegistration: f.BirthRegistration, Address: f.Address,
			Income: income, Method: f.Method, SupportGroup: f.SupportGroup, LocalGroups: f.LocalGroups, Dossier: m.dossier.Code,
			HasBook: f.OldSICode != "", Created: now}
		if m.known {
			fresh.Periods, fresh.Created, fresh.Version = p.Periods, p.Created, p.Version
			fresh.HasBook = fresh.HasBook || p.HasBook
		}
		p = fresh
	}
	q := m.quote
	pe := app.Period{From: v.FromMonth, To: v.ToMonth(), Method: q.Method, Income: q.Income, Rate: s.rate(q), Gross: q.Gross,
		StateSupport: q.StateSupport, LocalSupport: q.LocalSupport, Discount: q.Discount, Interest: q.Interest, Paid: v.Amount,
		SupportMonths: q.SupportMonths, Voucher: v.ID, ReceiptNo: v.ReceiptNo, PaidOn: v.PaidOn, Recorded: now}
	p.Periods = append(p.Periods, pe)
	p.Version++
	if err := tx.PutParticipant(p); err != nil {
		return err
	}
	st.Period = len(p.Periods)
	if err := app.Enqueue(tx, contract.OpPeriodAdd, p.PersonalID, p.Version-1, pe, now); err != nil {
		return err
	}
	if !p.HasBook {
		if _, exists, err := tx.Cover(p.PersonalID); err != nil {
			return err
		} else if !exists {
			c := app.BookCover{BookNo: p.PersonalID, PersonalID: p.PersonalID, FullName: p.FullName, BirthDate: p.BirthDate, Gender: p.Gender,
				Nationality: p.Nationality, Ethnicity: p.Ethnicity, BirthRegistration: p.BirthRegistration, Dossier: p.Dossier,
				Voucher: v.ID, Status: app.CoverCreated, Created: now, Version: 1}
			if o, ok, err := tx.Office(); err != nil {
				return err
			} else if ok {
				c.Office = o.Agency
			}
			if err := tx.PutCover(&c, nil); err != nil {
				return err
			}
			if err := app.Enqueue(tx, contract.OpCoverCreate, c.PersonalID, 0, c, now); err != nil {
				return err
			}
			res.Covers = append(res.Covers, c.PersonalID)
		}
	}
	if m.dossier != nil {
		st.Dossier = m.dossier.Code
		ev := app.Event{At: app.Stamp(now), User: v.By, Action: app.ActPayment, Reason: "receipt_no=" + v.ReceiptNo}
		return s.dossierEvent(tx, m.dossier, ev, app.CompletesPayment, now)
	}
	return nil
}

// rate is the contribution rate behind a quote (22 %).
func (s *Service) rate(q app.Quote) app.Rate {
	if q.Income == 0 {
		return 0
	}
	return app.Rate(int64(q.MonthlyGross) * 10000 / int64(q.Income))
}

// dossierEvent records an event from the records side (payment matched, cover issued) on a
// dossier's timeline; if the dossier waits at the step that this completes, it moves on,
// skipping steps already complete.
func (s *Service) dossierEvent(tx Tx, d *app.Dossier, ev app.Event, completes string, now time.Time) error {
	prev := *d
	next := *d
	// The event goes on the timeline before the step moves: it is what completes the step.
	next.Timeline = append(append([]app.Event(nil), d.Timeline...), ev)
	ev.FromStep = next.Step
	if next.State == app.StateOpen {
		if i := next.StepIndex(); i >= 0 && next.Steps[i].Completes == completes {
			act := ev.Action
			cal := s.Ref.Get().Calendars.For(officeProvince(tx))
			if err := app.Advance(&next, &ev, cal, now); err != nil {
				return err
			}
			if ev.Action != app.ActComplete {
				ev.Action = act
			}
		} else {
			ev.ToStep = next.Step
		}
	}
	next.Timeline = next.Timeline[:len(d.Timeline)] // saveEvent adds it with the steps it moved
	if err := app.SaveEvent(tx, &next, &prev, ev, now); err != nil {
		return err
	}
	*d = next
	return nil
}

func officeProvince(tx Tx) string {
	if o, ok, err := tx.Office(); err == nil && ok {
		return o.Province
	}
	return ""
}

// Exceptions lists the vouchers waiting for an officer's decision, oldest first.
func (s *Service) Exceptions(sess *app.Session, limit int) ([]app.VoucherView, error) {
	if err := sess.Require(app.PermVoucher); err != nil {
		return nil, err
	}
	var out []app.VoucherView
	err := s.Store.Update(func(tx Tx) error {
		var err error
		if out, err = tx.Exceptions(limit); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "voucher.exceptions", Detail: fmt.Sprintf("rows=%d", len(out))})
	})
	return out, err
}

// ResolveRequest is an officer's decision on an exception: correct the voucher's fields (a new
// correction record, matched again) or void it (a new void record), always with a reason.
type ResolveRequest struct {
	Action     string // "correct" or "void"
	Correction app.VoucherInput
	Reason     string
}

// Resolve decides an exception. The original voucher is never edited: a correction or void
// record refers to it and the original leaves the queue. A correction goes through matching
// like any voucher and may itself become an exception.
func (s *Service) Resolve(sess *app.Session, id string, req ResolveRequest) (app.VoucherView, error) {
	if err := sess.Require(app.PermVoucherResolve); err != nil {
		return app.VoucherView{}, err
	}
	req.Reason = app.NormalizeText(req.Reason)
	if req.Reason == "" {
		return app.VoucherView{}, &app.Error{Kind: app.Invalid, Code: app.CodeReasonRequired, Field: "reason"}
	}
	var fix app.Voucher
	switch req.Action {
	case "correct":
		var err error
		if fix, err = app.ParseVoucher(req.Correction); err != nil {
			return app.VoucherView{}, err
		}
		fix.Kind = app.KindCorrection
	case "void":
	default:
		return app.VoucherView{}, &app.Error{
			Kind:  app.Invalid,
			Code:  app.CodeBadResolution,
			Field: "action",
			Args:  map[string]string{"value": req.Action},
		}
	}
	now := s.Now.Time()
	var out app.VoucherView
	err := s.Store.Update(func(tx Tx) error {
		orig, ok, err := tx.Voucher(id)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeVoucherNotFound, Field: "voucher", Args: map[string]string{"id": id}}
		}
		if orig.State.Status != app.VoucherException {
			return &app.Error{Kind: app.Conflict, Code: app.CodeVoucherNotException, Field: "voucher", Args: map[string]string{"id": id}}
		}
		if req.Action == "void" {
			fix = orig.Voucher
			fix.Kind = app.KindVoid
		}
		fix.ID, fix.Refers, fix.Reason, fix.Source, fix.By, fix.Created, fix.File, fix.Line =
			app.NewUUIDv7(now), orig.ID, req.Reason, app.SourceDesk, sess.User.Name, now, "", 0
		orig.State.Status, orig.State.Updated = app.VoucherResolved, now
		orig.State.Resolved = &app.Resolution{By: sess.User.Name, At: now, Action: req.Action, Voucher: fix.ID, Reason: req.Reason}
		if err := tx.PutVoucherState(orig.State); err != nil {
			return err
		}
		if req.Action == "void" {
			if err := tx.PutVoucher(fix, app.VoucherState{Status: app.VoucherVoid, Updated: now}); err != nil {
				return err
			}
			if err := app.Enqueue(tx, contract.OpVoucherAdd, fix.ID, 0, fix, now); err != nil {
				return err
			}
		} else {
			var res ImportResult
			if err := s.Record(tx, &res, 0, fix, now); err != nil {
				return err
			}
			if len(res.Already) > 0 {
				return &app.Error{Kind: app.Conflict, Code: app.CodeVoucherAlreadyRecorded, Field: "receipt_no", Args: res.Already[0].Problem.Args}
			}
		}
		if out, _, err = tx.Voucher(fix.ID); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "voucher." + req.Action, Entity: orig.ID, Detail: "by=" + fix.ID})
	})
	return out, err
}

// PersonView is a participant's electronic book (sổ BHXH điện tử): identity, periods with their
// totals, the book cover and the vouchers.
type PersonView struct {
	Participant app.Participant   `json:"participant"`
	Known       bool              `json:"known"` // false: no matched voucher yet
	Totals      app.PeriodTotals  `json:"totals"`
	Cover       *app.BookCover    `json:"cover,omitempty"`
	Vouchers    []app.VoucherView `json:"vouchers"`
	Dossiers    []app.Summary     `json:"dossiers"`
}

// Person returns a participant's electronic book and records who viewed it.
func (s *Service) Person(sess *app.Session, pid string) (PersonView, error) {
	var pv PersonView
	if err := sess.Require(app.PermPersonView); err != nil {
		return pv, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	err := s.Store.Update(func(tx Tx) error {
		p, known, err := tx.Participant(pid)
		if err != nil {
			return err
		}
		if pv.Dossiers, err = tx.ByPersonalID(pid); err != nil {
			return err
		}
		if !known && len(pv.Dossiers) == 0 {
			return &app.Error{
				Kind:  app.NotFound,
				Code:  app.CodePersonNotFound,
				Field: "personal_id",
				Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
			}
		}
		if !known {
			d, _, err := tx.Dossier(pv.Dossiers[len(pv.Dossiers)-1].Code)
			if err != nil {
				return err
			}
			f := d.Form
			p = app.Participant{PersonalID: pid, OldSICode: f.OldSICode, FullName: f.FullName, Gender: f.Gender, BirthDate: f.BirthDate,
				Nationality: f.Nationality, Ethnicity: f.Ethnicity, Phone: f.Phone, BirthRegistration: f.BirthRegistration,
				Address: f.Address, Method: f.Method, SupportGroup: f.SupportGroup, Dossier: d.Code}
			p.Income, _ = app.ParseMoney(string(f.Income))
		}
		pv.Participant, pv.Known, pv.Totals = p, known, p.Totals()
		if c, ok, err := tx.Cover(pid); err != nil {
			return err
		} else if ok {
			pv.Cover = &c
		}
		if pv.Vouchers, err = tx.VouchersOf(pid); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "person.view", Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return pv, err
}

// Covers lists book covers in a status (to issue: CoverCreated), oldest first.
func (s *Service) Covers(sess *app.Session, status app.CoverStatus, limit int) ([]app.BookCover, error) {
	if err := sess.Require(app.PermPersonView); err != nil {
		return nil, err
	}
	var out []app.BookCover
	err := s.Store.View(func(tx Tx) error {
		var err error
		out, err = tx.Covers(status, limit)
		return err
	})
	return out, err
}

// CoversIssuedOn lists the covers issued on a day (for a batch print).
func (s *Service) CoversIssuedOn(sess *app.Session, day calendar.Date) ([]app.BookCover, error) {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return nil, err
	}
	var out []app.BookCover
	err := s.Store.View(func(tx Tx) error {
		var err error
		out, err = tx.CoversIssuedOn(day)
		return err
	})
	return out, err
}

// IssueCover issues a first-time participant's electronic book cover (cấp tờ bìa sổ): it is
// recorded on the registration's timeline and completes the workflow step that waits for it.
// Only a cover that was created and not yet issued can be issued.
func (s *Service) IssueCover(sess *app.Session, pid string) (app.BookCover, error) {
	var c app.BookCover
	if err := sess.Require(app.PermCoverIssue); err != nil {
		return c, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	now := s.Now.Time()
	err := s.Store.Update(func(tx Tx) error {
		cur, ok, err := tx.Cover(pid)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{
				Kind:  app.NotFound,
				Code:  app.CodeCoverNotFound,
				Field: "personal_id",
				Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
			}
		}
		if cur.Status != app.CoverCreated {
			return &app.Error{
				Kind:  app.Conflict,
				Code:  app.CodeCoverAlreadyIssued,
				Field: "personal_id",
				Args:  map[string]string{"date": cur.IssueDate().VNString()},
			}
		}
		prev := cur
		c = cur
		c.Status, c.IssuedAt, c.IssuedBy, c.Version = app.CoverIssued, now, sess.User.Name, cur.Version+1
		if err := tx.PutCover(&c, &prev); err != nil {
			return err
		}
		if err := app.Enqueue(tx, contract.OpCoverIssue, c.PersonalID, prev.Version, c, now); err != nil {
			return err
		}
		if c.Dossier != "" {
			d, ok, err := tx.Dossier(c.Dossier)
			if err != nil {
				return err
			}
			if ok && d.State != app.StateRejected {
				ev := app.Event{At: app.Stamp(now), User: sess.User.Name, Action: app.ActCover, Reason: "book_no=" + c.BookNo}
				if err := s.dossierEvent(tx, &d, ev, app.CompletesCover, now); err != nil {
					return err
				}
			}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "cover.issue", Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return c, err
}

// CoverPrint is one cover to print: the cover, the office that issues it, whether the print is
// final (the centre confirmed the cover) and which reprint of that kind it is (0 for the first).
type CoverPrint struct {
	Cover   app.BookCover
	Office  app.Office
	Final   bool
	Reprint int
}

// ReprintOf is the number of times a cover was printed before in the kind it would be printed
// now: a provisional confirmation while the centre has not confirmed the cover, the final one
// after. The first final print after provisional ones is no reprint.
func ReprintOf(c app.BookCover) int {
	final := c.Status == app.CoverConfirmed
	n := 0
	for _, p := range c.Prints {
		if p.Final == final {
			n++
		}
	}
	return n
}

// PlanCoverPrints checks that covers can be printed and returns what to print, in the order
// asked, without counting anything: the print is counted by RecordCoverPrints once the PDF leaves
// the desk (saved or handed to the printer), not when it is previewed. A cover must be issued; a
// reprint needs a reason.
func (s *Service) PlanCoverPrints(sess *app.Session, pids []string, reason string) ([]CoverPrint, error) {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return nil, err
	}
	if len(pids) == 0 {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeNothingToPrint, Field: "personal_id"}
	}
	reason = app.NormalizeText(reason)
	var out []CoverPrint
	err := s.Store.View(func(tx Tx) error {
		out = out[:0]
		o, _, err := tx.Office()
		if err != nil {
			return err
		}
		for _, pid := range pids {
			pid = app.StripSeparators(strings.TrimSpace(pid))
			c, ok, err := tx.Cover(pid)
			if err != nil {
				return err
			}
			if !ok {
				return &app.Error{
					Kind:  app.NotFound,
					Code:  app.CodeCoverNotFound,
					Field: "personal_id",
					Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
				}
			}
			if c.Status == app.CoverCreated {
				return &app.Error{
					Kind:  app.Conflict,
					Code:  app.CodeCoverNotIssued,
					Field: "personal_id",
					Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
				}
			}
			reprint := ReprintOf(c)
			if reprint > 0 && reason == "" {
				return &app.Error{
					Kind:  app.Invalid,
					Code:  app.CodeReprintReasonRequired,
					Field: "reason",
					Args:  map[string]string{"count": strconv.Itoa(reprint)},
				}
			}
			out = append(out, CoverPrint{Cover: c, Office: o, Final: c.Status == app.CoverConfirmed, Reprint: reprint})
		}
		return nil
	})
	return out, err
}

// RecordCoverPrints counts planned prints on their covers, with the officer and, for a
// reprint, the reason; it is queued for the centre and logged. A cover changed since the plan
// (printed elsewhere, confirmed by the centre) is refused with cover_changed: the PDF planned
// would say the wrong print, so it must be made again.
func (s *Service) RecordCoverPrints(sess *app.Session, plan []CoverPrint, reason string) error {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return err
	}
	reason = app.NormalizeText(reason)
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		for _, p := range plan {
			pid := p.Cover.PersonalID
			cur, ok, err := tx.Cover(pid)
			if err != nil {
				return err
			}
			if !ok || cur.Version != p.Cover.Version {
				return &app.Error{
					Kind:  app.Conflict,
					Code:  app.CodeCoverChanged,
					Field: "personal_id",
					Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
				}
			}
			rec := app.PrintRecord{At: now, By: sess.User.Name, Final: p.Final}
			if p.Reprint > 0 {
				if reason == "" {
					return &app.Error{
						Kind:  app.Invalid,
						Code:  app.CodeReprintReasonRequired,
						Field: "reason",
						Args:  map[string]string{"count": strconv.Itoa(p.Reprint)},
					}
				}
				rec.Reason = reason
			}
			prev := cur
			c := cur
			c.Prints = append(append([]app.PrintRecord(nil), cur.Prints...), rec)
			c.Version++
			if err := tx.PutCover(&c, &prev); err != nil {
				return err
			}
			if err := app.Enqueue(tx, contract.OpCoverPrint, c.PersonalID, prev.Version, rec, now); err != nil {
				return err
			}
			detail := fmt.Sprintf("print=%d final=%t", len(c.Prints), p.Final)
			if rec.Reason != "" {
				detail += " reason=" + rec.Reason
			}
			entry := app.AuditEntry{User: sess.User.Name, Action: "cover.print", Entity: app.PersonalID(pid).Masked(),
				Detail: detail, PersonalID: pid}
			if err := tx.Audit(entry); err != nil {
				return err
			}
		}
		return nil
	})
}

// PrintCovers plans and at once records the printing of covers (PlanCoverPrints,
// RecordCoverPrints), for a caller that prints without a preview.
func (s *Service) PrintCovers(sess *app.Session, pids []string, reason string) ([]CoverPrint, error) {
	plan, err := s.PlanCoverPrints(sess, pids, reason)
	if err != nil {
		return nil, err
	}
	if err := s.RecordCoverPrints(sess, plan, reason); err != nil {
		return nil, err
	}
	return plan, nil
}

// SigningKey returns the desk's Ed25519 signing key for sealed printouts and the office, making
// and storing the key (encrypted like all data) on first use; its making is audited.
func (s *Service) SigningKey() (*app.SigningKey, app.Office, error) {
	var (
		key    *app.SigningKey
		office app.Office
	)
	// read finds the office and, if it exists, the key.
	read := func(tx Tx) error {
		var err error
		if office, _, err = tx.Office(); err != nil {
			return err
		}
		raw, ok, err := tx.SigningKey()
		if err != nil || !ok {
			return err
		}
		key, err = app.ParseSigningKey(raw)
		return err
	}
	// Every sync request and print asks for it: a read, and a durable write only the first time.
	err := s.Store.View(read)
	if err == nil && key == nil {
		err = s.Store.Update(func(tx Tx) error {
			if err := read(tx); err != nil || key != nil {
				return err
			}
			var err error
			if key, err = app.GenerateSigningKey(rand.Reader); err != nil {
				return err
			}
			if err := tx.PutSigningKey(key.Bytes()); err != nil {
				return err
			}
			return tx.Audit(app.AuditEntry{User: "system", Action: "device.key", Detail: "key_id=" + key.ID().String()})
		})
	}
	return key, office, err
}
