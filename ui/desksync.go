package ui

import (
	"sync"

	"bhxhdesk/app"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/syncui"
)

// workSaved follows work that added operations to the outbox: the engine is asked for a round
// and the status bar counts them.
func (d *Desk) workSaved() {
	if d.cfg.Office == nil {
		return
	}
	d.cfg.Office.SyncNow()
	d.refreshSync()
}

// syncNow is the status bar's "Đồng bộ ngay": a desk that is not enrolled says what to do
// instead of doing nothing; otherwise the bar shows the round starting at once.
func (d *Desk) syncNow() {
	if d.cfg.Office == nil || d.ses == nil {
		return
	}
	if syncui.NotEnrolled(d.syncStatus.Reason) {
		key := "ui.sync.now_not_enrolled"
		if d.ses.Can(app.PermManageUsers) {
			key = "ui.sync.now_not_enrolled_admin"
		}
		d.host().Alert(d.t(key))
		return
	}
	st := d.syncStatus
	st.State, st.Reason = app.SyncSyncing, nil
	d.setSync(st)
	d.cfg.Office.SyncNow()
}

// syncChanged follows a change of the sync engine's status, from the engine's goroutine.
func (d *Desk) syncChanged() {
	// Read on a goroutine of its own: the engine may be stopping under the office's lock.
	go func() {
		st, n := d.syncReads.read(d.cfg.Office)
		d.cfg.Do(func() { d.showRead(st, n) })
	}()
}

// refreshSync reads the sync status again and shows it.
func (d *Desk) refreshSync() {
	if d.cfg.Office == nil || d.ses == nil {
		return
	}
	var (
		st app.SyncStatus
		n  uint64
	)
	d.run(func() { st, n = d.syncReads.read(d.cfg.Office) }, func() { d.showRead(st, n) })
}

// statusReads numbers the reads of the sync status made off the UI thread. The goroutines that
// read them reach the UI thread in any order: a round's "syncing", read before its "up to
// date" but painted after it, would stay on the bar until the next round, minutes later.
type statusReads struct {
	mu    sync.Mutex
	n     uint64 // the last read's number (under mu)
	shown uint64 // the number of the read on the bar (UI thread only)
}

// read reads the status and numbers the read: a higher number was read later.
func (r *statusReads) read(s kit.Syncer) (app.SyncStatus, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return kit.SyncStatusOf(s), r.n
}

// showRead shows the status of read n unless a later read is already shown (UI thread).
func (d *Desk) showRead(st app.SyncStatus, n uint64) {
	if n < d.syncReads.shown {
		return
	}
	d.syncReads.shown = n
	d.setSync(st)
}

// setSync shows a sync status on the bar and refreshes what depends on it.
func (d *Desk) setSync(st app.SyncStatus) {
	d.syncStatus = st
	if d.ses == nil {
		return
	}
	if d.syncBar != nil {
		d.syncBar.Set(st)
	}
	if d.page == PageDossier && d.dossierSync != nil {
		d.dossierSync.Reload()
	}
	if d.page == PageSync && d.syncScreen != nil && st.State != app.SyncSyncing {
		d.syncScreen.Reload()
	}
}

func (d *Desk) newSyncBar() *syncui.SyncBar {
	var kick func()
	if d.ses.Can(app.PermSync) {
		kick = d.syncNow
	}
	return syncui.NewSyncBar(d.host(), d.syncStatus, kick)
}
