package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
)

// TypeSelect is a drop-down list that also picks by typing, as desktop lists do, so the
// TK1-TS is filled in without the mouse: letters typed while it has the focus select the first
// option one of whose words starts with them, marks or no marks ("ba dinh" picks "Phường Ba
// Đình", "kinh" picks "01 · Kinh"); a pause of a second starts a new search; Backspace takes
// the last letter back. The arrow keys and Space work as in Fyne's Select.
type TypeSelect struct {
	widget.Select

	now   func() time.Time
	typed string
	last  time.Time
	keys  []string // the options, folded
}

// typeAheadPause is how long a pause starts a new search.
const typeAheadPause = time.Second

// newTypeSelect builds the list with its options; now is the clock of the pause.
func newTypeSelect(options []string, now func() time.Time) *TypeSelect {
	s := &TypeSelect{now: now}
	s.Select.OnChanged = nil
	s.ExtendBaseWidget(s)
	s.SetOptions(options)
	return s
}

// SetOptions replaces the options.
func (s *TypeSelect) SetOptions(options []string) {
	s.Select.SetOptions(options)
	s.keys = make([]string, len(options))
	for i, o := range options {
		s.keys[i] = " " + app.FoldKey(o)
	}
	s.typed = ""
}

// TypedRune adds a letter to the search and selects the first option that matches.
func (s *TypeSelect) TypedRune(r rune) {
	now := s.now()
	if now.Sub(s.last) > typeAheadPause {
		s.typed = ""
	}
	s.last = now
	s.typed += string(r)
	s.find()
}

// TypedKey takes a letter back on Backspace and otherwise behaves as Fyne's Select.
func (s *TypeSelect) TypedKey(ev *fyne.KeyEvent) {
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
	q := app.FoldKey(s.typed)
	if strings.TrimSpace(q) == "" {
		return
	}
	for i, k := range s.keys {
		if strings.Contains(k, " "+q) {
			if i != s.SelectedIndex() {
				s.SetSelectedIndex(i)
			}
			return
		}
	}
}
