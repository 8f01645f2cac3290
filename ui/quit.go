package ui

import (
	"strings"

	"bhxhdesk/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Unsaved says whether a registration form holds typed input not yet saved as a dossier (kept
// as a draft all the same).
func (d *Desk) Unsaved() bool { return d.ses != nil && d.register != nil && d.register.Pending() }

// RequestQuit is what closing the window or Ctrl+Q does: with a registration half-filled it
// writes the draft and asks first (the officer may have pressed the wrong key); otherwise, or
// once confirmed, quit runs. Whatever the answer, the draft is in the store.
func (d *Desk) RequestQuit(quit func()) {
	done := func() {
		if d.ses != nil && d.ses.Drafts != nil {
			if err := d.ses.Drafts.Close(); err != nil {
				d.set.Internal(err)
			}
		}
		quit()
	}
	if !d.Unsaved() || d.lock != nil {
		done() // locked: the draft is written, and whoever stands at the desk cannot see it
		return
	}
	if err := d.ses.Drafts.Flush(); err != nil {
		d.set.Internal(err)
	}
	t := d.t
	name := strings.TrimSpace(d.register.FullName.Text)
	if name == "" {
		name = t("ui.quit.no_name")
	}
	msg := widget.NewLabel(t("ui.quit.unsaved", "name", name))
	msg.Wrapping = fyne.TextWrapWord
	q := &QuitDialog{Text: msg}
	hide := func() {
		if q.pop != nil {
			q.pop.Hide()
		}
		d.quitAsk = nil
	}
	q.Stay = widgets.NewKeyButton(t("ui.quit.stay"), theme.DocumentCreateIcon(), func() {
		hide()
		d.Show(PageRegister)
	})
	q.Stay.Importance = widget.HighImportance
	q.Leave = widgets.NewKeyButton(t("ui.quit.leave"), theme.LogoutIcon(), func() {
		hide()
		done()
	})
	q.pop = d.host().Dialog(t("ui.quit.title"), container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), q.Leave, q.Stay)), 520, func() {
		hide()
		d.Show(PageRegister)
	})
	if q.pop == nil {
		done()
		return
	}
	d.quitAsk = q
	if w := d.window(); w != nil {
		w.Canvas().Focus(q.Stay)
	}
}

// QuitDialog asks before quitting with a registration half-filled.
type QuitDialog struct {
	Text        *widget.Label
	Stay, Leave *widgets.KeyButton
	pop         *widget.PopUp
}

// QuitAsk is the open question before quitting, nil when none.
func (d *Desk) QuitAsk() *QuitDialog { return d.quitAsk }
