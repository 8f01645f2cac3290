package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DayKind says why a date is special in a year's calendar.
type DayKind string

const (
	// Holiday is a public holiday of Labour Code art. 112 (ngày lễ, Tết).
	Holiday DayKind = "holiday"
	// Compensatory is a day off because a holiday fell on a weekend (nghỉ bù).
	Compensatory DayKind = "compensatory"
	// Swap is a working day exchanged for a make-up Saturday (hoán đổi ngày làm việc).
	Swap DayKind = "swap"
	// Makeup is a Saturday worked in exchange for a swapped day (làm bù).
	Makeup DayKind = "makeup"
	// Local is a day off or on decided by a province.
	Local DayKind = "local"
)

// Day is one entry of a published calendar.
type Day struct {
	Date   Date    `json:"date"`
	Kind   DayKind `json:"kind"`
	NameVI string  `json:"name_vi"`
	NameEN string  `json:"name_en"`
	// Status "proposed" marks a day announced but not yet law (⚠ 24/11 from 2026): listed so an
	// administrator can confirm it in an override, but not applied.
	Status string `json:"status,omitempty"`
}

// Year is the calendar published for one year (data file assets/calendar/YYYY.json).
type Year struct {
	Year     int    `json:"year"`
	Status   string `json:"status"` // official | reported | projected
	Source   string `json:"source"`
	Off      []Day  `json:"off"`      // weekdays (or any days) with no office work
	Workdays []Day  `json:"workdays"` // weekend days worked (make-up Saturdays)
}

// Override is what a province changes on top of the national calendar.
type Override struct {
	Off      []Day  `json:"off"`
	Workdays []Day  `json:"workdays"`
	Cutoff   string `json:"cutoff"` // HH:MM; empty keeps the national default
}

type overridesFile struct {
	Doc           string              `json:"doc"`
	DefaultCutoff string              `json:"default_cutoff"`
	Provinces     map[string]Override `json:"provinces"`
}

// Book holds every published year and the province overrides. It is read-only once loaded.
type Book struct {
	years         map[int]Year
	defaultCutoff clock
	overrides     map[string]Override
}

type clock struct{ h, m int }

func parseClock(s string) (clock, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return clock{}, fmt.Errorf("cut-off %q: want HH:MM", s)
	}
	return clock{hh, mm}, nil
}

// Load reads every YYYY.json and provinces.json in dir of fsys, and checks them: each year's
// dates lie in that year, a day is not both off and worked, make-up days fall on weekends. Files
// of the same names in an override folder (at its root, or in its folder named like dir)
// replace or add years and replace provinces.json.
func Load(fsys fs.FS, dir string, overrides ...fs.FS) (*Book, error) {
	b := &Book{years: map[int]Year{}, overrides: map[string]Override{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	source := map[string]fs.FS{} // file name → the folder it is read from (last one wins)
	for _, e := range entries {
		source[e.Name()] = sub(fsys, dir)
	}
	// An override holds its files at its root (an administrator's folder) or in a folder named
	// like dir (the layout the centre publishes), which wins.
	for _, o := range overrides {
		for _, d := range []string{".", dir} {
			oe, err := fs.ReadDir(o, d)
			if err != nil {
				continue
			}
			for _, e := range oe {
				if isYearFile(e.Name()) || e.Name() == "provinces.json" {
					source[e.Name()] = sub(o, d)
				}
			}
		}
	}
	for name, from := range source {
		if !isYearFile(name) {
			continue
		}
		var y Year
		if err := readJSON(from, name, &y); err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(name, ".json"); strconv.Itoa(y.Year) != want {
			return nil, fmt.Errorf("calendar %s: year %d does not match the file name", name, y.Year)
		}
		if err := checkDays(y.Year, y.Off, y.Workdays); err != nil {
			return nil, fmt.Errorf("calendar %s: %w", name, err)
		}
		b.years[y.Year] = y
	}
	if len(b.years) == 0 {
		return nil, errors.New("calendar: no year files")
	}
	var of overridesFile
	pf, ok := source["provinces.json"]
	if !ok {
		return nil, errors.New("calendar: provinces.json missing")
	}
	if err := readJSON(pf, "provinces.json", &of); err != nil {
		return nil, err
	}
	if b.defaultCutoff, err = parseClock(of.DefaultCutoff); err != nil {
		return nil, fmt.Errorf("calendar provinces.json: %w", err)
	}
	for code, o := range of.Provinces {
		if o.Cutoff != "" {
			if _, err := parseClock(o.Cutoff); err != nil {
				return nil, fmt.Errorf("calendar provinces.json %s: %w", code, err)
			}
		}
		if err := checkDays(0, o.Off, o.Workdays); err != nil {
			return nil, fmt.Errorf("calendar provinces.json %s: %w", code, err)
		}
		b.overrides[code] = o
	}
	return b, nil
}

func isYearFile(name string) bool {
	y, ok := strings.CutSuffix(name, ".json")
	_, err := strconv.Atoi(y)
	return ok && len(y) == 4 && err == nil
}

func sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		return fsys
	}
	return s
}

func readJSON(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("calendar %s: %w", name, err)
	}
	return nil
}

func checkDays(year int, off, work []Day) error {
	seen := map[Date]string{}
	for _, d := range off {
		if year != 0 && d.Date.Year() != year {
			return fmt.Errorf("day off %s is not in %d", d.Date, year)
		}
		if d.NameVI == "" {
			return fmt.Errorf("day off %s has no Vietnamese name", d.Date)
		}
		if _, dup := seen[d.Date]; dup {
			return fmt.Errorf("day %s listed twice", d.Date)
		}
		seen[d.Date] = "off"
	}
	for _, d := range work {
		if year != 0 && d.Date.Year() != year {
			return fmt.Errorf("make-up day %s is not in %d", d.Date, year)
		}
		if wd := d.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return fmt.Errorf("make-up day %s is a %s, not a weekend day", d.Date, wd)
		}
		if _, dup := seen[d.Date]; dup {
			return fmt.Errorf("day %s is both off and worked", d.Date)
		}
		seen[d.Date] = "work"
	}
	return nil
}

// Years lists the published years in order.
func (b *Book) Years() []int {
	ys := make([]int, 0, len(b.years))
	for y := range b.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// YearStatus returns the status of a year's calendar ("official", "reported", "projected").
func (b *Book) YearStatus(y int) (string, bool) {
	yr, ok := b.years[y]
	return yr.Status, ok
}

// Calendar is the working-day calendar of one province: the national calendar with the
// province's override applied.
type Calendar struct {
	Province string
	book     *Book
	off      map[Date]Day
	work     map[Date]Day
	cutoff   clock
}

// For returns the calendar of a province (current two-digit code; "" for the national one).
func (b *Book) For(province string) *Calendar {
	c := &Calendar{Province: province, book: b, off: map[Date]Day{}, work: map[Date]Day{}, cutoff: b.defaultCutoff}
	for _, y := range b.years {
		for _, d := range y.Off {
			if d.Status != "proposed" {
				c.off[d.Date] = d
			}
		}
		for _, d := range y.Workdays {
			if d.Status != "proposed" {
				c.work[d.Date] = d
			}
		}
	}
	if o, ok := b.overrides[province]; ok {
		for _, d := range o.Off {
			delete(c.work, d.Date)
			c.off[d.Date] = d
		}
		for _, d := range o.Workdays {
			delete(c.off, d.Date)
			c.work[d.Date] = d
		}
		if o.Cutoff != "" {
			c.cutoff, _ = parseClock(o.Cutoff) // checked in Load
		}
	}
	return c
}

// ErrNoCalendar is wrapped when a date falls in a year with no published calendar.
var ErrNoCalendar = errors.New("no published calendar for this year")

// NoCalendarError names the year that has no published calendar; it wraps ErrNoCalendar.
type NoCalendarError struct{ Year int }

func (e *NoCalendarError) Error() string { return fmt.Sprintf("%v: %d", ErrNoCalendar, e.Year) }

func (e *NoCalendarError) Unwrap() error { return ErrNoCalendar }

// IsWorkingDay reports whether the office works on d. It fails with ErrNoCalendar for a year
// whose calendar is not loaded, rather than guess.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if _, ok := c.book.years[d.Year()]; !ok {
		return false, &NoCalendarError{Year: d.Year()}
	}
	if _, ok := c.work[d]; ok {
		return true, nil
	}
	if _, ok := c.off[d]; ok {
		return false, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// Special returns the calendar entry for d when it is a holiday, swapped day or make-up day.
func (c *Calendar) Special(d Date) (Day, bool) {
	if v, ok := c.off[d]; ok {
		return v, true
	}
	v, ok := c.work[d]
	return v, ok
}

// Due is the answer of DueDate.
type Due struct {
	Received time.Time `json:"received"`
	// Start is the day counting is based on: the receipt day, or the next working day when the
	// dossier came after the cut-off hour or on a day the office does not work.
	Start   Date   `json:"start"`
	Days    int    `json:"days"`
	Date    Date   `json:"due"`
	Counted []Date `json:"counted"`
}

// DueDate returns the appointment date for a dossier received at the given time that takes the
// given number of working days. The day of receipt is not counted (Decree 61/2018 art. 20 one-stop
// practice); a dossier received after the office's cut-off hour, or on a day off, counts as
// received on the next working day. Zero days means the same (effective) day.
func DueDate(received time.Time, days int, c *Calendar) (Due, error) {
	if days < 0 {
		return Due{}, fmt.Errorf("working days %d: must not be negative", days)
	}
	local := received.In(VN)
	start := DateOf(local)
	work, err := c.IsWorkingDay(start)
	if err != nil {
		return Due{}, err
	}
	after := local.Hour()*60+local.Minute() >= c.cutoff.h*60+c.cutoff.m
	if !work || after {
		if start, err = c.next(start); err != nil {
			return Due{}, err
		}
	}
	due := Due{Received: local, Start: start, Days: days, Date: start}
	d := start
	for i := 0; i < days; i++ {
		if d, err = c.next(d); err != nil {
			return Due{}, err
		}
		due.Counted = append(due.Counted, d)
	}
	due.Date = d
	return due, nil
}

// next returns the first working day after d.
func (c *Calendar) next(d Date) (Date, error) {
	for i := 0; i < 366; i++ {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			return d, nil
		}
	}
	return 0, fmt.Errorf("no working day within a year after %s", d)
}

// WorkingDaysBetween counts working days in (from, to]: how many days of a deadline have passed.
// Negative when to is before from.
func (c *Calendar) WorkingDaysBetween(from, to Date) (int, error) {
	sign := 1
	if to < from {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); d <= to; d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}
