package records

import (
	"strings"

	"bhxhdesk/app"
)

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
