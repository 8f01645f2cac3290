package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Status says how sure the project is of a rule entry. Rules are data because the law changes:
// an administrator can confirm, change or add entries (see LoadRules' overrides).
type Status string

const (
	// Confirmed entries come from a published legal text and are applied.
	Confirmed Status = "confirmed"
	// Reported entries are announced but not yet confirmed: they are applied, and every quote
	// that uses one carries a warning so the officer can tell the citizen.
	Reported Status = "reported"
	// Proposed entries are not applied until an administrator marks them confirmed or reported.
	Proposed Status = "proposed"
)

// Dated is one effective-dated entry of a rule table: Value applies from From to To (inclusive;
// zero To means open-ended).
type Dated[T any] struct {
	From   Month  `json:"from"`
	To     Month  `json:"to,omitempty"`
	Value  T      `json:"value"`
	Source string `json:"source"`
	Status Status `json:"status"`
	Note   string `json:"note,omitempty"`
}

func (d Dated[T]) covers(m Month) bool { return m >= d.From && (d.To == 0 || m <= d.To) }

// Version names the entry for the "rules used" list of a quote: "poverty_line@2022-01".
type Version struct {
	Table  string `json:"table"`
	From   Month  `json:"from"`
	Source string `json:"source"`
	Status Status `json:"status"`
}

// Timeline is a rule table: entries sorted by From, without gaps or overlaps among the applied
// (non-proposed) entries.
type Timeline[T any] struct {
	Name    string
	Entries []Dated[T]
}

// At returns the applied entry in force in month m.
func (t *Timeline[T]) At(m Month) (Dated[T], bool) {
	for i := len(t.Entries) - 1; i >= 0; i-- {
		e := t.Entries[i]
		if e.Status != Proposed && e.covers(m) {
			return e, true
		}
	}
	return Dated[T]{}, false
}

// Pending returns the proposed entry (not applied, awaiting an administrator's confirmation)
// that would be in force in month m if it were confirmed: one that covers m and starts after
// the applied entry in force. A quote that used the applied entry says so.
func (t *Timeline[T]) Pending(m Month) (Dated[T], bool) {
	applied, ok := t.At(m)
	for i := len(t.Entries) - 1; i >= 0; i-- {
		e := t.Entries[i]
		if e.Status == Proposed && e.covers(m) && (!ok || e.From > applied.From) {
			return e, true
		}
	}
	return Dated[T]{}, false
}

func (t *Timeline[T]) check() error {
	applied := make([]Dated[T], 0, len(t.Entries))
	for i, e := range t.Entries {
		switch e.Status {
		case Confirmed, Reported, Proposed:
		default:
			return fmt.Errorf("rule table %s entry %d: status %q is not confirmed, reported or proposed", t.Name, i, e.Status)
		}
		if e.From == 0 {
			return fmt.Errorf("rule table %s entry %d: no from month", t.Name, i)
		}
		if e.To != 0 && e.To < e.From {
			return fmt.Errorf("rule table %s entry %s: ends before it starts", t.Name, e.From)
		}
		if e.Source == "" {
			return fmt.Errorf("rule table %s entry %s: no legal source", t.Name, e.From)
		}
		if e.Status != Proposed {
			applied = append(applied, e)
		}
	}
	if len(applied) == 0 {
		return fmt.Errorf("rule table %s: no applied entry", t.Name)
	}
	sort.SliceStable(applied, func(i, j int) bool { return applied[i].From < applied[j].From })
	for i := 1; i < len(applied); i++ {
		prev, cur := applied[i-1], applied[i]
		if prev.From == cur.From {
			return fmt.Errorf("rule table %s: two entries from %s overlap", t.Name, cur.From)
		}
		if prev.To != 0 && prev.To >= cur.From {
			return fmt.Errorf("rule table %s: entry from %s overlaps the one from %s", t.Name, prev.From, cur.From)
		}
		if prev.To != 0 && prev.To.Add(1) != cur.From {
			return fmt.Errorf("rule table %s: gap between %s and %s", t.Name, prev.To, cur.From)
		}
	}
	if last := applied[len(applied)-1]; last.To != 0 {
		// A closed last entry is allowed only when a later regime must still be written: refuse,
		// because months after it would have no rule at all.
		return fmt.Errorf("rule table %s: the last applied entry ends at %s; leave it open-ended", t.Name, last.To)
	}
	sort.SliceStable(t.Entries, func(i, j int) bool { return t.Entries[i].From < t.Entries[j].From })
	return nil
}

// SupportGroup is the group that decides the state's share of support (nhóm đối tượng hỗ trợ).
type SupportGroup string

// The support groups of Decree 134/2015 art. 14 and Decree 159/2025.
const (
	Poor           SupportGroup = "poor"            // hộ nghèo
	NearPoor       SupportGroup = "near-poor"       // hộ cận nghèo
	Island         SupportGroup = "island"          // xã đảo, đặc khu
	EthnicMinority SupportGroup = "ethnic-minority" // người dân tộc thiểu số
	Other          SupportGroup = "other"           // đối tượng khác
)

// SupportGroups lists every group, highest usual support first.
var SupportGroups = []SupportGroup{Poor, Island, NearPoor, EthnicMinority, Other}

// ParseSupportGroup accepts the interchange names.
func ParseSupportGroup(s string) (SupportGroup, error) {
	g := SupportGroup(strings.TrimSpace(strings.ToLower(s)))
	for _, k := range SupportGroups {
		if g == k {
			return g, nil
		}
	}
	return "", Errorf(Invalid, CodeSupportGroupInvalid, "value", s)
}

// Contribution holds the fixed parameters of the contribution (Law 58/2014 art. 87; Law 41/2024
// art. 36): the rate, the income step, the ceiling multiplier and the minimum age.
type Contribution struct {
	Rate              Rate  `json:"rate"`               // 2200 = 22% of the chosen income
	IncomeStep        Money `json:"income_step"`        // (TN − CN) must be a multiple of this
	CeilingMultiplier int64 `json:"ceiling_multiplier"` // TN ≤ multiplier × reference level
	MinAge            int   `json:"min_age"`            // full years in the first month
}

// MethodCaps bounds the multi-month methods and the support.
type MethodCaps struct {
	AheadMax int `json:"ahead_max"` // ahead:N, N ≤ this (Decree 134 art. 9: up to 5 years)
	// AheadMin and AheadStep: N ≥ AheadMin and a multiple of AheadStep (Decree 159/2025 art. 6
	// sums over whole years, at least two: 24 and 12). Zero means 1.
	AheadMin      int `json:"ahead_min,omitempty"`
	AheadStep     int `json:"ahead_step,omitempty"`
	MissingMax    int `json:"missing_max"`    // missing:N, N ≤ this
	SupportMonths int `json:"support_months"` // lifetime months of state support per person
	// AheadSupport says how state support is subtracted from an "ahead" payment: "undiscounted"
	// (months × monthly support, as public calculators do) or "discounted" (support discounted
	// with the same rate as the contribution).
	AheadSupport string `json:"ahead_support"`
	// MissingSupport says whether state support applies to a payment for missing time.
	MissingSupport bool `json:"missing_support"`
}

// AheadAllowed reports whether n months may be paid ahead at once.
func (c MethodCaps) AheadAllowed(n int) bool {
	return n <= c.AheadMax && n >= max(c.AheadMin, 1) && n%max(c.AheadStep, 1) == 0
}

// AheadError is the problem with paying n months ahead, nil when allowed.
func (c MethodCaps) AheadError(n int) *Error {
	if c.AheadAllowed(n) {
		return nil
	}
	if step := max(c.AheadStep, 1); step > 1 {
		return &Error{Kind: Invalid, Code: CodeMethodAheadYears, Field: "method", Args: map[string]string{
			"min": strconv.Itoa(max(c.AheadMin, step) / step), "max": strconv.Itoa(c.AheadMax / step), "months": strconv.Itoa(n)}}
	}
	return &Error{Kind: Invalid, Code: CodeMethodAheadRange, Field: "method", Args: map[string]string{"max": strconv.Itoa(c.AheadMax)}}
}

// Rules are every effective-dated table the calculator and the validator use. Read-only once
// loaded; safe for concurrent use.
type Rules struct {
	PovertyLine    Timeline[Money]                 // chuẩn hộ nghèo khu vực nông thôn: the floor CN
	ReferenceLevel Timeline[Money]                 // mức tham chiếu / lương cơ sở
	Contribution   Timeline[Contribution]          // rate, step, ceiling multiplier, min age
	SupportShare   Timeline[map[SupportGroup]Rate] // state support share per group and regime
	Caps           Timeline[MethodCaps]            // ahead / missing caps, support months
	FundRates      map[int]FundRate                // by the year the rate belongs to
	LocalSupport   map[string][]LocalSupport       // by current province code
	// LocalGroups are the groups a province's own resolution supports beyond the state's
	// groups, by current province code.
	LocalGroups map[string][]LocalGroup
	Retirement  map[Gender]RetirementAge // retirement age schedule
	Benefits    Timeline[BenefitRules]   // what a participant may receive (information)
}

// FundRate is the fund's average monthly investment rate for one year (lãi suất đầu tư quỹ
// BHXH bình quân), published by VSS and entered by an administrator: either the monthly rate or,
// as VSS's notices give it, the yearly one (the monthly rate is then a twelfth of it, exactly).
// Payments in year Y use the rate of year Y−1.
type FundRate struct {
	Year        int      `json:"year"`
	MonthlyRate string   `json:"monthly_rate,omitempty"` // exact decimal, e.g. "0.0031" for 0.31% a month
	AnnualRate  string   `json:"annual_rate,omitempty"`  // exact decimal, e.g. "0.0436" for 4.36% a year
	Source      string   `json:"source"`
	Status      Status   `json:"status"`
	Note        string   `json:"note,omitempty"`
	rat         *big.Rat // the monthly rate
}

// Rate writes the rate as entered: the monthly decimal, or the yearly one over 12 ("0.0436/12").
func (f FundRate) Rate() string {
	if f.AnnualRate != "" {
		return f.AnnualRate + "/12"
	}
	return f.MonthlyRate
}

// fundRat is an entry's monthly rate, from exactly one of its monthly or yearly decimals.
func fundRat(f FundRate) (*big.Rat, bool) {
	if (f.MonthlyRate == "") == (f.AnnualRate == "") {
		return nil, false
	}
	if f.MonthlyRate != "" {
		return decimalRat(f.MonthlyRate)
	}
	r, ok := decimalRat(f.AnnualRate)
	if !ok {
		return nil, false
	}
	return r.Quo(r, big.NewRat(12, 1)), true
}

// decimalRat parses a plain decimal ("0.0436"); fractions and exponents are refused.
func decimalRat(s string) (*big.Rat, bool) {
	if strings.ContainsAny(s, "/eE") {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

// Percent writes the monthly rate as a percentage with a decimal comma: "0.0031" → "0,31%".
func (f FundRate) Percent() string {
	if f.rat == nil {
		return f.MonthlyRate
	}
	return ratPercent(f.rat)
}

// ratPercent writes a rate as a percentage with a decimal comma and up to six decimals.
func ratPercent(r *big.Rat) string {
	pct := new(big.Rat).Mul(r, big.NewRat(100, 1))
	return strings.Replace(strings.TrimRight(strings.TrimRight(pct.FloatString(6), "0"), "."), ".", ",", 1) + "%"
}

// LocalSupport is a province's own support (hỗ trợ của ngân sách địa phương), per group, as a
// share of 22% × the poverty line (Share) or a fixed amount a month (Amount). Group is one of
// the state's support groups or one of the province's own (LocalGroup.ID).
type LocalSupport struct {
	Dated[struct{}]
	Province string       `json:"province"`
	Group    SupportGroup `json:"group"`
	Share    Rate         `json:"share"`
	Amount   Money        `json:"amount"`
}

// LocalGroup is a group of people a province's resolution supports that is not one of the
// state's support groups (e.g. people of households with an average living standard): its ID
// ("01:average-income") is what a registration's local_groups and a local_support entry name.
type LocalGroup struct {
	Province string `json:"province"`
	ID       string `json:"id"`
	NameVI   string `json:"name_vi"`
	NameEN   string `json:"name_en"`
	Source   string `json:"source"`
}

// LocalGroup returns a province's own group by ID.
func (r *Rules) LocalGroup(province, id string) (LocalGroup, bool) {
	for _, g := range r.LocalGroups[province] {
		if g.ID == id {
			return g, true
		}
	}
	return LocalGroup{}, false
}

// RetirementAge is the normal retirement-age schedule of Labour Code 2019 art. 169 and Decree
// 135/2020: Base months of age in StartYear, rising by Step months a year up to Max; before
// StartYear the age was Before.
type RetirementAge struct {
	StartYear int    `json:"start_year"`
	Before    int    `json:"before"`
	Base      int    `json:"base"`
	Step      int    `json:"step"`
	Max       int    `json:"max"`
	Source    string `json:"source"`
}

// RetirementMonth returns the month in which a person of gender g born at b reaches the normal
// retirement age.
func (r *Rules) RetirementMonth(g Gender, b BirthDate) (Month, bool) {
	sch, ok := r.Retirement[g]
	if !ok {
		return 0, false
	}
	born := MonthOf(b.Year, b.Month)
	if m := born.Add(sch.Before); m.Year() < sch.StartYear {
		return m, true
	}
	for y := sch.StartYear; y < sch.StartYear+100; y++ {
		age := min(sch.Base+sch.Step*(y-sch.StartYear), sch.Max)
		if m := born.Add(age); m.Year() <= y {
			return m, true
		}
	}
	return 0, false
}

// The files of the rules folder, one table each (documented in assets/rules/README.md).
const (
	filePovertyLine    = "poverty_line.json"
	fileReferenceLevel = "reference_level.json"
	fileContribution   = "contribution.json"
	fileSupportShare   = "support_share.json"
	fileCaps           = "method_caps.json"
	fileFundRate       = "fund_rate.json"
	fileLocalSupport   = "local_support.json"
	fileRetirement     = "retirement_age.json"
	fileBenefits       = "benefits.json"
)

// LoadRules reads the rule tables from dir of base, then from each override folder in order: a
// table file present in an override replaces the base table whole (an administrator's
// correction, or a file the centre published). An override holds a table file in its rules/
// folder (the layout the centre publishes) or at its root (an administrator's folder); the
// rules/ one wins. It checks every table — no gaps, no overlaps, sources present, shares within
// 0..100%, a fund rate that parses — and fails loudly naming the table and entry.
func LoadRules(base fs.FS, dir string, overrides ...fs.FS) (*Rules, error) {
	var localGroups []LocalGroup
	read := func(name string, v any) error {
		data, err := fs.ReadFile(base, path.Join(dir, name))
		for _, o := range overrides {
			for _, p := range []string{path.Join(dir, name), name} {
				if od, oerr := fs.ReadFile(o, p); oerr == nil {
					data, err = od, nil
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		var doc struct {
			Entries json.RawMessage `json:"entries"`
			Groups  json.RawMessage `json:"groups"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("rules %s: %w", name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(doc.Entries))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return fmt.Errorf("rules %s: %w", name, err)
		}
		if name == fileLocalSupport && len(doc.Groups) > 0 {
			gd := json.NewDecoder(bytes.NewReader(doc.Groups))
			gd.DisallowUnknownFields()
			if err := gd.Decode(&localGroups); err != nil {
				return fmt.Errorf("rules %s groups: %w", name, err)
			}
		}
		return nil
	}
	r := &Rules{
		PovertyLine: Timeline[Money]{Name: "poverty_line"}, ReferenceLevel: Timeline[Money]{Name: "reference_level"},
		Contribution: Timeline[Contribution]{Name: "contribution"}, SupportShare: Timeline[map[SupportGroup]Rate]{Name: "support_share"},
		Caps: Timeline[MethodCaps]{Name: "method_caps"}, FundRates: map[int]FundRate{}, LocalSupport: map[string][]LocalSupport{},
		LocalGroups: map[string][]LocalGroup{}, Retirement: map[Gender]RetirementAge{}, Benefits: Timeline[BenefitRules]{Name: "benefits"},
	}
	var fund []FundRate
	var local []LocalSupport
	var retire map[string]RetirementAge
	for name, v := range map[string]any{
		filePovertyLine: &r.PovertyLine.Entries, fileReferenceLevel: &r.ReferenceLevel.Entries,
		fileContribution: &r.Contribution.Entries, fileSupportShare: &r.SupportShare.Entries,
		fileCaps: &r.Caps.Entries, fileFundRate: &fund, fileLocalSupport: &local, fileRetirement: &retire,
		fileBenefits: &r.Benefits.Entries,
	} {
		if err := read(name, v); err != nil {
			return nil, err
		}
	}
	checks := []func() error{r.PovertyLine.check, r.ReferenceLevel.check, r.Contribution.check, r.SupportShare.check, r.Caps.check, r.Benefits.check}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, err
		}
	}
	for _, e := range r.PovertyLine.Entries {
		if e.Value <= 0 {
			return nil, fmt.Errorf("rules poverty_line %s: amount must be positive", e.From)
		}
	}
	for _, e := range r.ReferenceLevel.Entries {
		if e.Value <= 0 {
			return nil, fmt.Errorf("rules reference_level %s: amount must be positive", e.From)
		}
	}
	for _, e := range r.Contribution.Entries {
		c := e.Value
		if c.Rate <= 0 || c.Rate > 10000 || c.IncomeStep <= 0 || c.CeilingMultiplier <= 0 || c.MinAge <= 0 {
			return nil, fmt.Errorf("rules contribution %s: rate, step, multiplier and age must be positive", e.From)
		}
	}
	for _, e := range r.SupportShare.Entries {
		for _, g := range SupportGroups {
			s, ok := e.Value[g]
			if !ok || s < 0 || s > 10000 {
				return nil, fmt.Errorf("rules support_share %s: group %s missing or outside 0..100%%", e.From, g)
			}
		}
		if len(e.Value) != len(SupportGroups) {
			return nil, fmt.Errorf("rules support_share %s: unknown group", e.From)
		}
	}
	for _, e := range r.Caps.Entries {
		c := e.Value
		if c.AheadMax <= 0 || c.MissingMax <= 0 || c.SupportMonths <= 0 || (c.AheadSupport != "undiscounted" && c.AheadSupport != "discounted") {
			return nil, fmt.Errorf("rules method_caps %s: caps must be positive and ahead_support undiscounted|discounted", e.From)
		}
		if c.AheadMin < 0 || c.AheadStep < 0 || max(c.AheadMin, 1) > c.AheadMax || c.AheadMax%max(c.AheadStep, 1) != 0 {
			return nil, fmt.Errorf("rules method_caps %s: ahead_min and ahead_step must fit ahead_max", e.From)
		}
	}
	for _, f := range fund {
		rat, ok := fundRat(f)
		if !ok || rat.Sign() < 0 || rat.Cmp(big.NewRat(1, 10)) > 0 || f.Year < 2000 || f.Source == "" {
			return nil, fmt.Errorf(
				"rules fund_rate %d: one of monthly_rate (a decimal between 0 and 0.1) or annual_rate (up to 1.2) needed, with a source",
				f.Year,
			)
		}
		switch f.Status {
		case Confirmed, Reported, Proposed:
		default:
			return nil, fmt.Errorf("rules fund_rate %d: status %q is not confirmed, reported or proposed", f.Year, f.Status)
		}
		if _, dup := r.FundRates[f.Year]; dup {
			return nil, fmt.Errorf("rules fund_rate: year %d twice", f.Year)
		}
		f.rat = rat
		r.FundRates[f.Year] = f
	}
	for _, g := range localGroups {
		if g.Province == "" || !strings.HasPrefix(g.ID, g.Province+":") || len(g.ID) <= len(g.Province)+1 || g.NameVI == "" || g.NameEN == "" ||
			g.Source == "" {
			return nil, fmt.Errorf(
				"rules local_support group %q: province, an id \"<province>:<name>\", names in both languages and a source needed",
				g.ID,
			)
		}
		if _, dup := r.LocalGroup(g.Province, g.ID); dup {
			return nil, fmt.Errorf("rules local_support group %q twice", g.ID)
		}
		r.LocalGroups[g.Province] = append(r.LocalGroups[g.Province], g)
	}
	for _, l := range local {
		_, state := ParseSupportGroup(string(l.Group))
		_, own := r.LocalGroup(l.Province, string(l.Group))
		if (state != nil && !own) || (l.Share == 0) == (l.Amount == 0) || l.Share < 0 || l.Share > 10000 || l.Amount < 0 {
			return nil, fmt.Errorf(
				"rules local_support %s %s: a state group or one of the province's groups, and exactly one of share or amount, needed",
				l.Province,
				l.Group,
			)
		}
		switch l.Status {
		case Confirmed, Reported, Proposed:
		default:
			return nil, fmt.Errorf("rules local_support %s %s: status %q is not confirmed, reported or proposed", l.Province, l.Group, l.Status)
		}
		r.LocalSupport[l.Province] = append(r.LocalSupport[l.Province], l)
	}
	for prov, ls := range r.LocalSupport {
		byGroup := map[SupportGroup][]Dated[struct{}]{}
		for _, l := range ls {
			byGroup[l.Group] = append(byGroup[l.Group], l.Dated)
		}
		for g, ds := range byGroup {
			t := Timeline[struct{}]{Name: "local_support " + prov + " " + string(g), Entries: ds}
			if err := t.checkOverlapOnly(); err != nil {
				return nil, err
			}
		}
	}
	for g, sch := range retire {
		gender, err := ParseGender(g)
		if err != nil || sch.Base <= 0 || sch.Max < sch.Base || sch.Step < 0 || sch.Source == "" {
			return nil, fmt.Errorf("rules retirement_age %s: bad schedule", g)
		}
		r.Retirement[gender] = sch
	}
	return r, nil
}

// checkOverlapOnly is check for tables that may have gaps (a province's support may stop).
func (t *Timeline[T]) checkOverlapOnly() error {
	sort.SliceStable(t.Entries, func(i, j int) bool { return t.Entries[i].From < t.Entries[j].From })
	var applied []Dated[T]
	for i, e := range t.Entries {
		if e.From == 0 || e.Source == "" || (e.To != 0 && e.To < e.From) {
			return fmt.Errorf("rule table %s entry %d: from month and source needed", t.Name, i)
		}
		if e.Status != Proposed {
			applied = append(applied, e)
		}
	}
	for i := 1; i < len(applied); i++ {
		if prev, e := applied[i-1], applied[i]; prev.To == 0 || prev.To >= e.From {
			return fmt.Errorf("rule table %s: entry from %s overlaps the one from %s", t.Name, prev.From, e.From)
		}
	}
	return nil
}

// Bounds returns the income floor (CN, the rural poverty line) and ceiling (multiplier × the
// reference level) in force in month m.
func (r *Rules) Bounds(m Month) (floor, ceiling Money, err error) {
	pl, ok1 := r.PovertyLine.At(m)
	ref, ok2 := r.ReferenceLevel.At(m)
	c, ok3 := r.Contribution.At(m)
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, Errorf(Unavailable, CodeRulesMissing, "month", m.String())
	}
	return pl.Value, Money(c.Value.CeilingMultiplier) * ref.Value, nil
}

// Fingerprint identifies the content of the rule tables: equal fingerprints quote alike.
func (r *Rules) Fingerprint() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("rules fingerprint: %v", err)) // plain data: cannot fail
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// SupportBase is what support shares are shares of in month m: the contribution rate (22 %) of
// the rural poverty line in force.
func (r *Rules) SupportBase(m Month) (Money, bool) {
	pl, ok := r.PovertyLine.At(m)
	if !ok {
		return 0, false
	}
	con, ok := r.Contribution.At(m)
	if !ok {
		return 0, false
	}
	return con.Value.Rate.Of(pl.Value), true
}
