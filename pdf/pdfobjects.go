package pdf

import (
	"bytes"
	"regexp"
	"strconv"
)

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
