package pdf

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bhxhdesk/app"
	"bhxhdesk/catalog"
)

// CoverData is everything printed on one confirmation of a book cover's issuance (xác nhận cấp
// sổ BHXH — tờ bìa sổ điện tử, DOMAIN §8), already formatted for people: values are printed as
// given, Lang only changes the labels.
type CoverData struct {
	Lang        string // language of the labels: "en" for English, Vietnamese otherwise
	Office      Office // the issuing office (cơ quan BHXH cấp sổ)
	BookNumber  string // số sổ BHXH (the personal ID since 2025-08); required
	FullName    string // họ và tên; printed upper case with its diacritics; required
	BirthDate   string // ngày, tháng, năm sinh as known: "17/05/1990", "05/1990" or "1990"
	Gender      string // giới tính, e.g. "Nữ"
	Nationality string // quốc tịch, e.g. "Việt Nam"
	Ethnicity   string // dân tộc, e.g. "Kinh"
	PersonalID  string // số định danh cá nhân/CCCD, in full (the paper is the citizen's)
	BirthPlace  string // nơi đăng ký khai sinh
	Issued      time.Time
	// QR is the text of the signed seal (app.SigningKey.Sign) drawn as the QR code; required.
	QR    string
	KeyID string // the signing key's id, printed under the code; optional
	// Provisional marks a print made before the records service confirmed the cover: the page
	// carries "BẢN TẠM / PROVISIONAL" in a banner and across the page.
	Provisional bool
	Reprint     int       // 0 for the first print; N > 0 prints "Bản in lại lần N"
	PrintedBy   string    // the officer who printed it
	Printed     time.Time // when; also the PDF's creation date (the first cover's)
}

// Covers writes the confirmations as one A4 PDF, one page each, for the office printer (a batch
// of the day's covers or a single one). A4 because it is the paper every office printer holds
// and the format of administrative documents (Decree 30/2020/NĐ-CP); the cover block keeps the
// order of the paper book's cover.
//
// It returns an app.Invalid error with code "covers_empty" when there is nothing to print, or
// with code "required" naming the field (Args "index": the cover's number from 1) when a
// cover lacks its book number, name or QR text; and the writer's error when writing fails.
// The same covers always give the same bytes.
func Covers(w io.Writer, cat *catalog.Catalog, covers []CoverData) error {
	return CoversProgress(w, cat, covers, nil)
}

// CoversProgress is Covers telling page, when not nil, of each page drawn (its index); an error
// from page ends the printing with that error and nothing is written.
func CoversProgress(w io.Writer, cat *catalog.Catalog, covers []CoverData, page func(i int) error) error {
	if len(covers) == 0 {
		return &app.Error{Kind: app.Invalid, Code: app.CodeCoversEmpty}
	}
	for i, c := range covers {
		if err := c.check(i); err != nil {
			return fmt.Errorf("covers: %w", err)
		}
	}
	doc, err := newDoc(covers[0].Printed)
	if err != nil {
		return fmt.Errorf("covers: %w", err)
	}
	// One cover, one page: the layout is measured to fit, so no automatic break may split one.
	doc.SetAutoPageBreak(false, marginBottom)
	first := coverLabels(cat, covers[0].Lang)
	title := first.t("cover_pdf.subject")
	if len(covers) > 1 {
		title += " (" + strconv.Itoa(len(covers)) + ")"
	}
	doc.SetTitle(title, true)
	doc.SetSubject(first.t("cover_pdf.subject"), true)
	doc.SetAuthor(covers[0].Office.Agency, true)
	doc.SetLang(langOf(covers[0].Lang))

	codes := startQRCodes(covers)
	defer codes.stop()
	pr := &printer{doc: doc, shared: len(covers) > 1, tpls: map[string]fpdf.Template{}, bodies: map[string]bodyGeometry{}}
	var current *CoverData
	doc.SetFooterFunc(func() { pr.footer(current.Office) })
	for i := range covers {
		png, err := codes.get(i)
		if err != nil {
			return fmt.Errorf("cover %d: %w", i+1, err)
		}
		doc.AddPage() // prints the previous page's footer: change current only after it
		current = &covers[i]
		lb := coverLabels(cat, current.Lang)
		pr.page(lb, current, i, png)
		if current.Provisional {
			if err := pr.watermark(lb.t("cover_pdf.watermark")); err != nil {
				return fmt.Errorf("covers: %w", err)
			}
		}
		if page != nil {
			if err := page(i); err != nil {
				return err
			}
		}
	}
	if err := doc.Error(); err != nil {
		return fmt.Errorf("covers: %w", err)
	}
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("write covers: %w", err)
	}
	return nil
}

func (c CoverData) check(i int) error {
	for _, f := range []struct{ name, value string }{
		{"BookNumber", c.BookNumber},
		{"FullName", c.FullName},
		{"QR", c.QR},
	} {
		if strings.TrimSpace(f.value) == "" {
			return &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: f.name, Args: map[string]string{"index": strconv.Itoa(i + 1)}}
		}
	}
	return nil
}

// coverText is the labels of one language: the catalogue's cover texts and the national
// heading shared with the receipt.
type coverText struct {
	labels
	lang app.Lang
	cat  *catalog.Catalog
}

func coverLabels(cat *catalog.Catalog, lang string) coverText {
	l := langOf(lang)
	return coverText{labels: labelTable[l], lang: app.Lang(l), cat: cat}
}

func (c coverText) t(key string, args ...string) string { return c.cat.T(c.lang, key, args...) }

// Colours of the provisional marking: a red that prints as a dark grey on a monochrome printer.
var (
	markRed   = color.RGBA{R: 190, G: 20, B: 20, A: 255}
	markFaint = color.RGBA{R: 244, G: 205, B: 205, A: 255}
)

// printer draws the pages of one document. A page is the heading, then a body in two layers:
// what is the same on every cover of a language, office and status (titles, labels and rules,
// the seal's caption, the signature block) and the cover's own values drawn over it. In a batch
// the first layer is drawn once as a template (a PDF form XObject) and placed on each page, so
// 1,000 covers hold it once instead of 1,000 times; so are the footer and the watermark. A
// single cover, or a page whose values wrap, draws everything in place.
type printer struct {
	doc    *fpdf.Fpdf
	shared bool // draw the common layers as templates
	tpls   map[string]fpdf.Template
	bodies map[string]bodyGeometry // where each body template put things
}

// bodyGeometry is where the body's parts lie, in mm from the body's top-left corner.
type bodyGeometry struct {
	rows           []float64 // top of each table row
	heights        []float64 // height of each table row
	seal, sign     float64   // top of the seal block and of the signature block
	labelW, valueW float64   // the table's columns
	bottom         float64
}

// coverRow is one line of the data table.
type coverRow struct {
	label, value string
	bold         bool
}

func coverRows(lb coverText, c *CoverData) []coverRow {
	rows := []coverRow{
		{lb.t("cover_pdf.book_number"), c.BookNumber, true},
		{lb.t("cover_pdf.full_name"), app.UpperName(c.FullName), true},
		{lb.t("cover_pdf.birth_date"), c.BirthDate, false},
		{lb.t("cover_pdf.gender"), c.Gender, false},
		{lb.t("cover_pdf.nationality"), c.Nationality, false},
		{lb.t("cover_pdf.ethnicity"), c.Ethnicity, false},
		{lb.t("cover_pdf.personal_id"), c.PersonalID, false},
		{lb.t("cover_pdf.birth_place"), c.BirthPlace, false},
		{lb.t("cover_pdf.office"), officeName(c.Office), false},
		{lb.t("cover_pdf.issued"), issuedDate(c.Issued), false},
	}
	for i := range rows {
		if strings.TrimSpace(rows[i].value) == "" {
			rows[i].value = blank
		}
	}
	return rows
}

// Table geometry: cell padding and line height in mm.
const (
	cellPad  = 2.5
	rowLine  = 5.6
	rowSolo  = rowLine + 2*cellPad - 1 // a row of one line
	labelMax = 0.45                    // the label column takes at most this share of the width
)

// Seal block geometry: the text column starts right of the code.
const (
	sealTextX = qrSize + 5
	sealLineH = 5.5
)

// page prints one confirmation on the current, empty page.
func (pr *printer) page(lb coverText, c *CoverData, i int, png []byte) {
	doc := pr.doc
	if c.Reprint > 0 {
		_, top, _, _ := doc.GetMargins()
		doc.SetXY(marginLeft, top-9)
		useFont(doc, "B", 10)
		doc.CellFormat(contentWidth(doc), 5, lb.t("cover_pdf.reprint", "n", strconv.Itoa(c.Reprint)), "", 0, "R", false, 0, "")
	}
	heading(doc, lb.labels, c.Office, lb.t("cover_pdf.number")+": "+c.BookNumber, c.Issued)
	l, _, _, _ := doc.GetMargins()
	y0 := doc.GetY()
	cw := contentWidth(doc)

	// Wrap the labels and values in their columns.
	rows := coverRows(lb, c)
	useFont(doc, "", bodySize)
	lw := 0.0
	for _, r := range rows {
		lw = max(lw, doc.GetStringWidth(r.label))
	}
	lw = min(lw+2*cellPad+1, cw*labelMax)
	vw := cw - lw
	labelLines := make([][]string, len(rows))
	valueLines := make([][]string, len(rows))
	heights := make([]float64, len(rows))
	solo := true
	for i, r := range rows {
		useFont(doc, "", bodySize)
		labelLines[i] = doc.SplitText(r.label, lw-2*cellPad)
		useFont(doc, boldStyle(r.bold), bodySize)
		valueLines[i] = doc.SplitText(r.value, vw-2*cellPad)
		n := max(len(labelLines[i]), len(valueLines[i]))
		heights[i] = float64(n)*rowLine + 2*cellPad - 1
		solo = solo && n == 1
	}

	draw := func(t *fpdf.Fpdf) bodyGeometry {
		return drawBody(t, lb, c.Office, c.Provisional, cw, lw, vw, labelLines, heights)
	}
	var g bodyGeometry
	if pr.shared && solo {
		key := "body/" + string(lb.lang) + "/" + c.Office.Agency + "/" + strconv.FormatBool(c.Provisional)
		g = pr.template(key, l, y0, cw, draw)
	} else {
		g = pr.inPlace(l, y0, cw, draw)
	}

	// The cover's own values over the body.
	for i, r := range rows {
		drawRow(doc, l, y0+g.rows[i], g.labelW, g.valueW, g.heights[i], nil, valueLines[i], r.bold)
	}
	sy := y0 + g.seal
	name := "qr" + strconv.Itoa(i)
	doc.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	doc.ImageOptions(name, l+1, sy+1, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	tw := cw - sealTextX - 2
	status := lb.t("cover_pdf.status_final")
	if c.Provisional {
		status = lb.t("cover_pdf.status_provisional")
		doc.SetTextColor(int(markRed.R), int(markRed.G), int(markRed.B))
	}
	doc.SetXY(l+sealTextX, sy+3+sealLineH)
	useFont(doc, "B", 11)
	doc.CellFormat(tw, sealLineH, status, "", 2, "L", false, 0, "")
	doc.SetTextColor(0, 0, 0)
	if c.KeyID != "" {
		doc.SetX(l + sealTextX)
		useFont(doc, "", 9.5)
		doc.CellFormat(tw, 4.5, lb.t("cover_pdf.qr_key", "key", c.KeyID), "", 2, "L", false, 0, "")
	}
	if c.PrintedBy != "" || !c.Printed.IsZero() {
		printed := ""
		if !c.Printed.IsZero() {
			printed = dateTimeVN(c.Printed)
		}
		doc.SetXY(l, y0+g.sign+1)
		useFont(doc, "", 9)
		doc.SetTextColor(90, 90, 90)
		doc.MultiCell(cw/2-4, 4.5, lb.t("cover_pdf.printed", "time", printed, "name", c.PrintedBy), "", "L", false)
		doc.SetTextColor(0, 0, 0)
	}
	doc.SetXY(l, y0+g.bottom)
}

// drawBody draws the common layer of a page's body with its top-left corner at the origin:
// title, provisional banner, introduction, the table's labels and rules (rows of the given
// heights), the seal block's box and caption, the signature block. It returns where it put
// them.
func drawBody(t *fpdf.Fpdf, lb coverText, o Office, provisional bool, cw, lw, vw float64,
	labelLines [][]string, heights []float64) bodyGeometry {
	g := bodyGeometry{labelW: lw, valueW: vw}
	t.SetXY(0, 0)
	title(t, lb.t("cover_pdf.title"))
	t.SetY(t.GetY() - 4)
	useFont(t, "", 12)
	t.MultiCell(cw, 6, lb.t("cover_pdf.subtitle"), "", "C", false)
	t.Ln(4)
	if provisional {
		provisionalBanner(t, lb)
	}
	useFont(t, "", bodySize)
	line(t, lb.t("cover_pdf.intro", "agency", o.Agency))
	t.Ln(2)

	y := t.GetY()
	for i := range labelLines {
		g.rows = append(g.rows, y)
		g.heights = append(g.heights, heights[i])
		drawRow(t, 0, y, lw, vw, heights[i], labelLines[i], nil, false)
		y += heights[i]
	}

	y += 5
	g.seal = y
	tw := cw - sealTextX - 2
	t.SetXY(sealTextX, y+3)
	useFont(t, "B", 11)
	t.CellFormat(tw, sealLineH, lb.t("cover_pdf.qr_title"), "", 2, "L", false, 0, "")
	// The status and key lines are the cover's own.
	t.SetXY(sealTextX, y+3+2*sealLineH+4.5)
	useFont(t, "", 9.5)
	t.MultiCell(tw, 4.3, lb.t("cover_pdf.qr_caption"), "", "L", false)
	bottom := max(t.GetY()+2, y+qrSize+2)
	t.SetDrawColor(120, 120, 120)
	t.SetLineWidth(0.2)
	t.Rect(0, y, cw, bottom-y, "D")
	t.SetDrawColor(0, 0, 0)

	y = bottom + 5
	g.sign = y
	half := cw / 2
	t.SetXY(half, y)
	useFont(t, "B", bodySize)
	t.CellFormat(half, 6, lb.t("cover_pdf.signer"), "", 2, "C", false, 0, "")
	t.SetX(half)
	useFont(t, "", 11)
	t.CellFormat(half, 5.5, lb.t("cover_pdf.sign_hint"), "", 2, "C", false, 0, "")
	g.bottom = t.GetY()
	return g
}

// templateSetup puts a drawing surface in a known state. A template (form) inherits the page's
// graphics state where it is placed, so it must state its own font and colours, which the
// library would otherwise leave out as "unchanged".
func templateSetup(t *fpdf.Fpdf) {
	t.SetCellMargin(0)
	t.SetFont(fontFamily, "", bodySize)
	t.SetTextColor(0, 0, 0)
	t.SetFillColor(0, 0, 0)
	t.SetDrawColor(0, 0, 0)
	t.SetLineWidth(0.2)
}

// inPlace runs draw on the page with its origin moved to (x, y) and a content width of w.
func (pr *printer) inPlace(x, y, w float64, draw func(t *fpdf.Fpdf) bodyGeometry) bodyGeometry {
	doc := pr.doc
	l, top, r, _ := doc.GetMargins()
	pw, _ := doc.GetPageSize()
	doc.SetMargins(0, 0, pw-w)
	templateSetup(doc)
	doc.TransformBegin()
	doc.TransformTranslate(x, y)
	g := draw(doc)
	doc.TransformEnd()
	doc.SetMargins(l, top, r)
	return g
}

// template places the template under key with its drawing's top-left corner at (x, y),
// drawing it with draw (content width w) the first time, and returns its geometry.
func (pr *printer) template(key string, x, y, w float64, draw func(t *fpdf.Fpdf) bodyGeometry) bodyGeometry {
	tpl, ok := pr.tpls[key]
	if !ok {
		_, ph := pr.doc.GetPageSize()
		// The form's box has a millimetre more on every side, so that rules drawn on the
		// edges are not clipped: the drawing is shifted by (1, 1), and placed 1 mm up and left.
		tpl = pr.doc.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: w + 2, Ht: ph}, func(t *fpdf.Tpl) {
			t.SetAutoPageBreak(false, 0)
			t.SetMargins(0, 0, 2) // the content width is w
			templateSetup(&t.Fpdf)
			t.TransformBegin()
			t.TransformTranslate(1, 1)
			pr.bodies[key] = draw(&t.Fpdf)
			t.TransformEnd()
		})
		pr.tpls[key] = tpl
	}
	_, size := tpl.Size()
	pr.doc.UseTemplateScaled(tpl, fpdf.PointType{X: x - 1, Y: y - 1}, size)
	return pr.bodies[key]
}

// footer prints the office's footer, in a batch from a page-sized template of the office.
func (pr *printer) footer(o Office) {
	if !pr.shared {
		officeFooter(pr.doc, o)
		return
	}
	key := "footer/" + o.Agency + "\x00" + o.AgencyCode + "\x00" + o.Address + "\x00" + o.Phone
	tpl, ok := pr.tpls[key]
	if !ok {
		w, h := pr.doc.GetPageSize()
		tpl = pr.doc.CreateTemplateCustom(fpdf.PointType{}, fpdf.SizeType{Wd: w, Ht: h}, func(t *fpdf.Tpl) {
			t.SetAutoPageBreak(false, 0) // the footer sits below the page's bottom margin
			t.SetMargins(marginLeft, marginTop, marginRight)
			templateSetup(&t.Fpdf)
			officeFooter(&t.Fpdf, o)
		})
		pr.tpls[key] = tpl
	}
	pr.doc.UseTemplate(tpl)
}

// provisionalBanner prints a red-framed "BẢN TẠM" box with the reason it is provisional.
func provisionalBanner(doc *fpdf.Fpdf, lb coverText) {
	l, _, _, _ := doc.GetMargins()
	cw := contentWidth(doc)
	y := doc.GetY()
	doc.SetTextColor(int(markRed.R), int(markRed.G), int(markRed.B))
	doc.SetXY(l+3, y+2)
	useFont(doc, "B", 15)
	doc.CellFormat(cw-6, 7, lb.t("cover_pdf.provisional"), "", 2, "C", false, 0, "")
	doc.SetX(l + 3)
	useFont(doc, "", 10)
	doc.MultiCell(cw-6, 4.6, lb.t("cover_pdf.provisional_note"), "", "C", false)
	bottom := doc.GetY() + 2
	doc.SetDrawColor(int(markRed.R), int(markRed.G), int(markRed.B))
	doc.SetLineWidth(0.8)
	doc.Rect(l, y, cw, bottom-y, "D")
	doc.SetDrawColor(0, 0, 0)
	doc.SetTextColor(0, 0, 0)
	doc.SetXY(l, bottom+4)
}

// drawRow draws one table row at (x, y) of height h: with label lines, the shaded label cell,
// the value cell's rule and the label; with value lines, the value.
func drawRow(doc *fpdf.Fpdf, x, y, lw, vw, h float64, label, value []string, bold bool) {
	if label != nil {
		doc.SetDrawColor(120, 120, 120)
		doc.SetLineWidth(0.2)
		doc.SetFillColor(243, 243, 243)
		doc.Rect(x, y, lw, h, "FD")
		doc.Rect(x+lw, y, vw, h, "D")
		// Fill back to the text colour, so the library writes the text without a colour change.
		doc.SetFillColor(0, 0, 0)
		doc.SetDrawColor(0, 0, 0)
		useFont(doc, "", bodySize)
		doc.SetXY(x+cellPad, y+cellPad-0.5)
		doc.MultiCell(lw-2*cellPad, rowLine, strings.Join(label, "\n"), "", "L", false)
	}
	if value != nil {
		style := ""
		if bold {
			style = "B"
		}
		useFont(doc, style, bodySize)
		doc.SetXY(x+lw+cellPad, y+cellPad-0.5)
		doc.MultiCell(vw-2*cellPad, rowLine, strings.Join(value, "\n"), "", "L", false)
	}
	useFont(doc, "", bodySize)
}

// useFont selects the face and size unless they are already selected: the library writes a
// font change into the page each time it is asked, and a batch has thousands of them.
func useFont(doc *fpdf.Fpdf, style string, size float64) {
	if pt, _ := doc.GetFontSize(); doc.GetFontFamily() == fontFamily && doc.GetFontStyle() == style && pt == size {
		return
	}
	doc.SetFont(fontFamily, style, size)
}

func boldStyle(bold bool) string {
	if bold {
		return "B"
	}
	return ""
}

func officeName(o Office) string {
	if o.AgencyCode != "" && o.Agency != "" {
		return o.Agency + " (" + o.AgencyCode + ")"
	}
	return o.Agency + o.AgencyCode
}

func issuedDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dateVN(t)
}
