package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"bhxhdesk/app"
)

// unzipLimit bounds what an XLSX file may expand to (its parts' declared sizes, which the zip
// reader enforces): a 50 MB file of 200,000 rows needs far less; a zip bomb needs far more.
// Every part stays in memory (excelize would otherwise spill parts over 16 MB to temporary
// files): the sheet holds personal data, and no clear copy of it is left on the disk.
const unzipLimit = 512 << 20

// readXLSX reads the data rows of the first sheet that has a header row.
func readXLSX(data []byte) (b *builder, err error) {
	defer func() {
		// The workbook is untrusted input parsed by a third-party library: whatever happens
		// inside it, a damaged file is the user's problem to fix, not a crash of the desk.
		if p := recover(); p != nil {
			b, err = nil, &app.Error{Kind: app.Invalid, Code: app.CodeImportXlsxUnreadable, Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipLimit})
	if err != nil {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeImportXlsxUnreadable, Err: err}
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			b, err = nil, fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	for _, name := range f.GetSheetList() {
		s := &xsheet{f: f, name: name, dateStyle: map[int]bool{}}
		found, err := s.scan()
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if err := s.layout.check(); err != nil {
			return nil, err
		}
		if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
			s.date1904 = *props.Date1904
		}
		return s.build()
	}
	return nil, app.Errorf(app.Invalid, app.CodeImportNoHeader, "rows", strconv.Itoa(headerSearchRows))
}

// xsheet is one worksheet being read.
type xsheet struct {
	f         *excelize.File
	name      string
	layout    layout
	data      []xrow // the non-empty rows below the header, raw values
	date1904  bool
	dateStyle map[int]bool // style id → has a date number format
}

// xrow is a row's number and its cells' stored values (shared strings resolved, numbers as
// stored, no number format applied).
type xrow struct {
	n     int
	cells []string
}

// scan streams the sheet: finds the header in its first rows and keeps the rows below it.
func (s *xsheet) scan() (found bool, err error) {
	rows, err := s.f.Rows(s.name)
	if err != nil {
		if errors.As(err, new(excelize.ErrSheetNotExist)) {
			return false, nil
		}
		return false, &app.Error{Kind: app.Invalid, Code: app.CodeImportXlsxUnreadable, Err: err}
	}
	raw := excelize.Options{RawCellValue: true}
	var top []xrow // the rows searched for the header; those below it are data
	n := 0
	for rows.Next() {
		n++ // Next also stops on rows absent from the file, so n is the row number
		if n > headerSearchRows && s.layout.found < minHeaderColumns {
			break
		}
		cells, err := rows.Columns(raw)
		if err != nil {
			_ = rows.Close()
			return false, &app.Error{Kind: app.Invalid, Code: app.CodeImportXlsxUnreadable, Err: err}
		}
		if len(cells) == 0 {
			continue
		}
		if n <= headerSearchRows {
			if l := matchHeader(n, cells); l.found > s.layout.found {
				s.layout = l
			}
			top = append(top, xrow{n: n, cells: cells})
			continue
		}
		s.data = append(s.data, xrow{n: n, cells: cells})
		if len(s.data) > MaxRows {
			_ = rows.Close()
			return false, tooManyRows()
		}
	}
	if err := rows.Close(); err != nil {
		return false, &app.Error{Kind: app.Invalid, Code: app.CodeImportXlsxUnreadable, Err: err}
	}
	if s.layout.found < minHeaderColumns {
		return false, nil
	}
	for k, r := range top {
		if r.n > s.layout.line {
			s.data = append(top[k:len(top):len(top)], s.data...)
			break
		}
	}
	if len(s.data) > MaxRows {
		return false, tooManyRows()
	}
	return true, nil
}

// build reads every kept row's known columns with their cell types.
func (s *xsheet) build() (*builder, error) {
	b := newBuilder(s.layout)
	for _, r := range s.data {
		if err := b.add(r.n, func(i int) cell { return s.cell(r, i) }); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// cell reads column i of row r with its type: a formula (whatever its cached result), a number,
// a date (a number with a date format), or text.
func (s *xsheet) cell(r xrow, i int) cell {
	raw := ""
	if i < len(r.cells) {
		raw = r.cells[i]
	}
	ref, err := excelize.CoordinatesToCellName(i+1, r.n)
	if err != nil {
		return cell{kind: textCell, text: clean(raw)}
	}
	if fm, err := s.f.GetCellFormula(s.name, ref); err != nil || fm != "" {
		return cell{kind: formulaCell} // a formula that cannot even be read is refused too
	}
	t, err := s.f.GetCellType(s.name, ref)
	if err != nil {
		return cell{kind: textCell, text: clean(raw)}
	}
	switch t {
	case excelize.CellTypeBool:
		if raw == "1" {
			return cell{kind: textCell, text: "TRUE"}
		}
		return cell{kind: textCell, text: "FALSE"}
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			return cell{kind: textCell, text: clean(raw)}
		}
		if s.isDate(ref) {
			if s.date1904 {
				v += date1904Offset
			}
			return cell{kind: dateCell, text: strings.TrimSpace(raw), value: v}
		}
		return cell{kind: numberCell, text: strings.TrimSpace(raw), value: v}
	}
	// Shared and inline strings, ISO 8601 date cells ("2025-09-05T00:00:00Z"), error values, and
	// "str" cells without a formula (the type of a formula's text result, which some exporters
	// write for plain text).
	return cell{kind: textCell, text: clean(raw)}
}

// isDate reports whether the cell's number format shows a date.
func (s *xsheet) isDate(ref string) bool {
	id, err := s.f.GetCellStyle(s.name, ref)
	if err != nil {
		return false
	}
	if d, ok := s.dateStyle[id]; ok {
		return d
	}
	d := false
	if st, err := s.f.GetStyle(id); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			d = isDateCode(*st.CustomNumFmt)
		} else {
			d = isDateNumFmt(st.NumFmt)
		}
	}
	s.dateStyle[id] = d
	return d
}

// isDateNumFmt reports whether a built-in number format id shows a date (ECMA-376 §18.8.30 and
// the East Asian built-ins), not a time alone.
func isDateNumFmt(id int) bool {
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58)
}

// isDateCode reports whether a custom number format shows a date: outside quoted text,
// bracketed locale or colour parts and escaped characters, its first section has a day or year
// token ("dd/mm/yyyy", "mm/yyyy", "[$-42A]d mmmm yyyy").
func isDateCode(code string) bool {
	section, _, _ := strings.Cut(code, ";")
	quoted, bracket := false, false
	for i := 0; i < len(section); i++ {
		c := section[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y':
			return true
		}
	}
	return false
}
