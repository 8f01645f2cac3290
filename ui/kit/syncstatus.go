package kit

import (
	"time"

	"bhxhdesk/app"
)

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
	// While syncing: operations to send when the round began, sent, and changes received.
	ToSend, Sent, Received int
}

// syncStatusOf reads a Syncer's status.
func SyncStatusOf(s Syncer) SyncStatus {
	i := s.SyncStatus()
	return SyncStatus{State: SyncState(i.State), Reason: i.Reason, LastSuccess: i.LastSuccess, Pending: i.Pending,
		ToSend: i.ToSend, Sent: i.Sent, Received: i.Received}
}
