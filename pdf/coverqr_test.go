package pdf

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// formatInfo reads the QR code's format information (the copy beside the top-left finder) from
// a PNG drawn by qrPNG: the error correction level's two bits (M is 00) and the mask pattern.
func formatInfo(t *testing.T, img image.Image) (ecBits, mask int) {
	t.Helper()
	dark := func(mx, my int) int {
		px, py := (mx+qrQuiet)*qrPixelsPer+qrPixelsPer/2, (my+qrQuiet)*qrPixelsPer+qrPixelsPer/2
		if r, _, _, _ := img.At(px, py).RGBA(); r < 0x8000 {
			return 1
		}
		return 0
	}
	bits := 0
	for x := range 6 {
		bits = bits<<1 | dark(x, 8)
	}
	bits = bits<<1 | dark(7, 8)
	bits = bits<<1 | dark(8, 8)
	bits = bits<<1 | dark(8, 7)
	for y := 5; y >= 0; y-- {
		bits = bits<<1 | dark(8, y)
	}
	data := (bits ^ 0x5412) >> 10 // unmasked; the 10 low bits are the BCH check
	return data >> 3, data & 7
}

// Every code is drawn with the fixed mask and reads back as its text, whatever its length and
// mode: seals as signed (alphanumeric, versions 7–8), shorter and longer texts (other versions),
// and text in the byte mode.
func TestQRCodesUseTheFixedMaskAndReadBack(t *testing.T) {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	rng := rand.New(rand.NewPCG(1, 2))
	var texts []string
	for _, n := range []int{1, 20, 60, 120, 170, 185, 190, 200, 260, 400, 900} {
		for range 8 {
			var b strings.Builder
			b.WriteString("BHXH:")
			for range n {
				b.WriteByte(alnum[rng.IntN(len(alnum))])
			}
			texts = append(texts, b.String())
		}
	}
	texts = append(texts, "Nguyễn Thị Hồng Nhung, Bảo hiểm xã hội", "bhxh:lowercase-is-the-byte-mode")
	for _, text := range texts {
		b, err := qrPNG(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if ec, mask := formatInfo(t, img); ec != 0 || mask != qrMask {
			t.Errorf("%d characters: level bits %02b, mask %d; want M (00) and mask %d", len(text), ec, mask, qrMask)
		}
		got, err := DecodeQR(img)
		if err != nil {
			t.Fatalf("%d characters: %v", len(text), err)
		}
		if got[0] != text {
			t.Errorf("%d characters: read %q, want %q", len(text), got[0], text)
		}
	}
}

// qrMatrix lays out the same modules as gozxing's encoder with the same settings, for texts of
// every length up to version 40 and for the texts it hands to gozxing (digits only, bytes).
func TestQRMatrixIsGozxingsWithTheFixedMask(t *testing.T) {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for n := 1; n <= 3391; n += 1 + n/16 { // 3,391: the most version 40-M holds
		var b strings.Builder
		for range n {
			b.WriteByte(alnum[rng.IntN(len(alnum))])
		}
		texts = append(texts, b.String())
	}
	texts = append(texts, "A", "1A", "0123456789", "BHXH:lower", "Nguyễn", "BHXH:"+strings.Repeat("Z", 200))
	for _, text := range texts {
		got, err := qrMatrix(text)
		if err != nil {
			t.Fatalf("%d characters: %v", len(text), err)
		}
		code, err := encoder.Encoder_encode(text, decoder.ErrorCorrectionLevel_M, qrHints)
		if err != nil {
			t.Fatal(err)
		}
		want := code.GetMatrix()
		if got.GetWidth() != want.GetWidth() {
			t.Fatalf("%d characters: %d modules a side, gozxing %d", len(text), got.GetWidth(), want.GetWidth())
		}
		for y := range want.GetHeight() {
			for x := range want.GetWidth() {
				if got.Get(x, y) != want.Get(x, y) {
					t.Fatalf("%d characters: module (%d, %d) differs from gozxing's", len(text), x, y)
				}
			}
		}
	}
	if _, err := qrMatrix(strings.Repeat("A", 3392)); err == nil {
		t.Error("a text too long for any version was encoded")
	}
}
