package app_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
)

func codes(ns []app.RuleNotice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Code + " " + n.Args["year"] + n.Args["table"]
	}
	return out
}

func TestTheDeskWarnsAheadFromNovember(t *testing.T) {
	// In October only this year matters: the rate behind this year's ahead payments is only
	// reported.
	oct := ref.Outlook(calendar.Of(2026, 10, 15), "48")
	assert.Equal(t, []string{"fund_rate_reported 2025"}, codes(oct))

	// From 1 November the next year is checked too: its calendar is only projected and the
	// rate its payments need (2026's) is missing.
	dec := ref.Outlook(calendar.Of(2026, 12, 6), "48")
	assert.ElementsMatch(t, []string{"fund_rate_reported 2025", "calendar_unofficial 2027", "fund_rate_missing 2026"}, codes(dec))
	// In Hà Nội the share for the resolution's further groups is only reported, and says so:
	// in a sentence, the group by its name (its ID was shown).
	hn := ref.Outlook(calendar.Of(2026, 12, 6), "01")
	assert.Contains(t, codes(hn), "rule_reported local_support")
	for _, n := range hn {
		if n.Code == app.OutlookRuleReported && n.Args["group"] == "01:nq19-doi-tuong-khac" {
			assert.Equal(t, `Hỗ trợ của địa phương: quy định áp dụng từ 01/2026 chưa được xác nhận chính thức. `+
				`(nhóm "Đối tượng khác theo Nghị quyết 19/2025/NQ-HĐND Hà Nội")`, ref.Catalog.Outlook(app.VI, n))
			assert.Equal(t, `Local support: the rule applied from 01/2026 is not officially confirmed. `+
				`(group "Further groups of Hà Nội Resolution 19/2025/NQ-HĐND")`, ref.Catalog.Outlook(app.EN, n))
		}
	}
	for _, n := range dec {
		text := ref.Catalog.Outlook(app.VI, n)
		assert.NotContains(t, text, "{", "every argument is filled: %s", text)
		if n.Code == app.OutlookFundRateMissing {
			assert.Equal(
				t,
				"Chưa có lãi suất đầu tư quỹ năm 2026: từ 01/01/2027 không tính được số tiền đóng một lần cho nhiều năm về sau hoặc cho thời gian "+
					"còn thiếu.",
				text,
			)
		}
	}
}

func TestTheOutlookNamesPendingMissingAndEndingRules(t *testing.T) {
	over := fstest.MapFS{
		"rules/poverty_line.json": {Data: []byte(`{"table":"poverty_line","entries":[
			{"from":"2016-01","value":700000,"source":"QĐ 59/2015","status":"confirmed","to":"2021-12"},
			{"from":"2022-01","value":1500000,"source":"NĐ 07/2021","status":"confirmed"},
			{"from":"2027-01","value":2200000,"source":"NĐ 351/2025","status":"proposed"}]}`)},
		"rules/local_support.json": {Data: []byte(`{"table":"local_support","entries":[
			{"province":"01","group":"poor","from":"2026-01","to":"2026-12","value":{},"share":5000,"source":"NQ","status":"confirmed"}]}`)},
		"calendar/2027.json": {Data: []byte(`{"year":2027,"status":"official","source":"TB","off":[],"workdays":[]}`)},
	}
	r, err := assets.Load(over)
	require.NoError(t, err)
	ns := r.Outlook(calendar.Of(2026, 11, 2), "01")
	got := map[string]app.RuleNotice{}
	for _, n := range ns {
		got[n.Code] = n
	}
	require.Contains(t, got, app.OutlookRulePending, "the 2027 line is only proposed")
	assert.Equal(t, "poverty_line", got[app.OutlookRulePending].Args["table"])
	require.Contains(t, got, app.OutlookLocalEnding)
	assert.Equal(t, `Hỗ trợ của địa phương cho nhóm "Hộ nghèo" hết hiệu lực sau tháng 12/2026, chưa có quy định tiếp theo.`,
		r.Catalog.Outlook(app.VI, got[app.OutlookLocalEnding]))
	assert.NotContains(t, got, app.OutlookCalendarUnofficial, "2027 published officially")
	// The pending line concerns 2027, a month past the horizon in October.
	assert.NotContains(t, codes(r.Outlook(calendar.Of(2026, 9, 1), "01")), "rule_pending poverty_line")
}
