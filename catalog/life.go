package catalog

import (
	"strconv"
	"strings"

	"bhxhdesk/app"
)

// MethodName names a payment method: "Hằng tháng", "Đóng trước nhiều năm (60 tháng)".
func (c *Catalog) MethodName(l app.Lang, method string) string {
	kind, n, ok := strings.Cut(method, ":")
	name := c.T(l, "method."+kind)
	if ok {
		name += " (" + c.T(l, "ui.months", "months", n) + ")"
	}
	return name
}

// StandingText says where a participant stands, in words (standing.text.<state>).
func (c *Catalog) StandingText(l app.Lang, s app.Standing) string {
	reason := ""
	if s.Reason != "" {
		reason = c.T(l, "life.reason."+s.Reason)
	}
	return c.T(l, "standing.text."+s.State, "paid_to", s.PaidTo.VNString(), "next", s.Next.VNString(), "deadline", s.Deadline.VNString(),
		"since", s.Since.VNString(), "reason", reason)
}

// LifeEventText is a decision on a participant in words; group is the support group's name
// (the province's own groups are named by the rules, not the catalogue).
func (c *Catalog) LifeEventText(l app.Lang, e app.LifeEvent, group string) string {
	switch e.Kind {
	case app.EventChange:
		return c.T(l, "life.text.change", "income", e.Income.String(), "method", c.MethodName(l, e.Method), "from", e.From.VNString())
	case app.EventRefund:
		amount := ""
		if e.Refund != nil {
			amount = e.Refund.Amount.String()
		}
		return c.T(l, "life.text.refund", "reason", c.T(l, "life.reason."+e.Reason), "from", e.From.VNString(), "amount", amount)
	case app.EventEvidence:
		return c.T(l, "life.text.evidence", "group", group, "year", strconv.Itoa(e.Year), "ref", e.Reference)
	}
	return c.T(l, "life.text.stop", "reason", c.T(l, "life.reason."+e.Reason), "from", e.From.VNString())
}
