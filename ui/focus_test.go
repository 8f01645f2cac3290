package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/ui"
)

// scrollOf finds the scroll container holding o's pane on the register page.
func scrollOf(t *testing.T, root fyne.CanvasObject, o fyne.CanvasObject) *container.Scroll {
	t.Helper()
	var found *container.Scroll
	var walk func(c fyne.CanvasObject, s *container.Scroll)
	walk = func(c fyne.CanvasObject, s *container.Scroll) {
		if c == o && found == nil {
			found = s
		}
		switch w := c.(type) {
		case *fyne.Container:
			for _, k := range w.Objects {
				walk(k, s)
			}
		case *container.Scroll:
			walk(w.Content, w)
		case *container.Split:
			walk(w.Leading, s)
			walk(w.Trailing, s)
		}
	}
	walk(root, nil)
	require.NotNil(t, found, "the field is in a scrolling pane")
	return found
}

// TestTheKeyboardFillsALongFormOnASmallScreen: on a 1024×700 window the TK1-TS is longer than
// its pane. Saving it with problems puts the cursor in the first one, Tab down the form scrolls
// the pane to the focused field, and the mouse wheel over a field scrolls the page.
func TestTheKeyboardFillsALongFormOnASmallScreen(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	r := d.Register()
	canvas := d.win.Canvas()
	pane := scrollOf(t, d.Content(), r.FullName)

	// Down to the last field with Tab: the pane follows.
	canvas.Focus(r.FullName)
	d.tabTo(t, r.Requests)
	d.FollowFocus()
	assert.Greater(t, pane.Offset.Y, float32(0), "the pane scrolled down to the focused field")
	d.shot(t, "register-tab-bottom")

	// Saving with problems: the cursor goes back up to the first one, and the pane with it.
	d.press(t, ui.ShortcutSave)
	require.Equal(t, r.FullName, canvas.Focused(), "the cursor is in [01], the first problem")
	d.FollowFocus()
	drv := fyne.CurrentApp().Driver()
	top := drv.AbsolutePositionForObject(r.FullName).Y - drv.AbsolutePositionForObject(pane).Y
	assert.True(t, top >= 0 && top+r.FullName.Size().Height <= pane.Size().Height, "[01] shows in its pane (at %v)", top)

	// The wheel over a one-line field scrolls the page.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.PersonalID).Add(fyne.NewPos(20, 10))
	test.Scroll(canvas, pos, 0, -120)
	assert.Greater(t, pane.Offset.Y, float32(0), "the page scrolled under the wheel")
}
