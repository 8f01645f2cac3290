package sheet_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
	"bhxhdesk/sheet"
)

var (
	refOnce sync.Once
	ref     *assets.Reference
)

func reference(tb testing.TB) *assets.Reference {
	tb.Helper()
	refOnce.Do(func() { ref = assets.MustLoad() })
	return ref
}

// person is a generated participant whose ID passes app.ParsePersonalID and the province check.
type person struct{ ID, Name string }

func mustPeople(tb testing.TB, seed uint64, n int) []person {
	tb.Helper()
	g := fake.New(seed, reference(tb).Places)
	out := make([]person, n)
	for i := range out {
		f := g.Form()
		out[i] = person{ID: f.PersonalID, Name: f.FullName}
		_, err := app.ParsePersonalID(f.PersonalID)
		require.NoError(tb, err)
		require.True(tb, strings.HasPrefix(f.PersonalID, "0"), "every province code starts with 0")
	}
	return out
}

// outcome is what becomes of each data line of an import: "ok" for a row that passes
// app.ParseVoucher (the check the records service runs on every row), else "field:code" of the
// reader's problem or of ParseVoucher's first one. It fails when a line has two outcomes.
func outcome(tb testing.TB, rows []app.VoucherRow, problems []app.RowProblem) map[int]string {
	tb.Helper()
	out := map[int]string{}
	put := func(line int, s string) {
		_, dup := out[line]
		require.False(tb, dup, "line %d has two outcomes", line)
		out[line] = s
	}
	for _, p := range problems {
		put(p.Line, p.Problem.Field+":"+p.Problem.Code)
	}
	for _, r := range rows {
		if _, err := app.ParseVoucher(r.Input); err != nil {
			var ve *app.ValidationError
			require.ErrorAs(tb, err, &ve)
			put(r.Line, ve.Problems[0].Field+":"+ve.Problems[0].Code)
			continue
		}
		put(r.Line, "ok")
	}
	return out
}

func rowAt(tb testing.TB, rows []app.VoucherRow, line int) app.VoucherInput {
	tb.Helper()
	for _, r := range rows {
		if r.Line == line {
			return r.Input
		}
	}
	tb.Fatalf("no row for line %d", line)
	return app.VoucherInput{}
}

func problemAt(tb testing.TB, problems []app.RowProblem, line int) app.FieldProblem {
	tb.Helper()
	for _, p := range problems {
		if p.Line == line {
			return p.Problem
		}
	}
	tb.Fatalf("no problem for line %d", line)
	return app.FieldProblem{}
}

func TestReadsCSVWithBOMSemicolonsTitleAndQuotedNewlines(t *testing.T) {
	p := mustPeople(t, 1, 12)
	nfd := norm.NFD.String(p[0].Name)
	require.NotEqual(t, p[0].Name, nfd, "the test name has marks NFD decomposes")
	lines := []string{
		"BẢNG KÊ CHỨNG TỪ THU BHXH TỰ NGUYỆN THÁNG 9/2025;;;;;;;",                                                         // 1 title
		"Đại lý thu xã Yên Định;;;;;;;",                                                                                   // 2
		"STT;Số biên lai;Số CCCD/ĐDCN;Họ và tên;Số tiền;Ngày nộp;Từ tháng;Số tháng;Nhân viên thu",                         // 3 header
		"1;BL-2025-000101;" + p[0].ID + ";" + nfd + ";264000;2025-09-05;2025-09;1;Nguyễn Thị Lan",                         // 4 good, NFD name
		"2;BL-2025-000102;" + p[1].ID + ";\"" + p[1].Name + "\";792.000;05/09/2025;09/2025;3;\"Đại lý thu\nxã Yên Định\"", // 5–6 good
		"3;BL-2025-000103;12345;" + p[2].Name + ";264000;05/09/2025;09/2025;1;",                                           // 7 wrong ID
		"4;BL-2025-000104;" + strings.TrimLeft(p[3].ID, "0") + ";" + p[3].Name + ";264000;05/09/2025;09/2025;1;",          // 8 zeros stripped
		"5;BL-2025-000105;" + p[4].ID + ";=cmd|' /C calc'!A0;264000;05/09/2025;09/2025;1;",                                // 9 formula
		"6;BL-2025-000106;" + p[5].ID + ";" + p[5].Name + ";264.00;05/09/2025;09/2025;1;",                                 // 10 wrong amount
		";;;;;;;;", // 11 blank
		"8;bl-2025-000101;" + p[6].ID + ";" + p[6].Name + ";264000;05/09/2025;09/2025;1;",                           // 12 same receipt as line 4
		"9;BL-2025-000109;" + p[7].ID + ";" + p[7].Name + ";-264000;05/09/2025;09/2025;1;",                          // 13 negative amount
		"10;BL-2025-000110;" + p[8].ID + ";" + p[8].Name + ";264000;05/09/2025;09/2025;1;@SUM(1)",                   // 14 formula in collector
		"11;BL-2025-000111;" + p[9].ID + ";" + p[9].Name + ";264000;05/09/2025;09/2025;ba;",                         // 15 months not a number
		"12;BL-2025-000112;" + p[10].ID + ";" + p[10].Name + ";264 000 đ;5/9/2025;T9/2025;1 tháng;Đại\u00a0lý  thu", // 16 good
		"",
	}
	data := append([]byte("\xEF\xBB\xBF"), strings.Join(lines, "\r\n")...)
	rows, problems, err := sheet.ReadVouchers("bang-ke.csv", bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, map[int]string{
		4: "ok", 5: "ok", 7: "personal_id:bad_voucher_id", 8: "personal_id:id_leading_zeros_lost",
		9: "full_name:formula_cell", 10: "amount:bad_amount", 12: "receipt_no:duplicate_receipt_in_file",
		13: "amount:bad_amount", 14: "collector:formula_cell", 15: "months:months_not_number", 16: "ok",
	}, outcome(t, rows, problems))

	assert.Equal(t, app.VoucherInput{ReceiptNo: "BL-2025-000101", PersonalID: p[0].ID, FullName: p[0].Name, Amount: "264000",
		PaidOn: "2025-09-05", FromMonth: "2025-09", Months: 1, Collector: "Nguyễn Thị Lan"}, rowAt(t, rows, 4))
	assert.True(t, norm.NFC.IsNormalString(rowAt(t, rows, 4).FullName), "names come out NFC")
	r5 := rowAt(t, rows, 5)
	assert.Equal(t, "Đại lý thu xã Yên Định", r5.Collector, "a quoted line break is a space")
	assert.Equal(t, app.Amount("792000"), r5.Amount)
	assert.Equal(t, "2025-09-05", r5.PaidOn)
	r16 := rowAt(t, rows, 16)
	assert.Equal(t, app.VoucherInput{ReceiptNo: "BL-2025-000112", PersonalID: p[10].ID, FullName: p[10].Name, Amount: "264000",
		PaidOn: "2025-09-05", FromMonth: "2025-09", Months: 1, Collector: "Đại lý thu"}, r16)
	assert.Equal(t, map[string]string{"column": "Họ và tên"}, problemAt(t, problems, 9).Args)
	assert.Equal(t, map[string]string{"column": "Nhân viên thu"}, problemAt(t, problems, 14).Args)
	assert.Equal(t, map[string]string{"value": "bl-2025-000101", "first_line": "4"}, problemAt(t, problems, 12).Args)
	assert.Equal(t, map[string]string{"value": "ba"}, problemAt(t, problems, 15).Args)
}

func TestRecognisesHeaders(t *testing.T) {
	p := mustPeople(t, 4, 1)[0]
	row := []string{"BL-9", p.ID, p.Name, "264000", "2025-09-05", "2025-09", "1", "Đại lý thu xã A"}
	for _, tc := range []struct {
		name   string
		header []string
		sep    string
	}{
		{"interchange keys, comma",
			[]string{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months", "collector"}, ","},
		{"Vietnamese headers of DESIGN §4, tab",
			[]string{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"}, "\t"},
		{"upper case without marks, semicolon",
			[]string{"SO BIEN LAI", "SO DINH DANH", "HO TEN", "SO TIEN (VND)", "NGAY NOP TIEN", "TU THANG", "SO THANG DONG", "DAI LY THU"}, ";"},
		{"English words",
			[]string{"Receipt number", "Personal ID", "Full name", "Amount", "Payment date", "From month", "Months", "Collector"}, ","},
		{"old SI code header, no collector column",
			[]string{"Số biên lai", "Mã số BHXH", "Họ và tên", "Số tiền (đồng)", "Ngày nộp", "Từ tháng", "Số tháng", "Ghi chú"}, ","},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := strings.Join(tc.header, tc.sep) + "\n" + strings.Join(row, tc.sep) + "\n"
			rows, problems, err := sheet.ReadVouchers("x.csv", strings.NewReader(file))
			require.NoError(t, err)
			require.Empty(t, problems)
			require.Len(t, rows, 1)
			assert.Equal(t, 2, rows[0].Line)
			assert.Equal(t, p.ID, rows[0].Input.PersonalID)
			assert.Equal(t, app.Amount("264000"), rows[0].Input.Amount)
			if tc.header[7] == "Ghi chú" {
				assert.Empty(t, rows[0].Input.Collector, "an unknown column is ignored")
			} else {
				assert.Equal(t, "Đại lý thu xã A", rows[0].Input.Collector)
			}
		})
	}
}

func TestRefusesFilesItCannotImportWhole(t *testing.T) {
	p := mustPeople(t, 5, 1)[0]
	header := "Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Ngày nộp,Từ tháng,Số tháng\n"
	good := "BL-1," + p.ID + "," + p.Name + ",264000,2025-09-05,2025-09,1\n"
	// Windows-1258 writes "Trần Văn Bình" as base letters plus combining tone marks.
	win1258, err := charmap.Windows1258.NewEncoder().String("receipt_no,personal_id,full_name,amount,paid_on,from_month,months\n" +
		"BL-1," + p.ID + ",Trâ\u0300n Văn Bi\u0300nh,264000,2025-09-05,2025-09,1\n")
	require.NoError(t, err)
	utf16NoBOM, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(header + good)
	require.NoError(t, err)
	manyRows := func() io.Reader {
		var b strings.Builder
		b.WriteString(header)
		for i := range sheet.MaxRows + 1 {
			fmt.Fprintf(&b, "BL-%d,%s,%s,264000,2025-09-05,2025-09,1\n", i, p.ID, p.Name)
		}
		return strings.NewReader(b.String())
	}
	for _, tc := range []struct {
		name, file string
		data       io.Reader
		code       string
		args       map[string]string
	}{
		{"a missing required column, named", "x.csv", strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Ngày nộp,Từ tháng,Số tháng\n"),
			"import_missing_column", map[string]string{"column": "Số tiền (amount)"}},
		{"every missing column named", "x.csv", strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền\n"),
			"import_missing_column", map[string]string{"column": "Ngày nộp (paid_on), Từ tháng (from_month), Số tháng (months)"}},
		{"a column given twice", "x.csv",
			strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Số tiền nộp,Ngày nộp,Từ tháng,Số tháng\n"),
			"import_duplicate_column", map[string]string{"column": "Số tiền (amount)"}},
		{"no header in the first rows", "x.csv", strings.NewReader("a,b,c\n1,2,3\n"), "import_no_header", map[string]string{"rows": "10"}},
		{"an empty file", "x.csv", strings.NewReader(""), "import_no_header", map[string]string{"rows": "10"}},
		{"Windows-1258 text", "x.csv", strings.NewReader(win1258), "import_not_utf8", map[string]string{"line": "2"}},
		{"invalid UTF-8 further down", "x.csv",
			strings.NewReader(header + good + "BL-2," + p.ID + ",Tr\xe2n V\xe3n,264000,2025-09-05,2025-09,1\n"),
			"import_not_utf8", map[string]string{"line": "3"}},
		{"UTF-16 without a byte-order mark", "x.csv", strings.NewReader(utf16NoBOM), "import_not_utf8", map[string]string{"line": "1"}},
		{"an Excel 97–2003 file", "x.xls", bytes.NewReader([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")), "import_xls_legacy", nil},
		{"an .xlsx name on a text file", "x.xlsx", strings.NewReader(header + good), "import_xlsx_unreadable", nil},
		{"a damaged zip", "x.xlsx", strings.NewReader("PK\x03\x04 not really a zip"), "import_xlsx_unreadable", nil},
		{"an HTML table saved as .xls", "x.xls", strings.NewReader("<html><body><table><tr><td>Số biên lai</td></tr></table></body></html>"),
			"import_not_table", nil},
		{"more than 50 MB", "x.csv",
			io.MultiReader(strings.NewReader(header), strings.NewReader(strings.Repeat(good, sheet.MaxBytes/len(good)+1))),
			"import_too_large", map[string]string{"max_mb": "50"}},
		{"more than 200,000 rows", "x.csv", manyRows(), "import_too_many_rows", map[string]string{"max": "200000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, problems, err := sheet.ReadVouchers(tc.file, tc.data)
			require.Error(t, err)
			var e *app.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, app.Invalid, app.KindOf(err))
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.args, e.Args)
			assert.Nil(t, rows)
			assert.Nil(t, problems)
		})
	}
}

func TestReportsACSVRecordWithBadQuotesAndGoesOn(t *testing.T) {
	p := mustPeople(t, 8, 3)
	file := "receipt_no,personal_id,full_name,amount,paid_on,from_month,months\n" +
		"BL-1," + p[0].ID + "," + p[0].Name + ",264000,2025-09-05,2025-09,1\n" +
		"BL-2," + p[1].ID + ",Nguyễn \"Tí\" Văn,264000,2025-09-05,2025-09,1\n" + // a bare quote
		"BL-3," + p[2].ID + "," + p[2].Name + ",264000,2025-09-05,2025-09,1\n" +
		"BL-4," + p[2].ID + ",\"" + p[2].Name + ",264000,2025-09-05,2025-09,1\n" + // never closed
		"BL-5," + p[2].ID + "," + p[2].Name + ",264000,2025-09-05,2025-09,1\n"
	rows, problems, err := sheet.ReadVouchers("x.csv", strings.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, map[int]string{2: "ok", 3: "row:csv_bad_quotes", 4: "ok", 5: "row:csv_bad_quotes"}, outcome(t, rows, problems))
	assert.Equal(t, map[string]string{"line": "3", "end_line": "3"}, problemAt(t, problems, 3).Args)
	assert.Equal(t, map[string]string{"line": "5", "end_line": "6"}, problemAt(t, problems, 5).Args,
		"the unclosed quote swallowed line 6: the problem says so")
}
