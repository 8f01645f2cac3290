package app_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

var ref = assets.MustLoad()

func month(t testing.TB, s string) app.Month {
	t.Helper()
	m, err := app.ParseMonth(s)
	require.NoError(t, err)
	return m
}

func method(t testing.TB, s string) app.Method {
	t.Helper()
	m, err := app.ParseMethod(s)
	require.NoError(t, err)
	return m
}

func TestQuoteWorkedExamples(t *testing.T) {
	tests := []struct {
		name                    string
		income                  app.Money
		method, month           string
		groups                  []app.SupportGroup
		months                  int
		gross, support, payable app.Money
		deadline                string
	}{
		// DOMAIN.md §3 worked example: poor household, TN 1,500,000.
		{"poor household before Decree 159 pays 231,000", 1_500_000, "monthly", "2024-06", []app.SupportGroup{app.Poor}, 1, 330_000, 99_000, 231_000, "2024-06-30"},
		{"poor household from 2025-07 pays 165,000", 1_500_000, "monthly", "2025-09", []app.SupportGroup{app.Poor}, 1, 330_000, 165_000, 165_000, "2025-09-30"},
		{"regime boundary: 2025-06 still 30%", 1_500_000, "monthly", "2025-06", []app.SupportGroup{app.Poor}, 1, 330_000, 99_000, 231_000, "2025-06-30"},
		{"regime boundary: 2025-07 already 50%", 1_500_000, "monthly", "2025-07", []app.SupportGroup{app.Poor}, 1, 330_000, 165_000, 165_000, "2025-07-31"},
		{"near-poor 40% from 2025-07", 1_500_000, "monthly", "2025-09", []app.SupportGroup{app.NearPoor}, 1, 330_000, 132_000, 198_000, "2025-09-30"},
		{"near-poor 25% before", 1_500_000, "monthly", "2024-09", []app.SupportGroup{app.NearPoor}, 1, 330_000, 82_500, 247_500, "2024-09-30"},
		{"ethnic minority 30%", 2_000_000, "monthly", "2025-09", []app.SupportGroup{app.EthnicMinority}, 1, 440_000, 99_000, 341_000, "2025-09-30"},
		{"island 50% from 2025-07", 1_500_000, "monthly", "2025-09", []app.SupportGroup{app.Island}, 1, 330_000, 165_000, 165_000, "2025-09-30"},
		{"other 20%: support on the poverty line, not on the income", 5_000_000, "monthly", "2025-09", nil, 1, 1_100_000, 66_000, 1_034_000, "2025-09-30"},
		{"other 10% before 2025-07", 1_500_000, "monthly", "2023-03", nil, 1, 330_000, 33_000, 297_000, "2023-03-31"},
		{"no support before 2018", 1_500_000, "monthly", "2017-05", nil, 1, 330_000, 0, 330_000, "2017-05-31"},
		{"floor of 2016 was 700,000", 700_000, "monthly", "2016-03", nil, 1, 154_000, 0, 154_000, "2016-03-31"},
		{"highest group wins: ethnic minority and poor", 1_500_000, "monthly", "2025-09", []app.SupportGroup{app.EthnicMinority, app.Poor}, 1, 330_000, 165_000, 165_000, "2025-09-30"},
		{"quarterly: 3 months, no discount, within the 3 months", 1_500_000, "3-months", "2025-10", []app.SupportGroup{app.Other}, 3, 990_000, 198_000, 792_000, "2025-12-31"},
		{"half-yearly: within the first 4 months", 1_500_000, "6-months", "2025-09", nil, 6, 1_980_000, 396_000, 1_584_000, "2025-12-31"},
		{"yearly: within the first 7 months", 1_500_000, "12-months", "2025-09", []app.SupportGroup{app.Poor}, 12, 3_960_000, 1_980_000, 1_980_000, "2026-03-31"},
		{"ceiling 46,800,000 at reference level 2,340,000", 46_800_000, "monthly", "2025-09", nil, 1, 10_296_000, 66_000, 10_230_000, "2025-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ref.Rules.Quote(app.QuoteRequest{Income: tt.income, Method: method(t, tt.method), Month: month(t, tt.month), Groups: tt.groups})
			require.NoError(t, err)
			assert.Equal(t, tt.months, q.Months)
			assert.Equal(t, tt.gross, q.Gross, "gross")
			assert.Equal(t, tt.support, q.StateSupport, "state support")
			assert.Equal(t, tt.payable, q.Payable, "payable")
			assert.Equal(t, tt.deadline, q.Deadline.String(), "deadline")
			assert.Equal(t, tt.gross-tt.support, q.Payable)
		})
	}
}

func TestQuoteRejectsIncomeOutsideTheRules(t *testing.T) {
	tests := []struct {
		name   string
		income app.Money
		month  string
		code   string
	}{
		{"rejects income below the poverty line", 1_450_000, "2025-09", "income_below_floor"},
		{"rejects income above 20 × the reference level", 46_850_000, "2025-09", "income_above_ceiling"},
		{"rejects an income off the 50,000 step", 1_520_000, "2025-09", "income_step"},
		{"ceiling follows the reference level of the month", 46_800_000, "2024-06", "income_above_ceiling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ref.Rules.Quote(app.QuoteRequest{Income: tt.income, Method: method(t, "monthly"), Month: month(t, tt.month)})
			require.Error(t, err)
			var e *app.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, app.Invalid, e.Kind)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, "income", e.Field)
		})
	}
	_, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "monthly"), Month: month(t, "2015-06")})
	assert.Equal(t, app.Unavailable, app.KindOf(err), "a month before any rule is unavailable, not guessed")
}

func TestQuoteAheadDiscount(t *testing.T) {
	// r = 0.31%/month (fund_rate 2024), N = 12, TN = 1,500,000, other group from 2025-07.
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:12"), Month: month(t, "2025-09")})
	require.NoError(t, err)
	// P = Σ_{i=1..12} 330,000 / 1.0031^(i−1) = 3,893,379.24… → 3,893,379 (checked with exact fractions).
	assert.Equal(t, app.Money(3_960_000), q.Gross)
	assert.Equal(t, app.Money(3_960_000-3_893_379), q.Discount)
	assert.Equal(t, app.Money(12*66_000), q.StateSupport, "support subtracted undiscounted, as calculators do")
	assert.Equal(t, app.Money(3_893_379-12*66_000), q.Payable)
	assert.Equal(t, "2025-09-30", q.Deadline.String(), "paid at registration")
	assert.Equal(t, "0.0031", q.FundRate)
	assert.Contains(t, q.Warnings, "rule_reported:fund_rate")

	_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:61"), Month: month(t, "2025-09")})
	assert.Equal(t, app.Invalid, app.KindOf(err), "more than 60 months ahead")

	_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:12"), Month: month(t, "2020-09")})
	assert.Equal(t, app.Unavailable, app.KindOf(err), "no fund rate for 2019 in the data")
}

func TestQuoteMissingTimeCompounds(t *testing.T) {
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "missing:3"), Month: month(t, "2025-09"), Groups: []app.SupportGroup{app.Poor}})
	require.NoError(t, err)
	// P = 330,000 × (1.0031 + 1.0031² + 1.0031³) = 996,150.695… → 996,151.
	assert.Equal(t, app.Money(990_000), q.Gross)
	assert.Equal(t, app.Money(6_151), q.Interest)
	assert.Equal(t, app.Money(0), q.StateSupport, "no state support on missing time (method_caps.missing_support)")
	assert.Equal(t, app.Money(996_151), q.Payable)

	_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "missing:61"), Month: month(t, "2025-09")})
	assert.Equal(t, app.Invalid, app.KindOf(err), "missing cap is 60 months from 2025-07")
	_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "missing:61"), Month: month(t, "2024-09")})
	assert.NoError(t, err, "missing cap was 120 months under Decree 134")
}

func TestQuoteSupportCapAcrossLife(t *testing.T) {
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "12-months"), Month: month(t, "2025-09"),
		Groups: []app.SupportGroup{app.Poor}, SupportMonthsUsed: 115})
	require.NoError(t, err)
	assert.Equal(t, 5, q.SupportMonths, "only 5 of the 120 lifetime months remain")
	assert.Equal(t, app.Money(5*165_000), q.StateSupport)
	assert.Equal(t, app.Money(12*330_000-5*165_000), q.Payable)
}

func TestQuoteReportedRulesWarn(t *testing.T) {
	// The reference level 2,530,000 from 2026-07 is reported, not confirmed.
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 50_600_000, Method: method(t, "monthly"), Month: month(t, "2026-08")})
	require.NoError(t, err)
	assert.Equal(t, app.Money(50_600_000), q.Ceiling)
	assert.Contains(t, q.Warnings, "rule_reported:reference_level")
	// The poverty line of Decree 351/2025 is proposed: not applied until confirmed.
	q, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "monthly"), Month: month(t, "2027-03")})
	require.NoError(t, err)
	assert.Equal(t, app.Money(1_500_000), q.Floor)
}

func TestRoundHalfUp(t *testing.T) {
	// 22% × 1,234,567 = 271,604.74 → 271,605; 10% × 22% of 1,500,005 = 33,000.11 → 33,000.
	assert.Equal(t, app.Money(271_605), app.Rate(2200).Of(1_234_567))
	assert.Equal(t, app.Money(1), app.Rate(5000).Of(1), "0.5 rounds up")
	assert.Equal(t, app.Money(0), app.Rate(4999).Of(1))
	assert.Equal(t, app.Money(220_000_000_000_000), app.Rate(2200).Of(1_000_000_000_000_000), "large amounts stay exact")
}

// assetsFS is the embedded reference data, for tests that load a table with overrides.
func assetsFS() fs.FS { return assets.FS }
