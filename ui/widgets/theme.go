package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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
	} else if c, ok := lightText[n]; ok {
		return c
	}
	return t.base.Color(n, v)
}

// lightText replaces the default theme's colours that are used for text and read too faintly
// on white (the default success green has a contrast of 1.6:1, the hint grey 3.5:1): darker
// shades that reach the 4.5:1 the WCAG asks of body text, on screen and on a worn projector.
var lightText = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameSuccess:     color.NRGBA{R: 0x1b, G: 0x7a, B: 0x34, A: 0xff},
	theme.ColorNameWarning:     color.NRGBA{R: 0xa3, G: 0x52, B: 0x00, A: 0xff},
	theme.ColorNameError:       color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
	theme.ColorNamePlaceHolder: color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
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

// NoteText is an explanatory note under a form: smaller in weight than the form's own text but
// in the hint colour, which stays readable (a low-importance label is drawn in the disabled
// colour, 1.3:1 on white).
func NoteText(s string) *widget.RichText {
	r := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{
		ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameText,
	}})
	r.Wrapping = fyne.TextWrapWord
	return r
}
