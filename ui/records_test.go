package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/ui"
	"bhxhdesk/wire"
)

// recDesk is a desk with every seam of the records screens wired to real parts: files opened
// from disk, PDF previews rendered by pdftoppm, and the system viewer recorded.
type recDesk struct {
	*storeDesk
	mu     sync.Mutex
	file   string   // the file the next "open file" dialog returns
	viewed []string // URLs handed to the system's viewer
	// onProgress sees each step of long work, on the working goroutine.
	onProgress func(pv *ui.ProgressView, done, total int64)
}

func openRecordsDesk(t *testing.T, o *wire.Office, c *clock) *recDesk {
	t.Helper()
	return openRecordsDeskRendering(t, o, c, true)
}

// openRecordsDeskRendering opens the desk with or without a PDF preview renderer.
func openRecordsDeskRendering(t *testing.T, o *wire.Office, c *clock, render bool) *recDesk {
	t.Helper()
	test.NewTempApp(t)
	ref := assets.MustLoad()
	sd := &storeDesk{office: o, clock: c, dir: t.TempDir()}
	rd := &recDesk{storeDesk: sd}
	cfg := ui.Config{Ref: o.Ref(), Places: ref.Places, Catalog: ref.Catalog,
		Now: c.now, Office: o, TempDir: t.TempDir(),
		Do: func(f func()) {
			sd.mu.Lock()
			sd.paints = append(sd.paints, f)
			sd.mu.Unlock()
		},
		SaveAs: func(name string, done func(io.WriteCloser, error)) {
			path := filepath.Join(sd.dir, name)
			sd.saved = append(sd.saved, path)
			f, err := os.Create(path)
			done(f, err)
		},
		OpenFile: func(_ []string, done func(io.ReadCloser, string, error)) {
			f, err := os.Open(rd.file)
			done(f, filepath.Base(rd.file), err)
		},
		RenderPDF: func(pdf []byte) ([][]byte, error) { return wire.RenderPDF(context.Background(), pdf, 30, 3) },
		OnProgress: func(pv *ui.ProgressView, done, total int64) {
			if rd.onProgress != nil {
				rd.onProgress(pv, done, total)
			}
		},
		OpenURL: func(u *url.URL) error {
			rd.mu.Lock()
			rd.viewed = append(rd.viewed, u.String())
			rd.mu.Unlock()
			return nil
		},
	}
	if !render {
		cfg.RenderPDF = nil
	}
	sd.Desk = ui.NewDesk(cfg, nil)
	sd.win = test.NewTempWindow(t, sd.Content())
	sd.win.Resize(fyne.NewSize(1024, 700))
	t.Cleanup(sd.Wait)
	return rd
}

// waitFor runs the painting handed to the UI thread until cond holds (the sync engine works
// on its own goroutine).
func (d *recDesk) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d.Wait()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// registerMonthly registers a fake person paying monthly, outside the screens.
func registerMonthly(t *testing.T, o *wire.Office, seed uint64) app.Dossier {
	t.Helper()
	intake, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	f := fakeForm(t, seed)
	f.Method = "monthly"
	res, err := intake.Register(help, app.RegisterRequest{Form: f, NotDuplicate: true})
	require.NoError(t, err)
	return res.Dossier
}

// TestOfficerRecordsVoucherCoverIssuePrint follows an officer from the dashboard and the queue to the dossier, its
// payment voucher, the book cover it creates, issuing it and printing the confirmation, with a
// reprint refused until it has a reason.
func TestOfficerRecordsVoucherCoverIssuePrint(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 21)
	pid, name := dos.Form.PersonalID, dos.Form.FullName
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	require.NotNil(t, d.SyncBar(), "the status bar shows on every signed-in screen")
	for _, p := range []ui.Page{ui.PageVouchers, ui.PageRecords, ui.PageSync} {
		assert.NotNil(t, d.Nav(p), "an officer sees %s", p)
	}
	assert.Nil(t, d.Nav(ui.PageAccounts))

	// Dashboard → queue → dossier: the dossier is not sent yet, and offers its voucher.
	require.Equal(t, ui.PageHome, d.Page(), "an officer starts on the dashboard")
	assert.Equal(t, "1", d.Home().Values[ui.TileReceivedToday].Text)
	test.Tap(d.Home().Tiles[ui.TileReceivedToday])
	d.Wait()
	require.Equal(t, ui.PageQueue, d.Page())
	require.Len(t, d.Queue().Rows.Rows(), 1)
	d.Queue().Rows.List.Select(0)
	d.Wait()
	ds := d.DossierSync()
	require.NotNil(t, ds)
	assert.Equal(t, "Đồng bộ: chưa gửi lên trung tâm", ds.State.Text)
	require.NotNil(t, ds.Voucher)
	d.shot(t, "dossier-sync")
	test.Tap(ds.Voucher)
	d.Wait()
	require.Equal(t, ui.PageVouchers, d.Page())
	v := d.Vouchers()
	assert.Equal(t, pid, v.Form.PersonalID.Text)
	assert.Equal(t, name, v.Form.FullName.Text)
	assert.Equal(t, dos.Quote.Payable.Grouped(), v.Form.Amount.Text, "the amount due for the first period")
	assert.Equal(t, "05/01/2026", v.Form.PaidOn.Text)
	assert.Equal(t, "01/2026", v.Form.FromMonth.Text)
	test.Tap(v.Save)
	d.Wait()
	assert.Equal(t, "Số biên lai: số biên lai không được để trống và dài tối đa 40 ký tự.", v.Form.Msg("receipt_no"), "the receipt number is required")
	test.Type(v.Form.ReceiptNo, "BL-2026-000001")
	assert.Empty(t, v.Form.Msg("receipt_no"), "checked as the officer types")
	test.Tap(v.Save)
	d.Wait()
	assert.Equal(t, widget.SuccessImportance, v.Outcome.Importance)
	assert.Contains(t, v.Outcome.Text, "đã khớp")
	assert.Contains(t, v.Outcome.Text, "từ 01/2026 đến 01/2026")
	assert.Contains(t, v.Outcome.Text, dos.Code)
	d.shot(t, "voucher-matched")

	records, _ := o.Services()
	_, sess := d.service(t, "canbo")
	pv, err := records.Person(sess, pid)
	require.NoError(t, err)
	require.Len(t, pv.Participant.Periods, 1, "the period is recorded")
	assert.Equal(t, dos.Quote.Payable, pv.Participant.Periods[0].Paid)
	require.NotNil(t, pv.Cover)
	assert.Equal(t, app.CoverCreated, pv.Cover.Status, "a first-time participant gets cover data")

	// The electronic book, from the outcome.
	require.True(t, v.OpenBook.Visible())
	test.Tap(v.OpenBook)
	d.Wait()
	require.Equal(t, ui.PageRecords, d.Page())
	book := d.Records().Book
	require.NotNil(t, book.Shown())
	assert.Equal(t, app.UpperName(name), book.Name.Text, "the name in upper case with its marks")
	assert.Equal(t, 1, book.Periods.Length())
	assert.Contains(t, book.Cover.Text, "chờ cấp")
	d.shot(t, "book")

	// Covers: issue, then print.
	d.Records().Show(ui.TabCovers)
	d.Wait()
	cv := d.Records().Covers
	require.Len(t, cv.Rows(), 1)
	assert.True(t, cv.Issue.Disabled(), "nothing ticked yet")
	cv.Toggle(0)
	require.False(t, cv.Issue.Disabled())
	d.shot(t, "covers-to-issue")
	test.Tap(cv.Issue)
	d.Wait()
	assert.Equal(t, "Đã cấp 1 tờ bìa sổ.", cv.Status.Text)
	assert.Empty(t, cv.Rows(), "issued covers leave the list to issue")
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	assert.Equal(t, app.CoverIssued, pv.Cover.Status)

	cv.Choose(ui.CoversToday)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	test.Tap(cv.PrintToday)
	d.Wait()
	require.NotNil(t, cv.Preview, "the PDF is shown after printing")
	assert.NotEmpty(t, cv.Preview.Pages, "rendered with pdftoppm")
	d.shot(t, "covers-preview")
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	assert.Empty(t, pv.Cover.Prints, "a preview is not a print: nothing counted yet")
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	require.Len(t, d.saved, 1)
	text := pdfText(t, d.saved[0])
	assert.Contains(t, text, app.UpperName(name), "the saved PDF holds the name with its diacritics")
	assert.Contains(t, text, "BẢN TẠM")
	assert.Contains(t, cv.Preview.Status.Text, d.saved[0])
	test.Tap(cv.Preview.OpenViewer)
	assert.Len(t, d.viewed, 1, "handed to the system's viewer")
	assert.True(t, strings.HasPrefix(d.viewed[0], "file://"))
	test.Tap(cv.Preview.Close)
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 1, "the print is counted")

	// A reprint needs a reason.
	cv.Choose(ui.CoversIssued)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	cv.Toggle(0)
	test.Tap(cv.Print)
	d.Wait()
	rp := cv.Reprint
	require.NotNil(t, rp, "a cover printed before asks why")
	assert.Contains(t, rp.Covers.Text, app.UpperName(name))
	test.Tap(rp.Confirm)
	d.Wait()
	assert.Equal(t, "Lý do: tờ bìa đã in 1 lần; in lại phải ghi lý do.", rp.Problem.Text)
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	assert.Len(t, pv.Cover.Prints, 1, "a refused reprint is not counted")
	d.shot(t, "covers-reprint")
	test.Type(rp.Reason, "Giấy kẹt trong máy in")
	test.Tap(rp.Confirm)
	d.Wait()
	assert.Nil(t, cv.Reprint)
	require.NotNil(t, cv.Preview)
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 1, "counted when it leaves the desk, not at the preview")
	test.Tap(cv.Preview.OpenViewer)
	d.Wait()
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	pv, err = records.Person(sess, pid)
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 2, "opened and saved: one print")
	assert.Equal(t, "Giấy kẹt trong máy in", pv.Cover.Prints[1].Reason)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	assert.Equal(t, 2, len(cv.Rows()[0].Prints), "the list shows the print count")

	// Signing out removes the PDFs handed to the viewer.
	u, err := url.Parse(d.viewed[0])
	require.NoError(t, err)
	_, err = os.Stat(u.Path)
	require.NoError(t, err)
	d.signOut(t)
	_, err = os.Stat(u.Path)
	assert.True(t, os.IsNotExist(err), "the temporary PDF is gone")
}

// TestVoucherImportPreviewThenRecord imports the collection agent's sample file: a preview
// first (nothing stored), then the recording with every line accounted for.
func TestVoucherImportPreviewThenRecord(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	people, err := os.ReadFile("../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	var forms []app.RegistrationForm
	require.NoError(t, json.Unmarshal(people, &forms))
	c.set(time.Date(2025, 9, 1, 8, 0, 0, 0, calendar.VN))
	intake, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	for _, f := range forms {
		_, err := intake.Register(help, app.RegisterRequest{Form: f, NotDuplicate: true})
		require.NoError(t, err, f.FullName)
	}
	c.set(time.Date(2025, 9, 10, 9, 0, 0, 0, calendar.VN))

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageVouchers))
	v := d.Vouchers()
	v.Show(ui.TabVoucherImport)
	imp := v.Import
	assert.False(t, imp.Record.Visible(), "nothing to record before a file is read")

	lines := func(out ui.ImportOutcome) []int {
		var n []int
		for _, l := range imp.Lines() {
			if l.Outcome == out {
				n = append(n, l.Line)
			}
		}
		return n
	}
	for _, file := range []string{"vouchers-sample.xlsx", "vouchers-sample.csv"} {
		d.file = filepath.Join("..", "sheet", "testdata", file)
		test.Tap(imp.Choose)
		d.Wait()
		assert.Equal(t, []int{7, 8, 9, 10, 11}, lines(ui.LineRefused), "%s: refused before recording", file)
		assert.Len(t, lines(ui.LineReady), 4, file)
		for _, l := range imp.Lines() {
			if l.Outcome == ui.LineRefused {
				assert.NotEmpty(t, l.Reason, "line %d says why", l.Line)
			}
		}
		assert.Contains(t, imp.Summary.Text, file)
		assert.Equal(t, "Ghi nhận 4 chứng từ", imp.Record.Text)
	}
	assert.Equal(t, []int{3, 4, 5, 13}, lines(ui.LineReady), "the CSV's good lines")
	reasons := map[int]string{}
	for _, l := range imp.Lines() {
		reasons[l.Line] = l.Reason
	}
	assert.Contains(t, reasons[8], "mất chữ số 0", "an ID stored as a number")
	assert.Contains(t, reasons[10], "Số tiền", "a bad amount names its field")
	imp.List.Select(4)
	assert.Contains(t, imp.Detail.Text, "Dòng 8:", "the full reason of the line selected")
	d.shot(t, "import-preview")
	records, _ := o.Services()
	_, sess := d.service(t, "canbo")
	pv, err := records.Person(sess, "070066237886")
	require.NoError(t, err)
	assert.False(t, pv.Known, "the preview stores nothing")

	test.Tap(imp.Record)
	d.Wait()
	assert.Contains(t, imp.Summary.Text, "Đã nhận 4 chứng từ: 4 khớp và ghi quá trình đóng, 0 chờ xử lý; 5 dòng bị từ chối; 0 dòng đã nhập trước đó; tạo 4 tờ bìa sổ mới.")
	assert.Equal(t, []int{7, 8, 9, 10, 11}, lines(ui.LineRefused), "refused, by line")
	assert.Equal(t, []int{3, 4, 5, 13}, lines(ui.LineMatched), "matched, by line")
	assert.False(t, imp.Record.Visible())
	pv, err = records.Person(sess, "070066237886")
	require.NoError(t, err)
	require.True(t, pv.Known)
	require.Len(t, pv.Participant.Periods, 1)
	assert.Equal(t, "BL-2025-000101", pv.Participant.Periods[0].ReceiptNo)
	d.shot(t, "import-done")

	// The same file again: nothing is recorded twice, and the lines say so.
	test.Tap(imp.Choose)
	d.Wait()
	test.Tap(imp.Record)
	d.Wait()
	assert.Equal(t, []int{3, 4, 5, 13}, lines(ui.LineAlready))
	assert.Empty(t, lines(ui.LineMatched))
	for _, l := range imp.Lines() {
		if l.Line == 3 {
			assert.Equal(t, "Lê Hữu Minh", l.Name, "the line shows what was read")
		}
	}
	assert.Contains(t, imp.Summary.Text, "Đã nhận 0 chứng từ")

	// A file that is not a voucher list is refused as a whole, with the reason.
	bad := filepath.Join(t.TempDir(), "bang-ke.csv")
	require.NoError(t, os.WriteFile(bad, []byte("a,b,c\n1,2,3\n"), 0o600))
	d.file = bad
	test.Tap(imp.Choose)
	d.Wait()
	assert.Contains(t, imp.Problem.Text, "Không nhập được tệp bang-ke.csv: Không tìm thấy dòng tiêu đề")
	assert.Empty(t, imp.Lines())
}

// TestALongImportShowsProgressAndStops: a 200-line file is recorded with a progress dialog
// that counts the lines; "Dừng" after the first transaction keeps what was recorded, the lines
// not reached say so, and the same file imported again records those and only those.
func TestALongImportShowsProgressAndStops(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 33)
	var b strings.Builder
	b.WriteString("Số biên lai,Số CCCD,Họ và tên,Số tiền,Ngày nộp,Từ tháng,Số tháng,Nhân viên thu\n")
	for i := range 200 {
		fmt.Fprintf(&b, "BL-2026-%06d,%s,%s,%d,05/01/2026,01/2026,1,Đại lý thu xã Yên Định\n", i, dos.Form.PersonalID, dos.Form.FullName, dos.Quote.Payable)
	}
	file := filepath.Join(t.TempDir(), "bang-ke-thang-1.csv")
	require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o600))

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageVouchers))
	v := d.Vouchers()
	v.Show(ui.TabVoucherImport)
	imp := v.Import
	d.file = file
	test.Tap(imp.Choose)
	d.Wait()
	require.Equal(t, "Ghi nhận 200 chứng từ", imp.Record.Text)

	steps, resume := make(chan *ui.ProgressView), make(chan struct{})
	first := true
	d.onProgress = func(pv *ui.ProgressView, done, total int64) {
		if first {
			first = false
			assert.Equal(t, [2]int64{40, 200}, [2]int64{done, total}, "told after the first transaction")
			steps <- pv
			<-resume
		}
	}
	test.Tap(imp.Record)
	pv := <-steps
	require.NotNil(t, pv.Stop, "an import can stop: what is recorded stays")
	test.Tap(pv.Stop)
	assert.Contains(t, pv.Count.Text, "Đang dừng")
	close(resume)
	d.Wait()
	assert.Equal(t, 1, pv.Steps)
	assert.Equal(t, "40 / 200 dòng", pv.Text(40, 200, 0))
	assert.Equal(t, "40 / 200 dòng — còn khoảng 12 giây", pv.Text(40, 200, 3*time.Second), "the time left once it can be told")
	assert.Contains(t, imp.Summary.Text, "Đã dừng theo yêu cầu: 160 dòng (từ dòng 42) chưa được ghi.")
	notReached := 0
	for _, l := range imp.Lines() {
		if l.Outcome == ui.LineNotReached {
			notReached++
		}
	}
	assert.Equal(t, 160, notReached)

	d.onProgress = nil
	test.Tap(imp.Choose)
	d.Wait()
	test.Tap(imp.Record)
	d.Wait()
	assert.Contains(t, imp.Summary.Text, "Đã nhận 160 chứng từ")
	assert.Contains(t, imp.Summary.Text, "40 dòng đã nhập trước đó")
}

// TestExceptionCorrectedFromTheScreen records an underpaid voucher, which waits in the
// exceptions queue, and corrects it there with a reason.
func TestExceptionCorrectedFromTheScreen(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 31)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageVouchers))
	v := d.Vouchers()
	f := v.Form
	test.Type(f.ReceiptNo, "BL-2026-000777")
	test.Type(f.PersonalID, dos.Form.PersonalID)
	test.Type(f.FullName, dos.Form.FullName)
	test.Type(f.Amount, (dos.Quote.Payable - 1000).Grouped())
	test.Type(f.PaidOn, "05/01/2026")
	test.Type(f.FromMonth, "01/2026")
	test.Type(f.Months, "một")
	assert.Equal(t, `Số tháng: số tháng phải là một số nguyên (đang là "một").`, f.Msg("months"), "checked as typed")
	replace(f.Months, "1")
	assert.Empty(t, f.Msg("months"))
	test.Type(f.Collector, "Đại lý thu xã Yên Định")
	test.Tap(v.Save)
	d.Wait()
	assert.Equal(t, widget.WarningImportance, v.Outcome.Importance)
	assert.Contains(t, v.Outcome.Text, "chưa khớp")
	assert.Contains(t, v.Outcome.Text, "thiếu so với số phải nộp "+dos.Quote.Payable.String())
	assert.Empty(t, v.Form.ReceiptNo.Text, "the form is ready for the next receipt")
	assert.Equal(t, "05/01/2026", v.Form.PaidOn.Text, "the day and collector stay for a batch")
	require.True(t, v.OpenExceptions.Visible())
	d.shot(t, "voucher-exception")

	// The language switch keeps the screen.
	d.SetLang(app.EN)
	d.Wait()
	assert.Contains(t, d.Vouchers().Outcome.Text, "not matched")
	d.shot(t, "vouchers-en")
	d.SetLang(app.VI)
	d.Wait()
	v = d.Vouchers()

	test.Tap(v.OpenExceptions)
	d.Wait()
	ex := v.Exceptions
	require.Len(t, ex.Rows(), 1)
	assert.Equal(t, "Chờ xử lý (1)", v.Tabs.Selected().Text)
	ex.Select(0)
	require.NotNil(t, ex.Correct)
	assert.Contains(t, ex.Reason.Text, "thiếu so với số phải nộp")
	d.shot(t, "exceptions")
	test.Tap(ex.Correct)
	dlg := ex.Dialog
	require.NotNil(t, dlg)
	assert.Equal(t, "BL-2026-000777", dlg.Form.ReceiptNo.Text, "prefilled from the voucher")
	replace(dlg.Form.Amount, dos.Quote.Payable.Grouped())
	test.Tap(dlg.Confirm)
	d.Wait()
	assert.Equal(t, "Lý do: phải ghi lý do.", dlg.Problem.Text)
	d.shot(t, "exception-correct")
	test.Type(dlg.Reason, "Đại lý ghi nhầm số tiền trên bảng kê")
	test.Tap(dlg.Confirm)
	d.Wait()
	assert.Nil(t, ex.Dialog)
	assert.Empty(t, ex.Rows(), "the list refreshes")
	assert.Contains(t, ex.Status.Text, "bản ghi mới: đã khớp")

	records, _ := o.Services()
	_, sess := d.service(t, "canbo")
	pv, err := records.Person(sess, dos.Form.PersonalID)
	require.NoError(t, err)
	require.Len(t, pv.Participant.Periods, 1)
	assert.Equal(t, dos.Quote.Payable, pv.Participant.Periods[0].Paid)
	statuses := map[app.VoucherKind]app.VoucherStatus{}
	for _, vv := range pv.Vouchers {
		statuses[vv.Kind] = vv.State.Status
	}
	assert.Equal(t, map[app.VoucherKind]app.VoucherStatus{app.KindPayment: app.VoucherResolved, app.KindCorrection: app.VoucherMatched}, statuses)
}

// TestPrintOpensTheSystemViewerWithoutAPreview prints where no preview can be rendered: the
// PDF goes to the system's viewer at once, and can still be saved.
func TestPrintOpensTheSystemViewerWithoutAPreview(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 61)
	records, _ := o.Services()
	_, officer, err := o.Open("canbo", password)
	require.NoError(t, err)
	officer.Idle = -1
	q := dos.Quote
	vv, err := records.AddVoucher(officer, app.VoucherInput{ReceiptNo: "BL-2026-000061", PersonalID: dos.Form.PersonalID, FullName: dos.Form.FullName,
		Amount: app.Amount(q.Payable.Grouped()), PaidOn: "2026-01-05", FromMonth: q.FromMonth.String(), Months: q.Months})
	require.NoError(t, err)
	require.Equal(t, app.VoucherMatched, vv.State.Status)
	_, err = records.IssueCover(officer, dos.Form.PersonalID)
	require.NoError(t, err)

	d := openRecordsDeskRendering(t, o, c, false)
	d.signIn(t, "motcua")
	test.Tap(d.Nav(ui.PageRecords))
	d.Records().Show(ui.TabCovers)
	d.Wait()
	cv := d.Records().Covers
	assert.False(t, cv.Issue.Visible(), "the help desk prints but does not issue")
	cv.Choose(ui.CoversIssued)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	cv.Toggle(0)
	test.Tap(cv.Print)
	d.Wait()
	require.NotNil(t, cv.Preview)
	assert.Empty(t, cv.Preview.Pages)
	assert.True(t, cv.Preview.Opened, "opened in the system's viewer at once")
	require.Len(t, d.viewed, 1)
	u, err := url.Parse(d.viewed[0])
	require.NoError(t, err)
	assert.Contains(t, pdfText(t, u.Path), app.UpperName(dos.Form.FullName))
	d.shot(t, "covers-viewer")
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	require.Len(t, d.saved, 1)
	assert.Contains(t, pdfText(t, d.saved[0]), app.UpperName(dos.Form.FullName))
	test.Tap(cv.Preview.Close)
	d.SetLang(app.EN)
	d.Wait()
	assert.Equal(t, "Print every cover issued today", d.Records().Covers.PrintToday.Text)
	d.shot(t, "covers-en")
}

// TestTheDaysBatchAsksAReasonOnlyForCoversPrintedBefore: of today's two issued covers one was
// printed before. The batch print lists only that one as a reprint and offers to print the
// other alone without a reason; closing a preview without saving or printing counts nothing.
func TestTheDaysBatchAsksAReasonOnlyForCoversPrintedBefore(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	records, _ := o.Services()
	_, officer, err := o.Open("canbo", password)
	require.NoError(t, err)
	officer.Idle = -1
	var pids []string
	for seed := uint64(31); seed < 33; seed++ {
		dos := registerMonthly(t, o, seed)
		q := dos.Quote
		_, err := records.AddVoucher(officer, app.VoucherInput{ReceiptNo: "BL-2026-0000" + strconv.FormatUint(seed, 10), PersonalID: dos.Form.PersonalID,
			FullName: dos.Form.FullName, Amount: app.Amount(q.Payable.Grouped()), PaidOn: "2026-01-05", FromMonth: q.FromMonth.String(), Months: q.Months})
		require.NoError(t, err)
		_, err = records.IssueCover(officer, dos.Form.PersonalID)
		require.NoError(t, err)
		pids = append(pids, dos.Form.PersonalID)
	}
	_, err = records.PrintCovers(officer, pids[:1], "")
	require.NoError(t, err)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	d.Show(ui.PageRecords)
	d.Records().Show(ui.TabCovers)
	d.Wait()
	cv := d.Records().Covers
	listAt := fyne.CurrentApp().Driver().AbsolutePositionForObject(cv.List)
	test.Tap(cv.PrintToday)
	d.Wait()
	rp := cv.Reprint
	require.NotNil(t, rp, "one of the batch was printed before")
	assert.Equal(t, 1, strings.Count(rp.Covers.Text, "\n")+1, "only the cover printed before is listed: %q", rp.Covers.Text)
	require.True(t, rp.Fresh.Visible())
	assert.Equal(t, "Chỉ in 1 tờ chưa in", rp.Fresh.Text)
	require.Equal(t, rp.Reason, d.win.Canvas().Focused(), "the cursor is in the reason")
	rp.Reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	assert.Nil(t, cv.Reprint, "Escape in the reason closes the dialog")
	test.Tap(cv.PrintToday)
	d.Wait()
	rp = cv.Reprint
	require.NotNil(t, rp)
	test.Tap(rp.Fresh)
	d.Wait()
	require.NotNil(t, cv.Preview, "printed without a reason")
	// Escape closes the preview even when nothing in it has the focus (back from a file dialog).
	d.FocusIn(d.win.Canvas())
	d.win.Canvas().Unfocus()
	d.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	d.Wait()
	require.Nil(t, cv.Preview, "Escape closed the preview")
	assert.Contains(t, cv.Status.Text, "Chưa in", "closing the preview says nothing was printed")
	relayout(d.win.Content())
	assert.Equal(t, listAt, fyne.CurrentApp().Driver().AbsolutePositionForObject(cv.List),
		"the message does not push the rows from under the pointer")
	for i, pid := range pids {
		pv, err := records.Person(officer, pid)
		require.NoError(t, err)
		assert.Len(t, pv.Cover.Prints, 1-i, "a closed preview counts nothing")
	}

	// "Dừng" while the covers are made: nothing is printed, nothing counted.
	steps, resume := make(chan *ui.ProgressView), make(chan struct{})
	d.onProgress = func(pv *ui.ProgressView, done, total int64) {
		steps <- pv
		<-resume
	}
	test.Tap(cv.PrintToday)
	d.Wait()
	require.NotNil(t, cv.Reprint)
	test.Tap(cv.Reprint.Fresh)
	prog := <-steps
	assert.Equal(t, "1 / 1 tờ bìa", prog.Text(1, 1, 0))
	test.Tap(prog.Stop)
	close(resume)
	d.Wait()
	d.onProgress = nil
	assert.True(t, cv.Preview == nil, "stopped: no preview")
	require.NotNil(t, cv.Reprint, "the choice stays open to print again")
	assert.Contains(t, cv.Reprint.Problem.Text, "Đã dừng theo yêu cầu")
	stopped, err := records.Person(officer, pids[1])
	require.NoError(t, err)
	assert.Empty(t, stopped.Cover.Prints, "stopped: nothing counted")

	test.Tap(cv.Reprint.Fresh)
	d.Wait()
	require.NotNil(t, cv.Preview)
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	pv, err := records.Person(officer, pids[1])
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 1, "saved: counted")
	assert.Empty(t, pv.Cover.Prints[0].Reason)
	assert.Contains(t, pdfText(t, d.saved[len(d.saved)-1]), app.UpperName(pv.Cover.FullName))
	assert.NotContains(t, pdfText(t, d.saved[len(d.saved)-1]), "Bản in lại")
}

// relayout lays the tree out again from the top, as the real driver does on every frame for
// objects whose minimum size changed (Fyne's test canvas does not): a message that appears
// moves what is laid out after it.
func relayout(o fyne.CanvasObject) {
	switch w := o.(type) {
	case *fyne.Container:
		if w.Layout != nil {
			w.Layout.Layout(w.Objects, w.Size())
		}
		for _, c := range w.Objects {
			relayout(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(w)
		r.Layout(w.Size())
		for _, c := range r.Objects() {
			relayout(c)
		}
	}
}
