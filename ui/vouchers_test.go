package ui_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/ui"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/recordsui"
)

// TestVoucherImportPreviewThenRecord imports the collection agent's sample file: a preview
// first (nothing stored), then the recording with every line accounted for.
func TestVoucherImportPreviewThenRecord(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	registerTheSamplePeople(t, o, c)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageVouchers))
	v := d.Vouchers()
	v.Show(recordsui.TabVoucherImport)
	imp := v.Import
	assert.False(t, imp.Record.Visible(), "nothing to record before a file is read")

	previewTheSampleFiles(t, d, imp)
	records, _ := o.Services()
	_, sess := d.service(t, "canbo")
	pv, err := records.Person(sess, "070066237886")
	require.NoError(t, err)
	assert.False(t, pv.Known, "the preview stores nothing")

	test.Tap(imp.Record)
	d.Wait()
	assert.Contains(t, imp.Summary.Text, "Đã nhận 4 chứng từ: 4 khớp và ghi quá trình đóng, 0 chờ xử lý; 5 dòng bị từ chối; "+
		"0 dòng đã nhập trước đó; tạo 4 tờ bìa sổ mới.")
	assert.Equal(t, []int{7, 8, 9, 10, 11}, importLines(imp, recordsui.LineRefused), "refused, by line")
	assert.Equal(t, []int{3, 4, 5, 13}, importLines(imp, recordsui.LineMatched), "matched, by line")
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
	assert.Equal(t, []int{3, 4, 5, 13}, importLines(imp, recordsui.LineAlready))
	assert.Empty(t, importLines(imp, recordsui.LineMatched))
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

// registerTheSamplePeople registers the people of the collection agent's sample file, on the
// first of September 2025, and moves the clock to the 10th.
func registerTheSamplePeople(t *testing.T, o *desk.Office, c *clock) {
	t.Helper()
	people, err := os.ReadFile("../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	var forms []app.RegistrationForm
	require.NoError(t, json.Unmarshal(people, &forms))
	c.set(time.Date(2025, 9, 1, 8, 0, 0, 0, calendar.VN))
	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	for _, f := range forms {
		_, err := in.Register(help, intake.RegisterRequest{Form: f, NotDuplicate: true})
		require.NoError(t, err, f.FullName)
	}
	c.set(time.Date(2025, 9, 10, 9, 0, 0, 0, calendar.VN))
}

// importLines are the lines of the import with an outcome, in file order.
func importLines(imp *recordsui.ImportPanel, out recordsui.ImportOutcome) []int {
	var n []int
	for _, l := range imp.Lines() {
		if l.Outcome == out {
			n = append(n, l.Line)
		}
	}
	return n
}

// previewTheSampleFiles reads the sample as a workbook, then as CSV: the same lines are ready
// and refused, each refused line says why, and nothing is stored yet.
func previewTheSampleFiles(t *testing.T, d *recDesk, imp *recordsui.ImportPanel) {
	for _, file := range []string{"vouchers-sample.xlsx", "vouchers-sample.csv"} {
		d.file = filepath.Join("..", "sheet", "testdata", file)
		test.Tap(imp.Choose)
		d.Wait()
		assert.Equal(t, []int{7, 8, 9, 10, 11}, importLines(imp, recordsui.LineRefused), "%s: refused before recording", file)
		assert.Len(t, importLines(imp, recordsui.LineReady), 4, file)
		for _, l := range imp.Lines() {
			if l.Outcome == recordsui.LineRefused {
				assert.NotEmpty(t, l.Reason, "line %d says why", l.Line)
			}
		}
		assert.Contains(t, imp.Summary.Text, file)
		assert.Equal(t, "Ghi nhận 4 chứng từ", imp.Record.Text)
	}
	assert.Equal(t, []int{3, 4, 5, 13}, importLines(imp, recordsui.LineReady), "the CSV's good lines")
	reasons := map[int]string{}
	for _, l := range imp.Lines() {
		reasons[l.Line] = l.Reason
	}
	assert.Contains(t, reasons[8], "mất chữ số 0", "an ID stored as a number")
	assert.Contains(t, reasons[10], "Số tiền", "a bad amount names its field")
	imp.List.Select(4)
	assert.Contains(t, imp.Detail.Text, "Dòng 8:", "the full reason of the line selected")
	d.shot(t, "import-preview")
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
		fmt.Fprintf(&b, "BL-2026-%06d,%s,%s,%d,05/01/2026,01/2026,1,Đại lý thu xã Yên Định\n",
			i, dos.Form.PersonalID, dos.Form.FullName, dos.Quote.Payable)
	}
	file := filepath.Join(t.TempDir(), "bang-ke-thang-1.csv")
	require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o600))

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageVouchers))
	v := d.Vouchers()
	v.Show(recordsui.TabVoucherImport)
	imp := v.Import
	d.file = file
	test.Tap(imp.Choose)
	d.Wait()
	require.Equal(t, "Ghi nhận 200 chứng từ", imp.Record.Text)

	steps, resume := make(chan *kit.ProgressView), make(chan struct{})
	first := true
	d.onProgress = func(pv *kit.ProgressView, done, total int64) {
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
		if l.Outcome == recordsui.LineNotReached {
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
	assert.Equal(t, map[app.VoucherKind]app.VoucherStatus{app.KindPayment: app.VoucherResolved, app.KindCorrection: app.VoucherMatched},
		statuses)
}
