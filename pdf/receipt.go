package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"bhxhdesk/app"
)

// Office is the issuing agency (cơ quan BHXH) as printed on documents.
type Office struct {
	Agency     string // tên cơ quan, e.g. "Bảo hiểm xã hội cơ sở Ba Đình"; printed upper case in the heading
	AgencyCode string // mã cơ quan BHXH, printed in the footer
	Province   string // tỉnh/thành phố
	Commune    string // xã/phường where the office sits: the place in "Ba Đình, ngày …"
	Address    string // office address, printed in the footer
	Phone      string // office phone, printed in the footer
}

// ReceiptData is everything printed on the receipt and appointment slip (giấy tiếp nhận hồ sơ và
// hẹn trả kết quả, after form 01 of Circular 01/2018/TT-VPCP), already formatted for people except
// where typed. Values are printed as given, in any language; Lang only changes the labels.
type ReceiptData struct {
	Lang          string   // language of the labels: "en" for English, Vietnamese otherwise ("vi")
	Office        Office   // the receiving agency
	DossierCode   string   // mã hồ sơ, printed as "Số: …"; required
	ApplicantName string   // họ và tên người nộp hồ sơ; required
	Address       string   // địa chỉ; wraps when long
	Phone         string   // số điện thoại
	Request       string   // nội dung yêu cầu, e.g. "Đăng ký tham gia BHXH tự nguyện (tờ khai TK1-TS)"
	Documents     []string // thành phần hồ sơ, e.g. "Tờ khai TK1-TS (01 bản chính)"
	StatutoryDays int      // thời hạn giải quyết, in working days
	// Received is when the dossier was received (thời gian nhận hồ sơ), printed "hh:mm dd/mm/yyyy"
	// in Vietnam time (UTC+7).
	Received time.Time
	// Appointment is the appointment (ngày hẹn trả kết quả), read in Vietnam time: printed
	// "dd/mm/yyyy" at midnight (pass calendar.Date.Time()), "hh:mm dd/mm/yyyy" otherwise.
	Appointment   time.Time
	ResultChannel string   // hình thức nhận kết quả, e.g. "Tại bộ phận một cửa"
	Receiver      string   // the officer who received the dossier (người tiếp nhận), display name
	Payable       string   // optional amount to pay (số tiền phải nộp), formatted, e.g. "165.000 ₫"; omitted when ""
	Steps         []string // optional: the province's processing steps (quy trình), one each, unnumbered
}

// Receipt writes the receipt and appointment slip as an A4 PDF to w. It returns an app.Invalid
// error naming the field (Code "required") when DossierCode or ApplicantName is blank, and the
// writer's error when writing fails. The PDF's creation date is the receipt time, so the same data
// always gives the same bytes.
func Receipt(w io.Writer, r ReceiptData) error {
	lb, err := r.check()
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	doc, err := officePage(
		lb,
		r.Lang,
		lb.receiptSubject+" "+r.DossierCode,
		lb.receiptSubject,
		r.Office,
		lb.number+": "+r.DossierCode,
		r.Received,
	)
	if err != nil {
		return fmt.Errorf("receipt %s: %w", r.DossierCode, err)
	}
	title(doc, lb.receiptTitle)
	receiptBody(doc, lb, r)
	signatures(doc, lb, r.Receiver)

	if err := doc.Error(); err != nil {
		return fmt.Errorf("receipt %s: %w", r.DossierCode, err)
	}
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("write receipt %s: %w", r.DossierCode, err)
	}
	return nil
}

func (r ReceiptData) check() (labels, error) {
	lb := labelTable[langOf(r.Lang)]
	for _, f := range []struct{ name, value string }{
		{"DossierCode", r.DossierCode},
		{"ApplicantName", r.ApplicantName},
	} {
		if strings.TrimSpace(f.value) == "" {
			return labels{}, &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: f.name}
		}
	}
	return lb, nil
}

// langOf is "en" for English and "vi" for anything else.
func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "vi"
}

// Body text: 12 pt with 6.5 mm lines.
const (
	bodySize = 12.0
	lineH    = 6.5
)

// blank stands for a value the applicant or officer fills in by hand.
const blank = "………………………………"

func receiptBody(doc *fpdf.Fpdf, lb labels, r ReceiptData) {
	doc.SetFont(fontFamily, "", bodySize)
	doc.MultiCell(0, lineH, fmt.Sprintf(lb.receivedFrom, r.Office.Agency), "", "L", false)
	field(doc, "", lb.applicant, r.ApplicantName, true)
	field(doc, "", lb.address, r.Address, false)
	field(doc, "", lb.phone, r.Phone, false)
	field(doc, "", lb.request, r.Request, false)

	n := 0
	num := func() string { n++; return fmt.Sprintf("%d. ", n) }
	field(doc, num(), lb.documents, "", false)
	for _, d := range r.Documents {
		item(doc, "- ", d)
	}
	line(doc, num()+fmt.Sprintf(lb.statutory, r.StatutoryDays)+".")
	field(doc, num(), lb.receivedAt, dateTimeVN(r.Received), false)
	field(doc, num(), lb.appointment, appointment(r.Appointment), true)
	field(doc, num(), lb.channel, r.ResultChannel, false)
	if r.Payable != "" {
		field(doc, num(), lb.payable, r.Payable, true)
	}
	if len(r.Steps) > 0 {
		field(doc, num(), lb.steps, "", false)
		for i, s := range r.Steps {
			item(doc, fmt.Sprintf(lb.step, i+1)+": ", s)
		}
	}
}

// appointment prints a date, with the time of day when it is not midnight.
func appointment(t time.Time) string {
	if t.IsZero() {
		return blank
	}
	local := t.In(vn)
	if local.Hour() == 0 && local.Minute() == 0 {
		return dateVN(local)
	}
	return dateTimeVN(local)
}

// field prints "label: value" with the value wrapped in a hanging indent after the label. An
// empty value prints a blank to fill by hand, except after a list heading (value "" and the label
// introduces the lines that follow), which ends with a colon alone.
func field(doc *fpdf.Fpdf, prefix, label, value string, bold bool) {
	l, _, _, _ := doc.GetMargins()
	cw := contentWidth(doc)
	head := prefix + label + ": "
	doc.SetFont(fontFamily, "", bodySize)
	if value == "" {
		if prefix != "" { // a numbered list heading
			line(doc, strings.TrimSuffix(head, " "))
			return
		}
		value = blank
	}
	hw := doc.GetStringWidth(head)
	if hw > cw/2 { // a long label: the value goes on its own lines, indented
		line(doc, strings.TrimSuffix(head, " "))
		hw = doc.GetStringWidth(prefix)
		if hw == 0 {
			hw = 8
		}
	} else {
		keepTogether(doc, lineH)
		doc.SetX(l)
		doc.CellFormat(hw, lineH, head, "", 0, "L", false, 0, "")
	}
	if bold {
		doc.SetFont(fontFamily, "B", bodySize)
	}
	doc.SetX(l + hw)
	doc.MultiCell(cw-hw, lineH, value, "", "L", false)
	doc.SetFont(fontFamily, "", bodySize)
}

// item prints an indented list entry with a hanging indent after its marker.
func item(doc *fpdf.Fpdf, marker, text string) {
	l, _, _, _ := doc.GetMargins()
	const indent = 6.0
	doc.SetFont(fontFamily, "", bodySize)
	mw := doc.GetStringWidth(marker)
	keepTogether(doc, lineH)
	doc.SetX(l + indent)
	doc.CellFormat(mw, lineH, marker, "", 0, "L", false, 0, "")
	doc.MultiCell(contentWidth(doc)-indent-mw, lineH, text, "", "L", false)
}

// line prints one wrapped paragraph at the left margin.
func line(doc *fpdf.Fpdf, text string) {
	l, _, _, _ := doc.GetMargins()
	doc.SetX(l)
	doc.MultiCell(0, lineH, text, "", "L", false)
}

// keepTogether starts a new page when less than h is left, so that a label is never separated
// from the first line of its value.
func keepTogether(doc *fpdf.Fpdf, h float64) {
	if spaceLeft(doc) < h {
		doc.AddPage()
	}
}

// heading prints the two header blocks of a Vietnamese administrative document: the agency
// (tên cơ quan) with the document number on the left, the national name and motto (quốc hiệu,
// tiêu ngữ) with the place and date on the right. The cursor ends below both.
func heading(doc *fpdf.Fpdf, lb labels, o Office, number string, date time.Time) {
	l, top, _, _ := doc.GetMargins()
	cw := contentWidth(doc)
	leftW := cw * 0.42
	rightX, rightW := l+leftW, cw-leftW

	// Left: agency in upper case, a short rule, the number.
	doc.SetXY(l, top)
	doc.SetFont(fontFamily, "B", 12)
	doc.MultiCell(leftW, 5.5, strings.ToUpper(o.Agency), "", "C", false)
	y := doc.GetY() + 1.6
	doc.SetLineWidth(0.3)
	doc.Line(l+leftW/2-12, y, l+leftW/2+12, y)
	doc.SetXY(l, y+2)
	doc.SetFont(fontFamily, "", 12)
	doc.MultiCell(leftW, 6, number, "", "C", false)
	leftBottom := doc.GetY()

	// Right: national name, underlined motto, place and date.
	doc.SetXY(rightX, top)
	fitFont(doc, "B", 12, lb.nation, rightW)
	doc.CellFormat(rightW, 5.5, lb.nation, "", 2, "C", false, 0, "")
	fitFont(doc, "B", 13, lb.motto, rightW)
	doc.CellFormat(rightW, 6, lb.motto, "", 2, "C", false, 0, "")
	mw := doc.GetStringWidth(lb.motto)
	y = doc.GetY() + 0.3
	doc.Line(rightX+(rightW-mw)/2, y, rightX+(rightW+mw)/2, y)
	if place := placeOf(o); place != "" && !date.IsZero() {
		doc.SetXY(rightX, y+3)
		doc.SetFont(fontFamily, "", 12)
		doc.MultiCell(rightW, 6, lb.placeDate(place, date), "", "C", false)
	}
	rightBottom := doc.GetY()

	doc.SetXY(l, max(leftBottom, rightBottom)+8)
}

func placeOf(o Office) string {
	if o.Commune != "" {
		return o.Commune
	}
	return o.Province
}

// fitFont selects the font at size, smaller if needed (down to 9 pt) so text fits in w.
func fitFont(doc *fpdf.Fpdf, style string, size float64, text string, w float64) {
	for ; size > 9; size -= 0.5 {
		doc.SetFont(fontFamily, style, size)
		if doc.GetStringWidth(text) <= w {
			return
		}
	}
	doc.SetFont(fontFamily, style, size)
}

// title prints the centred bold document title and leaves a gap below it.
func title(doc *fpdf.Fpdf, text string) {
	l, _, _, _ := doc.GetMargins()
	doc.SetX(l)
	doc.SetFont(fontFamily, "B", 14)
	doc.MultiCell(0, 7, text, "", "C", false)
	doc.Ln(5)
	doc.SetFont(fontFamily, "", bodySize)
}

// signatures prints the two signature blocks side by side: the applicant's (người nộp hồ sơ) and
// the receiving officer's (người tiếp nhận) with the officer's name printed under the space to sign.
func signatures(doc *fpdf.Fpdf, lb labels, receiver string) {
	const signSpace = 24.0
	l, _, _, _ := doc.GetMargins()
	half := contentWidth(doc) / 2
	doc.Ln(6)
	if spaceLeft(doc) < 6+5.5+signSpace+6 {
		doc.AddPage()
	}
	y := doc.GetY()
	for i, head := range []string{lb.submitter, lb.receiver} {
		x := l + float64(i)*half
		doc.SetXY(x, y)
		doc.SetFont(fontFamily, "B", bodySize)
		doc.CellFormat(half, 6, head, "", 2, "C", false, 0, "")
		doc.SetFont(fontFamily, "", 11)
		doc.CellFormat(half, 5.5, lb.signHint, "", 2, "C", false, 0, "")
	}
	if receiver != "" {
		doc.SetXY(l+half, y+6+5.5+signSpace)
		doc.SetFont(fontFamily, "B", bodySize)
		doc.MultiCell(half, 6, receiver, "", "C", false)
	}
}

// officeFooter prints the office's code, address and phone in small grey type at the page foot.
func officeFooter(doc *fpdf.Fpdf, o Office) {
	var parts []string
	for _, p := range []string{o.Agency, o.AgencyCode, o.Address, o.Phone} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return
	}
	l, _, _, _ := doc.GetMargins()
	_, h := doc.GetPageSize()
	doc.SetXY(l, h-marginBottom+4)
	doc.SetFont(fontFamily, "", 8.5)
	doc.SetTextColor(110, 110, 110)
	doc.SetDrawColor(170, 170, 170)
	doc.SetLineWidth(0.2)
	doc.Line(l, h-marginBottom+3, l+contentWidth(doc), h-marginBottom+3)
	doc.MultiCell(0, 4, strings.Join(parts, " · "), "", "C", false)
	doc.SetTextColor(0, 0, 0)
	doc.SetDrawColor(0, 0, 0)
}
