package desk

import (
	"bytes"
	"io"

	"bhxhdesk/app"
	"bhxhdesk/pdf"
	"bhxhdesk/printout"
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
	return pdf.Receipt(w, printout.ReceiptData(ref.Catalog, ref.Places, info, lang))
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
	now := d.Intake.Now.Time()
	data := make([]pdf.CoverData, len(plan))
	for i, p := range plan {
		if data[i], err = printout.CoverData(d.Ref().Catalog, d.Ref().Places, key, office, p, sess.User.DisplayName(), now, lang); err != nil {
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
