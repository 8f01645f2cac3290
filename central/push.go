package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// maxTimeline is the most events a dossier may carry when it is created (a desk creates it
// with its reception).
const maxTimeline = 50

// maxBatch is the most operations one push applies in one transaction.
const maxBatch = 1000

// Push applies a device's operations in order, each exactly once, and answers each: applied,
// duplicate (the stored result of an earlier delivery), conflict or rejected. An operation id
// seen before with another payload is rejected. They are applied in one transaction, or in
// transactions of the store's TxOps operations (PostgresStore): when one fails after others
// committed, the error makes the desk send them again and the committed ones come back as
// duplicates.
func (s *Service) Push(ctx context.Context, dev Device, ops []contract.Op) ([]contract.OpResult, error) {
	if len(ops) > maxBatch {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Args: map[string]string{"max": fmt.Sprint(maxBatch)}}
	}
	if dev.Office == "*feed*" {
		return nil, &app.Error{Kind: app.Forbidden, Code: app.CodeNotADesk}
	}
	results := make([]contract.OpResult, len(ops))
	repeats := 0
	now := s.now(ctx)
	order := applyOrder(ops)
	size := len(order)
	if c, ok := s.Store.(txSizer); ok && c.TxOps() > 0 {
		size = c.TxOps()
	}
	for start := 0; start < len(order); start += size {
		part := order[start:min(start+size, len(order))]
		n := 0
		err := s.Store.Update(ctx, func(tx Tx) error {
			// One desk's batches apply one after the other, whichever replica received them.
			if err := tx.LockDevice(dev.ID); err != nil {
				return err
			}
			var err error
			n, err = s.push(tx, dev, ops, part, results, now)
			return err
		})
		if err != nil {
			return nil, err
		}
		repeats += n
	}
	if s.OnPush != nil {
		s.OnPush(ctx, dev.ID, len(ops), repeats)
	}
	return results, nil
}

// txSizer is a store that applies a push in transactions of at most TxOps operations.
type txSizer interface{ TxOps() int }

// applyOrder is the order in which push applies a batch: the device's order, except that a
// voucher comes before a period of the same batch that was recorded from it. Desks before
// 2026-12 queued the period (and the cover data) ahead of the voucher they came from, and the
// centre records a period only from a voucher it holds: their outboxes still hold that order.
func applyOrder(ops []contract.Op) []int {
	order := make([]int, 0, len(ops))
	early := map[int]bool{}
	voucherAt := map[string]int{}
	for i, op := range ops {
		if op.Kind == contract.OpVoucherAdd {
			voucherAt[op.EntityID] = i
		}
	}
	for i, op := range ops {
		if early[i] {
			continue
		}
		if op.Kind == contract.OpPeriodAdd {
			if pe, err := app.PeriodPayload.Unmarshal(op.Payload); err == nil {
				if j, ok := voucherAt[pe.Voucher]; ok && j > i && !early[j] {
					early[j] = true
					order = append(order, j)
				}
			}
		}
		order = append(order, i)
	}
	return order
}

// push applies the operations ops[i] for i in order in tx, writing their answers into results,
// and counts the repeats.
func (s *Service) push(tx Tx, dev Device, ops []contract.Op, order []int, results []contract.OpResult, now time.Time) (int, error) {
	repeats := 0
	for _, i := range order {
		op := ops[i]
		h := payloadHash(op)
		stored := StoredOp{OpID: op.OpID, Device: dev.ID, DeviceSeq: op.DeviceSeq, HLC: op.HLC, Kind: op.Kind, Entity: op.EntityID,
			PayloadHash: h, Applied: now}
		if prev, claimed, err := tx.ClaimOp(stored); err != nil {
			return 0, err
		} else if !claimed {
			repeats++
			if prev.PayloadHash != h || prev.Device != dev.ID {
				results[i] = contract.OpResult{OpID: op.OpID, Status: app.OpRejected, Reason: "op_id_reused"}
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
			return 0, fmt.Errorf("op %s (%s %s): %w", op.OpID, op.Kind, op.EntityID, err)
		}
		r.OpID = op.OpID
		results[i] = r
		stored.Result = r
		if err := tx.PutOpResult(stored); err != nil {
			return 0, err
		}
		if r.Status == app.OpApplied {
			if err := s.shareWithOffice(tx, dev, op, now); err != nil {
				return 0, fmt.Errorf("op %s (%s %s): share: %w", op.OpID, op.Kind, op.EntityID, err)
			}
		}
	}
	return repeats, nil
}

// Known answers, for the operation ids of a device, the stored results of those already applied
// (as duplicates); ids the centre does not know are left out. A restored desk asks before
// pushing, so no payload crosses the link twice.
func (s *Service) Known(ctx context.Context, dev Device, ids []string) ([]contract.OpResult, error) {
	if len(ids) > maxBatch {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Args: map[string]string{"max": fmt.Sprint(maxBatch)}}
	}
	out := []contract.OpResult{}
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

func payloadHash(op contract.Op) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", op.Kind, op.EntityID, op.BaseVersion)
	h.Write(op.Payload)
	return hex.EncodeToString(h.Sum(nil))
}

func rejected(reason string, args ...string) contract.OpResult {
	r := contract.OpResult{Status: app.OpRejected, Reason: reason}
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
func (s *Service) apply(tx Tx, dev Device, op contract.Op, now time.Time) (contract.OpResult, error) {
	switch op.Kind {
	case contract.OpDossierCreate:
		d, err := app.DossierPayload.Unmarshal(op.Payload)
		if err != nil || d.Code != op.EntityID {
			return rejected("bad_payload"), nil
		}
		return s.createDossier(tx, dev, d, op.Payload, now)
	case contract.OpDossierEvent:
		return s.dossierEvent(tx, dev, op, now)
	case contract.OpVoucherAdd:
		v, err := app.VoucherPayload.Unmarshal(op.Payload)
		if err != nil || v.ID == "" {
			return rejected("bad_payload"), nil
		}
		// A voucher already held (the feed's own voucher coming back) is kept as it is.
		_, err = tx.InsertVoucher(Voucher{ID: v.ID, PersonalID: v.PersonalID, Office: dev.Office, Source: string(v.Source), Body: op.Payload,
			Received: now})
		return contract.OpResult{Status: app.OpApplied}, err
	case contract.OpPeriodAdd:
		pe, err := app.PeriodPayload.Unmarshal(op.Payload)
		if err != nil {
			return rejected("bad_payload"), nil
		}
		return s.addPeriod(tx, dev, op.EntityID, pe)
	case contract.OpCoverCreate, contract.OpCoverIssue:
		c, err := app.CoverPayload.Unmarshal(op.Payload)
		if err != nil || c.PersonalID != op.EntityID {
			return rejected("bad_payload"), nil
		}
		return s.cover(tx, dev, op.Kind, c, op.Payload, now)
	case contract.OpCoverPrint:
		c, ok, err := tx.Cover(op.EntityID)
		if err != nil || !ok {
			return contract.OpResult{Status: app.OpApplied}, err
		}
		if c.Office != dev.Office {
			return rejected("cover_other_office", "office", c.Office), nil
		}
		c.Prints++
		return contract.OpResult{Status: app.OpApplied}, tx.PutCover(c)
	case contract.OpOfficeWorkflow:
		c, err := app.OfficeWorkflowPayload.Unmarshal(op.Payload)
		if err != nil {
			return rejected("bad_payload"), nil
		}
		return s.officeWorkflow(tx, dev, op, c, now)
	case contract.OpReportMonthly:
		r, err := app.ReportPayload.Unmarshal(op.Payload)
		if err != nil || r.Month == 0 || op.EntityID != r.Office+"/"+r.Month.String() {
			return rejected("bad_payload"), nil
		}
		if r.Office != dev.Office {
			return rejected("not_your_office", "office", clip(r.Office)), nil
		}
		// The office's last report for the month: the province sums them (ProvinceReport).
		return contract.OpResult{Status: app.OpApplied}, tx.PutMeta(reportKey(r.Month, r.Office), op.Payload)
	case contract.OpParticipantEvent:
		ev, err := app.LifeEventPayload.Unmarshal(op.Payload)
		if err != nil || ev.ID == "" || len(ev.ID) > 64 || len(ev.Note) > 2000 || len(ev.Reference) > 800 {
			return rejected("bad_payload"), nil
		}
		return s.participantEvent(tx, dev, op.EntityID, ev)
	case contract.OpIdentityResolve:
		r, err := app.ReviewPayload.Unmarshal(op.Payload)
		if err != nil || r.Resolved == nil || r.PersonalID != op.EntityID || len(r.By) > 200 {
			return rejected("bad_payload"), nil
		}
		return s.resolveIdentity(tx, dev, r, now)
	}
	return rejected("unknown_op", "kind", op.Kind), nil
}
