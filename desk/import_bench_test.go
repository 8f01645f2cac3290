package desk_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/sheet"
	"bhxhdesk/storage"
)

// BenchmarkImport10kXLSX measures the whole import of a collection agent's 10,000-row XLSX file
// (goal: under 10 s): reading it, checking every row, matching each voucher to its registration,
// recording the periods and creating the first-time covers, in durable transactions.
func BenchmarkImport10kXLSX(b *testing.B) {
	const rows = 10000
	ref := assets.MustLoad()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		now := time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN)
		cfg := storage.Config{Dir: b.TempDir(), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: func() time.Time { return now }}
		d, _, err := desk.Init(cfg, ref, app.Office{Agency: "01001", Name: "BHXH Ba Đình", Province: "01", Commune: "00004", Device: "K7"},
			app.User{Name: "admin"}, "mật khẩu đủ dài 12")
		if err != nil {
			b.Fatal(err)
		}
		admin, _ := d.Intake.Login("admin", "mật khẩu đủ dài 12")
		if err := d.Intake.AddUser(admin, app.User{Name: "canbo", Role: app.Officer}, "mật khẩu đủ dài 12"); err != nil {
			b.Fatal(err)
		}
		sess, _ := d.Intake.Login("canbo", "mật khẩu đủ dài 12")
		sess.Idle = -1
		g := fake.New(uint64(i+1), ref.Places)
		f := excelize.NewFile()
		sh := f.GetSheetName(0)
		_ = f.SetSheetRow(
			sh,
			"A1",
			&[]any{"Số biên lai", "Số CCCD/ĐDCN", "Họ và tên", "Số tiền", "Ngày nộp", "Từ tháng", "Số tháng", "Nhân viên thu"},
		)
		seen := map[string]bool{}
		for n := 0; n < rows; {
			form := g.Form()
			form.Method, form.StartMonth = "monthly", "2026-01"
			if seen[form.PersonalID] {
				continue
			}
			res, err := d.Intake.Register(sess, intake.RegisterRequest{Form: form, NotDuplicate: true})
			if err != nil {
				b.Fatal(err)
			}
			seen[form.PersonalID] = true
			n++
			now = now.Add(time.Minute) // at most 9,999 dossier codes per desk and day
			row := []any{
				fmt.Sprintf("BL-2026-%06d", n),
				form.PersonalID,
				form.FullName,
				int64(res.Dossier.Quote.Payable),
				"20/01/2026",
				"01/2026",
				1,
				"Đại lý thu xã Yên Định",
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			if err := f.SetSheetRow(sh, cell, &row); err != nil {
				b.Fatal(err)
			}
		}
		var file bytes.Buffer
		if err := f.Write(&file); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		got, problems, err := sheet.ReadVouchers("dot-01-2026.xlsx", bytes.NewReader(file.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		res, err := d.Records.ImportVouchers(sess, "dot-01-2026.xlsx", got, problems, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Matched != rows || len(res.Covers) != rows {
			b.Fatalf(
				"matched %d, covers %d, rejected %v, exceptions %d",
				res.Matched,
				len(res.Covers),
				res.Rejected[:min(3, len(res.Rejected))],
				len(res.Exceptions),
			)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
