package officesync

import (
	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// NeedsReconcile reports whether the outbox must be reconciled with the centre first: after a
// restore from backup, and once for a store that pulled before the office's desks shared their
// records (it takes back from the office's state what the other desks made before).
func (s *Service) NeedsReconcile() (bool, error) {
	var need bool
	err := s.Store.View(func(tx Tx) error {
		v, ok, err := tx.Setting(app.SettingReconcile)
		if err != nil {
			return err
		}
		need = ok && string(v) == "1"
		if !need {
			need, err = beforeSharing(tx)
		}
		return err
	})
	return need, err
}

// settingShared is set once a store holds the records its office's other desks shared: it
// pulled from the start, or it took back the office's state.
const settingShared = "sync/office_records"

// beforeSharing reports whether the store pulled before office records were shared and has not
// taken back the office's state since.
func beforeSharing(tx Tx) (bool, error) {
	if v, ok, err := tx.Setting(settingShared); err != nil || ok && string(v) == "1" {
		return false, err
	}
	cur, err := cursorOf(tx)
	return cur > 0, err
}

// Reconciled records that the outbox was reconciled.
func (s *Service) Reconciled() error {
	return s.Store.Update(func(tx Tx) error {
		if err := tx.PutSetting(settingShared, []byte("1")); err != nil {
			return err
		}
		return tx.PutSetting(app.SettingReconcile, []byte("0"))
	})
}

// Outbox returns up to limit operations waiting to be sent, oldest first.
func (s *Service) Outbox(limit int) ([]contract.Op, error) {
	var ops []contract.Op
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
func (s *Service) Acknowledge(ops []contract.Op, results []contract.OpResult) error {
	byID := make(map[string]contract.Op, len(ops))
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
				// A decision on a person the centre refused (another desk's refund came first) is
				// taken off the person here: the notice says what was refused and why.
				if op.Kind == app.OpParticipantEvent {
					if err := dropRefusedEvent(tx, op); err != nil {
						return err
					}
				}
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

// dropRefusedEvent takes a decision the centre refused off the person, leaving the rest of the
// record as it is.
func dropRefusedEvent(tx Tx, op contract.Op) error {
	ev, err := app.LifeEventPayload.Unmarshal(op.Payload)
	if err != nil {
		return nil // not a decision this desk can read: nothing of it is on the person
	}
	p, ok, err := tx.Participant(op.EntityID)
	if err != nil || !ok {
		return err
	}
	kept := p.Events[:0:0]
	for _, e := range p.Events {
		if e.ID != ev.ID {
			kept = append(kept, e)
		}
	}
	if len(kept) == len(p.Events) {
		return nil
	}
	p.Events = kept
	// The terms come back to what the kept decisions and the registration say.
	if ev.Kind == app.EventChange {
		for _, e := range kept {
			if e.Kind == app.EventChange && e.Income > 0 && !e.At.Before(p.TermsAt) {
				p.Income, p.Method = e.Income, e.Method
			}
		}
	}
	p.Version++
	return tx.PutParticipant(p)
}
