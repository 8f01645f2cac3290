package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/recordsui"
	"bhxhdesk/ui/syncui"
)

// pageSlot is one page of the signed-in desk in the page registry: its icon in the navigation,
// how it opens (its screen made the first time, refreshed after), the screen, that screen's
// content, and how it is made again from its state in another language.
type pageSlot struct {
	icon    fyne.Resource
	open    func() bool // false: the page cannot open now (the dossier page before a dossier)
	screen  func() any
	content func() fyne.CanvasObject
	rebuild func() // after a language switch; nothing while the screen was never made
}

// screen is what a page slot holds: a feature package's screen.
type screen interface {
	comparable
	Content() fyne.CanvasObject
}

// slotOf is the slot of a page whose screen lives in field: made by make the first time it
// opens, refreshed by refresh (nil: kept as it is) when it opens again, made again by rebuild
// (nil: kept) after a language switch.
func slotOf[S screen](icon fyne.Resource, field *S, make func() S, refresh func(S), rebuild func(S) S) pageSlot {
	var none S
	return pageSlot{
		icon: icon,
		open: func() bool {
			if *field == none {
				*field = make()
			} else if refresh != nil {
				refresh(*field)
			}
			return true
		},
		screen:  func() any { return *field },
		content: func() fyne.CanvasObject { return (*field).Content() },
		rebuild: func() {
			if *field != none && rebuild != nil {
				*field = rebuild(*field)
			}
		},
	}
}

// pages is the page registry of the signed-in desk: every page of the navigation and the
// dossier page, with the feature screen it shows. It is built once: its slots read the desk's
// fields when they run.
func (d *Desk) pages() map[Page]pageSlot {
	if d.slots == nil {
		d.slots = d.newPages()
	}
	return d.slots
}

func (d *Desk) newPages() map[Page]pageSlot {
	return map[Page]pageSlot{
		PageHome: slotOf(theme.HomeIcon(), &d.home,
			func() *intakeui.HomeScreen { return intakeui.NewHomeScreen(d.in, intakeui.HomeState{}, d.openTile) },
			(*intakeui.HomeScreen).Reload,
			func(s *intakeui.HomeScreen) *intakeui.HomeScreen {
				return intakeui.NewHomeScreen(d.in, s.State(), d.openTile)
			}),
		PageWalkIn: slotOf(theme.HelpIcon(), &d.walkIn,
			func() *intakeui.WalkInScreen {
				// Most walk-ins live in the office's province: its own support is quoted from the
				// start, as the registration will quote it.
				st := intakeui.WalkInState{Quote: intakeui.QuoteState{Province: d.ses.Sess.Office.Province}}
				return intakeui.NewWalkInScreen(d.in, st, d.registerFrom)
			}, nil,
			func(s *intakeui.WalkInScreen) *intakeui.WalkInScreen {
				return intakeui.NewWalkInScreen(d.in, s.State(), d.registerFrom)
			}),
		PageRegister: slotOf(theme.DocumentCreateIcon(), &d.register,
			func() *intakeui.RegisterScreen { return intakeui.NewRegisterScreen(d.in, intakeui.RegisterState{}) }, nil,
			func(s *intakeui.RegisterScreen) *intakeui.RegisterScreen {
				return intakeui.NewRegisterScreen(d.in, s.State())
			}),
		// Actions elsewhere move dossiers between queues: the queue reloads when it opens.
		PageQueue: slotOf(theme.ListIcon(), &d.queue,
			func() *intakeui.QueueScreen { return intakeui.NewQueueScreen(d.in, intakeui.QueueState{}) },
			(*intakeui.QueueScreen).Reload,
			func(s *intakeui.QueueScreen) *intakeui.QueueScreen { return intakeui.NewQueueScreen(d.in, s.State()) }),
		PageSearch: slotOf(theme.SearchIcon(), &d.search,
			func() *intakeui.SearchScreen { return intakeui.NewSearchScreen(d.in, intakeui.SearchState{}) }, nil,
			func(s *intakeui.SearchScreen) *intakeui.SearchScreen {
				return intakeui.NewSearchScreen(d.in, s.State())
			}),
		PageDossier: d.dossierSlot(),
		PageAccounts: slotOf(theme.AccountIcon(), &d.accounts,
			func() *adminui.AccountsScreen { return adminui.NewAccountsScreen(d.adm, adminui.AccountsState{}) },
			(*adminui.AccountsScreen).Reload,
			func(s *adminui.AccountsScreen) *adminui.AccountsScreen {
				return adminui.NewAccountsScreen(d.adm, s.State())
			}),
		PageVouchers: slotOf(theme.DocumentIcon(), &d.vouchers,
			func() *recordsui.VouchersScreen {
				return recordsui.NewVouchersScreen(d.recs, recordsui.VouchersState{})
			},
			func(s *recordsui.VouchersScreen) { s.Exceptions.Reload() },
			func(s *recordsui.VouchersScreen) *recordsui.VouchersScreen {
				return recordsui.NewVouchersScreen(d.recs, s.State())
			}),
		PageRecords: slotOf(theme.StorageIcon(), &d.records,
			func() *recordsui.RecordsPage { return recordsui.NewRecordsPage(d.recs, recordsui.RecordsState{}) },
			func(s *recordsui.RecordsPage) {
				if s.Tab() == recordsui.TabCovers {
					s.Covers.Reload()
				}
			},
			func(s *recordsui.RecordsPage) *recordsui.RecordsPage {
				return recordsui.NewRecordsPage(d.recs, s.State())
			}),
		PageSync: slotOf(theme.ViewRefreshIcon(), &d.syncScreen,
			func() *syncui.SyncScreen { return syncui.NewSyncScreen(d.syn, syncui.SyncScreenState{}) },
			(*syncui.SyncScreen).Reload,
			func(s *syncui.SyncScreen) *syncui.SyncScreen { return syncui.NewSyncScreen(d.syn, s.State()) }),
		PageAdmin: slotOf(theme.SettingsIcon(), &d.admin,
			func() *adminui.AdminScreen {
				return adminui.NewAdminScreen(d.adm, adminui.AdminState{}, d.adminHooks())
			}, nil,
			func(s *adminui.AdminScreen) *adminui.AdminScreen {
				return adminui.NewAdminScreen(d.adm, s.State(), d.adminHooks())
			}),
		PagePrivacy: slotOf(theme.VisibilityOffIcon(), &d.privacy,
			func() *adminui.PrivacyScreen { return adminui.NewPrivacyScreen(d.adm, adminui.PrivacyState{}) }, nil,
			func(s *adminui.PrivacyScreen) *adminui.PrivacyScreen {
				return adminui.NewPrivacyScreen(d.adm, s.State())
			}),
	}
}

// dossierSlot is the dossier page: it opens only on a dossier chosen elsewhere (a queue, the
// search, a tile), and shows the dossier's sync panel under it.
func (d *Desk) dossierSlot() pageSlot {
	return pageSlot{
		icon:   theme.FileIcon(),
		open:   func() bool { return d.dossier != nil },
		screen: func() any { return d.dossier },
		content: func() fyne.CanvasObject {
			if d.dossierSync != nil {
				return container.NewBorder(nil, d.dossierSync.Content(), nil, nil, d.dossier.Content())
			}
			return d.dossier.Content()
		},
		rebuild: func() {
			if d.dossier != nil {
				d.dossier = intakeui.NewDossierScreen(d.in, d.dossier.State(), d.closeDossier)
			}
		},
	}
}
