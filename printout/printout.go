// Package printout says what each printed document holds — the receipt and appointment slip,
// the contribution quote, the book-cover confirmation with its sealed QR code, the recovery
// sheet — assembled from the domain in the officer's language, for package pdf to draw.
//
// It may import app, the services' result types (intake, records), assets and pdf; it holds no
// state and touches no store.
package printout

import (
	"io"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/catalog"
	"bhxhdesk/intake"
	"bhxhdesk/pdf"
	"bhxhdesk/records"
	"bhxhdesk/seal"
)

// ReceiptData turns a dossier's receipt information into the printed fields, in lang.
func ReceiptData(cat *catalog.Catalog, places *app.Places, info intake.ReceiptInfo, lang app.Lang) pdf.ReceiptData {
	t := func(key string, args ...string) string { return cat.T(lang, key, args...) }
	dos, o, f := info.Dossier, info.Office, info.Dossier.Form
	office := pdfOffice(cat, places, o, lang)
	docs := []string{t("receipt.doc.tk1ts"), t("receipt.doc.id_copy")}
	if key := "receipt.doc.proof." + f.SupportGroup; f.SupportGroup != "" && f.SupportGroup != "other" && cat.Has(key) {
		docs = append(docs, t(key))
	}
	steps := make([]string, len(dos.Steps))
	days := 0
	for i, s := range dos.Steps {
		steps[i] = s.Name(lang)
		days += s.Days
	}
	return pdf.ReceiptData{
		Lang:          string(lang),
		Office:        office,
		DossierCode:   dos.Code,
		ApplicantName: f.FullName,
		Address:       places.AddressLine(f.Address),
		Phone:         f.Phone,
		Request:       t("receipt.request"),
		Documents:     docs,
		StatutoryDays: days,
		Received:      dos.Received,
		Appointment:   dos.Due.Time(),
		ResultChannel: t("receipt.channel.desk"),
		Receiver:      info.Receiver.DisplayName(),
		Payable:       dos.Quote.Payable.String(),
		Steps:         steps,
	}
}

// CoverData seals a cover and formats it for printing.
func CoverData(
	cat *catalog.Catalog,
	places *app.Places,
	key *seal.SigningKey,
	o app.Office,
	p records.CoverPrint,
	by string,
	now time.Time,
	lang app.Lang,
) (pdf.CoverData, error) {
	c := p.Cover
	birth, err := app.ParseBirthDate(c.BirthDate)
	if err != nil {
		return pdf.CoverData{}, &app.Error{Kind: app.Invalid, Code: app.CodeBadCoverData, Field: "birth_date", Err: err}
	}
	status := seal.Provisional
	if p.Final {
		status = seal.Final
	}
	seal, err := seal.New(seal.Params{Status: status, BookNumber: c.BookNo, PersonalID: app.PersonalID(c.PersonalID),
		FullName: c.FullName, BirthDate: birth, Office: o.Agency, Issued: c.IssuedAt})
	if err != nil {
		return pdf.CoverData{}, err
	}
	qr, err := key.Sign(seal)
	if err != nil {
		return pdf.CoverData{}, err
	}
	t := func(k string) string { return cat.T(lang, k) }
	ethnicity, _ := places.EthnicityName(c.Ethnicity)
	office := pdfOffice(cat, places, o, lang)
	return pdf.CoverData{
		Lang: string(lang), Office: office, BookNumber: c.BookNo, FullName: c.FullName, BirthDate: birth.VNString(),
		Gender: t("gender." + c.Gender), Nationality: t("nationality." + c.Nationality), Ethnicity: ethnicity,
		PersonalID: c.PersonalID,
		BirthPlace: places.AddressLine(app.AddressForm{Province: c.BirthRegistration.Province, Commune: c.BirthRegistration.Commune}),
		Issued:     c.IssuedAt, QR: qr, KeyID: key.ID().String(), Provisional: !p.Final, Reprint: p.Reprint, PrintedBy: by, Printed: now,
	}, nil
}

// quoteMethods are the methods a printed quote compares, besides the one chosen.
var quoteMethods = []app.MethodKind{app.Monthly, app.Quarter, app.Half, app.Yearly}

// QuoteData is the printed quote for a request (phiếu báo mức đóng), in lang: the request's
// income, group and first month, one row per regular method (and the chosen one when it is
// an ahead or missing-time payment), with the period, the total, the state and local support,
// what the citizen pays and the last day to pay. A request the rules refuse is their error.
func QuoteData(ref *assets.Reference, o app.Office, req app.QuoteRequest, lang app.Lang, now time.Time) (pdf.QuoteData, error) {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	chosen, err := ref.Rules.Quote(req)
	if err != nil {
		return pdf.QuoteData{}, err
	}
	q := pdf.QuoteData{
		Lang:      string(lang),
		Office:    pdfOffice(ref.Catalog, ref.Places, o, lang),
		Date:      now,
		Title:     t("quote.print.title"),
		Highlight: -1,
		Signer:    t("quote.print.signer"),
	}
	group := t("group." + string(chosen.Group))
	q.Facts = [][2]string{
		{t("field.income"), req.Income.String()},
		{t("field.support_group"), group},
		{t("field.start_month"), req.Month.VNString()},
	}
	if p, ok := ref.Places.Province(req.Province); ok {
		q.Facts = append(q.Facts, [2]string{t("field.province"), p.Name})
	}
	q.Columns = []string{t("quote.print.col.method"), t("quote.print.col.period"), t("quote.print.col.gross"),
		t("quote.print.col.support"), t("quote.print.col.payable"), t("quote.print.col.deadline")}
	methods := []app.Method{}
	for _, k := range quoteMethods {
		m, err := app.ParseMethod(string(k))
		if err != nil {
			return pdf.QuoteData{}, err
		}
		methods = append(methods, m)
	}
	if req.Method.Kind == app.Ahead || req.Method.Kind == app.Missing {
		methods = append(methods, req.Method)
	}
	for i, m := range methods {
		r := req
		r.Method = m
		qq, err := ref.Rules.Quote(r)
		if err != nil {
			return pdf.QuoteData{}, err
		}
		name := t("method." + string(m.Kind))
		if m.Kind == app.Ahead || m.Kind == app.Missing {
			name += " (" + t("ui.months", "months", strconv.Itoa(m.Months)) + ")"
		}
		support := qq.StateSupport + qq.LocalSupport
		q.Rows = append(q.Rows, []string{name, qq.FromMonth.VNString() + " – " + qq.ToMonth.VNString(), qq.Gross.String(),
			support.String(), qq.Payable.String(), qq.Deadline.VNString()})
		if m == req.Method {
			q.Highlight = i
		}
	}
	lifetime := ""
	if caps, ok := ref.Rules.Caps.At(req.Month); ok {
		lifetime = strconv.Itoa(caps.Value.SupportMonths)
	}
	q.Notes = []string{
		t("quote.print.note_support", "group", group, "share", chosen.SupportShare.Percent(),
			"line", chosen.PovertyLine.String(), "months", strconv.Itoa(chosen.SupportMonths), "cap", lifetime),
		t("quote.print.note_deadline"),
		t("quote.print.note_rules", "date", now.In(calendar.VN).Format("02/01/2006")),
	}
	if chosen.LocalSupport > 0 {
		for _, l := range ref.Rules.LocalSupport[req.Province] {
			if l.Group == chosen.LocalGroup && l.From <= req.Month && (l.To == 0 || l.To >= req.Month) && l.Status != app.Proposed {
				share := l.Share.Percent()
				if l.Amount > 0 {
					share = l.Amount.String()
				}
				q.Notes = append(q.Notes, t("quote.print.note_local", "share", share, "group", groupName(ref, lang, req.Province, chosen.LocalGroup),
					"source", l.Source))
			}
		}
	}
	q.Notes = append(q.Notes, t("quote.print.rules_used", "rules", RulesUsed(ref.Catalog, lang, chosen)))
	for _, w := range chosen.Warnings {
		// The printed font has no ⚠: a word says it on paper.
		q.Notes = append(q.Notes, t("quote.print.attention")+" "+strings.TrimPrefix(ref.Catalog.Warning(lang, w), "⚠ "))
	}
	return q, nil
}

// groupName names a support group: the state's by the catalogue, a province's own by its data.
func groupName(ref *assets.Reference, lang app.Lang, province string, g app.SupportGroup) string {
	if lg, ok := ref.Rules.LocalGroup(province, string(g)); ok {
		if lang == app.EN {
			return lg.NameEN
		}
		return lg.NameVI
	}
	return ref.Catalog.T(lang, "group."+string(g))
}

// RulesUsed names the rule entries behind a quote, with their legal sources and how sure they
// are: "chuẩn hộ nghèo từ 01/2027: Nghị định 351/2025/NĐ-CP …; …".
func RulesUsed(cat *catalog.Catalog, lang app.Lang, q app.Quote) string {
	parts := make([]string, 0, len(q.Rules))
	for _, v := range q.Rules {
		part := cat.T(lang, "quote.print.rule", "table", cat.T(lang, "table."+v.Table), "from", v.From.VNString(), "source", v.Source)
		if v.Status != app.Confirmed {
			part += " (" + cat.T(lang, "quote.print.status."+string(v.Status)) + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// pdfOffice is the office as printed, with its place names.
func pdfOffice(cat *catalog.Catalog, places *app.Places, o app.Office, lang app.Lang) pdf.Office {
	po := pdf.Office{Agency: o.Name, AgencyCode: o.Agency, Address: o.Address, Phone: o.Phone}
	if p, ok := places.Province(o.Province); ok {
		po.Province = p.Name
	}
	if c, ok := places.CommuneName(o.Province, o.Commune); ok {
		po.Commune = c
	}
	if po.Agency == "" {
		po.Agency = cat.T(lang, "receipt.office_default", "agency", o.Agency)
	}
	return po
}

// WriteQuote prints the quote for a request as PDF to w (see QuoteData).
func WriteQuote(ref *assets.Reference, o app.Office, req app.QuoteRequest, lang app.Lang, now time.Time, w io.Writer) error {
	q, err := QuoteData(ref, o, req, lang, now)
	if err != nil {
		return err
	}
	return pdf.Quote(w, q)
}

// WriteRecoverySheet prints the store's recovery secret on a sheet for the province to keep
// (phiếu bàn giao mã khôi phục): the office, the machine, the date, the secret in large type
// and what it is for, with the two signatures of the hand-over.
func WriteRecoverySheet(ref *assets.Reference, o app.Office, secret string, lang app.Lang, now time.Time, w io.Writer) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	return pdf.Sheet(w, pdf.SheetData{Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now,
		Title: t("recovery.print.title"),
		Facts: [][2]string{{t("field.agency"), o.Agency + " — " + o.Name}, {t("field.device"), o.Device},
			{t("recovery.print.made"), now.In(calendar.VN).Format("15:04 02/01/2006")}},
		Big:     secret,
		Notes:   []string{t("recovery.print.note_use"), t("recovery.print.note_keep"), t("recovery.print.note_chars")},
		Signers: []string{t("recovery.print.giver"), t("recovery.print.keeper")}})
}
