package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/privacy"
)

// TestDataProtectionDuties walks the office's duties for personal data through the command
// line: who saw a person, the person's own data exported encrypted, the purge of closed
// dossiers the centre confirmed, and the report of what the machine holds.
func TestDataProtectionDuties(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	srv, tok := ctr.Server, ctr.Enroll(t, "01001", "k7")

	o := newOffice(t)
	o.staff("motcua")
	code, _, errOut := o.run(anh, "register")
	require.Equal(t, 0, code, errOut)
	other := registration("Trần Văn Bình", "038085067891", "male", "1985-03-02")
	code, _, _ = o.run(other, "register")
	require.Equal(t, 0, code)
	o.staff("truongphong")
	code, _, _ = o.run("", "dossier", "show", "01001-260105-K70001")
	require.Equal(t, 0, code)
	code, _, _ = o.run("", "dossier", "reject", "01001-260105-K70001", "--reason", "Người tham gia rút hồ sơ")
	require.Equal(t, 0, code)

	// Who saw Ánh's data: the registration, the view, the rejection — not Bình's records.
	code, out, _ := o.run("", "audit", "log", "--person", "001190012345", "--json")
	require.Equal(t, 0, code)
	var entries []app.AuditEntry
	require.NoError(t, json.Unmarshal([]byte(out), &entries))
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.User+" "+e.Action)
		assert.NotContains(t, e.Detail+e.Entity, "001190012345", "no unmasked ID in the audit log")
	}
	assert.Equal(t, []string{"motcua dossier.create", "truongphong dossier.view", "truongphong dossier.reject"}, actions)

	// The person's own data, encrypted with a password given to them separately.
	o.env["BHXH_EXPORT_PASSWORD"] = "mật khẩu cho người dân"
	path := filepath.Join(testtmp.Dir(t), "du-lieu-anh.bhxh")
	code, _, errOut = o.run("", "person", "export", "001190012345", "--out", path)
	require.Equal(t, 0, code, errOut)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "Nguyễn", "the export is not readable without the password")
	code, out, _ = o.run("", "person", "open-export", path)
	require.Equal(t, 0, code)
	var exp privacy.PersonExport
	require.NoError(t, json.Unmarshal([]byte(out), &exp))
	require.Len(t, exp.Dossiers, 1)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", exp.Dossiers[0].Form.FullName)
	assert.NotEmpty(t, exp.Access)
	o.env["BHXH_EXPORT_PASSWORD"] = "một mật khẩu khác"
	code, _, _ = o.run("", "person", "open-export", path)
	assert.Equal(t, 1, code)

	// Purge: nothing before the centre confirmed the closed dossier; after a sync, it goes.
	o.as("quantri", adminPass)
	code, out, _ = o.run("", "purge", "--before", "2026-02-01", "--json")
	require.Equal(t, 0, code)
	var pr privacy.PurgeResult
	require.NoError(t, json.Unmarshal([]byte(out), &pr))
	assert.Empty(t, pr.Purged)
	assert.Equal(t, 1, pr.Unconfirmed)
	code, _, errOut = o.run("", "sync", "--central", srv.URL, "--token", tok)
	require.Equal(t, 0, code, errOut)
	code, out, _ = o.run("", "purge", "--before", "2026-01-01", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &pr))
	assert.Empty(t, pr.Purged)
	assert.Equal(t, 1, pr.Recent, "closed after the cutoff: kept")
	code, out, _ = o.run("", "purge", "--before", "2026-02-01", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &pr))
	assert.Equal(t, []string{"01001-260105-K70001"}, pr.Purged)
	o.staff("truongphong")
	code, out, _ = o.run("", "dossier", "show", "01001-260105-K70001", "--json")
	require.Equal(t, 0, code)
	var purged app.Dossier
	require.NoError(t, json.Unmarshal([]byte(out), &purged))
	assert.Empty(t, purged.Form.FullName, "the personal data is gone")
	require.NotNil(t, purged.Purged)
	assert.Len(t, purged.Purged.Hash, 64)
	code, out, _ = o.run("", "dossier", "list", "--search", "nguyen thi hong", "--json")
	require.Equal(t, 0, code)
	assert.Equal(t, "[]\n", out, "and no index finds it")
	code, out, _ = o.run("", "audit", "verify", "--json")
	require.Equal(t, 0, code)
	assert.Equal(t, true, decode(t, out)["ok"])

	// The breach report: what the machine holds and who did what.
	o.now = o.now.Add(time.Hour)
	code, out, _ = o.run("", "audit", "report", "--since", "2026-01-01", "--json")
	require.Equal(t, 0, code)
	var rep privacy.BreachReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 1, rep.People, "Bình; Ánh's data was purged")
	assert.Equal(t, 1, rep.Purged)
	assert.Zero(t, rep.Unsynced)
	assert.False(t, rep.LastSync.IsZero())
	assert.True(t, rep.AuditIntact)
	assert.Equal(t, 1, rep.Accesses["person.export"])
	assert.Len(t, rep.Exports, 1)
	code, out, _ = o.run("", "audit", "report", "--since", "2026-01-01")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Máy giữ dữ liệu của 1 người")
	assert.False(t, strings.Contains(out, "001190012345"))
}
