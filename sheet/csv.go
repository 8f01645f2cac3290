package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"bhxhdesk/app"
)

// separators a CSV export may use: the comma, the semicolon of Excel in locales whose decimal
// mark is a comma (Vietnamese among them), and the tab of Excel's "Unicode text".
var separators = []rune{',', ';', '\t'}

// readCSV reads a CSV file's data rows.
func readCSV(data []byte) (*builder, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	sep, l, err := findCSVHeader(text)
	if err != nil {
		return nil, err
	}
	b := newBuilder(l)
	r := newCSVReader(text, sep)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return b, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine > l.line {
				// The record is refused, not guessed at; the reader goes on after it.
				err = b.rowProblem(pe.StartLine, "csv_bad_quotes", map[string]string{
					"line": strconv.Itoa(pe.StartLine), "end_line": strconv.Itoa(pe.Line)})
			} else {
				err = nil
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if line <= l.line {
			continue // the title lines above the header, and the header
		}
		if err := b.add(line, func(i int) cell {
			if i < len(rec) {
				return cell{kind: textCell, text: clean(rec[i])}
			}
			return cell{}
		}); err != nil {
			return nil, err
		}
	}
}

func newCSVReader(text string, sep rune) *csv.Reader {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return r
}

// findCSVHeader finds the separator and the header row: the separator with which one of the
// first rows names the most known columns (the separators most frequent in the top lines are
// tried first).
func findCSVHeader(text string) (rune, layout, error) {
	top := text
	for i, n := 0, 0; i < len(top); i++ {
		if top[i] == '\n' {
			if n++; n == headerSearchRows {
				top = top[:i]
				break
			}
		}
	}
	seps := append([]rune(nil), separators...)
	count := func(r rune) int { return strings.Count(top, string(r)) }
	for i := 1; i < len(seps); i++ { // insertion sort by count, most frequent first
		for j := i; j > 0 && count(seps[j]) > count(seps[j-1]); j-- {
			seps[j], seps[j-1] = seps[j-1], seps[j]
		}
	}
	for _, sep := range seps {
		r := newCSVReader(text, sep)
		best := layout{}
		for k := 0; k < headerSearchRows; k++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			line, _ := r.FieldPos(0)
			if l := matchHeader(line, rec); l.found > best.found {
				best = l
			}
		}
		if best.found >= minHeaderColumns {
			return sep, best, best.check()
		}
	}
	return 0, layout{}, app.Errorf(app.Invalid, app.CodeImportNoHeader, "rows", strconv.Itoa(headerSearchRows))
}

// decodeText returns a CSV file's text: UTF-8 without its BOM, or UTF-16 (with a BOM) decoded.
// Anything that is not valid Unicode text is refused with the line of the first bad byte:
// Windows-1258, TCVN3 (ABC) and VNI exports still exist, and importing them would store
// mojibake names.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil || bytes.Contains(out, []byte("\uFFFD")) || len(data)%2 != 0 {
			return "", app.Errorf(app.Invalid, app.CodeImportNotUTF8, "line", "1")
		}
		data = out
	}
	bad := bytes.IndexByte(data, 0) // UTF-16 without a BOM, or a binary file
	if bad < 0 && !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				bad = i
				break
			}
			i += n
		}
	}
	if bad >= 0 {
		line := 1 + bytes.Count(data[:bad], []byte("\n"))
		return "", app.Errorf(app.Invalid, app.CodeImportNotUTF8, "line", strconv.Itoa(line))
	}
	return string(data), nil
}
