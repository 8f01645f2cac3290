//go:build !windows

package main

import "fyne.io/fyne/v2"

// maximise leaves the window at its first size elsewhere: desktops differ in what maximising
// means, and the size fits every office screen.
func maximise(fyne.Window) {}
