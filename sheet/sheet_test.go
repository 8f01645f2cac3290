package sheet_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
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
		"8;bl-2025-000101;" + p[6].ID + ";" + p[6].Name + ";264000;05/09/2025;09/2025;1;",                           // 12 duplicate receipt of line 4
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

// xlsxFile builds a workbook in memory with excelize, the way an agent's Excel would save it.
func xlsxFile(tb testing.TB, fill func(f *excelize.File, sh string)) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer func() { require.NoError(tb, f.Close()) }()
	sh := f.GetSheetName(0)
	fill(f, sh)
	var buf bytes.Buffer
	require.NoError(tb, f.Write(&buf))
	return buf.Bytes()
}

func must(tb testing.TB, err error) {
	tb.Helper()
	require.NoError(tb, err)
}

func TestReadsXLSXWithTypedCellsAndHeaderOnRow3(t *testing.T) {
	p := mustPeople(t, 2, 12)
	paid := time.Date(2025, 9, 5, 0, 0, 0, 0, time.UTC)
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		set := func(ref string, v any) { must(t, f.SetCellValue(sh, ref, v)) }
		set("A1", "BẢNG KÊ BIÊN LAI THU TIỀN ĐÓNG BHXH TỰ NGUYỆN")
		must(t, f.MergeCell(sh, "A1", "I1"))
		for i, h := range []string{"STT", "Số biên lai", "Số định danh", "Họ và tên", "Số tiền (đồng)", "Ngày nộp tiền", "Từ tháng", "Số tháng đóng", "Người thu"} {
			ref, _ := excelize.CoordinatesToCellName(i+1, 3)
			set(ref, h)
		}
		dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, err)
		monthFmt := "mm/yyyy"
		monthStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &monthFmt})
		must(t, err)
		good := func(row int, receipt string, who person) {
			r := strconv.Itoa(row)
			must(t, f.SetCellFormula(sh, "A"+r, "ROW()-3")) // a formula outside the voucher columns is ignored
			set("B"+r, receipt)
			must(t, f.SetCellStr(sh, "C"+r, who.ID))
			set("D"+r, who.Name)
			set("E"+r, 264000)
			set("F"+r, paid)
			must(t, f.SetCellStyle(sh, "F"+r, "F"+r, dateStyle))
			set("G"+r, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
			must(t, f.SetCellStyle(sh, "G"+r, "G"+r, monthStyle))
			set("H"+r, 1)
			set("I"+r, "Đại lý thu xã Yên Định")
		}
		good(4, "BL-0001", person{p[0].ID, norm.NFD.String(p[0].Name)})
		good(5, "BL-0002", p[1])
		n, _ := strconv.ParseInt(p[1].ID, 10, 64)
		set("C5", n) // the ID as a number: its leading zero is gone
		good(6, "BL-0003", p[2])
		set("C6", "0011900123") // 10 digits: an old social-insurance code, left to the records service
		good(7, "BL-0004", p[3])
		set("C7", "00119001234X")
		good(8, "BL-0005", p[4])
		must(t, f.SetCellFormula(sh, "E8", "132000*2"))
		good(9, "BL-0006", p[5])
		set("E9", "hai trăm sáu mươi tư nghìn")
		good(10, "BL-0001", p[6]) // the receipt of row 4 again
		good(11, "BL-0008", p[7])
		set("E11", "264.000 đ")
		set("F11", "05/09/2025")
		set("G11", "T9/2025")
		set("H11", "1")
		// row 12 left empty
		good(13, "BL-0009", p[8])
		set("D13", "=1+1") // text that a spreadsheet would run as a formula if re-saved as CSV
		good(14, "BL-0010", p[9])
		set("E14", "264,000")
		set("A15", 12) // a numbered row with no voucher in it: blank
	})
	rows, problems, err := sheet.ReadVouchers("bang-ke.xlsx", bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, map[int]string{
		4: "ok", 5: "personal_id:id_leading_zeros_lost", 6: "ok", 7: "personal_id:bad_voucher_id",
		8: "amount:formula_cell", 9: "amount:bad_amount", 10: "receipt_no:duplicate_receipt_in_file", 11: "ok",
		13: "full_name:formula_cell", 14: "ok",
	}, outcome(t, rows, problems))
	want := app.VoucherInput{ReceiptNo: "BL-0001", PersonalID: p[0].ID, FullName: p[0].Name, Amount: "264000",
		PaidOn: "2025-09-05", FromMonth: "2025-09", Months: 1, Collector: "Đại lý thu xã Yên Định"}
	assert.Equal(t, want, rowAt(t, rows, 4), "date cells, a number amount and an NFD name")
	want.ReceiptNo, want.PersonalID, want.FullName = "BL-0008", p[7].ID, p[7].Name
	assert.Equal(t, want, rowAt(t, rows, 11), "text date, month and amount")
	assert.Equal(t, map[string]string{"value": strings.TrimLeft(p[1].ID, "0")}, problemAt(t, problems, 5).Args, "the number as stored, not padded")
	assert.Equal(t, map[string]string{"column": "Số tiền (đồng)"}, problemAt(t, problems, 8).Args)
	assert.Equal(t, "4", problemAt(t, problems, 10).Args["first_line"])
}

// rewriteSheet replaces cells of the first worksheet's XML, to write what Excel and other
// exporters store but excelize's writer does not: cached formula results, shared formulas,
// "str" cells without a formula.
func rewriteSheet(tb testing.TB, data []byte, cells map[string]string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(tb, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(tb, err)
		body, err := io.ReadAll(rc)
		require.NoError(tb, err)
		require.NoError(tb, rc.Close())
		if f.Name == "xl/worksheets/sheet1.xml" {
			for ref, xml := range cells {
				re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
				require.True(tb, re.Match(body), "cell %s in the sheet", ref)
				body = re.ReplaceAll(body, []byte(xml))
			}
		}
		w, err := zw.Create(f.Name)
		require.NoError(tb, err)
		_, err = w.Write(body)
		require.NoError(tb, err)
	}
	require.NoError(tb, zw.Close())
	return out.Bytes()
}

func TestReadsFormulasAsExcelStoresThem(t *testing.T) {
	p := mustPeople(t, 11, 4)
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		must(t, f.SetSheetRow(sh, "A1", &[]any{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months"}))
		for i, who := range p {
			must(t, f.SetSheetRow(sh, fmt.Sprint("A", i+2), &[]any{fmt.Sprint("R", i), who.ID, who.Name, 264000, "2025-09-05", "2025-09", 1}))
		}
	})
	data = rewriteSheet(t, data, map[string]string{
		"D2": `<c r="D2"><f t="shared" ref="D2:D3" si="0">132000*2</f><v>264000</v></c>`, // a formula with its cached result
		"D3": `<c r="D3"><f t="shared" si="0"/><v>264000</v></c>`,                        // the shared formula's second cell
		"C4": `<c r="C4" t="str"><v>` + p[2].Name + `</v></c>`,                           // "str" without a formula: text
		"B5": `<c r="B5" t="str"><f>"0"&amp;"` + p[3].ID[1:] + `"</f><v>` + p[3].ID + `</v></c>`,
	})
	rows, problems, err := sheet.ReadVouchers("x.xlsx", bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, map[int]string{2: "amount:formula_cell", 3: "amount:formula_cell", 4: "ok", 5: "personal_id:formula_cell"},
		outcome(t, rows, problems))
	assert.Equal(t, p[2].Name, rowAt(t, rows, 4).FullName)
}

func TestReadsDateCellsOfBothDateSystems(t *testing.T) {
	p := mustPeople(t, 3, 1)[0]
	for _, d1904 := range []bool{false, true} {
		t.Run(fmt.Sprint("date1904=", d1904), func(t *testing.T) {
			data := xlsxFile(t, func(f *excelize.File, sh string) {
				must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &d1904}))
				must(t, f.SetSheetRow(sh, "A1", &[]any{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months"}))
				must(t, f.SetSheetRow(sh, "A2", &[]any{"R1", p.ID, p.Name, 264000, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1}))
			})
			rows, problems, err := sheet.ReadVouchers("x.xlsx", bytes.NewReader(data))
			require.NoError(t, err)
			require.Empty(t, problems)
			assert.Equal(t, "2025-12-31", rows[0].Input.PaidOn)
			assert.Equal(t, "2026-01", rows[0].Input.FromMonth)
		})
	}
}

func TestRecognisesHeaders(t *testing.T) {
	p := mustPeople(t, 4, 1)[0]
	row := []string{"BL-9", p.ID, p.Name, "264000", "2025-09-05", "2025-09", "1", "Đại lý thu xã A"}
	for _, tc := range []struct {
		name   string
		header []string
		sep    string
	}{
		{"interchange keys, comma", []string{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months", "collector"}, ","},
		{"Vietnamese headers of DESIGN §4, tab", []string{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"}, "\t"},
		{"upper case without marks, semicolon", []string{"SO BIEN LAI", "SO DINH DANH", "HO TEN", "SO TIEN (VND)", "NGAY NOP TIEN", "TU THANG", "SO THANG DONG", "DAI LY THU"}, ";"},
		{"English words", []string{"Receipt number", "Personal ID", "Full name", "Amount", "Payment date", "From month", "Months", "Collector"}, ","},
		{"old SI code header, no collector column", []string{"Số biên lai", "Mã số BHXH", "Họ và tên", "Số tiền (đồng)", "Ngày nộp", "Từ tháng", "Số tháng", "Ghi chú"}, ","},
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
	win1258, err := charmap.Windows1258.NewEncoder().String("receipt_no,personal_id,full_name,amount,paid_on,from_month,months\nBL-1," + p.ID + ",Trâ\u0300n Văn Bi\u0300nh,264000,2025-09-05,2025-09,1\n")
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
		{"a missing required column, named", "x.csv", strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Ngày nộp,Từ tháng,Số tháng\n"), "import_missing_column", map[string]string{"column": "Số tiền (amount)"}},
		{"every missing column named", "x.csv", strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền\n"), "import_missing_column", map[string]string{"column": "Ngày nộp (paid_on), Từ tháng (from_month), Số tháng (months)"}},
		{"a column given twice", "x.csv", strings.NewReader("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Số tiền nộp,Ngày nộp,Từ tháng,Số tháng\n"), "import_duplicate_column", map[string]string{"column": "Số tiền (amount)"}},
		{"no header in the first rows", "x.csv", strings.NewReader("a,b,c\n1,2,3\n"), "import_no_header", map[string]string{"rows": "10"}},
		{"an empty file", "x.csv", strings.NewReader(""), "import_no_header", map[string]string{"rows": "10"}},
		{"Windows-1258 text", "x.csv", strings.NewReader(win1258), "import_not_utf8", map[string]string{"line": "2"}},
		{"invalid UTF-8 further down", "x.csv", strings.NewReader(header + good + "BL-2," + p.ID + ",Tr\xe2n V\xe3n,264000,2025-09-05,2025-09,1\n"), "import_not_utf8", map[string]string{"line": "3"}},
		{"UTF-16 without a byte-order mark", "x.csv", strings.NewReader(utf16NoBOM), "import_not_utf8", map[string]string{"line": "1"}},
		{"an Excel 97–2003 file", "x.xls", bytes.NewReader([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")), "import_xls_legacy", nil},
		{"an .xlsx name on a text file", "x.xlsx", strings.NewReader(header + good), "import_xlsx_unreadable", nil},
		{"a damaged zip", "x.xlsx", strings.NewReader("PK\x03\x04 not really a zip"), "import_xlsx_unreadable", nil},
		{"an HTML table saved as .xls", "x.xls", strings.NewReader("<html><body><table><tr><td>Số biên lai</td></tr></table></body></html>"), "import_not_table", nil},
		{"more than 50 MB", "x.csv", io.MultiReader(strings.NewReader(header), strings.NewReader(strings.Repeat(good, sheet.MaxBytes/len(good)+1))), "import_too_large", map[string]string{"max_mb": "50"}},
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

func TestRefusesAnXLSXWithoutAHeaderOrARequiredColumn(t *testing.T) {
	noHeader := xlsxFile(t, func(f *excelize.File, sh string) {
		for r := 1; r <= 20; r++ {
			must(t, f.SetSheetRow(sh, fmt.Sprint("A", r), &[]any{"x", r}))
		}
		must(t, f.SetSheetRow(sh, "A11", &[]any{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months"}))
	})
	_, _, err := sheet.ReadVouchers("x.xlsx", bytes.NewReader(noHeader))
	var e *app.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "import_no_header", e.Code, "a header below row 10 is not looked for")

	missing := xlsxFile(t, func(f *excelize.File, sh string) {
		must(t, f.SetSheetRow(sh, "A1", &[]any{"receipt_no", "personal_id", "full_name", "paid_on", "from_month", "months"}))
	})
	_, _, err = sheet.ReadVouchers("x.xlsx", bytes.NewReader(missing))
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "import_missing_column", e.Code)
	assert.Equal(t, "Số tiền (amount)", e.Args["column"])
}

func TestReadsTheFirstSheetWithAHeader(t *testing.T) {
	p := mustPeople(t, 6, 1)[0]
	data := xlsxFile(t, func(f *excelize.File, sh string) {
		must(t, f.SetCellValue(sh, "A1", "Hướng dẫn: điền bảng kê ở trang sau"))
		_, err := f.NewSheet("Bảng kê")
		must(t, err)
		must(t, f.SetSheetRow("Bảng kê", "A2", &[]any{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng"}))
		must(t, f.SetSheetRow("Bảng kê", "A3", &[]any{"BL-1", p.ID, p.Name, 264000, "2025-09-05", "2025-09", 1}))
	})
	rows, problems, err := sheet.ReadVouchers("x.xlsx", bytes.NewReader(data))
	require.NoError(t, err)
	assert.Empty(t, problems)
	require.Len(t, rows, 1)
	assert.Equal(t, 3, rows[0].Line)
}

func TestReadsExcelUnicodeText(t *testing.T) {
	p := mustPeople(t, 7, 2)
	text := "Số biên lai\tSố CCCD/ĐDCN\tHọ và tên\tSố tiền\tNgày nộp\tTừ tháng\tSố tháng\r\n" +
		"BL-1\t" + p[0].ID + "\t" + p[0].Name + "\t264000\t05/09/2025\t09/2025\t1\r\n" +
		"BL-2\t" + p[1].ID + "\t" + p[1].Name + "\t264000\t05/09/2025\t09/2025\t1\r\n"
	for _, order := range []unicode.Endianness{unicode.LittleEndian, unicode.BigEndian} {
		data, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().String(text)
		require.NoError(t, err)
		rows, problems, err := sheet.ReadVouchers("x.txt", strings.NewReader(data))
		require.NoError(t, err)
		assert.Empty(t, problems)
		require.Len(t, rows, 2)
		assert.Equal(t, p[1].Name, rows[1].Input.FullName)
		assert.Equal(t, 3, rows[1].Line)
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
	assert.Equal(t, map[string]string{"line": "5", "end_line": "6"}, problemAt(t, problems, 5).Args, "the unclosed quote swallowed line 6: the problem says so")
}

// genRow is one data row of a generated file and whether it is blank.
type genRow struct {
	cells []string
	blank bool
}

// genRows makes n realistic rows, good and bad of every kind, some blank.
func genRows(tb testing.TB, seed uint64, n int) []genRow {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	people := mustPeople(tb, seed, n)
	out := make([]genRow, n)
	for i, who := range people {
		receipt := fmt.Sprintf("BL-%06d", i+1)
		row := []string{receipt, who.ID, who.Name, "264000", "05/09/2025", "09/2025", "1", "Đại lý thu xã Yên Định"}
		switch r.IntN(12) {
		case 0:
			row = make([]string, 8)
			out[i] = genRow{cells: row, blank: true}
			continue
		case 1:
			row[1] = strings.TrimLeft(row[1], "0")
		case 2:
			row[2] = norm.NFD.String(row[2])
		case 3:
			row[3] = "=264000"
		case 4:
			row[3] = "264.0000"
		case 5:
			row[0] = fmt.Sprintf("BL-%06d", 1+r.IntN(i+1)) // may repeat an earlier receipt
		case 6:
			row[6] = "mười"
		case 7:
			row[2] = "Nguyễn \"Tí\"\nVăn" // a quoted line break in CSV
		}
		out[i] = genRow{cells: row}
	}
	return out
}

func csvOf(rows []genRow) (data []byte, lines []int) {
	var b bytes.Buffer
	b.WriteString("Số biên lai;Số CCCD/ĐDCN;Họ và tên;Số tiền;Ngày nộp;Từ tháng;Số tháng;Nhân viên thu\n")
	line := 2
	for _, r := range rows {
		quoted := make([]string, len(r.cells))
		for i, c := range r.cells {
			if strings.ContainsAny(c, "\";\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			quoted[i] = c
		}
		if !r.blank {
			lines = append(lines, line)
		}
		s := strings.Join(quoted, ";") + "\n"
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	return b.Bytes(), lines
}

func xlsxOf(tb testing.TB, rows []genRow) (data []byte, lines []int) {
	tb.Helper()
	data = xlsxFile(tb, func(f *excelize.File, sh string) {
		sw, err := f.NewStreamWriter(sh)
		must(tb, err)
		must(tb, sw.SetRow("A1", []any{"Bảng kê chứng từ đóng"}))
		must(tb, sw.SetRow("A2", []any{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"}))
		for i, r := range rows {
			vals := make([]any, len(r.cells))
			for j, c := range r.cells {
				vals[j] = c
			}
			if !r.blank && r.cells[3] == "264000" {
				vals[3] = 264000 // amounts as numbers, as most exports have them
			}
			if strings.HasPrefix(r.cells[3], "=") {
				vals[3] = excelize.Cell{Formula: r.cells[3][1:]}
			}
			must(tb, sw.SetRow(fmt.Sprint("A", i+3), vals))
			if !r.blank {
				lines = append(lines, i+3)
			}
		}
		must(tb, sw.Flush())
	})
	return data, lines
}

// Nothing is lost: every non-blank data row ends in rows or in problems, exactly once.
func TestEveryNonBlankRowEndsInRowsOrProblems(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		gen := genRows(t, seed, 150)
		csvData, csvLines := csvOf(gen)
		xlsxData, xlsxLines := xlsxOf(t, gen)
		for _, f := range []struct {
			name  string
			data  []byte
			lines []int
		}{{"x.csv", csvData, csvLines}, {"x.xlsx", xlsxData, xlsxLines}} {
			rows, problems, err := sheet.ReadVouchers(f.name, bytes.NewReader(f.data))
			require.NoError(t, err, "%s seed %d", f.name, seed)
			assert.Equal(t, len(f.lines), len(rows)+len(problems), "%s seed %d: rows + problems = non-blank data rows", f.name, seed)
			var got []int
			for l := range outcome(t, rows, problems) {
				got = append(got, l)
			}
			assert.ElementsMatch(t, f.lines, got, "%s seed %d: the lines are the data lines", f.name, seed)
			for _, r := range rows {
				assert.True(t, norm.NFC.IsNormalString(r.Input.FullName))
			}
		}
	}
}

// Every code the reader can produce has a message in both languages, with its placeholders
// filled.
func TestEveryProblemHasMessages(t *testing.T) {
	cat := reference(t).Catalog
	for code, args := range map[string][]string{
		"import_too_large": {"max_mb", "50"}, "import_too_many_rows": {"max", "200000"}, "import_not_utf8": {"line", "3"},
		"import_xls_legacy": nil, "import_xlsx_unreadable": nil, "import_not_table": nil, "import_no_header": {"rows", "10"},
		"import_missing_column": {"column", "Số tiền (amount)"}, "import_duplicate_column": {"column", "Số tiền (amount)"},
		"formula_cell": {"column", "Số tiền"}, "id_leading_zeros_lost": {"value", "1190012345"},
		"months_not_number": {"value", "ba"}, "duplicate_receipt_in_file": {"value", "BL-1", "first_line", "4"},
		"csv_bad_quotes": {"line", "5", "end_line", "7"},
	} {
		for _, l := range app.Langs {
			msg := cat.T(l, "err."+code, args...)
			assert.NotEqual(t, "err."+code, msg, "%s has a %s message", code, l)
			assert.NotContains(t, msg, "{", "%s %s: every placeholder filled", code, l)
		}
	}
	for _, field := range []string{"receipt_no", "personal_id", "full_name", "amount", "paid_on", "from_month", "months", "collector", "row"} {
		assert.True(t, cat.Has("field."+field), "field.%s has a label", field)
	}
	msg := cat.Problem(app.VI, app.FieldProblem{Field: "amount", Code: "formula_cell", Args: map[string]string{"column": "Số tiền"}})
	assert.True(t, strings.HasPrefix(msg, "Số tiền: ô ở cột \"Số tiền\""), msg)
}

// A seed corpus of CSVs and XLSX files, good and damaged; whatever the bytes, the reader
// returns (never panics), and what it returns keeps its promise: one outcome per line, lines
// in order, clean NFC text.
func FuzzReadVouchers(f *testing.F) {
	p := mustPeople(f, 9, 3)
	header := "Số biên lai;Số CCCD/ĐDCN;Họ và tên;Số tiền;Ngày nộp;Từ tháng;Số tháng\n"
	for _, s := range []string{
		header + "BL-1;" + p[0].ID + ";" + p[0].Name + ";264.000;05/09/2025;T9/2025;1\n",
		"\xEF\xBB\xBF" + header + "BL-1;" + p[1].ID + ";\"" + p[1].Name + "\n\";=1+1;2025-09-05;2025-09;x\n;;;;;;\n",
		"receipt_no,personal_id,full_name,amount,paid_on,from_month,months\nBL-1,\"" + p[2].ID + ",a,1,2,3,4\n",
		"title\n\nreceipt_no\tpersonal_id\tfull_name\tamount\tpaid_on\tfrom_month\tmonths\n1\t2\t3\t4\t5\t6\t7\n",
		"\xFF\xFEa\x00,\x00",
		"Tr\xe2n",
	} {
		f.Add([]byte(s))
	}
	xl, _ := xlsxOf(f, genRows(f, 9, 8))
	f.Add(xl)
	f.Add(xl[:len(xl)/2])
	f.Add(append([]byte("PK\x03\x04"), make([]byte, 64)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"x.csv", "x.xlsx"} {
			rows, problems, err := sheet.ReadVouchers(name, bytes.NewReader(data))
			if err != nil {
				require.Empty(t, rows)
				require.Empty(t, problems)
				var e *app.Error
				require.True(t, errors.As(err, &e), "file errors are *app.Error: %v", err)
				continue
			}
			seen := map[int]bool{}
			last := 0
			for _, r := range rows {
				require.False(t, seen[r.Line])
				require.Greater(t, r.Line, last, "rows in file order")
				seen[r.Line], last = true, r.Line
				for _, s := range []string{r.Input.ReceiptNo, r.Input.PersonalID, r.Input.FullName, r.Input.Collector, string(r.Input.Amount)} {
					require.True(t, norm.NFC.IsNormalString(s))
					require.Equal(t, strings.TrimSpace(s), s)
				}
			}
			for _, pr := range problems {
				require.False(t, seen[pr.Line], "line %d has one outcome", pr.Line)
				require.Greater(t, pr.Line, 0)
				seen[pr.Line] = true
				require.NotEmpty(t, pr.Problem.Code)
			}
		}
	})
}

var (
	benchOnce sync.Once
	benchData []byte
)

// BenchmarkReadVouchers10kXLSX reads a realistic 10,000-row workbook: typed cells (number
// amounts, date cells, text IDs), a title above the header, a formula column of row numbers.
func BenchmarkReadVouchers10kXLSX(b *testing.B) {
	benchOnce.Do(func() {
		people := mustPeople(b, 10, 10000)
		benchData = xlsxFile(b, func(f *excelize.File, sh string) {
			dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
			must(b, err)
			monthFmt := "mm/yyyy"
			monthStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &monthFmt})
			must(b, err)
			sw, err := f.NewStreamWriter(sh)
			must(b, err)
			must(b, sw.SetRow("A1", []any{"BẢNG KÊ CHỨNG TỪ THU BHXH TỰ NGUYỆN"}))
			must(b, sw.SetRow("A3", []any{"STT", "Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"}))
			for i, who := range people {
				paid := time.Date(2025, 9, 1+i%28, 0, 0, 0, 0, time.UTC)
				must(b, sw.SetRow(fmt.Sprint("A", i+4), []any{
					excelize.Cell{Formula: "ROW()-3"}, fmt.Sprintf("BL-2025-%06d", i+1), who.ID, who.Name, 264000,
					excelize.Cell{StyleID: dateStyle, Value: paid}, excelize.Cell{StyleID: monthStyle, Value: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)},
					1, "Đại lý thu xã Yên Định"}))
			}
			must(b, sw.Flush())
		})
	})
	b.SetBytes(int64(len(benchData)))
	b.ResetTimer()
	for b.Loop() {
		rows, problems, err := sheet.ReadVouchers("bang-ke.xlsx", bytes.NewReader(benchData))
		if err != nil || len(rows) != 10000 || len(problems) != 0 {
			b.Fatalf("rows %d, problems %d (%v), err %v", len(rows), len(problems), problems[:min(3, len(problems))], err)
		}
	}
}
