package central

import (
	"encoding/json"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// shareWithOffice tells the office's other desks about the record an applied operation made or
// changed, in the form the office's state gives it (ChangeOfficeRecord; ChangeParticipant for
// a person's periods): every desk of an office holds the office's records — the help desk
// registers, an officer's desk moves the dossier on and records the payment. The desk that
// sent the operation is spared its own change (Change.Origin).
func (s *Service) shareWithOffice(tx Tx, dev Device, op contract.Op, now time.Time) error {
	var (
		kind string
		rec  any
		ok   bool
		err  error
	)
	switch op.Kind {
	case contract.OpDossierCreate, contract.OpDossierEvent:
		kind = "dossier"
		rec, ok, err = get(tx.Dossier(op.EntityID))
	case contract.OpVoucherAdd:
		kind = "voucher"
		rec, ok, err = get(tx.Voucher(op.EntityID))
	case contract.OpPeriodAdd:
		kind = "person"
		rec, ok, err = get(tx.Person(op.EntityID))
	case contract.OpCoverCreate, contract.OpCoverIssue, contract.OpCoverPrint:
		kind = "cover"
		rec, ok, err = get(tx.Cover(op.EntityID))
	default:
		return nil
	}
	if err != nil || !ok {
		return err
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	item, err := s.stateItem(tx, dev, kind, raw)
	if err != nil {
		return err
	}
	change := contract.Change{Entity: op.EntityID, At: now, Origin: dev.ID}
	switch it := item.(type) {
	case json.RawMessage:
		change.Kind = app.ChangeOfficeRecord
		change.Payload, err = json.Marshal(contract.OfficeRecordV1{Kind: kind, Record: it})
	case contract.ParticipantV1:
		change.Kind = app.ChangeParticipant
		change.Payload, err = json.Marshal(it)
	default:
		return nil // not the office's record (stateItem says so): nothing to share
	}
	if err != nil {
		return err
	}
	return tx.AppendChange(dev.Office, change)
}

// get drops the type of a store lookup's record.
func get[T any](v T, ok bool, err error) (any, bool, error) { return v, ok, err }
