package sheet

import (
	"strings"

	"bhxhdesk/app"
)

// column is one voucher column an import understands: its interchange key (DESIGN §4), the
// header an agent's export usually gives it, and every header spelling accepted for it.
type column struct {
	key      string
	header   string // the usual Vietnamese header, named in messages
	required bool
	names    []string // accepted headers as headerKey folds them
}

// columns are the voucher columns in the order their problems are looked for.
var columns = []column{
	{key: "receipt_no", header: "Số biên lai", required: true, names: []string{
		"receipt no", "receipt number", "so bien lai", "bien lai", "so bien lai thu", "so bien lai thu tien",
		"ma bien lai", "so hieu bien lai", "so bl", "so chung tu", "so phieu thu"}},
	{key: "personal_id", header: "Số CCCD/ĐDCN", required: true, names: []string{
		"personal id", "so cccd ddcn", "cccd ddcn", "so cccd", "cccd", "so ddcn", "ddcn", "so dinh danh",
		"so dinh danh ca nhan", "ma so bhxh", "ma bhxh", "so bhxh", "ma so bhxh so dinh danh",
		"ma so bhxh so cccd", "ma so bhxh ddcn", "so cmnd cccd", "so cccd cmnd", "so cccd so dinh danh"}},
	{key: "full_name", header: "Họ và tên", required: true, names: []string{
		"full name", "name", "ho va ten", "ho ten", "ho va ten nguoi tham gia", "ho ten nguoi tham gia",
		"ten nguoi tham gia", "nguoi tham gia", "ho va ten nguoi nop tien", "ho ten nguoi nop", "nguoi nop tien"}},
	{key: "amount", header: "Số tiền", required: true, names: []string{
		"amount", "so tien", "so tien dong", "so tien nop", "so tien da nop", "so tien thu", "so tien bang so",
		"tien dong", "thanh tien"}},
	{key: "paid_on", header: "Ngày nộp", required: true, names: []string{
		"paid on", "payment date", "date paid", "ngay nop", "ngay nop tien", "ngay dong", "ngay dong tien",
		"ngay thu", "ngay thu tien", "ngay bien lai", "ngay chung tu", "ngay lap bien lai"}},
	{key: "from_month", header: "Từ tháng", required: true, names: []string{
		"from month", "tu thang", "tu thang nam", "dong tu thang", "thang bat dau", "ky dong tu thang"}},
	{key: "months", header: "Số tháng", required: true, names: []string{
		"months", "so thang", "so thang dong", "so thang nop"}},
	// Other support (hỗ trợ khác): what an organisation or a person paid for the participant,
	// beside the amount the participant paid; absent from most agents' lists.
	{key: "other_support", header: "Hỗ trợ khác", names: []string{
		"other support", "ho tro khac", "so tien ho tro khac", "to chuc ca nhan ho tro", "ho tro cua to chuc ca nhan"}},
	{key: "collector", header: "Nhân viên thu", names: []string{
		"collector", "nhan vien thu", "nhan vien thu tien", "nguoi thu", "nguoi thu tien", "dai ly thu",
		"ten dai ly thu", "nhan vien dai ly thu", "to chuc dich vu thu", "diem thu", "don vi thu"}},
}

// byHeader maps every accepted header to its column's index in columns.
var byHeader = func() map[string]int {
	m := map[string]int{}
	for i, c := range columns {
		for _, n := range c.names {
			if _, dup := m[n]; dup {
				panic("sheet: header " + n + " accepted for two columns")
			}
			m[n] = i
		}
	}
	return m
}()

// headerKey folds a header cell for matching: parenthesised notes dropped ("Số tiền (đồng)"),
// marks and case folded (app.FoldKey), every run of punctuation turned into one space, so
// "Số CCCD/ĐDCN", "so cccd - ddcn" and "SO CCCD DDCN" are the same header.
func headerKey(s string) string {
	s = clean(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	f := app.FoldKey(b.String())
	return strings.Join(strings.FieldsFunc(f, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}), " ")
}

// layout is where the voucher columns are in a file: the column index of each known column
// (-1 when absent) and the header text found for it, as the file spells it.
type layout struct {
	line   int // the header's line (CSV) or row (XLSX)
	index  [numColumns]int
	header [numColumns]string
	found  int // how many known columns the header has
	dup    string
}

// numColumns is the number of known columns.
const numColumns = 9

func init() {
	if len(columns) != numColumns {
		panic("sheet: numColumns must equal len(columns)")
	}
}

// minHeaderColumns is how many known headers make a row the header row: a title line above
// the table rarely names three of them.
const minHeaderColumns = 3

// matchHeader reads cells as a header row.
func matchHeader(line int, cells []string) layout {
	l := layout{line: line}
	for i := range l.index {
		l.index[i] = -1
	}
	for j, c := range cells {
		i, ok := byHeader[headerKey(c)]
		if !ok {
			continue
		}
		if l.index[i] >= 0 {
			if l.dup == "" {
				l.dup = columns[i].header + " (" + columns[i].key + ")"
			}
			continue
		}
		l.index[i], l.header[i] = j, clean(c)
		l.found++
	}
	return l
}

// check returns the file-level error of a header: a known column given twice, or a required
// column missing (all of them named).
func (l layout) check() error {
	if l.dup != "" {
		return app.Errorf(app.Invalid, app.CodeImportDuplicateColumn, "column", l.dup)
	}
	var missing []string
	for i, c := range columns {
		if c.required && l.index[i] < 0 {
			missing = append(missing, c.header+" ("+c.key+")")
		}
	}
	if len(missing) > 0 {
		return app.Errorf(app.Invalid, app.CodeImportMissingColumn, "column", strings.Join(missing, ", "))
	}
	return nil
}
