package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/assets"
	"bhxhdesk/ui"
)

// TestEveryFileDialogOfTheRealWindowOpens prints the quote (Ctrl+P on the walk-in page) with
// Fyne's own file dialog, as the desk program does, not an injected SaveAs: the dialog must
// show, filling most of the window. Sizing it before Show panicked in FileDialog.MinSize and
// closed the program at every print, import and restore.
func TestEveryFileDialogOfTheRealWindowOpens(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	test.NewTempApp(t)
	ref := assets.MustLoad()
	d := ui.NewDesk(ui.Config{Ref: o.Ref(), Places: ref.Places, Catalog: ref.Catalog, Now: c.now, Office: o, SaveDir: t.TempDir(),
		Do: func(f func()) { f() }}, nil)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1024, 700))
	sd := &storeDesk{Desk: d, office: o, clock: c, win: w}
	sd.signIn(t, "motcua")
	require.Equal(t, ui.PageWalkIn, d.Page())
	before := len(w.Canvas().Overlays().List())
	require.True(t, d.TypedShortcut(ui.ShortcutPrint))
	d.Wait()
	overlays := w.Canvas().Overlays().List()
	require.Greater(t, len(overlays), before, "the file dialog shows")
	top := overlays[len(overlays)-1]
	assert.Greater(t, top.Size().Width, float32(1024*0.8), "it fills most of the window: %v", top.Size())
}
