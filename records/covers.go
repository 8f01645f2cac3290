package records

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/seal"

	"bhxhdesk/app/calendar"
)

// Covers lists book covers in a status (to issue: CoverCreated), oldest first.
func (s *Service) Covers(sess *app.Session, status app.CoverStatus, limit int) ([]app.BookCover, error) {
	if err := sess.Require(app.PermPersonView); err != nil {
		return nil, err
	}
	var out []app.BookCover
	err := s.Store.View(func(tx Tx) error {
		var err error
		out, err = tx.Covers(status, limit)
		return err
	})
	return out, err
}

// CoversIssuedOn lists the covers issued on a day (for a batch print).
func (s *Service) CoversIssuedOn(sess *app.Session, day calendar.Date) ([]app.BookCover, error) {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return nil, err
	}
	var out []app.BookCover
	err := s.Store.View(func(tx Tx) error {
		var err error
		out, err = tx.CoversIssuedOn(day)
		return err
	})
	return out, err
}

// IssueCover issues a first-time participant's electronic book cover (cấp tờ bìa sổ): it is
// recorded on the registration's timeline and completes the workflow step that waits for it.
// Only a cover that was created and not yet issued can be issued.
func (s *Service) IssueCover(sess *app.Session, pid string) (app.BookCover, error) {
	var c app.BookCover
	if err := sess.Require(app.PermCoverIssue); err != nil {
		return c, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	now := s.Now.Time()
	err := s.Store.Update(func(tx Tx) error {
		cur, ok, err := tx.Cover(pid)
		if err != nil {
			return err
		}
		if !ok {
			return coverNotFound(pid)
		}
		if cur.Status != app.CoverCreated {
			return &app.Error{
				Kind:  app.Conflict,
				Code:  app.CodeCoverAlreadyIssued,
				Field: "personal_id",
				Args:  map[string]string{"date": cur.IssueDate().VNString()},
			}
		}
		prev := cur
		c = cur
		c.Status, c.IssuedAt, c.IssuedBy, c.Version = app.CoverIssued, now, sess.User.Name, cur.Version+1
		if err := tx.PutCover(&c, &prev); err != nil {
			return err
		}
		if err := app.Enqueue(tx, contract.OpCoverIssue, c.PersonalID, prev.Version, app.CoverPayload.To(c), now); err != nil {
			return err
		}
		if c.Dossier != "" {
			d, ok, err := tx.Dossier(c.Dossier)
			if err != nil {
				return err
			}
			if ok && d.State != app.StateRejected {
				ev := app.Event{At: app.Stamp(now), User: sess.User.Name, Action: app.ActCover, Reason: "book_no=" + c.BookNo}
				if err := s.dossierEvent(tx, &d, ev, app.CompletesCover, now); err != nil {
					return err
				}
			}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "cover.issue", Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return c, err
}

// CoverPrint is one cover to print: the cover, the office that issues it, whether the print is
// final (the centre confirmed the cover) and which reprint of that kind it is (0 for the first).
type CoverPrint struct {
	Cover   app.BookCover
	Office  app.Office
	Final   bool
	Reprint int
}

// ReprintOf is the number of times a cover was printed before in the kind it would be printed
// now: a provisional confirmation while the centre has not confirmed the cover, the final one
// after. The first final print after provisional ones is no reprint.
func ReprintOf(c app.BookCover) int {
	final := c.Status == app.CoverConfirmed
	n := 0
	for _, p := range c.Prints {
		if p.Final == final {
			n++
		}
	}
	return n
}

// PlanCoverPrints checks that covers can be printed and returns what to print, in the order
// asked, without counting anything: the print is counted by RecordCoverPrints once the PDF leaves
// the desk (saved or handed to the printer), not when it is previewed. A cover must be issued; a
// reprint needs a reason.
func (s *Service) PlanCoverPrints(sess *app.Session, pids []string, reason string) ([]CoverPrint, error) {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return nil, err
	}
	if len(pids) == 0 {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeNothingToPrint, Field: "personal_id"}
	}
	reason = app.NormalizeText(reason)
	var out []CoverPrint
	err := s.Store.View(func(tx Tx) error {
		out = out[:0]
		o, _, err := tx.Office()
		if err != nil {
			return err
		}
		for _, pid := range pids {
			pid = app.StripSeparators(strings.TrimSpace(pid))
			c, ok, err := tx.Cover(pid)
			if err != nil {
				return err
			}
			if !ok {
				return coverNotFound(pid)
			}
			if c.Status == app.CoverCreated {
				return &app.Error{
					Kind:  app.Conflict,
					Code:  app.CodeCoverNotIssued,
					Field: "personal_id",
					Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
				}
			}
			reprint := ReprintOf(c)
			if reprint > 0 && reason == "" {
				return &app.Error{
					Kind:  app.Invalid,
					Code:  app.CodeReprintReasonRequired,
					Field: "reason",
					Args:  map[string]string{"count": strconv.Itoa(reprint)},
				}
			}
			out = append(out, CoverPrint{Cover: c, Office: o, Final: c.Status == app.CoverConfirmed, Reprint: reprint})
		}
		return nil
	})
	return out, err
}

// RecordCoverPrints counts planned prints on their covers, with the officer and, for a
// reprint, the reason; it is queued for the centre and logged. A cover changed since the plan
// (printed elsewhere, confirmed by the centre) is refused with cover_changed: the PDF planned
// would say the wrong print, so it must be made again.
func (s *Service) RecordCoverPrints(sess *app.Session, plan []CoverPrint, reason string) error {
	if err := sess.Require(app.PermCoverPrint); err != nil {
		return err
	}
	reason = app.NormalizeText(reason)
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		for _, p := range plan {
			pid := p.Cover.PersonalID
			cur, ok, err := tx.Cover(pid)
			if err != nil {
				return err
			}
			if !ok || cur.Version != p.Cover.Version {
				return &app.Error{
					Kind:  app.Conflict,
					Code:  app.CodeCoverChanged,
					Field: "personal_id",
					Args:  map[string]string{"value": app.PersonalID(pid).Masked()},
				}
			}
			rec := app.PrintRecord{At: now, By: sess.User.Name, Final: p.Final}
			if p.Reprint > 0 {
				if reason == "" {
					return &app.Error{
						Kind:  app.Invalid,
						Code:  app.CodeReprintReasonRequired,
						Field: "reason",
						Args:  map[string]string{"count": strconv.Itoa(p.Reprint)},
					}
				}
				rec.Reason = reason
			}
			prev := cur
			c := cur
			c.Prints = append(append([]app.PrintRecord(nil), cur.Prints...), rec)
			c.Version++
			if err := tx.PutCover(&c, &prev); err != nil {
				return err
			}
			if err := app.Enqueue(tx, contract.OpCoverPrint, c.PersonalID, prev.Version, app.PrintPayload.To(rec), now); err != nil {
				return err
			}
			detail := fmt.Sprintf("print=%d final=%t", len(c.Prints), p.Final)
			if rec.Reason != "" {
				detail += " reason=" + rec.Reason
			}
			entry := app.AuditEntry{User: sess.User.Name, Action: "cover.print", Entity: app.PersonalID(pid).Masked(),
				Detail: detail, PersonalID: pid}
			if err := tx.Audit(entry); err != nil {
				return err
			}
		}
		return nil
	})
}

// PrintCovers plans and at once records the printing of covers (PlanCoverPrints,
// RecordCoverPrints), for a caller that prints without a preview.
func (s *Service) PrintCovers(sess *app.Session, pids []string, reason string) ([]CoverPrint, error) {
	plan, err := s.PlanCoverPrints(sess, pids, reason)
	if err != nil {
		return nil, err
	}
	if err := s.RecordCoverPrints(sess, plan, reason); err != nil {
		return nil, err
	}
	return plan, nil
}

// SigningKey returns the desk's Ed25519 signing key for sealed printouts and the office, making
// and storing the key (encrypted like all data) on first use; its making is audited.
func (s *Service) SigningKey() (*seal.SigningKey, app.Office, error) {
	var (
		key    *seal.SigningKey
		office app.Office
	)
	// read finds the office and, if it exists, the key.
	read := func(tx Tx) error {
		key = nil // a transaction retried after a conflict starts again: the key it made was not stored
		var err error
		if office, _, err = tx.Office(); err != nil {
			return err
		}
		raw, ok, err := tx.SigningKey()
		if err != nil || !ok {
			return err
		}
		key, err = seal.ParseSigningKey(raw)
		return err
	}
	// Every sync request and print asks for it: a read, and a durable write only the first time.
	err := s.Store.View(read)
	if err == nil && key == nil {
		err = s.Store.Update(func(tx Tx) error {
			if err := read(tx); err != nil || key != nil {
				return err
			}
			var err error
			if key, err = seal.GenerateSigningKey(rand.Reader); err != nil {
				return err
			}
			if err := tx.PutSigningKey(key.Bytes()); err != nil {
				return err
			}
			return tx.Audit(app.AuditEntry{User: "system", Action: "device.key", Detail: "key_id=" + key.ID().String()})
		})
	}
	return key, office, err
}

// coverNotFound is the refusal of a personal ID that has no book cover.
func coverNotFound(pid string) error {
	return &app.Error{Kind: app.NotFound, Code: app.CodeCoverNotFound, Field: "personal_id",
		Args: map[string]string{"value": app.PersonalID(pid).Masked()}}
}
