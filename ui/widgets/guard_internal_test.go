package widgets

import (
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPanicInAScreenIsReportedNotFatal(t *testing.T) {
	var reported []any
	report := func(r any, stack []byte) { reported = append(reported, r) }
	PanicReporter.Store(&report)
	t.Cleanup(func() { PanicReporter.Store(nil) })

	var names []string
	b := widget.NewButton("In", func() { nilMap()["x"]++ })
	e := widget.NewEntry()
	e.OnChanged = func(s string) { names = append(names, s); _ = names[5] }
	root := container.NewVBox(widget.NewCard("", "", container.NewHBox(b)), container.NewVScroll(e))
	PrepareTree(root)
	PrepareTree(root) // idempotent: no guard around a guard
	assert.Equal(t, funcCode(Guard(func() {})), funcCode(b.OnTapped))
	assert.Equal(t, funcCode(guardArg(func(string) {})), funcCode(e.OnChanged), "a field's callback is guarded too")

	require.NotPanics(t, func() { test.Tap(b) })
	require.NotPanics(t, func() { e.SetText("Nguyễn") })
	require.Len(t, reported, 2, "both panics were reported")
	assert.Contains(t, reported[0].(error).Error(), "nil map")
}

// nilMap is a map never made: writing to it panics, as a programming error in a screen would.
func nilMap() map[string]int { return nil }
