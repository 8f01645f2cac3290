package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strconv"

	"bhxhdesk/app"
)

var errUnsupported = errors.New("unsupported image")

// MaxQRPixels is the largest image, in pixels, read for a QR code (after enlarging a small
// one): a page scanned at 600 dpi fits; a file that claims more is refused before any memory
// is taken for it.
const MaxQRPixels = 40 << 20

// maxPDFImages and maxPDFPixels bound the work on one PDF: the images read and their pixels in
// all, so a small file that names thousands of large images cannot take minutes or gigabytes.
const (
	maxPDFImages = 200
	maxPDFPixels = 4 * MaxQRPixels
)

// CheckImageSize refuses an image larger than MaxQRPixels (Invalid "image_too_large").
func CheckImageSize(w, h int) error {
	if w <= 0 || h <= 0 || int64(w)*int64(h) > MaxQRPixels {
		return app.Errorf(app.Invalid, app.CodeImageTooLarge, "width", strconv.Itoa(w), "height", strconv.Itoa(h))
	}
	return nil
}

// image decodes an image XObject into grey levels.
func (p *pdfFile) image(d pdfDict, raw []byte) (*image.Gray, error) {
	filters := p.names(d["Filter"])
	if len(filters) > 1 {
		return nil, errUnsupported
	}
	if len(filters) == 1 && filters[0] == "DCTDecode" {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if err := CheckImageSize(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		img, err := jpeg.Decode(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		return toGray(img), nil
	}
	w, okW := p.int(d["Width"])
	h, okH := p.int(d["Height"])
	if !okW || !okH || w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 || CheckImageSize(w, h) != nil {
		return nil, errUnsupported
	}
	bpc, _ := p.int(d["BitsPerComponent"])
	mask, _ := p.resolve(d["ImageMask"]).(bool)
	if mask {
		bpc = 1
	}
	if bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 {
		return nil, errUnsupported
	}
	comps, palette, err := p.colorSpace(d["ColorSpace"], mask)
	if err != nil {
		return nil, err
	}
	data := raw
	if len(filters) == 1 {
		if filters[0] != "FlateDecode" {
			return nil, errUnsupported
		}
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(io.LimitReader(zr, int64(w*h*comps*2+h+1024))); err != nil {
			return nil, err
		}
		parms, _ := p.resolve(d["DecodeParms"]).(pdfDict)
		if pred, _ := p.int(parms["Predictor"]); pred >= 10 {
			if data, err = unpredict(data, w, h, comps, bpc); err != nil {
				return nil, err
			}
		} else if pred > 1 {
			return nil, errUnsupported
		}
	}
	stride := (w*comps*bpc + 7) / 8
	if len(data) < stride*h {
		return nil, errors.New("image data too short")
	}
	// Decode [1 0] swaps dark and light. A stencil mask (ImageMask) paints ink where its
	// sample decodes to 0, so it reads like a grey image: 0 dark, 1 paper.
	invert := false
	if dec, ok := p.resolve(d["Decode"]).([]any); ok && len(dec) >= 2 && palette == nil {
		a, _ := p.int(dec[0])
		invert = a == 1
	}
	maxV := (1 << bpc) - 1
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		row := data[y*stride : (y+1)*stride]
		for x := range w {
			var lum int
			sample := func(c int) int {
				bit := (x*comps + c) * bpc
				return int(row[bit/8]>>(8-bpc-bit%8)) & maxV
			}
			switch {
			case palette != nil:
				lum = palette[min(sample(0), len(palette)-1)]
			case comps == 1:
				lum = sample(0) * 255 / maxV
			case comps == 3:
				r, g, b := sample(0)*255/maxV, sample(1)*255/maxV, sample(2)*255/maxV
				lum = (299*r + 587*g + 114*b) / 1000
			default:
				return nil, errUnsupported
			}
			if invert {
				lum = 255 - lum
			}
			out.Pix[y*out.Stride+x] = uint8(lum)
		}
	}
	return out, nil
}

// names reads a filter entry: a name or an array of names.
func (p *pdfFile) names(v any) []string {
	switch f := p.resolve(v).(type) {
	case pdfName:
		return []string{string(f)}
	case []any:
		var out []string
		for _, e := range f {
			if n, ok := p.resolve(e).(pdfName); ok {
				out = append(out, string(n))
			}
		}
		return out
	}
	return nil
}

// colorSpace returns the components per sample and, for an indexed space, the grey level of
// each palette entry.
func (p *pdfFile) colorSpace(v any, mask bool) (int, []int, error) {
	if mask {
		return 1, nil, nil
	}
	switch cs := p.resolve(v).(type) {
	case pdfName:
		switch cs {
		case "DeviceGray", "CalGray":
			return 1, nil, nil
		case "DeviceRGB", "CalRGB":
			return 3, nil, nil
		}
	case []any:
		if len(cs) == 0 {
			break
		}
		kind, _ := p.resolve(cs[0]).(pdfName)
		switch kind {
		case "ICCBased":
			if len(cs) < 2 {
				break
			}
			ref, ok := cs[1].(pdfRef)
			if !ok {
				break
			}
			d, _ := p.objs[int(ref)].value.(pdfDict)
			if n, _ := p.int(d["N"]); n == 1 || n == 3 {
				return n, nil, nil
			}
		case "Indexed":
			if len(cs) < 4 {
				break
			}
			base, _, err := p.colorSpace(cs[1], false)
			if err != nil {
				return 0, nil, err
			}
			hival, _ := p.int(cs[2])
			lookup, err := p.bytesOf(cs[3])
			if err != nil {
				return 0, nil, err
			}
			pal := make([]int, hival+1)
			for i := range pal {
				switch {
				case base == 1 && i < len(lookup):
					pal[i] = int(lookup[i])
				case base == 3 && 3*i+2 < len(lookup):
					r, g, b := int(lookup[3*i]), int(lookup[3*i+1]), int(lookup[3*i+2])
					pal[i] = (299*r + 587*g + 114*b) / 1000
				}
			}
			return 1, pal, nil
		}
	}
	return 0, nil, errUnsupported
}

// bytesOf reads a string or a (Flate or plain) stream object's bytes.
func (p *pdfFile) bytesOf(v any) ([]byte, error) {
	switch s := v.(type) {
	case string:
		return []byte(s), nil
	case pdfRef:
		o := p.objs[int(s)]
		if o.stream == nil {
			if str, ok := o.value.(string); ok {
				return []byte(str), nil
			}
			return nil, errUnsupported
		}
		d, _ := o.value.(pdfDict)
		return p.decodeStream(d, o.stream)
	}
	return nil, errUnsupported
}

// unpredict undoes the PNG row filters (predictors 10–15) of Flate-encoded image data.
func unpredict(data []byte, w, h, comps, bpc int) ([]byte, error) {
	stride := (w*comps*bpc + 7) / 8
	bpp := max(1, comps*bpc/8)
	if len(data) < (stride+1)*h {
		return nil, errors.New("predicted image data too short")
	}
	out := make([]byte, stride*h)
	prev := make([]byte, stride)
	for y := range h {
		in := data[y*(stride+1):]
		kind, src := in[0], in[1:stride+1]
		cur := out[y*stride : (y+1)*stride]
		for i := range stride {
			var a, b, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b = prev[i]
			switch kind {
			case 0:
				cur[i] = src[i]
			case 1:
				cur[i] = src[i] + a
			case 2:
				cur[i] = src[i] + b
			case 3:
				cur[i] = src[i] + byte((int(a)+int(b))/2)
			case 4:
				cur[i] = src[i] + paeth(a, b, c)
			default:
				return nil, fmt.Errorf("PNG filter %d", kind)
			}
		}
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.Set(x, y, color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)))
		}
	}
	return out
}
