package widgets

import (
	"reflect"
	"runtime/debug"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// A programming error in a screen must never close the window: an officer loses the form being
// typed and trusts the program less. Every callback the screens hand to Fyne (buttons, entries,
// lists, menu items) and every job off the UI thread runs under a guard that recovers a panic,
// logs it with its stack and tells the officer in words that nothing saved was lost.

// panicReporter is told of a recovered panic; the desk that was built last (there is one per
// program) sets it. afterCallback runs after each guarded callback: screens build new widgets
// in them, which are put under guards then.
var (
	PanicReporter atomic.Pointer[func(any, []byte)]
	AfterCallback atomic.Pointer[func()]
)

// settle puts the widgets a callback built under guards.
func settle() {
	if f := AfterCallback.Load(); f != nil {
		(*f)()
	}
}

// RecoverPanic is deferred by the guards.
func RecoverPanic() {
	if r := recover(); r != nil {
		if f := PanicReporter.Load(); f != nil {
			(*f)(r, debug.Stack())
		}
	}
}

// Guard runs f under a guard. The guards are never inlined: guarded tells a guarded callback
// by the address of the guard's closure, which inlining would copy to every caller.
//
//go:noinline
func Guard(f func()) func() {
	if f == nil {
		return nil
	}
	return func() {
		defer RecoverPanic()
		f()
		settle()
	}
}

// guardArg is guard for a callback with one argument (a text, a choice, a row).
//
//go:noinline
func guardArg[T any](f func(T)) func(T) {
	if f == nil {
		return nil
	}
	return func(v T) {
		defer RecoverPanic()
		f(v)
		settle()
	}
}

// The code addresses of the guards' closures: a callback with one of them is guarded already.
var guardCode = map[uintptr]bool{
	funcCode(Guard(func() {})): true, funcCode(guardArg(func(string) {})): true, funcCode(guardArg(func(bool) {})): true,
	funcCode(guardArg(func(widget.ListItemID) {})): true,
}

func funcCode(f any) uintptr { return reflect.ValueOf(f).Pointer() }

func guarded(f any) bool { return reflect.ValueOf(f).IsNil() || guardCode[funcCode(f)] }

// PrepareTree readies the widgets under o for the real window: their callbacks under guards
// (once each) — buttons, entries, selects, checks, radio groups, lists, through the containers,
// cards, forms, scrolls, splits and tabs that hold them — and one-line fields that leave the
// mouse wheel to the page.
func PrepareTree(o fyne.CanvasObject) {
	switch w := o.(type) {
	case nil:
	case *fyne.Container:
		for _, c := range w.Objects {
			PrepareTree(c)
		}
	case *widget.Button:
		if !guarded(w.OnTapped) {
			w.OnTapped = Guard(w.OnTapped)
		}
	case *KeyButton:
		PrepareTree(&w.Button)
	case *KeyEntry:
		PrepareTree(&w.Entry)
	case *widget.Entry:
		// The mouse wheel over a one-line field scrolls the page: the field's own scroller
		// would take the wheel and do nothing with it.
		// Clipped, not wrapped-off: without its scroller a field whose text is off would grow
		// with its text and widen the page (a backup folder's path did); clipped, it keeps its
		// width and still shows the end being typed.
		if !w.MultiLine && (w.Scroll != container.ScrollNone || w.Wrapping != fyne.TextWrap(fyne.TextTruncateClip)) {
			w.Scroll, w.Wrapping = container.ScrollNone, fyne.TextWrap(fyne.TextTruncateClip)
			w.Refresh()
		}
		if !guarded(w.OnChanged) {
			w.OnChanged = guardArg(w.OnChanged)
		}
		if !guarded(w.OnSubmitted) {
			w.OnSubmitted = guardArg(w.OnSubmitted)
		}
	case *TypeSelect:
		if !guarded(w.OnChanged) {
			w.OnChanged = guardArg(w.OnChanged)
		}
	case *widget.Select:
		if !guarded(w.OnChanged) {
			w.OnChanged = guardArg(w.OnChanged)
		}
	case *widget.Check:
		if !guarded(w.OnChanged) {
			w.OnChanged = guardArg(w.OnChanged)
		}
	case *widget.RadioGroup:
		if !guarded(w.OnChanged) {
			w.OnChanged = guardArg(w.OnChanged)
		}
	case *widget.List:
		if !guarded(w.OnSelected) {
			w.OnSelected = guardArg(w.OnSelected)
		}
	case *widget.Card:
		PrepareTree(w.Content)
	case *widget.Form:
		for _, it := range w.Items {
			PrepareTree(it.Widget)
		}
	case *container.Scroll:
		PrepareTree(w.Content)
	case *container.Split:
		PrepareTree(w.Leading)
		PrepareTree(w.Trailing)
	case *container.AppTabs:
		for _, it := range w.Items {
			PrepareTree(it.Content)
		}
	case *widget.PopUp:
		PrepareTree(w.Content)
	}
}

// GuardMenu puts every item of a main menu under a guard.
func GuardMenu(m *fyne.MainMenu) {
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Action != nil && !guarded(it.Action) {
				it.Action = Guard(it.Action)
			}
		}
	}
}
