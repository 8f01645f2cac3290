package ui_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/records"
	"bhxhdesk/ui"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/recordsui"
)

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
	vv, err := records.AddVoucher(officer, app.VoucherInput{ReceiptNo: "BL-2026-000061", PersonalID: dos.Form.PersonalID,
		FullName: dos.Form.FullName, Amount: app.Amount(q.Payable.Grouped()), PaidOn: "2026-01-05", FromMonth: q.FromMonth.String(),
		Months: q.Months})
	require.NoError(t, err)
	require.Equal(t, app.VoucherMatched, vv.State.Status)
	_, err = records.IssueCover(officer, dos.Form.PersonalID)
	require.NoError(t, err)

	d := openRecordsDeskRendering(t, o, c, false)
	d.signIn(t, "motcua")
	test.Tap(d.Nav(ui.PageRecords))
	d.Records().Show(recordsui.TabCovers)
	d.Wait()
	cv := d.Records().Covers
	assert.False(t, cv.Issue.Visible(), "the help desk prints but does not issue")
	cv.Choose(recordsui.CoversIssued)
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
	records, officer, pids := issueTwoCoversOnePrinted(t, o)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	d.Show(ui.PageRecords)
	d.Records().Show(recordsui.TabCovers)
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

	stopThenPrintTheFreshCover(t, d, records, officer, pids[1])
}

// issueTwoCoversOnePrinted records a voucher and issues a cover for two people today, and
// prints the first one's cover; it returns the records service, an officer's session and the
// two personal IDs.
func issueTwoCoversOnePrinted(t *testing.T, o *desk.Office) (*records.Service, *app.Session, []string) {
	t.Helper()
	records, _ := o.Services()
	_, officer, err := o.Open("canbo", password)
	require.NoError(t, err)
	officer.Idle = -1
	var pids []string
	for seed := uint64(31); seed < 33; seed++ {
		dos := registerMonthly(t, o, seed)
		q := dos.Quote
		_, err := records.AddVoucher(officer, app.VoucherInput{ReceiptNo: "BL-2026-0000" + strconv.FormatUint(seed, 10),
			PersonalID: dos.Form.PersonalID, FullName: dos.Form.FullName, Amount: app.Amount(q.Payable.Grouped()), PaidOn: "2026-01-05",
			FromMonth: q.FromMonth.String(), Months: q.Months})
		require.NoError(t, err)
		_, err = records.IssueCover(officer, dos.Form.PersonalID)
		require.NoError(t, err)
		pids = append(pids, dos.Form.PersonalID)
	}
	_, err = records.PrintCovers(officer, pids[:1], "")
	require.NoError(t, err)
	return records, officer, pids
}

// stopThenPrintTheFreshCover prints the cover never printed (pid) from the day's batch:
// "Dừng" while the covers are made prints and counts nothing and leaves the choice open; then
// it is printed and saved, counted once, without a reason and not marked as a reprint.
func stopThenPrintTheFreshCover(t *testing.T, d *recDesk, records *records.Service, officer *app.Session, pid string) {
	cv := d.Records().Covers
	steps, resume := make(chan *kit.ProgressView), make(chan struct{})
	d.onProgress = func(pv *kit.ProgressView, done, total int64) {
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
	stopped, err := records.Person(officer, pid)
	require.NoError(t, err)
	assert.Empty(t, stopped.Cover.Prints, "stopped: nothing counted")

	test.Tap(cv.Reprint.Fresh)
	d.Wait()
	require.NotNil(t, cv.Preview)
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	pv, err := records.Person(officer, pid)
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 1, "saved: counted")
	assert.Empty(t, pv.Cover.Prints[0].Reason)
	assert.Contains(t, pdfText(t, d.saved[len(d.saved)-1]), app.UpperName(pv.Cover.FullName))
	assert.NotContains(t, pdfText(t, d.saved[len(d.saved)-1]), "Bản in lại")
}
