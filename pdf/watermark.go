package pdf

import (
	"fmt"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// watermark draws text large, faint and diagonal across the page, over everything else in
// "multiply" blending, like a rubber stamp: it tints the paper and the grey cells, while the
// text and the QR code's dark modules stay as dark as they were. The letters are vector
// outlines, not text: the marking cannot be missed on paper, yet it does not mix into the
// page's text when it is copied or extracted. In a batch the drawing is made once and placed on
// each page that needs it.
func (pr *printer) watermark(text string) error {
	o, err := textOutline(text)
	if err != nil {
		return err
	}
	doc := pr.doc
	doc.SetAlpha(1, "Multiply")
	w, _ := doc.GetPageSize()
	if !pr.shared {
		drawWatermark(doc, o, w)
	} else {
		key := "watermark/" + text
		tpl, ok := pr.tpls[key]
		if !ok {
			tpl = doc.CreateTemplate(func(t *fpdf.Tpl) { drawWatermark(&t.Fpdf, o, w) })
			pr.tpls[key] = tpl
		}
		doc.UseTemplate(tpl)
	}
	doc.SetAlpha(1, "Normal")
	return nil
}

// drawWatermark fills the outline across a page w mm wide: over the data table, clear of the
// QR code below it (centred 140 mm from the top, 35° up, about 200 mm long).
func drawWatermark(t *fpdf.Fpdf, o outline, w float64) {
	cx, cy := w/2, 140.0
	size := min(200/o.width, 40.0) // the em in mm
	x0, y0 := cx-o.width*size/2, cy+0.35*size
	t.SetFillColor(int(markFaint.R), int(markFaint.G), int(markFaint.B))
	t.TransformBegin()
	t.TransformRotate(35, cx, cy)
	at := func(p fixed.Point26_6) (float64, float64) {
		return x0 + float64(p.X)/64*size/o.em, y0 + float64(p.Y)/64*size/o.em
	}
	for i, seg := range o.segs {
		switch seg.Op {
		case sfnt.SegmentOpMoveTo:
			if i > 0 {
				t.ClosePath()
			}
			t.MoveTo(at(seg.Args[0]))
		case sfnt.SegmentOpLineTo:
			t.LineTo(at(seg.Args[0]))
		case sfnt.SegmentOpQuadTo:
			cx, cy := at(seg.Args[0])
			x, y := at(seg.Args[1])
			t.CurveTo(cx, cy, x, y)
		case sfnt.SegmentOpCubeTo:
			c0x, c0y := at(seg.Args[0])
			c1x, c1y := at(seg.Args[1])
			x, y := at(seg.Args[2])
			t.CurveBezierCubicTo(c0x, c0y, c1x, c1y, x, y)
		}
	}
	t.ClosePath()
	t.DrawPath("F")
	t.TransformEnd()
	t.SetFillColor(0, 0, 0)
}

// outline is a line of text as glyph outlines of the bold face, laid out from the origin on
// the baseline in font units (26.6 fixed point, y down); width is in ems.
type outline struct {
	segs  []sfnt.Segment
	em    float64
	width float64
}

var outlines sync.Map // text → outline

func textOutline(text string) (outline, error) {
	if o, ok := outlines.Load(text); ok {
		return o.(outline), nil
	}
	fonts, err := fontBytes()
	if err != nil {
		return outline{}, err
	}
	f, err := sfnt.Parse(fonts["B"])
	if err != nil {
		return outline{}, fmt.Errorf("watermark font: %w", err)
	}
	var buf sfnt.Buffer
	ppem := fixed.I(int(f.UnitsPerEm()))
	var o outline
	o.em = float64(f.UnitsPerEm())
	var x fixed.Int26_6
	for _, r := range text {
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil {
			return outline{}, fmt.Errorf("watermark %q: %w", r, err)
		}
		segs, err := f.LoadGlyph(&buf, gi, ppem, nil)
		if err != nil {
			return outline{}, fmt.Errorf("watermark %q: %w", r, err)
		}
		for _, s := range segs {
			for i := range s.Args {
				s.Args[i].X += x
			}
			o.segs = append(o.segs, s)
		}
		adv, err := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		if err != nil {
			return outline{}, fmt.Errorf("watermark %q: %w", r, err)
		}
		x += adv
	}
	o.width = float64(x) / 64 / o.em
	outlines.Store(text, o)
	return o, nil
}
