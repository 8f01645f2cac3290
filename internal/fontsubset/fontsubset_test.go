package fontsubset_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"bhxhdesk/internal/fontsubset"
)

func load(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "assets", "fonts", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every kept character has the same outline and advance in the subset as in the original.
func TestSubsetKeepsEveryVietnameseGlyphExactly(t *testing.T) {
	for _, style := range []string{"Regular", "Bold"} {
		t.Run(style, func(t *testing.T) {
			orig := load(t, "NotoSans-"+style+".ttf")
			sub, err := fontsubset.Subset(orig, fontsubset.Vietnamese())
			if err != nil {
				t.Fatal(err)
			}
			if len(sub) > len(orig)/3 {
				t.Errorf("subset is %d bytes, original %d: not much smaller", len(sub), len(orig))
			}
			of, err := sfnt.Parse(orig)
			if err != nil {
				t.Fatal(err)
			}
			sf, err := sfnt.Parse(sub)
			if err != nil {
				t.Fatalf("the subset does not parse: %v", err)
			}
			var ob, sb sfnt.Buffer
			ppem := fixed.I(1000)
			kept := 0
			for _, r := range fontsubset.Vietnamese() {
				og, err := of.GlyphIndex(&ob, r)
				if err != nil || og == 0 {
					continue
				}
				sg, err := sf.GlyphIndex(&sb, r)
				if err != nil || sg == 0 {
					t.Errorf("%U %q missing from the subset", r, r)
					continue
				}
				kept++
				oa, err1 := of.GlyphAdvance(&ob, og, ppem, font.HintingNone)
				sa, err2 := sf.GlyphAdvance(&sb, sg, ppem, font.HintingNone)
				if err1 != nil || err2 != nil || oa != sa {
					t.Errorf("%q advance %v, subset %v (%v %v)", r, oa, sa, err1, err2)
				}
				oseg, err1 := of.LoadGlyph(&ob, og, ppem, nil)
				sseg, err2 := sf.LoadGlyph(&sb, sg, ppem, nil)
				if err1 != nil || err2 != nil || !sameSegments(oseg, sseg) {
					t.Errorf("%q outline differs in the subset (%v %v)", r, err1, err2)
				}
			}
			for _, r := range "ĂăÂâĐđÊêÔôƠơƯưẠạẢảẤấẦầẨẩẪẫẬậỸỹ₫" {
				if g, err := sf.GlyphIndex(&sb, r); err != nil || g == 0 {
					t.Errorf("Vietnamese letter %q missing", r)
				}
			}
			if g, _ := sf.GlyphIndex(&sb, 'Ж'); g != 0 {
				t.Error("Cyrillic was kept: the subset is not a subset")
			}
			if kept < 400 {
				t.Errorf("only %d characters kept", kept)
			}
		})
	}
}

func sameSegments(a, b sfnt.Segments) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The subsets committed under assets/fonts are what the generator makes from the originals.
func TestCommittedSubsetsAreUpToDate(t *testing.T) {
	for _, style := range []string{"Regular", "Bold"} {
		sub, err := fontsubset.Subset(load(t, "NotoSans-"+style+".ttf"), fontsubset.Vietnamese())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sub, load(t, "NotoSansVN-"+style+".ttf")) {
			t.Errorf("assets/fonts/NotoSansVN-%s.ttf is stale: run go run ./internal/fontsubset/gen", style)
		}
	}
}

func TestSubsetRefusesWhatIsNotTrueType(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("%PDF-1.4"), append([]byte("OTTO"), make([]byte, 20)...)} {
		if _, err := fontsubset.Subset(b, fontsubset.Vietnamese()); err == nil {
			t.Errorf("%q accepted", b)
		}
	}
}
