// Package calendar counts working days the way a Vietnamese public office does: Monday to Friday,
// minus public holidays, compensatory and swapped days off, plus announced make-up Saturdays,
// from calendars published per year (data, never code), with per-province overrides and an
// office cut-off hour. Its main answer is DueDate: the appointment date (ngày hẹn trả kết quả).
package calendar

import (
	"fmt"
	"time"
)

// VN is Vietnam's civil time (UTC+7, no daylight saving). A fixed zone needs no tz database,
// which office PCs running Windows may lack.
var VN = time.FixedZone("ICT", 7*3600)

// Date is a civil date (ngày) in Vietnam, counted in days since 1970-01-01.
type Date int32

// Of returns the date y-m-d; out-of-range parts normalise as time.Date does.
func Of(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// DateOf returns the civil date of t in Vietnam.
func DateOf(t time.Time) Date {
	t = t.In(VN)
	return Of(t.Year(), t.Month(), t.Day())
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || len(s) != 10 {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Of(t.Year(), t.Month(), t.Day()), nil
}

// Time is midnight of the date in Vietnam.
func (d Date) Time() time.Time {
	u := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, VN)
}

// Parts returns year, month and day.
func (d Date) Parts() (int, time.Month, int) {
	u := time.Unix(int64(d)*86400, 0).UTC()
	return u.Year(), u.Month(), u.Day()
}

// Year returns the date's year.
func (d Date) Year() int { y, _, _ := d.Parts(); return y }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return time.Weekday((int64(d) + 4) % 7) } // 1970-01-01 was a Thursday

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String formats as YYYY-MM-DD.
func (d Date) String() string {
	y, m, dd := d.Parts()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// VNString formats as dd/mm/yyyy, as Vietnamese forms print dates.
func (d Date) VNString() string {
	y, m, dd := d.Parts()
	return fmt.Sprintf("%02d/%02d/%04d", dd, int(m), y)
}

// MarshalText encodes as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
