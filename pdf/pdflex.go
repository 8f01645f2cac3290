package pdf

import (
	"bytes"
	"errors"
	"strconv"
)

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
