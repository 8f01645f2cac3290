package widgets

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
)

// luminance is the WCAG relative luminance of a colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTextColoursAreReadable: every colour the desk writes text in (messages of success,
// warning and error, hints and notes) reaches 4.5:1 on the page in both variants, and the
// white text on a coloured button reaches 3:1 (large, bold text).
func TestTextColoursAreReadable(t *testing.T) {
	for _, dark := range []bool{false, true} {
		th := NewTheme(Appearance{Dark: dark})
		bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameSuccess,
			theme.ColorNameWarning, theme.ColorNameError, theme.ColorNamePlaceHolder} {
			c := contrast(th.Color(n, theme.VariantLight), bg)
			assert.GreaterOrEqual(t, c, 4.5, "%s on the background (dark %v): %.2f:1", n, dark, c)
		}
		for fg, back := range map[fyne.ThemeColorName]fyne.ThemeColorName{
			theme.ColorNameForegroundOnSuccess: theme.ColorNameSuccess,
			theme.ColorNameForegroundOnError:   theme.ColorNameError,
			theme.ColorNameForegroundOnWarning: theme.ColorNameWarning,
		} {
			c := contrast(th.Color(fg, theme.VariantLight), th.Color(back, theme.VariantLight))
			assert.GreaterOrEqual(t, c, 3.0, "%s on %s (dark %v): %.2f:1", fg, back, dark, c)
		}
	}
}
