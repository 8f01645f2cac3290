package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bhxhdesk/app"
)

// TableData is a report of the office printed as a table on A4 landscape (list D05-TS, the
// monthly report): the unit's lines on the left and the form's on the right, a title and a
// subtitle, the columns (a group header over several of them where there is one), the rows
// (section headings and sums in bold), notes, an optional bar chart and the signature blocks.
// Every text comes from the caller in the reader's language.
type TableData struct {
	Lang        string
	Office      Office
	Date        time.Time
	Left, Right []string
	Title       string
	Subtitle    string
	Columns     []TableColumn
	Codes       []string // a line of column codes under the headers (A, B, C, 1, 2, …), or none
	Rows        []TableRow
	Notes       []string
	Chart       *BarChart
	DateLine    string
	Signers     [][2]string // a title and its hint ("(Ký, ghi rõ họ tên)")
}

// TableColumn is a column: its header, the header of its group (merged over neighbours with the
// same group), its share of the width and whether its values are numbers (right-aligned).
type TableColumn struct {
	Header, Group string
	Weight        float64
	Number        bool
}

// TableRow is one line of the table; Strong prints it in bold (headings and sums).
type TableRow struct {
	Cells  []string
	Strong bool
}

// BarChart is a column chart of values by label.
type BarChart struct {
	Title  string
	Labels []string
	Values []int64
}

// Table writes the report as a PDF to w.
func Table(w io.Writer, d TableData) error {
	if strings.TrimSpace(d.Title) == "" || len(d.Columns) == 0 {
		return fmt.Errorf("table: %w", &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "Title"})
	}
	doc, err := newDoc(d.Date)
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	doc.SetMargins(12, 12, 12)
	doc.SetAutoPageBreak(false, 12)
	doc.SetTitle(d.Title, true)
	doc.SetSubject(d.Title, true)
	doc.SetAuthor(d.Office.Agency, true)
	doc.SetLang(langOf(d.Lang))
	doc.AddPageFormat("L", doc.GetPageSizeStr("A4"))

	l, top, _, _ := doc.GetMargins()
	cw := contentWidth(doc)
	doc.SetFont(fontFamily, "B", 9.5)
	y := top
	for i, s := range d.Left {
		if i > 0 {
			doc.SetFont(fontFamily, "", 9)
		}
		doc.SetXY(l, y)
		doc.CellFormat(cw*0.6, 4.5, s, "", 0, "L", false, 0, "")
		y += 4.5
	}
	y2 := top
	for i, s := range d.Right {
		doc.SetFont(fontFamily, map[bool]string{true: "B", false: ""}[i == 0], 9)
		doc.SetXY(l+cw*0.6, y2)
		doc.CellFormat(cw*0.4, 4.5, s, "", 0, "R", false, 0, "")
		y2 += 4.5
	}
	doc.SetXY(l, max(y, y2)+3)
	doc.SetFont(fontFamily, "B", 13)
	doc.MultiCell(cw, 6, d.Title, "", "C", false)
	if d.Subtitle != "" {
		doc.SetFont(fontFamily, "", 10)
		doc.MultiCell(cw, 5, d.Subtitle, "", "C", false)
	}
	doc.Ln(2)

	widths := columnWidths(d.Columns, cw)
	// The header is drawn again on every page (hundreds for a list of thousands of rows): its
	// texts are cut into lines once.
	split := map[headerText][]string{}
	header := func() {
		drawHeader(doc, d, widths, split)
	}
	header()
	current := "" // the rows' font style now set
	doc.SetFont(fontFamily, current, 7.5)
	_, pageH := doc.GetPageSize()
	bottom := pageH - 14
	const lineH = 3.6
	for _, r := range d.Rows {
		style := ""
		if r.Strong {
			style = "B"
		}
		if style != current {
			doc.SetFont(fontFamily, style, 7.5)
			current = style
		}
		lines := make([][]string, len(d.Columns))
		n := 1
		for i, c := range d.Columns {
			text := ""
			if i < len(r.Cells) {
				text = r.Cells[i]
			}
			if c.Number {
				lines[i] = []string{text} // a number is never cut: it is drawn smaller when it must
				continue
			}
			lines[i] = splitText(doc, text, widths[i]-1.2)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lineH + 1.2
		if doc.GetY()+h > bottom {
			doc.AddPageFormat("L", doc.GetPageSizeStr("A4"))
			header()
			doc.SetFont(fontFamily, style, 7.5)
			current = style
		}
		x, y := l, doc.GetY()
		for i, c := range d.Columns {
			doc.Rect(x, y, widths[i], h, "D")
			align := "L"
			if c.Number {
				align = "R"
			}
			for k, ln := range lines[i] {
				if ln == "" {
					continue
				}
				doc.SetXY(x+0.6, y+0.6+float64(k)*lineH)
				size := 7.5
				for c.Number && size > 4.5 && doc.GetStringWidth(ln) > widths[i]-1.2 {
					size -= 0.5
					doc.SetFontSize(size)
				}
				doc.CellFormat(widths[i]-1.2, lineH, ln, "", 0, align, false, 0, "")
				if size != 7.5 {
					doc.SetFontSize(7.5)
				}
			}
			x += widths[i]
		}
		doc.SetXY(l, y+h)
	}

	doc.Ln(3)
	doc.SetFont(fontFamily, "", 9)
	for _, n := range d.Notes {
		if doc.GetY()+5 > bottom {
			doc.AddPageFormat("L", doc.GetPageSizeStr("A4"))
		}
		doc.SetX(l)
		doc.MultiCell(cw, 4.5, n, "", "L", false)
	}
	if d.Chart != nil && len(d.Chart.Values) > 0 {
		if doc.GetY()+60 > bottom {
			doc.AddPageFormat("L", doc.GetPageSizeStr("A4"))
		}
		drawChart(doc, *d.Chart, l, doc.GetY()+3, cw*0.6, 52)
	}
	if len(d.Signers) > 0 {
		if doc.GetY()+34 > bottom {
			doc.AddPageFormat("L", doc.GetPageSizeStr("A4"))
		}
		doc.Ln(4)
		y := doc.GetY()
		part := cw / float64(len(d.Signers))
		if d.DateLine != "" {
			doc.SetFont(fontFamily, "", 9)
			doc.SetXY(l+part*float64(len(d.Signers)-1), y)
			doc.CellFormat(part, 5, d.DateLine, "", 0, "C", false, 0, "")
			y += 5
		}
		for i, s := range d.Signers {
			doc.SetXY(l+part*float64(i), y)
			doc.SetFont(fontFamily, "B", 9.5)
			doc.CellFormat(part, 5, s[0], "", 2, "C", false, 0, "")
			doc.SetX(l + part*float64(i))
			doc.SetFont(fontFamily, "", 8.5)
			doc.CellFormat(part, 4.5, s[1], "", 2, "C", false, 0, "")
		}
	}
	if err := doc.Error(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return doc.Output(w)
}

// columnWidths shares the width among the columns by their weights.
func columnWidths(cols []TableColumn, width float64) []float64 {
	total := 0.0
	for _, c := range cols {
		total += max(c.Weight, 1)
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = width * max(c.Weight, 1) / total
	}
	return out
}

// drawHeader draws the header rows: a group's title over its columns, a column without a group
// spanning both rows; then the line of codes.
func drawHeader(doc *fpdf.Fpdf, d TableData, widths []float64, split map[headerText][]string) {
	l, _, _, _ := doc.GetMargins()
	const groupH, subH, codeH = 7.0, 11.0, 4.0
	y := doc.GetY()
	hasGroups := false
	for _, c := range d.Columns {
		hasGroups = hasGroups || c.Group != ""
	}
	gh := 0.0
	if hasGroups {
		gh = groupH
	}
	doc.SetFont(fontFamily, "B", 7)
	x := l
	for i := 0; i < len(d.Columns); {
		c := d.Columns[i]
		if c.Group == "" {
			box(doc, x, y, widths[i], gh+subH, c.Header, split)
			x += widths[i]
			i++
			continue
		}
		j, w := i, 0.0
		for j < len(d.Columns) && d.Columns[j].Group == c.Group {
			box(doc, x+w, y+gh, widths[j], subH, d.Columns[j].Header, split)
			w += widths[j]
			j++
		}
		box(doc, x, y, w, gh, c.Group, split)
		x += w
		i = j
	}
	y += gh + subH
	if len(d.Codes) > 0 {
		doc.SetFont(fontFamily, "", 7)
		x = l
		for i := range d.Columns {
			code := ""
			if i < len(d.Codes) {
				code = d.Codes[i]
			}
			box(doc, x, y, widths[i], codeH, code, split)
			x += widths[i]
		}
		y += codeH
	}
	doc.SetXY(l, y)
}

// box draws a bordered cell with its text centred, on as many lines as it needs.
func box(doc *fpdf.Fpdf, x, y, w, h float64, text string, split map[headerText][]string) {
	doc.Rect(x, y, w, h, "D")
	k := headerText{text: text, width: w, style: doc.GetFontStyle()}
	lines, ok := split[k]
	if !ok {
		lines = splitText(doc, text, w-1)
		split[k] = lines
	}
	const lh = 3.1
	top := y + (h-float64(len(lines))*lh)/2
	for k, ln := range lines {
		doc.SetXY(x+0.5, top+float64(k)*lh)
		doc.CellFormat(w-1, lh, ln, "", 0, "C", false, 0, "")
	}
}

// headerText is a header's text in a box of a width, in a font style (the size is the header's).
type headerText struct {
	text  string
	width float64
	style string
}

// splitText cuts a text into lines that fit a width at the current font.
func splitText(doc *fpdf.Fpdf, text string, w float64) []string {
	if text == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		lines := doc.SplitText(para, w)
		if len(lines) == 0 {
			lines = []string{""}
		}
		out = append(out, lines...)
	}
	return out
}

// drawChart draws a column chart with its title, axis and the value over each bar.
func drawChart(doc *fpdf.Fpdf, c BarChart, x, y, w, h float64) {
	doc.SetFont(fontFamily, "B", 9)
	doc.SetXY(x, y)
	doc.CellFormat(w, 5, c.Title, "", 0, "L", false, 0, "")
	top, base := y+9, y+h-8
	var hi int64
	for _, v := range c.Values {
		hi = max(hi, v)
	}
	doc.SetLineWidth(0.2)
	doc.Line(x, base, x+w, base)
	if hi <= 0 {
		doc.SetXY(x, y+h)
		return
	}
	slot := w / float64(len(c.Values))
	bw := min(slot*0.55, 22)
	doc.SetFillColor(11, 79, 156)
	doc.SetFont(fontFamily, "", 7)
	for i, v := range c.Values {
		bh := (base - top) * float64(v) / float64(hi)
		bx := x + slot*float64(i) + (slot-bw)/2
		doc.Rect(bx, base-bh, bw, bh, "F")
		doc.SetXY(x+slot*float64(i), base-bh-4)
		doc.CellFormat(slot, 4, app.Money(v).Grouped(), "", 0, "C", false, 0, "")
		doc.SetXY(x+slot*float64(i), base+1)
		label := c.Labels[i]
		doc.CellFormat(slot, 4, label, "", 0, "C", false, 0, "")
	}
	doc.SetFillColor(255, 255, 255)
	doc.SetXY(x, y+h)
}
