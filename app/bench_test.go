package app_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

// Targets on the reference machine (2 cores): a quote under 20 µs, a validation under 50 µs.

func BenchmarkQuoteMonthly(b *testing.B) {
	req := app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Monthly, Months: 1}, Month: app.MonthOf(2025, 9),
		Groups: []app.SupportGroup{app.Poor}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ref.Rules.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuoteYearly(b *testing.B) {
	req := app.QuoteRequest{Income: 5_000_000, Method: app.Method{Kind: app.Yearly, Months: 12}, Month: app.MonthOf(2025, 9)}
	for b.Loop() {
		if _, err := ref.Rules.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

// The discount formula sums 60 exact fractions: the slowest quote there is.
func BenchmarkQuoteAhead60(b *testing.B) {
	req := app.QuoteRequest{Income: 5_000_000, Method: app.Method{Kind: app.Ahead, Months: 60}, Month: app.MonthOf(2025, 9)}
	for b.Loop() {
		if _, err := ref.Rules.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	v := newValidator()
	f := validForm()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Validate(f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateInvalid(b *testing.B) {
	v := newValidator()
	f := validForm()
	f.PersonalID, f.Income, f.Phone = "001090012345", "1.520.000", "123"
	for b.Loop() {
		if _, err := v.Validate(f); err == nil {
			b.Fatal("want problems")
		}
	}
}

func BenchmarkFoldKey(b *testing.B) {
	for b.Loop() {
		_ = app.FoldKey("Nguyễn Thị Hồng Ánh")
	}
}

func BenchmarkLoadReference(b *testing.B) {
	for b.Loop() {
		if _, err := assets.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLoadRulesFailsLoudly(t *testing.T) {
	tests := []struct {
		name, file, body, want string
	}{
		{
			"overlapping entries",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","to":"2022-06","value":700000,"source":"s","status":"confirmed"},{"from":"2022-01","value":1500000,
				"source":"s","status":"confirmed"}]}`,
			"overlaps",
		},
		{
			"a gap between entries",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","to":"2021-06","value":700000,"source":"s","status":"confirmed"},{"from":"2022-01","value":1500000,
				"source":"s","status":"confirmed"}]}`,
			"gap",
		},
		{
			"two entries from the same month",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","value":700000,"source":"s","status":"confirmed"},{"from":"2016-01","value":1500000,"source":"s",
				"status":"reported"}]}`,
			"overlap",
		},
		{
			"an entry without a legal source",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","value":700000,"status":"confirmed"}]}`,
			"source",
		},
		{"an unknown status", "poverty_line.json", `{"entries":[{"from":"2016-01","value":700000,"source":"s","status":"maybe"}]}`, "status"},
		{
			"a closed last entry",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","to":"2030-01","value":700000,"source":"s","status":"confirmed"}]}`,
			"open-ended",
		},
		{
			"an unknown field",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","value":700000,"source":"s","status":"confirmed","valeu":1}]}`,
			"unknown field",
		},
		{
			"a bad month",
			"reference_level.json",
			`{"entries":[{"from":"2016-13","value":700000,"source":"s","status":"confirmed"}]}`,
			"reference_level",
		},
		{
			"a share above 100%",
			"support_share.json",
			`{"entries":[{"from":"2016-01","value":{"poor":10001,"island":0,"near-poor":0,"ethnic-minority":0,"other":0},"source":"s",
				"status":"confirmed"}]}`,
			"support_share",
		},
		{
			"a missing group",
			"support_share.json",
			`{"entries":[{"from":"2016-01","value":{"poor":1000},"source":"s","status":"confirmed"}]}`,
			"group",
		},
		{
			"a fund rate that is not a decimal",
			"fund_rate.json",
			`{"entries":[{"year":2024,"monthly_rate":"0,31%","source":"s","status":"reported"}]}`,
			"fund_rate",
		},
		{
			"local support with both share and amount",
			"local_support.json",
			`{"entries":[{"province":"01","group":"poor","from":"2025-07","share":1000,"amount":5000,"source":"s","status":"confirmed"}]}`,
			"local_support",
		},
		{
			"overlapping local support",
			"local_support.json",
			`{"entries":[{"province":"01","group":"poor","from":"2025-07","share":1000,"source":"s","status":"confirmed"},{"province":"01",
				"group":"poor","from":"2026-01","share":2000,"source":"s","status":"confirmed"}]}`,
			"overlaps",
		},
		{
			"no applied entry",
			"poverty_line.json",
			`{"entries":[{"from":"2016-01","value":700000,"source":"s","status":"proposed"}]}`,
			"no applied entry",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assets.Load(fstest.MapFS{tt.file: {Data: []byte(tt.body)}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLocalSupportIsVersionedAndWarns(t *testing.T) {
	r, err := assets.Load(fstest.MapFS{"local_support.json": {Data: []byte(`{"entries":[
	 {"province":"01","group":"poor","from":"2025-07","amount":50000,"source":"Nghị quyết HĐND (test)","status":"reported"}]}`)}})
	require.NoError(t, err)
	q, err := r.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Monthly, Months: 1}, Month: app.MonthOf(2025, 9),
		Groups: []app.SupportGroup{app.Poor}, Province: "01", SupportMonthsUsed: 120})
	require.NoError(t, err)
	assert.Equal(t, app.Money(0), q.StateSupport, "the state's 120 months are used up")
	assert.Equal(t, app.Money(50_000), q.LocalSupport, "the province's support is counted on its own")
	assert.Contains(t, q.Warnings, "rule_reported:local_support")
	assert.Contains(
		t,
		q.Rules,
		app.Version{Table: "local_support", From: app.MonthOf(2025, 7), Source: "Nghị quyết HĐND (test)", Status: app.Reported},
	)
}

func TestLocalSupportOverlapHiddenByProposedEntry(t *testing.T) {
	_, err := assets.Load(fstest.MapFS{"local_support.json": {Data: []byte(`{"entries":[
	 {"province":"01","group":"poor","from":"2025-07","amount":50000,"source":"a","status":"confirmed"},
	 {"province":"01","group":"poor","from":"2026-01","amount":70000,"source":"b","status":"proposed"},
	 {"province":"01","group":"poor","from":"2026-07","amount":90000,"source":"c","status":"confirmed"}]}`)}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "overlaps")
}

func TestSupportGroupsIncludeEthnicity(t *testing.T) {
	f := validForm()
	f.Ethnicity, f.SupportGroup = "02", "other"
	r, err := newValidator().Validate(f)
	require.NoError(t, err)
	assert.Equal(t, []app.SupportGroup{app.Other, app.EthnicMinority}, r.SupportGroups())
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: r.Income, Method: r.Method, Month: month(t, "2025-09"), Groups: r.SupportGroups()})
	require.NoError(t, err)
	assert.Equal(t, app.EthnicMinority, q.Group, "a Tày citizen gets 30%, not 20%")
	assert.Equal(t, app.Money(99_000), q.StateSupport)
}

func TestLocalSupportAddsToStateSupport(t *testing.T) {
	// A province resolution (test data): +10% of 22% × the poverty line for near-poor, from 2025-07.
	r, err := assets.Load(fstest.MapFS{"local_support.json": {Data: []byte(`{"entries":[
	 {"province":"01","group":"near-poor","from":"2025-07","share":1000,"source":"Nghị quyết HĐND (test)","status":"confirmed"},
	 {"province":"79","group":"poor","from":"2025-07","amount":50000,"source":"Nghị quyết HĐND (test)","status":"confirmed"}]}`)}})
	require.NoError(t, err)
	q, err := r.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Quarter, Months: 3}, Month: app.MonthOf(2025, 9),
		Groups: []app.SupportGroup{app.NearPoor}, Province: "01"})
	require.NoError(t, err)
	assert.Equal(t, app.Money(3*33_000), q.LocalSupport)
	assert.Equal(t, app.Money(3*330_000-3*132_000-3*33_000), q.Payable)
	q, err = r.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Monthly, Months: 1}, Month: app.MonthOf(2025, 9),
		Groups: []app.SupportGroup{app.Poor}, Province: "79"})
	require.NoError(t, err)
	assert.Equal(t, app.Money(50_000), q.LocalSupport)
	assert.Equal(t, app.Money(115_000), q.Payable)
	q, err = r.Rules.Quote(app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Monthly, Months: 1}, Month: app.MonthOf(2025, 6),
		Groups: []app.SupportGroup{app.Poor}, Province: "79"})
	require.NoError(t, err)
	assert.Equal(t, app.Money(0), q.LocalSupport, "not before the resolution's month")
}
