package desk_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/internal/fake"
	"bhxhdesk/printout"
	"bhxhdesk/records"
	"bhxhdesk/storage"
)

// BenchmarkOfficeReports20k produces the reports of an office of 20,000 participants for a
// month — the monthly report and list D05-TS, each as XLSX and as PDF — from the office's
// encrypted store (goal: under 2 s for a report). The participants pay by every method
// (monthly, every 3, 6 or 12 months) since 01/2026, so about half of them pay in the month.
func BenchmarkOfficeReports20k(b *testing.B) {
	const people = 20000
	ref := assets.MustLoad()
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, calendar.VN)
	cfg := storage.Config{Dir: b.TempDir(), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: func() time.Time { return now }}
	d, _, err := desk.Init(cfg, ref, app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004",
		Device: "K7"}, app.User{Name: "admin"}, "mật khẩu đủ dài 12")
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	admin, _ := d.Intake.Login("admin", "mật khẩu đủ dài 12")
	if err := d.Intake.AddUser(admin, app.User{Name: "canbo", Role: app.Officer}, "mật khẩu đủ dài 12"); err != nil {
		b.Fatal(err)
	}
	sess, _ := d.Intake.Login("canbo", "mật khẩu đủ dài 12")
	sess.Idle = -1

	g := fake.New(7, ref.Places)
	methods := []struct {
		name   string
		months int
	}{{"monthly", 1}, {"monthly", 1}, {"3-months", 3}, {"6-months", 6}, {"12-months", 12}}
	start := app.MonthOf(2026, time.January)
	batch := make([]app.Participant, 0, 500)
	flush := func() {
		err := d.Records.Store.Update(func(tx records.Tx) error {
			for _, p := range batch {
				if err := tx.PutParticipant(p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range people {
		f := g.Form()
		m := methods[i%len(methods)]
		p := app.Participant{PersonalID: fmt.Sprintf("%03d%09d", 1+i%96, i), FullName: f.FullName, Gender: f.Gender,
			BirthDate: f.BirthDate, Address: f.Address, Income: 2_200_000, Method: m.name, SupportGroup: f.SupportGroup}
		for from := start; from <= app.MonthOf(2026, time.December); from = from.Add(m.months) {
			gross := app.Money(484_000 * m.months)
			p.Periods = append(p.Periods, app.Period{From: from, To: from.Add(m.months - 1), Method: m.name, Income: 2_200_000,
				Gross: gross, StateSupport: gross / 5, Paid: gross - gross/5, SupportMonths: m.months,
				PaidOn: from.FirstDay().AddDays(i % 20), ReceiptNo: fmt.Sprintf("BL-%d-%d", i, from)})
		}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	month := app.MonthOf(2026, time.December)

	b.Run("monthly-report", func(b *testing.B) {
		for b.Loop() {
			r, err := d.Records.MonthlyReport(sess, month)
			if err != nil {
				b.Fatal(err)
			}
			for _, format := range []string{"xlsx", "pdf"} {
				if err := printout.WriteMonthly(ref, sess.Office, r, app.VI, format, io.Discard, now); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("d05-xlsx", func(b *testing.B) {
		for b.Loop() {
			l, err := d.Records.D05(sess, month)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(l.Increases)), "rows")
			if err := printout.WriteD05(ref, l, "xlsx", io.Discard, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("d05-pdf", func(b *testing.B) {
		for b.Loop() {
			l, err := d.Records.D05(sess, month)
			if err != nil {
				b.Fatal(err)
			}
			if err := printout.WriteD05(ref, l, "pdf", io.Discard, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
