package widgets

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
)

// TypeSelect is a drop-down list that also picks by typing, as desktop lists do, so the
// TK1-TS is filled in without the mouse: letters typed while it has the focus select the option
// whose name starts with them, marks or no marks, the words "Tỉnh", "Thành phố", "Phường",
// "Xã", "Đặc khu" and a leading code aside ("ha noi" picks "Thành phố Hà Nội", "ho" picks
// "Thành phố Hồ Chí Minh" before "Tỉnh Thanh Hóa", "ba dinh" picks "Phường Ba Đình", "kinh"
// picks "01 · Kinh"); failing that the first option one of whose words starts with them. A
// space belongs to the search while one is under way; a pause of a second starts a new search;
// Backspace takes the last letter back. The arrow keys, and Space when no search is under way,
// work as in Fyne's Select.
type TypeSelect struct {
	widget.Select

	now   func() time.Time
	typed string
	last  time.Time
	keys  []string // the options, folded, with a space before each word
	names []string // the options' names, folded, without their administrative word or code
}

// typeAheadPause is how long a pause starts a new search.
const typeAheadPause = time.Second

// NewTypeSelect builds the list with its options; now is the clock of the pause.
func NewTypeSelect(options []string, now func() time.Time) *TypeSelect {
	s := &TypeSelect{now: now}
	s.Select.OnChanged = nil
	s.ExtendBaseWidget(s)
	s.SetOptions(options)
	return s
}

// SetOptions replaces the options.
func (s *TypeSelect) SetOptions(options []string) {
	s.Select.SetOptions(options)
	s.keys, s.names = make([]string, len(options)), make([]string, len(options))
	for i, o := range options {
		s.keys[i] = " " + app.FoldKey(o)
		s.names[i] = nameKey(o)
	}
	s.typed = ""
}

// adminWords are the words before a place's name ("Thành phố Hà Nội"), folded.
var adminWords = []string{"thanh pho ", "tinh ", "phuong ", "xa ", "dac khu ", "thi tran "}

// nameKey is an option's name, folded, without its administrative word or leading code
// ("01 · Kinh" → "kinh", "Thành phố Hồ Chí Minh" → "ho chi minh").
func nameKey(option string) string {
	k := app.FoldKey(option)
	if code, rest, ok := strings.Cut(k, " · "); ok && strings.IndexFunc(code, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		k = rest
	}
	for _, w := range adminWords {
		if strings.HasPrefix(k, w) {
			return strings.TrimPrefix(k, w)
		}
	}
	return k
}

// searching reports whether letters typed a moment ago are still being searched for.
func (s *TypeSelect) searching() bool { return s.typed != "" && s.now().Sub(s.last) <= typeAheadPause }

// TypedRune adds a letter to the search and selects the first option that matches. A space
// starts nothing on its own: it opens the list (TypedKey) unless a search is under way.
func (s *TypeSelect) TypedRune(r rune) {
	if r == ' ' && !s.searching() {
		return
	}
	now := s.now()
	if now.Sub(s.last) > typeAheadPause {
		s.typed = ""
	}
	s.last = now
	s.typed += string(r)
	s.find()
}

// TypedKey takes a letter back on Backspace, lets a space into a search under way, and
// otherwise behaves as Fyne's Select.
func (s *TypeSelect) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace && s.searching() {
		return // the space arrives as a typed rune too, and joins the search
	}
	if ev.Name == fyne.KeyBackspace {
		if rs := []rune(s.typed); len(rs) > 0 {
			s.typed = string(rs[:len(rs)-1])
			s.last = s.now()
			s.find()
		}
		return
	}
	s.Select.TypedKey(ev)
}

// FocusLost ends the search.
func (s *TypeSelect) FocusLost() {
	s.typed = ""
	s.Select.FocusLost()
}

func (s *TypeSelect) find() {
	q := strings.TrimLeft(app.FoldKey(s.typed), " ")
	if q == "" {
		return
	}
	pick := -1
	for i, n := range s.names {
		if strings.HasPrefix(n, q) {
			pick = i
			break
		}
	}
	for i, k := range s.keys {
		if pick < 0 && strings.Contains(k, " "+q) {
			pick = i
		}
	}
	if pick >= 0 && pick != s.SelectedIndex() {
		s.SetSelectedIndex(pick)
	}
}
