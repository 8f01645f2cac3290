package records

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// LifeInput is an officer's decision on a participant after registration: a change of income
// or method, a stop, a refund, or the evidence of a support group.
type LifeInput struct {
	Kind   app.LifeEventKind
	From   app.Month
	Income app.Money
	Method string
	Reason string // stop and refund: app.Reason*; evidence: the group
	Note   string
	Year   int    // evidence: the list's year
	Ref    string // evidence: the commune's decision or list
}

// LifeResult is a recorded decision with what it means: the new quote for a change, the
// calculation for a refund, and the person's standing after it.
type LifeResult struct {
	Event       app.LifeEvent   `json:"event"`
	Quote       *app.Quote      `json:"quote,omitempty"`
	Participant app.Participant `json:"participant"`
	Standing    app.Standing    `json:"standing"`
	Office      app.Office      `json:"-"`
}

// The longest note and evidence reference a decision takes.
const maxNoteRunes = 500

// Decide checks an officer's decision on a participant and records it: on the person, in the
// audit, and in the outbox for the centre (OpParticipantEvent). Nothing is recorded when a rule
// refuses it, and the error names the field. A change takes the new income and method from its
// month on; a refund ends the person's participation with its calculation.
func (s *Service) Decide(sess *app.Session, pid string, in LifeInput) (LifeResult, error) {
	var res LifeResult
	if err := sess.Require(app.PermVoucherResolve); err != nil {
		return res, err
	}
	pid = app.StripSeparators(strings.TrimSpace(pid))
	in.Note, in.Ref = plainText(in.Note), plainText(in.Ref)
	if utf8.RuneCountInString(in.Note) > maxNoteRunes {
		return res, &app.Error{Kind: app.Invalid, Code: app.CodeTooLong, Field: "note", Args: map[string]string{"param": strconv.Itoa(maxNoteRunes)}}
	}
	if utf8.RuneCountInString(in.Ref) > 200 {
		return res, &app.Error{Kind: app.Invalid, Code: app.CodeTooLong, Field: "reference", Args: map[string]string{"param": "200"}}
	}
	now := s.Now.Time()
	today := calendar.DateOf(now.In(calendar.VN))
	rules := s.Ref.Get().Rules
	err := s.Store.Update(func(tx Tx) error {
		p, known, err := tx.Participant(pid)
		if err != nil {
			return err
		}
		if !known {
			return &app.Error{Kind: app.NotFound, Code: app.CodePersonNotFound, Field: "personal_id",
				Args: map[string]string{"value": app.PersonalID(pid).Masked()}}
		}
		ev := app.LifeEvent{ID: app.NewUUIDv7(now), Kind: in.Kind, From: in.From, Reason: in.Reason, Note: in.Note, At: now, By: sess.User.Name}
		if o, ok, err := tx.Office(); err != nil {
			return err
		} else if ok {
			ev.Office, res.Office = o.Agency, o
		}
		switch in.Kind {
		case app.EventChange:
			m, err := app.ParseMethod(in.Method)
			if err != nil {
				return fieldErr(err, "method")
			}
			q, err := rules.CheckChange(&p, app.ChangeRequest{Income: in.Income, Method: m, From: in.From, Today: today})
			if err != nil {
				return err
			}
			ev.Income, ev.Method, ev.Reason = in.Income, m.String(), ""
			res.Quote = &q
		case app.EventStop:
			if err := app.CheckStop(&p, in.From, in.Reason, today); err != nil {
				return err
			}
		case app.EventRefund:
			r, err := rules.RefundOf(&p, in.Reason, in.From)
			if err != nil {
				return err
			}
			ev.Refund = &r
		case app.EventEvidence:
			if e := p.Exit(); e != nil {
				return &app.Error{Kind: app.Invalid, Code: app.CodeLifeLeft, Field: "personal_id",
					Args: map[string]string{"reason": e.Reason, "from": e.From.VNString()}}
			}
			if !app.EvidenceNeeded(in.Reason) || (in.Reason != p.SupportGroup && !slices.Contains(p.LocalGroups, in.Reason)) {
				return &app.Error{Kind: app.Invalid, Code: app.CodeEvidenceGroup, Field: "group", Args: map[string]string{"value": app.Clip(in.Reason, 40)}}
			}
			if in.Year < 2016 || in.Year > today.Year()+1 {
				return &app.Error{Kind: app.Invalid, Code: app.CodeEvidenceYear, Field: "year", Args: map[string]string{"value": strconv.Itoa(in.Year)}}
			}
			if in.Ref == "" {
				return &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "reference"}
			}
			ev.Year, ev.Reference, ev.From = in.Year, in.Ref, app.MonthOf(in.Year, 1)
		default:
			return &app.Error{Kind: app.Invalid, Code: app.CodeLifeBadKind, Field: "kind", Args: map[string]string{"value": app.Clip(string(in.Kind), 20)}}
		}
		p.ApplyEvent(ev)
		p.Version++
		if err := tx.PutParticipant(p); err != nil {
			return err
		}
		if err := app.Enqueue(tx, app.OpParticipantEvent, p.PersonalID, p.Version-1, app.LifeEventPayload.To(ev), now); err != nil {
			return err
		}
		res.Event, res.Participant, res.Standing = ev, p, p.StandingOn(today)
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "person." + string(in.Kind), Entity: app.PersonalID(pid).Masked(), PersonalID: pid})
	})
	return res, err
}

// Benefits are what the person may receive as of month m, as far as the desk knows (information
// for the person at the desk; the pension office decides).
func (s *Service) Benefits(sess *app.Session, pid string, m app.Month) ([]app.Benefit, app.MissingCheck, app.Participant, error) {
	pv, err := s.Person(sess, pid)
	if err != nil {
		return nil, app.MissingCheck{}, app.Participant{}, err
	}
	rules := s.Ref.Get().Rules
	bs, err := rules.BenefitsOf(&pv.Participant, m)
	if err != nil {
		return nil, app.MissingCheck{}, pv.Participant, err
	}
	mc, err := rules.MissingTime(&pv.Participant, m)
	return bs, mc, pv.Participant, err
}

// fieldErr puts a field on a domain error that has none.
func fieldErr(err error, field string) error {
	if e, ok := err.(*app.Error); ok && e.Field == "" {
		e.Field = field
	}
	return err
}

// StandingRow is one participant in the list by standing: who, where they stand, how to reach
// them.
type StandingRow struct {
	PersonalID string       `json:"personal_id"`
	FullName   string       `json:"full_name"`
	Phone      string       `json:"phone,omitempty"`
	Method     string       `json:"method"`
	Standing   app.Standing `json:"standing"`
	// Lapsed are the support groups whose list of the year is missing.
	Lapsed []string `json:"evidence_lapsed,omitempty"`
}

// Standings lists the office's participants who stand in one of states on day (every state
// when none is given), by deadline then name: who must pay soon, who missed a deadline and is
// suspended, who stopped or left. For the roles that record payments; the listing is audited.
func (s *Service) Standings(sess *app.Session, day calendar.Date, states ...string) ([]StandingRow, error) {
	if err := sess.Require(app.PermVoucher); err != nil {
		return nil, err
	}
	var out []StandingRow
	err := s.Store.View(func(tx Tx) error {
		return tx.EachParticipant(func(p app.Participant) error {
			st := p.StandingOn(day)
			if len(states) > 0 && !slices.Contains(states, st.State) {
				return nil
			}
			out = append(out, StandingRow{PersonalID: p.PersonalID, FullName: p.FullName, Phone: p.Phone, Method: p.Method, Standing: st,
				Lapsed: p.EvidenceLapsed(day)})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b StandingRow) int {
		if a.Standing.Deadline != b.Standing.Deadline {
			return int(a.Standing.Deadline) - int(b.Standing.Deadline)
		}
		return strings.Compare(app.FoldKey(a.FullName), app.FoldKey(b.FullName))
	})
	return out, s.audit(sess, "participant.list", day.String())
}

// plainText is a note or reference as kept: NFC, trimmed, control characters (a stray escape,
// a bell) taken out, line breaks made spaces.
func plainText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
	return app.NormalizeText(strings.TrimSpace(s))
}
