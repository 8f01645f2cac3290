//go:build windows

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

var procShowWindow = windows.NewLazySystemDLL("user32.dll").NewProc("ShowWindow")

// maximise opens the window maximised, as Windows programs on an office PC do: the whole
// 1366×768 or 1024×768 screen, the taskbar left visible.
func maximise(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	fyne.Do(func() {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.WindowsWindowContext); ok && c.HWND != 0 {
				_, _, _ = procShowWindow.Call(c.HWND, windows.SW_MAXIMIZE)
			}
		})
	})
}
