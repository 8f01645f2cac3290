package wire

import (
	"io"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/pdf"
)

// WriteReceipt prints the receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết
// quả) of a dossier as PDF to w, with labels in lang. The printing is recorded in the audit log.
func (d *Desk) WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error {
	info, err := d.Intake.Receipt(sess, code)
	if err != nil {
		return err
	}
	return pdf.Receipt(w, ReceiptData(d.Ref.Catalog, d.Ref.Places, info, lang))
}

// ReceiptData turns a dossier's receipt information into the printed fields, in lang.
func ReceiptData(cat *app.Catalog, places *app.Places, info app.ReceiptInfo, lang app.Lang) pdf.ReceiptData {
	t := func(key string, args ...string) string { return cat.T(lang, key, args...) }
	dos, o, f := info.Dossier, info.Office, info.Dossier.Form
	office := pdf.Office{Agency: o.Name, AgencyCode: o.Agency, Address: o.Address, Phone: o.Phone}
	if p, ok := places.Province(o.Province); ok {
		office.Province = p.Name
	}
	if c, ok := places.CommuneName(o.Province, o.Commune); ok {
		office.Commune = c
	}
	if office.Agency == "" {
		office.Agency = t("receipt.office_default", "agency", o.Agency)
	}
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
		Address:       addressLine(places, f.Address),
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

// addressLine is "detail, commune, province" with the official names.
func addressLine(places *app.Places, a app.AddressForm) string {
	parts := []string{}
	if a.Detail != "" {
		parts = append(parts, a.Detail)
	}
	if c, ok := places.CommuneName(a.Province, a.Commune); ok {
		parts = append(parts, c)
	}
	if p, ok := places.Province(a.Province); ok {
		parts = append(parts, p.Name)
	}
	return strings.Join(parts, ", ")
}
