package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"bhxhdesk/app/calendar"
)

// PlaceForm is a province + commune pair as typed on the form (current 34-province codes).
type PlaceForm struct {
	Province string `json:"province" validate:"required,vn_province"`
	Commune  string `json:"commune" validate:"required,len=5,numeric"`
}

// AddressForm is the address to receive results (địa chỉ nhận kết quả), field [11].
type AddressForm struct {
	Province string `json:"province" validate:"required,vn_province"`
	Commune  string `json:"commune" validate:"required,len=5,numeric"`
	Detail   string `json:"detail" validate:"required,max=200"`
}

// Amount is a money field as it arrives: a JSON number or a string typed by a person
// ("1.500.000"). It stays text until validation parses it.
type Amount string

// UnmarshalJSON accepts a number or a string.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Amount(s)
		return nil
	}
	if string(b) == "null" {
		*a = ""
		return nil
	}
	*a = Amount(b)
	return nil
}

// MarshalJSON writes a parseable amount as a number, anything else as a string.
func (a Amount) MarshalJSON() ([]byte, error) {
	if m, err := ParseMoney(string(a)); err == nil {
		return []byte(strconv.FormatInt(int64(m), 10)), nil
	}
	return json.Marshal(string(a))
}

// RegistrationForm is form TK1-TS as typed or imported (tờ khai tham gia BHXH tự nguyện, QĐ
// 505/QĐ-BHXH as amended by QĐ 490/QĐ-BHXH), in the interchange JSON of DESIGN §4. Every field is
// raw text until Validator.Validate turns it into a Registration.
type RegistrationForm struct {
	FullName          string      `json:"full_name" validate:"required,max=100,vn_name"`       // [01]
	Gender            string      `json:"gender" validate:"required,vn_gender"`                // [02]
	BirthDate         string      `json:"birth_date" validate:"required,vn_birth_date"`        // [03]
	Nationality       string      `json:"nationality" validate:"required,eq=VN"`               // [04]
	Ethnicity         string      `json:"ethnicity" validate:"required,vn_ethnicity"`          // [05]
	PersonalID        string      `json:"personal_id" validate:"required,vn_personal_id"`      // [06]
	OldSICode         string      `json:"old_si_code" validate:"omitempty,vn_old_si_code"`     // [13]
	Phone             string      `json:"phone" validate:"required,vn_phone"`                  // [07]
	Email             string      `json:"email" validate:"omitempty,email,max=100"`            // [08]
	BirthRegistration PlaceForm   `json:"birth_registration"`                                  // [09]
	Address           AddressForm `json:"address"`                                             // [11]
	Income            Amount      `json:"income" validate:"required,vn_money"`                 // [15]
	Method            string      `json:"method" validate:"required,vn_method"`                // [16]
	StartMonth        string      `json:"start_month" validate:"omitempty,vn_month"`           // first month
	SupportGroup      string      `json:"support_group" validate:"omitempty,vn_support_group"` // declared, evidenced by [19]
	// LocalGroups are the groups of the address province's own support resolution the person
	// declares (LocalGroup.ID), evidenced like the support group.
	LocalGroups []string `json:"local_groups,omitempty" validate:"omitempty,max=10,dive,max=60"`
	Requests    string   `json:"other_requests,omitempty" validate:"omitempty,max=500"` // [18]
}

// Registration is a validated TK1-TS: typed, normalised (NFC) and checked against the rules in
// force in its first month.
type Registration struct {
	FullName          string
	Gender            Gender
	BirthDate         BirthDate
	Nationality       string
	Ethnicity         string
	PersonalID        PersonalID
	OldSICode         OldSICode
	Phone             Phone
	Email             string
	BirthRegistration PlaceForm
	Address           AddressForm
	Income            Money
	Method            Method
	StartMonth        Month
	SupportGroup      SupportGroup
	LocalGroups       []string
	Requests          string
}

// SupportGroups are the groups the person may claim: the declared one and, for an ethnicity
// other than 01 Kinh, ethnic-minority. The calculator applies the highest (DOMAIN §3).
func (r Registration) SupportGroups() []SupportGroup {
	gs := []SupportGroup{r.SupportGroup}
	if r.Ethnicity != "" && r.Ethnicity != "01" && r.SupportGroup != EthnicMinority {
		gs = append(gs, EthnicMinority)
	}
	return gs
}

// Form turns a Registration back into its interchange form.
func (r Registration) Form() RegistrationForm {
	return RegistrationForm{
		FullName: r.FullName, Gender: r.Gender.String(), BirthDate: r.BirthDate.String(), Nationality: r.Nationality,
		Ethnicity: r.Ethnicity, PersonalID: string(r.PersonalID), OldSICode: string(r.OldSICode), Phone: string(r.Phone),
		Email: r.Email, BirthRegistration: r.BirthRegistration, Address: r.Address,
		Income: Amount(strconv.FormatInt(int64(r.Income), 10)), Method: r.Method.String(), StartMonth: r.StartMonth.String(),
		SupportGroup: string(r.SupportGroup), LocalGroups: r.LocalGroups, Requests: r.Requests,
	}
}

// Validator checks TK1-TS forms against the code lists and the rules. Safe for concurrent use.
type Validator struct {
	Rules  *Rules
	Places *Places
	// Now returns the current time; the start month defaults to the current month.
	Now func() time.Time

	v *validator.Validate
}

// NewValidator builds a validator; now defaults to time.Now.
func NewValidator(rules *Rules, places *Places, now func() time.Time) *Validator {
	if now == nil {
		now = time.Now
	}
	val := &Validator{Rules: rules, Places: places, Now: now, v: validator.New(validator.WithRequiredStructEnabled())}
	val.v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	parses := func(parse func(string) error) validator.Func {
		return func(fl validator.FieldLevel) bool { return parse(fl.Field().String()) == nil }
	}
	for tag, fn := range map[string]validator.Func{
		"vn_name":          func(fl validator.FieldLevel) bool { return validName(fl.Field().String()) },
		"vn_gender":        parses(func(s string) error { _, err := ParseGender(s); return err }),
		"vn_birth_date":    parses(func(s string) error { _, err := ParseBirthDate(s); return err }),
		"vn_ethnicity":     parses(func(s string) error { _, err := places.ParseEthnicity(s); return err }),
		"vn_personal_id":   parses(func(s string) error { _, err := ParsePersonalID(s); return err }),
		"vn_old_si_code":   parses(func(s string) error { _, err := ParseOldSICode(s); return err }),
		"vn_phone":         parses(func(s string) error { _, err := ParsePhone(s); return err }),
		"vn_money":         parses(func(s string) error { _, err := ParseMoney(s); return err }),
		"vn_method":        parses(func(s string) error { _, err := ParseMethod(s); return err }),
		"vn_month":         parses(func(s string) error { _, err := ParseMonth(s); return err }),
		"vn_support_group": parses(func(s string) error { _, err := ParseSupportGroup(s); return err }),
		"vn_province":      func(fl validator.FieldLevel) bool { _, ok := places.Province(fl.Field().String()); return ok },
	} {
		if err := val.v.RegisterValidation(tag, fn); err != nil {
			panic(err) // a programming error in the tag table
		}
	}
	val.v.RegisterStructValidation(val.crossChecks, RegistrationForm{})
	val.v.RegisterStructValidation(val.placeChecks, PlaceForm{}, AddressForm{})
	return val
}

// validName accepts letters (any script's, with marks), spaces, hyphens and apostrophes.
func validName(s string) bool {
	t := NormalizeText(s)
	if t == "" {
		return false
	}
	for _, r := range t {
		if !(isLetter(r) || r == ' ' || r == '-' || r == '\'') {
			return false
		}
	}
	return true
}

// codeByTag maps validator tags to the domain's message codes.
var codeByTag = map[string]string{
	"required": "required", "max": "too_long", "len": "commune_format", "numeric": "commune_format", "email": "email_format",
	"eq": "nationality_invalid", "vn_name": "name_chars", "vn_gender": "gender_invalid", "vn_birth_date": "birth_date_format",
	"vn_ethnicity": "ethnicity_unknown", "vn_personal_id": "personal_id_format", "vn_old_si_code": "old_si_code_format",
	"vn_phone": "phone_format", "vn_money": "money_format", "vn_method": "method_invalid", "vn_month": "month_format",
	"vn_support_group": "support_group_invalid", "vn_province": "province_unknown",
}

// fieldOrder is the order of TK1-TS, so problems are listed as the form reads.
var fieldOrder = []string{"full_name", "gender", "birth_date", "nationality", "ethnicity", "personal_id", "phone", "email",
	"birth_registration.province", "birth_registration.commune", "address.province", "address.commune", "address.detail",
	"old_si_code", "income", "method", "start_month", "support_group", "local_groups", "other_requests"}

// Validate checks a form and returns the typed Registration, or a *ValidationError listing
// every problem with its field (kind Invalid). A rule table without an entry for the start month
// is reported as the start_month field's problem "rules_missing".
func (val *Validator) Validate(f RegistrationForm) (Registration, error) {
	f = normalizeForm(f)
	err := val.v.Struct(f)
	var verrs validator.ValidationErrors
	if err != nil && !errors.As(err, &verrs) {
		return Registration{}, err
	}
	if len(verrs) > 0 {
		ve := &ValidationError{}
		for _, fe := range verrs {
			field := fe.Namespace()
			if _, rest, ok := strings.Cut(field, "."); ok {
				field = rest
			}
			code := codeByTag[fe.Tag()]
			if code == "" {
				code = fe.Tag() // cross-field checks report their own code as the tag
			}
			p := FieldProblem{Field: field, Code: code}
			if fe.Param() != "" {
				p.Args = decodeArgs(fe.Param())
			}
			ve.Problems = append(ve.Problems, p)
		}
		sortProblems(ve.Problems)
		return Registration{}, ve
	}
	return val.typed(f), nil
}

// normalizeForm puts every text field in NFC with spaces folded.
func normalizeForm(f RegistrationForm) RegistrationForm {
	for _, s := range []*string{&f.FullName, &f.Gender, &f.BirthDate, &f.Nationality, &f.Ethnicity, &f.PersonalID, &f.OldSICode,
		&f.Phone, &f.Email, &f.BirthRegistration.Province, &f.BirthRegistration.Commune, &f.Address.Province,
		&f.Address.Commune, &f.Address.Detail, &f.Method, &f.StartMonth, &f.SupportGroup, &f.Requests} {
		*s = NormalizeText(*s)
	}
	f.Income = Amount(NormalizeText(string(f.Income)))
	f.Nationality = strings.ToUpper(f.Nationality)
	if len(f.LocalGroups) > 0 {
		groups := make([]string, 0, len(f.LocalGroups))
		for _, g := range f.LocalGroups {
			if g = strings.ToLower(NormalizeText(g)); g != "" {
				groups = append(groups, g)
			}
		}
		f.LocalGroups = dedupeStrings(groups)
	}
	return f
}

// typed converts a form that passed validation; the parsers cannot fail here.
func (val *Validator) typed(f RegistrationForm) Registration {
	r := Registration{FullName: f.FullName, Nationality: f.Nationality, Email: f.Email, BirthRegistration: f.BirthRegistration,
		Address: f.Address, Requests: f.Requests, SupportGroup: Other}
	r.Gender, _ = ParseGender(f.Gender)
	r.BirthDate, _ = ParseBirthDate(f.BirthDate)
	r.Ethnicity, _ = val.Places.ParseEthnicity(f.Ethnicity)
	r.PersonalID, _ = ParsePersonalID(f.PersonalID)
	if f.OldSICode != "" {
		r.OldSICode, _ = ParseOldSICode(f.OldSICode)
	}
	r.Phone, _ = ParsePhone(f.Phone)
	r.Income, _ = ParseMoney(string(f.Income))
	r.Method, _ = ParseMethod(f.Method)
	r.StartMonth = val.startMonth(f)
	if f.SupportGroup != "" {
		r.SupportGroup, _ = ParseSupportGroup(f.SupportGroup)
	}
	r.LocalGroups = f.LocalGroups
	return r
}

func (val *Validator) startMonth(f RegistrationForm) Month {
	if m, err := ParseMonth(f.StartMonth); err == nil {
		return m
	}
	return MonthOfDate(calendar.DateOf(val.Now()))
}

// report records a cross-field problem; args travel in the validator's param as k=v;k=v.
func report(sl validator.StructLevel, field any, name, code string, args ...string) {
	var p []string
	for i := 0; i+1 < len(args); i += 2 {
		p = append(p, args[i]+"="+args[i+1])
	}
	sl.ReportError(field, name, name, code, strings.Join(p, ";"))
}

func decodeArgs(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		} else if kv != "" {
			m["param"] = kv
		}
	}
	return m
}

// crossChecks are the Vietnamese rules that tie fields together (DOMAIN §2–§5).
func (val *Validator) crossChecks(sl validator.StructLevel) {
	f := sl.Current().Interface().(RegistrationForm)
	g, gerr := ParseGender(f.Gender)
	b, berr := ParseBirthDate(f.BirthDate)
	id, iderr := ParsePersonalID(f.PersonalID)
	if iderr == nil {
		// Circular 07/2016/TT-BCA: the first three digits are the province of birth registration.
		if _, ok := val.Places.IDProvinceName(id.ProvinceCode()); !ok {
			report(sl, f.PersonalID, "personal_id", "personal_id_province", "code", id.ProvinceCode())
		}
		d := id.CenturySexDigit()
		if d > 5 {
			report(sl, f.PersonalID, "personal_id", "personal_id_digit", "digit", strconv.Itoa(d))
		} else if gerr == nil && berr == nil {
			if want, ok := CenturySexDigitFor(g, b.Year); ok && want != d {
				code := "personal_id_sex"
				if want/2 != d/2 {
					code = CodePersonalIDCentury
				}
				report(sl, f.PersonalID, "personal_id", code, "digit", strconv.Itoa(d), "want", strconv.Itoa(want))
			}
		} else if gerr == nil && (d%2 == 0) != (g == Male) {
			want := d + 1 // same century, the other sex
			if g == Male {
				want = d - 1
			}
			report(sl, f.PersonalID, "personal_id", "personal_id_sex", "digit", strconv.Itoa(d), "want", strconv.Itoa(want))
		}
		if berr == nil && id.YearDigits() != b.Year%100 {
			report(sl, f.PersonalID, "personal_id", "personal_id_year", "digits", f.PersonalID[4:6], "year", strconv.Itoa(b.Year))
		}
	}
	start := val.startMonth(f)
	if berr == nil {
		now := calendar.DateOf(val.Now())
		if b.Year > now.Year() || (b.Precision == FullDate && calendar.Of(b.Year, b.Month, b.Day) > now) {
			report(sl, f.BirthDate, "birth_date", "birth_date_future")
		}
	}
	con, conOK := val.Rules.Contribution.At(start)
	if !conOK {
		report(sl, f.StartMonth, "start_month", "rules_missing", "month", start.String())
		return
	}
	if berr == nil {
		if reach := b.ReachesAge(con.Value.MinAge); reach > start {
			report(sl, f.BirthDate, "birth_date", "age_under_min", "age", strconv.Itoa(con.Value.MinAge), "month", reach.VNString())
		}
	}
	if eth, err := val.Places.ParseEthnicity(f.Ethnicity); err == nil && f.SupportGroup == string(EthnicMinority) && eth == "01" {
		report(sl, f.SupportGroup, "support_group", "support_group_ethnicity")
	}
	for _, g := range f.LocalGroups {
		// A province's own group must be one its resolution names, for the address province.
		if _, ok := val.Rules.LocalGroup(f.Address.Province, g); !ok {
			report(sl, f.LocalGroups, "local_groups", "local_group_unknown", "value", g, "province", f.Address.Province)
			break
		}
	}
	if tn, err := ParseMoney(string(f.Income)); err == nil {
		floor, ceiling, err := val.Rules.Bounds(start)
		if err == nil {
			var e *Error
			if errors.As(checkIncome(tn, floor, ceiling, con.Value.IncomeStep), &e) {
				report(sl, string(f.Income), "income", e.Code, flatArgs(e.Args)...)
			}
		}
	}
	if m, err := ParseMethod(f.Method); err == nil {
		caps, ok := val.Rules.Caps.At(start)
		switch {
		case !ok:
		case m.Kind == Ahead && !caps.Value.AheadAllowed(m.Months):
			e := caps.Value.AheadError(m.Months)
			report(sl, f.Method, "method", e.Code, flatArgs(e.Args)...)
		case m.Kind == Missing && m.Months > caps.Value.MissingMax:
			report(sl, f.Method, "method", "method_missing_range", "max", strconv.Itoa(caps.Value.MissingMax))
		case m.Kind == Missing && gerr == nil && berr == nil:
			// Missing time may be paid at the earliest in the month before retirement age.
			if ret, ok := val.Rules.RetirementMonth(g, b); ok && start < ret.Add(-1) {
				report(sl, f.Method, "method", "method_missing_early", "month", ret.Add(-1).VNString())
			}
		}
	}
}

// placeChecks tie a commune to its province when the province's commune list is loaded.
func (val *Validator) placeChecks(sl validator.StructLevel) {
	var prov, comm string
	switch p := sl.Current().Interface().(type) {
	case PlaceForm:
		prov, comm = p.Province, p.Commune
	case AddressForm:
		prov, comm = p.Province, p.Commune
	}
	if len(comm) != 5 || !AllDigits(comm) || !val.Places.HasCommunes(prov) {
		return
	}
	if _, ok := val.Places.CommuneName(prov, comm); !ok {
		report(sl, comm, "commune", "commune_unknown", "province", prov)
	}
}

func flatArgs(m map[string]string) []string {
	out := make([]string, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

func sortProblems(ps []FieldProblem) {
	rank := func(f string) int {
		for i, n := range fieldOrder {
			if n == f {
				return i
			}
		}
		return len(fieldOrder)
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && rank(ps[j].Field) < rank(ps[j-1].Field); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// maxShortField is the longest a form's coded or short field may be (a gender, a date, an ID,
// a phone number, a province or commune code, an amount, a method, a month, a group).
const maxShortField = 40

// FormTooLong checks only the lengths of a form's fields, as its validation tags bound them
// (the name 100, the address detail 200, the email 100, the requests 500, ten local groups of
// 60) and the short fields to maxShortField: what the centre checks of a dossier it stores
// without the rules of its month. A Invalid "too_long" error names the first field too long.
func FormTooLong(f RegistrationForm) error {
	check := []struct {
		field, value string
		max          int
	}{
		{"full_name", f.FullName, MaxNameRunes}, {"address.detail", f.Address.Detail, 200}, {"email", f.Email, 100},
		{"other_requests", f.Requests, 500},
	}
	for _, s := range []struct{ field, value string }{{"gender", f.Gender}, {"birth_date", f.BirthDate}, {"nationality", f.Nationality},
		{"ethnicity", f.Ethnicity}, {"personal_id", f.PersonalID}, {"old_si_code", f.OldSICode}, {"phone", f.Phone},
		{"birth_registration.province", f.BirthRegistration.Province}, {"birth_registration.commune", f.BirthRegistration.Commune},
		{"address.province", f.Address.Province}, {"address.commune", f.Address.Commune}, {"income", string(f.Income)},
		{"method", f.Method}, {"start_month", f.StartMonth}, {"support_group", f.SupportGroup}} {
		check = append(check, struct {
			field, value string
			max          int
		}{s.field, s.value, maxShortField})
	}
	for _, c := range check {
		if utf8.RuneCountInString(c.value) > c.max {
			return &Error{Kind: Invalid, Code: CodeTooLong, Field: c.field, Args: map[string]string{"param": strconv.Itoa(c.max)}}
		}
	}
	if len(f.LocalGroups) > 10 {
		return &Error{Kind: Invalid, Code: CodeTooLong, Field: "local_groups", Args: map[string]string{"param": "10"}}
	}
	for _, g := range f.LocalGroups {
		if utf8.RuneCountInString(g) > 60 {
			return &Error{Kind: Invalid, Code: CodeTooLong, Field: "local_groups", Args: map[string]string{"param": "60"}}
		}
	}
	return nil
}

// Empty says whether the form holds nothing typed by the officer: only what the screen fills in
// by itself (the start month, the method, the nationality and the group) does not count.
func (f RegistrationForm) Empty() bool {
	return f.FullName == "" && f.BirthDate == "" && f.PersonalID == "" && f.Phone == "" && f.Email == "" &&
		f.Ethnicity == "" && f.Address.Detail == "" && f.Address.Commune == "" && f.BirthRegistration.Commune == "" &&
		f.OldSICode == "" && f.Income == "" && f.Requests == ""
}

// Draft is a registration form an officer was filling in and has not saved (tờ khai đang nhập
// dở): kept in the encrypted store, one per account, so that quitting, a crash, a power cut
// or the lock screen never loses what a citizen dictated. Saving the registration removes it.
type Draft struct {
	Form RegistrationForm `json:"form"`
	// Touched are the fields the officer has left (their problems show again).
	Touched map[string]bool `json:"touched,omitempty"`
	Saved   time.Time       `json:"saved"`
}
