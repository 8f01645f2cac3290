// Package pdf prints the office's documents (giấy tờ in) as A4 PDF files: the receipt and
// appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả) and the confirmation of a book
// cover's issuance with its signed QR code (xác nhận cấp sổ BHXH), and reads those codes back.
// It is the only package that imports the PDF library. Every document embeds the Vietnamese
// subset of the Noto Sans TrueType font shipped in bhxhdesk/assets, so Vietnamese diacritics
// print correctly and the text can be searched and copied.
package pdf

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bhxhdesk/assets"
)

// vn is Vietnam's civil time (UTC+7, no daylight saving); a fixed zone needs no tz database.
var vn = time.FixedZone("ICT", 7*3600)

// Font families registered by newDoc: use fontFamily with "" (regular) or "B" (bold).
const fontFamily = "noto"

// Page geometry in millimetres. Decree 30/2020/NĐ-CP (văn thư) margins: top 20–25, bottom 20–25,
// left 30–35, right 15–20; a slip for the applicant is printed a little tighter.
const (
	marginTop    = 18.0
	marginLeft   = 25.0
	marginRight  = 15.0
	marginBottom = 18.0
)

// fontBytes reads the embedded TrueType files once: the Vietnamese subsets (internal/fontsubset),
// which the PDF library parses once per process (third_party/fpdf) and cuts faster than the
// full fonts.
var fontBytes = sync.OnceValues(func() (map[string][]byte, error) {
	files := map[string]string{"": "fonts/NotoSansVN-Regular.ttf", "B": "fonts/NotoSansVN-Bold.ttf"}
	out := make(map[string][]byte, len(files))
	for style, name := range files {
		b, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", name, err)
		}
		out[style] = b
	}
	return out, nil
})

// sharedRunes are the characters the desk's documents print almost always: printable ASCII, the
// Vietnamese letters (precomposed: names and texts are kept in NFC), the no-break space, and the
// punctuation and signs of the message catalogue and the receipts. A document that prints only
// these embeds one subset of each face, cut and compressed once per process and shared by every
// document (third_party/fpdf, SetUTF8FontSubset), instead of cutting and compressing a subset
// of its own, which took most of the time of a one-page document. A document that prints any
// other character (a name with a letter of another language) cuts its own subset, which then
// holds that character too.
var sharedRunes = func() string {
	var b strings.Builder
	for r := rune(0x20); r < 0x7f; r++ {
		b.WriteRune(r)
	}
	b.WriteString("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư")
	for r := rune(0x1ea0); r <= 0x1ef9; r++ { // Ạ ạ … Ỹ ỹ
		b.WriteRune(r)
	}
	b.WriteString("\u00a0«»·×°–—‘’“”…•›₫№")
	return b.String()
}()

// newDoc starts an A4 portrait document in millimetres with the office margins, automatic page
// breaks and the UTF-8 fonts "noto" (regular) and "noto" + "B" (bold) taken from the embedded
// bytes, with the regular face at 12 pt selected. created fixes the PDF creation and modification
// dates so that the same input gives the same bytes; the zero time means "now". The caller sets
// the title and author.
func newDoc(created time.Time) (*fpdf.Fpdf, error) {
	fonts, err := fontBytes()
	if err != nil {
		return nil, err
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetMargins(marginLeft, marginTop, marginRight)
	doc.SetAutoPageBreak(true, marginBottom)
	doc.SetCellMargin(0)     // text starts exactly at the margins and columns
	doc.SetCatalogSort(true) // deterministic object order
	doc.SetCreator("bhxhdesk", true)
	if !created.IsZero() {
		doc.SetCreationDate(created)
		doc.SetModificationDate(created)
	}
	for _, style := range []string{"", "B"} {
		doc.AddUTF8FontFromBytes(fontFamily, style, fonts[style])
		doc.SetUTF8FontSubset(fontFamily, style, sharedRunes)
	}
	doc.SetFont(fontFamily, "", 12)
	if err := doc.Error(); err != nil {
		return nil, fmt.Errorf("set up PDF: %w", err)
	}
	return doc, nil
}

// contentWidth is the printable width between the margins.
func contentWidth(doc *fpdf.Fpdf) float64 {
	w, _ := doc.GetPageSize()
	l, _, r, _ := doc.GetMargins()
	return w - l - r
}

// spaceLeft is the height left above the bottom margin on the current page.
func spaceLeft(doc *fpdf.Fpdf) float64 {
	_, h := doc.GetPageSize()
	_, _, _, b := doc.GetMargins()
	return h - b - doc.GetY()
}

// dateTimeVN prints an instant as "hh:mm dd/mm/yyyy" in Vietnam time.
func dateTimeVN(t time.Time) string { return t.In(vn).Format("15:04 02/01/2006") }

// dateVN prints the Vietnam date of t as "dd/mm/yyyy".
func dateVN(t time.Time) string { return t.In(vn).Format("02/01/2006") }

// officePage starts a one-office document of the desk: its properties (title, subject, the
// office as author, the language), the office's footer on every page, and the first page with
// the office's heading (number and date on its right).
func officePage(lb labels, lang, docTitle, subject string, o Office, number string, date time.Time) (*fpdf.Fpdf, error) {
	doc, err := newDoc(date)
	if err != nil {
		return nil, err
	}
	doc.SetTitle(docTitle, true)
	doc.SetSubject(subject, true)
	doc.SetAuthor(o.Agency, true)
	doc.SetLang(langOf(lang))
	doc.SetFooterFunc(func() { officeFooter(doc, o) })
	doc.AddPage()
	heading(doc, lb, o, number, date)
	return doc, nil
}
