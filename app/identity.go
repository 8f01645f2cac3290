package app

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Gender is the sex recorded on the ID card (giới tính), field [02].
type Gender uint8

const (
	// Male (nam).
	Male Gender = iota + 1
	// Female (nữ).
	Female
)

// ParseGender accepts the interchange words and the Vietnamese ones.
func ParseGender(s string) (Gender, error) {
	switch FoldKey(s) {
	case "male", "nam", "m":
		return Male, nil
	case "female", "nu", "f":
		return Female, nil
	}
	return 0, Errorf(Invalid, CodeGenderInvalid, "value", s)
}

func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return ""
}

// PersonalID is the 12-digit personal identification number (số định danh cá nhân, CCCD):
// 3-digit province-of-birth-registration code, a century/sex digit, two birth-year digits and six
// serial digits. Since 2025-08-01 it is also the social-insurance code. It has no checksum.
type PersonalID string

// ParsePersonalID accepts exactly 12 digits, ignoring spaces and dots people type between
// groups. It checks the shape only; Places.CheckPersonalID checks the province code and
// Registration validation checks century, sex and year against the declared birth date.
func ParsePersonalID(s string) (PersonalID, error) {
	t := StripSeparators(s)
	if len(t) != 12 || !AllDigits(t) {
		return "", Errorf(Invalid, CodePersonalIdFormat, "value", s)
	}
	return PersonalID(t), nil
}

// ProvinceCode is the 3-digit code of the province where the birth was registered (historical
// 63-province codes, Circular 07/2016/TT-BCA). It does not tell the current province.
func (p PersonalID) ProvinceCode() string { return string(p[:3]) }

// CenturySexDigit is the fourth digit: 0/1 for 1900s male/female, 2/3 for 2000s, 4/5 for 2100s.
func (p PersonalID) CenturySexDigit() int { return int(p[3] - '0') }

// YearDigits is the last two digits of the birth year.
func (p PersonalID) YearDigits() int { return int(p[4]-'0')*10 + int(p[5]-'0') }

// Masked hides the serial part for logs and printouts: "001190******".
func (p PersonalID) Masked() string {
	if len(p) != 12 {
		return "************"
	}
	return string(p[:6]) + "******"
}

// CenturySexDigitFor returns the digit an ID must carry for a person of this gender born in year.
func CenturySexDigitFor(g Gender, year int) (int, bool) {
	c := year/100 - 19
	if c < 0 || c > 2 || (g != Male && g != Female) {
		return 0, false
	}
	d := 2 * c
	if g == Female {
		d++
	}
	return d, true
}

// OldSICode is the 10-digit social-insurance code used before 2025-08 (mã số BHXH), kept linked.
type OldSICode string

// ParseOldSICode accepts exactly 10 digits.
func ParseOldSICode(s string) (OldSICode, error) {
	t := StripSeparators(s)
	if len(t) != 10 || !AllDigits(t) {
		return "", Errorf(Invalid, CodeOldSiCodeFormat, "value", s)
	}
	return OldSICode(t), nil
}

// Phone is a Vietnamese phone number in national form (số điện thoại), field [07].
type Phone string

// ParsePhone accepts a mobile number 0[35789]xxxxxxxx, a landline 02xx + 7–8 digits, or either in
// +84 / 84 international form; it returns the national form with a leading 0.
func ParsePhone(s string) (Phone, error) {
	t := StripSeparators(strings.NewReplacer("-", "", "(", "", ")", "").Replace(s))
	switch {
	case strings.HasPrefix(t, "+84"):
		t = "0" + t[3:]
	case strings.HasPrefix(t, "84") && len(t) >= 11:
		t = "0" + t[2:]
	}
	if !AllDigits(t) || len(t) < 10 || t[0] != '0' {
		return "", Errorf(Invalid, CodePhoneFormat, "value", s)
	}
	switch {
	case len(t) == 10 && strings.ContainsRune("35789", rune(t[1])):
		return Phone(t), nil
	case t[1] == '2' && (len(t) == 11 || len(t) == 12):
		// 02xx area code (4 digits with the 0) + 7 or 8 subscriber digits.
		return Phone(t), nil
	}
	return "", Errorf(Invalid, CodePhoneFormat, "value", s)
}

func StripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '\u00a0' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// Precision says how much of a birth date is known.
type Precision uint8

const (
	// FullDate: day, month and year known.
	FullDate Precision = iota + 1
	// MonthYear: only month and year known.
	MonthYear
	// YearOnly: only the year known.
	YearOnly
)

// BirthDate is a birth date (ngày sinh), field [03], which may be known only to the month or
// year. For age rules an unknown day counts as the 1st and an unknown month as January.
type BirthDate struct {
	Year      int
	Month     time.Month // 1 when unknown
	Day       int        // 1 when unknown
	Precision Precision
}

// ParseBirthDate accepts YYYY-MM-DD, YYYY-MM or YYYY, and the Vietnamese dd/mm/yyyy, mm/yyyy.
func ParseBirthDate(s string) (BirthDate, error) {
	t := strings.TrimSpace(s)
	bad := Errorf(Invalid, CodeBirthDateFormat, "value", s)
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == '-' || r == '/' })
	for _, p := range parts {
		if !AllDigits(p) {
			return BirthDate{}, bad
		}
	}
	var y, m, d = 0, 1, 1
	var prec Precision
	atoi := func(p string) int {
		n := 0
		for _, c := range p {
			n = n*10 + int(c-'0')
		}
		return n
	}
	switch {
	case len(parts) == 1 && len(parts[0]) == 4:
		y, prec = atoi(parts[0]), YearOnly
	case len(parts) == 2 && strings.Contains(t, "-") && len(parts[0]) == 4 && len(parts[1]) == 2:
		y, m, prec = atoi(parts[0]), atoi(parts[1]), MonthYear
	case len(parts) == 2 && strings.Contains(t, "/") && len(parts[1]) == 4 && len(parts[0]) <= 2:
		m, y, prec = atoi(parts[0]), atoi(parts[1]), MonthYear
	case len(parts) == 3 && strings.Count(t, "-") == 2 && len(parts[0]) == 4 && len(parts[1]) == 2 && len(parts[2]) == 2:
		y, m, d, prec = atoi(parts[0]), atoi(parts[1]), atoi(parts[2]), FullDate
	case len(parts) == 3 && strings.Count(t, "/") == 2 && len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		d, m, y, prec = atoi(parts[0]), atoi(parts[1]), atoi(parts[2]), FullDate
	default:
		return BirthDate{}, bad
	}
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, time.Month(m)) {
		return BirthDate{}, bad
	}
	return BirthDate{Year: y, Month: time.Month(m), Day: d, Precision: prec}, nil
}

func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats in the interchange form of its precision: YYYY-MM-DD, YYYY-MM or YYYY.
func (b BirthDate) String() string {
	switch b.Precision {
	case FullDate:
		return time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	case MonthYear:
		return time.Date(b.Year, b.Month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	case YearOnly:
		return time.Date(b.Year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
	}
	return ""
}

// VNString formats as printed on Vietnamese forms: dd/mm/yyyy, mm/yyyy or yyyy.
func (b BirthDate) VNString() string {
	switch b.Precision {
	case FullDate:
		return time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC).Format("02/01/2006")
	case MonthYear:
		return time.Date(b.Year, b.Month, 1, 0, 0, 0, 0, time.UTC).Format("01/2006")
	case YearOnly:
		return time.Date(b.Year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
	}
	return ""
}

// ReachesAge returns the month in which the person turns age full years (unknown day = 1st,
// unknown month = January, per the insurance rule for incomplete birth dates).
func (b BirthDate) ReachesAge(age int) Month { return MonthOf(b.Year+age, b.Month) }

// MaxNameRunes is the longest full name a form, an import, a review decision or the centre
// takes (TK1-TS field [01]).
const MaxNameRunes = 100

// CheckIdentity checks what a person is identified by, with the parsers the desk's form uses:
// a name of letters within MaxNameRunes, a gender and a birth date. The centre checks every
// identity it stores with it, from a registration or a review's decision.
func CheckIdentity(fullName, birthDate, gender string) error {
	name := NormalizeText(fullName)
	if utf8.RuneCountInString(name) > MaxNameRunes {
		return &Error{Kind: Invalid, Code: CodeTooLong, Field: "full_name", Args: map[string]string{"param": fmt.Sprint(MaxNameRunes)}}
	}
	if !validName(name) {
		return &Error{Kind: Invalid, Code: CodeNameChars, Field: "full_name"}
	}
	if _, err := ParseGender(gender); err != nil {
		return &Error{Kind: Invalid, Code: CodeGenderInvalid, Field: "gender"}
	}
	if _, err := ParseBirthDate(birthDate); err != nil {
		return &Error{Kind: Invalid, Code: CodeBirthDateFormat, Field: "birth_date", Args: map[string]string{"value": truncate(birthDate, 20)}}
	}
	return nil
}

// truncate cuts s to at most n runes for a message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Clip cuts a text taken into a message to n characters, with "…" when cut.
func Clip(s string, n int) string { return truncate(s, n) }

// BirthDatesAgree reports whether two birth dates as stored ("1990-05-17", "1990-05", "1990")
// agree at the precision both give: 1990 agrees with 1990-05-17, 1990-06 does not.
func BirthDatesAgree(a, b string) bool {
	n := min(len(a), len(b))
	return a[:n] == b[:n]
}
