package desk_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/privacy"
	"bhxhdesk/storage"
)

// oldStore is what testdata/oldstore/expected.json says of the store beside it: a Ba Đình desk
// written by the desk as it was before its services left package app (commit 2a0f418), with
// three registrations, one paid (its period and cover data recorded), one returned, and the
// outbox not yet synced.
type oldStore struct {
	People []struct {
		Code, PersonalID, FullName, State string
	} `json:"people"`
	PendingOps  int        `json:"pending_ops"`
	CoverStatus string     `json:"cover_status"`
	Periods     int        `json:"periods"`
	Office      app.Office `json:"office"`
	Password    string     `json:"password"`
}

// TestAStoreWrittenByTheEarlierDeskOpensAndSyncs: an office's existing store keeps working
// after the code is reorganised — its records read back the same and its outbox reaches the
// centre, which then holds exactly what the desk holds (the digests agree).
func TestAStoreWrittenByTheEarlierDeskOpensAndSyncs(t *testing.T) {
	var want oldStore
	raw, err := os.ReadFile("testdata/oldstore/expected.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &want))
	dir := filepath.Join(t.TempDir(), "store")
	require.NoError(t, copyDir("testdata/oldstore/store", dir))

	now := time.Date(2026, 1, 6, 9, 0, 0, 0, calendar.VN)
	cfg := storage.Config{Dir: dir, Now: func() time.Time { return now }, CacheMB: 16}
	d, admin, err := desk.Open(cfg, assets.MustLoad(), "admin", want.Password)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	off, err := d.Intake.Login("canbo", want.Password)
	require.NoError(t, err)

	o, err := d.Office()
	require.NoError(t, err)
	assert.Equal(t, want.Office.Agency, o.Agency)
	assert.Equal(t, want.Office.Name, o.Name)
	for _, p := range want.People {
		dos, err := d.Intake.Dossier(off, p.Code)
		require.NoError(t, err, p.Code)
		assert.Equal(t, p.PersonalID, dos.Form.PersonalID)
		assert.Equal(t, p.FullName, dos.Form.FullName)
		assert.Equal(t, app.State(p.State), dos.State)
	}
	pv, err := d.Records.Person(off, want.People[0].PersonalID)
	require.NoError(t, err)
	assert.Len(t, pv.Participant.Periods, want.Periods)
	require.NotNil(t, pv.Cover)
	assert.Equal(t, app.CoverStatus(want.CoverStatus), pv.Cover.Status)
	pending, err := d.Sync.Pending()
	require.NoError(t, err)
	assert.Equal(t, want.PendingOps, pending)
	rep, err := d.Intake.VerifyAudit(admin)
	require.NoError(t, err)
	assert.True(t, rep.OK, "the audit chain written by the earlier desk still verifies")

	ctr := centraltest.Start(t, centraltest.Options{})
	token := ctr.Enroll(t, o.Agency, o.Device)
	ctx := context.Background()
	require.NoError(t, d.Enrol(ctx, admin, ctr.URL(), token))
	res, err := d.Engine().Round(ctx)
	require.NoError(t, err)
	assert.Equal(t, want.PendingOps, res.Pushed)
	// Its outbox holds each period ahead of the voucher it came from (the order of that
	// version): the centre applies the voucher first (central.applyOrder).
	assert.Equal(t, want.PendingOps, res.Applied, "every operation applied once: %+v", res)
	assert.Zero(t, res.Pending)
	// The fixture was written in another folder, so this copy took its own device code
	// (checkOrigin); nothing else needs a person.
	ns, err := d.Sync.Notices(admin, true)
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, "device_moved", ns[0].Kind)

	mine, n, err := d.Sync.Digest()
	require.NoError(t, err)
	theirs, m, err := ctr.Service.Digest(ctx, o.Agency)
	require.NoError(t, err)
	assert.Equal(t, n, m)
	assert.Equal(t, mine, theirs, "the centre holds what the desk holds")
}

// TestFilesWrittenByTheEarlierDeskStillOpen: a backup, a person's data export and a transfer
// file written before the encrypted formats shared one envelope (internal/envelope) open.
func TestFilesWrittenByTheEarlierDeskStillOpen(t *testing.T) {
	var want oldStore
	raw, err := os.ReadFile("testdata/oldstore/expected.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &want))

	f, err := os.Open("testdata/oldstore/files/backup.bak")
	require.NoError(t, err)
	defer f.Close()
	cfg := storage.Config{Dir: filepath.Join(t.TempDir(), "store"), CacheMB: 16}
	d, err := desk.Restore(cfg, assets.MustLoad(), f, storage.Credentials{User: "admin", Password: want.Password}, "")
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	off, err := d.Intake.Login("canbo", want.Password)
	require.NoError(t, err)
	for _, p := range want.People {
		dos, err := d.Intake.Dossier(off, p.Code)
		require.NoError(t, err, p.Code)
		assert.Equal(t, p.FullName, dos.Form.FullName)
	}

	exp, err := os.ReadFile("testdata/oldstore/files/export.bhxhx")
	require.NoError(t, err)
	plain, err := privacy.OpenExport(exp, "mật khẩu xuất 12")
	require.NoError(t, err)
	assert.Contains(t, string(plain), "Hoàng Xuân Trọng Bình")
	_, err = privacy.OpenExport(exp, "mật khẩu khác 12")
	assert.Equal(t, app.Forbidden, app.KindOf(err), "another password")

	tr, err := os.ReadFile("testdata/oldstore/files/transfer.bhxht")
	require.NoError(t, err)
	var body central.TransferRequestBody
	h, err := central.OpenTransfer(tr, central.TokenHash("token-of-K7"), &body)
	require.NoError(t, err)
	assert.Equal(t, uint64(7), body.Cursor)
	assert.Equal(t, "01001", h.Office)
	_, err = central.OpenTransfer(tr, central.TokenHash("another token"), &body)
	assert.Error(t, err, "another device's key")
}
