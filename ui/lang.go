package ui

import (
	"fyne.io/fyne/v2"

	"bhxhdesk/app"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/recordsui"
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
		if d.register != nil {
			d.register = intakeui.NewRegisterScreen(d.in, d.register.State())
		}
		if d.queue != nil {
			d.queue = intakeui.NewQueueScreen(d.in, d.queue.State())
		}
		if d.search != nil {
			d.search = intakeui.NewSearchScreen(d.in, d.search.State())
		}
		if d.dossier != nil {
			d.dossier = intakeui.NewDossierScreen(d.in, d.dossier.State(), d.closeDossier)
		}
		if d.accounts != nil {
			d.accounts = adminui.NewAccountsScreen(d.adm, d.accounts.State())
		}
		if d.home != nil {
			d.home = intakeui.NewHomeScreen(d.in, d.home.State(), d.openTile)
		}
		if d.walkIn != nil {
			d.walkIn = intakeui.NewWalkInScreen(d.in, d.walkIn.State(), d.registerFrom)
		}
		if d.admin != nil {
			d.admin = adminui.NewAdminScreen(d.adm, d.admin.State(), d.adminHooks())
		}
		if d.privacy != nil {
			d.privacy = adminui.NewPrivacyScreen(d.adm, d.privacy.State())
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

// rebuildRecords rebuilds the records and sync screens from their state (a language switch).
func (d *Desk) rebuildRecords() {
	if d.rec == nil {
		return
	}
	if d.vouchers != nil {
		d.vouchers = recordsui.NewVouchersScreen(d.recs, d.vouchers.State())
	}
	if d.records != nil {
		d.records = recordsui.NewRecordsPage(d.recs, d.records.State())
	}
	if d.syncScreen != nil {
		d.syncScreen = syncui.NewSyncScreen(d.syn, d.syncScreen.State())
	}
	if d.dossierSync != nil {
		d.dossierSync = syncui.NewDossierSync(d.syn, d.dossierSync.Dos)
	}
	d.syncBar = d.newSyncBar()
}
