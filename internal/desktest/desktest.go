// Package desktest builds a real office desk for the service packages' tests: an encrypted
// store in a temp dir, opened through package desk as the program opens it, with accounts of every
// role and a settable clock. It imports the composition (desk), so only tests import it.
package desktest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/storage"
)

// Ref is the reference data shipped with the program.
var Ref = assets.MustLoad()

// Password is every test account's password.
const Password = "mật khẩu dài 12"

// Clock is a settable clock shared by the store and the services.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// VNTime is a time in Vietnam.
func VNTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.VN)
}

// Desk is an open office desk with its clock, its administrator's session and its store's
// configuration (to open it again).
type Desk struct {
	*desk.Desk
	Clock *Clock
	Admin *app.Session
	Cfg   storage.Config
}

// Office is the test office: Ba Đình, Hà Nội, device K7.
var Office = app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}

// New creates an office store in a temp dir with accounts of every role (motcua, canbo,
// truongphong and admin; password Password); the clock starts on Monday 2026-01-05 at 08:00
// in Vietnam.
func New(t *testing.T) *Desk {
	t.Helper()
	clock := &Clock{t: VNTime(2026, 1, 5, 8, 0)}
	cfg := storage.Config{Dir: testtmp.Dir(t), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: clock.Now, CacheMB: 16}
	d, secret, err := desk.Init(cfg, Ref, Office, app.User{Name: "admin", FullName: "Quản trị"}, Password)
	require.NoError(t, err)
	require.NotEmpty(t, secret)
	t.Cleanup(func() { _ = d.Close() })
	admin, err := d.Intake.Login("admin", Password)
	require.NoError(t, err)
	others := []app.User{{Name: "motcua", Role: app.Helpdesk}, {Name: "canbo", Role: app.Officer}, {Name: "truongphong", Role: app.Supervisor}}
	for _, u := range others {
		require.NoError(t, d.Intake.AddUser(admin, u, Password))
	}
	return &Desk{Desk: d, Clock: clock, Admin: admin, Cfg: cfg}
}

// Reopen opens a closed desk's store again.
func Reopen(t *testing.T, d *Desk) *Desk {
	t.Helper()
	desk, admin, err := desk.Open(d.Cfg, Ref, "admin", Password)
	require.NoError(t, err)
	t.Cleanup(func() { _ = desk.Close() })
	return &Desk{Desk: desk, Clock: d.Clock, Admin: admin, Cfg: d.Cfg}
}

// Login signs an account in.
func (d *Desk) Login(t *testing.T, user string) *app.Session {
	t.Helper()
	s, err := d.Intake.Login(user, Password)
	require.NoError(t, err)
	return s
}

// FixedNow is the clock of the validation tests: 2025-11-20 10:00 in Vietnam.
func FixedNow() time.Time { return time.Date(2025, 11, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)) }

// ValidForm is the registration form of DESIGN's example: a valid one for Ba Đình from 01/2026.
func ValidForm() app.RegistrationForm {
	return app.RegistrationForm{
		FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17", Nationality: "VN", Ethnicity: "01",
		PersonalID: "001190012345", Phone: "0912345678",
		BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"},
		Address:           app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 5 ngõ 12 phố Đội Cấn"},
		Income:            "1500000", Method: "monthly", StartMonth: "2026-01", SupportGroup: "other",
	}
}

// CodeOf is the code of an *app.Error ("" for other errors).
func CodeOf(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// VoucherFor is a voucher paying one month for ValidForm's person (other group, 1,500,000 in
// 2026: 330,000 − 66,000 support = 264,000).
func VoucherFor(receipt, from string, amount int) app.VoucherInput {
	return app.VoucherInput{ReceiptNo: receipt, PersonalID: "001190012345", FullName: "Nguyễn Thị Hồng Ánh",
		Amount: app.Amount(fmt.Sprint(amount)), PaidOn: from + "-05", FromMonth: from, Months: 1, Collector: "Đại lý thu xã Yên Định"}
}

// Registered registers form at the desk (help desk) and returns an officer's session, which
// never idles, and the dossier.
func Registered(t *testing.T, d *Desk, form app.RegistrationForm) (*app.Session, app.Dossier) {
	t.Helper()
	res, err := d.Intake.Register(d.Login(t, "motcua"), intake.RegisterRequest{Form: form})
	require.NoError(t, err)
	officer := d.Login(t, "canbo")
	officer.Idle = -1
	return officer, res.Dossier
}

// PayFor is a voucher paying a dossier's quote (its first payment), paid on the day the
// dossier was received, or on the quote's last day to pay when that came first.
func PayFor(d app.Dossier, receipt string) app.VoucherInput {
	q := d.Quote
	paid := min(calendar.DateOf(d.Received.In(calendar.VN)), q.Deadline)
	return app.VoucherInput{ReceiptNo: receipt, PersonalID: d.Form.PersonalID, FullName: d.Form.FullName,
		Amount: app.Amount(fmt.Sprint(int64(q.Payable))), PaidOn: paid.String(),
		FromMonth: q.FromMonth.String(), Months: q.Months, Collector: "Đại lý thu xã Yên Định"}
}

// Complete takes a dossier through every step of its workflow as an office does: the payment
// step by a voucher paying its quote (receipt number receipt), the book step by issuing the
// cover that payment made, the others by hand. sess must be allowed every step (a
// supervisor's).
func Complete(t *testing.T, in *intake.Service, rec interface {
	AddVoucher(*app.Session, app.VoucherInput) (app.VoucherView, error)
	IssueCover(*app.Session, string) (app.BookCover, error)
}, sess *app.Session, code, receipt string) app.Dossier {
	t.Helper()
	for {
		d, err := in.Dossier(sess, code)
		require.NoError(t, err)
		i := d.StepIndex()
		if d.State != app.StateOpen || i < 0 {
			return d
		}
		switch d.Steps[i].Completes {
		case app.CompletesPayment:
			var v app.VoucherView
			v, err = rec.AddVoucher(sess, PayFor(d, receipt))
			if err == nil && v.State.Dossier != code {
				t.Fatalf("the voucher paying %s's quote did not match it: %s %s %v", code, v.State.Status, v.State.Exception, v.State.Args)
			}
		case app.CompletesCover:
			_, err = rec.IssueCover(sess, d.Form.PersonalID)
			if app.CodeOf(err) == string(app.CodeCoverNotFound) { // a book already: no cover to issue
				_, err = in.Act(sess, code, intake.ActRequest{Action: app.ActAdvance})
			}
		default:
			_, err = in.Act(sess, code, intake.ActRequest{Action: app.ActAdvance})
		}
		require.NoError(t, err, "dossier %s at step %s", code, d.Step)
	}
}

// SheetText is a workbook's sheet as text, a line per row and its cells joined by "|", to
// look for what a person would read in it.
func SheetText(t *testing.T, path, sheet string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(sheet)
	require.NoError(t, err)
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, "|")
	}
	return strings.Join(lines, "\n")
}
