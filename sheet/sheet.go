// Package sheet reads the payment-voucher files (chứng từ đóng) that collection agents and banks
// export as CSV or XLSX, for import at the district office. It only reads: every data row of
// the file ends either as an app.VoucherRow, handed to the records service which checks and
// applies it like a voucher typed by an officer, or as an app.RowProblem naming its line and the
// reason. It is the only package that imports the XLSX library (excelize).
package sheet

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"bhxhdesk/app"
)

// Limits of a file an import accepts: larger files are refused as a whole, with a message.
const (
	MaxBytes = 50 << 20 // 50 MB
	MaxRows  = 200_000  // data rows after the header
)

// headerSearchRows is how many rows from the top are searched for the header row: agents put
// a title, the agency and the period above the table.
const headerSearchRows = 10

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts Excel 97–2003 .xls files and password-protected .xlsx files.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadVouchers reads a voucher file: XLSX when its content is a zip archive, CSV otherwise (UTF-8
// with or without BOM, or UTF-16 with BOM; separated by ",", ";" or tab). name is the file's
// name, used only to tell what the user meant when the content is neither.
//
// It promises that every non-blank data row below the header ends in exactly one of rows or
// problems, in file order, with its 1-based line (CSV: the physical line the record starts on;
// XLSX: the row number). Rows carry NFC, trimmed text with dates as YYYY-MM-DD, months as
// YYYY-MM and amounts as digits where the cell could be read so; the field checks of
// app.ParseVoucher are left to the records service. A row is a problem when a cell holds a
// formula or looks like one (formula_cell), its ID was stored as a number
// (id_leading_zeros_lost), its months are not a number (months_not_number), its receipt number
// repeats an earlier row's (duplicate_receipt_in_file) or, in a CSV file, its quotes do not
// match (csv_bad_quotes).
//
// A file that cannot be imported at all returns an *app.Error of kind Invalid: too large
// (import_too_large, import_too_many_rows), not UTF-8 (import_not_utf8), not a readable
// spreadsheet (import_xls_legacy, import_xlsx_unreadable, import_not_table), no header row
// (import_no_header), a required column missing or a column given twice
// (import_missing_column, import_duplicate_column). A failing reader returns its error wrapped.
func ReadVouchers(name string, r io.Reader) (rows []app.VoucherRow, problems []app.RowProblem, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", filepath.Base(name), err)
	}
	if len(data) > MaxBytes {
		return nil, nil, app.Errorf(app.Invalid, app.CodeImportTooLarge, "max_mb", strconv.Itoa(MaxBytes>>20))
	}
	ext := strings.ToLower(filepath.Ext(name))
	var b *builder
	switch {
	case bytes.HasPrefix(data, zipMagic):
		b, err = readXLSX(data)
	case bytes.HasPrefix(data, oleMagic):
		return nil, nil, app.Errorf(app.Invalid, app.CodeImportXlsLegacy)
	case ext == ".xlsx" || ext == ".xlsm":
		return nil, nil, app.Errorf(app.Invalid, app.CodeImportXlsxUnreadable)
	case looksLikeMarkup(data):
		// Some bank systems save an HTML table under a .xls name.
		return nil, nil, app.Errorf(app.Invalid, app.CodeImportNotTable)
	default:
		b, err = readCSV(data)
	}
	if err != nil {
		return nil, nil, err
	}
	return b.rows, b.problems, nil
}

// looksLikeMarkup reports whether a file is an HTML or XML document rather than a table.
func looksLikeMarkup(data []byte) bool {
	head := data[:min(len(data), 512)]
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.ToLower(bytes.TrimSpace(head))
	for _, p := range []string{"<!doctype", "<html", "<?xml", "<table"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}

// builder turns the data rows of a file into rows and problems, one outcome per non-blank row.
type builder struct {
	layout   layout
	receipts map[string]int // folded receipt number → the line it was first seen on
	rows     []app.VoucherRow
	problems []app.RowProblem
	count    int // data rows seen, blank ones included
}

func newBuilder(l layout) *builder {
	return &builder{layout: l, receipts: map[string]int{}}
}

// tooManyRows is the error once a file has more than MaxRows data rows.
func tooManyRows() error {
	return app.Errorf(app.Invalid, app.CodeImportTooManyRows, "max", strconv.Itoa(MaxRows))
}

// add reads one data row at line; at(i) is the cell of file column i.
func (b *builder) add(line int, at func(i int) cell) error {
	b.count++
	if b.count > MaxRows {
		return tooManyRows()
	}
	var cells [numColumns]cell
	blank := true
	for i := range columns {
		if j := b.layout.index[i]; j >= 0 {
			cells[i] = at(j)
			if cells[i].text != "" || cells[i].kind == formulaCell {
				blank = false
			}
		}
	}
	if blank {
		return nil
	}
	problem := func(i int, code string, args ...string) error {
		p := app.FieldProblem{Field: columns[i].key, Code: code, Args: map[string]string{}}
		for k := 0; k+1 < len(args); k += 2 {
			p.Args[args[k]] = args[k+1]
		}
		b.problems = append(b.problems, app.RowProblem{Line: line, Problem: p})
		return nil
	}
	// A formula is never evaluated nor passed on, whatever else is wrong with the row.
	for i := range columns {
		c := cells[i]
		if c.kind == formulaCell || (c.kind == textCell && formulaLike(c.text)) {
			return problem(i, "formula_cell", "column", b.layout.header[i])
		}
	}
	in := app.VoucherInput{
		ReceiptNo: plain(cells[colReceipt]),
		FullName:  plain(cells[colName]),
		Collector: plain(cells[colCollector]),
		Amount:    app.Amount(amountText(cells[colAmount])),
		PaidOn:    dateText(cells[colPaidOn]),
		FromMonth: monthText(cells[colFromMonth]),
	}
	if other := amountText(cells[colOther]); strings.TrimSpace(other) != "" {
		in.OtherSupport = app.Amount(other)
	}
	// A spreadsheet that stored the ID as a number has dropped its leading zeros (every province
	// code starts with 0). Padding could turn an old 10-digit code into a wrong ID: refuse.
	switch id := cells[colID]; id.kind {
	case numberCell, dateCell:
		v, ok := integral(id)
		if !ok {
			v = id.text
		}
		return problem(colID, "id_leading_zeros_lost", "value", v)
	default:
		in.PersonalID = id.text
		if strings.HasPrefix(in.PersonalID, "'") && allDigits(strings.TrimPrefix(in.PersonalID, "'")) {
			in.PersonalID = in.PersonalID[1:] // the apostrophe some tools add to keep zeros
		}
	}
	months, ok := monthsValue(cells[colMonths])
	if !ok {
		return problem(colMonths, "months_not_number", "value", cells[colMonths].text)
	}
	in.Months = months
	if key := strings.ReplaceAll(app.FoldKey(in.ReceiptNo), " ", ""); key != "" {
		if first, dup := b.receipts[key]; dup {
			return problem(colReceipt, "duplicate_receipt_in_file", "value", in.ReceiptNo, "first_line", strconv.Itoa(first))
		}
		b.receipts[key] = line
	}
	b.rows = append(b.rows, app.VoucherRow{Line: line, Input: in})
	return nil
}

// Indexes of the columns in columns.
const (
	colReceipt = iota
	colID
	colName
	colAmount
	colPaidOn
	colFromMonth
	colMonths
	colOther
	colCollector
)

// plain is a text column's value: the text, or a number cell's value without a trailing ".0".
func plain(c cell) string {
	if c.kind == numberCell {
		if s, ok := integral(c); ok {
			return s
		}
	}
	return c.text
}

// rowProblem records a problem of the row as a whole (its field is "row"), such as a CSV
// record whose quotes do not match.
func (b *builder) rowProblem(line int, code string, args map[string]string) error {
	b.count++
	if b.count > MaxRows {
		return tooManyRows()
	}
	b.problems = append(b.problems, app.RowProblem{Line: line, Problem: app.FieldProblem{Field: "row", Code: code, Args: args}})
	return nil
}
