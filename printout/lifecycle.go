package printout

import (
	"io"
	"strconv"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/pdf"
)

// WriteLifeEvent prints an officer's decision on a participant (pdf.Quote's layout): a change's
// confirmation with the first payment under the new terms, a refund's calculation period by
// period, a stop — signed by the officer who recorded it.
func WriteLifeEvent(ref *assets.Reference, o app.Office, p app.Participant, ev app.LifeEvent, q *app.Quote, lang app.Lang, now time.Time,
	w io.Writer) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	d := pdf.QuoteData{Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now, Highlight: -1,
		Title: t("life.print.title." + string(ev.Kind)), Signer: t("life.print.signer"), Officer: ev.By}
	d.Facts = [][2]string{
		{t("field.full_name"), app.UpperName(p.FullName)},
		{t("field.personal_id"), p.PersonalID},
		{t("life.print.decided"), ev.At.In(calendar.VN).Format("15:04 02/01/2006")},
	}
	switch ev.Kind {
	case app.EventChange:
		d.Facts = append(d.Facts, [2]string{t("field.income"), ev.Income.String()}, [2]string{t("field.method"), ref.Catalog.MethodName(lang, ev.Method)},
			[2]string{t("life.print.from"), ev.From.VNString()})
		d.Columns = []string{t("quote.print.col.period"), t("quote.print.col.gross"), t("quote.print.col.support"),
			t("quote.print.col.payable"), t("quote.print.col.deadline")}
		if q != nil {
			d.Rows = [][]string{{q.FromMonth.VNString() + " – " + q.ToMonth.VNString(), q.Gross.String(),
				(q.StateSupport + q.LocalSupport).String(), q.Payable.String(), q.Deadline.VNString()}}
			d.Highlight = 0
			d.Notes = append(d.Notes, t("quote.print.rules_used", "rules", RulesUsed(ref.Catalog, lang, *q)))
		}
		d.Notes = append([]string{t("life.print.note_change")}, d.Notes...)
	case app.EventRefund:
		r := ev.Refund
		d.Facts = append(d.Facts, [2]string{t("life.print.reason"), t("life.reason." + ev.Reason)},
			[2]string{t("life.print.refund_from"), r.From.VNString()})
		d.Columns = []string{t("life.print.col.receipt"), t("quote.print.col.period"), t("life.print.col.contribution"), t("life.print.col.state"),
			t("life.print.col.local"), t("life.print.col.amount")}
		months := func(n int) string { return " (" + t("ui.months", "months", strconv.Itoa(n)) + ")" }
		for _, l := range r.Lines {
			d.Rows = append(d.Rows, []string{l.ReceiptNo + " (" + ref.Catalog.MethodName(lang, l.Method) + ")",
				l.From.VNString() + " – " + l.To.VNString() + months(l.Months), l.Contribution.String(), l.StateSupport.String(),
				l.LocalSupport.String(), l.Amount.String()})
		}
		d.Rows = append(d.Rows, []string{t("life.print.total"), months(r.Months)[1:], r.Contribution.String(), r.StateSupport.String(),
			r.LocalSupport.String(), r.Amount.String()})
		d.Highlight = len(d.Rows) - 1
		d.Notes = []string{t("life.print.note_refund", "amount", r.Amount.String(), "support_months", strconv.Itoa(r.SupportMonths))}
		for _, l := range r.Lines {
			if l.FundRate != "" {
				d.Notes = append(d.Notes, t("life.print.note_ahead", "receipt", l.ReceiptNo, "rate", l.FundRate))
			}
		}
		for _, w := range r.Warnings {
			d.Notes = append(d.Notes, t("quote.print.attention")+" "+t("life.warning."+w))
		}
	default:
		d.Facts = append(d.Facts, [2]string{t("life.print.reason"), t("life.reason." + ev.Reason)},
			[2]string{t("life.print.stop_from"), ev.From.VNString()})
		d.Columns = []string{t("life.print.col.paid_to"), t("life.print.col.state")}
		d.Rows = [][]string{{p.LastPaid().VNString(), t("standing." + app.StandingStopped)}}
		d.Notes = []string{t("life.print.note_stop")}
	}
	if ev.Note != "" {
		d.Notes = append(d.Notes, t("life.print.note", "note", ev.Note))
	}
	return pdf.Quote(w, d)
}

// WriteBenefits prints what the person may receive as information (phiếu thông tin chế độ), each
// benefit with its legal basis, and whether missing time may be paid.
func WriteBenefits(ref *assets.Reference, o app.Office, p app.Participant, bs []app.Benefit, mc app.MissingCheck, m app.Month, lang app.Lang,
	now time.Time, w io.Writer) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	d := pdf.QuoteData{Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now, Highlight: -1,
		Title: t("benefit.print.title"), Signer: t("quote.print.signer")}
	months, known := p.ContributionMonths()
	d.Facts = [][2]string{
		{t("field.full_name"), app.UpperName(p.FullName)},
		{t("field.personal_id"), p.PersonalID},
		{t("benefit.print.months"), strconv.Itoa(months)},
		{t("benefit.print.as_of"), m.VNString()},
	}
	// The amounts in the table; what each needs, and its legal basis, below it.
	d.Columns = []string{t("benefit.print.col.benefit"), t("benefit.print.col.amount")}
	var conditions []string
	for _, b := range bs {
		amount := BenefitAmount(ref, lang, b)
		if amount == "" {
			amount = "—"
		}
		d.Rows = append(d.Rows, []string{t("benefit." + b.Kind), amount})
		conditions = append(conditions, t("benefit.print.line", "benefit", t("benefit."+b.Kind), "text", BenefitText(ref, lang, b), "basis", b.Basis))
	}
	conditions = append(conditions, t("benefit.print.line", "benefit", t("benefit.missing"), "text", t("missing."+mc.Code, "short",
		strconv.Itoa(mc.Short), "max", strconv.Itoa(mc.Max), "required", strconv.Itoa(mc.Required), "retirement", mc.Retirement.VNString()),
		"basis", mc.Basis))
	d.Notes = append(conditions, t("benefit.print.note"))
	if !known {
		d.Notes = append(d.Notes, t("benefit.print.unknown"))
	}
	return pdf.Quote(w, d)
}

// BenefitText says where the person stands for a benefit, in words.
func BenefitText(ref *assets.Reference, lang app.Lang, b app.Benefit) string {
	return ref.Catalog.T(lang, "benefit.code."+b.Code, "months", strconv.Itoa(b.Months), "rate", b.Rate.Percent())
}

// BenefitAmount is a benefit's amount as shown: a lump sum, a monthly amount, or nothing.
func BenefitAmount(ref *assets.Reference, lang app.Lang, b app.Benefit) string {
	switch {
	case b.Monthly > 0 && b.Kind == "allowance":
		return ref.Catalog.T(lang, "benefit.monthly_for", "amount", b.Monthly.String(), "months", strconv.Itoa(b.Months))
	case b.Monthly > 0:
		return ref.Catalog.T(lang, "benefit.monthly", "amount", b.Monthly.String())
	case b.Amount > 0 && b.Kind != "allowance":
		return b.Amount.String()
	}
	return ""
}
