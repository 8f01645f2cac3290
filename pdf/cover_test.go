package pdf_test

import (
	"bytes"
	"compress/zlib"
	"crypto/ed25519"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
	"bhxhdesk/pdf"
	"bhxhdesk/seal"
)

var office = pdf.Office{
	Agency:     "Bảo hiểm xã hội cơ sở Ba Đình",
	AgencyCode: "01001",
	Province:   "Hà Nội",
	Commune:    "Ba Đình",
	Address:    "Số 9 Lê Trực, phường Ba Đình, Hà Nội",
	Phone:      "024 3823 0000",
}

func signingKey(t testing.TB) *seal.SigningKey {
	t.Helper()
	k, err := seal.ParseSigningKey(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sealText signs the seal of a cover as the records service will.
func sealText(t testing.TB, k *seal.SigningKey, id, name, birth string, issued time.Time, status seal.Status) string {
	t.Helper()
	bd, err := app.ParseBirthDate(birth)
	if err != nil {
		t.Fatal(err)
	}
	s, err := seal.New(seal.Params{Status: status, BookNumber: id, PersonalID: app.PersonalID(id), FullName: name,
		BirthDate: bd, Office: "01001", Issued: issued})
	if err != nil {
		t.Fatal(err)
	}
	text, err := k.Sign(s)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func sampleCover(t testing.TB) pdf.CoverData {
	t.Helper()
	issued := time.Date(2025, 11, 3, 9, 15, 0, 0, ict)
	k := signingKey(t)
	return pdf.CoverData{
		Office:      office,
		BookNumber:  "001190012345",
		FullName:    "Nguyễn Thị Hồng Ánh",
		BirthDate:   "17/05/1990",
		Gender:      "Nữ",
		Nationality: "Việt Nam",
		Ethnicity:   "Kinh",
		PersonalID:  "001190012345",
		BirthPlace:  "Phường Ba Đình, Thành phố Hà Nội",
		Issued:      issued,
		QR:          sealText(t, k, "001190012345", "Nguyễn Thị Hồng Ánh", "1990-05-17", issued, seal.Final),
		KeyID:       k.ID().String(),
		PrintedBy:   "Trần Văn Bình",
		Printed:     issued.Add(5 * time.Minute),
	}
}

func renderCovers(t testing.TB, covers ...pdf.CoverData) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Covers(&buf, testCatalog, covers); err != nil {
		t.Fatalf("Covers: %v", err)
	}
	path := filepath.Join(t.TempDir(), "covers.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), path
}

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s (poppler-utils) not on PATH", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

func TestCoverPrintsTheNameWithItsDiacriticsInAnEmbeddedFont(t *testing.T) {
	_, path := renderCovers(t, sampleCover(t))
	got := text(t, path)
	assertContains(t, got,
		"NGUYỄN THỊ HỒNG ÁNH",
		"XÁC NHẬN CẤP SỔ BẢO HIỂM XÃ HỘI",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"BẢO HIỂM XÃ HỘI CƠ SỞ BA ĐÌNH",
		"Số sổ: 001190012345",
		"Ngày, tháng, năm sinh",
		"17/05/1990",
		"Phường Ba Đình, Thành phố Hà Nội",
		"Ba Đình, ngày 03 tháng 11 năm 2025",
		"Bảo hiểm xã hội cơ sở Ba Đình (01001)",
		"Bản chính thức",
		"Mọi điểm giao dịch",
		"THỦ TRƯỞNG CƠ QUAN BHXH",
		"In lúc 09:20 03/11/2025 bởi Trần Văn Bình",
	)
	if strings.Contains(got, "bhxh verify") {
		t.Error("the citizen's paper tells them to run a command")
	}
	if strings.Contains(got, "BẢN TẠM") || strings.Contains(got, "Bản in lại") {
		t.Error("a first, final print carries a provisional or reprint marking")
	}
	// pdftotext without -layout gives the name on a line of its own, exactly.
	plain := tool(t, "pdftotext", path, "-")
	if !regexp.MustCompile(`(?m)^NGUYỄN THỊ HỒNG ÁNH$`).MatchString(plain) {
		t.Errorf("the name is not on a line of its own:\n%s", plain)
	}

	fonts := tool(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type… encoding emb sub uni object ID
		if len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
			t.Errorf("font not embedded with a Unicode map: %q", l)
		}
	}
}

func TestProvisionalCoverIsMarkedUnmistakably(t *testing.T) {
	c := sampleCover(t)
	c.Provisional = true
	c.Reprint = 2
	_, path := renderCovers(t, c)
	got := text(t, path)
	assertContains(t, got, "BẢN TẠM", "Bản tạm, chưa được xác nhận", "Bản in lại lần 2", "NGUYỄN THỊ HỒNG ÁNH")
	if strings.Contains(got, "Bản chính thức") {
		t.Error("a provisional print says it is final")
	}
	// The diagonal watermark is drawn, not written: it shows on the page (faint red across the
	// middle) and stays out of the extracted text.
	if strings.Contains(got, "PROVISIONAL") {
		t.Error("the watermark mixes into the page's text")
	}
	_, finalPath := renderCovers(t, sampleCover(t))
	if a, b := reddish(t, path), reddish(t, finalPath); a < 20*b+2000 {
		t.Errorf("provisional page has %d reddish pixels, final %d: no visible watermark", a, b)
	}
}

// reddish renders the page at 50 dpi and counts pixels clearly redder than grey.
func reddish(t *testing.T, path string) int {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	tool(t, "pdftoppm", "-r", "50", "-png", "-singlefile", path, out)
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, _, _ := img.At(x, y).RGBA()
			if r > g+0x1800 {
				n++
			}
		}
	}
	return n
}

func TestCoverInEnglishHasEnglishLabels(t *testing.T) {
	c := sampleCover(t)
	c.Lang = "en"
	_, path := renderCovers(t, c)
	got := text(t, path)
	assertContains(t, got, "CONFIRMATION OF SOCIAL INSURANCE BOOK ISSUANCE", "Date of birth", "Issuing insurance office",
		"NGUYỄN THỊ HỒNG ÁNH", "Final", "HEAD OF THE INSURANCE OFFICE")
	if strings.Contains(got, "Ngày, tháng, năm sinh") {
		t.Error("English confirmation carries Vietnamese labels")
	}
}

func TestReadQRReadsTheSealOfEveryCoverInABatch(t *testing.T) {
	covers := batch(t, 3)
	b, _ := renderCovers(t, covers...)
	got, err := pdf.ReadQR(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(covers) {
		t.Fatalf("read %d codes, want %d", len(got), len(covers))
	}
	for i := range covers {
		if got[i] != covers[i].QR {
			t.Errorf("code %d reads %q, printed %q", i+1, got[i], covers[i].QR)
		}
	}
}

func TestReadQRReadsTheImageNotTheFile(t *testing.T) {
	covers := batch(t, 2)
	a, _ := renderCovers(t, covers[0])
	b, _ := renderCovers(t, covers[1])
	// Put the second cover's code image into the first cover's PDF: the reader must report the
	// code that is drawn, not anything else the file says.
	swapped := replaceObject(t, a, imageObject(t, a), imageObject(t, b))
	got, err := pdf.ReadQR(swapped)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != covers[1].QR {
		t.Fatalf("read %q from the doctored file, want the swapped-in code", got)
	}

	// Flip a block of modules in the image: the code no longer reads as the printed text.
	obj := imageObject(t, a)
	damaged := replaceObject(t, a, obj, damageImage(t, obj))
	if got, err := pdf.ReadQR(damaged); err == nil && len(got) == 1 && got[0] == covers[0].QR {
		t.Fatal("a damaged code still reads as the original")
	}
}

func TestReadQRRefusesWhatHasNoCode(t *testing.T) {
	_, err := pdf.ReadQR([]byte("hello"))
	if app.KindOf(err) != app.Invalid {
		t.Errorf("not a PDF: %v", err)
	}
	var buf bytes.Buffer
	if err := pdf.Receipt(&buf, sampleReceipt()); err != nil {
		t.Fatal(err)
	}
	_, err = pdf.ReadQR(buf.Bytes())
	var e *app.Error
	if !errors.As(err, &e) || e.Code != "qr_not_found" || e.Kind != app.NotFound {
		t.Errorf("a receipt has no code: err = %v", err)
	}
}

// The printed code scans from a rendering of the page, as a phone or a scanner sees it.
func TestCoverQRScansFromARenderedPage(t *testing.T) {
	c := sampleCover(t)
	c.Provisional = true // the watermark runs under the code
	_, path := renderCovers(t, c)
	for _, dpi := range []string{"100", "150", "300"} {
		out := filepath.Join(t.TempDir(), "page")
		tool(t, "pdftoppm", "-r", dpi, "-png", "-singlefile", path, out)
		f, err := os.Open(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		_ = f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got, err := pdf.DecodeQR(img)
		if err != nil {
			t.Fatalf("%s dpi: %v", dpi, err)
		}
		if got[0] != c.QR {
			t.Errorf("%s dpi: read %q", dpi, got[0])
		}
	}
}

func TestCoversPrintOnePagePerCover(t *testing.T) {
	covers := batch(t, 4)
	long := &covers[1]
	long.FullName = "Công Tằng Tôn Nữ Thị Phương Thảo Huyền Trân Ngọc Diệp"
	long.BirthPlace = strings.Repeat("Xã Yên Định, huyện Hải Hậu, tỉnh Nam Định ", 3)
	covers[2].Provisional = true
	covers[3].Lang = "en"
	_, path := renderCovers(t, covers...)
	info := tool(t, "pdfinfo", path)
	if !regexp.MustCompile(`(?m)^Pages:\s+4$`).MatchString(info) {
		t.Errorf("want 4 pages:\n%s", info)
	}
	got := text(t, path)
	assertContains(t, got, "CÔNG TẰNG TÔN NỮ", "Hải Hậu")
	// Every page has its code and its footer: nothing spilled over.
	if n := strings.Count(got, "Số 9 Lê Trực"); n != 4 {
		t.Errorf("office footer printed %d times, want 4", n)
	}
}

// A batch draws the parts common to its pages once, as templates: its pages must look exactly
// like covers printed one by one.
func TestCoverLooksTheSameAloneAndInABatch(t *testing.T) {
	covers := batch(t, 2)
	covers[0].Provisional, covers[0].Reprint = true, 3
	_, alone := renderCovers(t, covers[0])
	_, both := renderCovers(t, covers...)
	a, b := pageImage(t, alone, 1), pageImage(t, both, 1)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("page sizes differ: %v, %v", a.Bounds(), b.Bounds())
	}
	differ := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if absDiff(r1, r2) > 0x3000 || absDiff(g1, g2) > 0x3000 || absDiff(b1, b2) > 0x3000 {
				differ++
			}
		}
	}
	if total := a.Bounds().Dx() * a.Bounds().Dy(); differ > total/500 {
		t.Errorf("%d of %d pixels differ between the cover alone and in a batch", differ, total)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// pageImage renders one page at 60 dpi.
func pageImage(t *testing.T, path string, page int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	n := strconv.Itoa(page)
	tool(t, "pdftoppm", "-r", "60", "-f", n, "-l", n, "-png", "-singlefile", path, out)
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestCoversIsDeterministic(t *testing.T) {
	a, _ := renderCovers(t, sampleCover(t))
	b, _ := renderCovers(t, sampleCover(t))
	if !bytes.Equal(a, b) {
		t.Error("the same covers gave different PDF bytes")
	}
	// A batch too: its codes are images of one size, which must keep one order.
	covers := batch(t, 12)
	first, _ := renderCovers(t, covers...)
	for range 3 {
		if again, _ := renderCovers(t, covers...); !bytes.Equal(first, again) {
			t.Fatal("the same batch gave different PDF bytes")
		}
	}
}

func TestCoversRejectMissingFields(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*pdf.CoverData)
		field string
	}{
		{"rejects a cover without its code", func(c *pdf.CoverData) { c.QR = "" }, "QR"},
		{"rejects a blank name", func(c *pdf.CoverData) { c.FullName = " " }, "FullName"},
		{"rejects a missing book number", func(c *pdf.CoverData) { c.BookNumber = "" }, "BookNumber"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good, bad := sampleCover(t), sampleCover(t)
			tc.edit(&bad)
			var buf bytes.Buffer
			err := pdf.Covers(&buf, testCatalog, []pdf.CoverData{good, bad})
			var e *app.Error
			if !errors.As(err, &e) || e.Field != tc.field || e.Kind != app.Invalid || e.Args["index"] != "2" {
				t.Fatalf("err = %v, want an invalid %s on cover 2", err, tc.field)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
	err := pdf.Covers(io.Discard, testCatalog, nil)
	if e := (*app.Error)(nil); !errors.As(err, &e) || e.Code != "covers_empty" {
		t.Errorf("no covers: err = %v", err)
	}
}

// batch makes n covers of different fake people, each with its own signed seal.
func batch(t testing.TB, n int) []pdf.CoverData {
	t.Helper()
	ref := assets.MustLoad()
	gen := fake.New(42, ref.Places)
	k := signingKey(t)
	base := sampleCover(t)
	out := make([]pdf.CoverData, n)
	for i := range out {
		f := gen.Form()
		issued := base.Issued.Add(time.Duration(i) * time.Minute)
		c := base
		c.FullName, c.PersonalID, c.BookNumber = f.FullName, f.PersonalID, f.PersonalID
		bd, err := app.ParseBirthDate(f.BirthDate)
		if err != nil {
			t.Fatal(err)
		}
		c.BirthDate = bd.VNString()
		c.Gender = map[string]string{"male": "Nam", "female": "Nữ"}[f.Gender]
		c.Issued, c.Printed = issued, issued
		c.QR = sealText(t, k, f.PersonalID, f.FullName, f.BirthDate, issued, seal.Final)
		out[i] = c
	}
	return out
}

var objRe = regexp.MustCompile(`(?s)\n(\d+) 0 obj\n<<[^>]*?/Subtype /Image.*?endobj\n`)

// imageObject returns the first image XObject of a PDF written by fpdf, from "N 0 obj" to
// "endobj".
func imageObject(t *testing.T, pdfBytes []byte) []byte {
	t.Helper()
	m := objRe.Find(pdfBytes)
	if m == nil {
		t.Fatal("no image object")
	}
	return m[1:]
}

// replaceObject puts repl (with the object number of old) where old was.
func replaceObject(t *testing.T, pdfBytes, old, repl []byte) []byte {
	t.Helper()
	num := old[:bytes.Index(old, []byte(" 0 obj"))]
	body := repl[bytes.Index(repl, []byte(" 0 obj")):]
	return bytes.Replace(pdfBytes, old, append(append([]byte{}, num...), body...), 1)
}

// damageImage inverts a square of the code's modules inside a Flate/PNG image object.
func damageImage(t *testing.T, obj []byte) []byte {
	t.Helper()
	w := atoi(t, regexp.MustCompile(`/Width (\d+)`).FindSubmatch(obj)[1])
	start := bytes.Index(obj, []byte("stream\n")) + len("stream\n")
	end := bytes.LastIndex(obj, []byte("\nendstream"))
	zr, err := zlib.NewReader(bytes.NewReader(obj[start:end]))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	stride := (w+7)/8 + 1
	h := len(raw) / stride
	// Undo the "Up" filter, invert the middle third, store rows unfiltered.
	rows := make([][]byte, h)
	prev := make([]byte, stride-1)
	for y := range h {
		r := raw[y*stride : (y+1)*stride]
		row := make([]byte, stride-1)
		for i := range row {
			switch r[0] {
			case 0:
				row[i] = r[1+i]
			case 2:
				row[i] = r[1+i] + prev[i]
			default:
				t.Fatalf("filter %d", r[0])
			}
		}
		rows[y], prev = row, row
	}
	var out []byte
	for y, row := range rows {
		if y > h/3 && y < 2*h/3 {
			for i := len(row) / 3; i < 2*len(row)/3; i++ {
				row[i] = ^row[i]
			}
		}
		out = append(out, 0)
		out = append(out, row...)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(out)
	_ = zw.Close()
	head := regexp.MustCompile(`/Length \d+`).ReplaceAll(obj[:start], []byte("/Length "+strconv.Itoa(z.Len())))
	return append(append(append([]byte{}, head...), z.Bytes()...), obj[end:]...)
}

func atoi(t *testing.T, b []byte) int {
	t.Helper()
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWriteCoverSample writes a final and a provisional sample to the folder in COVER_SAMPLE,
// to look at them (docs/cover-vi.png is rendered from the final one).
func TestWriteCoverSample(t *testing.T) {
	dir := os.Getenv("COVER_SAMPLE")
	if dir == "" {
		t.Skip("set COVER_SAMPLE=/tmp/covers to write samples")
	}
	c := sampleCover(t)
	final, _ := renderCovers(t, c)
	c.Provisional, c.Reprint = true, 1
	c.QR = sealText(t, signingKey(t), "001190012345", "Nguyễn Thị Hồng Ánh", "1990-05-17", c.Issued, seal.Provisional)
	prov, _ := renderCovers(t, c)
	c.Lang, c.Provisional, c.Reprint = "en", false, 0
	en, _ := renderCovers(t, c)
	for name, b := range map[string][]byte{"cover-final.pdf": final, "cover-provisional.pdf": prov, "cover-en.pdf": en} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkCoverOne makes one cover PDF per iteration; cpu-ns/op is the process's CPU time
// per document (the goal, `make bench`: 2 ms), whatever the machine's load does to ns/op.
func BenchmarkCoverOne(b *testing.B) {
	c := sampleCover(b)
	var size int
	cpu := processCPU()
	for b.Loop() {
		var buf bytes.Buffer
		if err := pdf.Covers(&buf, testCatalog, []pdf.CoverData{c}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(size), "pdf-bytes")
}

// reportCPU reports the process's CPU time since start per iteration (cpu-ns/op).
func reportCPU(b *testing.B, start time.Duration) {
	if end := processCPU(); end > 0 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkCovers1000(b *testing.B) {
	covers := batch(b, 1000)
	var size int
	cpu := processCPU()
	for b.Loop() {
		var buf bytes.Buffer
		if err := pdf.Covers(&buf, testCatalog, covers); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(size), "pdf-bytes")
	b.ReportMetric(float64(size)/1e6, "MB")
}

// testCatalog holds the cover's labels, as the desk passes its own.
var testCatalog = assets.MustLoad().Catalog
