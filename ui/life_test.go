package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
	"bhxhdesk/ui"
	"bhxhdesk/ui/recordsui"
)

// TestAnOfficerRecordsAChangeAndARefundOnTheBook: on a person's book (paid 12/2025–02/2026,
// today 05/01/2026) the officer changes the income from 03/2026 — a mid-period month is
// refused in the dialog with the reason — saves the confirmation; then records a refund on
// moving to compulsory insurance, sees the amount before recording it, and saves the
// calculation. The book then says the person left, with both decisions listed.
func TestAnOfficerRecordsAChangeAndARefundOnTheBook(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	recs, _ := o.Services()
	const pid = "001190012345"
	require.NoError(t, recs.Store.Update(func(tx records.Tx) error {
		return tx.PutParticipant(app.Participant{PersonalID: pid, FullName: "Nguyễn Thị Hoà", Gender: "female", BirthDate: "1990-03-15",
			SupportGroup: "other", Method: "3-months", Income: 1_500_000,
			Address: app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 1 phố Đội Cấn"},
			Periods: []app.Period{{From: app.MonthOf(2025, 12), To: app.MonthOf(2026, 2), Method: "3-months", Income: 1_500_000,
				Gross: 990_000, StateSupport: 198_000, Paid: 792_000, SupportMonths: 3, PaidOn: calendar.Of(2025, 12, 3),
				ReceiptNo: "BL-100", Voucher: "V-100", Recorded: time.Now()}}})
	}))
	d.open(t, ui.PageRecords)
	d.Records().Show(recordsui.TabBook)
	book := d.Records().Book
	book.Open(pid)
	d.waitFor(t, "the book", func() bool { return book.Shown() != nil && book.ChangeBtn != nil })
	assert.Contains(t, book.Standing.Text, "Đang tham gia: đã đóng đến tháng 02/2026")
	d.shot(t, "book-life-vi")

	test.Tap(book.ChangeBtn)
	dlg := book.Life
	require.NotNil(t, dlg)
	assert.Equal(t, "03/2026", dlg.From.Text, "the month after the paid period")
	dlg.From.SetText("02/2026")
	assert.Contains(t, dlg.Preview.Text, "hết kỳ đã đóng (đã đóng đến tháng 02/2026)")
	dlg.From.SetText("03/2026")
	dlg.Income.SetText("2000000")
	// 3 × (22 % × 2,000,000 − 20 % × 22 % × 1,500,000) = 3 × (440,000 − 66,000).
	assert.Contains(t, dlg.Preview.Text, "03/2026–05/2026, phải nộp 1.122.000 ₫")
	d.shot(t, "book-change-vi")
	before := len(d.saved)
	test.Tap(dlg.Confirm)
	d.waitFor(t, "the confirmation saved", func() bool { return len(d.saved) > before && strings.Contains(book.Status.Text, "Đã lưu") })
	text := pdfText(t, d.saved[len(d.saved)-1])
	assert.Contains(t, text, "XÁC NHẬN ĐIỀU CHỈNH MỨC ĐÓNG")
	assert.Contains(t, text, "1.122.000")
	d.waitFor(t, "the book again", func() bool { return book.Shown() != nil && book.Shown().Participant.Income == 2_000_000 })

	test.Tap(book.RefundBtn)
	dlg = book.Life
	require.NotNil(t, dlg)
	assert.Equal(t, "01/2026", dlg.From.Text, "this month")
	// 01 and 02/2026: 2 × (330,000 − 66,000).
	assert.Contains(t, dlg.Preview.Text, "Hoàn trả 2 tháng: 660.000 ₫ trừ 132.000 ₫ tiền hỗ trợ = 528.000 ₫")
	d.shot(t, "book-refund-vi")
	before = len(d.saved)
	test.Tap(dlg.Confirm)
	d.waitFor(t, "the calculation saved", func() bool { return len(d.saved) > before && strings.Contains(book.Status.Text, "Đã lưu") })
	text = pdfText(t, d.saved[len(d.saved)-1])
	assert.Contains(t, text, "BẢNG TÍNH HOÀN TRẢ")
	assert.Contains(t, text, "528.000")
	d.waitFor(t, "the book says the person left", func() bool {
		return book.Standing != nil && strings.Contains(book.Standing.Text, "Đã dừng tham gia từ tháng 01/2026")
	})
	assert.True(t, book.ChangeBtn.Disabled(), "no change after leaving")
	assert.Len(t, book.Shown().Participant.Events, 2)
	d.shot(t, "book-left-vi")

	// The list by standing: the person who left; choosing the row opens the book.
	d.Records().Show(recordsui.TabStandings)
	st := d.Records().Standings
	st.State.SetSelectedIndex(5) // Đã dừng tham gia
	d.waitFor(t, "the list", func() bool { return len(st.Rows) == 1 })
	assert.Equal(t, pid, st.Rows[0].PersonalID)
	assert.Equal(t, "1 người.", st.Status.Text)
	d.shot(t, "standings-left-vi")
	st.State.SetSelectedIndex(0) // Đến kỳ đóng
	d.waitFor(t, "the empty list", func() bool { return len(st.Rows) == 0 && st.Status.Text == "0 người." })
}
