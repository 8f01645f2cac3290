// Package jsoncols is a reversible transform of compact JSON that puts like values next to
// each other before a general compressor sees them: every scalar (string, number, true, false,
// null) moves to a column named by its path (object keys, with array positions folded), and
// what remains — the shape, with a marker where each scalar was — is kept once per value. A
// batch of a thousand dossiers is a thousand near-identical shapes, which compress to almost
// nothing, and columns in which names sit beside names, personal IDs beside personal IDs and
// clocks beside clocks. zstd at its best level then needs about a third fewer bytes than on
// the JSON itself, which is what a 256 kbit/s link is waiting for.
//
// The transform is exact: Decode(Encode(b)) returns b byte for byte, so a payload's hash is the
// same on both sides. Encode accepts compact JSON only (what encoding/json produces); JSON with
// insignificant white space is refused, not altered.
//
// Layout of an encoded value (all integers are unsigned varints):
//
//	"JC1"  len(shape) shape  count(columns)  { len(column) column }...
//
// The shape is the JSON with every scalar replaced by the byte '#' (never found outside a
// string in JSON). Columns are numbered in the order their path is first met while walking the
// shape, which the decoder repeats; within a column the scalars are separated by '\n', which
// compact JSON never holds outside a string and a JSON string never holds unescaped.
package jsoncols

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

const magic = "JC1"

// ErrTooLarge is returned by Decode when the output would pass the caller's limit.
var ErrTooLarge = errors.New("jsoncols: decoded value larger than the limit")

// maxDepth bounds nesting, for the encoder's and the decoder's stacks alike.
const maxDepth = 512

// maxPaths bounds the distinct paths (objects, arrays and scalar columns) of one value, so that
// what a decoder allocates stays proportionate whatever it is sent. A batch of dossiers has a few
// hundred; JSON with more (a map keyed by data) is refused by Encode, and its sender uses a
// plain coding instead.
const maxPaths = 1 << 14

// ErrTooManyPaths is returned for a value with more than maxPaths distinct paths.
var ErrTooManyPaths = fmt.Errorf("jsoncols: more than %d distinct fields", maxPaths)

// path identifies a column: the parent column context and the key (or "[]" for array items).
type pathKey struct {
	parent int32 // index of the parent context, -1 for the root
	key    string
}

// paths numbers contexts and scalar columns in order of first appearance.
type paths struct {
	ids  map[pathKey]int32
	next int32
}

func newPaths() *paths { return &paths{ids: map[pathKey]int32{}} }

func (p *paths) id(parent int32, key string) (int32, error) {
	k := pathKey{parent, key}
	if id, ok := p.ids[k]; ok {
		return id, nil
	}
	if p.next >= maxPaths {
		return 0, ErrTooManyPaths
	}
	id := p.next
	p.next++
	p.ids[k] = id
	return id, nil
}

// Encode transposes compact JSON. It returns an error for anything that is not one compact JSON
// value.
func Encode(src []byte) ([]byte, error) {
	e := encoder{src: src, paths: newPaths(), cols: map[int32]*bytes.Buffer{}}
	e.shape.Grow(len(src) / 4)
	if err := e.value(-1, "", 0); err != nil {
		return nil, err
	}
	if e.pos != len(src) {
		return nil, fmt.Errorf("jsoncols: unexpected byte %q at %d", src[e.pos], e.pos)
	}
	out := make([]byte, 0, len(src)/2)
	out = append(out, magic...)
	out = binary.AppendUvarint(out, uint64(e.shape.Len()))
	out = append(out, e.shape.Bytes()...)
	out = binary.AppendUvarint(out, uint64(len(e.order)))
	for _, id := range e.order {
		col := e.cols[id].Bytes()
		out = binary.AppendUvarint(out, uint64(len(col)))
		out = append(out, col...)
	}
	return out, nil
}

type encoder struct {
	src   []byte
	pos   int
	shape bytes.Buffer
	paths *paths
	cols  map[int32]*bytes.Buffer
	order []int32 // scalar columns in order of first use
}

func (e *encoder) errorf(format string, args ...any) error {
	return fmt.Errorf("jsoncols: "+format+" at %d", append(args, e.pos)...)
}

// value reads one value at src[pos] whose path is (parent, key).
func (e *encoder) value(parent int32, key string, depth int) error {
	if depth > maxDepth {
		return e.errorf("nesting deeper than %d", maxDepth)
	}
	if e.pos >= len(e.src) {
		return e.errorf("unexpected end")
	}
	id, err := e.paths.id(parent, key)
	if err != nil {
		return err
	}
	switch c := e.src[e.pos]; c {
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		e.shape.WriteByte(c)
		e.pos++
		if e.pos < len(e.src) && e.src[e.pos] == end {
			e.shape.WriteByte(end)
			e.pos++
			return nil
		}
		for {
			childKey := "[]"
			if c == '{' {
				start := e.pos
				if err := e.skipString(); err != nil {
					return err
				}
				childKey = string(e.src[start:e.pos])
				e.shape.WriteString(childKey)
				if e.pos >= len(e.src) || e.src[e.pos] != ':' {
					return e.errorf("expected ':'")
				}
				e.shape.WriteByte(':')
				e.pos++
			}
			if err := e.value(id, childKey, depth+1); err != nil {
				return err
			}
			if e.pos >= len(e.src) {
				return e.errorf("unexpected end")
			}
			switch e.src[e.pos] {
			case ',':
				e.shape.WriteByte(',')
				e.pos++
			case end:
				e.shape.WriteByte(end)
				e.pos++
				return nil
			default:
				return e.errorf("expected ',' or %q", end)
			}
		}
	default:
		start := e.pos
		var err error
		switch {
		case c == '"':
			err = e.skipString()
		case c == '-' || (c >= '0' && c <= '9'):
			err = e.skipNumber()
		case c == 't':
			err = e.skipLiteral("true")
		case c == 'f':
			err = e.skipLiteral("false")
		case c == 'n':
			err = e.skipLiteral("null")
		default:
			err = e.errorf("unexpected byte %q", c)
		}
		if err != nil {
			return err
		}
		col, ok := e.cols[id]
		if !ok {
			col = &bytes.Buffer{}
			e.cols[id] = col
			e.order = append(e.order, id)
		} else {
			col.WriteByte('\n')
		}
		col.Write(e.src[start:e.pos])
		e.shape.WriteByte('#')
		return nil
	}
}

// skipString moves past a JSON string, checking that it holds no raw control character.
func (e *encoder) skipString() error {
	if e.pos >= len(e.src) || e.src[e.pos] != '"' {
		return e.errorf("expected a string")
	}
	for i := e.pos + 1; i < len(e.src); i++ {
		switch c := e.src[i]; {
		case c == '\\':
			i++
		case c == '"':
			e.pos = i + 1
			return nil
		case c < 0x20:
			e.pos = i
			return e.errorf("control character in a string")
		}
	}
	e.pos = len(e.src)
	return e.errorf("unterminated string")
}

// skipNumber moves past a JSON number's characters (their syntax is the JSON parser's business;
// the transform only needs to know where the token ends).
func (e *encoder) skipNumber() error {
	i := e.pos
	for i < len(e.src) {
		c := e.src[i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			i++
			continue
		}
		break
	}
	e.pos = i
	return nil
}

func (e *encoder) skipLiteral(lit string) error {
	if !bytes.HasPrefix(e.src[e.pos:], []byte(lit)) {
		return e.errorf("invalid literal")
	}
	e.pos += len(lit)
	return nil
}

// Decode reverses Encode, refusing to produce more than limit bytes.
func Decode(src []byte, limit int) ([]byte, error) {
	if !bytes.HasPrefix(src, []byte(magic)) {
		return nil, errors.New("jsoncols: not an encoded value")
	}
	r := src[len(magic):]
	n, k := binary.Uvarint(r)
	if k <= 0 || n > uint64(len(r)-k) {
		return nil, errors.New("jsoncols: bad shape length")
	}
	shape := r[k : k+int(n)]
	r = r[k+int(n):]
	count, k := binary.Uvarint(r)
	if k <= 0 || count > uint64(len(r)) || count > maxPaths {
		return nil, errors.New("jsoncols: bad column count")
	}
	r = r[k:]
	cols := make([][]byte, count)
	for i := range cols {
		n, k := binary.Uvarint(r)
		if k <= 0 || n > uint64(len(r)-k) {
			return nil, errors.New("jsoncols: bad column length")
		}
		cols[i] = r[k : k+int(n)]
		r = r[k+int(n):]
	}
	if len(r) != 0 {
		return nil, errors.New("jsoncols: bytes after the last column")
	}
	d := decoder{shape: shape, cols: cols, paths: newPaths(), colOf: map[int32]int{}, started: make([]bool, count), limit: limit}
	d.out = make([]byte, 0, min(limit, len(src))) // the value is never longer than its encoding
	if err := d.value(-1, "", 0); err != nil {
		return nil, err
	}
	if d.pos != len(shape) {
		return nil, errors.New("jsoncols: shape has bytes after the value")
	}
	for i, c := range cols {
		if len(c) != 0 {
			return nil, fmt.Errorf("jsoncols: column %d has values left over", i)
		}
	}
	return d.out, nil
}

type decoder struct {
	shape   []byte
	pos     int
	cols    [][]byte
	paths   *paths
	colOf   map[int32]int // path id → column, in order of first use
	started []bool
	out     []byte
	limit   int
}

func (d *decoder) emit(b ...byte) error {
	if len(d.out)+len(b) > d.limit {
		return ErrTooLarge
	}
	d.out = append(d.out, b...)
	return nil
}

func (d *decoder) value(parent int32, key string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("jsoncols: nesting deeper than %d", maxDepth)
	}
	if d.pos >= len(d.shape) {
		return errors.New("jsoncols: shape ends early")
	}
	id, err := d.paths.id(parent, key)
	if err != nil {
		return err
	}
	switch c := d.shape[d.pos]; c {
	case '{', '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		d.pos++
		if err := d.emit(c); err != nil {
			return err
		}
		if d.pos < len(d.shape) && d.shape[d.pos] == end {
			d.pos++
			return d.emit(end)
		}
		for {
			childKey := "[]"
			if c == '{' {
				start := d.pos
				if err := d.skipString(); err != nil {
					return err
				}
				childKey = string(d.shape[start:d.pos])
				if d.pos >= len(d.shape) || d.shape[d.pos] != ':' {
					return errors.New("jsoncols: shape lacks ':'")
				}
				d.pos++
				if err := d.emit(append([]byte(childKey), ':')...); err != nil {
					return err
				}
			}
			if err := d.value(id, childKey, depth+1); err != nil {
				return err
			}
			if d.pos >= len(d.shape) {
				return errors.New("jsoncols: shape ends early")
			}
			switch d.shape[d.pos] {
			case ',':
				d.pos++
				if err := d.emit(','); err != nil {
					return err
				}
			case end:
				d.pos++
				return d.emit(end)
			default:
				return fmt.Errorf("jsoncols: unexpected shape byte %q", d.shape[d.pos])
			}
		}
	case '#':
		d.pos++
		col, ok := d.colOf[id]
		if !ok {
			col = len(d.colOf)
			if col >= len(d.cols) {
				return errors.New("jsoncols: more paths than columns")
			}
			d.colOf[id] = col
		}
		data := d.cols[col]
		if d.started[col] {
			if len(data) == 0 || data[0] != '\n' {
				return fmt.Errorf("jsoncols: column %d ran out of values", col)
			}
			data = data[1:]
		}
		d.started[col] = true
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		if end == 0 {
			return fmt.Errorf("jsoncols: empty value in column %d", col)
		}
		if err := d.emit(data[:end]...); err != nil {
			return err
		}
		d.cols[col] = data[end:]
		return nil
	default:
		return fmt.Errorf("jsoncols: unexpected shape byte %q", c)
	}
}

func (d *decoder) skipString() error {
	if d.pos >= len(d.shape) || d.shape[d.pos] != '"' {
		return errors.New("jsoncols: shape lacks a key")
	}
	for i := d.pos + 1; i < len(d.shape); i++ {
		switch d.shape[i] {
		case '\\':
			i++
		case '"':
			d.pos = i + 1
			return nil
		}
	}
	return errors.New("jsoncols: unterminated key")
}
