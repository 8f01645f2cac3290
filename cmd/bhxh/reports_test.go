package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/desktest"
	"bhxhdesk/internal/testtmp"
)

// TestTheOfficesListAndReport: after the collection agent's vouchers of 09/2025 are imported,
// list D05-TS for 09/2025 holds the four payments with their receipts, amounts and state
// support, and the monthly report counts four new participants and what they paid; both as
// XLSX (read back) and PDF (read back with poppler).
func TestTheOfficesListAndReport(t *testing.T) {
	o := newOffice(t)
	o.staff("canbo")
	people, err := os.ReadFile("../../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	code, _, errOut := o.run(string(people), "register", "--received", "2025-09-01T08:00:00+07:00", "--json")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = o.run("", "voucher", "import", "../../sheet/testdata/vouchers-sample.csv", "--json")
	require.Equal(t, 1, code, errOut) // the sample's bad rows

	dir := testtmp.Dir(t)
	xlsx := filepath.Join(dir, "d05.xlsx")
	code, out, errOut := o.run("", "report", "d05", "--month", "2025-09", "--out", xlsx, "--json")
	require.Equal(t, 0, code, errOut)
	var l app.D05List
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	require.Len(t, l.Increases, 4)
	assert.Equal(t, 4, l.Books, "four first-time participants: four books to issue")
	r := l.Increases[0]
	assert.Equal(t, "BL-2025-000101", r.ReceiptNo)
	assert.Equal(t, app.Money(330_000), r.Due, "22 % × 1,500,000")
	assert.Equal(t, app.Money(264_000), r.Paid)
	assert.Equal(t, app.Money(66_000), r.StateSupport)
	assert.Equal(t, app.Rate(2000), r.StatePercent, "20 % of 22 % × the poverty line (Decree 159/2025 art. 5)")
	assert.True(t, r.New)

	flat := desktest.SheetText(t, xlsx, "D05-TS")
	assert.Contains(t, flat, "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN")
	assert.Contains(t, flat, "Mẫu D05-TS")
	assert.Contains(t, flat, "NSNN hỗ trợ theo quy định")
	assert.Contains(t, flat, "Lê Hữu Minh")
	assert.Contains(t, flat, "Cộng tăng")
	assert.Contains(t, flat, "Tổng số sổ BHXH đề nghị cấp: 4 sổ.")

	pdfPath := filepath.Join(dir, "d05.pdf")
	code, _, errOut = o.run("", "report", "d05", "--month", "2025-09", "--out", pdfPath)
	require.Equal(t, 0, code, errOut)
	text := pdfText(t, pdfPath)
	assert.Contains(t, text, "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN")
	assert.Contains(t, text, "Lê Hữu Minh")
	assert.Contains(t, text, "264.000")

	monthly := filepath.Join(dir, "bc.pdf")
	code, out, errOut = o.run("", "report", "monthly", "--month", "2025-09", "--out", monthly, "--json")
	require.Equal(t, 0, code, errOut)
	var rep app.MonthlyReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 4, rep.Total.New)
	assert.Equal(t, 0, rep.Total.AtStart)
	assert.Equal(t, app.Money(4*264_000+2*264_000), rep.Total.Collected, "four vouchers, one of them for three months")
	text = pdfText(t, monthly)
	assert.Contains(t, text, "BÁO CÁO TÌNH HÌNH THAM GIA BHXH TỰ NGUYỆN")
	assert.Contains(t, text, "Đối tượng khác")

	// A month that has not ended (the office's clock says 05/01/2026) is not sent, and nothing
	// is written for it.
	open := filepath.Join(dir, "bc-open.pdf")
	code, _, errOut = o.run("", "report", "monthly", "--month", "2026-01", "--out", open, "--send")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "chưa kết thúc")
	assert.NoFileExists(t, open)
	code, _, errOut = o.run("", "report", "monthly", "--month", "2025-09", "--out", monthly, "--send")
	assert.Equal(t, 0, code, errOut)

	code, _, errOut = o.run("", "report", "d05", "--month", "2025-09", "--out", filepath.Join(dir, "d05.csv"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, ".xlsx")
	code, _, _ = o.run("", "report", "d05", "--month", "9/2025", "--out", xlsx)
	assert.Equal(t, 2, code)
}
