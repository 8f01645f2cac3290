package ui

import (
	"slices"
	"time"

	"bhxhdesk/ui/widgets"

	"fyne.io/fyne/v2"
)

// The keyboard must be able to fill in a long form: Fyne moves the focus on Tab but does not
// scroll it into view, so the cursor could sit in a field below the window's edge. The desk
// watches the focus (Run) and scrolls the panes that hold a newly focused widget so it shows.

// FollowFocus scrolls a newly focused widget into view (Run calls it on the UI thread several
// times a second).
func (d *Desk) FollowFocus() {
	w := d.window()
	if w == nil {
		return
	}
	c := w.Canvas()
	f := c.Focused()
	if f == d.lastFocus {
		return
	}
	d.lastFocus = f
	o, ok := f.(fyne.CanvasObject)
	if !ok || o == nil {
		return
	}
	widgets.ScrollIntoView(d.root, o)
	for _, ov := range c.Overlays().List() {
		widgets.ScrollIntoView(ov, o)
	}
}

// focusPage puts the cursor in the first input of the page shown, so the officer types at once.
func (d *Desk) focusPage() {
	f, ok := d.current().(interface{ FirstFocus() fyne.Focusable })
	if !ok {
		return
	}
	target := f.FirstFocus()
	if target == nil {
		return
	}
	w := d.window()
	if w == nil {
		return
	}
	w.Canvas().Focus(target)
	if w.Canvas().Focused() != target {
		// A page inside tabs joins the window's tree only when the next frame lays it out:
		// focus it once that frame is drawn.
		page := d.page
		time.AfterFunc(100*time.Millisecond, func() {
			d.cfg.Do(func() {
				if d.page == page && d.ses != nil && d.lock == nil {
					w.Canvas().Focus(target)
				}
			})
		})
	}
}

// Focus puts the cursor where the officer types first: the user name on the sign-in (the
// password when the name is known), the password on the unlock overlay, the first input of a
// page.
func (d *Desk) Focus() {
	if d.ses != nil && d.lock == nil {
		d.focusPage()
		return
	}
	d.focus()
}

// FocusIn is Focus on a given canvas: main calls it with the window's canvas as soon as the
// desk is the window's content, before the first frame (Fyne only knows which canvas shows an
// object once it has painted it), so typing at start goes to the user name.
func (d *Desk) FocusIn(c fyne.Canvas) {
	d.canvas = c
	c.SetOnTypedKey(d.typedKey)
	d.Focus()
}

// dialogShown remembers how a dialog shown closes on Escape, for when no widget of it has the
// focus (after a file dialog over it closed, or a click on its background).
func (d *Desk) dialogShown(pop fyne.CanvasObject, cancel func()) {
	d.escapes = slices.DeleteFunc(d.escapes, func(e escape) bool { return !e.pop.Visible() })
	d.escapes = append(d.escapes, escape{pop, cancel})
}

// escape is a dialog shown and how it closes.
type escape struct {
	pop    fyne.CanvasObject
	cancel func()
}

// typedKey is a key typed with no widget focused: Escape closes the dialog shown last (the
// one on top: they are modal).
func (d *Desk) typedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeyEscape {
		return
	}
	for i := len(d.escapes) - 1; i >= 0; i-- {
		if e := d.escapes[i]; e.pop.Visible() {
			d.escapes = d.escapes[:i]
			e.cancel()
			return
		}
	}
}

// focus puts the cursor where the officer types first on the sign-in screens.
func (d *Desk) focus() {
	var target fyne.Focusable
	switch {
	case d.lock != nil:
		target = d.lock.Password
	case d.login != nil && d.ses == nil:
		target = d.login.User
		if d.login.User.Text != "" {
			target = d.login.Password
		}
	case d.recovery != nil:
		target = d.recovery.Confirmed
	case d.firstRun != nil && d.ses == nil && d.restore == nil && d.damaged == nil:
		target = d.firstRun.Agency
	default:
		return
	}
	if w := d.window(); w != nil {
		w.Canvas().Focus(target)
	}
}
