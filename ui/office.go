package ui

import (
	"io"
	"time"

	"bhxhdesk/app"
)

// Office is what the desk needs of the office's encrypted store (implemented by wire.Office):
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
	Open(user, password string) (*app.Intake, *app.Session, error)
	// Services returns the records and sync services of the open store (nil while closed).
	Services() (*app.Records, *app.Sync)
	// WriteReceipt writes a dossier's receipt and appointment slip as PDF in lang.
	WriteReceipt(sess *app.Session, code string, lang app.Lang, w io.Writer) error
	// WriteCovers writes the confirmations of issued book covers as one PDF in lang (one page
	// each) and counts the prints; a cover printed before needs a reason (Invalid
	// "reprint_reason_required" otherwise).
	WriteCovers(sess *app.Session, pids []string, reason string, lang app.Lang, w io.Writer) error
	// ReadVouchers reads a collection agent's CSV or XLSX voucher file into rows and the
	// problems of the rows it could not read, recording nothing. A file that cannot be imported
	// at all is an Invalid error with the reason.
	ReadVouchers(name string, r io.Reader) ([]app.VoucherRow, []app.RowProblem, error)
	Syncer
	// Close closes the store (stopping the sync engine first); the next Open reopens it.
	Close() error
}

// Syncer is the office's sync engine as the status bar shows it (wire.Office adapts
// sync.Engine to it, so the screens never import the engine).
type Syncer interface {
	// SyncStatus reports what the engine is doing (one of the SyncState values), why it is
	// offline or failed, when its last complete round ended (zero before the first) and how
	// many operations wait to be sent.
	SyncStatus() app.SyncInfo
	// SyncNow asks for a round now; nothing happens while the engine does not run.
	SyncNow()
	// OnSyncStatus sets the function called, from any goroutine, after each status change.
	OnSyncStatus(changed func())
}

// SyncState is what the sync engine is doing.
type SyncState string

// The states of the sync engine (the values of sync.State).
const (
	SyncOffline  SyncState = "offline"  // not enrolled, or the centre cannot be reached
	SyncSyncing  SyncState = "syncing"  // a round is running
	SyncFailed   SyncState = "failed"   // the last round failed for a reason a person must fix
	SyncUpToDate SyncState = "uptodate" // the last round finished and nothing is pending
	SyncWaiting  SyncState = "waiting"  // the last round finished; newer work waits for the next
)

// SyncStatus is the sync engine's status as the screens show it.
type SyncStatus struct {
	State       SyncState
	Reason      error // why it is offline or failed
	LastSuccess time.Time
	Pending     int
}

// syncStatusOf reads a Syncer's status.
func syncStatusOf(s Syncer) SyncStatus {
	i := s.SyncStatus()
	return SyncStatus{State: SyncState(i.State), Reason: i.Reason, LastSuccess: i.LastSuccess, Pending: i.Pending}
}
