package ui_test

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
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
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/pdf"
	"bhxhdesk/records"
	"bhxhdesk/ui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/recordsui"
)

// recDesk is a desk with every seam of the records screens wired to real parts: files opened
// from disk, PDF previews rendered by pdftoppm, and the system viewer recorded.
type recDesk struct {
	*storeDesk
	mu     sync.Mutex
	file   string   // the file the next "open file" dialog returns
	viewed []string // URLs handed to the system's viewer
	// onProgress sees each step of long work, on the working goroutine.
	onProgress func(pv *kit.ProgressView, done, total int64)
}

func openRecordsDesk(t *testing.T, o *desk.Office, c *clock) *recDesk {
	t.Helper()
	return openRecordsDeskRendering(t, o, c, true)
}

// openRecordsDeskRendering opens the desk with or without a PDF preview renderer.
func openRecordsDeskRendering(t *testing.T, o *desk.Office, c *clock, render bool) *recDesk {
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
		RenderPDF: func(doc []byte) ([][]byte, error) { return pdf.RenderPNG(context.Background(), doc, 30, 3) },
		OnProgress: func(pv *kit.ProgressView, done, total int64) {
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
func registerMonthly(t *testing.T, o *desk.Office, seed uint64) app.Dossier {
	t.Helper()
	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	f := fakeForm(t, seed)
	f.Method = "monthly"
	res, err := in.Register(help, intake.RegisterRequest{Form: f, NotDuplicate: true})
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

	v := recordTheVoucherFromTheDossier(t, d, dos)
	rec, _ := o.Services()
	_, sess := d.service(t, "canbo")
	person := func() records.PersonView {
		pv, err := rec.Person(sess, pid)
		require.NoError(t, err)
		return pv
	}
	pv := person()
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

	issueThenPrintTheCover(t, d, name, person)
	reprintWithAReason(t, d, name, person)

	// Signing out removes the PDFs handed to the viewer.
	u, err := url.Parse(d.viewed[0])
	require.NoError(t, err)
	_, err = os.Stat(u.Path)
	require.NoError(t, err)
	d.signOut(t)
	_, err = os.Stat(u.Path)
	assert.True(t, os.IsNotExist(err), "the temporary PDF is gone")
}

// recordTheVoucherFromTheDossier goes from the dashboard and the queue to the dossier, which is
// not sent yet and offers its voucher, and records the voucher from the form it fills in: the
// receipt number is required, and checked as the officer types.
func recordTheVoucherFromTheDossier(t *testing.T, d *recDesk, dos app.Dossier) *recordsui.VouchersScreen {
	require.Equal(t, ui.PageHome, d.Page(), "an officer starts on the dashboard")
	assert.Equal(t, "1", d.Home().Values[intakeui.TileReceivedToday].Text)
	test.Tap(d.Home().Tiles[intakeui.TileReceivedToday])
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
	assert.Equal(t, dos.Form.PersonalID, v.Form.PersonalID.Text)
	assert.Equal(t, dos.Form.FullName, v.Form.FullName.Text)
	assert.Equal(t, dos.Quote.Payable.Grouped(), v.Form.Amount.Text, "the amount due for the first period")
	assert.Equal(t, "05/01/2026", v.Form.PaidOn.Text)
	assert.Equal(t, "01/2026", v.Form.FromMonth.Text)
	test.Tap(v.Save)
	d.Wait()
	assert.Equal(t, "Số biên lai: số biên lai không được để trống và dài tối đa 40 ký tự.", v.Form.Msg("receipt_no"),
		"the receipt number is required")
	test.Type(v.Form.ReceiptNo, "BL-2026-000001")
	assert.Empty(t, v.Form.Msg("receipt_no"), "checked as the officer types")
	test.Tap(v.Save)
	d.Wait()
	assert.Equal(t, widget.SuccessImportance, v.Outcome.Importance)
	assert.Contains(t, v.Outcome.Text, "đã khớp")
	assert.Contains(t, v.Outcome.Text, "từ 01/2026 đến 01/2026")
	assert.Contains(t, v.Outcome.Text, dos.Code)
	d.shot(t, "voucher-matched")
	return v
}

// issueThenPrintTheCover issues the person's cover, then prints the day's covers: the preview
// counts nothing, saving and opening in the system's viewer count the print.
func issueThenPrintTheCover(t *testing.T, d *recDesk, name string, person func() records.PersonView) {
	d.Records().Show(recordsui.TabCovers)
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
	assert.Equal(t, app.CoverIssued, person().Cover.Status)

	cv.Choose(recordsui.CoversToday)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	test.Tap(cv.PrintToday)
	d.Wait()
	require.NotNil(t, cv.Preview, "the PDF is shown after printing")
	assert.NotEmpty(t, cv.Preview.Pages, "rendered with pdftoppm")
	d.shot(t, "covers-preview")
	assert.Empty(t, person().Cover.Prints, "a preview is not a print: nothing counted yet")
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
	require.Len(t, person().Cover.Prints, 1, "the print is counted")
}

// reprintWithAReason prints the issued cover again: refused, and not counted, until the
// officer gives a reason; counted once when it leaves the desk.
func reprintWithAReason(t *testing.T, d *recDesk, name string, person func() records.PersonView) {
	cv := d.Records().Covers
	cv.Choose(recordsui.CoversIssued)
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
	assert.Len(t, person().Cover.Prints, 1, "a refused reprint is not counted")
	d.shot(t, "covers-reprint")
	test.Type(rp.Reason, "Giấy kẹt trong máy in")
	test.Tap(rp.Confirm)
	d.Wait()
	assert.Nil(t, cv.Reprint)
	require.NotNil(t, cv.Preview)
	require.Len(t, person().Cover.Prints, 1, "counted when it leaves the desk, not at the preview")
	test.Tap(cv.Preview.OpenViewer)
	d.Wait()
	test.Tap(cv.Preview.SaveAs)
	d.Wait()
	pv := person()
	require.Len(t, pv.Cover.Prints, 2, "opened and saved: one print")
	assert.Equal(t, "Giấy kẹt trong máy in", pv.Cover.Prints[1].Reason)
	d.Wait()
	require.Len(t, cv.Rows(), 1)
	assert.Equal(t, 2, len(cv.Rows()[0].Prints), "the list shows the print count")
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
