package central

import (
	"context"
	"encoding/json"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/contract"

	"bhxhdesk/app"
)

// settler is a store whose changes are numbered after they commit (PostgresStore): Settle
// numbers those committed so far.
type settler interface {
	Settle(ctx context.Context) error
}

// Pull returns the changes for a device's office after a cursor.
func (s *Service) Pull(ctx context.Context, dev Device, cursor uint64, limit int) (contract.Page, error) {
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, answerLimit)
	if st, ok := s.Store.(settler); ok {
		if err := st.Settle(ctx); err != nil {
			return contract.Page{}, err
		}
	}
	page := contract.Page{Cursor: cursor, Changes: []contract.Change{}}
	err := s.Store.View(ctx, func(tx Tx) error {
		// The desk's own records do not come back to it.
		chs, err := tx.Changes([]string{dev.Office, "*", deviceAudience(dev.ID)}, cursor, limit+1, dev.origin())
		if err != nil {
			return err
		}
		if len(chs) > limit {
			chs, page.More = chs[:limit], true
		}
		if len(chs) > 0 {
			page.Cursor = chs[len(chs)-1].Seq
		} else if last, err := tx.LastChange(); err == nil && last > cursor {
			// Nothing for this office up to the end of the log: skip ahead.
			page.Cursor = last
		} else if err != nil {
			return err
		}
		for _, c := range chs {
			if c.Kind == contract.ChangeOfficeRecord && !dev.TakesOfficeRecords {
				continue // a desk of an earlier version: the cursor moves past it
			}
			c.Origin = "" // the centre's own bookkeeping
			page.Changes = append(page.Changes, c)
		}
		return nil
	})
	return page, err
}

// The most records and bytes one page of an office's state holds.
const (
	statePageLimit = 5000
	statePageBytes = 8 << 20
)

// OfficeStatePage is one page of OfficeState: the records of part after the key after, at
// most limit of them (statePageLimit when 0 or more) and about statePageBytes, with the key to
// ask after for the rest ("" at the end of the part).
func (s *Service) OfficeStatePage(ctx context.Context, dev Device, part, after string, limit int) (contract.StatePage, error) {
	if limit <= 0 || limit > statePageLimit {
		limit = statePageLimit
	}
	kind := map[string]string{"dossiers": "dossier", "vouchers": "voucher", "people": "person", "covers": "cover"}[part]
	if kind == "" {
		return contract.StatePage{}, &app.Error{Kind: app.Invalid, Code: app.CodeBadStatePart, Args: map[string]string{"part": clip(part)}}
	}
	pg := contract.StatePage{Part: part}
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		if pg.Cursor, err = tx.LastChange(); err != nil {
			return err
		}
		if o, ok, err := tx.Office(dev.Office); err != nil {
			return err
		} else if ok {
			pg.Workflow = o.Workflow
		}
		recs, err := tx.OfficeRecords(kind, dev.Office, after, limit+1)
		if err != nil {
			return err
		}
		more := len(recs) > limit
		recs = recs[:min(len(recs), limit)]
		size := 0
		for _, r := range recs {
			if size >= statePageBytes {
				more = true
				break
			}
			pg.Next = r.Key
			item, err := s.stateItem(tx, dev, kind, r.Raw)
			if err != nil {
				return err
			}
			switch it := item.(type) {
			case json.RawMessage:
				pg.Items = append(pg.Items, it)
				size += len(it)
			case contract.ParticipantV1:
				pg.People = append(pg.People, it)
				size += 512 + 128*len(it.Periods)
			}
		}
		if !more {
			pg.Next = "" // the end of the part
		}
		return nil
	})
	return pg, err
}

// stateItem is one record of the office's state as a desk takes it back, or nil when the
// record is not the office's.
func (s *Service) stateItem(tx Tx, dev Device, kind string, raw json.RawMessage) (any, error) {
	switch kind {
	case "dossier":
		var d Dossier
		if err := fastjson.Unmarshal(raw, &d); err != nil || d.Office != dev.Office {
			return nil, err
		}
		return d.Body, nil
	case "voucher":
		var v Voucher
		if err := fastjson.Unmarshal(raw, &v); err != nil || v.Office != dev.Office {
			return nil, err
		}
		return v.Body, nil
	case "person":
		var p Person
		if err := fastjson.Unmarshal(raw, &p); err != nil || len(p.Periods) == 0 || !p.HasOffice(dev.Office) {
			return nil, err
		}
		var f app.RegistrationForm
		var termsAt time.Time
		found := false
		for _, r := range p.Records {
			if r.Office != dev.Office {
				continue
			}
			d, ok, err := tx.Dossier(r.Dossier)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if body, err := app.DossierPayload.Unmarshal(d.Body); err == nil {
				f, found, termsAt = body.Form, true, body.Received
			}
		}
		if !found {
			return nil, nil
		}
		income, _ := app.ParseMoney(string(f.Income))
		part := app.Participant{PersonalID: p.PersonalID, OldSICode: f.OldSICode, FullName: p.Identity.FullName,
			Gender: p.Identity.Gender, BirthDate: p.Identity.BirthDate, Nationality: f.Nationality, Ethnicity: f.Ethnicity, Phone: f.Phone,
			BirthRegistration: f.BirthRegistration, Address: f.Address, Income: income, Method: f.Method, SupportGroup: f.SupportGroup,
			Dossier: p.Identity.Dossier, HasBook: f.OldSICode != "", Periods: p.Periods, Version: p.Version, History: p.History,
			TermsAt: termsAt}
		for _, ev := range p.Events {
			part.ApplyEvent(ev) // a change of income or method since the registration
		}
		return app.ParticipantPayload.To(part), nil
	case "cover":
		var c Cover
		if err := fastjson.Unmarshal(raw, &c); err != nil || c.Office != dev.Office {
			return nil, err
		}
		bc, err := app.CoverPayload.Unmarshal(c.Body)
		if err != nil {
			return nil, err
		}
		bc.Status, bc.ConfirmedAt = c.Status, c.ConfirmedAt
		return app.CoverPayload.Marshal(bc)
	}
	return nil, nil
}

// Digest is the digest of what the centre holds for an office: its dossiers, the vouchers
// recorded at or routed to it, and the periods and covers of its people — the same lines as
// the office's own digest (officesync.Service.Digest).
func (s *Service) Digest(ctx context.Context, office string) (string, int, error) {
	var lines []contract.DigestLine
	err := s.Store.View(ctx, func(tx Tx) error {
		var people []string
		if err := eachOfficeRecord(tx, "dossier", office, func(raw json.RawMessage) error {
			var d Dossier
			if err := fastjson.Unmarshal(raw, &d); err != nil {
				return err
			}
			lines = append(lines, contract.DossierLine(d.Code, d.Version))
			people = append(people, d.PersonalID)
			return nil
		}); err != nil {
			return err
		}
		if err := eachOfficeRecord(tx, "voucher", office, func(raw json.RawMessage) error {
			var v Voucher
			if err := fastjson.Unmarshal(raw, &v); err != nil {
				return err
			}
			lines = append(lines, contract.VoucherLine(v.ID))
			return nil
		}); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, pid := range people {
			if seen[pid] {
				continue
			}
			seen[pid] = true
			p, ok, err := tx.Person(pid)
			if err != nil {
				return err
			}
			for _, pe := range p.Periods {
				if ok {
					lines = append(lines, app.PeriodDigestLine(p.PersonalID, pe))
				}
			}
		}
		return eachOfficeRecord(tx, "cover", office, func(raw json.RawMessage) error {
			var c Cover
			if err := fastjson.Unmarshal(raw, &c); err != nil {
				return err
			}
			lines = append(lines, contract.CoverLine(c.PersonalID, c.Status != app.CoverCreated))
			return nil
		})
	})
	return contract.Digest(lines), len(lines), err
}

// eachOfficeRecord calls fn for every record of a kind that belongs to an office, a page at a
// time.
func eachOfficeRecord(tx Tx, kind, office string, fn func(json.RawMessage) error) error {
	const page = 1000
	after := ""
	for {
		recs, err := tx.OfficeRecords(kind, office, after, page)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r.Raw); err != nil {
				return err
			}
		}
		if len(recs) < page {
			return nil
		}
		after = recs[len(recs)-1].Key
	}
}

// OfficeState reads what the centre holds for the device's office.
func (s *Service) OfficeState(ctx context.Context, dev Device) (contract.OfficeData, error) {
	st := contract.OfficeData{Dossiers: []json.RawMessage{}, Vouchers: []json.RawMessage{}, People: []contract.ParticipantV1{},
		Covers: []json.RawMessage{}}
	first := true
	for _, part := range contract.StateParts {
		after := ""
		for {
			pg, err := s.OfficeStatePage(ctx, dev, part, after, 0)
			if err != nil {
				return st, err
			}
			if first {
				// The cursor from before the first page: changes made while the pages are read
				// are pulled again after, and applying them twice changes nothing.
				st.Cursor, st.Workflow, first = pg.Cursor, pg.Workflow, false
			}
			st.AddPage(pg)
			if after = pg.Next; after == "" {
				break
			}
		}
	}
	return st, nil
}
