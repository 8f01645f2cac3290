package sync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
)

// participants puts paying participants in an office's store: n people paying 11/2025 at
// 2,200,000 (484,000 a month, 96,800 of it the state's for other groups).
func participants(t *testing.T, o *office, prefix string, n int) {
	t.Helper()
	require.NoError(t, o.Records.Store.Update(func(tx records.Tx) error {
		for i := range n {
			p := app.Participant{PersonalID: prefix + string(rune('0'+i)), FullName: "Người tham gia " + string(rune('A'+i)),
				SupportGroup: "other", Periods: []app.Period{{From: app.MonthOf(2025, 11), To: app.MonthOf(2025, 11), Method: "monthly",
					Income: 2_200_000, Gross: 484_000, StateSupport: 96_800, Paid: 387_200, SupportMonths: 1,
					PaidOn: calendar.Of(2025, 11, 5)}}}
			if err := tx.PutParticipant(p); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestTheProvinceSeesTheSumOfItsOffices: two offices of Hà Nội and one of Đà Nẵng send their
// reports for 11/2025 through sync; the centre's report for Hà Nội sums the two and names no
// other; a report sent again replaces the office's; an office cannot send another's.
func TestTheProvinceSeesTheSumOfItsOffices(t *testing.T) {
	c := newCentre(t, nil)
	a, b := newOffice(t, "01001", "01", "00004", "K7"), newOffice(t, "01002", "01", "00004", "K8")
	other := newOffice(t, "48001", "48", "20194", "D1")
	for _, o := range []*office{a, b, other} {
		c.enrol(t, o, c.Server.URL)
	}
	participants(t, a, "00119001230", 3)
	participants(t, b, "00119001240", 2)
	participants(t, other, "04819001250", 4)
	m := app.MonthOf(2025, 11) // the desks' clocks say 01/2026
	for _, o := range []*office{a, b, other} {
		_, err := o.Records.SendMonthlyReport(o.officer, m)
		require.NoError(t, err)
		_, _, err = converge(o.engine(t, c.Server.URL, 100, 0), 5)
		require.NoError(t, err)
	}
	pr, err := c.Service.ProvinceReport(t.Context(), "01", m)
	require.NoError(t, err)
	assert.Len(t, pr.Offices, 2)
	assert.Empty(t, pr.Missing)
	assert.Equal(t, 5, pr.Total.Total.AtEnd)
	assert.Equal(t, 5, pr.Total.Total.New)
	assert.Equal(t, app.Money(5*387_200), pr.Total.Total.Collected)
	require.Len(t, pr.Total.Groups, 1)
	assert.Equal(t, app.Other, pr.Total.Groups[0].Group)

	// Office 01002 records one more payment and sends again: its report replaces the first.
	participants(t, b, "00119001260", 1)
	_, err = b.Records.SendMonthlyReport(b.officer, m)
	require.NoError(t, err)
	_, _, err = converge(b.engine(t, c.Server.URL, 100, 0), 5)
	require.NoError(t, err)
	pr, err = c.Service.ProvinceReport(t.Context(), "01", m)
	require.NoError(t, err)
	assert.Equal(t, 6, pr.Total.Total.AtEnd, "3 + the 3 of 01002's second report")

	pr, err = c.Service.ProvinceReport(t.Context(), "01", m.Add(1))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"01001", "01002"}, pr.Missing, "no report for 12/2025 yet")
}
