package app

import (
	"sort"
	"strconv"
	"time"

	"bhxhdesk/app/calendar"
)

// RuleNotice is something the reference data lacks or only guesses for the coming months, that
// an administrator must settle before it reaches a quote or an appointment date (cảnh báo dữ
// liệu quy định). Code keys the message "outlook.<code>" in the catalogue, with Args.
type RuleNotice struct {
	Code string            `json:"code"`
	Args map[string]string `json:"args"`
	// From is the first month the notice concerns: a missing calendar or rate from 1 January,
	// a pending entry from its first month.
	From Month `json:"from"`
}

// The codes of RuleNotice.
const (
	OutlookCalendarMissing    = "calendar_missing"    // no calendar for a year: deadlines refused
	OutlookCalendarUnofficial = "calendar_unofficial" // a year's calendar is only projected or reported
	OutlookFundRateMissing    = "fund_rate_missing"   // no fund rate for the payments of a year
	OutlookFundRateReported   = "fund_rate_reported"  // a fund rate not confirmed by a published text
	OutlookRulePending        = "rule_pending"        // a proposed entry awaits confirmation
	OutlookRuleReported       = "rule_reported"       // an applied entry that is only reported
	OutlookRulesMissing       = "rules_missing"       // a table has no entry for a month
	OutlookLocalEnding        = "local_ending"        // the province's own support ends
)

// outlookMonths is how far ahead the tables are looked at; from 1 November the whole of the
// next year is (calendars and rates are published for a year at a time).
const outlookMonths = 3

// Outlook lists what the rule tables and calendars lack or only guess from today's month to
// the horizon: three months ahead, and from 1 November the end of the next year. province is
// the office's province, for its own support. The list is empty when everything is confirmed.
func Outlook(rules *Rules, cals *calendar.Book, today calendar.Date, province string) []RuleNotice {
	var out []RuleNotice
	add := func(code string, from Month, args ...string) {
		n := RuleNotice{Code: code, From: from, Args: map[string]string{}}
		for i := 0; i+1 < len(args); i += 2 {
			n.Args[args[i]] = args[i+1]
		}
		// A province's own group is named as its resolution names it (group_vi, group_en),
		// not by its ID.
		if g, ok := rules.LocalGroup(province, n.Args["group"]); ok {
			n.Args["group_vi"], n.Args["group_en"] = g.NameVI, g.NameEN
		}
		out = append(out, n)
	}
	now := MonthOfDate(today)
	years := []int{today.Year()}
	horizon := now.Add(outlookMonths - 1)
	if _, month, _ := today.Parts(); month >= time.November {
		years = append(years, today.Year()+1)
		horizon = MonthOf(today.Year()+1, time.December)
	}
	for _, y := range years {
		jan := MonthOf(y, time.January)
		switch status, ok := cals.YearStatus(y); {
		case !ok:
			add(OutlookCalendarMissing, jan, "year", strconv.Itoa(y))
		case status != "official":
			add(OutlookCalendarUnofficial, jan, "year", strconv.Itoa(y), "status", status)
		}
		// Ahead and missing-time payments made in year y use the rate of year y−1.
		switch fr, ok := rules.FundRates[y-1]; {
		case !ok || fr.Status == Proposed:
			add(OutlookFundRateMissing, jan, "year", strconv.Itoa(y-1), "paid", strconv.Itoa(y))
		case fr.Status == Reported:
			add(OutlookFundRateReported, jan, "year", strconv.Itoa(y-1), "paid", strconv.Itoa(y), "rate", fr.Percent())
		}
	}
	r := rules
	for _, t := range []tableOutlook{outlookOf(&r.PovertyLine), outlookOf(&r.ReferenceLevel), outlookOf(&r.Contribution),
		outlookOf(&r.SupportShare), outlookOf(&r.Caps)} {
		for _, n := range t(now, horizon) {
			add(n.Code, n.From, flatArgs(n.Args)...)
		}
	}
	for _, l := range r.LocalSupport[province] {
		group := string(l.Group)
		switch {
		case l.Status == Proposed && l.From <= horizon && (l.To == 0 || l.To >= now):
			add(OutlookRulePending, l.From, "table", "local_support", "from", l.From.String(), "group", group)
		case l.Status == Reported && l.From <= horizon && (l.To == 0 || l.To >= now):
			add(OutlookRuleReported, max(l.From, now), "table", "local_support", "from", l.From.String(), "group", group)
		case l.Status != Proposed && l.To != 0 && l.To >= now && l.To < horizon:
			if _, next := r.localSupport(province, l.Group, l.To.Add(1)); !next {
				add(OutlookLocalEnding, l.To.Add(1), "group", group, "to", l.To.String())
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out
}

// tableOutlook lists one table's notices between two months.
type tableOutlook func(from, to Month) []RuleNotice

func outlookOf[T any](t *Timeline[T]) tableOutlook {
	return func(from, to Month) []RuleNotice {
		var out []RuleNotice
		seen := map[string]bool{}
		note := func(n RuleNotice) {
			if key := n.Code + n.Args["from"] + n.Args["month"]; !seen[key] {
				seen[key] = true
				out = append(out, n)
			}
		}
		for m := from; m <= to; m = m.Add(1) {
			e, ok := t.At(m)
			if !ok {
				note(RuleNotice{Code: OutlookRulesMissing, From: m, Args: map[string]string{"table": t.Name, "month": m.String()}})
				continue
			}
			if e.Status == Reported {
				note(RuleNotice{Code: OutlookRuleReported, From: max(e.From, from), Args: map[string]string{"table": t.Name, "from": e.From.String()}})
			}
			if p, ok := t.Pending(m); ok {
				note(RuleNotice{Code: OutlookRulePending, From: p.From, Args: map[string]string{"table": t.Name, "from": p.From.String()}})
			}
		}
		return out
	}
}
