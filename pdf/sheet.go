package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"bhxhdesk/app"
)

// SheetData is a one-page administrative sheet of the office (the recovery secret handed to the
// province, say): the office's heading, a title, label/value lines, one text in large type (a
// secret, a code, printed to be copied by hand), paragraphs, and signature blocks side by side.
// Every text is given by the caller in the reader's language; only the national heading comes
// from the labels of Lang.
type SheetData struct {
	Lang    string
	Office  Office
	Date    time.Time
	Title   string
	Facts   [][2]string
	Big     string
	Notes   []string
	Signers []string
}

// Sheet writes the sheet as an A4 PDF to w. It returns an app.Invalid error naming the field
// (Code "required") when Title is blank.
func Sheet(w io.Writer, s SheetData) error {
	if strings.TrimSpace(s.Title) == "" {
		return fmt.Errorf("sheet: %w", &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "Title"})
	}
	lb := labelTable[langOf(s.Lang)]
	doc, err := officePage(lb, s.Lang, s.Title, s.Title, s.Office, "", s.Date)
	if err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	title(doc, s.Title)
	for _, f := range s.Facts {
		field(doc, "", f[0], f[1], true)
	}
	if s.Big != "" {
		l, _, _, _ := doc.GetMargins()
		doc.Ln(4)
		size := 20.0
		for ; size > 10; size-- {
			doc.SetFont(fontFamily, "B", size)
			if doc.GetStringWidth(s.Big) <= contentWidth(doc)-8 {
				break
			}
		}
		doc.SetX(l)
		doc.SetLineWidth(0.4)
		doc.CellFormat(contentWidth(doc), size*0.7, s.Big, "1", 1, "C", false, 0, "")
		doc.Ln(4)
	}
	doc.SetFont(fontFamily, "", bodySize)
	for _, p := range s.Notes {
		keepTogether(doc, lineH)
		item(doc, "- ", p)
	}
	if len(s.Signers) > 0 {
		l, _, _, _ := doc.GetMargins()
		doc.Ln(8)
		keepTogether(doc, 6+5.5+24)
		wdt := contentWidth(doc) / float64(len(s.Signers))
		y := doc.GetY()
		for i, sg := range s.Signers {
			doc.SetXY(l+float64(i)*wdt, y)
			doc.SetFont(fontFamily, "B", bodySize)
			doc.CellFormat(wdt, 6, sg, "", 2, "C", false, 0, "")
			doc.SetFont(fontFamily, "", 11)
			doc.CellFormat(wdt, 5.5, lb.signHint, "", 2, "C", false, 0, "")
		}
	}
	if err := doc.Error(); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	return nil
}
