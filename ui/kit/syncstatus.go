package kit

import (
	"bhxhdesk/app"
)

// Syncer is the office's sync engine as the status bar shows it (desk.Office adapts
// sync.Engine to it, so the screens never import the engine).
type Syncer interface {
	// SyncStatus reports what the engine is doing (one of the SyncState values), why it is
	// offline or failed, when its last complete round ended (zero before the first) and how
	// many operations wait to be sent.
	SyncStatus() app.SyncStatus
	// SyncNow asks for a round now; nothing happens while the engine does not run.
	SyncNow()
	// OnSyncStatus sets the function called, from any goroutine, after each status change.
	OnSyncStatus(changed func())
}

// SyncStatusOf reads a Syncer's status.
func SyncStatusOf(s Syncer) app.SyncStatus { return s.SyncStatus() }
