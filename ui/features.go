package ui

import (
	"io"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/privacy"
	"bhxhdesk/ui/kit"
)

// intakeOffice is what the intake screens need of the office: the printed receipt and quote,
// the dashboard's recent dossiers and the sync engine's status.
type intakeOffice interface {
	// WriteReceipt writes a dossier's receipt and appointment slip as PDF in lang.
	WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error
	// WriteQuote prints the quote a citizen takes home as PDF in lang.
	WriteQuote(req app.QuoteRequest, lang app.Lang, w io.Writer) error
	// Activity returns the dossiers received on or after from (see Desktop.Activity).
	Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error)
	kit.Syncer
}

// intakeSession is what the intake screens use: the session and the intake office.
type intakeSession struct {
	*kit.RecSession
	office intakeOffice
}

// recordsOffice is what the records screens need of the office: reading voucher files and
// preparing the book covers' confirmations.
type recordsOffice interface {
	// ReadVouchers reads a collection agent's CSV or XLSX voucher file (see Office.ReadVouchers).
	ReadVouchers(name string, r io.Reader) ([]app.VoucherRow, []app.RowProblem, error)
	// PrepareCovers makes the confirmations of issued book covers (see Office.PrepareCovers).
	PrepareCovers(sess *app.Session, pids []string, reason string, lang app.Lang, p *app.Progress) (pdf []byte, commit func() error, err error)
}

// recordsSession is what the records screens use: the session and the records office.
type recordsSession struct {
	*kit.RecSession
	office recordsOffice
}

// syncOffice is what the sync screens need of the office: enrolment with the centre.
type syncOffice interface {
	// Enrol checks an address and an enrolment token with the central services and keeps them.
	Enrol(sess *app.Session, url, token string) error
}

// syncSession is what the sync screens use: the session and the sync office.
type syncSession struct {
	*kit.RecSession
	office syncOffice
}

// adminOffice is what the administration screens need of the office: the automatic backup's
// settings, a backup now, and the data-protection service.
type adminOffice interface {
	BackupSettings() (dir string, keep int, every time.Duration, err error)
	SetBackupSettings(sess *app.Session, dir string, keep, hours int) error
	BackupNow(sess *app.Session, p *app.Progress) (string, error)
	// Privacy is the data-protection service of the open store (nil while closed).
	Privacy() *privacy.Service
}

// adminSession is what the administration screens use: the session and the admin office.
type adminSession struct {
	*kit.RecSession
	office adminOffice
}
