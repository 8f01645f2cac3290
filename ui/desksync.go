package ui

import (
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
		st := kit.SyncStatusOf(d.cfg.Office)
		d.cfg.Do(func() { d.setSync(st) })
	}()
}

// refreshSync reads the sync status again and shows it.
func (d *Desk) refreshSync() {
	if d.cfg.Office == nil || d.ses == nil {
		return
	}
	var st app.SyncStatus
	d.run(func() { st = kit.SyncStatusOf(d.cfg.Office) }, func() { d.setSync(st) })
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
