package sheet_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/sheet"
)

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
		must(tb, sw.SetRow("A2", []any{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng",
			"Nhân viên thu"}))
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
			must(b, sw.SetRow("A3", []any{"STT", "Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng",
				"Số tháng", "Nhân viên thu"}))
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
