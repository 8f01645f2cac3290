package central

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// participantEvent records an office's decision on a person it serves (a change, a stop, a
// refund, evidence): once per event id, kept with the person, and shared with the office's
// desks with the person's record. Another office's person is refused.
func (s *Service) participantEvent(tx Tx, dev Device, pid string, ev app.LifeEvent) (contract.OpResult, error) {
	switch ev.Kind {
	case app.EventChange, app.EventStop, app.EventRefund, app.EventEvidence:
	default:
		return rejected("bad_payload"), nil
	}
	p, ok, err := tx.Person(pid)
	if err != nil {
		return contract.OpResult{}, err
	}
	if !ok || !serves(p, dev.Office) {
		return rejected("not_your_person", "value", app.PersonalID(pid).Masked()), nil
	}
	if ev.Kind == app.EventRefund && (ev.Refund == nil || len(ev.Refund.Lines) == 0) {
		return rejected("bad_payload"), nil
	}
	// A refund ends participation: after one (another desk's, while this one was offline) a
	// refund, a change or a stop is a conflict for a person, until the person pays again.
	held := app.Participant{Periods: p.Periods, Events: p.Events}
	if e := held.Exit(); e != nil && e.ID != ev.ID && ev.Kind != app.EventEvidence {
		for _, have := range p.Events {
			if have.ID == ev.ID {
				return contract.OpResult{Status: app.OpApplied}, nil // held already
			}
		}
		return contract.OpResult{Status: app.OpConflict, Reason: app.CodeLifeLeft,
			Args: map[string]string{"reason": e.Reason, "from": e.From.VNString()}}, nil
	}
	ev.Office = dev.Office // the office is the sender's, whatever the payload says
	part := app.Participant{Events: p.Events}
	if !part.ApplyEvent(ev) {
		return contract.OpResult{Status: app.OpApplied}, nil // held already
	}
	p.Events = part.Events
	p.Version++
	return contract.OpResult{Status: app.OpApplied}, tx.PutPerson(p)
}

// exclusionOf is why the national records exclude the person of a new dossier from its first
// month ("" when nothing does): under compulsory insurance, or receiving a pension.
func exclusionOf(tx Tx, d app.Dossier) (string, error) {
	p, ok, err := tx.Person(d.Form.PersonalID)
	if err != nil || !ok || p.History == nil {
		return "", err
	}
	m, err := app.ParseMonth(d.Form.StartMonth)
	if err != nil {
		m = app.MonthOfDate(calendar.DateOf(d.Received.In(calendar.VN)))
	}
	return p.History.Exclusion(m), nil
}

// HistoryRecord is one person's line of the national records (the compulsory-insurance and
// pension databases), as an administrator or the records system posts it: months of
// contributions of every kind, compulsory insurance, pension.
type HistoryRecord struct {
	PersonalID     string `json:"personal_id"`
	Months         int    `json:"months"`
	FirstJoined    string `json:"first_joined,omitempty"`
	CompulsoryFrom string `json:"compulsory_from,omitempty"`
	CompulsoryTo   string `json:"compulsory_to,omitempty"`
	Pension        bool   `json:"pension,omitempty"`
	Source         string `json:"source,omitempty"`
}

// HistoryResult is what SetHistory did: the people updated and the lines refused, with why.
type HistoryResult struct {
	Updated  int               `json:"updated"`
	Refused  map[string]string `json:"refused,omitempty"` // line number → problem
	Excluded []string          `json:"excluded,omitempty"`
}

// SetHistory records what the national records hold of people: the desks of every office that
// serves a person receive it with the person's record, and use it to check missing time and to
// refuse a person under compulsory insurance or with a pension. A bad line is refused alone.
func (s *Service) SetHistory(ctx context.Context, recs []HistoryRecord) (HistoryResult, error) {
	res := HistoryResult{Refused: map[string]string{}}
	now := s.now(ctx)
	err := s.Store.Update(ctx, func(tx Tx) error {
		res.Updated, res.Excluded = 0, nil
		clear(res.Refused)
		for i, r := range recs {
			line := strconv.Itoa(i + 1)
			h, err := historyOf(r, now)
			if err != nil {
				res.Refused[line] = err.Error()
				continue
			}
			pid := app.StripSeparators(strings.TrimSpace(r.PersonalID))
			if _, err := app.ParsePersonalID(pid); err != nil {
				res.Refused[line] = "personal_id"
				continue
			}
			p, ok, err := tx.Person(pid)
			if err != nil {
				return err
			}
			if !ok {
				p = Person{PersonalID: pid}
			}
			p.History = h
			p.Version++
			if err := tx.PutPerson(p); err != nil {
				return err
			}
			res.Updated++
			if h.Exclusion(app.MonthOfDate(calendar.DateOf(now.In(calendar.VN)))) != "" {
				res.Excluded = append(res.Excluded, app.PersonalID(pid).Masked())
			}
			if len(p.Periods) == 0 {
				continue // no office holds the person's record yet: it goes with the first period
			}
			raw, err := json.Marshal(p)
			if err != nil {
				return err
			}
			for _, office := range p.Offices {
				item, err := s.stateItem(tx, Device{Office: office}, "person", raw)
				if err != nil {
					return err
				}
				v, ok := item.(contract.ParticipantV1)
				if !ok {
					continue
				}
				payload, err := json.Marshal(v)
				if err != nil {
					return err
				}
				if err := tx.AppendChange(office, contract.Change{Kind: app.ChangeParticipant, Entity: pid, Payload: payload, At: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if len(res.Refused) == 0 {
		res.Refused = nil
	}
	return res, err
}

func historyOf(r HistoryRecord, now time.Time) (*app.CentralHistory, error) {
	h := &app.CentralHistory{Months: r.Months, Pension: r.Pension, AsOf: now, Source: clip(r.Source)}
	if r.Months < 0 || r.Months > 1200 {
		return nil, app.Errorf(app.Invalid, "bad_months", "field", "months")
	}
	for _, f := range []struct {
		s   string
		dst *app.Month
		n   string
	}{{r.FirstJoined, &h.FirstJoined, "first_joined"}, {r.CompulsoryFrom, &h.CompulsoryFrom, "compulsory_from"},
		{r.CompulsoryTo, &h.CompulsoryTo, "compulsory_to"}} {
		if f.s == "" {
			continue
		}
		m, err := app.ParseMonth(f.s)
		if err != nil {
			return nil, app.Errorf(app.Invalid, "bad_month", "field", f.n)
		}
		*f.dst = m
	}
	if h.CompulsoryTo != 0 && h.CompulsoryTo < h.CompulsoryFrom {
		return nil, app.Errorf(app.Invalid, "bad_month", "field", "compulsory_to")
	}
	return h, nil
}
