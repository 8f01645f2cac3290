package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// paint rebuilds the window's content for where the desk stands: the header with the language
// switch, and either a screen before sign-in or the navigation, the page and the sync bar.
func (d *Desk) paint() {
	names := make([]string, len(app.Langs))
	for i, l := range app.Langs {
		names[i] = d.t("lang." + string(l))
	}
	lang := widget.NewSelect(names, nil)
	for i, l := range app.Langs {
		if l == d.cfg.Lang {
			lang.SetSelectedIndex(i)
		}
	}
	lang.OnChanged = func(string) { d.SetLang(app.Langs[lang.SelectedIndex()]) }
	d.Language = lang
	title := widget.NewLabelWithStyle(d.t("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewHBox(widget.NewLabel(d.t("app.language")), lang)
	var body, bottom, left fyne.CanvasObject
	d.UserLabel, d.LockNow, d.SignOut, d.nav = nil, nil, nil, map[Page]*widget.Button{}
	// The window title says where the desk stands (the taskbar shows it): the screen before
	// sign-in, the office and the officer after.
	screen := ""
	switch {
	case d.cfg.Office == nil:
		body = d.quote.Content()
	case d.restore != nil:
		body, screen = d.restore.Content(), d.t("ui.title.restore")
	case d.damaged != nil:
		body, screen = d.damaged.Content(), d.t("ui.title.damaged")
	case d.firstRun != nil:
		body, screen = d.firstRun.Content(), d.t("ui.title.first_run")
	case d.recovery != nil:
		body, screen = d.recovery.Content(), d.t("ui.title.recovery")
	case d.ses == nil:
		body, screen = d.login.Content(), d.t("ui.title.login")
	default:
		screen = d.t("ui.nav."+string(d.page)) + " — " + d.ses.Sess.Office.Agency + " · " + d.ses.Sess.User.Name
		u := d.ses.Sess.User
		d.UserLabel = widget.NewLabelWithStyle(d.t("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", d.t("role."+string(u.Role))),
			fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
		d.LockNow = widget.NewButtonWithIcon(d.t("ui.lock_now"), theme.VisibilityOffIcon(), d.showLock)
		d.SignOut = widget.NewButtonWithIcon(d.t("ui.sign_out"), theme.LogoutIcon(), d.signOut)
		if d.lock != nil {
			body, screen = d.lock.Content(), d.t("ui.title.locked")
			break
		}
		right = container.NewHBox(d.UserLabel, d.LockNow, d.SignOut, widget.NewSeparator(), lang)
		left = d.navBar(u)
		body = d.pageContent()
		if d.syncBar != nil {
			bottom = d.syncBar.Content()
		}
	}
	header := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.DocumentIcon()), title), right)
	top := container.NewVBox(header, widget.NewSeparator())
	// Whatever a page needs, it scrolls inside the window rather than making the window taller
	// than the screen (Fyne grows a window to its content's minimum size: a dashboard with
	// rule warnings once made it 774 px high on a 768-px screen, its bottom out of reach).
	d.body = container.NewScroll(body)
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(top, bottom, left, nil, d.body)}
	widgets.PrepareTree(d.root)
	d.root.Refresh()
	if d.onTitle != nil {
		if screen != "" {
			screen = " — " + screen
		}
		d.onTitle(d.t("app.title") + screen)
	}
	d.buildMenu()
	// After the events being handled: a screen changed by Space on a button (Tiếp tục đăng
	// nhập) would otherwise receive the space's character in the field it focuses.
	d.cfg.Do(d.focus)
}

func (d *Desk) pageContent() fyne.CanvasObject {
	if slot, ok := d.pages()[d.page]; ok {
		return slot.content()
	}
	return d.quote.Content()
}

// Body is the current screen's scroll: its content's minimum size against its own size shows
// whether the screen fits the window as it is.
func (d *Desk) Body() *container.Scroll { return d.body }
