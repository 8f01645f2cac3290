package app_test

import (
	"io/fs"
	"math"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
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
		{
			"poor household before Decree 159 pays 231,000",
			1_500_000,
			"monthly",
			"2024-06",
			[]app.SupportGroup{app.Poor},
			1,
			330_000,
			99_000,
			231_000,
			"2024-06-30",
		},
		{
			"poor household from 2025-07 pays 165,000",
			1_500_000,
			"monthly",
			"2025-09",
			[]app.SupportGroup{app.Poor},
			1,
			330_000,
			165_000,
			165_000,
			"2025-09-30",
		},
		{
			"regime boundary: 2025-06 still 30%",
			1_500_000,
			"monthly",
			"2025-06",
			[]app.SupportGroup{app.Poor},
			1,
			330_000,
			99_000,
			231_000,
			"2025-06-30",
		},
		{
			"regime boundary: 2025-07 already 50%",
			1_500_000,
			"monthly",
			"2025-07",
			[]app.SupportGroup{app.Poor},
			1,
			330_000,
			165_000,
			165_000,
			"2025-07-31",
		},
		{
			"near-poor 40% from 2025-07",
			1_500_000,
			"monthly",
			"2025-09",
			[]app.SupportGroup{app.NearPoor},
			1,
			330_000,
			132_000,
			198_000,
			"2025-09-30",
		},
		{"near-poor 25% before", 1_500_000, "monthly", "2024-09", []app.SupportGroup{app.NearPoor}, 1, 330_000, 82_500, 247_500, "2024-09-30"},
		{
			"ethnic minority 30%",
			2_000_000,
			"monthly",
			"2025-09",
			[]app.SupportGroup{app.EthnicMinority},
			1,
			440_000,
			99_000,
			341_000,
			"2025-09-30",
		},
		{"island 50% from 2025-07", 1_500_000, "monthly", "2025-09", []app.SupportGroup{app.Island}, 1, 330_000, 165_000, 165_000, "2025-09-30"},
		{
			"other 20%: support on the poverty line, not on the income",
			5_000_000,
			"monthly",
			"2025-09",
			nil,
			1,
			1_100_000,
			66_000,
			1_034_000,
			"2025-09-30",
		},
		{"other 10% before 2025-07", 1_500_000, "monthly", "2023-03", nil, 1, 330_000, 33_000, 297_000, "2023-03-31"},
		{"no support before 2018", 1_500_000, "monthly", "2017-05", nil, 1, 330_000, 0, 330_000, "2017-05-31"},
		{"floor of 2016 was 700,000", 700_000, "monthly", "2016-03", nil, 1, 154_000, 0, 154_000, "2016-03-31"},
		{
			"highest group wins: ethnic minority and poor",
			1_500_000,
			"monthly",
			"2025-09",
			[]app.SupportGroup{app.EthnicMinority, app.Poor},
			1,
			330_000,
			165_000,
			165_000,
			"2025-09-30",
		},
		{
			"quarterly: 3 months, no discount, within the 3 months",
			1_500_000,
			"3-months",
			"2025-10",
			[]app.SupportGroup{app.Other},
			3,
			990_000,
			198_000,
			792_000,
			"2025-12-31",
		},
		{"half-yearly: within the first 4 months", 1_500_000, "6-months", "2025-09", nil, 6, 1_980_000, 396_000, 1_584_000, "2025-12-31"},
		{
			"yearly: within the first 7 months",
			1_500_000,
			"12-months",
			"2025-09",
			[]app.SupportGroup{app.Poor},
			12,
			3_960_000,
			1_980_000,
			1_980_000,
			"2026-03-31",
		},
		{
			"ceiling 46,800,000 at reference level 2,340,000",
			46_800_000,
			"monthly",
			"2025-09",
			nil,
			1,
			10_296_000,
			66_000,
			10_230_000,
			"2025-09-30",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ref.Rules.Quote(
				app.QuoteRequest{Income: tt.income, Method: method(t, tt.method), Month: month(t, tt.month), Groups: tt.groups},
			)
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
	// r = 0.31%/month (fund_rate 2024, for a payment made in 2025), N = 24, TN = 1,500,000,
	// other group from 2025-07.
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:24"), Month: month(t, "2025-09")})
	require.NoError(t, err)
	// P = Σ_{i=1..24} 330,000 / 1.0031^(i−1) = 7,644,801.44… → 7,644,801 (checked with exact fractions).
	assert.Equal(t, app.Money(7_920_000), q.Gross)
	assert.Equal(t, app.Money(7_920_000-7_644_801), q.Discount)
	assert.Equal(t, app.Money(24*66_000), q.StateSupport, "support subtracted undiscounted, as calculators do")
	assert.Equal(t, app.Money(7_644_801-24*66_000), q.Payable)
	assert.Equal(t, "2025-09-30", q.Deadline.String(), "paid at registration")
	assert.Equal(t, "0.0031", q.FundRate)
	assert.Contains(t, q.Warnings, "rule_reported:fund_rate")

	// Law 41/2024 art. 36(2)(đ), Decree 159/2025 art. 6: "một lần cho nhiều năm về sau", the sum
	// runs over n whole years, n = 2..5.
	for _, n := range []string{"ahead:1", "ahead:12", "ahead:23", "ahead:30", "ahead:61", "ahead:72"} {
		_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, n), Month: month(t, "2025-09")})
		var e *app.Error
		require.ErrorAs(t, err, &e, n)
		assert.Equal(t, "method_ahead_years", e.Code, n)
		assert.Equal(t, map[string]string{"min": "2", "max": "5", "months": n[len("ahead:"):]}, e.Args)
	}
	for _, n := range []string{"ahead:24", "ahead:36", "ahead:48", "ahead:60"} {
		_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, n), Month: month(t, "2025-09")})
		assert.NoError(t, err, n)
	}

	_, err = ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:12"), Month: month(t, "2020-09")})
	assert.Equal(t, app.Unavailable, app.KindOf(err), "no fund rate for 2019 in the data")
}

func TestAheadPaymentUsesTheRateOfTheYearBeforeItIsPaid(t *testing.T) {
	// Decree 159/2025 art. 6: r is the rate of the year before the year of payment, and an
	// ahead payment is made at registration. Registered on 10/12/2026 to start in 01/2027, it
	// is paid in 2026, so the 2025 rate applies, under the 2027 rules (floor 2,200,000).
	paid := calendar.Of(2026, 12, 10)
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "ahead:24"), Month: month(t, "2027-01"), Paid: paid})
	require.NoError(t, err)
	assert.Equal(t, "0.0031", q.FundRate)
	assert.Equal(t, app.Money(24*484_000), q.Gross)
	// P = Σ_{i=1..24} 484,000 / 1.0031^(i−1) = 11,212,375.45… → 11,212,375.
	assert.Equal(t, app.Money(24*484_000-11_212_375), q.Discount)
	assert.Equal(t, app.Money(24*96_800), q.StateSupport, "20% × 22% × 2,200,000 a month")
	assert.Contains(
		t,
		q.Rules,
		app.Version{Table: "fund_rate", From: month(t, "2025-01"), Source: ref.Rules.FundRates[2025].Source, Status: app.Reported},
	)

	// Paid in 2027, it needs the 2026 rate, which is not published yet: refused, not guessed.
	_, err = ref.Rules.Quote(
		app.QuoteRequest{Income: 2_200_000, Method: method(t, "ahead:24"), Month: month(t, "2027-01"), Paid: calendar.Of(2027, 1, 4)},
	)
	var e *app.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "fund_rate_missing", e.Code)
	assert.Equal(t, "2026", e.Args["year"])
}

func TestQuoteMissingTimeCompounds(t *testing.T) {
	q, err := ref.Rules.Quote(
		app.QuoteRequest{Income: 1_500_000, Method: method(t, "missing:3"), Month: month(t, "2025-09"), Groups: []app.SupportGroup{app.Poor}},
	)
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

func TestTheRulesOf2027(t *testing.T) {
	tests := []struct {
		name    string
		month   string
		floor   app.Money
		ceiling app.Money
	}{
		// Decree 351/2025: the 2022–2025 line continues through 31/12/2026.
		{"2026 keeps the 1,500,000 line", "2026-12", 1_500_000, 50_600_000},
		// Decree 351/2025 from 01/01/2027: rural line 2,200,000 (Law 41/2024 art. 31(2), 36(1)).
		{"2027 uses the 2,200,000 line", "2027-01", 2_200_000, 50_600_000},
		// Decree 161/2026: base salary (and reference level) 2,530,000 from 01/07/2026.
		{"the ceiling follows the 2,530,000 reference level", "2026-07", 1_500_000, 50_600_000},
		{"before it, 2,340,000", "2026-06", 1_500_000, 46_800_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			floor, ceiling, err := ref.Rules.Bounds(month(t, tt.month))
			require.NoError(t, err)
			assert.Equal(t, tt.floor, floor)
			assert.Equal(t, tt.ceiling, ceiling)
			q, err := ref.Rules.Quote(app.QuoteRequest{Income: tt.floor, Method: method(t, "monthly"), Month: month(t, tt.month)})
			require.NoError(t, err)
			assert.Empty(t, q.Warnings, "every entry behind the quote is confirmed")
			for _, v := range q.Rules {
				assert.Equal(t, app.Confirmed, v.Status, v.Table)
				assert.NotEmpty(t, v.Source, v.Table)
			}
		})
	}
	// 1,500,000 for 01/2027 is refused with the new floor in the message.
	_, err := ref.Rules.Quote(
		app.QuoteRequest{Income: 1_500_000, Method: method(t, "monthly"), Month: month(t, "2027-01"), Groups: []app.SupportGroup{app.Poor}},
	)
	var e *app.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "income_below_floor", e.Code)
	assert.Equal(t, "2.200.000 ₫", e.Args["min"])
	// At 2,200,000 a poor participant gets 50% × 22% × 2,200,000 = 242,000 a month.
	q, err := ref.Rules.Quote(
		app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2027-01"), Groups: []app.SupportGroup{app.Poor}},
	)
	require.NoError(t, err)
	assert.Equal(t, app.Money(484_000), q.Gross)
	assert.Equal(t, app.Money(242_000), q.StateSupport)
	assert.Equal(t, app.Money(242_000), q.Payable)
}

func TestMethodCapsOfDecree159AreConfirmed(t *testing.T) {
	e, ok := ref.Rules.Caps.At(month(t, "2026-12"))
	require.True(t, ok)
	assert.Equal(t, app.Confirmed, e.Status)
	assert.Equal(t, 60, e.Value.MissingMax, "Decree 159/2025 art. 7: at most 60 months of missing time")
	assert.Equal(t, 120, e.Value.SupportMonths)
	assert.Contains(t, e.Source, "159/2025")
}

func TestAProposedEntryIsNeverSilentlySkipped(t *testing.T) {
	// A province has only proposed a new line from 2028: quotes use the line in force and say
	// that a proposed one was not applied.
	rules := loadRules(t, fstest.MapFS{"rules/poverty_line.json": {Data: []byte(`{"table":"poverty_line","entries":[
		{"from":"2016-01","value":700000,"source":"QĐ 59/2015","status":"confirmed","to":"2021-12"},
		{"from":"2022-01","value":1500000,"source":"NĐ 07/2021","status":"confirmed","to":"2026-12"},
		{"from":"2027-01","value":2200000,"source":"NĐ 351/2025","status":"confirmed"},
		{"from":"2028-01","value":2500000,"source":"dự thảo","status":"proposed"}]}`)}})
	q, err := rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2028-02")})
	require.NoError(t, err)
	assert.Equal(t, app.Money(2_200_000), q.Floor, "proposed entries are not applied")
	assert.Equal(t, []string{"rule_pending:poverty_line:2028-01"}, q.Warnings)
	assert.Contains(t, ref.Catalog.Warning(app.VI, q.Warnings[0]), "01/2028")
	q, err = rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2027-12")})
	require.NoError(t, err)
	assert.Empty(t, q.Warnings, "the proposal does not concern 2027")
}

func TestRoundHalfUp(t *testing.T) {
	// 22% × 1,234,567 = 271,604.74 → 271,605; 10% × 22% of 1,500,005 = 33,000.11 → 33,000.
	assert.Equal(t, app.Money(271_605), app.Rate(2200).Of(1_234_567))
	assert.Equal(t, app.Money(1), app.Rate(5000).Of(1), "0.5 rounds up")
	assert.Equal(t, app.Money(0), app.Rate(4999).Of(1))
	assert.Equal(t, app.Money(220_000_000_000_000), app.Rate(2200).Of(1_000_000_000_000_000), "large amounts stay exact")
}

// loadRules loads the embedded rule tables with the override given.
func loadRules(t testing.TB, override fs.FS) *app.Rules {
	t.Helper()
	r, err := app.LoadRules(assets.FS, "rules", override)
	require.NoError(t, err)
	return r
}

func TestHaNoiAddsItsOwnSupport(t *testing.T) {
	// Resolution 19/2025/NQ-HĐND of Hà Nội (from 01/01/2026): the city adds 50% for the poor
	// and 60% for the near-poor, of 22% × the rural poverty line, on top of the state's 50%/40%.
	tests := []struct {
		name                string
		group               app.SupportGroup
		province, month     string
		income              app.Money
		state, local, payer app.Money
	}{
		{"poor in Hà Nội, 2026: 165,000 + 165,000", app.Poor, "01", "2026-12", 1_500_000, 165_000, 165_000, 0},
		{"near-poor in Hà Nội, 2026: 132,000 + 198,000", app.NearPoor, "01", "2026-12", 1_500_000, 132_000, 198_000, 0},
		{"poor in Hà Nội, 2027: 242,000 + 242,000", app.Poor, "01", "2027-01", 2_200_000, 242_000, 242_000, 0},
		{"near-poor in Hà Nội, 2027: 193,600 + 290,400", app.NearPoor, "01", "2027-01", 2_200_000, 193_600, 290_400, 0},
		{"a higher income pays the difference", app.Poor, "01", "2027-01", 3_200_000, 242_000, 242_000, 220_000},
		{"other groups in Hà Nội: the state's 20% only", app.Other, "01", "2027-01", 2_200_000, 96_800, 0, 387_200},
		{"before the resolution (12/2025): none", app.Poor, "01", "2025-12", 1_500_000, 165_000, 0, 165_000},
		{"a province without a resolution entered: none", app.Poor, "48", "2027-01", 2_200_000, 242_000, 0, 242_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ref.Rules.Quote(app.QuoteRequest{Income: tt.income, Method: method(t, "monthly"), Month: month(t, tt.month),
				Groups: []app.SupportGroup{tt.group}, Province: tt.province})
			require.NoError(t, err)
			assert.Equal(t, tt.state, q.StateSupport)
			assert.Equal(t, tt.local, q.LocalSupport)
			assert.Equal(t, tt.payer, q.Payable)
			if tt.local > 0 {
				assert.Equal(t, tt.group, q.LocalGroup)
				assert.Contains(t, q.Rules, app.Version{Table: "local_support", From: month(t, "2026-01"),
					Source: ref.Rules.LocalSupport["01"][0].Source, Status: app.Reported},
					"the shares are the city's plan as the press quoted it: applied, and said so")
			}
		})
	}
}

func TestTheProvincesResolutionsAsShipped(t *testing.T) {
	// Each province's support as entered from its resolution (assets/rules/local_support.json),
	// on top of the state's share of 22% × the rural poverty line (2,200,000 from 2027: 484,000).
	tests := []struct {
		name            string
		province, month string
		groups          []app.SupportGroup
		local           []string
		state, extra    app.Money
		status          app.Status
	}{
		{"Hà Nội, further groups of Res. 19/2025: +10%", "01", "2027-01", nil, []string{"01:nq19-doi-tuong-khac"}, 96_800, 48_400,
			app.Reported},
		{"Hà Nội, other groups not named by the resolution: none", "01", "2027-01", nil, nil, 96_800, 0, ""},
		{"TP.HCM, Res. 84/2025: poor by the city's standard +30%", "79", "2027-01", nil, []string{"79:ho-ngheo-tp"}, 96_800, 145_200,
			app.Reported},
		{"TP.HCM: poor by both standards", "79", "2027-01", []app.SupportGroup{app.Poor}, []string{"79:ho-ngheo-tp"}, 242_000, 145_200,
			app.Reported},
		{"TP.HCM: near-poor by the city's standard +25%", "79", "2027-01", []app.SupportGroup{app.NearPoor},
			[]string{"79:ho-can-ngheo-tp"}, 193_600, 121_000, app.Reported},
		{"TP.HCM: poor by the state's list only: the city's support needs its own list", "79", "2027-01",
			[]app.SupportGroup{app.Poor}, nil, 242_000, 0, ""},
		{"TP.HCM: not before 2026", "79", "2025-12", nil, []string{"79:ho-ngheo-tp"}, 66_000, 0, ""},
		{"Hải Phòng, Res. 56/2025: poor +30% (80% with the state)", "31", "2027-01", []app.SupportGroup{app.Poor}, nil, 242_000, 145_200,
			app.Reported},
		{"Hải Phòng: special zones +30% (80%)", "31", "2027-01", []app.SupportGroup{app.Island}, nil, 242_000, 145_200, app.Reported},
		{"Hải Phòng: near-poor +25% (65%)", "31", "2027-01", []app.SupportGroup{app.NearPoor}, nil, 193_600, 121_000, app.Reported},
		{"Hải Phòng: ethnic minorities +20% (50%)", "31", "2027-01", []app.SupportGroup{app.EthnicMinority}, nil, 145_200, 96_800,
			app.Reported},
		{"Hải Phòng: everyone else +10% (30%)", "31", "2027-01", nil, nil, 96_800, 48_400, app.Reported},
		{"Hải Phòng: ends with 2030", "31", "2031-01", nil, nil, 96_800, 0, ""},
		{"Quảng Ninh, Res. 02/2022: near-poor +30%", "22", "2027-01", []app.SupportGroup{app.NearPoor}, nil, 193_600, 145_200,
			app.Reported},
		{"Quảng Ninh: everyone else +20%", "22", "2027-12", nil, nil, 96_800, 96_800, app.Reported},
		{"Quảng Ninh: ends with 2027", "22", "2028-01", []app.SupportGroup{app.Poor}, nil, 242_000, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			income := app.Money(2_200_000)
			if tt.month < "2027-01" {
				income = 1_500_000
			}
			q, err := ref.Rules.Quote(app.QuoteRequest{Income: income, Method: method(t, "monthly"), Month: month(t, tt.month),
				Groups: tt.groups, LocalGroups: tt.local, Province: tt.province})
			require.NoError(t, err)
			assert.Equal(t, tt.state, q.StateSupport)
			assert.Equal(t, tt.extra, q.LocalSupport)
			assert.Equal(t, q.Gross-tt.state-tt.extra, q.Payable)
			if tt.extra == 0 {
				return
			}
			for _, v := range q.Rules {
				if v.Table == "local_support" {
					assert.Equal(t, tt.status, v.Status)
					assert.Contains(t, v.Source, "Nghị quyết")
				}
			}
			assert.Contains(t, q.Warnings, "rule_reported:local_support", "a quote on a resolution read from the news says so")
		})
	}
	g, ok := ref.Rules.LocalGroup("01", "01:nq19-doi-tuong-khac")
	require.True(t, ok, "Hà Nội's further groups are a group of its own: an officer names it, it never applies to everyone")
	assert.Contains(t, g.NameVI, "19/2025")
	for _, ls := range ref.Rules.LocalSupport {
		for _, l := range ls {
			assert.Equal(t, app.Reported, l.Status, "no resolution's text could be read here: %s %s", l.Province, l.Group)
		}
	}
}

func TestAProvinceSupportStopsWithItsResolution(t *testing.T) {
	// A period running past the resolution's last month carries the province's support for the
	// months the resolution covers only.
	tests := []struct {
		name            string
		province, from  string
		method          string
		paid            calendar.Date
		groups          []app.SupportGroup
		months, monthly app.Money
	}{
		// Quảng Ninh, Res. 02/2022 until 12/2027: 12 months from 07/2027 → 6 months of 30%.
		{"Quảng Ninh, 12 months from 07/2027", "22", "2027-07", "12-months", calendar.Of(2027, 6, 20), []app.SupportGroup{app.Poor}, 6,
			145_200},
		// Hải Phòng, Res. 56/2025 until 12/2030: 5 years ahead from 01/2027 → 48 months of 10%.
		{"Hải Phòng, five years ahead from 01/2027", "31", "2027-01", "ahead:60", calendar.Of(2026, 12, 10), nil, 48, 48_400},
		{"Hải Phòng, 12 months inside the period", "31", "2027-01", "12-months", calendar.Of(2027, 1, 5), nil, 12, 48_400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ref.Rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, tt.method), Month: month(t, tt.from),
				Groups: tt.groups, Province: tt.province, Paid: tt.paid})
			require.NoError(t, err)
			assert.Equal(t, tt.months*tt.monthly, q.LocalSupport)
		})
	}
}

func TestFundRatesAsPublished(t *testing.T) {
	// VSS's notices give the yearly rate; the monthly rate is a twelfth of it, exactly.
	for _, tt := range []struct {
		year int
		rate string
		pct  string
	}{
		{2022, "0.0419/12", "0,349167%"},
		{2023, "0.0436/12", "0,363333%"},
		{2025, "0.0031", "0,31%"},
	} {
		fr, ok := ref.Rules.FundRates[tt.year]
		require.True(t, ok, "%d", tt.year)
		assert.Equal(t, tt.rate, fr.Rate())
		assert.Equal(t, tt.pct, fr.Percent())
		assert.Equal(t, app.Reported, fr.Status, "no notice could be read here: every quote says the rate is not confirmed")
	}
	// Paid in 2024, ahead for two years from 01/2024 at 1,500,000: the 2023 rate, 4.36 %/year.
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: method(t, "ahead:24"), Month: month(t, "2024-01"),
		Paid: calendar.Of(2024, 1, 10)})
	require.NoError(t, err)
	assert.Equal(t, "0.0436/12", q.FundRate)
	// P = Σ_{i=1..24} 330,000 / (1 + 0.0436/12)^(i−1) = 7,619,…: the discount is what is taken off.
	assert.Equal(t, app.Money(24*330_000)-q.Discount, presentValueForTest(330_000, 0.0436/12, 24))

	_, err = app.LoadRules(assets.FS, "rules", fstest.MapFS{"rules/fund_rate.json": {Data: []byte(`{"table":"fund_rate","entries":[
		{"year":2024,"monthly_rate":"0.003","annual_rate":"0.036","source":"TB","status":"confirmed"}]}`)}})
	assert.ErrorContains(t, err, "one of monthly_rate", "both rates at once are refused")
	_, err = app.LoadRules(assets.FS, "rules", fstest.MapFS{"rules/fund_rate.json": {Data: []byte(`{"table":"fund_rate","entries":[
		{"year":2024,"annual_rate":"436/10000","source":"TB","status":"confirmed"}]}`)}})
	assert.ErrorContains(t, err, "one of monthly_rate", "a fraction is not a decimal")
}

// presentValueForTest is Σ_{i=1..n} a / (1+r)^(i−1) in floating point, rounded to the đồng.
func presentValueForTest(a float64, r float64, n int) app.Money {
	sum, f := 0.0, 1.0
	for range n {
		sum += a / f
		f *= 1 + r
	}
	return app.Money(math.Round(sum))
}

func TestAProvinceMaySupportGroupsOfItsOwn(t *testing.T) {
	// A province's resolution names a group the state does not (households of average living
	// standard): the data says so, a registration names it, the quote applies it.
	rules := loadRules(t, fstest.MapFS{"rules/local_support.json": {Data: []byte(`{"table":"local_support",
		"groups":[{"province":"48","id":"48:average-income","name_vi":"Hộ có mức sống trung bình","name_en":"Average-income household",
			"source":"NQ thử"}],
		"entries":[
		 {"province":"48","group":"48:average-income","from":"2026-01","value":{},"share":3000,"source":"NQ thử","status":"confirmed"},
		 {"province":"48","group":"poor","from":"2026-01","value":{},"amount":50000,"source":"NQ thử","status":"confirmed"},
		 {"province":"48","group":"near-poor","from":"2027-01","value":{},"share":1000,"source":"dự thảo","status":"proposed"}]}`)}})
	g, ok := rules.LocalGroup("48", "48:average-income")
	require.True(t, ok)
	assert.Equal(t, "Hộ có mức sống trung bình", g.NameVI)

	q, err := rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2027-01"), Province: "48",
		LocalGroups: []string{"48:average-income"}})
	require.NoError(t, err)
	assert.Equal(t, app.Money(96_800), q.StateSupport, "the state's group is other")
	assert.Equal(t, app.Money(145_200), q.LocalSupport, "30% × 22% × 2,200,000")
	assert.Equal(t, app.SupportGroup("48:average-income"), q.LocalGroup)

	// Poor and of the province's group: the higher of the two local supports applies.
	q, err = rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2027-01"), Province: "48",
		Groups: []app.SupportGroup{app.Poor}, LocalGroups: []string{"48:average-income"}})
	require.NoError(t, err)
	assert.Equal(t, app.Money(145_200), q.LocalSupport)

	// A proposed province entry is listed, not applied.
	q, err = rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: method(t, "monthly"), Month: month(t, "2027-01"), Province: "48",
		Groups: []app.SupportGroup{app.NearPoor}})
	require.NoError(t, err)
	assert.Equal(t, app.Money(0), q.LocalSupport)
	assert.Contains(t, q.Warnings, "rule_pending:local_support:2027-01")

	// A group the data does not declare is refused at load.
	_, err = app.LoadRules(assets.FS, "rules", fstest.MapFS{"rules/local_support.json": {Data: []byte(`{"table":"local_support","entries":[
		 {"province":"48","group":"48:unknown","from":"2026-01","value":{},"share":3000,"source":"NQ","status":"confirmed"}]}`)}})
	assert.ErrorContains(t, err, "48:unknown")
}
