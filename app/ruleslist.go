package app

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// RuleEntry is one entry of a rule table as a list shows it (`bhxh rules`, the README's rules
// section, the settings page): which table, from when to when, its value in short neutral
// words, and where it comes from and how sure it is.
type RuleEntry struct {
	Table  string `json:"table"`
	From   Month  `json:"from"`
	To     Month  `json:"to,omitempty"`
	Value  string `json:"value"`
	Status Status `json:"status"`
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

// List returns the entries of every table that are in force at some month from from to to
// (inclusive), proposed ones included, table by table in a fixed order and by month.
func (r *Rules) List(from, to Month) []RuleEntry {
	var out []RuleEntry
	overlaps := func(f, t Month) bool { return f <= to && (t == 0 || t >= from) }
	add := func(table string, f, t Month, value string, st Status, source, note string) {
		if overlaps(f, t) {
			out = append(out, RuleEntry{Table: table, From: f, To: t, Value: value, Status: st, Source: source, Note: note})
		}
	}
	for _, e := range r.PovertyLine.Entries {
		add(r.PovertyLine.Name, e.From, e.To, e.Value.String(), e.Status, e.Source, e.Note)
	}
	for _, e := range r.ReferenceLevel.Entries {
		add(r.ReferenceLevel.Name, e.From, e.To, e.Value.String(), e.Status, e.Source, e.Note)
	}
	for _, e := range r.Contribution.Entries {
		c := e.Value
		add(
			r.Contribution.Name,
			e.From,
			e.To,
			fmt.Sprintf("%s · step %s · ceiling %d× · age %d", c.Rate.Percent(), c.IncomeStep, c.CeilingMultiplier, c.MinAge),
			e.Status,
			e.Source,
			e.Note,
		)
	}
	for _, e := range r.SupportShare.Entries {
		parts := make([]string, 0, len(SupportGroups))
		for _, g := range SupportGroups {
			parts = append(parts, string(g)+" "+e.Value[g].Percent())
		}
		add(r.SupportShare.Name, e.From, e.To, strings.Join(parts, " · "), e.Status, e.Source, e.Note)
	}
	for _, e := range r.Caps.Entries {
		c := e.Value
		ahead := "ahead ≤ " + strconv.Itoa(c.AheadMax)
		if step := max(c.AheadStep, 1); step > 1 || c.AheadMin > 1 {
			ahead = fmt.Sprintf("ahead %d–%d months in steps of %d", max(c.AheadMin, step), c.AheadMax, step)
		}
		add(r.Caps.Name, e.From, e.To, fmt.Sprintf("%s · missing ≤ %d · support ≤ %d months", ahead, c.MissingMax, c.SupportMonths),
			e.Status, e.Source, e.Note)
	}
	years := make([]int, 0, len(r.FundRates))
	for y := range r.FundRates {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		f := r.FundRates[y]
		rate := f.Percent() + "/month"
		if f.AnnualRate != "" {
			rate = percentOf(f.AnnualRate) + "/year (" + rate + ")"
		}
		add("fund_rate", MonthOf(y, time.January), MonthOf(y, time.December), rate+" (payments in "+strconv.Itoa(y+1)+")",
			f.Status, f.Source, f.Note)
	}
	provinces := make([]string, 0, len(r.LocalSupport))
	for p := range r.LocalSupport {
		provinces = append(provinces, p)
	}
	sort.Strings(provinces)
	for _, p := range provinces {
		for _, l := range r.LocalSupport[p] {
			value := "+" + l.Share.Percent()
			if l.Amount > 0 {
				value = "+" + l.Amount.String() + "/month"
			}
			add("local_support", l.From, l.To, "province "+p+" · "+string(l.Group)+" "+value, l.Status, l.Source, l.Note)
		}
	}
	return out
}

// percentOf writes a decimal rate as a percentage with a decimal comma: "0.0419" → "4,19%".
func percentOf(dec string) string {
	r, ok := decimalRat(dec)
	if !ok {
		return dec
	}
	return ratPercent(r)
}
