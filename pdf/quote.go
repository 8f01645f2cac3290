package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"bhxhdesk/app"
)

// QuoteData is the quote a citizen takes home from the help desk (phiếu báo mức đóng BHXH tự
// nguyện): what the chosen income costs under each payment method, the state support, what the
// citizen pays and the last day to pay. Every text is given by the caller, already in the
// citizen's language (the program's translation catalogue); only the national heading comes
// from the labels of Lang.
type QuoteData struct {
	Lang   string    // "en" for English, Vietnamese otherwise
	Office Office    // the office giving the quote
	Date   time.Time // when the quote was made; printed in the heading, and the PDF's date
	Title  string    // e.g. "PHIẾU BÁO MỨC ĐÓNG BHXH TỰ NGUYỆN"; required
	// Facts are label/value lines above the table: chosen income, support group, first month.
	Facts [][2]string
	// Columns heads the table; each row has one cell per column. The first column names the
	// payment method; the others are amounts and dates, printed right-aligned.
	Columns []string
	Rows    [][]string
	// Highlight is the row of the method the citizen chose (-1 for none): printed bold.
	Highlight int
	// Notes are paragraphs below the table (how support works, that rules may change…).
	Notes []string
	// Signer heads the signature block of the officer who gave the quote; Officer is printed
	// under it.
	Signer, Officer string
}

// Quote writes the quote as an A4 PDF to w. It returns an app.Invalid error naming the field
// (Code "required") when Title is blank or the table is empty, and the writer's error when
// writing fails. The same data gives the same bytes.
func Quote(w io.Writer, q QuoteData) error {
	if strings.TrimSpace(q.Title) == "" {
		return fmt.Errorf("quote: %w", &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "Title"})
	}
	if len(q.Columns) == 0 || len(q.Rows) == 0 {
		return fmt.Errorf("quote: %w", &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "Rows"})
	}
	lb := labelTable[langOf(q.Lang)]
	doc, err := officePage(lb, q.Lang, q.Title, q.Title, q.Office, "", q.Date)
	if err != nil {
		return fmt.Errorf("quote: %w", err)
	}
	title(doc, q.Title)
	for _, f := range q.Facts {
		field(doc, "", f[0], f[1], true)
	}
	doc.Ln(3)

	// The table: the method column takes what the amounts leave.
	l, _, _, _ := doc.GetMargins()
	cw := contentWidth(doc)
	// The method takes a quarter of the width, the period a fifth, the amounts and the date
	// share the rest.
	n := len(q.Columns)
	widths := make([]float64, n)
	widths[0] = cw
	if n > 1 {
		widths[0] = cw * 0.25
		rest := cw - widths[0]
		if n > 2 {
			widths[1] = cw * 0.2
			rest -= widths[1]
			for i := 2; i < n; i++ {
				widths[i] = rest / float64(n-2)
			}
		} else {
			widths[1] = rest
		}
	}
	const rowH = 6.0
	row := func(cells []string, bold bool, head bool) {
		style := ""
		if bold || head {
			style = "B"
		}
		doc.SetFont(fontFamily, style, 10)
		// The tallest cell sets the row's height.
		lines := 1
		for i, c := range cells {
			if i < n {
				lines = max(lines, len(doc.SplitText(c, widths[i]-2)))
			}
		}
		h := rowH * float64(lines)
		keepTogether(doc, h)
		x, y := l, doc.GetY()
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			align := "R"
			if i == 0 || head {
				align = "C"
				if i == 0 && !head {
					align = "L"
				}
			}
			if head {
				doc.SetFillColor(235, 235, 235)
			}
			doc.Rect(x, y, widths[i], h, map[bool]string{true: "FD", false: "D"}[head])
			doc.SetXY(x+1, y)
			doc.MultiCell(widths[i]-2, rowH, c, "", align, false)
			x += widths[i]
		}
		doc.SetXY(l, y+h)
	}
	doc.SetLineWidth(0.2)
	row(q.Columns, false, true)
	for i, r := range q.Rows {
		row(r, i == q.Highlight, false)
	}
	doc.Ln(4)
	doc.SetFont(fontFamily, "", 11)
	for _, p := range q.Notes {
		keepTogether(doc, lineH)
		item(doc, "- ", p)
	}
	if q.Signer != "" {
		doc.Ln(6)
		half := cw / 2
		keepTogether(doc, 6+5.5+24+6)
		y := doc.GetY()
		doc.SetXY(l+half, y)
		doc.SetFont(fontFamily, "B", bodySize)
		doc.CellFormat(half, 6, q.Signer, "", 2, "C", false, 0, "")
		if q.Officer != "" {
			doc.SetXY(l+half, y+6+20)
			doc.MultiCell(half, 6, q.Officer, "", "C", false)
		}
	}
	if err := doc.Error(); err != nil {
		return fmt.Errorf("quote: %w", err)
	}
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("write quote: %w", err)
	}
	return nil
}
