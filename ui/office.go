package ui

import (
	"io"

	"bhxhdesk/app"
)

// Office is what the desk needs of the office's encrypted store (implemented by wire.Office):
// the first-run set-up, signing in, printing, and closing at sign-out. The screens never see
// the store itself, only the app services it returns.
type Office interface {
	// Exists reports whether the office's store has been created.
	Exists() bool
	// Init creates the store with the office profile and its first administrator and returns
	// the recovery secret for the province. Refused fields come back as Invalid errors naming
	// them (a *app.ValidationError for the office profile).
	Init(o app.Office, admin app.User, password string) (recovery string, err error)
	// Open signs an account in (opening the store when needed) and returns the intake service
	// and the session. Wrong credentials are Forbidden; an account in its back-off Unavailable.
	Open(user, password string) (*app.Intake, *app.Session, error)
	// WriteReceipt writes a dossier's receipt and appointment slip as PDF in lang.
	WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error
	// Close closes the store; the next Open reopens it.
	Close() error
}
