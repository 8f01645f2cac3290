package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
