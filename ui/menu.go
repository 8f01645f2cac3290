package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"bhxhdesk/app"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/widgets"
)

// The keyboard shortcuts of the main menu. Ctrl+1 … Ctrl+7 open the sections in the order of
// the navigation.
var (
	ShortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutPrint  = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutLock   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	// ShortcutSignOut signs the officer out (Ctrl+Shift+L): the next officer signs in.
	ShortcutSignOut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	ShortcutQuit    = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
)

// sectionKeys are the keys of Ctrl+1 … Ctrl+7.
var sectionKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7}

// buildMenu makes the main menu in the current language, with the actions the desk offers now,
// and hands it to Config.OnMenu.
func (d *Desk) buildMenu() {
	item := func(key string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(d.t(key), action)
		it.Shortcut = sc
		return it
	}
	signedIn := d.ses != nil && d.lock == nil
	// The menu follows the language and who is signed in, not the page: a window's main menu
	// is rebuilt by the driver each time it is set.
	key := string(d.cfg.Lang)
	if signedIn {
		key += "/" + d.ses.Sess.User.Name + "/" + string(d.ses.Sess.User.Role)
	}
	if d.menu != nil && key == d.menuKey {
		return
	}
	d.menuKey = key
	work := []*fyne.MenuItem{}
	if signedIn {
		if d.allowed(PageRegister) {
			work = append(work, item("ui.menu.new", ShortcutNew, d.NewRegistration))
		}
		if d.allowed(PageSearch) {
			work = append(work, item("ui.menu.search", ShortcutSearch, d.StartSearch))
		}
		work = append(work, item("ui.menu.save", ShortcutSave, d.SaveShortcut), item("ui.menu.print", ShortcutPrint, d.PrintShortcut),
			fyne.NewMenuItemSeparator(), item("ui.lock_now", ShortcutLock, d.showLock), item("ui.sign_out", ShortcutSignOut, d.signOut))
	}
	quit := item("ui.menu.quit", ShortcutQuit, nil)
	quit.IsQuit = true // Fyne closes the window
	if len(work) > 0 {
		work = append(work, fyne.NewMenuItemSeparator())
	}
	work = append(work, quit)
	menus := []*fyne.Menu{fyne.NewMenu(d.t("ui.menu.desk"), work...)}
	if signedIn {
		var goTo []*fyne.MenuItem
		for i, sec := range Sections {
			ok := false
			for _, n := range navPages {
				ok = ok || (n.section == sec && d.allowed(n.page))
			}
			if ok {
				sec := sec
				sc := &desktop.CustomShortcut{KeyName: sectionKeys[i], Modifier: fyne.KeyModifierShortcutDefault}
				goTo = append(goTo, item("ui.section."+string(sec), sc, func() { d.ShowSection(sec) }))
			}
		}
		menus = append(menus, fyne.NewMenu(d.t("ui.menu.go"), goTo...))
	}
	d.menu = fyne.NewMainMenu(menus...)
	widgets.GuardMenu(d.menu)
	if d.cfg.OnMenu != nil {
		d.cfg.OnMenu(d.menu)
	}
}

// TypedShortcut runs the menu item of a shortcut, as Fyne does for a key pressed anywhere in
// the window; it reports whether one ran.
func (d *Desk) TypedShortcut(sc fyne.Shortcut) bool {
	if d.menu == nil {
		return false
	}
	for _, m := range d.menu.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() && it.Action != nil {
				it.Action()
				return true
			}
		}
	}
	return false
}

// NewRegistration opens an empty registration form (Ctrl+N); a form being filled in is kept.
func (d *Desk) NewRegistration() {
	if d.ses == nil || !d.allowed(PageRegister) {
		return
	}
	if d.page == PageWalkIn && d.walkIn != nil {
		d.walkIn.StartRegistration() // the walk-in's answers go with the citizen
		return
	}
	if d.register != nil && d.register.State().Saved != nil {
		d.register = nil
	}
	d.Show(PageRegister)
}

// registerFrom opens the registration form filled in from the walk-in page: the birth date,
// the money fields and the province the quote was made for.
func (d *Desk) registerFrom(f app.RegistrationForm) {
	if d.ses == nil || !d.allowed(PageRegister) {
		return
	}
	st := intakeui.RegisterState{Form: f}
	if d.register != nil && d.register.State().Saved == nil {
		// Keep what was typed on a form in progress; take the walk-in's answers over it.
		st = d.register.State()
		cur := &st.Form
		cur.BirthDate, cur.Income, cur.Method, cur.StartMonth, cur.SupportGroup = f.BirthDate, f.Income, f.Method, f.StartMonth, f.SupportGroup
		if f.Address.Province != "" && cur.Address.Province == "" {
			cur.Address.Province = f.Address.Province
		}
	}
	d.register = intakeui.NewRegisterScreen(d.in, st)
	d.Show(PageRegister)
}

// StartSearch opens the search with the cursor in the query (Ctrl+F).
func (d *Desk) StartSearch() { d.Show(PageSearch) }

// SaveShortcut saves what the current page is editing (Ctrl+S).
func (d *Desk) SaveShortcut() {
	if d.ses == nil || d.lock != nil {
		return
	}
	if s, ok := d.current().(interface{ ShortcutSave() }); ok {
		s.ShortcutSave()
	}
}

// PrintShortcut prints what the current page shows (Ctrl+P): the quote, the receipt of the
// dossier just saved or shown, the covers ticked.
func (d *Desk) PrintShortcut() {
	if d.ses == nil || d.lock != nil {
		return
	}
	if s, ok := d.current().(interface{ ShortcutPrint() }); ok {
		s.ShortcutPrint()
	}
}
