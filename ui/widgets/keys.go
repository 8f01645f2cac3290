package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Fyne's buttons answer Space only, and nothing in a pop-up answers Escape: an officer who
// tabs to a dialog's button and presses Enter, or presses Escape to back out, got nothing.
// The dialogs' buttons and fields are these instead.

// KeyButton is a dialog's button: Return or Enter presses it as Space does, Escape closes the
// dialog (dialog sets escape).
type KeyButton struct {
	widget.Button
	escape func()
}

// NewKeyButton makes a dialog's button.
func NewKeyButton(text string, icon fyne.Resource, tapped func()) *KeyButton {
	b := &KeyButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Return or Enter and closes the dialog on Escape.
func (b *KeyButton) TypedKey(ev *fyne.KeyEvent) {
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

// KeyEntry is a dialog's field: Escape closes the dialog; everything else is an entry's.
type KeyEntry struct {
	widget.Entry
	escape func()
}

// NewKeyEntry makes a dialog's one-line field (password hides what is typed; lines > 1 makes
// a multi-line field showing that many lines).
func NewKeyEntry(password bool, lines int) *KeyEntry {
	e := &KeyEntry{}
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
func (e *KeyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}

// SetEscape sets the Escape action of the dialog buttons and fields under o.
func SetEscape(o fyne.CanvasObject, cancel func()) {
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			SetEscape(c, cancel)
		}
	case *widget.Form:
		for _, it := range w.Items {
			SetEscape(it.Widget, cancel)
		}
	case *widget.Card:
		SetEscape(w.Content, cancel)
	case *KeyButton:
		w.escape = cancel
	case *KeyEntry:
		w.escape = cancel
	}
}

// AcceptsTab is false: Tab leaves a dialog's field, even a multi-line one, for the buttons (a
// reason needs no tab character; without this the keyboard could not leave it).
func (e *KeyEntry) AcceptsTab() bool { return false }
