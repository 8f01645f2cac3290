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
	"regexp"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"bhxhdesk/app"
)

// ReadQR finds the images of a PDF this program printed (image XObjects: Flate with PNG
// predictors, uncompressed or JPEG; grey, RGB, indexed or stencil masks of 1 to 8 bits) and
// decodes the QR code in each, returning the texts in file order. It reads the codes from their
// pixels, never from text or metadata, so a page whose code was replaced shows the new code.
//
// It returns an app.Invalid error with code "pdf_unreadable" when data is not a PDF, and an
// app.NotFound error with code "qr_not_found" when no image holds a readable QR code.
func ReadQR(data []byte) ([]string, error) {
	if !bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\n\r "), []byte("%PDF-")) {
		return nil, app.Errorf(app.Invalid, "pdf_unreadable", "detail", "not a PDF")
	}
	p := &pdfFile{data: data, objs: map[int]pdfObject{}}
	p.index()
	images := p.pageImages()
	if images == nil { // no page tree found: every image, in file order
		images = p.order
	}
	var (
		texts  []string
		read   int
		pixels int64
	)
	for _, num := range images {
		o := p.objs[num]
		d, ok := o.value.(pdfDict)
		if !ok || o.stream == nil || d.name("Subtype") != "Image" {
			continue
		}
		w, _ := p.int(d["Width"])
		h, _ := p.int(d["Height"])
		if read++; read > maxPDFImages || pixels+int64(max(w, 0))*int64(max(h, 0)) > maxPDFPixels {
			break // the rest of a file this large is not read
		}
		pixels += int64(max(w, 0)) * int64(max(h, 0))
		img, err := p.image(d, o.stream)
		if err != nil {
			continue // an image this reader cannot decode holds no code it could check
		}
		if found, err := DecodeQR(img); err == nil {
			texts = append(texts, found...)
		}
	}
	if len(texts) == 0 {
		return nil, app.Errorf(app.NotFound, "qr_not_found")
	}
	return texts, nil
}

// pageImages lists the image objects the pages draw, page by page in the order each page's
// content draws them (inside forms too): what is printed, not what else the file holds. It
// returns nil when the file has no page tree this reader can follow.
func (p *pdfFile) pageImages() []int {
	var root pdfDict
	for _, num := range p.order {
		if d, ok := p.objs[num].value.(pdfDict); ok && d.name("Type") == "Catalog" {
			root = d
		}
	}
	pages, ok := p.resolve(root["Pages"]).(pdfDict)
	if !ok {
		return nil
	}
	out := []int{}
	seen := map[int]bool{}
	var walkNode func(node pdfDict, res any, depth int)
	var draw func(content []byte, res any, depth int)
	draw = func(content []byte, res any, depth int) {
		resources, _ := p.resolve(res).(pdfDict)
		xobjects, _ := p.resolve(resources["XObject"]).(pdfDict)
		for _, m := range doOperator.FindAllSubmatch(content, -1) {
			ref, ok := xobjects[string(m[1])].(pdfRef)
			if !ok {
				continue
			}
			o := p.objs[int(ref)]
			d, _ := o.value.(pdfDict)
			switch d.name("Subtype") {
			case "Image":
				if !seen[int(ref)] {
					seen[int(ref)] = true
					out = append(out, int(ref))
				}
			case "Form":
				if depth < 8 {
					if form, err := p.decodeStream(d, o.stream); err == nil {
						inner := d["Resources"]
						if inner == nil {
							inner = res
						}
						draw(form, inner, depth+1)
					}
				}
			}
		}
	}
	walkNode = func(node pdfDict, res any, depth int) {
		if r, ok := node["Resources"]; ok {
			res = r
		}
		if node.name("Type") == "Page" {
			var content []byte
			contents := p.resolve(node["Contents"])
			refs, ok := contents.([]any)
			if !ok {
				refs = []any{node["Contents"]}
			}
			for _, r := range refs {
				ref, ok := r.(pdfRef)
				if !ok {
					continue
				}
				o := p.objs[int(ref)]
				d, _ := o.value.(pdfDict)
				if b, err := p.decodeStream(d, o.stream); err == nil {
					content = append(append(content, b...), '\n')
				}
			}
			draw(content, res, 0)
			return
		}
		kids, _ := p.resolve(node["Kids"]).([]any)
		for _, k := range kids {
			if kid, ok := p.resolve(k).(pdfDict); ok && depth < 32 {
				walkNode(kid, res, depth+1)
			}
		}
	}
	walkNode(pages, nil, 0)
	return out
}

// doOperator finds "/Name Do" (paint an XObject) in a content stream.
var doOperator = regexp.MustCompile(`/([^\s/\[\]<>(){}%]+)\s+Do\b`)

// decodeStream returns a content stream's bytes: plain or Flate.
func (p *pdfFile) decodeStream(d pdfDict, raw []byte) ([]byte, error) {
	switch f := p.names(d["Filter"]); {
	case len(f) == 0:
		return raw, nil
	case len(f) == 1 && f[0] == "FlateDecode":
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(io.LimitReader(zr, 64<<20))
	}
	return nil, errUnsupported
}

// DecodeQR reads the QR code in an image: an embedded code, a page rendered by pdftoppm, or a
// scan. Small images are enlarged first (whole pixels, no smoothing) so the detector sees
// modules of several pixels. It returns an app.NotFound error "qr_not_found" when there is none.
func DecodeQR(img image.Image) ([]string, error) {
	b := img.Bounds()
	if err := CheckImageSize(b.Dx(), b.Dy()); err != nil {
		return nil, err
	}
	if k := (240 + min(b.Dx(), b.Dy()) - 1) / max(min(b.Dx(), b.Dy()), 1); k > 1 {
		if CheckImageSize(b.Dx()*k, b.Dy()*k) != nil {
			// A sliver (one pixel high, thousands wide) holds no code; enlarging it would take
			// gigabytes.
			return nil, app.Errorf(app.NotFound, "qr_not_found")
		}
		img = enlarge(img, k)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, app.Errorf(app.NotFound, "qr_not_found")
	}
	reader := qrcode.NewQRCodeReader()
	for _, hints := range []map[gozxing.DecodeHintType]any{
		{gozxing.DecodeHintType_TRY_HARDER: true},
		{gozxing.DecodeHintType_PURE_BARCODE: true},
	} {
		if res, err := reader.Decode(bmp, hints); err == nil {
			return []string{res.GetText()}, nil
		}
	}
	return nil, app.Errorf(app.NotFound, "qr_not_found")
}

// enlarge scales img up k times with each pixel a k×k square.
func enlarge(img image.Image, k int) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return out
}

// pdfObject is one indirect object: its value and, for a stream, its raw (still encoded) data.
type pdfObject struct {
	value  any
	stream []byte
}

// pdfFile is the objects of a PDF found by scanning the file for "N G obj": enough for the
// files this program writes and for files edited with incremental updates (a later definition
// of an object replaces the earlier one). Images are always streams, so never inside object
// streams.
type pdfFile struct {
	data  []byte
	objs  map[int]pdfObject
	order []int
}

// The values of the small PDF object model the reader needs.
type (
	pdfDict map[string]any
	pdfName string
	pdfRef  int
)

func (d pdfDict) name(k string) string {
	n, _ := d[k].(pdfName)
	return string(n)
}

var objHeader = regexp.MustCompile(`(?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\b`)

func (p *pdfFile) index() {
	pos := 0
	for pos < len(p.data) {
		m := objHeader.FindSubmatchIndex(p.data[pos:])
		if m == nil {
			return
		}
		num, _ := strconv.Atoi(string(p.data[pos+m[2] : pos+m[3]]))
		lx := &lexer{data: p.data, pos: pos + m[1]}
		v, err := lx.value()
		if err != nil {
			pos += m[1]
			continue
		}
		o := pdfObject{value: v}
		next := lx.pos
		if d, ok := v.(pdfDict); ok {
			if s, end, ok := p.streamAt(d, lx.pos); ok {
				o.stream, next = s, end
			}
		}
		if _, seen := p.objs[num]; !seen {
			p.order = append(p.order, num)
		}
		p.objs[num] = o
		pos = next
	}
}

// streamAt returns the stream data that follows a dictionary ending at pos, and where it ends.
func (p *pdfFile) streamAt(d pdfDict, pos int) ([]byte, int, bool) {
	lx := &lexer{data: p.data, pos: pos}
	lx.space()
	if !bytes.HasPrefix(p.data[lx.pos:], []byte("stream")) {
		return nil, pos, false
	}
	start := lx.pos + len("stream")
	if bytes.HasPrefix(p.data[start:], []byte("\r\n")) {
		start += 2
	} else if start < len(p.data) && (p.data[start] == '\n' || p.data[start] == '\r') {
		start++
	}
	if n, ok := d["Length"].(int); ok && n >= 0 && start+n <= len(p.data) {
		end := start + n
		if rest := bytes.TrimLeft(p.data[end:min(end+16, len(p.data))], "\r\n "); bytes.HasPrefix(rest, []byte("endstream")) {
			return p.data[start:end], end, true
		}
	}
	// An indirect or wrong length: the stream ends at the next "endstream".
	i := bytes.Index(p.data[start:], []byte("endstream"))
	if i < 0 {
		return nil, pos, false
	}
	end := start + i
	for end > start && (p.data[end-1] == '\n' || p.data[end-1] == '\r') {
		end--
	}
	return p.data[start:end], start + i, true
}

// resolve follows a reference to its object's value.
func (p *pdfFile) resolve(v any) any {
	for range 8 {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = p.objs[int(r)].value
	}
	return v
}

func (p *pdfFile) int(v any) (int, bool) {
	n, ok := p.resolve(v).(int)
	return n, ok
}

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
		return app.Errorf(app.Invalid, "image_too_large", "width", strconv.Itoa(w), "height", strconv.Itoa(h))
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

// lexer reads PDF values (ISO 32000-1 §7.3).
type lexer struct {
	data []byte
	pos  int
}

func isDelim(c byte) bool { return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0 }
func isSpace(c byte) bool { return bytes.IndexByte([]byte("\x00\t\n\f\r "), c) >= 0 }

func (l *lexer) space() {
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

func (l *lexer) regular() string {
	start := l.pos
	for l.pos < len(l.data) && !isSpace(l.data[l.pos]) && !isDelim(l.data[l.pos]) {
		l.pos++
	}
	return string(l.data[start:l.pos])
}

var errSyntax = errors.New("PDF syntax")

// value reads one value; "N G R" becomes a pdfRef.
func (l *lexer) value() (any, error) {
	return l.valueDepth(0)
}

func (l *lexer) valueDepth(depth int) (any, error) {
	if depth > 32 {
		return nil, errSyntax
	}
	l.space()
	if l.pos >= len(l.data) {
		return nil, errSyntax
	}
	switch c := l.data[l.pos]; {
	case c == '/':
		l.pos++
		return pdfName(l.regular()), nil
	case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
		l.pos += 2
		d := pdfDict{}
		for {
			l.space()
			if bytes.HasPrefix(l.data[l.pos:], []byte(">>")) {
				l.pos += 2
				return d, nil
			}
			k, err := l.valueDepth(depth + 1)
			if err != nil {
				return nil, err
			}
			name, ok := k.(pdfName)
			if !ok {
				return nil, errSyntax
			}
			v, err := l.valueDepth(depth + 1)
			if err != nil {
				return nil, err
			}
			d[string(name)] = v
		}
	case c == '<':
		end := bytes.IndexByte(l.data[l.pos:], '>')
		if end < 0 {
			return nil, errSyntax
		}
		hexText := l.data[l.pos+1 : l.pos+end]
		l.pos += end + 1
		var digits []byte
		for _, h := range hexText {
			if !isSpace(h) {
				digits = append(digits, h)
			}
		}
		if len(digits)%2 == 1 {
			digits = append(digits, '0')
		}
		out := make([]byte, len(digits)/2)
		for i := range out {
			v, err := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
			if err != nil {
				return nil, errSyntax
			}
			out[i] = byte(v)
		}
		return string(out), nil
	case c == '(':
		return l.literal()
	case c == '[':
		l.pos++
		var arr []any
		for {
			l.space()
			if l.pos >= len(l.data) {
				return nil, errSyntax
			}
			if l.data[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			v, err := l.valueDepth(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
	case isDelim(c):
		return nil, errSyntax
	}
	word := l.regular()
	switch word {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	n, err := strconv.Atoi(word)
	if err != nil {
		if f, ferr := strconv.ParseFloat(word, 64); ferr == nil {
			return f, nil
		}
		return nil, errSyntax
	}
	// "N G R" is a reference.
	save := l.pos
	l.space()
	g := l.regular()
	if _, err := strconv.Atoi(g); err == nil && g != "" {
		l.space()
		if l.pos < len(l.data) && l.data[l.pos] == 'R' && (l.pos+1 == len(l.data) || isSpace(l.data[l.pos+1]) || isDelim(l.data[l.pos+1])) {
			l.pos++
			return pdfRef(n), nil
		}
	}
	l.pos = save
	return n, nil
}

// literal reads a (string) with its escapes and balanced parentheses.
func (l *lexer) literal() (any, error) {
	l.pos++
	var out []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(out), nil
			}
		case '\\':
			if l.pos >= len(l.data) {
				return nil, errSyntax
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r', '\n':
				if e == '\r' && l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, errSyntax
}
