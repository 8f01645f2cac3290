package officesync

import (
	"sort"
	"strconv"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// Notices lists the notices (open ones only unless all), newest first.
func (s *Service) Notices(sess *app.Session, all bool) ([]app.Notice, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	var out []app.Notice
	err := s.Store.View(func(tx Tx) error {
		ns, err := tx.Notices(0)
		for _, n := range ns {
			if all || !n.Resolved {
				out = append(out, n)
			}
		}
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, err
}

// ResolveIdentity is a supervisor's decision on an identity review: which of the records holds
// the person's true name, birth date and gender. It is sent to the centre, which tells every
// office concerned; the desk's notice is closed.
func (s *Service) ResolveIdentity(sess *app.Session, noticeID string, choice int, note string) error {
	if err := sess.Require(app.PermResolveConflict); err != nil {
		return err
	}
	now := s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		n, ok, err := tx.Notice(noticeID)
		if err != nil {
			return err
		}
		if !ok || n.Review == nil {
			return &app.Error{Kind: app.NotFound, Code: app.CodeNoticeNotFound, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if n.Resolved {
			return &app.Error{Kind: app.Conflict, Code: app.CodeNoticeResolved, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if o, _, err := tx.Office(); err != nil {
			return err
		} else if d := n.Review.Decider; d != "" && d != o.Agency {
			return &app.Error{Kind: app.Forbidden, Code: app.CodeReviewOtherOffice, Field: "notice", Args: map[string]string{"office": d}}
		}
		if choice < 0 || choice >= len(n.Review.Records) {
			return &app.Error{
				Kind:  app.Invalid,
				Code:  app.CodeBadChoice,
				Field: "choice",
				Args:  map[string]string{"value": strconv.Itoa(choice + 1)},
			}
		}
		r := *n.Review
		chosen := r.Records[choice]
		r.Resolved, r.By = &chosen, sess.User.Name
		n.Review, n.Resolved, n.By, n.Decision = &r, true, sess.User.Name, app.NormalizeText(note)
		if err := tx.PutNotice(n); err != nil {
			return err
		}
		if err := app.Enqueue(tx, contract.OpIdentityResolve, r.PersonalID, 0, app.ReviewPayload.To(r), now); err != nil {
			return err
		}
		return tx.Audit(
			app.AuditEntry{User: sess.User.Name, Action: "identity.resolve", Entity: app.PersonalID(r.PersonalID).Masked(), PersonalID: r.PersonalID,
				Detail: "choice=" + chosen.Office + "/" + chosen.Dossier},
		)
	})
}

// CloseNotice records that a person has seen a conflict or rejection and decided it (note says
// what was done); supervisors only.
func (s *Service) CloseNotice(sess *app.Session, noticeID, note string) error {
	if err := sess.Require(app.PermResolveConflict); err != nil {
		return err
	}
	note = app.NormalizeText(note)
	if note == "" {
		return &app.Error{Kind: app.Invalid, Code: app.CodeReasonRequired, Field: "reason"}
	}
	return s.Store.Update(func(tx Tx) error {
		n, ok, err := tx.Notice(noticeID)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeNoticeNotFound, Field: "notice", Args: map[string]string{"id": noticeID}}
		}
		if n.Review != nil && !n.Resolved {
			return &app.Error{Kind: app.Invalid, Code: app.CodeReviewNeedsChoice, Field: "notice"}
		}
		n.Resolved, n.By, n.Decision = true, sess.User.Name, note
		if err := tx.PutNotice(n); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "notice.close", Entity: noticeID, Detail: note})
	})
}

// EntityState is what the centre last said about an entity (e.g. a dossier code).
func (s *Service) EntityState(entity string) (app.EntitySync, bool, error) {
	var (
		st app.EntitySync
		ok bool
	)
	err := s.Store.View(func(tx Tx) error {
		var err error
		st, ok, err = tx.EntitySync(entity)
		return err
	})
	return st, ok, err
}

// Digest is the digest of what the office holds (see DigestLine).
func (s *Service) Digest() (string, int, error) {
	var lines []contract.DigestLine
	err := s.Store.View(func(tx Tx) error {
		var err error
		lines, err = tx.DigestLines()
		return err
	})
	return contract.Digest(lines), len(lines), err
}
