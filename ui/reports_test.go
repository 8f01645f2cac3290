package ui_test

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/internal/desktest"
	"bhxhdesk/records"
	"bhxhdesk/ui"
	"bhxhdesk/ui/recordsui"
)

// TestAnOfficerSavesTheMonthsListAndReport: on the Reports tab an officer types the month and
// saves list D05-TS as Excel and the monthly report as PDF where the save dialog says; the
// files hold the month's payments.
func TestAnOfficerSavesTheMonthsListAndReport(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	recs, _ := o.Services()
	require.NoError(t, recs.Store.Update(func(tx records.Tx) error {
		for i, name := range []string{"Nguyễn Thị Hoà", "Trần Văn Bình"} {
			p := app.Participant{PersonalID: "00119001234" + string(rune('5'+i)), FullName: name, SupportGroup: "poor",
				Address: app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 1 phố Đội Cấn"}, Income: 1_500_000,
				Periods: []app.Period{{From: app.MonthOf(2025, 12), To: app.MonthOf(2025, 12), Method: "monthly", Income: 1_500_000,
					Gross: 330_000, StateSupport: 165_000, Paid: 165_000, SupportMonths: 1, PaidOn: calendar.Of(2025, 12, 3+i),
					ReceiptNo: "BL-" + strconv.Itoa(100+i), Recorded: time.Now()}}}
			if err := tx.PutParticipant(p); err != nil {
				return err
			}
		}
		return nil
	}))

	// The dashboard's trend: the two participants of 12/2025 and what they paid.
	d.open(t, ui.PageHome)
	d.Home().Reload()
	d.waitFor(t, "the trend", func() bool { return len(d.Home().Trend.Points()) == 12 })
	last := d.Home().Trend.Points()[11]
	assert.Equal(t, app.MonthOf(2026, 1), last.Month, "up to this month (01/2026)")
	dec := d.Home().Trend.Points()[10]
	assert.Equal(t, 2, dec.Participants)
	assert.Equal(t, app.Money(330_000), dec.Collected)
	d.Home().ChartTabs.SelectIndex(1)
	d.shot(t, "home-trend-vi")

	d.open(t, ui.PageRecords)
	d.Records().Show(recordsui.TabReports)
	rs := d.Records().Reports
	assert.Equal(t, "12/2025", rs.Month.Text, "the month before today's (05/01/2026), which an office reports")
	d.shot(t, "reports-vi")
	test.Tap(rs.D05XLSX)
	d.waitFor(t, "the list saved", func() bool { return strings.HasPrefix(rs.Status.Text, "Đã lưu") })
	require.NotEmpty(t, d.saved)
	xlsx := d.saved[len(d.saved)-1]
	assert.True(t, strings.HasSuffix(xlsx, "D05-TS-2025-12.xlsx"), xlsx)
	text := desktest.SheetText(t, xlsx, "D05-TS")
	assert.Contains(t, text, "Nguyễn Thị Hoà")
	assert.Contains(t, text, "Trần Văn Bình")
	assert.Contains(t, text, "Hộ nghèo; Tăng mới")

	test.Tap(rs.MonthlyPDF)
	d.waitFor(t, "the report saved", func() bool { return strings.Contains(rs.Status.Text, "bao-cao-thang-2025-12.pdf") })
	pdfPath := d.saved[len(d.saved)-1]
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
		require.NoError(t, err)
		assert.Contains(t, string(out), "BÁO CÁO TÌNH HÌNH THAM GIA BHXH TỰ NGUYỆN")
		assert.Contains(t, string(out), "Hộ nghèo")
	}
	st, err := os.Stat(pdfPath)
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	// The month's report sent to the centre: in the outbox for the next sync.
	test.Tap(rs.Send)
	d.waitFor(t, "the report queued", func() bool { return strings.HasPrefix(rs.Status.Text, "Báo cáo tháng 12/2025 sẽ được gửi") })
	_, sync := o.Services()
	ops, err := sync.Outbox(0)
	require.NoError(t, err)
	found := false
	for _, op := range ops {
		found = found || (op.Kind == app.OpReportMonthly && op.EntityID == "01001/2025-12")
	}
	assert.True(t, found, "the outbox holds the report: %+v", ops)

	rs.Month.SetText("13/2025")
	test.Tap(rs.D05PDF)
	assert.Equal(t, "Tháng: nhập tháng dạng MM/YYYY, ví dụ 11/2026.", rs.Status.Text)
}
