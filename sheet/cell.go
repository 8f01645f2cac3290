package sheet

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"bhxhdesk/app"
)

// kind is what a cell held in the file.
type kind uint8

const (
	textCell    kind = iota // text (every CSV cell; XLSX string cells)
	numberCell              // an XLSX number cell without a date format
	dateCell                // an XLSX number cell with a date format: value is the serial day
	formulaCell             // an XLSX cell holding a formula: never read, never passed on
)

// cell is one cell of a data row as the readers give it.
type cell struct {
	kind  kind
	text  string  // cleaned text; for number cells the stored value
	value float64 // number and date cells
}

// invisible are characters spreadsheets and copy-paste leave in text that a person cannot see:
// zero-width spaces and joiners, the BOM, soft hyphens; no-break and narrow spaces become spaces.
var invisible = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "",
	"\u00a0", " ", "\u202f", " ", "\u2007", " ", "\u3000", " ")

// clean returns s as it is stored: invisible characters dropped, control characters dropped
// (line breaks inside a quoted field become spaces), NFC, trimmed, inner spaces folded.
func clean(s string) string {
	s = invisible.Replace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return app.NormalizeText(s)
}

// formulaLike reports whether a text cell would be run as a formula by a spreadsheet that
// opens it (CSV injection): it starts with =, +, - or @ and is not a plain signed number.
func formulaLike(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("=+-@", rune(s[0])) {
		return false
	}
	if s[0] == '=' || s[0] == '@' {
		return true
	}
	rest := strings.TrimSpace(stripCurrency(s[1:]))
	digit := false
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '.' || r == ',' || r == ' ':
		default:
			return true
		}
	}
	return !digit
}

// stripCurrency drops a currency word after an amount: "264.000 đ", "264,000 VND".
func stripCurrency(s string) string {
	t := strings.TrimSpace(s)
	for _, suf := range []string{"VNĐ", "VND", "vnđ", "vnd", "Vnđ", "Vnd", "đồng", "Đồng", "₫", "đ"} {
		if strings.HasSuffix(t, suf) {
			return strings.TrimSpace(strings.TrimSuffix(t, suf))
		}
	}
	return t
}

// integral returns a number cell's value as digits when it is a whole number.
func integral(c cell) (string, bool) {
	if allDigits(c.text) && len(c.text) <= 18 {
		n, _ := strconv.ParseInt(c.text, 10, 64)
		return strconv.FormatInt(n, 10), true
	}
	v := c.value
	if math.IsNaN(v) || v != math.Trunc(v) || math.Abs(v) >= 1e15 {
		return "", false
	}
	return strconv.FormatInt(int64(v), 10), true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// amountText is the amount handed on: digits when app.ParseMoney accepts the text ("264.000",
// "264,000", "264 000 đ"), otherwise the text as written so the voucher check names it.
func amountText(c cell) string {
	switch c.kind {
	case numberCell, dateCell:
		if s, ok := integral(c); ok {
			return s
		}
		return c.text
	}
	if m, err := app.ParseMoney(stripCurrency(c.text)); err == nil {
		return strconv.FormatInt(int64(m), 10)
	}
	return c.text
}

// dateText is the payment date handed on as YYYY-MM-DD when the cell is a date cell or text in
// a date form Vietnamese offices write ("05/09/2025", "5-9-2025", "2025-09-05", with or without
// a time after it); anything else is handed on as written so the voucher check names it.
func dateText(c cell) string {
	switch c.kind {
	case dateCell:
		if t, ok := serialTime(c.value); ok {
			return t.Format("2006-01-02")
		}
		return c.text
	case numberCell:
		return c.text
	}
	if y, m, d, ok := parseDate(c.text); ok {
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	return c.text
}

// monthText is the first month handed on as YYYY-MM: a date cell, "09/2025", "9/2025",
// "2025-09", "T9/2025", "Tháng 9/2025", "tháng 9 năm 2025", or a full date (its month).
func monthText(c cell) string {
	switch c.kind {
	case dateCell:
		if t, ok := serialTime(c.value); ok {
			return t.Format("2006-01")
		}
		return c.text
	case numberCell:
		return c.text
	}
	if y, m, ok := parseMonth(c.text); ok {
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	if y, m, _, ok := parseDate(c.text); ok {
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return c.text
}

// monthsValue is the number of months: a whole number cell, or text digits with an optional
// "tháng" after them; empty is 0 (the voucher check names it). ok is false when the cell holds
// something else.
func monthsValue(c cell) (int, bool) {
	s := ""
	if c.kind == numberCell || c.kind == dateCell {
		d, ok := integral(c)
		if !ok {
			return 0, false
		}
		s = d
	} else {
		s = strings.TrimSpace(strings.TrimSuffix(app.FoldKey(c.text), "thang"))
	}
	if s == "" {
		return 0, true
	}
	if !allDigits(s) || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// excelEpoch is day 0 of the 1900 date system as Excel counts (it counts 1900-02-29, which
// did not exist, so serials from 61 on are one day ahead of a plain count from 1899-12-31).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// date1904Offset is how many days the 1904 date system's serials are behind the 1900 system's.
const date1904Offset = 1462

// serialTime converts a date cell's serial day (the 1900 system; 1904 workbooks are shifted by
// the reader) to a calendar day.
func serialTime(v float64) (time.Time, bool) {
	if math.IsNaN(v) || v < 61 || v > 2958465 { // before 1900-03-01 or after 9999-12-31
		return time.Time{}, false
	}
	return excelEpoch.AddDate(0, 0, int(math.Floor(v))), true
}

// parseDate reads d/m/yyyy or yyyy-m-d with '/', '-' or '.' between the parts, and an optional
// time after a space or a 'T'.
func parseDate(s string) (y, m, d int, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 || strings.Count(s, "/")+strings.Count(s, "-")+strings.Count(s, ".") != 2 {
		return 0, 0, 0, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return 0, 0, 0, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		y, m, d = n[0], n[1], n[2]
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		d, m, y = n[0], n[1], n[2]
	default:
		return 0, 0, 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// parseMonth reads m/yyyy or yyyy-m, optionally after "T", "Tháng" or "tháng", and
// "tháng 9 năm 2025".
func parseMonth(s string) (y, m int, ok bool) {
	f := app.FoldKey(s)
	f = strings.ReplaceAll(f, " nam ", "/")
	for _, p := range []string{"thang ", "thang", "t ", "t"} {
		if strings.HasPrefix(f, p) {
			f = strings.TrimSpace(f[len(p):])
			break
		}
	}
	f = strings.ReplaceAll(f, " ", "")
	parts := strings.FieldsFunc(f, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 2 || strings.Count(f, "/")+strings.Count(f, "-")+strings.Count(f, ".") != 1 {
		return 0, 0, false
	}
	for _, p := range parts {
		if !allDigits(p) {
			return 0, 0, false
		}
	}
	switch {
	case len(parts[0]) <= 2 && len(parts[1]) == 4:
		m, _ = strconv.Atoi(parts[0])
		y, _ = strconv.Atoi(parts[1])
	case len(parts[0]) == 4 && len(parts[1]) <= 2:
		y, _ = strconv.Atoi(parts[0])
		m, _ = strconv.Atoi(parts[1])
	default:
		return 0, 0, false
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 {
		return 0, 0, false
	}
	return y, m, true
}
