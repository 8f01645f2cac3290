package intake

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// activityLead is how many days before the dashboard's window a dossier may have been
// received and still fall due inside it (5 working days, holidays, re-appointments).
const activityLead = 20

// Activity returns the dossiers received on or after from−20 days, in every state, for the
// dashboard's counts and chart: pending ones from the due-date index, as their list rows say
// them (code, receipt, appointment, state, step: no form, no timeline), closed ones read whole
// when the day their code carries ({agency}-{yymmdd}-{device}{seq}) is recent. PermView. The
// dashboard shows counts only, so nothing is written to the audit log.
func (s *Service) Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	since := from - activityLead
	var out []app.Dossier
	err := s.Store.View(func(tx Tx) error {
		pending, err := tx.Due(0, calendar.Date(1<<30), 0)
		if err != nil {
			return err
		}
		// A pending dossier's list row says all the dashboard needs: no dossier is read.
		for _, s := range pending {
			if calendar.DateOf(s.Received.In(calendar.VN)) >= since {
				out = append(out, app.Dossier{Code: s.Code, Received: s.Received, Due: s.Due, StepDue: s.StepDue, State: s.State,
					Step: s.Step, Handler: s.Handler})
			}
		}
		closed, err := closedSince(tx, since)
		out = append(out, closed...)
		return err
	})
	return out, err
}

// closedSince reads the closed dossiers (done, rejected) received on or after since: those
// whose code carries a recent day, read whole, the purged left out.
func closedSince(tx Tx, since calendar.Date) ([]app.Dossier, error) {
	var codes []string
	for _, st := range []app.State{app.StateDone, app.StateRejected} {
		closed, err := tx.DossiersInState(st)
		if err != nil {
			return nil, err
		}
		for _, c := range closed {
			if day, ok := codeDay(c); !ok || day >= since {
				codes = append(codes, c)
			}
		}
	}
	var out []app.Dossier
	for _, c := range codes {
		dos, ok, err := tx.Dossier(c)
		if err != nil {
			return nil, err
		}
		if ok && dos.Purged == nil && calendar.DateOf(dos.Received.In(calendar.VN)) >= since {
			out = append(out, dos)
		}
	}
	return out, nil
}

// ReceivedOn lists the dossiers received on day in every state — pending, completed and
// rejected, as the dashboard's "received today" tile counts them — in order of receipt.
// PermView; the list is recorded in the audit log as the queues are.
func (s *Service) ReceivedOn(sess *app.Session, day calendar.Date) ([]app.Summary, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	var out []app.Summary
	err := s.Store.Update(func(tx Tx) error {
		pending, err := tx.Due(0, calendar.Date(1<<30), 0)
		if err != nil {
			return err
		}
		for _, s := range pending {
			if calendar.DateOf(s.Received.In(calendar.VN)) == day {
				out = append(out, s)
			}
		}
		closed, err := closedSince(tx, day-activityLead)
		if err != nil {
			return err
		}
		for _, c := range closed {
			if calendar.DateOf(c.Received.In(calendar.VN)) == day {
				out = append(out, c.Summary())
			}
		}
		slices.SortFunc(out, func(a, b app.Summary) int { return a.Received.Compare(b.Received) })
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.list", Detail: "received-on=" + day.String()})
	})
	return out, err
}

// codeDay reads the receipt day a dossier code carries.
func codeDay(code string) (calendar.Date, bool) {
	parts := strings.Split(code, "-")
	if len(parts) != 3 || len(parts[1]) != 6 {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return 0, false
	}
	return calendar.Of(2000+n/10000, time.Month(n/100%100), n%100), true
}
