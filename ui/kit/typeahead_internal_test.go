package kit

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/assets"
	"bhxhdesk/ui/widgets"
)

// typeLikeAKeyboard sends what the real driver sends for each key: a key event, then the
// character (a space is both).
func typeLikeAKeyboard(s *widgets.TypeSelect, text string) {
	for _, r := range text {
		if r == ' ' {
			s.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		}
		s.TypedRune(r)
	}
}

func TestTypeAheadPicksByNameWithSpaces(t *testing.T) {
	test.NewTempApp(t)
	ref := assets.MustLoad()
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	h := &Host{Cfg: &Settings{Places: ref.Places, Catalog: ref.Catalog, Now: now}}
	var changes []string
	p := NewPlacePicker(h, "", "", func(part string) { changes = append(changes, part) })
	w := test.NewTempWindow(t, p.Province)
	w.Canvas().Focus(p.Province)

	tests := []struct{ typed, want string }{
		{"ha noi", "Thành phố Hà Nội"},
		{"ho", "Thành phố Hồ Chí Minh"}, // not Tỉnh Thanh Hóa, whose second word starts with "ho"
		{"ho chi minh", "Thành phố Hồ Chí Minh"},
		{"thanh hoa", "Tỉnh Thanh Hóa"},
		{"da nang", "Thành phố Đà Nẵng"},
	}
	for _, tt := range tests {
		clock = clock.Add(2 * time.Second) // a pause: a new search
		typeLikeAKeyboard(p.Province, tt.typed)
		assert.Equal(t, tt.want, p.Province.Selected, "typed %q", tt.typed)
		assert.Empty(t, w.Canvas().Overlays().List(), "typing %q opened no list", tt.typed)
	}

	clock = clock.Add(2 * time.Second)
	typeLikeAKeyboard(p.Province, "ha noi")
	require.Equal(t, "Thành phố Hà Nội", p.Province.Selected)
	clock = clock.Add(2 * time.Second)
	typeLikeAKeyboard(p.Commune, "ba dinh")
	require.Equal(t, "Phường Ba Đình", p.Commune.Selected)
	// Choosing the same province again keeps the commune.
	p.Province.SetSelected("Thành phố Hà Nội")
	assert.Equal(t, "Phường Ba Đình", p.Commune.Selected)
	prov, comm := p.Codes()
	assert.Equal(t, []string{"01", "00004"}, []string{prov, comm})

	// With no search under way, Space opens the list, as in Fyne's Select.
	clock = clock.Add(2 * time.Second)
	p.Province.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	p.Province.TypedRune(' ')
	assert.NotEmpty(t, w.Canvas().Overlays().List(), "Space opens the list")
}
