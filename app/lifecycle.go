package app

import (
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app/calendar"
)

// LifeEventKind is what happened to a participant after registration.
type LifeEventKind string

// The kinds of life events an office records.
const (
	// EventChange: a new income or method (đăng ký lại / điều chỉnh mức thu nhập, phương thức
	// đóng on TK1-TS), allowed only once the current paid period has ended (Decree 159/2025 art.
	// 6 khoản 3; DOMAIN §3).
	EventChange LifeEventKind = "change"
	// EventStop: the participant stops taking part from a month (dừng đóng), with nothing
	// paid for that month or later.
	EventStop LifeEventKind = "stop"
	// EventRefund: the participant leaves the scheme (moved to compulsory insurance, lump-sum
	// withdrawal, death, pension) with months paid ahead that are refunded (hoàn trả, Decree
	// 159/2025 art. 8).
	EventRefund LifeEventKind = "refund"
	// EventEvidence: the evidence of a support group (giấy tờ chứng minh đối tượng hỗ trợ): the
	// commune's poor or near-poor list of a year, or what the province's own group needs. Lists
	// are made for a year; from 2027 the lists under Decree 351/2025 replace the 2026 ones.
	EventEvidence LifeEventKind = "evidence"
)

// The reasons of a stop or a refund.
const (
	ReasonOwn        = "own"        // the participant's own decision (stop only)
	ReasonCompulsory = "compulsory" // chuyển sang tham gia BHXH bắt buộc
	ReasonLumpSum    = "lump_sum"   // hưởng BHXH một lần
	ReasonDeath      = "death"      // chết hoặc bị Tòa án tuyên bố là đã chết
	ReasonPension    = "pension"    // đủ điều kiện hưởng lương hưu
)

// RefundReasons are the reasons Decree 159/2025 art. 8 khoản 1 refunds months paid ahead for.
var RefundReasons = []string{ReasonCompulsory, ReasonLumpSum, ReasonDeath, ReasonPension}

// LifeEvent is a decision an office recorded on a participant (biến động): a change of income
// or method, a stop, or a refund with its calculation. Events are never edited; they are the
// participant's history after registration and travel to the centre (OpParticipantEvent).
type LifeEvent struct {
	ID     string        `json:"id"`
	Kind   LifeEventKind `json:"kind"`
	From   Month         `json:"from"` // the first month under the new terms, not taken part, or refunded
	Income Money         `json:"income,omitempty"`
	Method string        `json:"method,omitempty"`
	Reason string        `json:"reason,omitempty"`
	Note   string        `json:"note,omitempty"`
	// Year and Reference are the evidence of a support group (EventEvidence): the list's year
	// and the commune's decision that made it; Reason names the group.
	Year      int       `json:"year,omitempty"`
	Reference string    `json:"reference,omitempty"`
	Refund    *Refund   `json:"refund,omitempty"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	Office    string    `json:"office,omitempty"`
}

// RefundLine is the refund of one period: the months of it refunded and the money.
type RefundLine struct {
	Voucher   string `json:"voucher"`
	ReceiptNo string `json:"receipt_no"`
	Method    string `json:"method"`
	From      Month  `json:"from"` // first month refunded
	To        Month  `json:"to"`   // last month refunded (the period's last)
	Months    int    `json:"months"`
	// SupportMonths are the refunded months that carried state support: a period's support is
	// on its first months (the 120-month cap may end it inside the period), so the refunded
	// months, its last ones, carry support only where the cap had not run out.
	SupportMonths int `json:"support_months"`
	// Contribution is what the refunded months cost before support: months × 22 % × income,
	// or for a payment ahead the discounted value of those months (Decree 159 art. 8 khoản 2).
	Contribution Money  `json:"contribution"`
	StateSupport Money  `json:"state_support"` // the state's support those months carried
	LocalSupport Money  `json:"local_support"` // the province's support those months carried
	Amount       Money  `json:"amount"`        // refunded to the person: contribution − support
	FundRate     string `json:"fund_rate,omitempty"`
}

// Refund is the calculation of a refund (hoàn trả): one line per period with months refunded.
type Refund struct {
	Reason        string       `json:"reason"`
	From          Month        `json:"from"`
	Lines         []RefundLine `json:"lines"`
	Months        int          `json:"months"`
	SupportMonths int          `json:"support_months"` // given back: they no longer count towards the 120
	Contribution  Money        `json:"contribution"`
	StateSupport  Money        `json:"state_support"`
	LocalSupport  Money        `json:"local_support"`
	Amount        Money        `json:"amount"`
	// Warnings: "local_support_prorated" when the province's support of a period could not be
	// placed month by month under today's rules and was shared out evenly.
	Warnings []string `json:"warnings,omitempty"`
}

// lifeErr is an Invalid error of the life-event rules on a field.
func lifeErr(field, code string, args ...string) *Error {
	e := Errorf(Invalid, code, args...)
	e.Field = field
	return e
}

// LastPaid is the last month the person's regular or ahead payments cover (missing-time
// payments are for the past and do not count); 0 when none.
func (p *Participant) LastPaid() Month {
	var last Month
	for _, pe := range p.Effective() {
		if m, _ := ParseMethod(pe.Method); m.Kind != Missing && pe.To > last {
			last = pe.To
		}
	}
	return last
}

// Exit is the refund event that ended the person's participation, if any: the last refund,
// unless a payment recorded after it pays for a month it did not refund (the person registered
// again and took part again).
func (p *Participant) Exit() *LifeEvent {
	var last *LifeEvent
	for i := range p.Events {
		if p.Events[i].Kind == EventRefund {
			last = &p.Events[i]
		}
	}
	if last == nil {
		return nil
	}
	for _, pe := range p.Effective() {
		if pe.To >= last.From && !pe.Recorded.IsZero() && pe.Recorded.After(last.At) {
			return nil
		}
	}
	return last
}

// refundedFrom is the first month of a period given back by a refund (0: none).
func (p *Participant) refundedFrom(pe Period) Month {
	var from Month
	for _, e := range p.Events {
		if e.Kind != EventRefund || e.Refund == nil {
			continue
		}
		for _, l := range e.Refund.Lines {
			if l.Voucher == pe.Voucher && l.Voucher != "" && (from == 0 || l.From < from) {
				from = l.From
			}
		}
	}
	return from
}

// Effective are the person's periods as they stand: a period part of which was refunded ends
// the month before its refund; a period refunded whole is left out. The months refunded are
// not taken part in: they count for nothing and another payment may cover them.
func (p *Participant) Effective() []Period {
	if !p.hasRefund() {
		return p.Periods
	}
	out := make([]Period, 0, len(p.Periods))
	for _, pe := range p.Periods {
		if from := p.refundedFrom(pe); from != 0 {
			if from <= pe.From {
				continue
			}
			pe.To = from - 1
		}
		out = append(out, pe)
	}
	return out
}

func (p *Participant) hasRefund() bool {
	for _, e := range p.Events {
		if e.Kind == EventRefund {
			return true
		}
	}
	return false
}

// Refunded is the months and state-support months given back by refunds.
func (p *Participant) Refunded() (months, supportMonths int) {
	for _, e := range p.Events {
		if e.Kind == EventRefund && e.Refund != nil {
			months += e.Refund.Months
			supportMonths += e.Refund.SupportMonths
		}
	}
	return months, supportMonths
}

// Standing is where a participant stands on a day (tình trạng tham gia).
type Standing struct {
	State    string        `json:"state"`              // one of the Standing* codes
	PaidTo   Month         `json:"paid_to,omitempty"`  // last month paid
	Next     Month         `json:"next,omitempty"`     // next month to pay
	Deadline calendar.Date `json:"deadline,omitempty"` // last day to pay it
	Since    Month         `json:"since,omitempty"`    // stopped or left from
	Reason   string        `json:"reason,omitempty"`   // stop or refund reason
	Evidence string        `json:"evidence,omitempty"` // a lapsed support list: "support_evidence_lapsed"
}

// The states of a participant.
const (
	StandingRegistered = "registered" // registered, nothing paid yet
	StandingActive     = "active"     // paid for this month
	StandingDue        = "due"        // the next period is due and its deadline has not passed
	StandingSuspended  = "suspended"  // the deadline passed unpaid: must register again (DOMAIN §3)
	StandingStopped    = "stopped"    // stopped by decision
	StandingLeft       = "left"       // left the scheme with a refund (death, compulsory, …)
)

// StandingOn is the participant's state on day: active while a paid period covers the month;
// then due until the next period's last day to pay under the registered method; then
// suspended. A stop or a refund recorded later than the last payment decides instead.
func (p *Participant) StandingOn(day calendar.Date) Standing {
	s := Standing{PaidTo: p.LastPaid()}
	if e := p.Exit(); e != nil && MonthOfDate(day) >= e.From {
		s.State, s.Since, s.Reason = StandingLeft, e.From, e.Reason
		return s
	}
	for i := len(p.Events) - 1; i >= 0; i-- {
		if e := p.Events[i]; e.Kind == EventStop && e.From > s.PaidTo {
			s.State, s.Since, s.Reason = StandingStopped, e.From, e.Reason
			return s
		}
	}
	if s.PaidTo == 0 {
		s.State = StandingRegistered
		return s
	}
	now := MonthOfDate(day)
	if s.PaidTo >= now {
		s.State = StandingActive
		return s
	}
	s.Next = s.PaidTo.Add(1)
	m, err := ParseMethod(p.Method)
	if err != nil || m.Kind == Ahead || m.Kind == Missing {
		m = Method{Monthly, 1}
	}
	s.Deadline = Deadline(m, s.Next)
	s.State = StandingDue
	if day > s.Deadline {
		s.State = StandingSuspended
	}
	return s
}

// ChangeRequest is a change of income or method (điều chỉnh) asked for from a month.
type ChangeRequest struct {
	Income Money
	Method Method
	From   Month
	Today  calendar.Date
}

// CheckChange says whether p may change to req and quotes the first payment under the new
// terms. A change is allowed only once the current paid period has ended (Decree 159/2025
// art. 6 khoản 3; Decree 134/2015 art. 9 khoản 2): From must come after the last month paid and
// not before this month. A person who left the scheme registers again instead.
func (r *Rules) CheckChange(p *Participant, req ChangeRequest) (Quote, error) {
	if e := p.Exit(); e != nil {
		return Quote{}, lifeErr("personal_id", CodeLifeLeft, "reason", e.Reason, "from", e.From.VNString())
	}
	last, now := p.LastPaid(), MonthOfDate(req.Today)
	if last != 0 && req.From <= last {
		return Quote{}, lifeErr("from", CodeChangeMidPeriod, "to", last.VNString(), "next", last.Add(1).VNString())
	}
	if req.From < now {
		return Quote{}, lifeErr("from", CodeChangePast, "month", now.VNString())
	}
	// The new terms start with the next period to pay: the record takes them at once, so every
	// voucher after is matched against them — a later month would leave months between.
	if next := max(last.Add(1), now); last != 0 && req.From != next {
		return Quote{}, lifeErr("from", CodeChangeNotNext, "next", next.VNString())
	}
	if req.Method.Kind == Missing {
		return Quote{}, lifeErr("method", CodeChangeMissing)
	}
	if req.Income == p.Income && req.Method.String() == p.Method {
		return Quote{}, lifeErr("income", CodeChangeNothing)
	}
	// Quoted as paid today (an ahead payment is discounted at the rate of the year before the
	// payment), as the voucher will be matched by the day it is paid.
	q, err := r.Quote(QuoteRequest{Income: req.Income, Method: req.Method, Groups: p.Groups(), Month: req.From,
		Province: p.Address.Province, LocalGroups: p.LocalGroups, SupportMonthsUsed: p.SupportMonthsLeftUsed(), Paid: req.Today})
	var e *Error
	if errors.As(err, &e) && e.Field == "start_month" {
		e.Field = "from"
	}
	return q, err
}

// Groups are the state support groups the person belongs to.
func (p *Participant) Groups() []SupportGroup {
	g := Other
	if p.SupportGroup != "" {
		if pg, err := ParseSupportGroup(p.SupportGroup); err == nil {
			g = pg
		}
	}
	return Registration{SupportGroup: g, Ethnicity: p.Ethnicity}.SupportGroups()
}

// SupportMonthsLeftUsed is the months of state support that count towards the lifetime cap:
// those of the periods, less those a refund gave back.
func (p *Participant) SupportMonthsLeftUsed() int {
	_, back := p.Refunded()
	return max(0, p.SupportMonths()-back)
}

// CheckStop says whether p may stop taking part from a month: nothing may be paid for that
// month or later (months paid ahead are refunded instead, for the reasons a refund has).
func CheckStop(p *Participant, from Month, reason string, today calendar.Date) error {
	if e := p.Exit(); e != nil {
		return lifeErr("personal_id", CodeLifeLeft, "reason", e.Reason, "from", e.From.VNString())
	}
	if reason != ReasonOwn && !slices.Contains(RefundReasons, reason) {
		return lifeErr("reason", CodeLifeBadReason, "value", truncate(reason, 30))
	}
	if last := p.LastPaid(); from <= last {
		return lifeErr("from", CodeStopPaidMonths, "to", last.VNString(), "next", last.Add(1).VNString())
	}
	// A stop is decided for the next period to pay (or one already missed), not years ahead.
	if next := max(p.LastPaid().Add(1), MonthOfDate(today)); from > next {
		return lifeErr("from", CodeStopTooLate, "next", next.VNString())
	}
	return nil
}

// RefundOf computes the refund of the months from `from` on (Decree 159/2025 art. 8): each
// period paid for 3, 6 or 12 months or ahead with months from `from` on gives back what those
// months cost, less the state's and the province's support they carried.
//   - Regular methods (khoản 2 điểm a): months × 22 % × income − the support of those months.
//   - Ahead (khoản 2 điểm b): the discounted value of the refunded months — the terms i = u+1..N
//     of P = Σ 0.22·TN/(1+r)^(i−1), at the rate the payment used — less their support.
//
// The support is that of the refunded months: a period's state support is on its first
// SupportMonths months, so where the 120-month cap ended it inside the period, the refunded
// last months may carry none. Missing-time payments are for the past and are not refunded.
func (r *Rules) RefundOf(p *Participant, reason string, from Month) (Refund, error) {
	out := Refund{Reason: reason, From: from}
	if !slices.Contains(RefundReasons, reason) {
		return out, lifeErr("reason", CodeLifeBadReason, "value", truncate(reason, 30))
	}
	if e := p.Exit(); e != nil {
		return out, lifeErr("personal_id", CodeLifeLeft, "reason", e.Reason, "from", e.From.VNString())
	}
	for _, pe := range p.Periods {
		// Decree 159/2025 art. 8: what was paid for 3, 6 or 12 months at once, or ahead; a month
		// paid monthly and missing time are not refunded.
		m, err := ParseMethod(pe.Method)
		if err != nil || m.Kind == Missing || m.Kind == Monthly || pe.To < from || p.refundedFrom(pe) != 0 {
			continue
		}
		line, warn, err := r.refundLine(p, pe, m, max(from, pe.From))
		if err != nil {
			return out, err
		}
		if warn != "" && !slices.Contains(out.Warnings, warn) {
			out.Warnings = append(out.Warnings, warn)
		}
		out.Lines = append(out.Lines, line)
		out.Months += line.Months
		out.SupportMonths += line.SupportMonths
		out.Contribution += line.Contribution
		out.StateSupport += line.StateSupport
		out.LocalSupport += line.LocalSupport
		out.Amount += line.Amount
	}
	if len(out.Lines) == 0 {
		return out, lifeErr("from", CodeRefundNothing, "month", from.VNString(), "to", p.LastPaid().VNString())
	}
	return out, nil
}

func (r *Rules) refundLine(p *Participant, pe Period, m Method, from Month) (RefundLine, string, error) {
	months := pe.Months()
	used := int(from - pe.From)
	n := months - used
	l := RefundLine{Voucher: pe.Voucher, ReceiptNo: pe.ReceiptNo, Method: pe.Method, From: from, To: pe.To, Months: n}
	l.SupportMonths = min(n, max(0, pe.SupportMonths-used))
	if months <= 0 || pe.Gross%Money(months) != 0 {
		return l, "", lifeErr("personal_id", CodeRefundBadPeriod, "from", pe.From.VNString(), "to", pe.To.VNString())
	}
	gross := pe.Gross / Money(months)
	if m.Kind == Ahead {
		// The rate the payment used: recorded on the period; for a period recorded before the
		// rate was kept, the table's, which must give the discount the period recorded.
		rat, rate, ok := periodRate(pe.FundRate)
		if !ok {
			fr, found := r.FundRates[pe.PaidOn.Year()-1]
			if !found || fr.rat == nil {
				return l, "", &Error{Kind: Unavailable, Code: CodeFundRateMissing, Field: "from",
					Args: map[string]string{"year": strconv.Itoa(pe.PaidOn.Year() - 1)}}
			}
			rat, rate = fr.rat, fr.Rate()
		}
		if presentValue(gross, rat, months) != pe.Gross-pe.Discount {
			return l, "", lifeErr("from", CodeRefundRateChanged, "year", strconv.Itoa(pe.PaidOn.Year()-1), "receipt", pe.ReceiptNo)
		}
		l.FundRate = rate
		l.Contribution = discountedTerms(gross, rat, used+1, months)
		if pe.SupportMonths > 0 {
			ms := pe.StateSupport / Money(pe.SupportMonths)
			if pe.StateSupport%Money(pe.SupportMonths) == 0 {
				l.StateSupport = ms * Money(l.SupportMonths)
			} else {
				// Support subtracted discounted (MethodCaps.AheadSupport = "discounted"): find the
				// monthly support whose discounted sum the period recorded.
				for c := ms - 1; c <= ms+1; c++ {
					if presentValue(c, rat, pe.SupportMonths) == pe.StateSupport {
						l.StateSupport = discountedTerms(c, rat, used+1, pe.SupportMonths)
						break
					}
				}
			}
		}
	} else {
		l.Contribution = gross * Money(n)
		if pe.SupportMonths > 0 {
			l.StateSupport = pe.StateSupport / Money(pe.SupportMonths) * Money(l.SupportMonths)
		}
	}
	var warn string
	l.LocalSupport, warn = r.localOfMonths(p, pe, from)
	l.Amount = max(0, l.Contribution-l.StateSupport-l.LocalSupport)
	return l, warn, nil
}

// localOfMonths is the province's support carried by the months from `from` to the period's
// end. A resolution pays month by month (it may start or end inside a period) on the support
// base of the payment's first month, so the months are placed by quoting the period again as
// it was quoted (the whole period, and its months before `from`); if that no longer gives the
// period's recorded total (a resolution was changed since), the total is shared out evenly and
// the refund says so.
func (r *Rules) localOfMonths(p *Participant, pe Period, from Month) (Money, string) {
	if pe.LocalSupport == 0 {
		return 0, ""
	}
	local := func(months int) (Money, error) {
		if months == 0 {
			return 0, nil
		}
		q, err := r.Quote(QuoteRequest{Income: pe.Income, Method: Method{Monthly, months}, Groups: p.Groups(), Province: p.Address.Province,
			LocalGroups: p.LocalGroups, Month: pe.From})
		return q.LocalSupport, err
	}
	full, err1 := local(pe.Months())
	head, err2 := local(int(from - pe.From))
	if err1 == nil && err2 == nil && full == pe.LocalSupport {
		return full - head, ""
	}
	n := big.NewInt(int64(pe.LocalSupport) * int64(pe.To-from+1))
	return divHalfUp(n, big.NewInt(int64(pe.Months()))), "local_support_prorated"
}

// periodRate reads the fund rate a period recorded ("0.0031", or a yearly rate over 12,
// "0.0436/12").
func periodRate(s string) (*big.Rat, string, bool) {
	if s == "" {
		return nil, "", false
	}
	yearly, twelfth := strings.CutSuffix(s, "/12")
	r, ok := decimalRat(yearly)
	if !ok {
		return nil, "", false
	}
	if twelfth {
		r.Quo(r, big.NewRat(12, 1))
	}
	return r, s, true
}

// discountedTerms is Σ_{i=from..to} a/(1+r)^(i−1), computed exactly and rounded half up once:
// the terms of the ahead formula for months from..to of a payment.
func discountedTerms(a Money, r *big.Rat, from, to int) Money {
	if to < from {
		return 0
	}
	one := new(big.Rat).Add(big.NewRat(1, 1), r)
	f := new(big.Rat).Inv(one)
	pw := big.NewRat(1, 1)
	for i := 1; i < from; i++ {
		pw.Mul(pw, f)
	}
	sum := new(big.Rat)
	for i := from; i <= to; i++ {
		sum.Add(sum, pw)
		pw.Mul(pw, f)
	}
	sum.Mul(sum, new(big.Rat).SetInt64(int64(a)))
	return divHalfUp(sum.Num(), sum.Denom())
}

// ApplyEvent adds a decision to the person (once: an event already held is not added again): a
// change takes the new income and method.
func (p *Participant) ApplyEvent(ev LifeEvent) bool {
	for _, e := range p.Events {
		if e.ID == ev.ID {
			return false
		}
	}
	p.Events = append(p.Events, ev)
	slices.SortStableFunc(p.Events, func(a, b LifeEvent) int { return a.At.Compare(b.At) })
	// The newest change decides, whatever order events arrive in — unless a registration chose
	// the terms after it (TermsAt).
	for _, e := range p.Events {
		if e.Kind == EventChange && e.Income > 0 && !e.At.Before(p.TermsAt) {
			p.Income, p.Method, p.TermsAt = e.Income, e.Method, e.At
		}
	}
	return true
}
