package recordsui

import (
	"io"

	"bhxhdesk/app"
	"bhxhdesk/records"
	"bhxhdesk/ui/kit"
)

// recordsOffice is what the records screens need of the office: reading voucher files and
// preparing the book covers' confirmations.
type Office interface {
	// ReadVouchers reads a collection agent's CSV or XLSX voucher file (see Office.ReadVouchers).
	ReadVouchers(name string, r io.Reader) ([]app.VoucherRow, []app.RowProblem, error)
	// PrepareCovers makes the confirmations of issued book covers (see Office.PrepareCovers).
	PrepareCovers(sess *app.Session, pids []string, reason string, lang app.Lang, p *app.Progress) (pdf []byte, commit func() error, err error)
	// WriteReport writes list D05-TS ("d05") or the monthly report ("monthly") of a month as
	// "xlsx" or "pdf" (see Office.WriteReport).
	WriteReport(sess *app.Session, kind string, m app.Month, format string, lang app.Lang, w io.Writer) error
	// WriteLifeEvent prints a decision on a participant; WriteBenefits what they may receive.
	WriteLifeEvent(sess *app.Session, res records.LifeResult, lang app.Lang, w io.Writer) error
	WriteBenefits(sess *app.Session, pid string, m app.Month, lang app.Lang, w io.Writer) error
}

// recordsSession is what the records screens use: the session and the records office.
type Session struct {
	*kit.RecSession
	Office Office
}
