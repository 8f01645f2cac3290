package pdf

import (
	"fmt"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// qrMatrix encodes text as a QR code at level M with the mask pattern qrMask: the same modules
// as gozxing's encoder gives with those settings (a test compares them), made faster for the
// alphanumeric mode that every seal uses. gozxing computes the error correction with a
// polynomial division that allocates at every step, most of the time of a code; here it is the
// usual shift register over GF(256) with log tables. Other texts (digits only, or characters
// outside the alphanumeric set) go to gozxing's encoder. The modules are laid out by gozxing.
func qrMatrix(text string) (*encoder.ByteMatrix, error) {
	if !qrAlphanumeric(text) {
		code, err := encoder.Encoder_encode(text, decoder.ErrorCorrectionLevel_M, qrHints)
		if err != nil {
			return nil, err
		}
		return code.GetMatrix(), nil
	}
	ecLevel := decoder.ErrorCorrectionLevel_M
	mode := decoder.Mode_ALPHANUMERIC
	n := len(text)
	dataBits := 11*(n/2) + 6*(n%2)
	// The smallest version that holds the text, chosen as gozxing does: the count field's
	// width depends on the version, so a first guess with version 1's.
	version := qrVersion(1)
	for range 2 {
		bits := 4 + mode.GetCharacterCountBits(version) + dataBits
		v := qrVersion(1)
		for ; v != nil && qrDataBytes(v, ecLevel) < (bits+7)/8; v = qrVersion(v.GetVersionNumber() + 1) {
		}
		if v == nil {
			return nil, fmt.Errorf("QR code: %d characters do not fit", n)
		}
		version = v
	}

	// The data codewords: mode, count, the characters two by two, the terminator, then padding.
	numData := qrDataBytes(version, ecLevel)
	w := bitWriter{buf: make([]byte, 0, numData)}
	w.put(mode.GetBits(), 4)
	w.put(n, mode.GetCharacterCountBits(version))
	for i := 0; i+1 < n; i += 2 {
		w.put(45*int(qrAlnum[text[i]])+int(qrAlnum[text[i+1]]), 11)
	}
	if n%2 == 1 {
		w.put(int(qrAlnum[text[n-1]]), 6)
	}
	w.put(0, min(4, numData*8-w.n))
	w.align()
	for i := 0; len(w.buf) < numData; i++ {
		w.buf = append(w.buf, [2]byte{0xec, 0x11}[i%2])
	}

	// Blocks of data with their error correction, interleaved (ISO/IEC 18004 §7.6): the first
	// group's blocks hold a data codeword fewer than the second's.
	ecBlocks := version.GetECBlocksForLevel(ecLevel)
	total := version.GetTotalCodewords()
	numBlocks := ecBlocks.GetNumBlocks()
	inGroup1 := numBlocks - total%numBlocks
	dataIn1 := numData / numBlocks
	ecPerBlock := total/numBlocks - dataIn1
	gen := rsGenerator(ecPerBlock)
	blocks := make([][]byte, numBlocks)
	ecs := make([][]byte, numBlocks)
	off := 0
	for i := range blocks {
		size := dataIn1
		if i >= inGroup1 {
			size++
		}
		blocks[i] = w.buf[off : off+size]
		ecs[i] = rsEncode(blocks[i], gen)
		off += size
	}
	final := gozxing.NewEmptyBitArray()
	for i := range dataIn1 + 1 {
		for _, b := range blocks {
			if i < len(b) {
				_ = final.AppendBits(int(b[i]), 8)
			}
		}
	}
	for i := range ecPerBlock {
		for _, ec := range ecs {
			_ = final.AppendBits(int(ec[i]), 8)
		}
	}
	dim := version.GetDimensionForVersion()
	matrix := encoder.NewByteMatrix(dim, dim)
	if err := encoder.MatrixUtil_buildMatrix(final, ecLevel, version, qrMask, matrix); err != nil {
		return nil, err
	}
	return matrix, nil
}

// qrAlnum is the value of each character of the QR alphanumeric mode, -1 for the others.
var qrAlnum = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" {
		t[c] = int8(i)
	}
	return t
}()

// qrAlphanumeric tells whether gozxing encodes text in the alphanumeric mode: every character
// is in its set and one at least is not a digit (digits alone take the numeric mode).
func qrAlphanumeric(text string) bool {
	letter := false
	for i := range len(text) {
		c := text[i]
		if qrAlnum[c] < 0 {
			return false
		}
		letter = letter || c < '0' || c > '9'
	}
	return letter
}

func qrVersion(n int) *decoder.Version {
	v, err := decoder.Version_GetVersionForNumber(n)
	if err != nil {
		return nil
	}
	return v
}

// qrDataBytes is the number of data codewords of a version at an error correction level.
func qrDataBytes(v *decoder.Version, ecLevel decoder.ErrorCorrectionLevel) int {
	return v.GetTotalCodewords() - v.GetECBlocksForLevel(ecLevel).GetTotalECCodewords()
}

// bitWriter appends bits, the most significant first, to bytes.
type bitWriter struct {
	buf []byte
	n   int // bits written
}

func (w *bitWriter) put(v, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>i&1 == 1 {
			w.buf[len(w.buf)-1] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}

// align pads with zero bits to a whole byte.
func (w *bitWriter) align() { w.n = len(w.buf) * 8 }

// GF(256) of QR codes (primitive polynomial x⁸+x⁴+x³+x²+1): exponentials and logarithms of α.
var gfExp, gfLog = func() (exp [510]byte, log [256]byte) {
	x := 1
	for i := range 255 {
		exp[i], log[x] = byte(x), byte(i)
		if x <<= 1; x > 0xff {
			x ^= 0x11d
		}
	}
	for i := 255; i < len(exp); i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsGenerator is the generator polynomial of n error correction codewords, (x−α⁰)…(x−αⁿ⁻¹),
// highest degree first.
func rsGenerator(n int) []byte {
	g := []byte{1}
	for i := range n {
		next := make([]byte, len(g)+1)
		for j, c := range g {
			next[j] ^= c
			next[j+1] ^= gfMul(c, gfExp[i])
		}
		g = next
	}
	return g
}

// rsEncode returns the error correction codewords of data: the remainder of data·xⁿ divided by
// the generator.
func rsEncode(data, gen []byte) []byte {
	n := len(gen) - 1
	rem := make([]byte, n)
	for _, b := range data {
		f := b ^ rem[0]
		copy(rem, rem[1:])
		rem[n-1] = 0
		if f == 0 {
			continue
		}
		for j := range n {
			rem[j] ^= gfMul(gen[j+1], f)
		}
	}
	return rem
}
