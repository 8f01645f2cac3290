package printout

import (
	"io"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/pdf"
	"bhxhdesk/sheet"
)

// ReportFormat is the format of an office report's file, from its name: ".xlsx" or ".pdf".
func ReportFormat(name string) (string, bool) {
	switch {
	case strings.HasSuffix(strings.ToLower(name), ".xlsx"):
		return "xlsx", true
	case strings.HasSuffix(strings.ToLower(name), ".pdf"):
		return "pdf", true
	}
	return "", false
}

// WriteD05 writes list D05-TS as XLSX or PDF. The form is an official one of Vietnam Social
// Security: it is printed in Vietnamese whatever the desk's language.
func WriteD05(ref *assets.Reference, l app.D05List, format string, w io.Writer, now time.Time) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(app.VI, key, args...) }
	if format == "xlsx" {
		return sheet.WriteD05(w, t, l)
	}
	d := pdf.TableData{
		Lang: string(app.VI), Office: pdfOffice(ref.Catalog, ref.Places, l.Office, app.VI), Date: now,
		Left: []string{t("d05.unit", "name", l.Office.Name), t("d05.unit_code", "code", l.Office.Agency),
			t("d05.address", "address", l.Office.Address)},
		Right:    []string{t("d05.form"), t("d05.issued_by")},
		Title:    t("d05.title"),
		Subtitle: t("d05.period", "month", l.Month.VNString()),
		DateLine: t("d05.date_line"),
		Signers:  [][2]string{{t("d05.sign.maker"), t("d05.sign.hint")}, {t("d05.sign.head"), t("d05.sign.hint_seal")}},
		Notes:    []string{t("d05.books", "n", strconv.Itoa(l.Books))},
	}
	weights := []float64{3, 9, 10, 10, 9, 8, 8, 7.5, 4.5, 6.5, 8, 8, 3.5, 7.5, 3.5, 7.5, 3, 6, 5, 7}
	cols := []struct{ group, label string }{
		{"", "d05.col.no"}, {"", "d05.col.name"}, {"", "d05.col.si_code"}, {"", "d05.col.id"}, {"", "d05.col.address"},
		{"", "d05.col.receipt_date"}, {"", "d05.col.receipt_no"}, {"", "d05.col.income"},
		{"d05.col.method", "d05.col.months"}, {"d05.col.method", "d05.col.from"},
		{"d05.col.amount", "d05.col.due"}, {"d05.col.amount", "d05.col.paid"},
		{"d05.col.state", "d05.col.percent"}, {"d05.col.state", "d05.col.money"},
		{"d05.col.local", "d05.col.percent"}, {"d05.col.local", "d05.col.money"},
		{"d05.col.other", "d05.col.percent"}, {"d05.col.other", "d05.col.money"},
		{"", "d05.col.collector"}, {"", "d05.col.note"},
	}
	for i, c := range cols {
		col := pdf.TableColumn{Header: t(c.label), Weight: weights[i], Number: i == 7 || (i >= 10 && i <= 17)}
		if c.group != "" {
			col.Group = t(c.group)
		}
		d.Columns = append(d.Columns, col)
	}
	d.Codes = []string{"A", "B", "C", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"}
	heading := func(no, label string) {
		cells := make([]string, len(cols))
		cells[0], cells[1] = no, label
		d.Rows = append(d.Rows, pdf.TableRow{Cells: cells, Strong: true})
	}
	sum := func(label string, rows []app.D05Row) {
		var due, paid, state, local, other app.Money
		for _, r := range rows {
			due, paid, state, local, other = due+r.Due, paid+r.Paid, state+r.StateSupport, local+r.LocalSupport, other+r.OtherSupport
		}
		cells := make([]string, len(cols))
		cells[1], cells[10], cells[11], cells[13], cells[15], cells[17] = label, due.Grouped(), paid.Grouped(), state.Grouped(),
			local.Grouped(), other.Grouped()
		d.Rows = append(d.Rows, pdf.TableRow{Cells: cells, Strong: true})
	}
	rows := func(rs []app.D05Row) {
		for i, r := range rs {
			cells := make([]string, 0, len(cols))
			for _, v := range sheet.D05Cells(t, i+1, r) {
				cells = append(cells, cellText(v))
			}
			d.Rows = append(d.Rows, pdf.TableRow{Cells: cells})
		}
	}
	heading("I", t("d05.increase"))
	heading("I.1", t("d05.participants"))
	rows(l.Increases)
	sum(t("d05.sum_increase"), l.Increases)
	heading("II", t("d05.decrease"))
	heading("II.1", t("d05.participants"))
	rows(l.Decreases)
	sum(t("d05.sum_decrease"), l.Decreases)
	sum(t("d05.total"), append(append([]app.D05Row{}, l.Increases...), l.Decreases...))
	return pdf.Table(w, d)
}

// WriteMonthly writes the office's monthly report as XLSX or PDF in lang, with a chart of what
// was collected by support group.
func WriteMonthly(ref *assets.Reference, o app.Office, r app.MonthlyReport, lang app.Lang, format string, w io.Writer,
	now time.Time,
) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	if format == "xlsx" {
		return sheet.WriteMonthly(w, t, o, r)
	}
	d := pdf.TableData{
		Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now,
		Left:     []string{t("d05.unit", "name", o.Name), t("d05.unit_code", "code", o.Agency)},
		Title:    t("report.title"),
		Subtitle: t("report.period", "month", r.Month.VNString()),
		Notes:    []string{t("report.note")},
		DateLine: t("d05.date_line"),
		Signers:  [][2]string{{t("d05.sign.maker"), t("d05.sign.hint")}, {t("d05.sign.head"), t("d05.sign.hint_seal")}},
	}
	for i, h := range sheet.MonthlyHeaders(t) {
		weight := 8.0
		if i == 0 {
			weight = 16
		}
		d.Columns = append(d.Columns, pdf.TableColumn{Header: h, Weight: weight, Number: i > 0})
	}
	chart := &pdf.BarChart{Title: t("report.chart")}
	line := func(label string, l app.ReportLine, strong bool) {
		var cells []string
		for _, v := range sheet.MonthlyCells(label, l) {
			cells = append(cells, cellText(v))
		}
		d.Rows = append(d.Rows, pdf.TableRow{Cells: cells, Strong: strong})
	}
	for _, g := range r.Groups {
		name := t("group." + string(g.Group))
		line(name, g.ReportLine, false)
		chart.Labels = append(chart.Labels, name)
		chart.Values = append(chart.Values, int64(g.Collected))
	}
	line(t("report.total"), r.Total, true)
	if r.Total.Collected > 0 {
		d.Chart = chart // nothing collected in the month: no chart of zeros
	}
	return pdf.Table(w, d)
}

// cellText is a cell's value as printed: amounts grouped by thousands, shares with a comma.
func cellText(v any) string {
	switch x := v.(type) {
	case int64:
		return app.Money(x).Grouped()
	case int:
		return strconv.Itoa(x)
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case string:
		return x
	}
	return ""
}
