package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The keyboard must be able to fill in a long form: Fyne moves the focus on Tab but does not
// scroll it into view, so the cursor could sit in a field below the window's edge. The desk
// watches the focus (Run) and scrolls the panes that hold a newly focused widget so it shows.

// scrollIntoView scrolls every scroll container under root that holds o so that o shows.
func scrollIntoView(root fyne.CanvasObject, o fyne.CanvasObject) {
	drv := fyne.CurrentApp().Driver()
	for _, s := range scrollsHolding(root, o) {
		if s.Direction == container.ScrollHorizontalOnly || s.Direction == container.ScrollNone {
			continue
		}
		top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(s).Y // within the viewport
		h, view := o.Size().Height, s.Size().Height
		const margin = 12
		off := s.Offset
		switch {
		case top < 0:
			off.Y += top - margin
		case top+h > view:
			off.Y += min(top+h-view+margin, top-margin) // a tall object shows from its top
		default:
			continue
		}
		off.Y = max(0, min(off.Y, s.Content.Size().Height-view))
		if off != s.Offset {
			s.ScrollToOffset(off)
		}
	}
}

// scrollsHolding lists the scroll containers under root whose content holds o, outermost first.
func scrollsHolding(root, o fyne.CanvasObject) []*container.Scroll {
	var path []*container.Scroll
	var walk func(c fyne.CanvasObject, scrolls []*container.Scroll) bool
	walk = func(c fyne.CanvasObject, scrolls []*container.Scroll) bool {
		if c == nil {
			return false
		}
		if c == o {
			path = scrolls
			return true
		}
		switch w := c.(type) {
		case *fyne.Container:
			for _, k := range w.Objects {
				if walk(k, scrolls) {
					return true
				}
			}
		case *container.Scroll:
			return walk(w.Content, append(append([]*container.Scroll{}, scrolls...), w))
		case *widget.Card:
			return walk(w.Content, scrolls)
		case *widget.Form:
			for _, it := range w.Items {
				if walk(it.Widget, scrolls) {
					return true
				}
			}
		case *container.Split:
			return walk(w.Leading, scrolls) || walk(w.Trailing, scrolls)
		case *container.AppTabs:
			if sel := w.Selected(); sel != nil {
				return walk(sel.Content, scrolls)
			}
		}
		return false
	}
	walk(root, nil)
	return path
}

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
	scrollIntoView(d.root, o)
	for _, ov := range c.Overlays().List() {
		scrollIntoView(ov, o)
	}
}

// focusPage puts the cursor in the first input of the page shown, so the officer types at once.
func (d *Desk) focusPage() {
	f, ok := d.current().(interface{ firstFocus() fyne.Focusable })
	if !ok {
		return
	}
	target := f.firstFocus()
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
