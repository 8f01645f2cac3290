package calendar_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
)

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

func TestDueDate(t *testing.T) {
	book := assets.MustLoad().Calendars
	national := book.For("")
	tests := []struct {
		name, received string
		days           int
		due            string
		counted        []string
	}{
		// DOMAIN.md §7 worked example.
		{"Thu 24/04/2025 → make-up Saturday counts, 30/04–04/05 off → 05/05/2025", "2025-04-24T09:00:00+07:00", 5, "2025-05-05",
			[]string{"2025-04-25", "2025-04-26", "2025-04-28", "2025-04-29", "2025-05-05"}},
		{"the day of receipt is not counted", "2025-11-17T08:00:00+07:00", 1, "2025-11-18", []string{"2025-11-18"}},
		{"after the cut-off hour counts from the next working day", "2025-11-17T16:30:00+07:00", 1, "2025-11-19", []string{"2025-11-19"}},
		{"received on a Saturday counts from Monday", "2025-11-22T09:00:00+07:00", 1, "2025-11-25", []string{"2025-11-25"}},
		{"skips Tết 2026 (14/02–22/02)", "2026-02-12T10:00:00+07:00", 2, "2026-02-23", []string{"2026-02-13", "2026-02-23"}},
		{"compensatory day for Hùng Kings on a Sunday (27/04/2026)", "2026-04-24T10:00:00+07:00", 1, "2026-04-28", []string{"2026-04-28"}},
		{"make-up Saturday 10/01/2026 counts", "2026-01-09T10:00:00+07:00", 1, "2026-01-10", []string{"2026-01-10"}},
		{"time zone: 01:30 UTC is 08:30 in Hà Nội", "2025-11-17T01:30:00Z", 1, "2025-11-18", []string{"2025-11-18"}},
		// Resolution 28/2026/QH16 art. 2 (from 01/07/2026): 24/11 is a paid day off.
		{"24/11/2026, Ngày Văn hóa Việt Nam, is a holiday", "2026-11-17T09:00:00+07:00", 5, "2026-11-25",
			[]string{"2026-11-18", "2026-11-19", "2026-11-20", "2026-11-23", "2026-11-25"}},
		{"received the day before it", "2026-11-23T09:00:00+07:00", 1, "2026-11-25", []string{"2026-11-25"}},
		{"24/11/2027 too", "2027-11-23T09:00:00+07:00", 1, "2027-11-25", []string{"2027-11-25"}},
		// Notice 9441/TB-BNV: 31/08/2026 swapped for the make-up Saturday 22/08/2026.
		{"make-up Saturday 22/08/2026 counts", "2026-08-21T09:00:00+07:00", 1, "2026-08-22", []string{"2026-08-22"}},
		{"swapped Monday 31/08/2026 and 01–02/09 are off", "2026-08-28T09:00:00+07:00", 1, "2026-09-03", []string{"2026-09-03"}},
		{"crosses the year into 2026 and skips 1–2/01", "2025-12-30T10:00:00+07:00", 2, "2026-01-05", []string{"2025-12-31", "2026-01-05"}},
		{"zero days is the effective receipt day", "2025-11-22T09:00:00+07:00", 0, "2025-11-24", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := calendar.DueDate(at(t, tt.received), tt.days, national)
			require.NoError(t, err)
			assert.Equal(t, tt.due, d.Date.String())
			var got []string
			for _, c := range d.Counted {
				got = append(got, c.String())
			}
			assert.Equal(t, tt.counted, got)
		})
	}
}

func TestDueDateRefusesUnpublishedYears(t *testing.T) {
	national := assets.MustLoad().Calendars.For("")
	_, err := calendar.DueDate(at(t, "2027-12-28T10:00:00+07:00"), 5, national)
	assert.ErrorIs(t, err, calendar.ErrNoCalendar, "2028 is not published: no guessing")
	_, err = calendar.DueDate(at(t, "2023-06-01T10:00:00+07:00"), 5, national)
	assert.ErrorIs(t, err, calendar.ErrNoCalendar)
	_, err = calendar.DueDate(at(t, "2025-06-02T10:00:00+07:00"), -1, national)
	assert.Error(t, err)
}

func TestProvinceOverride(t *testing.T) {
	fsys := fstest.MapFS{
		"cal/2025.json": {
			Data: []byte(
				`{"year":2025,"status":"official","source":"test","off":[{"date":"2025-09-02","kind":"holiday","name_vi":"Quốc khánh",
					"name_en":"National Day"}],"workdays":[]}`,
			),
		},
		"cal/provinces.json": {Data: []byte(`{"default_cutoff":"16:00","provinces":{"79":{"cutoff":"17:00",
			"off":[{"date":"2025-09-03","kind":"local","name_vi":"Nghỉ theo quyết định của tỉnh","name_en":"Provincial day off"}],
				"workdays":[]}}}`)},
	}
	book, err := calendar.Load(fsys, "cal")
	require.NoError(t, err)
	d, err := calendar.DueDate(at(t, "2025-09-01T16:30:00+07:00"), 1, book.For("79"))
	require.NoError(t, err)
	assert.Equal(t, "2025-09-04", d.Date.String(), "province 79: cut-off 17:00, 03/09 off")
	d, err = calendar.DueDate(at(t, "2025-09-01T16:30:00+07:00"), 1, book.For("01"))
	require.NoError(t, err)
	assert.Equal(t, "2025-09-04", d.Date.String(), "national: after 16:00 counts from 03/09")
	n, err := book.For("").WorkingDaysBetween(calendar.Of(2025, 9, 1), calendar.Of(2025, 9, 8))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
}

func TestLoadRejectsBadCalendars(t *testing.T) {
	tests := []struct{ name, year, prov string }{
		{
			"a day of another year",
			`{"year":2025,"status":"official","source":"x","off":[{"date":"2024-09-02","kind":"holiday","name_vi":"x","name_en":"x"}],
				"workdays":[]}`,
			`{"default_cutoff":"16:00","provinces":{}}`,
		},
		{
			"a make-up day on a weekday",
			`{"year":2025,"status":"official","source":"x","off":[],"workdays":[{"date":"2025-09-03","kind":"makeup","name_vi":"x","name_en":"x"}]}`,
			`{"default_cutoff":"16:00","provinces":{}}`,
		},
		{
			"a day both off and worked",
			`{"year":2025,"status":"official","source":"x","off":[{"date":"2025-04-26","kind":"holiday","name_vi":"x","name_en":"x"}],
				"workdays":[{"date":"2025-04-26","kind":"makeup","name_vi":"x","name_en":"x"}]}`,
			`{"default_cutoff":"16:00","provinces":{}}`,
		},
		{"a bad cut-off", `{"year":2025,"status":"official","source":"x","off":[],"workdays":[]}`, `{"default_cutoff":"25:00","provinces":{}}`},
		{
			"an unknown field",
			`{"year":2025,"status":"official","source":"x","off":[],"workdays":[],"extra":1}`,
			`{"default_cutoff":"16:00","provinces":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.Load(fstest.MapFS{"c/2025.json": {Data: []byte(tt.year)}, "c/provinces.json": {Data: []byte(tt.prov)}}, "c")
			assert.Error(t, err)
		})
	}
}

func TestPublishedYears(t *testing.T) {
	book := assets.MustLoad().Calendars
	assert.Equal(t, []int{2024, 2025, 2026, 2027}, book.Years())
	st, _ := book.YearStatus(2027)
	assert.Equal(t, "projected", st)
	st, _ = book.YearStatus(2026)
	assert.Equal(t, "official", st)
	// 24/11 is a paid day off from 2026 (Resolution 28/2026/QH16 art. 2).
	for _, d := range []calendar.Date{calendar.Of(2026, 11, 24), calendar.Of(2027, 11, 24)} {
		ok, err := book.For("").IsWorkingDay(d)
		require.NoError(t, err)
		assert.False(t, ok, d.String())
		day, _ := book.For("").Special(d)
		assert.Equal(t, calendar.Holiday, day.Kind)
		assert.Empty(t, day.Status, "applied, not proposed")
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-04-24", "2024-02-29", "2025-02-29", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return
		}
		assert.Equal(t, s, d.String())
		assert.Equal(t, d, calendar.DateOf(d.Time()))
	})
}
