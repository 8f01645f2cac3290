package sheet

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"bhxhdesk/app"
)

// Texts gives a report's texts in the reader's language (the catalogue's T).
type Texts func(key string, args ...string) string

// d05Columns are the columns of list D05-TS in the form's order: the code printed under the
// headers (A, B, C, 1…17) and the header's keys, a group header's key first where there is one.
var d05Columns = []struct {
	code         string
	group, label string
}{
	{"A", "", "d05.col.no"}, {"B", "", "d05.col.name"}, {"C", "", "d05.col.si_code"}, {"1", "", "d05.col.id"},
	{"2", "", "d05.col.address"}, {"3", "", "d05.col.receipt_date"}, {"4", "", "d05.col.receipt_no"}, {"5", "", "d05.col.income"},
	{"6", "d05.col.method", "d05.col.months"}, {"7", "d05.col.method", "d05.col.from"},
	{"8", "d05.col.amount", "d05.col.due"}, {"9", "d05.col.amount", "d05.col.paid"},
	{"10", "d05.col.state", "d05.col.percent"}, {"11", "d05.col.state", "d05.col.money"},
	{"12", "d05.col.local", "d05.col.percent"}, {"13", "d05.col.local", "d05.col.money"},
	{"14", "d05.col.other", "d05.col.percent"}, {"15", "d05.col.other", "d05.col.money"},
	{"16", "", "d05.col.collector"}, {"17", "", "d05.col.note"},
}

// D05Cells are the cells of one row of list D05-TS, in the columns' order: numbers as numbers.
func D05Cells(t Texts, i int, r app.D05Row) []any {
	note := t("group."+string(r.Group)) + "; " + t("d05.note.continue")
	if r.New {
		note = t("group."+string(r.Group)) + "; " + t("d05.note.new")
	}
	if r.Refund != "" {
		note = t("d05.note.refund", "reason", t("reason."+r.Refund))
	}
	pct := func(r app.Rate) any {
		if r == 0 {
			return ""
		}
		return float64(r) / 100
	}
	amount := func(m app.Money) any {
		if m == 0 {
			return "" // a support the person does not have is left blank, as on the form
		}
		return int64(m)
	}
	return []any{i, r.FullName, r.SICode, r.PersonalID, r.Address, r.ReceiptDate.VNString(), r.ReceiptNo, int64(r.Income), r.Months,
		r.From.VNString(), int64(r.Due), int64(r.Paid), pct(r.StatePercent), amount(r.StateSupport), pct(r.LocalPercent),
		amount(r.LocalSupport), "", amount(r.OtherSupport), r.Collector, note}
}

// WriteD05 writes list D05-TS as an XLSX workbook: the unit's heading and the form's name, the
// title and month, the two header rows and the column codes, "I. Tăng" with its rows and sum,
// "II. Giảm" with its rows and sum, the grand total, the number of books to issue and the
// signatures.
func WriteD05(w io.Writer, t Texts, l app.D05List) error {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "D05-TS"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	last := col(len(d05Columns))
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	center, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}})
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cellStyle, _ := f.NewStyle(&excelize.Style{Border: border})
	money, _ := f.NewStyle(&excelize.Style{Border: border, NumFmt: 3}) // #,##0
	sumStyle, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, NumFmt: 3})
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), Size: ptr(9)}); err != nil { // A4
		return err
	}

	// The list is streamed row by row (a list of thousands of rows is written in a fraction of
	// the time and memory a workbook built cell by cell takes); g holds the rows as they are laid out.
	g := &grid{}
	g.set(1, 1, t("d05.unit", "name", l.Office.Name), bold)
	g.set(1, 2, t("d05.unit_code", "code", l.Office.Agency), 0)
	g.set(1, 3, t("d05.address", "address", l.Office.Address), 0)
	g.set(16, 1, t("d05.form"), bold)
	g.set(16, 2, t("d05.issued_by"), 0)
	g.merge("A5", last+"5")
	g.set(1, 5, t("d05.title"), title)
	g.merge("A6", last+"6")
	g.set(1, 6, t("d05.period", "month", l.Month.VNString()), center)

	// Headers: row 8 the groups (or the single header spanning both rows), row 9 the sub-headers,
	// row 10 the codes.
	for i := 0; i < len(d05Columns); {
		c := d05Columns[i]
		x := col(i + 1)
		if c.group == "" {
			g.merge(x+"8", x+"9")
			g.set(i+1, 8, t(c.label), head)
			g.set(i+1, 9, "", head)
			i++
			continue
		}
		j := i
		for j < len(d05Columns) && d05Columns[j].group == c.group {
			g.set(j+1, 9, t(d05Columns[j].label), head)
			j++
		}
		g.merge(x+"8", col(j)+"8")
		g.set(i+1, 8, t(c.group), head)
		i = j
	}
	for i, c := range d05Columns {
		g.set(i+1, 10, c.code, head)
	}
	g.height(9, 45)

	row := 11
	line := func(cells []any, style, moneyStyle int) {
		for i, v := range cells {
			st := style
			if _, ok := v.(int64); ok {
				st = moneyStyle
			}
			g.set(i+1, row, v, st)
		}
		row++
	}
	heading := func(no, label string) {
		cells := make([]any, len(d05Columns))
		for i := range cells {
			cells[i] = ""
		}
		cells[0], cells[1] = no, label
		line(cells, head, head)
	}
	sums := func(label string, rows []app.D05Row) []any {
		var due, paid, state, local, other int64
		for _, r := range rows {
			due, paid, state, local, other = due+int64(r.Due), paid+int64(r.Paid), state+int64(r.StateSupport),
				local+int64(r.LocalSupport), other+int64(r.OtherSupport)
		}
		cells := make([]any, len(d05Columns))
		for i := range cells {
			cells[i] = ""
		}
		cells[1], cells[10], cells[11], cells[13], cells[15], cells[17] = label, due, paid, state, local, other
		return cells
	}
	heading("I", t("d05.increase"))
	heading("I.1", t("d05.participants"))
	for i, r := range l.Increases {
		line(D05Cells(t, i+1, r), cellStyle, money)
	}
	line(sums(t("d05.sum_increase"), l.Increases), sumStyle, sumStyle)
	heading("II", t("d05.decrease"))
	heading("II.1", t("d05.participants"))
	for i, r := range l.Decreases {
		line(D05Cells(t, i+1, r), cellStyle, money)
	}
	line(sums(t("d05.sum_decrease"), l.Decreases), sumStyle, sumStyle)
	line(sums(t("d05.total"), append(append([]app.D05Row{}, l.Increases...), l.Decreases...)), sumStyle, sumStyle)

	row++
	g.set(1, row, t("d05.books", "n", strconv.Itoa(l.Books)), bold)
	row += 2
	g.set(16, row, t("d05.date_line"), 0)
	row++
	g.set(2, row, t("d05.sign.maker"), bold)
	g.set(16, row, t("d05.sign.head"), bold)
	row++
	g.set(2, row, t("d05.sign.hint"), 0)
	g.set(16, row, t("d05.sign.hint_seal"), 0)

	widths := []float64{6, 24, 14, 15, 30, 11, 12, 12, 7, 9, 12, 12, 7, 11, 7, 11, 7, 11, 10, 18}
	if err := g.stream(f, sh, widths); err != nil {
		return err
	}
	return f.Write(w)
}

// grid is a sheet laid out cell by cell in any order, then streamed out row by row.
type grid struct {
	rows    [][]any // by row − 1, each by column − 1: an excelize.Cell or nil
	heights map[int]float64
	merges  [][2]string
}

// set puts v with a style (0: none) at column c and row r, both from 1.
func (g *grid) set(c, r int, v any, style int) {
	for len(g.rows) < r {
		g.rows = append(g.rows, nil)
	}
	cells := g.rows[r-1]
	for len(cells) < c {
		cells = append(cells, nil)
	}
	cells[c-1] = excelize.Cell{StyleID: style, Value: v}
	g.rows[r-1] = cells
}

func (g *grid) height(r int, h float64) {
	if g.heights == nil {
		g.heights = map[int]float64{}
	}
	g.heights[r] = h
}

func (g *grid) merge(from, to string) { g.merges = append(g.merges, [2]string{from, to}) }

// stream writes the grid to the sheet with the columns' widths.
func (g *grid) stream(f *excelize.File, sh string, widths []float64) error {
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	for i, cells := range g.rows {
		if cells == nil {
			continue
		}
		var opts []excelize.RowOpts
		if h, ok := g.heights[i+1]; ok {
			opts = append(opts, excelize.RowOpts{Height: h})
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+1), cells, opts...); err != nil {
			return err
		}
	}
	for _, m := range g.merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// WriteMonthly writes the office's monthly report as an XLSX workbook: heading, one line per
// support group and the total, and a column chart of what was collected by group.
func WriteMonthly(w io.Writer, t Texts, office app.Office, r app.MonthlyReport) error {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "BaoCao"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cellStyle, _ := f.NewStyle(&excelize.Style{Border: border, NumFmt: 3})
	sumStyle, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, NumFmt: 3})
	set := func(cell string, v any, style int) {
		_ = f.SetCellValue(sh, cell, v)
		if style != 0 {
			_ = f.SetCellStyle(sh, cell, cell, style)
		}
	}
	headers := MonthlyHeaders(t)
	last := col(len(headers))
	set("A1", t("d05.unit", "name", office.Name), bold)
	set("A2", t("d05.unit_code", "code", office.Agency), 0)
	_ = f.MergeCell(sh, "A4", last+"4")
	set("A4", t("report.title"), title)
	_ = f.MergeCell(sh, "A5", last+"5")
	set("A5", t("report.period", "month", r.Month.VNString()), 0)
	for i, h := range headers {
		set(col(i+1)+"7", h, head)
	}
	_ = f.SetRowHeight(sh, 7, 32)
	row := 8
	for _, g := range r.Groups {
		for i, v := range MonthlyCells(t("group."+string(g.Group)), g.ReportLine) {
			set(col(i+1)+strconv.Itoa(row), v, cellStyle)
		}
		row++
	}
	for i, v := range MonthlyCells(t("report.total"), r.Total) {
		set(col(i+1)+strconv.Itoa(row), v, sumStyle)
	}
	set("A"+strconv.Itoa(row+2), t("report.note"), 0)
	_ = f.SetColWidth(sh, "A", "A", 22)
	_ = f.SetColWidth(sh, "B", last, 13)
	if len(r.Groups) > 0 {
		// The chart of what was collected by group (the last column of the groups' lines).
		collected := col(len(headers))
		err := f.AddChart(sh, "B"+strconv.Itoa(row+4), &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{Name: sh + "!$" + collected + "$7",
				Categories: fmt.Sprintf("%s!$A$8:$A$%d", sh, row-1),
				Values:     fmt.Sprintf("%s!$%s$8:$%s$%d", sh, collected, collected, row-1)}},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: t("report.chart")}}},
			Legend: excelize.ChartLegend{Position: "none"},
		})
		if err != nil {
			return err
		}
	}
	return f.Write(w)
}

// MonthlyHeaders are the monthly report's column headers.
func MonthlyHeaders(t Texts) []string {
	var out []string
	for _, k := range []string{"group", "at_start", "new", "back", "stopped", "at_end", "payments", "gross", "state", "local", "discount",
		"interest", "collected"} {
		out = append(out, t("report.col."+k))
	}
	return out
}

// MonthlyCells are one line of the monthly report in the headers' order.
func MonthlyCells(label string, l app.ReportLine) []any {
	return []any{label, l.AtStart, l.New, l.Back, l.Stopped, l.AtEnd, l.Payments, int64(l.Gross), int64(l.StateSupport),
		int64(l.LocalSupport), int64(l.Discount), int64(l.Interest), int64(l.Collected)}
}

// col is the letter of the n-th column (1 = A).
func col(n int) string {
	name, _ := excelize.ColumnNumberToName(n)
	return name
}

func ptr[T any](v T) *T { return &v }
