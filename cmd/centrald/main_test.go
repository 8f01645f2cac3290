package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/central"
	"bhxhdesk/internal/centraltest"
)

func runC(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestAdministratorCommandsOnAStoppedServer: on the embedded store with no server running,
// the commands open the folder themselves.
func TestAdministratorCommandsOnAStoppedServer(t *testing.T) {
	administratorCommands(t, "--data", t.TempDir())
}

// TestAdministratorCommandsOnPostgreSQL: with --db every command works on the database
// directly, beside any running replicas.
func TestAdministratorCommandsOnPostgreSQL(t *testing.T) {
	administratorCommands(t, "--db", centraltest.NewDatabase(t))
}

// administratorCommands runs the administrator's commands on the store that store names
// (["--data", DIR] or ["--db", URL]), with no server running.
func administratorCommands(t *testing.T, store ...string) {
	runC := func(t *testing.T, stdin string, args ...string) (int, string, string) {
		t.Helper()
		var full []string
		for _, a := range args {
			if a == "@store" {
				full = append(full, store...)
			} else {
				full = append(full, a)
			}
		}
		return runC(t, stdin, full...)
	}
	code, out, errOut := runC(t, "", "enroll", "@store", "--office", "01001", "--device", "k7", "--json")
	require.Equal(t, 0, code, errOut)
	var enrolled map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &enrolled))
	assert.Equal(t, "01001/K7", enrolled["device"], "a device code in capitals, as dossier codes carry it")
	assert.Len(t, enrolled["token"], 43)

	code, _, errOut = runC(t, "", "enroll", "@store", "--office", "01001", "--device", "k7")
	assert.Equal(t, 1, code, "a desk is enrolled once")
	assert.Contains(t, errOut, "đã được đăng ký")
	code, _, _ = runC(t, "", "enroll", "@store", "--office", "01 001", "--device", "k8")
	assert.Equal(t, 1, code)

	// A token seen by others is replaced; a lost desk is revoked; a revoked one is not renewed.
	code, out, errOut = runC(t, "", "device", "reenrol", "@store", "--office", "01001", "--device", "k7")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "token ")
	assert.NotContains(t, out, enrolled["token"], "a new token")
	code, out, errOut = runC(t, "", "device", "revoke", "@store", "--office", "01001", "--device", "K7", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"revoked"`)
	code, _, errOut = runC(t, "", "device", "reenrol", "@store", "--office", "01001", "--device", "k7")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "đã bị thu hồi")
	code, _, errOut = runC(t, "", "device", "revoke", "@store", "--office", "01001", "--device", "k99")
	assert.Equal(t, 2, code, "an unknown device")
	assert.Contains(t, errOut, "Không có máy")
	code, _, _ = runC(t, "", "device", "enrol", "@store")
	assert.Equal(t, 2, code)

	vouchers := `[{"receipt_no":"KT-1","personal_id":"001190012345","full_name":"Nguyễn Thị Hồng Ánh","amount":264000,
		"paid_on":"2026-01-06","from_month":"2026-01","months":1}]`
	code, out, errOut = runC(t, vouchers, "voucher", "post", "@store", "-")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"posted": 1`)
	code, _, errOut = runC(t, `[{"receipt_no":"KT-2","personal_id":"x"}]`, "voucher", "post", "@store", "-")
	assert.Equal(t, 1, code, "a voucher the desks could not read is refused at the door")
	assert.Contains(t, errOut, "Số định danh")

	cal := filepath.Join(t.TempDir(), "2028.json")
	require.NoError(t, os.WriteFile(cal, []byte(`{"year":2028,"status":"projected"}`), 0o600))
	code, _, errOut = runC(t, "", "publish", "@store", "--path", "calendar/2028.json", cal)
	require.Equal(t, 0, code, errOut)
	code, _, errOut = runC(t, "", "publish", "@store", "--path", "../etc/passwd", cal)
	assert.Equal(t, 1, code, "only the desks' data folders may be written")
	assert.Contains(t, errOut, "không hợp lệ")

	// The office as citizens see it on the centre's pages (public service 602e).
	code, out, errOut = runC(t, "", "office", "@store", "--office", "01001", "--name", "Bảo hiểm xã hội cơ sở Ba Đình", "--province", "01",
		"--commune", "00004")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"online": true`)
	code, _, errOut = runC(t, "", "office", "@store", "--office", "01001", "--name", "X", "--province", "1", "--commune", "00004")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "không có trong danh mục")
	code, _, errOut = runC(t, "", "office", "@store", "--office", "01001", "--name", "X", "--province", "01", "--commune", "20194")
	assert.Equal(t, 1, code, "a commune of another province")
	assert.Contains(t, errOut, "không thuộc tỉnh 01")

	// The province's monthly report: no office has sent one yet.
	code, out, errOut = runC(t, "", "report", "@store", "--province", "01", "--month", "2026-11")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "province 01")
	assert.Contains(t, out, "no report yet from: 01001")
	code, _, _ = runC(t, "", "report", "@store", "--province", "01", "--month", "2026-13")
	assert.Equal(t, 1, code)
	code, _, errOut = runC(t, "", "report", "@store", "--province", "1", "--month", "2026-11")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "không có trong danh mục", "the province, not the month, is named")

	// The national records of people: a bad line is refused alone, named by its number.
	history := `[{"personal_id":"001190012345","months":150,"first_joined":"2012-01","compulsory_from":"2026-01"},
		{"personal_id":"001190012346","months":12,"compulsory_from":"2026-13"}]`
	code, out, errOut = runC(t, history, "history", "@store", "--json", "-")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"updated": 1`)
	assert.Contains(t, out, `"2": "bad_month`)
	code, _, _ = runC(t, "not json", "history", "@store", "-")
	assert.Equal(t, 2, code)

	code, out, _ = runC(t, "", "reviews", "@store", "--json")
	require.Equal(t, 0, code)
	assert.Equal(t, "[]\n", out)
	code, _, _ = runC(t, "", "import", "@store", filepath.Join(t.TempDir(), "missing"))
	assert.Equal(t, 2, code)
	code, _, _ = runC(t, "", "enroll")
	assert.Equal(t, 2, code, "--data is required")
}

func TestTrustedProxiesAreAddressesOrNetworks(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 127.0.0.1 ,2001:db8::/32")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.0/8", "127.0.0.1/32", "2001:db8::/32"}, []string{got[0].String(), got[1].String(), got[2].String()})
	_, err = parsePrefixes("10.0.0.0/8,localhost")
	assert.Error(t, err)
}

// TestAdministratorCommandsReachARunningServer: while a server holds the store, the commands go
// through its admin endpoint with the token it left in the data folder.
func TestAdministratorCommandsReachARunningServer(t *testing.T) {
	dir := t.TempDir()
	store, err := central.OpenBadger(dir, "")
	require.NoError(t, err)
	defer store.Close()
	svc := &central.Service{Store: store}
	ln, err := central.Listen(central.ListenConfig{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_ = central.Serve(ctx, ln, (&central.Server{Service: svc, AdminToken: "jeton-quan-tri"}).Handler())
	}()
	info, _ := json.Marshal(adminInfo{URL: "http://" + ln.Addr().String(), Token: "jeton-quan-tri"})
	require.NoError(t, os.WriteFile(filepath.Join(dir, adminFile), info, 0o600))

	code, out, errOut := runC(t, "", "enroll", "--data", dir, "--office", "48001", "--device", "d1", "--json")
	require.Equal(t, 0, code, errOut)
	var enrolled map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &enrolled))
	_, err = svc.Authenticate(ctx, enrolled["token"])
	require.NoError(t, err, "the running server enrolled the desk")

	bad, _ := json.Marshal(adminInfo{URL: "http://" + ln.Addr().String(), Token: "sai"})
	require.NoError(t, os.WriteFile(filepath.Join(dir, adminFile), bad, 0o600))
	code, _, errOut = runC(t, "", "reviews", "--data", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "Mã máy không đúng")
}
