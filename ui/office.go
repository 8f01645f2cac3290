package ui

import (
	"io"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/officesync"
	"bhxhdesk/privacy"
	"bhxhdesk/records"
	"bhxhdesk/ui/kit"
)

// Office is what the desk needs of the office's encrypted store (implemented by desk.Office):
// the first-run set-up, signing in, the records and sync services, printing, reading voucher
// files, the sync engine's status, and closing at sign-out. The screens never see the store
// itself, only the app services it returns.
type Office interface {
	// Exists reports whether the office's store has been created.
	Exists() bool
	// Init creates the store with the office profile and its first administrator and returns
	// the recovery secret for the province. Refused fields come back as Invalid errors naming
	// them (a *app.ValidationError for the office profile).
	Init(o app.Office, admin app.User, password string) (recovery string, err error)
	// Open signs an account in (opening the store when needed) and returns the intake service
	// and the session. Wrong credentials are Forbidden; an account in its back-off Unavailable.
	Open(user, password string) (*intake.Service, *app.Session, error)
	// Services returns the records and sync services of the open store (nil while closed).
	Services() (*records.Service, *officesync.Service)
	// WriteReceipt writes a dossier's receipt and appointment slip as PDF in lang.
	WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error
	// PrepareCovers makes the confirmations of issued book covers as one PDF in lang (one page
	// each) without counting them; commit counts them, once, when the PDF leaves the desk
	// (saved or handed to the printer). A reprint needs a reason.
	PrepareCovers(sess *app.Session, pids []string, reason string, lang app.Lang, p *app.Progress) (pdf []byte, commit func() error, err error)
	// WriteReport writes list D05-TS ("d05") or the monthly report ("monthly") of a month as
	// "xlsx" or "pdf" to w.
	WriteReport(sess *app.Session, kind string, m app.Month, format string, lang app.Lang, w io.Writer) error
	// WriteLifeEvent prints a decision on a participant; WriteBenefits what they may receive.
	WriteLifeEvent(sess *app.Session, res records.LifeResult, lang app.Lang, w io.Writer) error
	WriteBenefits(sess *app.Session, pid string, m app.Month, lang app.Lang, w io.Writer) error
	// Enrol checks an address and an enrolment token with the central services and keeps them;
	// an address that does not answer or a token for another desk is refused, nothing kept.
	Enrol(sess *app.Session, url, token string) error
	// ReadVouchers reads a collection agent's CSV or XLSX voucher file into rows and the
	// problems of the rows it could not read, recording nothing. A file that cannot be imported
	// at all is an Invalid error with the reason.
	ReadVouchers(name string, r io.Reader) ([]app.VoucherRow, []app.RowProblem, error)
	kit.Syncer
	Desktop
	// Close closes the store (stopping the sync engine first); the next Open reopens it.
	Close() error
}

// Desktop is what the desk's own pages need of the office beyond the services: the dashboard's
// recent dossiers, the printed quote, the automatic backup, the data-protection service, and
// the ways back from a lost or damaged store (restore from a backup, re-download from the
// centre).
type Desktop interface {
	// Activity returns the dossiers received on or after from, in every state, and the closed
	// ones received up to 20 days earlier (their appointments may fall after from); PermView.
	Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error)
	// ReceivedOn lists the dossiers received on day in every state, as the dashboard's
	// "received today" tile counts them; PermView.
	ReceivedOn(sess *app.Session, day calendar.Date) ([]app.Summary, error)
	// WriteRecoverySheet prints the hand-over sheet of the open store's recovery secret (just
	// made by Init) as PDF in lang.
	WriteRecoverySheet(secret string, lang app.Lang, w io.Writer) error
	// WriteQuote prints the quote a citizen takes home (phiếu báo mức đóng) as PDF in lang:
	// the amount of each payment method for the income, group, first month and province of
	// req, the state support, and the last day to pay. No store is needed.
	WriteQuote(req app.QuoteRequest, lang app.Lang, w io.Writer) error
	// BackupSettings reads the automatic backup's folder ("" when none), how many backups are
	// kept and how often one is made; SetBackupSettings stores them (administrators, Invalid
	// "bad_backup_settings" when out of range).
	BackupSettings() (dir string, keep int, every time.Duration, err error)
	SetBackupSettings(sess *app.Session, dir string, keep, hours int) error
	// BackupNow writes a backup into the configured folder now and returns its path
	// (Unavailable "backup_folder" when the folder cannot be written, Invalid
	// "no_backup_folder" when none is set).
	BackupNow(sess *app.Session, p *app.Progress) (string, error)
	// Privacy is the data-protection service of the open store (nil while closed).
	Privacy() *privacy.Service
	// Restore recreates the store from a backup into the empty data folder, opened with an
	// account's password or, when user is "", the province's recovery secret; the store is
	// left closed, ready to sign in. It returns the office's agency code and the desk's new
	// device code.
	Restore(r io.Reader, user, password string) (agency, device string, err error)
	// SetAside moves a damaged store out of the data folder (never deleting it: it may still
	// be read by a specialist) and returns where it went; the folder is then empty.
	SetAside() (string, error)
	// Redownload creates a new store for the office (as the first-run set-up does), enrols it
	// with the centre and takes back everything the centre holds for the office. It returns
	// the new recovery secret and how many records came back; the store is left open.
	Redownload(o app.Office, admin app.User, password, url, token string, p *app.Progress) (recovery string, added int, err error)
}
