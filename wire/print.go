package wire

import (
	"bytes"
	"io"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/pdf"
	"bhxhdesk/records"
)

// WriteReceipt prints the receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết
// quả) of a dossier as PDF to w, with labels in lang. The printing is recorded in the audit log.
func (d *Desk) WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error {
	info, err := d.Intake.Receipt(sess, code)
	if err != nil {
		return err
	}
	ref := d.Ref()
	return pdf.Receipt(w, ReceiptData(ref.Catalog, ref.Places, info, lang))
}

// ReceiptData turns a dossier's receipt information into the printed fields, in lang.
func ReceiptData(cat *app.Catalog, places *app.Places, info intake.ReceiptInfo, lang app.Lang) pdf.ReceiptData {
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

// CoverJob is a print of book-cover confirmations made but not yet counted: the PDF to show,
// save or print, and what Commit counts on the covers once it leaves the desk.
type CoverJob struct {
	PDF    []byte
	Count  int
	desk   *Desk
	sess   *app.Session
	plan   []records.CoverPrint
	reason string
	done   bool
}

// PrepareCovers makes the confirmations of issued book covers as one PDF (one page each) with
// labels in lang: each carries a QR code sealed with this desk's signing key, provisional until
// the centre has confirmed the cover, and "reprint N" when printed before in that kind. Nothing
// is counted until the job's Commit (see records.Service.PlanCoverPrints); a reprint needs a reason.
func (d *Desk) PrepareCovers(sess *app.Session, pids []string, reason string, lang app.Lang, p *app.Progress) (*CoverJob, error) {
	plan, err := d.Records.PlanCoverPrints(sess, pids, reason)
	if err != nil {
		return nil, err
	}
	key, office, err := d.signingKey()
	if err != nil {
		return nil, err
	}
	now := d.Intake.Now()
	data := make([]pdf.CoverData, len(plan))
	for i, p := range plan {
		if data[i], err = coverData(d.Ref().Catalog, d.Ref().Places, key, office, p, sess.User.DisplayName(), now, lang); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	// Nothing is counted before Commit: stopping here loses nothing.
	err = pdf.CoversProgress(&buf, d.Ref().Catalog, data, func(i int) error {
		if p.Stopped() {
			return app.ErrStopped
		}
		p.Step(int64(i+1), int64(len(data)))
		return nil
	})
	if err == nil && p.Stopped() {
		err = app.ErrStopped // asked at the last page
	}
	if err != nil {
		return nil, err
	}
	return &CoverJob{PDF: buf.Bytes(), Count: len(plan), desk: d, sess: sess, plan: plan, reason: reason}, nil
}

// Commit counts the job's prints on the covers, once: call it when the PDF is saved or handed
// to the printer. A cover changed since the job was made is refused (cover_changed).
func (j *CoverJob) Commit() error {
	if j.done {
		return nil
	}
	if err := j.desk.Records.RecordCoverPrints(j.sess, j.plan, j.reason); err != nil {
		return err
	}
	j.done = true
	return nil
}

// Committed says whether the job's prints were counted.
func (j *CoverJob) Committed() bool { return j.done }

// WriteCovers prints the confirmations of issued book covers as one PDF to w and counts the
// prints (PrepareCovers, then Commit before writing: a print that fails to write is counted,
// one that is written is never uncounted).
func (d *Desk) WriteCovers(sess *app.Session, pids []string, reason string, lang app.Lang, w io.Writer) error {
	job, err := d.PrepareCovers(sess, pids, reason, lang, nil)
	if err != nil {
		return err
	}
	if err := job.Commit(); err != nil {
		return err
	}
	_, err = w.Write(job.PDF)
	return err
}

// coverData seals a cover and formats it for printing.
func coverData(cat *app.Catalog, places *app.Places, key *app.SigningKey, o app.Office, p records.CoverPrint, by string, now time.Time, lang app.Lang) (pdf.CoverData, error) {
	c := p.Cover
	birth, err := app.ParseBirthDate(c.BirthDate)
	if err != nil {
		return pdf.CoverData{}, &app.Error{Kind: app.Invalid, Code: "bad_cover_data", Field: "birth_date", Err: err}
	}
	status := app.Provisional
	if p.Final {
		status = app.Final
	}
	seal, err := app.NewSeal(app.SealParams{Status: status, BookNumber: c.BookNo, PersonalID: app.PersonalID(c.PersonalID),
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
		PersonalID: c.PersonalID, BirthPlace: addressLine(places, app.AddressForm{Province: c.BirthRegistration.Province, Commune: c.BirthRegistration.Commune}),
		Issued: c.IssuedAt, QR: qr, KeyID: key.ID().String(), Provisional: !p.Final, Reprint: p.Reprint, PrintedBy: by, Printed: now,
	}, nil
}
