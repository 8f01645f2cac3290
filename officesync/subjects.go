package officesync

import (
	"encoding/json"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

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
	case kind == app.OpOfficeWorkflow || kind == app.OpReportMonthly:
		return "office"
	}
	return "person" // period.add, cover.*, identity.resolve, identity reviews
}

// Subjects names what each operation and notice is about, by entity, for the sync page: the
// lists say "Nguyễn Thị Hồng Ánh — 01001-260105-K70001", not an identifier alone.
func (s *Service) Subjects(ops []contract.Op, notices []app.Notice) (map[string]Subject, error) {
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
				if v, err := app.VoucherPayload.Unmarshal(it.payload); err == nil && v.ReceiptNo != "" {
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
