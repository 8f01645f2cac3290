package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Appearance is how the desk looks on this PC (giao diện): light or dark, and the text size.
// Offices work in bright rooms and print on white paper, so the zero value is light with the
// normal text size; "larger text" is for older eyes.
type Appearance struct {
	Dark  bool
	Large bool
}

// largeScale is how much bigger everything is with larger text (sizes, not only the text, so
// that buttons and rows grow with their labels).
const largeScale = 1.2

// deskTheme is Fyne's default theme with the variant chosen in the settings instead of the
// system's (an X server without a desktop reports dark), and sizes scaled for larger text.
type deskTheme struct {
	base fyne.Theme
	ap   Appearance
}

// NewTheme returns the theme for an appearance.
func NewTheme(ap Appearance) fyne.Theme { return &deskTheme{base: theme.DefaultTheme(), ap: ap} }

func (t *deskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	v := theme.VariantLight
	if t.ap.Dark {
		v = theme.VariantDark
	}
	return t.base.Color(n, v)
}

func (t *deskTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t *deskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *deskTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	if t.ap.Large {
		return s * largeScale
	}
	return s
}
