package central

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	gosync "sync"

	"bhxhdesk/internal/jsoncols"

	"github.com/klauspost/compress/zstd"
)

// Content codings of request and answer bodies. Every peer reads gzip. zstd (RFC 8878) is a
// tenth to a quarter smaller on dossiers; "x-jsoncols" (package jsoncols: the JSON's values
// regrouped by field, exactly reversible) applied before zstd takes a further quarter to a
// third off a batch of dossiers — at 256 kbit/s every 32 kB is a second. A body coded with
// both is sent as "Content-Encoding: x-jsoncols, zstd" (codings listed in the order they were
// applied, RFC 9110 §8.4). Each side uses what the other has announced: the server in the
// Accept-Encoding of its answers (RFC 7694), the client in the Accept-Encoding of its requests.
const (
	codingGzip = "gzip"
	codingZstd = "zstd"
	codingCols = "x-jsoncols"
)

// codingColsZstd is the best coding both ends may agree on.
const codingColsZstd = codingCols + ", " + codingZstd

// zstd is used at its best level: a thousand dossiers (2.6 MB of JSON) take about 70 ms to
// compress, a third of a round trip.
var (
	zstdOnce gosync.Once
	zstdEnc  *zstd.Encoder
	zstdDec  *zstd.Decoder
	zstdErr  error
)

func zstdCodec() (*zstd.Encoder, *zstd.Decoder, error) {
	zstdOnce.Do(func() {
		// One encoder per processor: a server answers several desks at once.
		zstdEnc, zstdErr = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithWindowSize(8<<20))
		if zstdErr != nil {
			return
		}
		// Bounded like gzip bodies: at most maxBody once decompressed, and a window no larger
		// than the encoder's, whatever a frame claims.
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxBody), zstd.WithDecoderMaxWindow(8<<20),
			zstd.WithDecoderConcurrency(2))
	})
	return zstdEnc, zstdDec, zstdErr
}

// codings splits a Content-Encoding value into its codings, in the order they were applied;
// "identity" and empty entries are dropped.
func codings(header string) []string {
	var out []string
	for _, part := range strings.Split(header, ",") {
		c := strings.ToLower(strings.TrimSpace(part))
		if c != "" && c != "identity" {
			out = append(out, c)
		}
	}
	return out
}

// compress applies the codings of a Content-Encoding value to a JSON body, in order.
func compress(encoding string, raw []byte) ([]byte, error) {
	data := raw
	for _, coding := range codings(encoding) {
		var err error
		if data, err = encodeOne(coding, data); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func encodeOne(coding string, data []byte) ([]byte, error) {
	switch coding {
	case codingCols:
		return jsoncols.Encode(bytes.TrimRight(data, "\n"))
	case codingZstd:
		enc, _, err := zstdCodec()
		if err != nil {
			return nil, err
		}
		return enc.EncodeAll(data, make([]byte, 0, len(data)/8)), nil
	case codingGzip:
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(data); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("content coding %q not supported", coding)
}

// decompress reads a body in the given Content-Encoding, undoing its codings last first, and
// refuses more than limit bytes at any stage.
func decompress(encoding string, r io.Reader, limit int64) ([]byte, error) {
	list := codings(encoding)
	for _, c := range list {
		if c != codingGzip && c != codingZstd && c != codingCols {
			return nil, fmt.Errorf("content encoding %q not supported", encoding)
		}
	}
	if len(list) > 3 {
		return nil, fmt.Errorf("content encoding %q: too many codings", encoding)
	}
	if len(list) > 0 && list[len(list)-1] == codingGzip {
		// gzip streams: decoded while read, never held compressed.
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r, list = zr, list[:len(list)-1]
	}
	data, err := readLimited(r, limit)
	if err != nil {
		return nil, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		switch list[i] {
		case codingZstd:
			_, dec, err := zstdCodec()
			if err != nil {
				return nil, err
			}
			out, err := dec.DecodeAll(data, nil)
			if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrFrameSizeExceeded) || len(out) > int(limit) {
				return nil, errTooLarge
			}
			if err != nil {
				return nil, err
			}
			data = out
		case codingCols:
			out, err := jsoncols.Decode(data, int(limit))
			if errors.Is(err, jsoncols.ErrTooLarge) {
				return nil, errTooLarge
			}
			if err != nil {
				return nil, err
			}
			data = out
		case codingGzip:
			out, err := decompress(codingGzip, bytes.NewReader(data), limit)
			if err != nil {
				return nil, err
			}
			data = out
		}
	}
	return data, nil
}

// bestCoding is the coding to use towards a peer that accepts the codings listed in accept
// (an Accept-Encoding value): x-jsoncols and zstd when it takes both, else zstd, else gzip,
// else none.
func bestCoding(accept string) string {
	switch {
	case acceptsEncoding(accept, codingZstd) && acceptsEncoding(accept, codingCols):
		return codingColsZstd
	case acceptsEncoding(accept, codingZstd):
		return codingZstd
	case acceptsEncoding(accept, codingGzip):
		return codingGzip
	}
	return ""
}
