package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
)

func TestCalcUnderTheRulesOf2027(t *testing.T) {
	// Decree 351/2025: 1,500,000 is below the 2,200,000 floor from 01/2027.
	code, out, _ := runCLI(t, "", "calc", "--income", "1500000", "--method", "monthly", "--group", "poor", "--month", "2027-01")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "2.200.000 ₫")
	assert.Contains(t, out, "[15]")
	code, out, _ = runCLI(t, "", "calc", "--income", "1500000", "--method", "monthly", "--group", "poor", "--month", "2027-01", "--json")
	assert.Equal(t, exitInvalid, code)
	errs := decode(t, out)["errors"].([]any)
	require.Len(t, errs, 1)
	assert.Equal(t, "income", errs[0].(map[string]any)["field"])
	assert.Equal(t, "income_below_floor", errs[0].(map[string]any)["code"])

	code, out, _ = runCLI(t, "", "calc", "--income", "2200000", "--method", "monthly", "--group", "poor", "--month", "2027-01", "--json")
	require.Equal(t, exitOK, code)
	m := decode(t, out)
	assert.EqualValues(t, 242000, m["state_support"])
	assert.EqualValues(t, 242000, m["payable"])
	assert.Empty(t, m["warnings"])

	// The text says which rules it used, with their sources.
	_, out, _ = runCLI(t, "", "calc", "--income", "2200000", "--method", "monthly", "--group", "poor", "--month", "2027-01")
	assert.Contains(t, out, "Nghị định 351/2025/NĐ-CP")
}

func TestCalcAheadPaysAtTheRateOfTheYearBeforePayment(t *testing.T) {
	// Paid on 10/12/2026 (at registration) for 24 months from 01/2027: the 2025 rate.
	code, out, _ := runCLI(
		t,
		"",
		"calc",
		"--income",
		"2200000",
		"--method",
		"ahead:24",
		"--month",
		"2027-01",
		"--paid-on",
		"2026-12-10",
		"--json",
	)
	require.Equal(t, exitOK, code, out)
	assert.Equal(t, "0.0031", decode(t, out)["fund_rate"])
	// Paid in 2027: the 2026 rate is not published, refused with the reason.
	code, out, _ = runCLI(t, "", "calc", "--income", "2200000", "--method", "ahead:24", "--month", "2027-01", "--paid-on", "2027-01-04")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "lãi suất đầu tư quỹ năm 2026")
	// Part of a year is not "nhiều năm".
	code, out, _ = runCLI(t, "", "calc", "--income", "2200000", "--method", "ahead:18", "--month", "2027-01", "--paid-on", "2026-12-10")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, "từ 2 đến 5 năm")
}

func TestDeadlineCountsVietnameseCultureDay(t *testing.T) {
	code, out, _ := runCLI(t, "", "deadline", "--received", "2026-11-23T09:00:00+07:00", "--days", "1", "--json")
	require.Equal(t, exitOK, code)
	assert.Equal(t, "2026-11-25", decode(t, out)["due"], "24/11/2026 is a holiday (Resolution 28/2026/QH16)")
}

func TestRulesListsEntriesWithSourcesAndTheOutlook(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules", "--json")
	require.Equal(t, exitOK, code)
	m := decode(t, out)
	entries := m["entries"].([]any)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		row := e.(map[string]any)
		assert.NotEmpty(t, row["source"], row["table"])
		assert.Contains(t, []any{"confirmed", "reported", "proposed"}, row["status"])
	}
	assert.NotNil(t, m["outlook"])
}

func TestTheReadmeListsTheRulesFromTheData(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "<!-- rules:begin -->\n")
	require.True(t, ok, "the README has a rules section")
	section, _, ok := strings.Cut(rest, "<!-- rules:end -->")
	require.True(t, ok)
	from, to := app.MonthOf(2025, 1), app.MonthOf(2027, 12)
	assert.Equal(t, RulesMarkdown(assets.MustLoad().Rules.List(from, to)), section,
		"the README's rules table is stale: run make readme-rules")
}
