package central

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/jsonenc"
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
	case contract.OpPeriodAdd, contract.OpParticipantEvent:
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
	item, err := s.officeItem(tx, dev, kind, rec)
	if err != nil {
		return err
	}
	change := contract.Change{Entity: op.EntityID, At: now, Origin: dev.origin()}
	switch it := item.(type) {
	case json.RawMessage:
		change.Kind = app.ChangeOfficeRecord
		change.Payload, err = jsonenc.Marshal(contract.OfficeRecordV1{Kind: kind, Record: it})
	case contract.ParticipantV1:
		change.Kind = app.ChangeParticipant
		change.Payload, err = jsonenc.Marshal(it)
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

// origin names one enrolment of a device as a change's Origin: a desk enrolled again under its
// old name (a new machine) is another origin, and receives what the machine before it sent.
func (d Device) origin() string { return d.ID + "@" + strconv.FormatInt(d.Created.UnixNano(), 36) }

// deviceAudience is the audience of changes for one device alone.
func deviceAudience(id string) string { return "dev:" + id }

// creditor is the enrolled device that registered the person's last dossier at the office: it
// alone credits a feed voucher for them (records the period, makes the cover data, marks the
// dossier paid), and the office's other desks receive the voucher as a record and the period
// when it sends it — two desks crediting one payment would each record it and conflict. ""
// (the zero Device) when no enrolled desk of the office registered the person (every desk then
// credits it, as one desk would).
func creditor(tx Tx, p Person, office string) (Device, error) {
	code := ""
	for _, r := range p.Records {
		if r.Office == office {
			code = r.Dossier
		}
	}
	parts := strings.Split(code, "-")
	if len(parts) != 3 || len(parts[2]) < 5 {
		return Device{}, nil
	}
	o, ok, err := tx.Office(office)
	if err != nil || !ok {
		return Device{}, err
	}
	id, ok := o.Codes[parts[2][:len(parts[2])-4]]
	if !ok {
		return Device{}, nil
	}
	d, ok, err := tx.Device(id)
	if err != nil || !ok || !d.Revoked.IsZero() {
		return Device{}, err
	}
	return d, nil
}

// routeFeedVoucher sends a feed voucher to the office that serves the person: to the device
// that credits it (creditor) as a voucher to credit, and to the office's other desks as a
// record; to every desk of the office to credit when there is no such device.
func routeFeedVoucher(tx Tx, office string, creditor Device, id string, body json.RawMessage, now time.Time) error {
	voucher := contract.Change{Kind: app.ChangeVoucher, Entity: id, Payload: body, At: now}
	if creditor.ID == "" {
		return tx.AppendChange(office, voucher)
	}
	if err := tx.AppendChange(deviceAudience(creditor.ID), voucher); err != nil {
		return err
	}
	rec, err := jsonenc.Marshal(contract.OfficeRecordV1{Kind: "voucher", Record: body})
	if err != nil {
		return err
	}
	return tx.AppendChange(office, contract.Change{Kind: app.ChangeOfficeRecord, Entity: id, Payload: rec, At: now,
		Origin: creditor.origin()})
}

// sendBack sends one desk the office's record as the centre holds it (after the desk's
// operation on it conflicted), so the desk takes it back in place of its own version.
func (s *Service) sendBack(tx Tx, dev Device, kind, entity string, rec any, now time.Time) error {
	item, err := s.officeItem(tx, dev, kind, rec)
	if err != nil {
		return err
	}
	body, ok := item.(json.RawMessage)
	if !ok {
		return nil
	}
	payload, err := jsonenc.Marshal(contract.OfficeRecordV1{Kind: kind, Record: body, Replace: true})
	if err != nil {
		return err
	}
	return tx.AppendChange(deviceAudience(dev.ID), contract.Change{Kind: app.ChangeOfficeRecord, Entity: entity, Payload: payload, At: now})
}

// officeItem is a record of the centre's as the office's state gives it to the desk (stateItem).
func (s *Service) officeItem(tx Tx, dev Device, kind string, rec any) (any, error) {
	raw, err := jsonenc.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return s.stateItem(tx, dev, kind, raw)
}
