package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ScrollIntoView scrolls every scroll container under root that holds o so that o shows.
func ScrollIntoView(root fyne.CanvasObject, o fyne.CanvasObject) {
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
