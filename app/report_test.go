package app_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

func period(from, to string, paid calendar.Date, gross, state, local app.Money) app.Period {
	f, _ := app.ParseMonth(from)
	t, _ := app.ParseMonth(to)
	return app.Period{From: f, To: t, Gross: gross, StateSupport: state, LocalSupport: local, Paid: gross - state - local, PaidOn: paid}
}

// TestTheMonthlyReportCountsWhoTookPart: worked example for 12/2026 at 1,500,000 đồng a month
// (22 % = 330,000; state support: poor 50 % = 165,000, near-poor 40 % = 132,000, other 20 % =
// 66,000 of 22 % × 1,500,000, Decree 159/2025 art. 5).
func TestTheMonthlyReportCountsWhoTookPart(t *testing.T) {
	b := app.NewReportBuilder("01001", app.MonthOf(2026, 12))
	// A: poor, paying month by month since 11/2026 — takes part at the start and the end.
	b.Add(app.Participant{PersonalID: "A", SupportGroup: "poor", Periods: []app.Period{
		period("2026-11", "2026-11", calendar.Of(2026, 11, 5), 330_000, 165_000, 0),
		period("2026-12", "2026-12", calendar.Of(2026, 12, 3), 330_000, 165_000, 0)}})
	// B: other, first period 12/2026–02/2027 paid 10/12 — new.
	b.Add(app.Participant{PersonalID: "B", SupportGroup: "other", Periods: []app.Period{
		period("2026-12", "2027-02", calendar.Of(2026, 12, 10), 990_000, 198_000, 0)}})
	// C: near-poor, paid 06–08/2026, then 12/2026 — back.
	b.Add(app.Participant{PersonalID: "C", SupportGroup: "near-poor", Periods: []app.Period{
		period("2026-06", "2026-08", calendar.Of(2026, 6, 2), 990_000, 396_000, 0),
		period("2026-12", "2026-12", calendar.Of(2026, 12, 20), 330_000, 132_000, 0)}})
	// D: other, 11/2026 only — stopped.
	b.Add(app.Participant{PersonalID: "D", SupportGroup: "other", Periods: []app.Period{
		period("2026-11", "2026-11", calendar.Of(2026, 11, 6), 330_000, 66_000, 0)}})
	// E: 09/2026 only — not in this month's report.
	b.Add(app.Participant{PersonalID: "E", SupportGroup: "other", Periods: []app.Period{
		period("2026-09", "2026-09", calendar.Of(2026, 9, 6), 330_000, 66_000, 0)}})
	// F: 12-month period paid in 11/2026 — takes part, pays nothing this month.
	b.Add(app.Participant{PersonalID: "F", Periods: []app.Period{
		period("2026-11", "2027-10", calendar.Of(2026, 11, 30), 3_960_000, 792_000, 0)}})

	r := b.Report()
	assert.Equal(t, app.ReportLine{AtStart: 3, AtEnd: 4, New: 1, Back: 1, Stopped: 1, Payments: 3,
		Gross: 1_650_000, StateSupport: 495_000, Collected: 1_155_000}, r.Total)
	var groups []app.SupportGroup
	for _, g := range r.Groups {
		groups = append(groups, g.Group)
	}
	assert.Equal(t, []app.SupportGroup{app.Poor, app.NearPoor, app.Other}, groups, "in the order of the state's groups")
	assert.Equal(t, app.ReportLine{AtStart: 2, AtEnd: 2, New: 1, Stopped: 1, Payments: 1, Gross: 990_000, StateSupport: 198_000,
		Collected: 792_000}, r.Groups[2].ReportLine, "other: B new, D stopped, F continuing (no group: other)")
}

func TestSupportPercentIsTheShareOfTheBase(t *testing.T) {
	// 22 % × 1,500,000 = 330,000 a month (Decree 159/2025 art. 5: support is a share of it).
	for _, tt := range []struct {
		amount app.Money
		months int
		want   app.Rate
	}{
		{165_000, 1, 5000},     // poor: 50 %
		{3 * 132_000, 3, 4000}, // near-poor, a quarter: 40 %
		{12 * 66_000, 12, 2000},
		{0, 12, 0},
		{99_000, 0, 0},
	} {
		assert.Equal(t, tt.want, app.SupportPercent(tt.amount, tt.months, 330_000))
	}
}

func TestTheTrendCountsEachMonth(t *testing.T) {
	b := app.NewTrendBuilder(app.MonthOf(2026, 12), 3) // 10, 11, 12/2026
	b.Add(app.Participant{Periods: []app.Period{
		period("2026-09", "2026-11", calendar.Of(2026, 9, 2), 990_000, 198_000, 0), // 3 months paid in 09
		period("2026-12", "2026-12", calendar.Of(2026, 12, 1), 330_000, 66_000, 0)}})
	b.Add(app.Participant{Periods: []app.Period{period("2026-11", "2027-04", calendar.Of(2026, 11, 3), 1_980_000, 396_000, 0)}})
	got := b.Points()
	assert.Equal(t, []app.TrendPoint{
		{Month: app.MonthOf(2026, 10), Participants: 1},
		{Month: app.MonthOf(2026, 11), Participants: 2, Collected: 1_584_000},
		{Month: app.MonthOf(2026, 12), Participants: 2, Collected: 264_000},
	}, got)
}

func TestWhoTakesPartWaitsForThePaymentDeadline(t *testing.T) {
	quarterly := func(from, to string) app.Period {
		p := period(from, to, calendar.Of(2026, 7, 2), 990_000, 198_000, 0)
		p.Method = "3-months"
		return p
	}
	monthly := func(m string) app.Period {
		p := period(m, m, calendar.Of(2026, 11, 2), 330_000, 66_000, 0)
		p.Method = "monthly"
		return p
	}
	q := app.Participant{Periods: []app.Period{quarterly("2026-07", "2026-09")}}
	// Oct–Dec may be paid until 31/12 (3 months: the last month's end): not stopped in 10 or 11.
	assert.True(t, app.TakesPart(q, app.MonthOf(2026, 10)))
	assert.True(t, app.TakesPart(q, app.MonthOf(2026, 11)))
	assert.False(t, app.TakesPart(q, app.MonthOf(2026, 12)), "by the end of 12/2026 the quarter is late")
	m := app.Participant{Periods: []app.Period{monthly("2026-11")}}
	assert.True(t, app.TakesPart(m, app.MonthOf(2026, 11)))
	assert.False(t, app.TakesPart(m, app.MonthOf(2026, 12)), "a month is paid within the month")

	// Reported under the group whose share applies.
	assert.Equal(t, app.EthnicMinority, app.GroupOf(app.Participant{SupportGroup: "other", Ethnicity: "02"}))
	assert.Equal(t, app.Poor, app.GroupOf(app.Participant{SupportGroup: "Poor", Ethnicity: "02"}))
	assert.Equal(t, app.Other, app.GroupOf(app.Participant{}))
}
