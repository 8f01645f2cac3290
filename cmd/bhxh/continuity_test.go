package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"bhxhdesk/central"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/storage"
)

// TestBackupThenRestoreThroughTheCommandLine: an administrator backs the store up to a file
// (recorded in the audit log under the administrator's name; a help-desk officer may not), and
// the file restores into an empty folder as a new device with the office's dossiers.
func TestBackupThenRestoreThroughTheCommandLine(t *testing.T) {
	o := newOffice(t)
	o.staff("motcua")
	code, out, errOut := o.run(anh, "register", "-", "--json")
	require.Equal(t, 0, code, errOut)
	dossier := decode(t, out)["dossier_code"]
	file := filepath.Join(testtmp.Dir(t), "sao-luu.bak")

	code, _, _ = o.run("", "backup", "--out", file)
	assert.Equal(t, exitInvalid, code, "a help-desk officer does not take backups")

	o.as("quantri", adminPass)
	code, out, errOut = o.run("", "backup", "--out", file, "--json")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, file, decode(t, out)["file"])
	db, err := storage.Open(storage.Config{Dir: o.dir, Now: func() time.Time { return o.now }}, "quantri", adminPass)
	require.NoError(t, err)
	entries, err := db.AuditEntries(0)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	var backedUp bool
	for _, e := range entries {
		if e.Action == "store.backup" {
			backedUp = true
			assert.Equal(t, "quantri", e.User)
			assert.Equal(t, "sao-luu.bak", e.Detail)
		}
	}
	assert.True(t, backedUp, "the backup is in the audit log")

	restored := &office{t: t, dir: filepath.Join(testtmp.Dir(t), "may-moi"), now: o.now, env: map[string]string{}}
	restored.as("quantri", adminPass)
	code, out, errOut = restored.run("", "restore", file, "--device", "K9", "--json")
	require.Equal(t, 0, code, errOut+out)
	assert.Equal(t, "K9", decode(t, out)["device"])
	code, out, errOut = restored.run("", "dossier", "show", dossier.(string), "--json")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", decode(t, out)["form"].(map[string]any)["full_name"])
}

// TestEnrolChecksTheTokenFirst: `bhxh enrol` asks the centre whose token it is before it keeps
// it, so a mistyped token or another desk's is refused with a reason and nothing is kept.
func TestEnrolChecksTheTokenFirst(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	ours, other := ctr.Enroll(t, "01001", "k7"), ctr.Enroll(t, "01001", "k8")
	o := newOffice(t)
	o.as("quantri", adminPass)

	code, _, errOut := o.run("", "enrol", "--central", ctr.Server.URL, "--token", "mã-sai")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "không nhận mã đăng ký này")
	code, _, errOut = o.run("", "enrol", "--central", ctr.Server.URL, "--token", other)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "thuộc đơn vị 01001, máy K8")
	code, _, errOut = o.run("", "sync")
	assert.NotEqual(t, 0, code, "nothing was kept")
	assert.Contains(t, errOut, "chưa đăng ký")
	code, out, _ := o.run("", "sync", "--json")
	assert.NotEqual(t, 0, code)
	var refused struct {
		OK     bool `json:"ok"`
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &refused), "with --json the failure is JSON: %q", out)
	require.Len(t, refused.Errors, 1)
	assert.Equal(t, "not_enrolled", refused.Errors[0].Code)

	// The token read from standard input (not on the command line, where every user of the
	// machine sees it), or from BHXH_TOKEN.
	o.env["BHXH_TOKEN"] = other
	code, _, errOut = o.run("", "enrol", "--central", ctr.Server.URL)
	assert.Equal(t, 1, code, "BHXH_TOKEN is read: another desk's")
	assert.Contains(t, errOut, "máy K8")
	delete(o.env, "BHXH_TOKEN")
	code, _, errOut = o.run(ours+"\n", "enrol", "--central", ctr.Server.URL, "--token", "-")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, ctr.Store.View(context.Background(), func(tx central.Tx) error {
		dev, ok, err := tx.Device("01001/K7")
		require.True(t, ok)
		assert.NotNil(t, dev.Key, "the centre knows the desk's signing key from the enrolment on")
		return err
	}))
	code, _, errOut = o.run("", "sync")
	assert.Equal(t, 0, code, errOut)
	// The centre enrolled "k7" as K7: after the sync its key list and the desk's own key agree,
	// and verify reads a seal instead of stopping at "listed twice".
	code, _, errOut = o.run("", "verify", "--qr", "BHXH1.khong-phai-con-dau")
	assert.Equal(t, exitInvalid, code, errOut)
	assert.NotContains(t, errOut, "listed twice")

	// The sync anchored the audit chain: verify checks it against the centre's anchor.
	code, out, errOut = o.run("", "audit", "verify")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Đã đối chiếu với mốc trung tâm giữ")
}
