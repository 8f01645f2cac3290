package intakeui

import (
	"io"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui/kit"
)

// intakeOffice is what the intake screens need of the office: the printed receipt and quote,
// the dashboard's recent dossiers and the sync engine's status.
type Office interface {
	// WriteReceipt writes a dossier's receipt and appointment slip as PDF in lang.
	WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error
	// WriteQuote prints the quote a citizen takes home as PDF in lang.
	WriteQuote(req app.QuoteRequest, lang app.Lang, w io.Writer) error
	// Activity returns the dossiers received on or after from (see Desktop.Activity).
	Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error)
	kit.Syncer
}

// intakeSession is what the intake screens use: the session and the intake office.
type Session struct {
	*kit.RecSession
	Office Office
}
