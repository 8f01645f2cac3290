package sheet_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/sheet"
)

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
		for i, h := range []string{"STT", "Số biên lai", "Số định danh", "Họ và tên", "Số tiền (đồng)", "Ngày nộp tiền", "Từ tháng",
			"Số tháng đóng", "Người thu"} {
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
	assert.Equal(t, map[string]string{"value": strings.TrimLeft(p[1].ID, "0")}, problemAt(t, problems, 5).Args,
		"the number as stored, not padded")
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
				must(t, f.SetSheetRow(sh, "A2", &[]any{"R1", p.ID, p.Name, 264000, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
					time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1}))
			})
			rows, problems, err := sheet.ReadVouchers("x.xlsx", bytes.NewReader(data))
			require.NoError(t, err)
			require.Empty(t, problems)
			assert.Equal(t, "2025-12-31", rows[0].Input.PaidOn)
			assert.Equal(t, "2026-01", rows[0].Input.FromMonth)
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
