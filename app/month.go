package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app/calendar"
)

// Month is a calendar month (tháng), the unit of contributions and participation periods,
// stored as year*12 + month-1. The zero Month is not a valid month.
type Month int32

// MonthOf returns the month of year y.
func MonthOf(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// MonthOfDate returns the month containing d.
func MonthOfDate(d calendar.Date) Month {
	y, m, _ := d.Parts()
	return MonthOf(y, m)
}

// ParseMonth parses YYYY-MM (also accepts MM/YYYY as officers type it).
func ParseMonth(s string) (Month, error) {
	var y, m int
	var err1, err2 error
	switch {
	case len(s) == 7 && s[4] == '-' && AllDigits(s[:4]) && AllDigits(s[5:]):
		y, err1 = strconv.Atoi(s[:4])
		m, err2 = strconv.Atoi(s[5:])
	case len(s) == 7 && s[2] == '/' && AllDigits(s[:2]) && AllDigits(s[3:]):
		m, err1 = strconv.Atoi(s[:2])
		y, err2 = strconv.Atoi(s[3:])
	default:
		return 0, Errorf(Invalid, CodeMonthFormat, "value", s)
	}
	if err1 != nil || err2 != nil || y < 1900 || y > 2200 || m < 1 || m > 12 {
		return 0, Errorf(Invalid, CodeMonthFormat, "value", s)
	}
	return MonthOf(y, time.Month(m)), nil
}

// Year of the month.
func (m Month) Year() int { return int(m) / 12 }

// Mon is the month of the year, 1..12.
func (m Month) Mon() time.Month { return time.Month(int(m)%12 + 1) }

// Add returns the month n months later.
func (m Month) Add(n int) Month { return m + Month(n) }

// FirstDay is the first day of the month.
func (m Month) FirstDay() calendar.Date { return calendar.Of(m.Year(), m.Mon(), 1) }

// LastDay is the last day of the month.
func (m Month) LastDay() calendar.Date { return calendar.Of(m.Year(), m.Mon()+1, 0) }

// String formats as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Mon())) }

// VNString formats as MM/YYYY.
func (m Month) VNString() string { return fmt.Sprintf("%02d/%04d", int(m.Mon()), m.Year()) }

// MarshalText encodes as YYYY-MM.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes YYYY-MM; "0000-01", the zero Month's text, reads back as zero.
func (m *Month) UnmarshalText(b []byte) error {
	if string(b) == "0000-01" {
		*m = 0
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// PhoneDigits is a phone number's digits, the international "+84" read as the leading 0
// ("+84 912.345.678" → "0912345678"), as the search indexes keep it.
func PhoneDigits(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "+84"); ok {
		s = "0" + rest
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
