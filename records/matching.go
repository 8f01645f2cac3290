package records

import (
	"errors"
	"strconv"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

// ExcLate is a voucher paid after the last day to pay for its period: the participant was
// suspended and must re-register (DOMAIN §3, no surcharge).
const ExcLate = "voucher_late"

// match is what matching found for a voucher: the person it pays for, the dossier that
// registered them, the quote it must equal, or the exception that stops it.
type match struct {
	pid         string
	participant app.Participant
	known       bool // participant exists
	dossier     *app.Dossier
	quote       app.Quote
	exception   string
	args        map[string]string
}

func (s *Service) match(tx Tx, v app.Voucher) (match, error) {
	m := match{pid: v.PersonalID}
	if len(v.PersonalID) == 10 { // an old social-insurance code: find the person's ID
		ds, err := tx.ByOldCode(v.PersonalID)
		if err != nil {
			return m, err
		}
		if len(ds) == 0 {
			m.exception, m.args = app.ExcUnknownPerson, map[string]string{"value": v.PersonalID}
			return m, nil
		}
		m.pid = ds[len(ds)-1].PersonalID
	}
	p, known, err := tx.Participant(m.pid)
	if err != nil {
		return m, err
	}
	m.participant, m.known = p, known
	// The registration that waits for its first payment, if any.
	ds, err := tx.ByPersonalID(m.pid)
	if err != nil {
		return m, err
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if !ds[i].State.Closed() || (!known && ds[i].State == app.StateDone) {
			d, ok, err := tx.Dossier(ds[i].Code)
			if err != nil {
				return m, err
			}
			if ok && !d.Has(app.ActPayment) {
				m.dossier = &d
				break
			}
		}
	}
	if !known && m.dossier == nil {
		m.exception, m.args = app.ExcUnknownPerson, map[string]string{"value": app.PersonalID(m.pid).Masked()}
		return m, nil
	}
	name, basis, err := s.basis(m)
	if err != nil {
		m.exception, m.args = app.ExcNoQuote, map[string]string{"month": v.FromMonth.String()}
		return m, nil
	}
	if app.FoldKey(name) != app.FoldKey(v.FullName) {
		m.exception, m.args = app.ExcNameMismatch, map[string]string{"name": v.FullName, "registered": name}
		return m, nil
	}
	// A person who left with a refund pays again only after registering again.
	if e := p.Exit(); m.dossier == nil && e != nil {
		m.exception, m.args = app.CodeVoucherPersonLeft, map[string]string{"reason": e.Reason, "from": e.From.VNString()}
		return m, nil
	}
	period := app.Period{From: v.FromMonth, To: v.ToMonth()}
	for _, pe := range p.Effective() { // months refunded may be paid again
		if pe.Overlaps(period) {
			m.exception, m.args = app.ExcOverlap, map[string]string{"from": pe.From.String(), "to": pe.To.String()}
			return m, nil
		}
	}
	qm := v.FromMonth
	if basis.Method.Kind == app.Missing {
		qm = app.MonthOfDate(v.PaidOn)
	}
	q, err := s.Ref.Get().Rules.Quote(app.QuoteRequest{Income: basis.Income, Method: basis.Method, Groups: basis.Groups, Month: qm,
		Province: basis.Province, LocalGroups: basis.Local, SupportMonthsUsed: p.SupportMonthsLeftUsed(), Paid: v.PaidOn})
	var qe *app.Error
	if errors.As(err, &qe) && qe.Code == app.CodeIncomeBelowFloor {
		m.exception, m.args = app.ExcIncomeBelowFloor, map[string]string{
			"month":  qm.VNString(),
			"income": basis.Income.String(),
			"min":    qe.Args["min"],
		}
		return m, nil
	}
	if err != nil {
		m.exception, m.args = app.ExcNoQuote, map[string]string{"month": qm.String()}
		return m, nil
	}
	m.quote = q
	paid := v.Amount + v.OtherSupport // the participant's and an organisation's or a person's (hỗ trợ khác)
	switch {
	case v.Months != q.Months:
		m.exception, m.args = app.ExcMonths, map[string]string{
			"months":   strconv.Itoa(v.Months),
			"expected": strconv.Itoa(q.Months),
			"method":   q.Method,
		}
	case paid < q.Payable:
		m.exception, m.args = app.ExcUnderpaid, map[string]string{"paid": paid.String(), "due": q.Payable.String()}
	case paid > q.Payable:
		m.exception, m.args = app.ExcOverpaid, map[string]string{"paid": paid.String(), "due": q.Payable.String()}
	case basis.Method.Kind != app.Ahead && basis.Method.Kind != app.Missing && v.PaidOn > q.Deadline:
		m.exception, m.args = ExcLate, map[string]string{"paid_on": v.PaidOn.VNString(), "deadline": q.Deadline.VNString()}
	}
	return m, nil
}

// basis is what a voucher is checked against: the registered income, method and groups.
type basis struct {
	Income   app.Money
	Method   app.Method
	Groups   []app.SupportGroup
	Local    []string // the province's own groups
	Province string
}

func (s *Service) basis(m match) (string, basis, error) {
	var b basis
	var err error
	name, income, method, group, ethnicity := "", "", "", "", ""
	if m.dossier == nil {
		p := m.participant
		name, method, group, ethnicity, b.Province = p.FullName, p.Method, p.SupportGroup, p.Ethnicity, p.Address.Province
		b.Income, b.Local = p.Income, p.LocalGroups
	} else {
		f := m.dossier.Form
		name, income, method, group = f.FullName, string(f.Income), f.Method, f.SupportGroup
		ethnicity, b.Province = f.Ethnicity, f.Address.Province
		b.Local = f.LocalGroups
		if b.Income, err = app.ParseMoney(income); err != nil {
			return name, b, err
		}
	}
	if b.Method, err = app.ParseMethod(method); err != nil {
		return name, b, err
	}
	g := app.Other
	if group != "" {
		if g, err = app.ParseSupportGroup(group); err != nil {
			return name, b, err
		}
	}
	b.Groups = app.Registration{SupportGroup: g, Ethnicity: ethnicity}.SupportGroups()
	return name, b, nil
}

// credit records the matched voucher: the participant (made from the registration the first
// time), the period, the book cover for a first-time participant, and the dossier's payment.
func (s *Service) credit(tx Tx, v app.Voucher, st *app.VoucherState, m match, now time.Time, res *ImportResult) error {
	p := m.participant
	if m.dossier != nil {
		// The registration's data is the newest: a returning participant may have chosen
		// another income or method.
		f := m.dossier.Form
		income, _ := app.ParseMoney(string(f.Income))
		fresh := app.Participant{PersonalID: f.PersonalID, OldSICode: f.OldSICode, FullName: f.FullName, Gender: f.Gender, BirthDate: f.BirthDate,
			Nationality: f.Nationality, Ethnicity: f.Ethnicity, Phone: f.Phone, BirthRegistration: f.BirthRegistration, Address: f.Address,
			Income: income, Method: f.Method, SupportGroup: f.SupportGroup, LocalGroups: f.LocalGroups, Dossier: m.dossier.Code,
			HasBook: f.OldSICode != "", Created: now, TermsAt: m.dossier.Received}
		if m.known {
			// The person's history stays: the decisions (a refund, a change) and the national
			// records; the registration's terms are newer than any change before it.
			fresh.Periods, fresh.Created, fresh.Version = p.Periods, p.Created, p.Version
			fresh.Events, fresh.History = p.Events, p.History
			fresh.HasBook = fresh.HasBook || p.HasBook
		}
		p = fresh
	}
	q := m.quote
	pe := app.Period{From: v.FromMonth, To: v.ToMonth(), Method: q.Method, Income: q.Income, Rate: s.rate(q), Gross: q.Gross,
		StateSupport: q.StateSupport, LocalSupport: q.LocalSupport, Discount: q.Discount, Interest: q.Interest, Paid: v.Amount,
		OtherSupport:  v.OtherSupport,
		SupportMonths: q.SupportMonths, FundRate: q.FundRate, Voucher: v.ID, ReceiptNo: v.ReceiptNo, PaidOn: v.PaidOn, Recorded: now}
	p.Periods = append(p.Periods, pe)
	p.Version++
	if err := tx.PutParticipant(p); err != nil {
		return err
	}
	st.Period = len(p.Periods)
	if err := app.Enqueue(tx, contract.OpPeriodAdd, p.PersonalID, p.Version-1, app.PeriodPayload.To(pe), now); err != nil {
		return err
	}
	if !p.HasBook {
		if _, exists, err := tx.Cover(p.PersonalID); err != nil {
			return err
		} else if !exists {
			c := app.BookCover{BookNo: p.PersonalID, PersonalID: p.PersonalID, FullName: p.FullName, BirthDate: p.BirthDate, Gender: p.Gender,
				Nationality: p.Nationality, Ethnicity: p.Ethnicity, BirthRegistration: p.BirthRegistration, Dossier: p.Dossier,
				Voucher: v.ID, Status: app.CoverCreated, Created: now, Version: 1}
			if o, ok, err := tx.Office(); err != nil {
				return err
			} else if ok {
				c.Office = o.Agency
			}
			if err := tx.PutCover(&c, nil); err != nil {
				return err
			}
			if err := app.Enqueue(tx, contract.OpCoverCreate, c.PersonalID, 0, app.CoverPayload.To(c), now); err != nil {
				return err
			}
			res.Covers = append(res.Covers, c.PersonalID)
		}
	}
	if m.dossier != nil {
		st.Dossier = m.dossier.Code
		ev := app.Event{At: app.Stamp(now), User: v.By, Action: app.ActPayment, Reason: "receipt_no=" + v.ReceiptNo}
		return s.dossierEvent(tx, m.dossier, ev, app.CompletesPayment, now)
	}
	return nil
}

// rate is the contribution rate behind a quote (22 %).
func (s *Service) rate(q app.Quote) app.Rate {
	if q.Income == 0 {
		return 0
	}
	return app.Rate(int64(q.MonthlyGross) * 10000 / int64(q.Income))
}

// dossierEvent records an event from the records side (payment matched, cover issued) on a
// dossier's timeline; if the dossier waits at the step that this completes, it moves on,
// skipping steps already complete.
func (s *Service) dossierEvent(tx Tx, d *app.Dossier, ev app.Event, completes string, now time.Time) error {
	prev := *d
	next := *d
	// The event goes on the timeline before the step moves: it is what completes the step.
	next.Timeline = append(append([]app.Event(nil), d.Timeline...), ev)
	ev.FromStep = next.Step
	if next.State == app.StateOpen {
		if i := next.StepIndex(); i >= 0 && next.Steps[i].Completes == completes {
			act := ev.Action
			cal := s.Ref.Get().Calendars.For(officeProvince(tx))
			if err := app.Advance(&next, &ev, cal, now); err != nil {
				return err
			}
			if ev.Action != app.ActComplete {
				ev.Action = act
			}
		} else {
			ev.ToStep = next.Step
		}
	}
	next.Timeline = next.Timeline[:len(d.Timeline)] // app.SaveEvent adds it with the steps it moved
	if err := app.SaveEvent(tx, &next, &prev, ev, now); err != nil {
		return err
	}
	*d = next
	return nil
}

func officeProvince(tx Tx) string {
	if o, ok, err := tx.Office(); err == nil && ok {
		return o.Province
	}
	return ""
}
