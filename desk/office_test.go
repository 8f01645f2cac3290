package desk_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/pdf"
	"bhxhdesk/storage"
)

const officePassword = "mật khẩu dài 12"

func officeUnderTest(t *testing.T) (*desk.Office, storage.Config) {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN) }
	cfg := storage.Config{
		Dir:     filepath.Join(t.TempDir(), "bhxh-desk"),
		KDF:     storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1},
		Now:     now,
		CacheMB: 16,
	}
	o := desk.NewOffice(cfg, assets.MustLoad())
	t.Cleanup(func() { assert.NoError(t, o.Close()) })
	return o, cfg
}

func officeForm() app.RegistrationForm {
	return app.RegistrationForm{
		FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17", Nationality: "VN", Ethnicity: "01",
		PersonalID: "001190012345", Phone: "0912345678",
		BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"},
		Address:           app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 5 ngõ 12 phố Đội Cấn"},
		Income:            "1500000", Method: "monthly", StartMonth: "2026-01", SupportGroup: "other",
	}
}

func TestOfficeLifecycle(t *testing.T) {
	o, cfg := officeUnderTest(t)
	require.False(t, o.Exists())
	_, _, err := o.Open("admin", officePassword)
	assert.Equal(t, app.NotFound, app.KindOf(err), "no store yet")

	bad := app.Office{Agency: "x", Province: "01", Commune: "00004", Device: "K7"}
	_, err = o.Init(bad, app.User{Name: "admin"}, officePassword)
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("agency", "bad_agency"))
	assert.False(t, o.Exists(), "a refused set-up leaves nothing behind")

	office := app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}
	secret, err := o.Init(office, app.User{Name: "admin", FullName: "Quản trị"}, officePassword)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}-[0-9A-HJKMNP-TV-Z*~$=U]$`, secret)
	assert.True(t, o.Exists())
	_, err = o.Init(office, app.User{Name: "admin"}, officePassword)
	assert.Equal(t, app.Conflict, app.KindOf(err), "the store is set up once")

	// While the store is open, signing in checks the account against it.
	in, admin, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	require.NoError(t, in.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, officePassword))
	_, _, err = o.Open("motcua", "sai mật khẩu rồi")
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	in, help, err := o.Open("motcua", officePassword)
	require.NoError(t, err)
	res, err := in.Register(help, intake.RegisterRequest{Form: officeForm()})
	require.NoError(t, err)

	var pdf bytes.Buffer
	require.NoError(t, o.WriteReceipt(help, res.Dossier.Code, app.VI, &pdf))
	assert.True(t, bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	if _, err := exec.LookPath("pdftotext"); err == nil {
		file := filepath.Join(t.TempDir(), "receipt.pdf")
		require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o600))
		out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		require.NoError(t, err)
		assert.Contains(t, string(out), res.Dossier.Code)
	}

	// Closed, the store refuses printing and reopens at the next sign-in with what was saved.
	require.NoError(t, o.Close())
	assert.Equal(t, app.Forbidden, app.KindOf(o.WriteReceipt(help, res.Dossier.Code, app.VI, &pdf)))
	_, err = in.List(help, intake.ListRequest{Kind: intake.ListPending})
	assert.Error(t, err, "services from before the close no longer reach the store")
	in, help, err = o.Open("motcua", officePassword)
	require.NoError(t, err)
	rows, err := in.List(help, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, res.Dossier.Code, rows[0].Code)
	assert.True(t, storage.Exists(cfg.Dir))
}

// waitStatus waits until the office's sync status satisfies ok, woken by OnSyncStatus.
func waitStatus(
	t *testing.T,
	o *desk.Office,
	changed <-chan struct{},
	what string,
	ok func(state string, reason error, last time.Time, pending int) bool,
) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if i := o.SyncStatus(); ok(string(i.State), i.Reason, i.LastSuccess, i.Pending) {
			return
		}
		select {
		case <-changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			i := o.SyncStatus()
			t.Fatalf("timed out waiting for %s: state %s, reason %v, pending %d", what, i.State, i.Reason, i.Pending)
		}
	}
}

func TestOfficeRunsTheSyncEngineBetweenStartAndClose(t *testing.T) {
	o, _ := officeUnderTest(t)
	changed := make(chan struct{}, 100)
	o.OnSyncStatus(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	assert.Equal(t, app.Forbidden, app.KindOf(o.StartSync(context.Background())), "no engine without an open store")
	office := app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}
	_, err := o.Init(office, app.User{Name: "admin", FullName: "Quản trị"}, officePassword)
	require.NoError(t, err)
	in, admin, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	require.NoError(t, in.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, officePassword))
	_, help, err := o.Open("motcua", officePassword)
	require.NoError(t, err)
	_, err = in.Register(help, intake.RegisterRequest{Form: officeForm()})
	require.NoError(t, err)

	i := o.SyncStatus()
	state, reason, last, pending := i.State, i.Reason, i.LastSuccess, i.Pending
	assert.Equal(t, app.SyncOffline, state, "not running yet")
	assert.NoError(t, reason)
	assert.True(t, last.IsZero())
	assert.Equal(t, 1, pending, "the registration waits in the outbox")

	require.NoError(t, o.StartSync(context.Background()))
	require.NoError(t, o.StartSync(context.Background()), "starting twice does nothing")
	waitStatus(t, o, changed, "offline before enrolment", func(state string, reason error, _ time.Time, _ int) bool {
		var ae *app.Error
		return state == "offline" && errors.As(reason, &ae) && ae.Code == "not_enrolled"
	})

	ctr := centraltest.Start(t, centraltest.Options{})
	srv, token := ctr.Server, ctr.Enroll(t, office.Agency, "desk-k7")
	_, sync := o.Services()
	require.NotNil(t, sync)
	require.NoError(t, sync.SetCentral(admin, srv.URL, token))
	o.SyncNow()
	waitStatus(t, o, changed, "up to date", func(state string, _ error, _ time.Time, pending int) bool {
		return state == "uptodate" && pending == 0
	})
	last = o.SyncStatus().LastSuccess
	assert.Equal(t, time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN), last.In(calendar.VN), "the store's clock")

	// Close stops the engine before the store, and says so.
	for len(changed) > 0 {
		<-changed
	}
	require.NoError(t, o.Close())
	assert.NotEmpty(t, changed, "the watcher hears that the engine stopped")
	i = o.SyncStatus()
	state, pending = i.State, i.Pending
	assert.Equal(t, app.SyncOffline, state)
	assert.Zero(t, pending)
	records, sync := o.Services()
	assert.Nil(t, records)
	assert.Nil(t, sync)
	o.SyncNow() // nothing runs: no effect, no panic
}

func TestOfficeReadsVoucherFilesAndRefusesPrintsWhenClosed(t *testing.T) {
	o, _ := officeUnderTest(t)
	f, err := os.Open("../sheet/testdata/vouchers-sample.csv")
	require.NoError(t, err)
	defer f.Close()
	rows, problems, err := o.ReadVouchers("vouchers-sample.csv", f)
	require.NoError(t, err)
	assert.NotEmpty(t, rows)
	assert.NotEmpty(t, problems, "the sample has rows the reader refuses")
	_, _, err = o.ReadVouchers("bang-ke.xlsx", bytes.NewReader([]byte("không phải bảng tính")))
	assert.Equal(t, app.Invalid, app.KindOf(err))
	_, _, err = o.PrepareCovers(nil, []string{"001190012345"}, "", app.VI, nil)
	assert.Equal(t, app.Forbidden, app.KindOf(err))
}

func TestRenderPDFRendersThePagesAsPNG(t *testing.T) {
	if !pdf.CanRender() {
		t.Skip("pdftoppm (poppler-utils) not on PATH")
	}
	o, _ := officeUnderTest(t)
	office := app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}
	_, err := o.Init(office, app.User{Name: "admin", FullName: "Quản trị"}, officePassword)
	require.NoError(t, err)
	in, admin, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	require.NoError(t, in.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, officePassword))
	_, help, err := o.Open("motcua", officePassword)
	require.NoError(t, err)
	res, err := in.Register(help, intake.RegisterRequest{Form: officeForm()})
	require.NoError(t, err)
	var doc bytes.Buffer
	require.NoError(t, o.WriteReceipt(help, res.Dossier.Code, app.VI, &doc))

	pages, err := pdf.RenderPNG(context.Background(), doc.Bytes(), 36, 5)
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	img, err := png.Decode(bytes.NewReader(pages[0]))
	require.NoError(t, err)
	b := img.Bounds()
	assert.InDelta(t, 36*210/25.4, b.Dx(), 3, "an A4 page at 36 dpi")

	_, err = pdf.RenderPNG(context.Background(), []byte("%PDF-1.4 hỏng"), 36, 5)
	assert.Error(t, err, "a broken PDF is an error, not an empty preview")
}
