package pdf_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"unicode"

	"bhxhdesk/app"
	"bhxhdesk/pdf"
)

// fonts returns the regular and bold faces embedded in a document.
func fonts(t *testing.T, doc []byte) (regular, bold pdf.EmbeddedFont) {
	t.Helper()
	fs, err := pdf.EmbeddedFonts(doc)
	if err != nil {
		t.Fatal(err)
	}
	regular, ok := fs["utf8noto"]
	bold, okB := fs["utf8notoB"]
	if !ok || !okB || len(fs) != 2 {
		t.Fatalf("want the regular and the bold face embedded, got %d fonts", len(fs))
	}
	return regular, bold
}

// assertGlyphs checks that every character of the page's text is drawn by a glyph of one of the
// embedded faces, and that the name's letters are in the bold face (the name is printed bold).
func assertGlyphs(t *testing.T, doc []byte, path, name string) {
	t.Helper()
	regular, bold := fonts(t, doc)
	for _, r := range text(t, path) {
		if !unicode.IsSpace(r) && !regular.HasGlyph(r) && !bold.HasGlyph(r) {
			t.Errorf("%q (%U) is printed but no embedded face has its glyph", r, r)
		}
	}
	for _, r := range app.UpperName(name) {
		if r != ' ' && !bold.HasGlyph(r) {
			t.Errorf("%q (%U) of the name is not in the bold face", r, r)
		}
	}
}

// Two covers of different people embed the same font subsets, made once for the process, and
// each draws every character it prints with a glyph of the font.
func TestCoversShareTheFontSubsetMadeOnce(t *testing.T) {
	covers := batch(t, 2)
	covers[0].FullName = "Nguyễn Thị Hồng Nhung"
	covers[1].FullName = "Đặng Quỳnh Ỷ"
	covers[1].BirthPlace = "Xã Ỹ Sơn, Ư Hải"
	a, pathA := renderCovers(t, covers[0])
	b, pathB := renderCovers(t, covers[1])
	ra, ba := fonts(t, a)
	rb, bb := fonts(t, b)
	if !bytes.Equal(ra.File, rb.File) || !bytes.Equal(ba.File, bb.File) || !bytes.Equal(ba.CIDToGID, bb.CIDToGID) {
		t.Error("two covers printing only common characters embed different subsets")
	}
	assertGlyphs(t, a, pathA, covers[0].FullName)
	assertGlyphs(t, b, pathB, covers[1].FullName)
	for _, r := range "ĂÂĐÊÔƠƯăâđêôơưÀẢÃÁẠỲỶỸÝỴàảãáạỳỷỹýỵ₫–“”…" {
		if !ba.HasGlyph(r) || !ra.HasGlyph(r) {
			t.Errorf("the shared subset lacks %q", r)
		}
	}
}

// A name with a letter outside the shared subset (a foreign name) gets a subset of its own that
// holds it; the cover printed next shares the common subset again.
func TestCoverWithAnUncommonLetterEmbedsItsGlyph(t *testing.T) {
	common, _ := renderCovers(t, sampleCover(t))
	c := sampleCover(t)
	c.FullName = "Zoë Ñúñez Nguyễn"
	c.BirthPlace = "Åland, Phần Lan"
	odd, path := renderCovers(t, c)
	assertContains(t, text(t, path), "ZOË ÑÚÑEZ NGUYỄN", "Åland")
	assertGlyphs(t, odd, path, c.FullName)
	_, boldOdd := fonts(t, odd)
	for _, r := range "ËÑÚ" {
		if !boldOdd.HasGlyph(r) {
			t.Errorf("%q is not in the bold face", r)
		}
	}
	_, boldCommon := fonts(t, common)
	if boldCommon.HasGlyph('Ñ') {
		t.Error("the common subset holds Ñ")
	}
	again, _ := renderCovers(t, sampleCover(t))
	if !bytes.Equal(common, again) {
		t.Error("a cover printed after one with an uncommon letter differs from the same cover printed before it")
	}
}

// Documents made at once from several goroutines, in any order, are each byte for byte what
// they are when made alone: nothing of one document's font (the runes it used, its subset)
// leaks into another through the state shared between documents.
func TestCoversMadeConcurrentlyAreTheSameAsMadeAlone(t *testing.T) {
	people := batch(t, 6)
	odd := people[2]
	odd.FullName = "Zoë Ñúñez Nguyễn"
	english := people[3]
	english.Lang = "en"
	provisional := people[4]
	provisional.Provisional, provisional.Reprint = true, 2
	odd2, odd3 := odd, people[5]
	odd2.FullName, odd3.BirthPlace = "Åsa Öberg", "Ærø, Đan Mạch"
	docs := [][]pdf.CoverData{
		{people[0]}, {people[1]}, {odd}, {english}, {provisional}, people[:4], {people[5], odd}, {odd2}, {odd3},
	}
	want := make([][]byte, len(docs))
	for i, d := range docs {
		want[i], _ = renderCovers(t, d...)
	}
	const workers, rounds = 6, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*len(docs))
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for range rounds {
				for _, i := range rng.Perm(len(docs)) {
					var buf bytes.Buffer
					if err := pdf.Covers(&buf, testCatalog, docs[i]); err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(buf.Bytes(), want[i]) {
						errs <- fmt.Errorf("document %d made concurrently differs from the one made alone", i)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
