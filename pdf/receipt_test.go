package pdf_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/pdf"
)

var ict = time.FixedZone("ICT", 7*3600)

func sampleReceipt() pdf.ReceiptData {
	return pdf.ReceiptData{
		Office: pdf.Office{
			Agency:     "Bảo hiểm xã hội cơ sở Ba Đình",
			AgencyCode: "01001",
			Province:   "Hà Nội",
			Commune:    "Ba Đình",
			Address:    "Số 9 Lê Trực, phường Ba Đình, Hà Nội",
			Phone:      "024 3823 0000",
		},
		DossierCode:   "HS-01001-250424-0007",
		ApplicantName: "Nguyễn Thị Hồng Ánh",
		Address:       "Số 5 ngõ 12 phố Đội Cấn, phường Ba Đình, Hà Nội",
		Phone:         "0912 345 678",
		Request:       "Đăng ký tham gia BHXH tự nguyện (tờ khai TK1-TS)",
		Documents:     []string{"Tờ khai TK1-TS (01 bản chính)", "Bản sao căn cước (01 bản)"},
		StatutoryDays: 5,
		Received:      time.Date(2025, 4, 24, 8, 30, 0, 0, ict),
		Appointment:   time.Date(2025, 5, 5, 0, 0, 0, 0, ict),
		ResultChannel: "Tại bộ phận một cửa",
		Receiver:      "Trần Văn Bình",
		Payable:       "165.000 ₫",
		Steps: []string{
			"Bộ phận một cửa tiếp nhận, kiểm tra hồ sơ",
			"Bộ phận thu nhập dữ liệu, đối chiếu số tiền đã nộp",
			"Bộ phận sổ thẻ in tờ bìa sổ BHXH, trả kết quả",
		},
	}
}

// render writes the receipt to a temporary file and returns its bytes and path.
func render(t *testing.T, r pdf.ReceiptData) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Receipt(&buf, r); err != nil {
		t.Fatalf("Receipt: %v", err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("output does not start with %%PDF: %q", b[:min(len(b), 16)])
	}
	if !bytes.Contains(b, []byte("FontFile2")) {
		t.Fatal("no embedded TrueType font (FontFile2) in the PDF")
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b, path
}

// text extracts the PDF's text with pdftotext, NFC-normalised; it skips the test without it.
func text(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH: text extraction not checked")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return norm.NFC.String(string(out))
}

func assertContains(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("extracted text lacks %q; text:\n%s", w, got)
		}
	}
}

func TestReceiptPrintsVietnameseTextThatCanBeExtracted(t *testing.T) {
	_, path := render(t, sampleReceipt())
	got := text(t, path)
	assertContains(t, got,
		"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"BẢO HIỂM XÃ HỘI CƠ SỞ BA ĐÌNH",
		"Nguyễn Thị Hồng Ánh",
		"HS-01001-250424-0007",
		"Đội Cấn",
		"08:30 24/04/2025",
		"05/05/2025",
		"165.000 ₫",
		"Tờ khai TK1-TS (01 bản chính)",
		"Bước 3",
		"NGƯỜI NỘP HỒ SƠ",
		"NGƯỜI TIẾP NHẬN",
		"Trần Văn Bình",
	)
}

func TestReceiptWrapsALongAddress(t *testing.T) {
	r := sampleReceipt()
	r.Address = strings.TrimSpace(strings.Repeat("Số 5 ngõ 12 phố Đội Cấn, phường Ba Đình, Hà Nội; ", 7))
	if n := len([]rune(r.Address)); n < 300 {
		t.Fatalf("address has %d characters, want at least 300", n)
	}
	_, path := render(t, r)
	got := text(t, path)
	// Wrapped, the address appears on several lines; none of them runs past the page.
	if n := strings.Count(got, "Đội Cấn"); n != 7 {
		t.Errorf("address fragments found %d times, want 7", n)
	}
	assertContains(t, got, "05/05/2025", "NGƯỜI TIẾP NHẬN")
	for _, l := range strings.Split(got, "\n") {
		if n := len([]rune(l)); n > 110 {
			t.Errorf("line of %d characters, text overflowed: %q", n, l)
		}
	}
}

func TestReceiptInEnglishHasEnglishLabels(t *testing.T) {
	r := sampleReceipt()
	r.Lang = "en"
	r.Appointment = time.Date(2025, 5, 5, 14, 0, 0, 0, ict)
	_, path := render(t, r)
	got := text(t, path)
	assertContains(t, got,
		"SOCIALIST REPUBLIC OF VIET NAM",
		"DOSSIER RECEIPT AND APPOINTMENT SLIP",
		"Applicant",
		"Nguyễn Thị Hồng Ánh",
		"14:00 05/05/2025",
		"RECEIVING OFFICER",
	)
	if strings.Contains(got, "GIẤY TIẾP NHẬN") {
		t.Error("English slip carries the Vietnamese title")
	}
}

func TestReceiptIsDeterministic(t *testing.T) {
	a, _ := render(t, sampleReceipt())
	b, _ := render(t, sampleReceipt())
	if !bytes.Equal(a, b) {
		t.Error("the same data gave different PDF bytes")
	}
}

func TestReceiptRejectsMissingFields(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*pdf.ReceiptData)
		field string
	}{
		{"rejects an empty dossier code", func(r *pdf.ReceiptData) { r.DossierCode = "" }, "DossierCode"},
		{"rejects a blank applicant name", func(r *pdf.ReceiptData) { r.ApplicantName = "  " }, "ApplicantName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sampleReceipt()
			tc.edit(&r)
			var buf bytes.Buffer
			err := pdf.Receipt(&buf, r)
			var e *app.Error
			if !errors.As(err, &e) || e.Field != tc.field || app.KindOf(err) != app.Invalid {
				t.Fatalf("err = %v, want an invalid error on %s", err, tc.field)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name %s", err, tc.field)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

// TestWriteSample writes the sample slip to the path in RECEIPT_SAMPLE, to look at it.
func TestWriteSample(t *testing.T) {
	out := os.Getenv("RECEIPT_SAMPLE")
	if out == "" {
		t.Skip("set RECEIPT_SAMPLE=/tmp/receipt.pdf to write a sample")
	}
	b, _ := render(t, sampleReceipt())
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestALongOfficeNameBreaksBetweenWords: the agency's name in the header wraps between words,
// never inside one ("THÀNH PH / Ố").
func TestALongOfficeNameBreaksBetweenWords(t *testing.T) {
	r := sampleReceipt()
	r.Office.Agency = "Bảo hiểm xã hội cơ sở Thành phố Thủ Đức, Thành phố Hồ Chí Minh"
	_, path := render(t, r)
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Skip("pdftotext not available")
	}
	got := norm.NFC.String(string(out))
	words := strings.Fields(strings.ToUpper(r.Office.Agency))
	for _, line := range strings.Split(got, "\n") {
		for _, w := range strings.Fields(line) {
			if !strings.ContainsRune(w, 'Ạ') && strings.ToUpper(w) == w && len([]rune(w)) > 1 &&
				strings.Contains(strings.ToUpper(r.Office.Agency), w) {
				ok := false
				for _, full := range words {
					ok = ok || full == w
				}
				if !ok {
					t.Errorf("the office name is broken inside a word: %q in line %q", w, line)
				}
			}
		}
	}
}
