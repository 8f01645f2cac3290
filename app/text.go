package app

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText returns s in Unicode NFC with surrounding space trimmed and inner runs of white
// space collapsed to one space. Keyboards (VNI/Telex in some modes) and spreadsheets produce NFD
// or combining sequences; everything stored and printed is NFC.
func NormalizeText(s string) string {
	s = norm.NFC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// FoldKey is the search and duplicate-matching key of a Vietnamese text: tone and vowel marks
// stripped, Đ/đ mapped to d (NFD does not decompose it), lower case, spaces collapsed. Because
// every mark is removed, the old ("hoà") and new ("hòa") tone placements fold to the same key.
// "Nguyễn Thị Hồng Ánh" → "nguyen thi hong anh".
func FoldKey(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	space := true // drop leading space
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'Đ' || r == 'đ' || r == 'Ð' || r == 'ð':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// UpperName is how a name is printed on forms and covers: upper case with its diacritics, NFC.
func UpperName(s string) string {
	return norm.NFC.String(strings.ToUpper(NormalizeText(s)))
}

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }
