package desk_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/desktest"
	"bhxhdesk/internal/fake"
	"bhxhdesk/printout"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// TestRedownloadRebuildsALostStoreFromTheCentre: an office's work reaches the centre, its store
// is damaged; the damaged folder is moved aside (kept), and a new store for the same office,
// enrolled with the centre, takes back every dossier. A centre that refuses the token leaves
// nothing behind, so the officer can try again.
func TestRedownloadRebuildsALostStoreFromTheCentre(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	srv := ctr.Server
	tok := ctr.Enroll(t, "01001", "k7")

	b := newBackupDesk(t)
	dossiers := b.register(t, fake.New(41, backupRef.Places), 12)
	client, err := central.NewClient(central.ClientConfig{BaseURL: srv.URL, Token: tok})
	require.NoError(t, err)
	e := &sync.Engine{Local: b.Sync, Remote: func() (sync.Remote, error) { return client, nil }}
	_, err = e.Round(context.Background())
	require.NoError(t, err)
	office, err := b.Office()
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.NoError(t, os.WriteFile(filepath.Join(b.cfg.Dir, "db", "MANIFEST"), bytes.Repeat([]byte{0xba}, 512), 0o600))
	_, err = storage.Open(b.cfg, "truongphong", bpass)
	require.Error(t, err, "the damaged store does not open")

	aside, err := desk.SetAside(b.cfg.Dir, *b.now)
	require.NoError(t, err)
	assert.Equal(t, b.cfg.Dir+".damaged-"+b.now.UTC().Format("20060102T150405Z"), aside)
	assert.FileExists(t, filepath.Join(aside, "keyring.json"), "moved, not deleted")
	assert.False(t, storage.Exists(b.cfg.Dir))

	office.Device = "K9"
	admin := app.User{Name: "quantri", FullName: "Quản trị mới", Role: app.Admin}
	_, _, _, _, err = desk.Redownload(context.Background(), b.cfg, backupRef, office, admin, bpass, srv.URL, "mã-sai")
	require.Error(t, err)
	assert.False(t, storage.Exists(b.cfg.Dir), "a refused token leaves no store behind")

	var received [2]int64
	ctx := central.WithProgress(context.Background(), app.NewProgress(0, func(done, total int64) { received = [2]int64{done, total} }))
	d, sess, secret, added, err := desk.Redownload(ctx, b.cfg, backupRef, office, admin, bpass, srv.URL, tok)
	require.NoError(t, err)
	defer d.Close()
	assert.Positive(t, received[0], "the bytes of the office's state are counted as they arrive")
	assert.Equal(t, received[0], received[1], "all of them, of the length announced")
	assert.NotEmpty(t, secret, "a new recovery secret for the province")
	assert.GreaterOrEqual(t, added, len(dossiers))
	for _, dos := range dossiers {
		got, err := d.Intake.Dossier(sess, dos.Code)
		require.NoError(t, err)
		assert.Equal(t, dos.Form.FullName, got.Form.FullName)
	}
	url, token, err := d.Sync.Central()
	require.NoError(t, err)
	assert.Equal(t, srv.URL, url, "the new store is enrolled")
	assert.Equal(t, tok, token)
}

// TestActivityListsRecentDossiersWithoutReadingPendingOnes: the dashboard's dossiers are the
// recent ones in every state; pending ones come from their list rows.
func TestActivityListsRecentDossiersWithoutReadingPendingOnes(t *testing.T) {
	b := newBackupDesk(t)
	g := fake.New(51, backupRef.Places)
	old := b.register(t, g, 2)
	*b.now = b.now.AddDate(0, 0, 40)
	recent := b.register(t, g, 3)
	desktest.Complete(t, b.Intake, b.Records, b.sess, recent[0].Code, "BL-2026-100001")
	today := calendar.DateOf(b.now.In(calendar.VN))
	got, err := b.Intake.Activity(b.sess, today-5)
	require.NoError(t, err)
	codes := map[string]app.State{}
	for _, d := range got {
		codes[d.Code] = d.State
		if d.State == app.StateDone {
			assert.NotEmpty(t, d.Timeline, "a closed dossier comes whole")
		} else {
			assert.Empty(t, d.Form.FullName, "a pending one as its list row: no personal data")
		}
	}
	assert.Len(t, codes, 3)
	assert.Equal(t, app.StateDone, codes[recent[0].Code])
	assert.NotContains(t, codes, old[0].Code, "older than the window and its lead")
	_, err = b.Intake.Activity(nil, today)
	assert.Equal(t, app.Forbidden, app.KindOf(err))
}

// TestQuoteForTheCitizenPrintsEveryMethod reads the printed quote back: a row per regular method
// with its amounts and last day, the chosen ahead payment added, the support explained.
func TestQuoteForTheCitizenPrintsEveryMethod(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH")
	}
	o := app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004"}
	req := app.QuoteRequest{Income: 1_500_000, Method: app.Method{Kind: app.Ahead, Months: 24}, Groups: []app.SupportGroup{app.Poor},
		Month: app.MonthOf(2026, time.January), Province: "01"}
	var buf bytes.Buffer
	require.NoError(t, printout.WriteQuote(backupRef, o, req, app.VI, time.Date(2026, 1, 5, 9, 0, 0, 0, calendar.VN), &buf))
	path := filepath.Join(t.TempDir(), "quote.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	text := norm.NFC.String(string(out))
	// A poor citizen of Hà Nội: the state's 50% and the city's 50% (Resolution 19/2025) cover the
	// contribution at the floor.
	for _, s := range []string{"PHIẾU BÁO MỨC ĐÓNG BHXH TỰ NGUYỆN", "BẢO HIỂM XÃ HỘI CƠ SỞ BA ĐÌNH", "Hằng tháng", "3 tháng một lần",
		"6 tháng một lần", "12 tháng một lần", "Đóng trước nhiều năm", "(24 tháng)", "tối đa 120 tháng trong đời", "330.000 ₫", "990.000 ₫",
		"1.980.000 ₫", "0 ₫", "31/07/2026", "Hộ nghèo", "Thành phố Hà Nội", "50%",
		// Which rules it used, with their sources.
		"Quy định đã áp dụng", "Nghị định 07/2021/NĐ-CP", "Nghị quyết 19/2025/NQ-HĐND", "Lưu ý:"} {
		assert.Contains(t, text, s)
	}
	assert.NotContains(t, text, "⚠", "the printed font has no warning sign")
	assert.Equal(t, 1, strings.Count(text, "Hằng tháng"))

	bad := req
	bad.Income = 1_000_000
	err = printout.WriteQuote(backupRef, o, bad, app.VI, time.Now(), &buf)
	assert.Equal(t, app.Invalid, app.KindOf(err), "an income below the floor is refused, nothing printed")
}
