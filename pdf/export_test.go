package pdf

import "fmt"

// EmbeddedFont is a Type 0 font's descendant as embedded in a PDF: the TrueType file and the
// CIDToGIDMap (two bytes a CID, the glyph that draws it; 0 for none), decoded.
type EmbeddedFont struct {
	File, CIDToGID []byte
}

// HasGlyph tells whether the font draws character r with a glyph of its own.
func (f EmbeddedFont) HasGlyph(r rune) bool {
	i := 2 * int(r)
	return i+1 < len(f.CIDToGID) && (f.CIDToGID[i] != 0 || f.CIDToGID[i+1] != 0)
}

// EmbeddedFonts returns the CID fonts of a PDF by their base font name.
func EmbeddedFonts(data []byte) (map[string]EmbeddedFont, error) {
	p := &pdfFile{data: data, objs: map[int]pdfObject{}}
	p.index()
	stream := func(v any) ([]byte, error) {
		r, ok := v.(pdfRef)
		if !ok {
			return nil, fmt.Errorf("not a reference: %v", v)
		}
		o := p.objs[int(r)]
		d, ok := o.value.(pdfDict)
		if !ok || o.stream == nil {
			return nil, fmt.Errorf("object %d is not a stream", r)
		}
		return p.decodeStream(d, o.stream)
	}
	fonts := map[string]EmbeddedFont{}
	for _, num := range p.order {
		d, ok := p.objs[num].value.(pdfDict)
		if !ok || d.name("Subtype") != "CIDFontType2" {
			continue
		}
		var f EmbeddedFont
		var err error
		if f.CIDToGID, err = stream(d["CIDToGIDMap"]); err != nil {
			return nil, err
		}
		desc, _ := p.resolve(d["FontDescriptor"]).(pdfDict)
		if f.File, err = stream(desc["FontFile2"]); err != nil {
			return nil, err
		}
		fonts[d.name("BaseFont")] = f
	}
	return fonts, nil
}
