package ui

import (
	"fyne.io/fyne/v2"

	"bhxhdesk/app"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/syncui"
	"bhxhdesk/ui/widgets"
)

// SetLang switches the language of every screen, keeping what the user typed.
func (d *Desk) SetLang(l app.Lang) {
	if l == d.cfg.Lang {
		return
	}
	d.cfg.Lang = l
	d.set.Lang = l
	fyneLanguage(d.cfg.Catalog, l)
	d.quote = intakeui.NewQuoteScreen(d.set, d.quote.State())
	if d.firstRun != nil {
		d.firstRun = NewFirstRunScreen(d.gate(), d.firstRun.State(), d.created, d.startRestore)
	}
	if d.recovery != nil {
		d.recovery = NewRecoveryScreen(d.gate(), d.recovery.State(), d.recovered)
	}
	if d.login != nil {
		d.login = NewLoginScreen(d.gate(), d.login.State(), d.signedIn)
		d.login.onDamaged = d.showDamaged
	}
	if d.restore != nil {
		d.restore = NewRestoreScreen(d.gate(), d.restore.State(), d.restored, d.cancelRestore)
	}
	if d.damaged != nil {
		d.damaged = NewDamagedScreen(d.gate(), d.damaged.State(), d.damagedDone)
	}
	if d.ses != nil {
		for _, slot := range d.pages() {
			slot.rebuild()
		}
		d.rebuildRecords()
		if d.lock != nil {
			d.lock = NewLockScreen(d.ses, d.lock.State(), d.unlocked, d.signOut)
		}
	}
	d.paint()
	if d.cfg.OnLanguage != nil {
		d.cfg.OnLanguage(l)
	}
}

// SetAppearance switches between light and dark and the text size, at once.
func (d *Desk) SetAppearance(ap Appearance) {
	if ap == d.cfg.Appearance {
		return
	}
	d.cfg.Appearance = ap
	d.applyAppearance()
	if d.cfg.OnAppearance != nil {
		d.cfg.OnAppearance(ap)
	}
}

func (d *Desk) applyAppearance() {
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(widgets.NewTheme(d.cfg.Appearance))
	}
}

// rebuildRecords rebuilds the dossier's sync panel and the sync bar (a language switch).
func (d *Desk) rebuildRecords() {
	if d.rec == nil {
		return
	}
	if d.dossierSync != nil {
		d.dossierSync = syncui.NewDossierSync(d.syn, d.dossierSync.Dos)
	}
	d.syncBar = d.newSyncBar()
}
