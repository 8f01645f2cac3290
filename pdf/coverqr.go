package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"runtime"
	"sync"

	"github.com/makiuchi-d/gozxing"
)

// Size of the printed code (QR plus its quiet zone) in millimetres, and the image's pixels per
// QR module. Whole pixels per module keep every edge sharp; 4 of them (about 170 dpi at this
// size, 0.6 mm modules for a version 8 code) let a printer enlarge the image without blurring
// it, and keep a batch of 1,000 covers small (about 0.75 kB a code; 8 pixels cost 1.1 kB).
const (
	qrSize      = 34.0
	qrQuiet     = 4 // modules of white around the code, as the QR standard requires
	qrPixelsPer = 4
)

// qrCodes draws the covers' codes on every core while the pages are laid out: encoding them is
// a large part of the work of a batch.
type qrCodes struct {
	png   [][]byte
	errs  []error
	ready []chan struct{}
	quit  chan struct{}
}

func startQRCodes(covers []CoverData) *qrCodes {
	q := &qrCodes{png: make([][]byte, len(covers)), errs: make([]error, len(covers)),
		ready: make([]chan struct{}, len(covers)), quit: make(chan struct{})}
	for i := range q.ready {
		q.ready[i] = make(chan struct{})
	}
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range covers {
			select {
			case next <- i:
			case <-q.quit:
				return
			}
		}
	}()
	for range min(runtime.GOMAXPROCS(0), len(covers)) {
		go func() {
			for i := range next {
				q.png[i], q.errs[i] = qrPNG(covers[i].QR)
				close(q.ready[i])
			}
		}()
	}
	return q
}

// get waits for the code of cover i.
func (q *qrCodes) get(i int) ([]byte, error) {
	<-q.ready[i]
	return q.png[i], q.errs[i]
}

// stop lets the workers finish early when the document fails.
func (q *qrCodes) stop() { close(q.quit) }

// zlibWriters are reused: a deflate writer allocates about 1 MB of tables. The fastest level
// compresses a code's image three times faster than the default one, for 30 bytes more.
var zlibWriters = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // a valid level: no error
	return zw
}}

// qrMask is the mask pattern of every code printed. ISO/IEC 18004 has the encoder score the
// eight patterns and keep the best, but a decoder reads the pattern from the format information,
// so any of them scans. Scoring all eight was most of the time of a cover. Over 2,000 signed
// seals (version 7 and 8, level M, alphanumeric) pattern 3 (x+y) mod 3 had the lowest mean
// penalty of the eight and the most wins; its penalty stayed within about 10 % of the best
// pattern's, as every pattern's does for data this random.
const qrMask = 3

var qrHints = map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_MASK_PATTERN: qrMask} // read only

// qrPNG draws text as a QR code (level M, in the smallest version and mode that hold it: the
// alphanumeric mode for a seal, mask pattern qrMask; see qrMatrix) in a 1-bit grey PNG with
// exact square modules and the quiet zone: lossless, so the code scans as drawn.
func qrPNG(text string) ([]byte, error) {
	matrix, err := qrMatrix(text)
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	n := matrix.GetWidth() // modules a side, without the quiet zone
	side := (n + 2*qrQuiet) * qrPixelsPer
	stride := (side + 7) / 8
	raw := make([]byte, side*(stride+1)) // filter bytes and rows, zero: what is not set below
	row := make([]byte, stride)
	prev := make([]byte, stride)
	for py := 0; py < side; py += qrPixelsPer {
		// A row of modules is qrPixelsPer equal rows of pixels: draw the first.
		my := py/qrPixelsPer - qrQuiet
		for i := range row {
			row[i] = 0xff
		}
		if my >= 0 && my < n {
			for mx := range n {
				if matrix.Get(mx, my) != 1 {
					continue
				}
				for px := (mx + qrQuiet) * qrPixelsPer; px < (mx+qrQuiet+1)*qrPixelsPer; px++ {
					row[px/8] &^= 0x80 >> (px % 8)
				}
			}
		}
		// PNG filter "Up" on every row: the first of a module row is its difference from the
		// row above, the repeated ones are zeros and compress to nothing.
		for k := range qrPixelsPer {
			line := raw[(py+k)*(stride+1):][:stride+1]
			line[0] = 2
			if k == 0 {
				for i := range row {
					line[1+i] = row[i] - prev[i]
				}
			}
		}
		prev, row = row, prev
	}
	var z bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	zw.Reset(&z)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(side))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(side))
	ihdr = append(ihdr, 1, 0, 0, 0, 0) // 1 bit, greyscale, deflate, standard filters, no interlace
	for _, ch := range []struct {
		kind string
		data []byte
	}{{"IHDR", ihdr}, {"IDAT", z.Bytes()}, {"IEND", nil}} {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(ch.data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(ch.kind))
		crc.Write(ch.data)
		b.WriteString(ch.kind)
		b.Write(ch.data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	return b.Bytes(), nil
}
