package app_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// paidPeriod is the period a matched voucher records for a payment quoted like this one
// (records.credit does the same with the voucher's amount).
func paidPeriod(t *testing.T, p *app.Participant, income app.Money, meth, from, paidOn string) app.Period {
	t.Helper()
	d, err := calendar.ParseDate(paidOn)
	require.NoError(t, err)
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: income, Method: method(t, meth), Month: month(t, from), Groups: p.Groups(),
		Province: p.Address.Province, LocalGroups: p.LocalGroups, SupportMonthsUsed: p.SupportMonthsLeftUsed(), Paid: d})
	require.NoError(t, err)
	pe := app.Period{From: q.FromMonth, To: q.ToMonth, Method: q.Method, Income: q.Income, Gross: q.Gross, StateSupport: q.StateSupport,
		LocalSupport: q.LocalSupport, Discount: q.Discount, Interest: q.Interest, Paid: q.Payable, SupportMonths: q.SupportMonths,
		Voucher: "V-" + from, ReceiptNo: "BL-" + from, PaidOn: d}
	p.Periods = append(p.Periods, pe)
	return pe
}

func person(group app.SupportGroup, province string) *app.Participant {
	return &app.Participant{PersonalID: "001090001234", FullName: "Nguyễn Văn An", Gender: "male", BirthDate: "1990-05-01",
		Ethnicity: "01", SupportGroup: string(group), Address: app.AddressForm{Province: province}, Method: "12-months", Income: 2_200_000}
}

// Refunds (hoàn trả) under Decree 159/2025 art. 8 (khoản 1: moved to compulsory insurance,
// lump sum, death, pension; khoản 2: the months not yet used, less the state's support; for a
// payment ahead, the discounted value of those months) and, for periods paid before 07/2025,
// under Decree 134/2015 art. 11 with its support shares. Every amount computed by hand.
func TestRefundsByHand(t *testing.T) {
	tests := []struct {
		name                               string
		group                              app.SupportGroup
		province                           string
		setup                              func(t *testing.T, p *app.Participant)
		reason, from                       string
		months, supportMonths              int
		contribution, state, local, amount app.Money
	}{
		{
			// 22 % × 2,200,000 = 484,000 a month; the state's 20 % of 22 % × 2,200,000 = 96,800.
			name:  "3 months from 01/2027, moved to compulsory insurance from 03/2027: 1 month × (484,000 − 96,800)",
			group: app.Other, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 2_200_000, "3-months", "2027-01", "2027-01-05")
			},
			reason: app.ReasonCompulsory, from: "2027-03", months: 1, supportMonths: 1, contribution: 484_000, state: 96_800, amount: 387_200,
		},
		{
			// 22 % × 3,000,000 = 660,000; poor: 50 % × 484,000 = 242,000; 4 × 418,000.
			name:  "6 months, poor household, lump sum from 03/2027: 4 months × (660,000 − 242,000)",
			group: app.Poor, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 3_000_000, "6-months", "2027-01", "2027-01-20")
			},
			reason: app.ReasonLumpSum, from: "2027-03", months: 4, supportMonths: 4, contribution: 2_640_000, state: 968_000, amount: 1_672_000,
		},
		{
			// Decree 134/2015: near-poor 25 % of 22 % × 1,500,000 = 82,500; 330,000 a month.
			name:  "12 months from 07/2024 (Decree 134), death in 12/2024: 6 months × (330,000 − 82,500)",
			group: app.NearPoor, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 1_500_000, "12-months", "2024-07", "2024-07-10")
			},
			reason: app.ReasonDeath, from: "2025-01", months: 6, supportMonths: 6, contribution: 1_980_000, state: 495_000, amount: 1_485_000,
		},
		{
			// Decree 159 art. 6: 24 months ahead from 07/2025 paid in 2025 at 2024's 0.31 %/month;
			// the refunded months 13..24 are Σ_{i=13..24} 330,000/1.0031^(i−1) = 3,751,421.6… →
			// 3,751,422 (exact fractions, by hand); support undiscounted (method_caps): 12 × 66,000.
			name:  "24 months ahead from 07/2025, moved to compulsory from 07/2026: the discounted value of months 13–24",
			group: app.Other, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 1_500_000, "ahead:24", "2025-07", "2025-07-10")
			},
			reason: app.ReasonCompulsory, from: "2026-07", months: 12, supportMonths: 12, contribution: 3_751_422, state: 792_000, amount: 2_959_422,
		},
		{
			// Decree 134 art. 9: 60 months ahead from 01/2024 at 2023's 4.36 %/year ÷ 12; months
			// 13..60 of Σ 440,000/(1+0.0436/12)^(i−1) = 18,592,025; poor 30 % × 330,000 = 99,000.
			name:  "60 months ahead from 01/2024 (Decree 134), death in 12/2024: months 13–60 discounted, less 48 × 99,000",
			group: app.Poor, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 2_000_000, "ahead:60", "2024-01", "2024-01-15")
			},
			reason: app.ReasonDeath, from: "2025-01", months: 48, supportMonths: 48, contribution: 18_592_025, state: 4_752_000, amount: 13_840_025,
		},
		{
			// The 120-month cap (Decree 159 art. 5): 115 months used, so the 12 months from 01/2027
			// carry support on their first 5 only. Refunded from 04/2027: 9 months, of which the
			// 4th and 5th carried support → 9 × 484,000 − 2 × 96,800.
			name:  "the support cap ran out inside the period: only refunded months that carried support give it back",
			group: app.Other, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				p.Periods = append(p.Periods, app.Period{From: month(t, "2016-01"), To: month(t, "2025-07"), Method: "monthly", Income: 1_500_000,
					Gross: 115 * 330_000, SupportMonths: 115, StateSupport: 115 * 33_000, Voucher: "V-old"})
				pe := paidPeriod(t, p, 2_200_000, "12-months", "2027-01", "2027-01-05")
				require.Equal(t, 5, pe.SupportMonths)
			},
			reason: app.ReasonCompulsory, from: "2027-04", months: 9, supportMonths: 2, contribution: 4_356_000, state: 193_600, amount: 4_162_400,
		},
		{
			name:  "the cap ran out before the refunded months: the whole contribution comes back",
			group: app.Other, province: "48",
			setup: func(t *testing.T, p *app.Participant) {
				p.Periods = append(p.Periods, app.Period{From: month(t, "2016-01"), To: month(t, "2025-07"), Method: "monthly", Income: 1_500_000,
					Gross: 115 * 330_000, SupportMonths: 115, StateSupport: 115 * 33_000, Voucher: "V-old"})
				paidPeriod(t, p, 2_200_000, "12-months", "2027-01", "2027-01-05")
			},
			reason: app.ReasonCompulsory, from: "2027-07", months: 6, supportMonths: 0, contribution: 2_904_000, state: 0, amount: 2_904_000,
		},
		{
			// Hà Nội (Res. 19/2025): the city adds 50 % × 484,000 for the poor; 6 × (660,000 − 242,000 − 242,000).
			name:  "Hà Nội's support is given back with the state's",
			group: app.Poor, province: "01",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 3_000_000, "12-months", "2027-01", "2027-01-05")
			},
			reason: app.ReasonDeath, from: "2027-07", months: 6, supportMonths: 6, contribution: 3_960_000, state: 1_452_000, local: 1_452_000,
			amount: 1_056_000,
		},
		{
			// DOMAIN §3: a payment keeps the support base of its first month. 6 months from 12/2026
			// in Hà Nội, poor: 165,000 + 165,000 a month on 22 % × 1,500,000, also for 2027's months
			// (whose base is 2,200,000); refunded from 02/2027: 4 × (550,000 − 165,000 − 165,000).
			name:  "a period across the new poverty line gives back the support it carried, not today's",
			group: app.Poor, province: "01",
			setup: func(t *testing.T, p *app.Participant) {
				paidPeriod(t, p, 2_500_000, "6-months", "2026-12", "2026-12-07")
			},
			reason: app.ReasonDeath, from: "2027-02", months: 4, supportMonths: 4, contribution: 2_200_000, state: 660_000, local: 660_000,
			amount: 880_000,
		},
		{
			// Quảng Ninh's resolution ends 12/2027: a period 07/2027–06/2028 carried its 20 % (96,800)
			// for 6 months; refunded from 01/2028, those months carry none of it.
			name:  "a province's support that ended inside the period is not taken from months it did not pay",
			group: app.Other, province: "22",
			setup: func(t *testing.T, p *app.Participant) {
				pe := paidPeriod(t, p, 2_200_000, "12-months", "2027-07", "2027-07-05")
				require.Equal(t, app.Money(6*96_800), pe.LocalSupport)
			},
			reason: app.ReasonPension, from: "2028-01", months: 6, supportMonths: 6, contribution: 2_904_000, state: 580_800, local: 0,
			amount: 2_323_200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := person(tt.group, tt.province)
			tt.setup(t, p)
			r, err := ref.Rules.RefundOf(p, tt.reason, month(t, tt.from))
			require.NoError(t, err)
			assert.Equal(t, tt.months, r.Months, "months")
			assert.Equal(t, tt.supportMonths, r.SupportMonths, "support months")
			assert.Equal(t, tt.contribution, r.Contribution, "contribution")
			assert.Equal(t, tt.state, r.StateSupport, "state support")
			assert.Equal(t, tt.local, r.LocalSupport, "province support")
			assert.Equal(t, tt.amount, r.Amount, "refunded")
			assert.Empty(t, r.Warnings)
		})
	}
}

func TestRefundsRefused(t *testing.T) {
	p := person(app.Other, "48")
	paidPeriod(t, p, 2_200_000, "3-months", "2027-01", "2027-01-05")
	_, err := ref.Rules.RefundOf(p, "moved", month(t, "2027-02"))
	assert.Equal(t, "life_bad_reason", app.CodeOf(err), "only art. 8's reasons")
	_, err = ref.Rules.RefundOf(p, app.ReasonDeath, month(t, "2027-04"))
	assert.Equal(t, "refund_nothing", app.CodeOf(err), "nothing paid from 04/2027")
	assert.Equal(t, "from", app.FieldOf(err))

	// Art. 8 names what was paid for 3, 6 or 12 months or ahead: a month paid monthly is not refunded.
	mp := person(app.Other, "48")
	paidPeriod(t, mp, 2_200_000, "monthly", "2027-05", "2027-05-02")
	_, err = ref.Rules.RefundOf(mp, app.ReasonPension, month(t, "2027-05"))
	assert.Equal(t, "refund_nothing", app.CodeOf(err))

	// Missing time pays for the past: nothing of it is refunded.
	q := person(app.Other, "48")
	q.Periods = []app.Period{{From: month(t, "2027-01"), To: month(t, "2027-01"), Method: "missing:20", Gross: 20 * 484_000, Voucher: "V-m"}}
	_, err = ref.Rules.RefundOf(q, app.ReasonDeath, month(t, "2027-01"))
	assert.Equal(t, "refund_nothing", app.CodeOf(err))

	// One refund ends participation: a second is refused.
	r, err := ref.Rules.RefundOf(p, app.ReasonDeath, month(t, "2027-02"))
	require.NoError(t, err)
	p.Events = append(p.Events, app.LifeEvent{Kind: app.EventRefund, From: r.From, Reason: r.Reason, Refund: &r})
	_, err = ref.Rules.RefundOf(p, app.ReasonDeath, month(t, "2027-03"))
	assert.Equal(t, "life_left", app.CodeOf(err))
	months, support := p.Refunded()
	assert.Equal(t, 2, months)
	assert.Equal(t, 2, support)
	assert.Equal(t, 1, p.SupportMonthsLeftUsed(), "refunded months no longer count towards the 120")
}

// A change of income or method (Decree 159/2025 art. 6 khoản 3: once the current period has
// been paid to its end; DOMAIN §3: no adjustment mid-period).
func TestChangeOnlyWhenThePaidPeriodEnds(t *testing.T) {
	p := person(app.Other, "48")
	paidPeriod(t, p, 2_200_000, "12-months", "2027-01", "2027-01-05") // paid to 12/2027
	today := calendar.Of(2027, 6, 15)
	tests := []struct {
		name, method, from string
		income             app.Money
		code               string
		payable            app.Money
	}{
		{"mid-period (06/2027): refused, naming the period's end", "12-months", "2027-06", 3_000_000, "change_mid_period", 0},
		{"the last month paid (12/2027): refused", "3-months", "2027-12", 2_200_000, "change_mid_period", 0},
		{"from the month after (01/2028): 3 × (660,000 − 96,800)", "3-months", "2028-01", 3_000_000, "", 1_689_600},
		{"the same income and method: nothing to change", "12-months", "2028-01", 2_200_000, "change_nothing", 0},
		{"an income under the 2027 floor: refused as at registration", "monthly", "2028-01", 1_500_000, app.CodeIncomeBelowFloor, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ref.Rules.CheckChange(p, app.ChangeRequest{Income: tt.income, Method: method(t, tt.method), From: month(t, tt.from), Today: today})
			if tt.code != "" {
				assert.Equal(t, tt.code, app.CodeOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.payable, q.Payable)
		})
	}
	// The new terms start with the next period: not a later month, and never missing time.
	_, err := ref.Rules.CheckChange(p, app.ChangeRequest{Income: 3_000_000, Method: method(t, "monthly"), From: month(t, "2028-03"), Today: today})
	assert.Equal(t, app.CodeChangeNotNext, app.CodeOf(err))
	_, err = ref.Rules.CheckChange(p, app.ChangeRequest{Income: 3_000_000, Method: method(t, "missing:12"), From: month(t, "2028-01"), Today: today})
	assert.Equal(t, app.CodeChangeMissing, app.CodeOf(err))

	// Someone who was suspended changes from this month, never for months gone by.
	_, err = ref.Rules.CheckChange(p, app.ChangeRequest{Income: 3_000_000, Method: method(t, "monthly"), From: month(t, "2028-01"),
		Today: calendar.Of(2028, 3, 1)})
	assert.Equal(t, "change_past", app.CodeOf(err))
}

// Where a participant stands: the deadlines of DOMAIN §3 (3 months: within the 3; 6: the
// first 4; 12: the first 7), suspended after them (no surcharge; registers again), stopped or
// left by a decision.
func TestStandingOfAParticipant(t *testing.T) {
	p := person(app.Other, "48")
	p.Method = "3-months"
	assert.Equal(t, app.StandingRegistered, p.StandingOn(calendar.Of(2027, 1, 1)).State)
	paidPeriod(t, p, 2_200_000, "3-months", "2027-01", "2027-01-05") // 01–03/2027
	tests := []struct {
		day   calendar.Date
		state string
	}{
		{calendar.Of(2027, 3, 31), app.StandingActive},
		{calendar.Of(2027, 4, 1), app.StandingDue},       // 04–06 due by 30/06
		{calendar.Of(2027, 6, 30), app.StandingDue},      // the last day
		{calendar.Of(2027, 7, 1), app.StandingSuspended}, // missed
	}
	for _, tt := range tests {
		s := p.StandingOn(tt.day)
		assert.Equal(t, tt.state, s.State, tt.day.VNString())
	}
	s := p.StandingOn(calendar.Of(2027, 5, 1))
	assert.Equal(t, month(t, "2027-04"), s.Next)
	assert.Equal(t, calendar.Of(2027, 6, 30), s.Deadline)

	require.NoError(t, app.CheckStop(p, month(t, "2027-04"), app.ReasonOwn, calendar.Of(2027, 5, 1)))
	assert.Equal(t, "stop_paid_months", app.CodeOf(app.CheckStop(p, month(t, "2027-03"), app.ReasonOwn, calendar.Of(2027, 5, 1))), "paid months are refunded, not stopped")
	assert.Equal(t, app.CodeStopTooLate, app.CodeOf(app.CheckStop(p, month(t, "2031-01"), app.ReasonDeath, calendar.Of(2027, 5, 1))),
		"a stop is for the next period, not years ahead")
	p.Events = append(p.Events, app.LifeEvent{Kind: app.EventStop, From: month(t, "2027-04"), Reason: app.ReasonOwn})
	assert.Equal(t, app.StandingStopped, p.StandingOn(calendar.Of(2027, 5, 1)).State)
	// A later payment (registered again) takes the person back in.
	paidPeriod(t, p, 2_200_000, "3-months", "2027-10", "2027-10-05")
	assert.Equal(t, app.StandingActive, p.StandingOn(calendar.Of(2027, 11, 1)).State)
}

// Paying for missing time (Decree 159/2025 art. 7): from the month before retirement age, at
// most 60 months short of 15 years; joined before 2021 and 60/55 before 2021: 20 years (art. 13). Without
// the centre's history the desk says it cannot know.
func TestMissingTimeNeedsTheHistory(t *testing.T) {
	// A man born 11/1965 reaches 61 years 9 months (the age of 2027, Decree 135/2020) in 08/2027.
	mk := func(months int, first string) *app.Participant {
		p := person(app.Other, "48")
		p.BirthDate = "1965-11-01"
		if months >= 0 {
			p.History = &app.CentralHistory{Months: months}
			if first != "" {
				p.History.FirstJoined = month(t, first)
			}
		}
		return p
	}
	tests := []struct {
		name     string
		p        *app.Participant
		month    string
		code     string
		short    int
		required int
	}{
		{"no history from the centre: cannot know", mk(-1, ""), "2027-08", "missing_history_unknown", 180, 180},
		{"120 months: 60 short, allowed", mk(120, "2015-01"), "2027-08", "missing_ok", 60, 180},
		{"119 months: 61 short, too many", mk(119, "2015-01"), "2027-08", "missing_too_short", 61, 180},
		{"180 months: nothing short", mk(180, "2012-01"), "2027-08", "missing_not_short", 0, 180},
		{"two months before retirement age: too early", mk(150, "2015-01"), "2027-06", "missing_too_young", 30, 180},
		{"the month before retirement age: allowed", mk(150, "2015-01"), "2027-07", "missing_ok", 30, 180},
		{"60 before 2021, joined in 2010: 20 years needed (art. 13)", func() *app.Participant {
			p := mk(190, "2010-01")
			p.BirthDate = "1958-03-01"
			return p
		}(), "2026-04", "missing_ok", 50, 240},
		{"joined in 2010 but 60 after 2021: the general rule", mk(150, "2010-01"), "2027-08", "missing_ok", 30, 180},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ref.Rules.MissingTime(tt.p, month(t, tt.month))
			require.NoError(t, err)
			assert.Equal(t, tt.code, c.Code)
			assert.Equal(t, tt.short, c.Short)
			assert.Equal(t, tt.required, c.Required)
			assert.Equal(t, tt.code == "missing_ok", c.Allowed)
		})
	}
}

// What people ask at the desk (Law 41/2024), from the person's periods.
func TestBenefitsShownAtTheDesk(t *testing.T) {
	woman := func() *app.Participant {
		p := person(app.Other, "48")
		p.Gender, p.BirthDate = "female", "1995-03-01"
		return p
	}
	get := func(bs []app.Benefit, kind string) app.Benefit {
		for _, b := range bs {
			if b.Kind == kind {
				return b
			}
		}
		t.Fatalf("no %s", kind)
		return app.Benefit{}
	}
	// Art. 94–95: 6 of the 12 months before the birth paid → 2,000,000 per child.
	p := woman()
	paidPeriod(t, p, 2_200_000, "6-months", "2027-01", "2027-01-05")
	bs, err := ref.Rules.BenefitsOf(p, month(t, "2027-07"))
	require.NoError(t, err)
	m := get(bs, "maternity")
	assert.True(t, m.Eligible)
	assert.Equal(t, 6, m.Months)
	assert.Equal(t, app.Money(2_000_000), m.Amount)
	bs, _ = ref.Rules.BenefitsOf(p, month(t, "2028-02")) // only 01–06/2027 paid: 5 months in 02/2027–01/2028
	assert.False(t, get(bs, "maternity").Eligible)

	// Art. 102: 3 years from 2014 at 2 months of the average income a year, less the support:
	// 6 × 2,200,000 − 36 × 96,800 = 13,200,000 − 3,484,800.
	p = woman()
	for _, from := range []string{"2027-01", "2028-01", "2029-01"} {
		paidPeriod(t, p, 2_200_000, "12-months", from, from+"-05")
	}
	bs, err = ref.Rules.BenefitsOf(p, month(t, "2030-01"))
	require.NoError(t, err)
	ls := get(bs, "lump_sum")
	assert.Equal(t, app.Money(2_200_000), ls.Average)
	assert.Equal(t, app.Money(9_715_200), ls.Amount)
	assert.False(t, ls.Known, "no history from the centre: the part the desk can compute")
	// 2 years 5 months: the odd months count half a year → 2.5 × 2 = 5 months of income, less support.
	q := woman()
	paidPeriod(t, q, 2_200_000, "12-months", "2027-01", "2027-01-05")
	paidPeriod(t, q, 2_200_000, "12-months", "2028-01", "2028-01-05")
	q.Periods = append(q.Periods, app.Period{From: month(t, "2029-01"), To: month(t, "2029-05"), Method: "monthly", Income: 2_200_000,
		Gross: 5 * 484_000, SupportMonths: 5, StateSupport: 5 * 96_800, Voucher: "V-x"})
	bs, _ = ref.Rules.BenefitsOf(q, month(t, "2030-01"))
	assert.Equal(t, app.Money(5*2_200_000-29*96_800), get(bs, "lump_sum").Amount)

	// Art. 98–99: a woman with 20 years: 45 % + 5 × 2 % = 55 % of the average income.
	w := woman()
	w.Periods = []app.Period{{From: month(t, "2007-01"), To: month(t, "2026-12"), Method: "monthly", Income: 3_000_000, Gross: 240 * 660_000,
		Voucher: "V-w"}}
	w.History = &app.CentralHistory{Months: 240, FirstJoined: month(t, "2007-01")}
	bs, _ = ref.Rules.BenefitsOf(w, month(t, "2027-01"))
	pe := get(bs, "pension")
	assert.True(t, pe.Eligible)
	assert.Equal(t, app.Rate(5500), pe.Rate)
	assert.Equal(t, app.Money(1_650_000), pe.Monthly)
	// A man with 17 years: 40 % + 2 × 1 % = 42 %; with 12 years: 36 months short.
	man := person(app.Other, "48")
	man.Periods = []app.Period{{From: month(t, "2010-01"), To: month(t, "2026-12"), Method: "monthly", Income: 3_000_000, Gross: 204 * 660_000,
		Voucher: "V-m"}}
	bs, _ = ref.Rules.BenefitsOf(man, month(t, "2027-01"))
	assert.Equal(t, app.Rate(4200), get(bs, "pension").Rate)
	man.Periods[0].From = month(t, "2015-01")
	bs, _ = ref.Rules.BenefitsOf(man, month(t, "2027-01"))
	assert.Equal(t, "benefit_pension_short", get(bs, "pension").Code)
	assert.Equal(t, 36, get(bs, "pension").Months)
}

// The support group's evidence (the commune's list of a year; from 2027 the lists under Decree
// 351/2025 replace the 2026 ones) and the exclusions the central records hold (DOMAIN §2).
func TestEvidenceLapsesAndExclusions(t *testing.T) {
	p := person(app.Poor, "79")
	p.LocalGroups = []string{"79:ho-ngheo-tp"}
	assert.Equal(t, []string{"poor", "79:ho-ngheo-tp"}, p.EvidenceLapsed(calendar.Of(2026, 12, 1)))
	p.Events = append(p.Events, app.LifeEvent{Kind: app.EventEvidence, Reason: "poor", Year: 2026, Reference: "QĐ 12/QĐ-UBND"},
		app.LifeEvent{Kind: app.EventEvidence, Reason: "79:ho-ngheo-tp", Year: 2026, Reference: "DS 2026"})
	assert.Empty(t, p.EvidenceLapsed(calendar.Of(2026, 12, 1)))
	assert.Equal(t, []string{"poor", "79:ho-ngheo-tp"}, p.EvidenceLapsed(calendar.Of(2027, 1, 4)), "2026's lists lapse in 2027")
	assert.Empty(t, person(app.Other, "48").EvidenceLapsed(calendar.Of(2027, 1, 4)), "the state's 20 % needs no list")

	var none *app.CentralHistory
	assert.Empty(t, none.Exclusion(month(t, "2027-01")))
	h := &app.CentralHistory{CompulsoryFrom: month(t, "2026-09")}
	assert.Equal(t, "excluded_compulsory", h.Exclusion(month(t, "2027-01")))
	assert.Empty(t, h.Exclusion(month(t, "2026-08")))
	h.CompulsoryTo = month(t, "2026-12")
	assert.Empty(t, h.Exclusion(month(t, "2027-01")), "compulsory insurance ended")
	assert.Equal(t, "excluded_pension", (&app.CentralHistory{Pension: true}).Exclusion(month(t, "2027-01")))
}

// Who takes part in a month, for the monthly report: not from the month a refund starts, nor
// after a stop, even within the grace of the payment deadline.
func TestLeavingEndsTakingPart(t *testing.T) {
	p := person(app.Other, "48")
	p.Method = "3-months"
	paidPeriod(t, p, 2_200_000, "3-months", "2027-01", "2027-01-05") // 01–03/2027
	assert.True(t, app.TakesPart(*p, month(t, "2027-04")), "the next quarter may be paid until 30/06")
	q := *p
	q.Events = []app.LifeEvent{{Kind: app.EventStop, From: month(t, "2027-04"), Reason: app.ReasonOwn}}
	assert.False(t, app.TakesPart(q, month(t, "2027-04")), "stopped from 04/2027")
	assert.True(t, app.TakesPart(q, month(t, "2027-03")))
	r, err := ref.Rules.RefundOf(p, app.ReasonCompulsory, month(t, "2027-02"))
	require.NoError(t, err)
	p.Events = append(p.Events, app.LifeEvent{Kind: app.EventRefund, From: r.From, Reason: r.Reason, Refund: &r})
	assert.True(t, app.TakesPart(*p, month(t, "2027-01")))
	assert.False(t, app.TakesPart(*p, month(t, "2027-02")), "refunded from 02/2027")
}

// A refund ends the months it gave back, not the person's history: a new registration's
// payment takes them back, and months refunded may be paid again.
func TestARefundIsUndoneByANewPayment(t *testing.T) {
	p := person(app.Other, "48")
	pe := paidPeriod(t, p, 2_200_000, "12-months", "2027-01", "2027-01-05")
	p.Periods[0].Recorded = pe.PaidOn.Time()
	r, err := ref.Rules.RefundOf(p, app.ReasonCompulsory, month(t, "2027-04"))
	require.NoError(t, err)
	at := calendar.Of(2027, 4, 2).Time()
	p.Events = append(p.Events, app.LifeEvent{ID: "e1", Kind: app.EventRefund, From: r.From, Reason: r.Reason, Refund: &r, At: at})
	require.NotNil(t, p.Exit())
	assert.Equal(t, month(t, "2027-03"), p.LastPaid(), "the refunded months are not paid any more")
	assert.Equal(t, app.StandingActive, p.StandingOn(calendar.Of(2027, 3, 20)).State, "until the month the refund starts")
	assert.Equal(t, app.StandingLeft, p.StandingOn(calendar.Of(2027, 4, 3)).State)
	// Back after compulsory insurance ended: a new registration's voucher for 10/2027.
	q := paidPeriod(t, p, 2_200_000, "3-months", "2027-10", "2027-10-03")
	p.Periods[1].Recorded = q.PaidOn.Time()
	assert.Nil(t, p.Exit(), "taking part again")
	assert.Equal(t, app.StandingActive, p.StandingOn(calendar.Of(2027, 11, 1)).State)
	assert.Equal(t, 3+3, p.MonthsForTest(), "3 months kept of the first period and 3 of the new one")
	_, err = ref.Rules.RefundOf(p, app.ReasonDeath, month(t, "2027-04"))
	require.NoError(t, err)
	r2, err := ref.Rules.RefundOf(p, app.ReasonDeath, month(t, "2027-11"))
	require.NoError(t, err)
	assert.Equal(t, 2, r2.Months, "11–12/2027 of the new period; the months refunded before are not refunded twice")
}

// A change of terms recorded before a newer registration does not replace the registration's
// terms, whatever order the two arrive in.
func TestAChangeOlderThanTheRegistrationKeepsItsTerms(t *testing.T) {
	p := person(app.Other, "48")
	p.Income, p.Method, p.TermsAt = 3_000_000, "monthly", calendar.Of(2029, 1, 10).Time()
	p.ApplyEvent(app.LifeEvent{ID: "old", Kind: app.EventChange, Income: 2_500_000, Method: "12-months", At: calendar.Of(2027, 6, 1).Time()})
	assert.Equal(t, app.Money(3_000_000), p.Income, "the 2029 registration's terms")
	p.ApplyEvent(app.LifeEvent{ID: "new", Kind: app.EventChange, Income: 4_000_000, Method: "3-months", At: calendar.Of(2029, 6, 1).Time()})
	assert.Equal(t, app.Money(4_000_000), p.Income)
	assert.Equal(t, "3-months", p.Method)
	assert.False(t, p.ApplyEvent(app.LifeEvent{ID: "new", Kind: app.EventChange}), "an event is applied once")
}
