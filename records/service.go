package records

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/refdata"
)

// Service is the offline records service (thu và quản lý sổ, thẻ — TST, DOMAIN §8): payment
// vouchers, their matching to participants, participation periods, book covers and their
// printing. Vouchers typed at the desk, imported from a file and pulled from the central
// accounting feed all go through ApplyVouchers, so they meet the same checks.
type Service struct {
	Store Store
	// Ref is the reference data in force, read once per use (see intake.Service.Ref).
	Ref *refdata.Source
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

// ProblemsOf lists an error's field problems.
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
		receipts, pids := make([]string, 0, len(batch)), make([]string, 0, len(batch))
		for _, r := range batch {
			receipts, pids = append(receipts, r.v.ReceiptNo), append(pids, r.v.PersonalID)
		}
		err := s.Store.Update(func(tx Tx) error {
			part = ImportResult{}
			if err := tx.Prefetch(receipts, pids); err != nil {
				return err
			}
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

// Record stores one voucher in tx and matches it.
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
	if err := app.Enqueue(tx, contract.OpVoucherAdd, v.ID, 0, app.VoucherPayload.To(v), now); err != nil {
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
