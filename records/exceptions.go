package records

import (
	"fmt"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

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
			if err := app.Enqueue(tx, contract.OpVoucherAdd, fix.ID, 0, app.VoucherPayload.To(fix), now); err != nil {
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
