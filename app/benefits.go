package app

import (
	"math/big"
	"time"

	"bhxhdesk/app/calendar"
)

// BenefitRules are the figures of what a voluntary participant may receive (assets/rules/
// benefits.json): the desk shows them as information with their legal basis; the pension
// office decides.
type BenefitRules struct {
	MaternityPerChild     Money `json:"maternity_per_child"`     // Law 41/2024 art. 95
	MaternityPaidMonths   int   `json:"maternity_paid_months"`   // months paid …
	MaternityWindowMonths int   `json:"maternity_window_months"` // … within this many before the birth (art. 94)
	PensionMonths         int   `json:"pension_months"`          // 15 years
	MissingShortMax       int   `json:"missing_short_max"`       // Decree 159/2025 art. 7
	// The transitional rule (Decree 159/2025 art. 13): people who joined before
	// TransitionalBefore have a pension at these ages with TransitionalPensionMonths.
	TransitionalBefore        Month `json:"transitional_before"`
	TransitionalPensionMonths int   `json:"transitional_pension_months"`
	TransitionalAgeMale       int   `json:"transitional_age_male"`   // months of age
	TransitionalAgeFemale     int   `json:"transitional_age_female"` // months of age
	FemaleBaseMonths          int   `json:"female_base_months"`
	MaleBaseMonths            int   `json:"male_base_months"`
	BaseRate                  Rate  `json:"base_rate"`
	StepRate                  Rate  `json:"step_rate"`
	MaxRate                   Rate  `json:"max_rate"`
	MaleShortRate             Rate  `json:"male_short_rate"`
	MaleShortStep             Rate  `json:"male_short_step"`
	LumpSumBeforeTenths       int   `json:"lump_sum_before_tenths"`
	LumpSumAfterTenths        int   `json:"lump_sum_after_tenths"`
	LumpSumSplitYear          int   `json:"lump_sum_split_year"`
	SocialPensionAgeMonths    int   `json:"social_pension_age_months"`
	SocialPensionLevel        Money `json:"social_pension_level"`
}

// MissingCheck is whether a person may pay for missing time (đóng cho thời gian còn thiếu,
// Decree 159/2025 art. 7) in a month: at retirement age (from the month before) and at most
// MissingShortMax months short of what a pension needs.
type MissingCheck struct {
	// Known is false when the desk has no contribution history from the centre: it cannot say
	// how many months are short, and says so (Code "missing_history_unknown").
	Known        bool   `json:"known"`
	Allowed      bool   `json:"allowed"`
	Code         string `json:"code"` // why: missing_ok, missing_too_young, missing_too_short, missing_not_short, missing_history_unknown
	Required     int    `json:"required"`
	Have         int    `json:"have"`
	Short        int    `json:"short"`
	Max          int    `json:"max"`
	Retirement   Month  `json:"retirement"`
	Transitional bool   `json:"transitional"`
	Basis        string `json:"basis"`
}

// ContributionMonths is what the person has paid as far as this desk knows: the centre's
// count of every kind of contribution when it sent one, or the office's own periods, whichever
// is more (a period recorded here after the centre's count).
func (p *Participant) ContributionMonths() (int, bool) {
	own := p.monthsUpTo(0)
	if p.History == nil {
		return own, false
	}
	return max(own, p.History.Months), true
}

// transitional reports whether the transitional rule applies to the person (Decree 159/2025
// art. 13, as the issue of the rule states it): joined before TransitionalBefore and reached the
// former retirement age (60 for men, 55 for women) before it — a pension then needs
// TransitionalPensionMonths, from that age. It returns the month the person reached it. The
// desk knows when the person joined only from the centre's history.
func (br BenefitRules) transitional(p *Participant, g Gender, bd BirthDate) (Month, bool) {
	if p.History == nil || p.History.FirstJoined == 0 || p.History.FirstJoined >= br.TransitionalBefore {
		return 0, false
	}
	age := br.TransitionalAgeMale
	if g == Female {
		age = br.TransitionalAgeFemale
	}
	old := MonthOf(bd.Year, bd.Month).Add(age)
	return old, old < br.TransitionalBefore
}

// monthsUpTo is the months of the periods as they stand (Effective) up to month m, every month
// when m is 0: a payment ahead counts for the months gone by, not for those to come.
func (p *Participant) monthsUpTo(m Month) int {
	n := 0
	for _, pe := range p.Effective() {
		to := pe.To
		if m != 0 && to > m {
			to = m
		}
		if to >= pe.From {
			n += int(to-pe.From) + 1
		}
	}
	return n
}

// MissingTime checks the missing-time rule for p in month m.
func (r *Rules) MissingTime(p *Participant, m Month) (MissingCheck, error) {
	b, ok := r.Benefits.At(m)
	if !ok {
		return MissingCheck{}, Errorf(Unavailable, CodeRulesMissing, "month", m.String())
	}
	br := b.Value
	c := MissingCheck{Required: br.PensionMonths, Max: br.MissingShortMax, Basis: "Nghị định 159/2025/NĐ-CP Điều 7, 13"}
	g, errG := ParseGender(p.Gender)
	bd, errB := ParseBirthDate(p.BirthDate)
	if errG != nil || errB != nil {
		return c, lifeErr("birth_date", CodeBenefitIdentity)
	}
	c.Retirement, _ = r.RetirementMonth(g, bd)
	if old, ok := br.transitional(p, g, bd); ok {
		c.Transitional, c.Required, c.Retirement = true, br.TransitionalPensionMonths, old
	}
	c.Have, c.Known = p.ContributionMonths()
	c.Short = max(0, c.Required-c.Have)
	switch {
	case m < c.Retirement.Add(-1):
		c.Code = "missing_too_young"
	case !c.Known:
		c.Code = "missing_history_unknown"
	case c.Short == 0:
		c.Code = "missing_not_short"
	case c.Short > c.Max:
		c.Code = "missing_too_short"
	default:
		c.Code, c.Allowed = "missing_ok", true
	}
	return c, nil
}

// Benefit is one benefit shown at the desk: whether the person qualifies as far as the desk
// knows, the amount, and the legal basis.
type Benefit struct {
	Kind     string `json:"kind"` // maternity, lump_sum, allowance, pension
	Eligible bool   `json:"eligible"`
	Code     string `json:"code"` // the message explaining it
	Amount   Money  `json:"amount"`
	Monthly  Money  `json:"monthly,omitempty"`
	Months   int    `json:"months,omitempty"`
	Rate     Rate   `json:"rate,omitempty"`
	Average  Money  `json:"average,omitempty"` // average chosen income of the periods
	Basis    string `json:"basis"`
	Known    bool   `json:"known"` // false: the centre has not sent the person's history
}

// BenefitsOf are what the person may receive as of month m, given what the desk knows:
// maternity (for a birth in month m), a lump sum, the monthly allowance for people short of a
// pension at retirement age, and a pension estimate from the person's periods. Incomes are not
// revalued: the amounts are lower bounds, and the printout says so.
func (r *Rules) BenefitsOf(p *Participant, m Month) ([]Benefit, error) {
	b, ok := r.Benefits.At(m)
	if !ok {
		return nil, Errorf(Unavailable, CodeRulesMissing, "month", m.String())
	}
	br := b.Value
	g, errG := ParseGender(p.Gender)
	bd, errB := ParseBirthDate(p.BirthDate)
	if errG != nil || errB != nil {
		return nil, lifeErr("birth_date", CodeBenefitIdentity)
	}
	// Months as of m: those paid ahead for later months count when they come.
	own := p.monthsUpTo(m)
	months, known := own, p.History != nil
	if known {
		months = max(own, p.History.Months)
	}
	avg := p.averageIncome()
	var out []Benefit

	// Maternity (Law 41/2024 art. 94–95): paid for at least 6 of the 12 months before the birth.
	paid := 0
	for i := 1; i <= br.MaternityWindowMonths; i++ {
		if p.paidFor(m.Add(-i)) {
			paid++
		}
	}
	mat := Benefit{Kind: "maternity", Basis: "Luật BHXH 41/2024/QH15 Điều 94, 95", Known: true, Months: paid}
	mat.Eligible = paid >= br.MaternityPaidMonths
	mat.Code = "benefit_maternity_no"
	if mat.Eligible {
		mat.Code, mat.Amount = "benefit_maternity_yes", br.MaternityPerChild
	}
	out = append(out, mat)

	// Lump sum (Law 41/2024 art. 102): 1.5 months of average income a year before 2014, 2 a
	// year from 2014, less the state's and the province's support; a year's odd months count
	// half a year (1–6) or a year (7–11), into the years from 2014.
	// Computed from the periods the desk holds: when the centre counts more months (other
	// offices, compulsory insurance), the amount is the part the desk can compute (Known false).
	ls := Benefit{Kind: "lump_sum", Basis: "Luật BHXH 41/2024/QH15 Điều 102; Nghị định 159/2025/NĐ-CP Điều 9",
		Known: known && months <= own, Average: avg, Months: own}
	ls.Amount = r.lumpSum(p, br, avg, m)
	ls.Eligible = ls.Amount > 0
	ls.Code = "benefit_lump_sum"
	out = append(out, ls)

	ret, _ := r.RetirementMonth(g, bd)
	required, base := br.PensionMonths, br.FemaleBaseMonths
	if g == Male {
		base = br.MaleBaseMonths
	}
	if _, ok := br.transitional(p, g, bd); ok {
		required = br.TransitionalPensionMonths
	}

	// Monthly allowance (Law 41/2024 art. 23; Decree 159/2025 art. 14): at retirement age,
	// short of a pension, until the social-pension age: what a lump sum would pay, spread over
	// those months, never below the social pension's level.
	al := Benefit{Kind: "allowance", Basis: "Luật BHXH 41/2024/QH15 Điều 23; Nghị định 159/2025/NĐ-CP Điều 14", Known: known}
	social := MonthOf(bd.Year, bd.Month).Add(br.SocialPensionAgeMonths)
	switch {
	case months >= required:
		al.Code = "benefit_allowance_has_pension"
	case m < ret:
		al.Code = "benefit_allowance_not_yet"
		al.Months = int(social - ret)
	default:
		al.Code, al.Eligible = "benefit_allowance_yes", ls.Amount > 0
		al.Months = max(1, int(social-m))
	}
	if al.Eligible {
		al.Amount = ls.Amount
		al.Monthly = max(br.SocialPensionLevel, ls.Amount/Money(al.Months))
		if al.Monthly > ls.Amount {
			al.Monthly = ls.Amount
		}
		al.Months = int((ls.Amount + al.Monthly - 1) / al.Monthly)
	}
	out = append(out, al)

	// Pension (Law 41/2024 art. 98–99): 45 % at the base years, 2 % a further year up to 75 %;
	// a man with 15 to 20 years has 40 % and 1 % a further year. Shown from the months the desk
	// knows; the estimate once the person has the months a pension needs.
	pe := Benefit{Kind: "pension", Basis: "Luật BHXH 41/2024/QH15 Điều 98, 99", Known: known, Average: avg, Months: months}
	half := func(n int) int { // years in half years: odd months 1–6 → ½, 7–11 → 1
		y := n / 12 * 2
		switch r := n % 12; {
		case r >= 7:
			y += 2
		case r >= 1:
			y++
		}
		return y
	}
	switch {
	case months < required:
		pe.Code = "benefit_pension_short"
		pe.Months = required - months
	case g == Male && months < base:
		pe.Rate = br.MaleShortRate + br.MaleShortStep*Rate(half(months)-half(br.PensionMonths))/2
	default:
		pe.Rate = br.BaseRate + br.StepRate*Rate(half(months)-half(base))/2
	}
	if pe.Code == "" {
		pe.Rate = min(pe.Rate, br.MaxRate)
		pe.Monthly = pe.Rate.Of(avg)
		pe.Eligible, pe.Code = true, "benefit_pension_estimate"
		pe.Months = months
	}
	out = append(out, pe)
	return out, nil
}

// lumpSum is the lump sum of Law 41/2024 art. 102 for the person's periods (less what refunds
// gave back), at most what was contributed, less the support received.
func (r *Rules) lumpSum(p *Participant, br BenefitRules, avg Money, m Month) Money {
	before, after := 0, 0
	var contributed, support Money
	for _, pe := range p.Effective() {
		n := 0
		for mi := pe.From; mi <= pe.To && mi <= m; mi++ {
			n++
			if mi.Year() < br.LumpSumSplitYear {
				before++
			} else {
				after++
			}
		}
		if months := pe.Months(); months > 0 && n > 0 {
			// The part of the period's money and support for the months counted.
			share := func(a Money) Money { return divHalfUp(big.NewInt(int64(a)*int64(n)), big.NewInt(int64(months))) }
			contributed += share(pe.Gross - pe.Discount + pe.Interest)
			support += share(pe.StateSupport + pe.LocalSupport)
		}
	}
	if before+after == 0 {
		return 0
	}
	// Tenths of a month: whole years before the split at LumpSumBeforeTenths, the rest (with the
	// odd months, as half or whole years) at LumpSumAfterTenths; under a year, what was paid, at
	// most two months of average income.
	total := before + after
	if total < 12 {
		return max(0, min(contributed-support, 2*avg))
	}
	yb := before / 12
	rest := total - yb*12
	halfYears := rest / 12 * 2
	switch rem := rest % 12; {
	case rem >= 7:
		halfYears += 2
	case rem >= 1:
		halfYears++
	}
	tenthYears := yb*2*br.LumpSumBeforeTenths + halfYears*br.LumpSumAfterTenths
	amt := divHalfUp(big.NewInt(int64(avg)*int64(tenthYears)), big.NewInt(20))
	return max(0, amt-support)
}

// averageIncome is the average chosen income of the person's periods, weighted by months.
func (p *Participant) averageIncome() Money {
	var sum, n int64
	for _, pe := range p.Effective() {
		sum += int64(pe.Income) * int64(pe.Months())
		n += int64(pe.Months())
	}
	if n == 0 {
		return 0
	}
	return divHalfUp(big.NewInt(sum), big.NewInt(n))
}

// paidFor reports whether a period (not refunded) covers month m.
func (p *Participant) paidFor(m Month) bool {
	for _, pe := range p.Effective() {
		if meth, _ := ParseMethod(pe.Method); meth.Kind != Missing && m >= pe.From && m <= pe.To {
			return true
		}
	}
	return false
}

// CentralHistory is what the central records hold of a person beyond this office's periods:
// months of contributions of every kind, compulsory insurance and pensions. The desk has it
// from the centre with the person's record; without it the desk says it cannot know.
type CentralHistory struct {
	Months         int       `json:"months"`                    // months of contributions of every kind
	FirstJoined    Month     `json:"first_joined,omitempty"`    // the first month of any contribution
	CompulsoryFrom Month     `json:"compulsory_from,omitempty"` // under compulsory insurance from (0: not)
	CompulsoryTo   Month     `json:"compulsory_to,omitempty"`   // … until (0: still)
	Pension        bool      `json:"pension,omitempty"`         // receiving a pension or a monthly allowance
	AsOf           time.Time `json:"as_of"`
	Source         string    `json:"source,omitempty"`
}

// Exclusion is why a person may not take part in month m according to the central records
// (DOMAIN §2): "excluded_compulsory" or "excluded_pension"; "" when nothing excludes them.
func (h *CentralHistory) Exclusion(m Month) string {
	switch {
	case h == nil:
		return ""
	case h.Pension:
		return "excluded_pension"
	case h.CompulsoryFrom != 0 && m >= h.CompulsoryFrom && (h.CompulsoryTo == 0 || m <= h.CompulsoryTo):
		return "excluded_compulsory"
	}
	return ""
}

// EvidenceNeeded says whether a support group needs a list of the year (poor, near-poor and the
// province's own groups), and EvidenceFor returns the latest evidence recorded for group g.
func EvidenceNeeded(g string) bool {
	return g == string(Poor) || g == string(NearPoor) || (g != "" && !isStateGroup(g))
}

func isStateGroup(g string) bool {
	for _, s := range SupportGroups {
		if string(s) == g {
			return true
		}
	}
	return false
}

// EvidenceLapsed returns the groups of p that need a list and have none for day's year: the
// state's support for a poor or near-poor person needs the commune's list of the year (from 2027
// the lists under Decree 351/2025 replace the 2026 ones), and so do the province's own groups.
func (p *Participant) EvidenceLapsed(day calendar.Date) []string {
	if p.Exit() != nil {
		return nil // left the scheme: no support to evidence
	}
	var groups []string
	if EvidenceNeeded(p.SupportGroup) {
		groups = append(groups, p.SupportGroup)
	}
	groups = append(groups, p.LocalGroups...)
	var lapsed []string
	for _, g := range groups {
		ok := false
		for _, e := range p.Events {
			if e.Kind == EventEvidence && e.Reason == g && e.Year >= day.Year() {
				ok = true
			}
		}
		if !ok {
			lapsed = append(lapsed, g)
		}
	}
	return lapsed
}
