package pdf

import (
	"bytes"
	"compress/zlib"
	"image"
	"io"
	"regexp"

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
		return nil, app.Errorf(app.Invalid, app.CodePdfUnreadable, "detail", "not a PDF")
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
		return nil, app.Errorf(app.NotFound, app.CodeQrNotFound)
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
			return nil, app.Errorf(app.NotFound, app.CodeQrNotFound)
		}
		img = enlarge(img, k)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, app.Errorf(app.NotFound, app.CodeQrNotFound)
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
	return nil, app.Errorf(app.NotFound, app.CodeQrNotFound)
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
