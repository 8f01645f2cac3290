package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fyne's buttons answer Space only, and nothing in a pop-up answers Escape: an officer who
// tabs to a dialog's button and presses Enter, or presses Escape to back out, got nothing.
// The dialogs' buttons and fields are these instead.

// keyButton is a dialog's button: Return or Enter presses it as Space does, Escape closes the
// dialog (dialog sets escape).
type keyButton struct {
	widget.Button
	escape func()
}

// newKeyButton makes a dialog's button.
func newKeyButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Return or Enter and closes the dialog on Escape.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	case fyne.KeyEscape:
		if b.escape != nil {
			b.escape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// keyEntry is a dialog's field: Escape closes the dialog; everything else is an entry's.
type keyEntry struct {
	widget.Entry
	escape func()
}

// newKeyEntry makes a dialog's one-line field (password hides what is typed; lines > 1 makes
// a multi-line field showing that many lines).
func newKeyEntry(password bool, lines int) *keyEntry {
	e := &keyEntry{}
	e.Password = password
	e.Wrapping = fyne.TextWrapOff
	if lines > 1 {
		e.MultiLine, e.Wrapping = true, fyne.TextWrapWord
		e.SetMinRowsVisible(lines)
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the dialog on Escape.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}

// dialog shows a modal dialog (host.modal) whose buttons and fields close it with cancel on
// Escape. It returns the pop-up, nil when there is no window.
func (h *host) dialog(title string, body fyne.CanvasObject, width float32, cancel func()) *widget.PopUp {
	setEscape(body, cancel)
	pop := h.modal(title, body, width)
	if pop != nil && h.onDialog != nil {
		h.onDialog(pop, cancel)
	}
	return pop
}

// setEscape sets the Escape action of the dialog buttons and fields under o.
func setEscape(o fyne.CanvasObject, cancel func()) {
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			setEscape(c, cancel)
		}
	case *widget.Form:
		for _, it := range w.Items {
			setEscape(it.Widget, cancel)
		}
	case *widget.Card:
		setEscape(w.Content, cancel)
	case *keyButton:
		w.escape = cancel
	case *keyEntry:
		w.escape = cancel
	}
}

// AcceptsTab is false: Tab leaves a dialog's field, even a multi-line one, for the buttons (a
// reason needs no tab character; without this the keyboard could not leave it).
func (e *keyEntry) AcceptsTab() bool { return false }
