package officesync

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// Redownload takes into the office's store what the centre holds for it and the store lacks
// (its dossiers, vouchers, periods and covers), without queueing anything to send back. It is
// the way back for a desk whose store was lost or damaged, or restored from an older backup.
// Records the store already has are kept as they are. It returns how many records it added.
func (s *Service) Redownload(sess *app.Session, data contract.OfficeData) (int, error) {
	if err := sess.Require(app.PermSync); err != nil {
		return 0, err
	}
	return s.redownload(sess.User.Name, data)
}

// RestoreFromCentre is Redownload for the sync engine after a restore from backup.
func (s *Service) RestoreFromCentre(data contract.OfficeData) error {
	_, err := s.redownload(syncActor, data)
	return err
}

func (s *Service) redownload(actor string, data contract.OfficeData) (int, error) {
	now := s.Now.Time()
	added := 0
	const chunk = 100
	type item struct {
		kind string
		raw  json.RawMessage
		p    *contract.ParticipantV1
	}
	var items []item
	for _, d := range data.Dossiers {
		items = append(items, item{kind: "dossier", raw: d})
	}
	for _, v := range data.Vouchers {
		items = append(items, item{kind: "voucher", raw: v})
	}
	for i := range data.People {
		items = append(items, item{kind: "person", p: &data.People[i]})
	}
	for _, c := range data.Covers {
		items = append(items, item{kind: "cover", raw: c})
	}
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		n := 0
		err := s.Store.Update(func(tx Tx) error {
			n = 0
			for _, it := range part {
				ok, err := redownload(tx, it.kind, it.raw, it.p, now)
				if err != nil {
					return fmt.Errorf("%s: %w", it.kind, err)
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return added, err
		}
		added += n
	}
	err := s.Store.Update(func(tx Tx) error {
		if cur, err := cursorOf(tx); err != nil {
			return err
		} else if cur == 0 {
			// A fresh store has seen nothing: it carries on from where this download was read,
			// holding what the office's desks shared until then.
			if err := tx.PutSetting(app.SettingCursor, []byte(strconv.FormatUint(data.Cursor, 10))); err != nil {
				return err
			}
			if err := tx.PutSetting(settingShared, []byte("1")); err != nil {
				return err
			}
		}
		if data.Workflow != nil {
			if o, ok, err := tx.Office(); err != nil {
				return err
			} else if ok && o.Workflow == nil {
				if o.Workflow, err = app.AdjustmentPayload.From(data.Workflow); err != nil {
					return err
				}
				if err := tx.PutOffice(o); err != nil {
					return err
				}
			}
		}
		return tx.Audit(app.AuditEntry{User: actor, Action: "store.redownload", Detail: fmt.Sprintf("added=%d", added)})
	})
	return added, err
}

func redownload(tx Tx, kind string, raw json.RawMessage, pv *contract.ParticipantV1, now time.Time) (bool, error) {
	switch kind {
	case "dossier":
		d, err := app.DossierPayload.Unmarshal(raw)
		if err != nil {
			return false, err
		}
		cur, ok, err := tx.Dossier(d.Code)
		if err != nil {
			return false, err
		}
		if !ok {
			return true, tx.PutDossier(&d, nil)
		}
		// A store restored from an older backup holds an older version of a dossier whose
		// later events reached the centre: the centre's is the office's latest.
		if d.Version > cur.Version {
			return true, tx.PutDossier(&d, &cur)
		}
		return false, nil
	case "voucher":
		v, err := app.VoucherPayload.Unmarshal(raw)
		if err != nil {
			return false, err
		}
		if v.Kind == "" { // a feed voucher, as the accounting system posted it
			in, err := app.FeedVoucherPayload.Unmarshal(raw)
			if err != nil {
				return false, err
			}
			parsed, err := app.ParseVoucher(in)
			if err != nil {
				return false, nil
			}
			v = parsed
			v.ID, v.Source, v.By, v.Created = in.ID, app.SourceCentral, syncActor, now
		}
		if _, ok, err := tx.Voucher(v.ID); err != nil || ok {
			return false, err
		}
		st := app.VoucherState{Status: app.VoucherMatched, Updated: now}
		part, _, err := tx.Participant(v.PersonalID)
		if err != nil {
			return false, err
		}
		st.Status, st.Exception = app.VoucherException, "voucher_redownloaded"
		for i, pe := range part.Periods {
			if pe.Voucher == v.ID {
				st.Status, st.Exception, st.Period = app.VoucherMatched, "", i+1
			}
		}
		if v.Kind == app.KindVoid {
			st.Status, st.Exception = app.VoucherVoid, ""
		}
		if err := tx.PutVoucher(v, st); err != nil {
			return false, err
		}
		// A correction or void another desk made resolves the original here too, so no officer
		// resolves it a second time.
		if v.Refers != "" {
			orig, ok, err := tx.Voucher(v.Refers)
			if err != nil {
				return false, err
			}
			if ok && orig.State.Status == app.VoucherException {
				ost := orig.State
				ost.ID, ost.Status, ost.Exception, ost.Updated = v.Refers, app.VoucherResolved, "", now
				action := "correct"
				if v.Kind == app.KindVoid {
					action = "void"
				}
				ost.Resolved = &app.Resolution{By: v.By, At: v.Created, Action: action, Voucher: v.ID, Reason: v.Reason}
				if err := tx.PutVoucherState(ost); err != nil {
					return false, err
				}
			}
		}
		return true, nil
	case "person":
		p, err := app.ParticipantPayload.From(*pv)
		if err != nil {
			return false, err
		}
		_, had, err := tx.Participant(p.PersonalID)
		if err != nil {
			return false, err
		}
		return !had, mergeParticipant(tx, p)
	case "cover":
		c, err := app.CoverPayload.Unmarshal(raw)
		if err != nil {
			return false, err
		}
		cur, ok, err := tx.Cover(c.PersonalID)
		if err != nil {
			return false, err
		}
		if !ok {
			return true, tx.PutCover(&c, nil)
		}
		if coverRank(c.Status) > coverRank(cur.Status) {
			c.Prints = cur.Prints // prints are counted where they happen
			return true, tx.PutCover(&c, &cur)
		}
		return false, nil
	}
	return false, nil
}
