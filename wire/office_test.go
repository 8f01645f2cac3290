package wire_test

import (
	"bytes"
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
	"bhxhdesk/storage"
	"bhxhdesk/wire"
)

const officePassword = "mật khẩu dài 12"

func officeUnderTest(t *testing.T) (*wire.Office, storage.Config) {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN) }
	cfg := storage.Config{Dir: filepath.Join(t.TempDir(), "bhxh-desk"), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: now, CacheMB: 16}
	o := wire.NewOffice(cfg, assets.MustLoad())
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
	assert.Regexp(t, `^[A-Z2-7]{4}(-[A-Z2-7]{4})+$`, secret)
	assert.True(t, o.Exists())
	_, err = o.Init(office, app.User{Name: "admin"}, officePassword)
	assert.Equal(t, app.Conflict, app.KindOf(err), "the store is set up once")

	// While the store is open, signing in checks the account against it.
	intake, admin, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	require.NoError(t, intake.AddUser(admin, app.User{Name: "motcua", Role: app.Helpdesk}, officePassword))
	_, _, err = o.Open("motcua", "sai mật khẩu rồi")
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	intake, help, err := o.Open("motcua", officePassword)
	require.NoError(t, err)
	res, err := intake.Register(help, app.RegisterRequest{Form: officeForm()})
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
	_, err = intake.List(help, app.ListRequest{Kind: app.ListPending})
	assert.Error(t, err, "services from before the close no longer reach the store")
	intake, help, err = o.Open("motcua", officePassword)
	require.NoError(t, err)
	rows, err := intake.List(help, app.ListRequest{Kind: app.ListPending})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, res.Dossier.Code, rows[0].Code)
	assert.True(t, storage.Exists(cfg.Dir))
}
