package app

import (
	"math/big"
	"strconv"
	"strings"

	"bhxhdesk/app/calendar"
)

// MethodKind is a payment method (phương thức đóng), field [16].
type MethodKind string

// The payment methods of Decree 134/2015 art. 9 and Decree 159/2025.
const (
	Monthly MethodKind = "monthly"   // hằng tháng
	Quarter MethodKind = "3-months"  // 3 tháng một lần
	Half    MethodKind = "6-months"  // 6 tháng một lần
	Yearly  MethodKind = "12-months" // 12 tháng một lần
	Ahead   MethodKind = "ahead"     // một lần cho nhiều năm về sau
	Missing MethodKind = "missing"   // một lần cho thời gian còn thiếu
)

// Method is a payment method with its number of months.
type Method struct {
	Kind   MethodKind
	Months int
}

// ParseMethod accepts monthly | 3-months | 6-months | 12-months | ahead:N | missing:N. Caps on N
// are rules (MethodCaps) and are checked where the month is known.
func ParseMethod(s string) (Method, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch MethodKind(t) {
	case Monthly:
		return Method{Monthly, 1}, nil
	case Quarter:
		return Method{Quarter, 3}, nil
	case Half:
		return Method{Half, 6}, nil
	case Yearly:
		return Method{Yearly, 12}, nil
	}
	k, n, ok := strings.Cut(t, ":")
	if ok && (MethodKind(k) == Ahead || MethodKind(k) == Missing) && AllDigits(n) && len(n) <= 4 {
		months, _ := strconv.Atoi(n)
		if months >= 1 {
			return Method{MethodKind(k), months}, nil
		}
	}
	return Method{}, Errorf(Invalid, CodeMethodInvalid, "value", s)
}

func (m Method) String() string {
	if m.Kind == Ahead || m.Kind == Missing {
		return string(m.Kind) + ":" + strconv.Itoa(m.Months)
	}
	return string(m.Kind)
}

// QuoteRequest is what the calculator needs for one payment.
type QuoteRequest struct {
	Income Money  // mức thu nhập lựa chọn (TN), field [15]
	Method Method // field [16]
	// Groups the person belongs to; the highest share wins. Empty means Other.
	Groups []SupportGroup
	// Month is the first month the payment covers (for ahead/missing: the payment month).
	Month Month
	// Province is the current 2-digit province code, for local support; "" for none.
	Province string
	// LocalGroups are the province's own support groups the person belongs to (LocalGroup.ID).
	LocalGroups []string
	// SupportMonthsUsed is how many months of state support the person already had.
	SupportMonthsUsed int
	// Paid is the day the payment is made. An ahead or missing-time payment is discounted or
	// compounded at the fund's rate of the year before the year of payment (Decree 159/2025
	// art. 6, 7); zero means the first day of Month.
	Paid calendar.Date
}

// paidYear is the year the payment is made.
func (q QuoteRequest) paidYear() int {
	if q.Paid != 0 {
		return q.Paid.Year()
	}
	return q.Month.Year()
}

// Quote is the amount a citizen pays for one payment under the rules in force.
type Quote struct {
	Method         string        `json:"method"`
	Months         int           `json:"months"`
	FromMonth      Month         `json:"from_month"`
	ToMonth        Month         `json:"to_month"`
	Income         Money         `json:"income"`
	MonthlyGross   Money         `json:"monthly_gross"`         // 22% × TN
	Gross          Money         `json:"gross"`                 // months × monthly gross
	Group          SupportGroup  `json:"group"`                 // the group whose state support applied
	LocalGroup     SupportGroup  `json:"local_group,omitempty"` // the group whose local support applied
	SupportShare   Rate          `json:"support_share"`         // basis points of 22% × CN
	SupportMonths  int           `json:"support_months"`        // months that carried support
	MonthlySupport Money         `json:"monthly_support"`       // k × 22% × CN
	StateSupport   Money         `json:"state_support"`
	LocalSupport   Money         `json:"local_support"`
	Discount       Money         `json:"discount"` // ahead: gross − discounted value
	Interest       Money         `json:"interest"` // missing time: compounded value − gross
	Payable        Money         `json:"payable"`
	Deadline       calendar.Date `json:"deadline"` // last day to pay
	PovertyLine    Money         `json:"poverty_line"`
	Floor          Money         `json:"floor"`
	Ceiling        Money         `json:"ceiling"`
	FundRate       string        `json:"fund_rate,omitempty"`
	Rules          []Version     `json:"rules"`
	// Warnings are codes of the rule entries behind the quote that are not confirmed:
	// "rule_reported:<table>" (applied, not confirmed) and "rule_pending:<table>:<YYYY-MM>" (a
	// proposed entry from that month was not applied: the amount may change when it is).
	Warnings []string `json:"warnings"`
}

// Quote computes one payment (DOMAIN §3). Amounts are integer đồng; a formula that divides
// (shares, the discount and compounding formulas) is computed exactly and rounded half up once.
// It returns an Invalid error when the income or method breaks a rule and Unavailable when a
// rule table has no entry for the month.
func (r *Rules) Quote(q QuoteRequest) (Quote, error) {
	m := q.Month
	pl, ok1 := r.PovertyLine.At(m)
	ref, ok2 := r.ReferenceLevel.At(m)
	con, ok3 := r.Contribution.At(m)
	share, ok4 := r.SupportShare.At(m)
	caps, ok5 := r.Caps.At(m)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return Quote{}, &Error{Kind: Unavailable, Code: CodeRulesMissing, Field: "start_month", Args: map[string]string{"month": m.String()}}
	}
	out := Quote{Method: q.Method.String(), Months: q.Method.Months, FromMonth: m, Income: q.Income, PovertyLine: pl.Value, Floor: pl.Value,
		Ceiling: Money(con.Value.CeilingMultiplier) * ref.Value, Warnings: []string{}}
	out.ToMonth = m.Add(out.Months - 1)
	if q.Method.Kind == Missing {
		out.ToMonth = m // a one-off payment for past shortfall, not future months
	}
	used := func(table string, from Month, source string, status Status) {
		out.Rules = append(out.Rules, Version{table, from, source, status})
		if status == Reported {
			out.Warnings = append(out.Warnings, "rule_reported:"+table)
		}
	}
	pending := func(table string, from Month, ok bool) {
		if ok {
			out.Warnings = append(out.Warnings, "rule_pending:"+table+":"+from.String())
		}
	}
	used(r.PovertyLine.Name, pl.From, pl.Source, pl.Status)
	used(r.ReferenceLevel.Name, ref.From, ref.Source, ref.Status)
	used(r.Contribution.Name, con.From, con.Source, con.Status)
	used(r.SupportShare.Name, share.From, share.Source, share.Status)
	if q.Method.Kind == Ahead || q.Method.Kind == Missing || q.SupportMonthsUsed > 0 {
		used(r.Caps.Name, caps.From, caps.Source, caps.Status)
	}
	// A proposed entry that would be in force is never applied, and never silently skipped.
	for _, p := range []pendingEntry{pendingIn(&r.PovertyLine, m), pendingIn(&r.ReferenceLevel, m), pendingIn(&r.Contribution, m),
		pendingIn(&r.SupportShare, m), pendingIn(&r.Caps, m)} {
		pending(p.table, p.from, p.ok)
	}

	if err := checkIncome(q.Income, out.Floor, out.Ceiling, con.Value.IncomeStep); err != nil {
		return Quote{}, err
	}
	switch q.Method.Kind {
	case Ahead:
		if e := caps.Value.AheadError(q.Method.Months); e != nil {
			return Quote{}, e
		}
	case Missing:
		if q.Method.Months > caps.Value.MissingMax {
			return Quote{}, &Error{
				Kind:  Invalid,
				Code:  CodeMethodMissingRange,
				Field: "method",
				Args:  map[string]string{"max": strconv.Itoa(caps.Value.MissingMax)},
			}
		}
	case Monthly, Quarter, Half, Yearly:
	default:
		return Quote{}, &Error{Kind: Invalid, Code: CodeMethodInvalid, Field: "method", Args: map[string]string{"value": q.Method.String()}}
	}

	// Highest applicable group wins (Decree 159/2025; Decree 134/2015 art. 14).
	out.Group = Other
	out.SupportShare = share.Value[Other]
	for _, g := range q.Groups {
		if s := share.Value[g]; s > out.SupportShare || (s == out.SupportShare && out.Group == Other) {
			out.Group, out.SupportShare = g, s
		}
	}
	out.MonthlyGross = con.Value.Rate.Of(q.Income)
	out.Gross = out.MonthlyGross * Money(out.Months)
	// Support is a share of 22% × the rural poverty line, not of the chosen income.
	base := con.Value.Rate.Of(pl.Value)
	out.MonthlySupport = out.SupportShare.Of(base)
	out.SupportMonths = min(out.Months, max(0, caps.Value.SupportMonths-q.SupportMonthsUsed))
	if q.Method.Kind == Missing && !caps.Value.MissingSupport {
		out.SupportMonths = 0
	}
	if out.SupportShare == 0 {
		out.SupportMonths = 0
	}
	// A province's own support is counted on its own: the state's lifetime cap does not limit
	// it, but a method without state support (missing time) carries none either. The highest
	// of the person's groups (the state's and the province's own) applies.
	if locals := r.LocalSupport[q.Province]; len(locals) > 0 && (q.Method.Kind != Missing || caps.Value.MissingSupport) {
		groups := append([]SupportGroup{out.Group, Other}, q.Groups...)
		for _, g := range q.LocalGroups {
			groups = append(groups, SupportGroup(g))
		}
		// Month by month: a resolution pays only for the months it covers, so a period that runs
		// past its end (12 months from 07/2027 under one ending 12/2027) carries it for the
		// months before the end only.
		applied := map[LocalSupport]bool{}
		for i := range out.Months {
			mi := m.Add(i)
			var best LocalSupport
			var bestMonthly Money
			for _, g := range groups {
				ls, ok := localSupportIn(locals, g, mi)
				if !ok {
					if e, ok := localPendingIn(locals, g, mi); ok && i == 0 {
						pending("local_support", e.From, true)
					}
					continue
				}
				monthly := ls.Amount
				if monthly == 0 {
					monthly = ls.Share.Of(base)
				}
				if monthly > bestMonthly {
					best, bestMonthly = ls, monthly
				}
			}
			if bestMonthly == 0 {
				continue
			}
			out.LocalSupport += bestMonthly
			if out.LocalGroup == "" {
				out.LocalGroup = best.Group
			}
			if !applied[best] {
				applied[best] = true
				used("local_support", best.From, best.Source, best.Status)
			}
		}
	}
	out.Warnings = dedupeStrings(out.Warnings)

	var rate *big.Rat
	if q.Method.Kind == Ahead || q.Method.Kind == Missing {
		year := q.paidYear() - 1
		fr, ok := r.FundRates[year]
		if !ok || fr.Status == Proposed {
			return Quote{}, &Error{
				Kind:  Unavailable,
				Code:  CodeFundRateMissing,
				Field: "start_month",
				Args:  map[string]string{"year": strconv.Itoa(year)},
			}
		}
		rate = fr.rat
		out.FundRate = fr.Rate()
		used("fund_rate", MonthOf(fr.Year, 1), fr.Source, fr.Status)
	}
	switch q.Method.Kind {
	case Ahead:
		// Decree 134/2015 art. 9, Circular 01/2016 art. 6: P = Σ_{i=1..N} 0.22·TN / (1+r)^(i−1).
		out.Discount = out.Gross - presentValue(out.MonthlyGross, rate, out.Months)
		out.StateSupport = out.MonthlySupport * Money(out.SupportMonths)
		if caps.Value.AheadSupport == "discounted" {
			out.StateSupport = presentValue(out.MonthlySupport, rate, out.SupportMonths)
		}
	case Missing:
		// P = Σ_{i=1..t} 0.22·TN · (1+r)^i: each missing month earns the fund's rate.
		out.Interest = futureValue(out.MonthlyGross, rate, out.Months) - out.Gross
		out.StateSupport = out.MonthlySupport * Money(out.SupportMonths)
	default:
		out.StateSupport = out.MonthlySupport * Money(out.SupportMonths)
	}
	out.Payable = out.Gross - out.Discount + out.Interest - out.StateSupport - out.LocalSupport
	if out.Payable < 0 {
		out.Payable = 0
	}
	out.Deadline = Deadline(q.Method, m)
	return out, nil
}

// QuoteForm is the quote of a form as typed so far, paid on the day paid: the desk's live quote
// on its registration screen and the citizen's on the online declaration, one computation for
// both. Only what the amount depends on needs to be valid — the income, the method, the first
// month, the support group and ethnicity, the address's province and the province's own groups.
func (r *Rules) QuoteForm(f RegistrationForm, paid calendar.Date) (Quote, error) {
	tn, err := ParseMoney(string(f.Income))
	if err != nil {
		return Quote{}, &Error{Kind: Invalid, Code: CodeMoneyFormat, Field: "income"}
	}
	m, err := ParseMonth(strings.TrimSpace(f.StartMonth))
	if err != nil {
		return Quote{}, &Error{Kind: Invalid, Code: CodeMonthFormat, Field: "start_month"}
	}
	method, err := ParseMethod(f.Method)
	if err != nil {
		return Quote{}, &Error{Kind: Invalid, Code: CodeMethodInvalid, Field: "method"}
	}
	reg := Registration{SupportGroup: Other, Ethnicity: strings.TrimSpace(f.Ethnicity)}
	if g, gerr := ParseSupportGroup(f.SupportGroup); gerr == nil {
		reg.SupportGroup = g
	}
	return r.Quote(QuoteRequest{Income: tn, Method: method, Groups: reg.SupportGroups(), Month: m, Province: strings.TrimSpace(f.Address.Province),
		LocalGroups: f.LocalGroups, Paid: paid})
}

// Deadline is the last day to pay a period starting in month m (Decree 134/2015 art. 9):
// within the month for monthly, the 3 months for quarterly, the first 4 of 6 months, the first 7
// of 12 months; ahead and missing-time payments are made at registration, in the first month.
func Deadline(method Method, m Month) calendar.Date {
	switch method.Kind {
	case Quarter:
		return m.Add(2).LastDay()
	case Half:
		return m.Add(3).LastDay()
	case Yearly:
		return m.Add(6).LastDay()
	}
	return m.LastDay()
}

func checkIncome(tn, floor, ceiling, step Money) error {
	switch {
	case tn < floor:
		return &Error{Kind: Invalid, Code: CodeIncomeBelowFloor, Field: "income", Args: map[string]string{"min": floor.String()}}
	case tn > ceiling:
		return &Error{Kind: Invalid, Code: CodeIncomeAboveCeiling, Field: "income", Args: map[string]string{"max": ceiling.String()}}
	case (tn-floor)%step != 0:
		lo := floor + (tn-floor)/step*step
		return &Error{
			Kind:  Invalid,
			Code:  CodeIncomeStep,
			Field: "income",
			Args:  map[string]string{"step": step.String(), "lower": lo.String(), "upper": (lo + step).String()},
		}
	}
	return nil
}

// localSupport is the province's own support entry for a group in month m.
func (r *Rules) localSupport(province string, g SupportGroup, m Month) (LocalSupport, bool) {
	return localSupportIn(r.LocalSupport[province], g, m)
}

// localSupportIn is the entry of a province's list in force for a group in month m.
func localSupportIn(locals []LocalSupport, g SupportGroup, m Month) (LocalSupport, bool) {
	for _, l := range locals {
		if l.Group == g && l.Status != Proposed && l.covers(m) {
			return l, true
		}
	}
	return LocalSupport{}, false
}

// localPendingIn is a proposed entry of a province's list for a group that would cover month m.
func localPendingIn(locals []LocalSupport, g SupportGroup, m Month) (LocalSupport, bool) {
	for _, l := range locals {
		if l.Group == g && l.Status == Proposed && l.covers(m) {
			return l, true
		}
	}
	return LocalSupport{}, false
}

// pendingEntry says whether a table has a proposed entry from a month that would be in force.
type pendingEntry struct {
	table string
	from  Month
	ok    bool
}

func pendingIn[T any](t *Timeline[T], m Month) pendingEntry {
	e, ok := t.Pending(m)
	return pendingEntry{t.Name, e.From, ok}
}

// dedupeStrings keeps the first of each string, in order.
func dedupeStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// presentValue is Σ_{i=1..n} a / (1+r)^(i−1), computed exactly and rounded half up once.
// With 1+r = N/D it is a·Σ_{j=0..n−1} D^j·N^(n−1−j) / N^(n−1), and the sum is the geometric
// series (N^n − D^n) / (N − D) — integers only, exact, one division for the amount.
func presentValue(a Money, r *big.Rat, n int) Money {
	if n <= 0 {
		return 0
	}
	num, den := onePlus(r)
	acc := geometric(num, den, n)
	npow := new(big.Int).Exp(num, big.NewInt(int64(n-1)), nil)
	return divHalfUp(acc.Mul(acc, big.NewInt(int64(a))), npow)
}

// futureValue is Σ_{i=1..n} a · (1+r)^i, computed exactly and rounded half up once.
// With 1+r = N/D it is a·N·Σ_{j=0..n−1} N^j·D^(n−1−j) / D^n.
func futureValue(a Money, r *big.Rat, n int) Money {
	if n <= 0 {
		return 0
	}
	num, den := onePlus(r)
	acc := geometric(num, den, n)
	acc.Mul(acc, num)
	dpow := new(big.Int).Exp(den, big.NewInt(int64(n)), nil)
	return divHalfUp(acc.Mul(acc, big.NewInt(int64(a))), dpow)
}

// geometric is Σ_{j=0..n−1} N^j·D^(n−1−j) for n ≥ 1: (N^n − D^n) / (N − D), an exact division,
// or n·N^(n−1) when N = D (a rate of zero).
func geometric(num, den *big.Int, n int) *big.Int {
	if num.Cmp(den) == 0 {
		acc := new(big.Int).Exp(num, big.NewInt(int64(n-1)), nil)
		return acc.Mul(acc, big.NewInt(int64(n)))
	}
	e := big.NewInt(int64(n))
	acc := new(big.Int).Exp(num, e, nil)
	acc.Sub(acc, new(big.Int).Exp(den, e, nil))
	return acc.Quo(acc, new(big.Int).Sub(num, den))
}

// onePlus returns 1+r as numerator and denominator.
func onePlus(r *big.Rat) (num, den *big.Int) {
	den = new(big.Int).Set(r.Denom())
	num = new(big.Int).Add(den, r.Num())
	return num, den
}

// divHalfUp is n/d rounded half up, for n, d > 0.
func divHalfUp(n, d *big.Int) Money {
	q := new(big.Int).Lsh(n, 1)
	q.Add(q, d)
	q.Quo(q, new(big.Int).Lsh(d, 1))
	return Money(q.Int64())
}
