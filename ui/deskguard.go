package ui

import (
	"fmt"

	"bhxhdesk/ui/widgets"
)

// prepareAll readies the window's widgets, and those of its pop-ups (see widgets.PrepareTree).
func (d *Desk) prepareAll() {
	widgets.PrepareTree(d.root)
	if d.canvas != nil {
		for _, o := range d.canvas.Overlays().List() {
			widgets.PrepareTree(o)
		}
	}
}

// reportPanic logs a recovered panic with its stack and tells the officer.
func (d *Desk) reportPanic(r any, stack []byte) {
	err := fmt.Errorf("panic: %v\n%s", r, stack)
	if d.cfg.OnInternal != nil {
		d.cfg.OnInternal(err)
	}
	text := d.t("err.panic")
	if d.cfg.LogPath != "" {
		text += " " + d.t("err.internal_log", "path", d.cfg.LogPath)
	}
	d.cfg.Do(func() { d.host().Alert(text) })
}
