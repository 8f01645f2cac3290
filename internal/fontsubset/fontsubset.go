// Package fontsubset cuts a TrueType font down to the characters the printed documents use
// (Latin, every Vietnamese letter, the đồng sign and common punctuation), so that the PDF
// library parses a small font for each document instead of the full Noto Sans. Glyphs are
// renumbered, composite glyphs keep their components, the metrics and hinting programs are kept
// and the layout tables the PDF library does not use (GSUB, GPOS, GDEF, kern, …) are dropped.
// The result is still a font under the SIL Open Font License of the original.
package fontsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// Vietnamese lists the characters kept for the office's documents: printable ASCII, Latin-1,
// Latin Extended-A and -B (Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư …), the combining marks Vietnamese keyboards
// produce, Latin Extended Additional (Ạ … ỹ), general punctuation (– — ‘ ’ “ ” • …), the đồng and
// euro signs, № and the arrows and mathematical signs the texts use (→ − × ≤ ≥).
func Vietnamese() []rune {
	var rs []rune
	add := func(from, to rune) {
		for r := from; r <= to; r++ {
			rs = append(rs, r)
		}
	}
	add(0x20, 0x7e)
	add(0xa0, 0x24f)
	add(0x2b9, 0x2dd) // modifier letters: ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝
	add(0x300, 0x323) // combining grave … dot below
	add(0x1ea0, 0x1ef9)
	add(0x2010, 0x2027)
	add(0x2030, 0x203a)
	add(0x20ab, 0x20ac)
	rs = append(rs, 0x2116, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2212, 0x2264, 0x2265, 0x25cf)
	return rs
}

// kept are the tables copied or rebuilt; anything else is dropped.
var kept = map[string]bool{
	"OS/2": true, "cmap": true, "cvt ": true, "fpgm": true, "gasp": true, "glyf": true, "head": true,
	"hhea": true, "hmtx": true, "loca": true, "maxp": true, "name": true, "post": true, "prep": true,
}

type font struct {
	tables map[string][]byte
}

func parse(ttf []byte) (*font, error) {
	if len(ttf) < 12 {
		return nil, errors.New("not a TrueType font: too short")
	}
	if v := binary.BigEndian.Uint32(ttf); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("not a TrueType font (sfnt version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	if len(ttf) < 12+16*n {
		return nil, errors.New("table directory truncated")
	}
	f := &font{tables: map[string][]byte{}}
	for i := range n {
		rec := ttf[12+16*i:]
		tag := string(rec[:4])
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, fmt.Errorf("table %q out of the file", tag)
		}
		f.tables[tag] = ttf[off : off+length]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("table %q missing", t)
		}
	}
	return f, nil
}

// cmap maps the wanted runes to glyphs using the font's Unicode cmap (format 12 or 4).
func (f *font) cmap(want []rune) (map[rune]uint16, error) {
	t := f.tables["cmap"]
	if len(t) < 4 {
		return nil, errors.New("cmap truncated")
	}
	var sub4, sub12 []byte
	for i := range int(binary.BigEndian.Uint16(t[2:])) {
		rec := t[4+8*i:]
		if len(rec) < 8 {
			return nil, errors.New("cmap truncated")
		}
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), int(binary.BigEndian.Uint32(rec[4:]))
		if off+4 > len(t) || (pid != 0 && pid != 3) || (pid == 3 && eid != 1 && eid != 10) {
			continue
		}
		switch binary.BigEndian.Uint16(t[off:]) {
		case 4:
			sub4 = t[off:]
		case 12:
			sub12 = t[off:]
		}
	}
	out := map[rune]uint16{}
	switch {
	case sub12 != nil:
		n := int(binary.BigEndian.Uint32(sub12[12:]))
		for i := range n {
			g := sub12[16+12*i:]
			start, end, gid := rune(binary.BigEndian.Uint32(g)), rune(binary.BigEndian.Uint32(g[4:])), binary.BigEndian.Uint32(g[8:])
			for _, r := range want {
				if r >= start && r <= end {
					out[r] = uint16(gid + uint32(r-start))
				}
			}
		}
	case sub4 != nil:
		segs := int(binary.BigEndian.Uint16(sub4[6:])) / 2
		ends, starts := sub4[14:], sub4[16+2*segs:]
		deltas, ranges := sub4[16+4*segs:], sub4[16+6*segs:]
		for _, r := range want {
			for s := range segs {
				end, start := rune(binary.BigEndian.Uint16(ends[2*s:])), rune(binary.BigEndian.Uint16(starts[2*s:]))
				if r < start || r > end {
					continue
				}
				delta, ro := binary.BigEndian.Uint16(deltas[2*s:]), int(binary.BigEndian.Uint16(ranges[2*s:]))
				gid := uint16(r) + delta
				if ro != 0 {
					p := 16 + 6*segs + 2*s + ro + 2*int(r-start)
					if p+2 > len(sub4) {
						return nil, errors.New("cmap format 4 out of range")
					}
					gid = binary.BigEndian.Uint16(sub4[p:])
					if gid != 0 {
						gid += delta
					}
				}
				if gid != 0 {
					out[r] = gid
				}
				break
			}
		}
	default:
		return nil, errors.New("no Unicode cmap (format 4 or 12)")
	}
	return out, nil
}

// glyphs returns each glyph's bytes from glyf/loca.
func (f *font) glyphs() ([][]byte, error) {
	numGlyphs := int(binary.BigEndian.Uint16(f.tables["maxp"][4:]))
	long := binary.BigEndian.Uint16(f.tables["head"][50:]) == 1
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	at := func(i int) int {
		if long {
			return int(binary.BigEndian.Uint32(loca[4*i:]))
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:]))
	}
	need := 2 * (numGlyphs + 1)
	if long {
		need *= 2
	}
	if len(loca) < need {
		return nil, errors.New("loca truncated")
	}
	out := make([][]byte, numGlyphs)
	for i := range numGlyphs {
		a, b := at(i), at(i+1)
		if a > b || b > len(glyf) {
			return nil, fmt.Errorf("glyph %d out of the glyf table", i)
		}
		out[i] = glyf[a:b]
	}
	return out, nil
}

// Composite glyph flags (OpenType glyf table).
const (
	argsAreWords    = 0x0001
	haveScale       = 0x0008
	moreComponents  = 0x0020
	haveXYScale     = 0x0040
	haveTwoByTwo    = 0x0080
	haveInstruction = 0x0100
)

// components calls fn with the offset of each component's glyph index in a composite glyph.
func components(g []byte, fn func(off int)) error {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	p := 10
	for {
		if p+4 > len(g) {
			return errors.New("composite glyph truncated")
		}
		flags := binary.BigEndian.Uint16(g[p:])
		fn(p + 2)
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			return nil
		}
	}
}

// Subset returns a TrueType font with only the glyphs of runes (and the components they are
// built from). Runes the font lacks are skipped.
func Subset(ttf []byte, runes []rune) ([]byte, error) {
	f, err := parse(ttf)
	if err != nil {
		return nil, err
	}
	cmap, err := f.cmap(runes)
	if err != nil {
		return nil, err
	}
	glyphs, err := f.glyphs()
	if err != nil {
		return nil, err
	}
	// The closure of the wanted glyphs under composite references; .notdef is always glyph 0.
	keep := map[uint16]bool{0: true}
	var visit func(gid uint16) error
	visit = func(gid uint16) error {
		if int(gid) >= len(glyphs) {
			return fmt.Errorf("glyph %d does not exist", gid)
		}
		if keep[gid] && gid != 0 {
			return nil
		}
		keep[gid] = true
		g := glyphs[gid]
		var inner error
		err := components(g, func(off int) {
			if e := visit(binary.BigEndian.Uint16(g[off:])); e != nil && inner == nil {
				inner = e
			}
		})
		return errors.Join(err, inner)
	}
	for _, gid := range cmap {
		if err := visit(gid); err != nil {
			return nil, err
		}
	}
	if err := visit(0); err != nil {
		return nil, err
	}
	old := make([]int, 0, len(keep))
	for gid := range keep {
		old = append(old, int(gid))
	}
	sort.Ints(old)
	newID := make(map[uint16]uint16, len(old))
	for i, gid := range old {
		newID[uint16(gid)] = uint16(i)
	}

	// glyf and loca (long offsets), composite references renumbered.
	var glyf []byte
	loca := make([]byte, 0, 4*(len(old)+1))
	for _, gid := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		g := append([]byte(nil), glyphs[gid]...)
		_ = components(g, func(off int) {
			binary.BigEndian.PutUint16(g[off:], newID[binary.BigEndian.Uint16(g[off:])])
		})
		glyf = append(glyf, g...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	// hmtx with one full metric per glyph.
	hhea, hmtx := f.tables["hhea"], f.tables["hmtx"]
	numH := int(binary.BigEndian.Uint16(hhea[34:]))
	if len(hmtx) < 4*numH+2*(len(glyphs)-numH) {
		return nil, errors.New("hmtx truncated")
	}
	var newHmtx []byte
	for _, gid := range old {
		var adv, lsb uint16
		if gid < numH {
			adv, lsb = binary.BigEndian.Uint16(hmtx[4*gid:]), binary.BigEndian.Uint16(hmtx[4*gid+2:])
		} else {
			adv, lsb = binary.BigEndian.Uint16(hmtx[4*(numH-1):]), binary.BigEndian.Uint16(hmtx[4*numH+2*(gid-numH):])
		}
		newHmtx = binary.BigEndian.AppendUint16(newHmtx, adv)
		newHmtx = binary.BigEndian.AppendUint16(newHmtx, lsb)
	}

	out := map[string][]byte{}
	for tag, data := range f.tables {
		if kept[tag] {
			out[tag] = data
		}
	}
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1)
	out["head"] = head
	newHhea := append([]byte(nil), hhea...)
	binary.BigEndian.PutUint16(newHhea[34:], uint16(len(old)))
	out["hhea"] = newHhea
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	out["maxp"] = maxp
	out["glyf"], out["loca"], out["hmtx"] = glyf, loca, newHmtx
	out["cmap"] = buildCmap(cmap, newID)
	if post := f.tables["post"]; len(post) >= 32 {
		p := append([]byte(nil), post[:32]...)
		binary.BigEndian.PutUint32(p, 0x00030000) // no glyph names
		out["post"] = p
	}
	return assemble(out), nil
}

// buildCmap writes a cmap with one format 4 subtable, shared by the Unicode (0,3) and Windows
// (3,1) encodings: one segment per run of consecutive characters with consecutive glyphs.
func buildCmap(cmap map[rune]uint16, newID map[uint16]uint16) []byte {
	rs := make([]rune, 0, len(cmap))
	for r := range cmap {
		if r <= 0xfffe {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, r := range rs {
		g := newID[cmap[r]]
		d := g - uint16(r)
		if n := len(segs); n > 0 && segs[n-1].end+1 == uint16(r) && segs[n-1].delta == d {
			segs[n-1].end = uint16(r)
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), d})
	}
	segs = append(segs, seg{0xffff, 0xffff, 1})
	n := len(segs)
	pow, log := 1, 0
	for pow*2 <= n {
		pow *= 2
		log++
	}
	sr, es := 2*pow, log
	var sub []byte
	u16 := func(v uint16) { sub = binary.BigEndian.AppendUint16(sub, v) }
	u16(4)
	u16(uint16(16 + 8*n))
	u16(0)
	u16(uint16(2 * n))
	u16(uint16(sr))
	u16(uint16(es))
	u16(uint16(2*n - sr))
	for _, s := range segs {
		u16(s.end)
	}
	u16(0)
	for _, s := range segs {
		u16(s.start)
	}
	for _, s := range segs {
		u16(s.delta)
	}
	for range segs {
		u16(0)
	}
	var t []byte
	t = binary.BigEndian.AppendUint16(t, 0)
	t = binary.BigEndian.AppendUint16(t, 2)
	for _, enc := range [][2]uint16{{0, 3}, {3, 1}} {
		t = binary.BigEndian.AppendUint16(t, enc[0])
		t = binary.BigEndian.AppendUint16(t, enc[1])
		t = binary.BigEndian.AppendUint32(t, 4+2*8)
	}
	return append(t, sub...)
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// assemble writes the tables in tag order, each on a 4-byte boundary, with their checksums and
// the head table's whole-font checksum adjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow, log := 1, 0
	for pow*2 <= n {
		pow *= 2
		log++
	}
	var out []byte
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*pow))
	out = binary.BigEndian.AppendUint16(out, uint16(log))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16*pow))
	off := 12 + 16*n
	headAt := 0
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, checksum(d))
		out = binary.BigEndian.AppendUint32(out, uint32(off))
		out = binary.BigEndian.AppendUint32(out, uint32(len(d)))
		if t == "head" {
			headAt = off
		}
		off += (len(d) + 3) &^ 3
	}
	for _, t := range tags {
		out = append(out, tables[t]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xb1b0afba-checksum(out))
	return out
}
