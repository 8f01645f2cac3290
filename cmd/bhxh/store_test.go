package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
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
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/storage"
)

// office is a store in a temp dir driven through the command line, with a settable clock.
type office struct {
	t    *testing.T
	dir  string
	now  time.Time
	user string
	pass string
	env  map[string]string
}

var cheapKDF = storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}

const adminPass = "mật khẩu quản trị"

func newOffice(t *testing.T) *office {
	t.Helper()
	o := &office{t: t, dir: testtmp.Dir(t), now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)), env: map[string]string{}}
	o.as("quantri", adminPass)
	code, out, errOut := o.run("", "init", "--province", "01", "--commune", "00004", "--agency", "01001", "--admin", "quantri",
		"--name", "Bảo hiểm xã hội cơ sở Ba Đình", "--device", "K7", "--json")
	require.Equal(t, 0, code, errOut)
	m := decode(t, out)
	assert.Regexp(
		t,
		`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4})+-[0-9A-HJKMNP-TV-Z*~$=U]$`,
		m["recovery_secret"],
		"Crockford base32 in groups of four, then the check character",
	)
	for _, u := range [][2]string{{"motcua", "helpdesk"}, {"canbo", "officer"}, {"truongphong", "supervisor"}} {
		o.env["BHXH_NEW_PASSWORD"] = staffPass(u[0])
		code, _, errOut := o.run("", "user", "add", u[0], "--role", u[1])
		require.Equal(t, 0, code, errOut)
	}
	delete(o.env, "BHXH_NEW_PASSWORD")
	return o
}

// as signs the next commands in as user.
func (o *office) as(user, pass string) *office {
	o.user, o.pass = user, pass
	o.env["BHXH_USER"], o.env["BHXH_PASSWORD"] = user, pass
	return o
}

func (o *office) staff(user string) *office { return o.as(user, staffPass(user)) }

// staffPass is an account's password in these tests (it must not contain the user name).
func staffPass(user string) string { return "mật khẩu riêng số " + fmt.Sprint(len(user)) }

func (o *office) run(stdin string, args ...string) (int, string, string) {
	o.t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"--data", o.dir}, args...), env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		now:    func() time.Time { return o.now },
		getenv: func(k string) string { return o.env[k] },
		kdf:    cheapKDF,
	})
	return code, out.String(), errOut.String()
}

func registration(name, pid, gender, birth string) string {
	b, _ := json.Marshal(map[string]any{
		"full_name": name, "gender": gender, "birth_date": birth, "nationality": "VN", "ethnicity": "01",
		"personal_id": pid, "phone": "0912345678",
		"birth_registration": map[string]string{"province": "01", "commune": "00004"},
		"address":            map[string]string{"province": "01", "commune": "00004", "detail": "Số 5 ngõ 12 phố Đội Cấn"},
		"income":             1500000, "method": "monthly", "start_month": "2026-01", "support_group": "other",
	})
	return string(b)
}

var anh = registration("Nguyễn Thị Hồng Ánh", "001190012345", "female", "1990-05-17")

func TestStoreCommandsNeedAStoreAndCredentials(t *testing.T) {
	dir := testtmp.Dir(t)
	var out, errOut bytes.Buffer
	code := run([]string{"--data", dir, "dossier", "list"}, env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		now: time.Now, getenv: func(string) string { return "" }, kdf: cheapKDF})
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "Chưa có kho dữ liệu")

	o := newOffice(t)
	delete(o.env, "BHXH_PASSWORD")
	code, _, errOut2 := o.run("", "dossier", "list")
	assert.Equal(t, 2, code, "no password and no terminal is a usage error")
	assert.Contains(t, errOut2, "BHXH_PASSWORD")

	o.as("canbo", "sai mật khẩu rồi")
	code, _, errOut2 = o.run("", "dossier", "list")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut2, "Sai tên đăng nhập hoặc mật khẩu")

	o.as("quantri", adminPass)
	code, _, errOut2 = o.run("", "init", "--province", "01", "--commune", "00004", "--agency", "01001", "--admin", "x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut2, "đã có kho dữ liệu")
}

func TestInitRefusesABadOfficeAndLeavesNothing(t *testing.T) {
	o := &office{t: t, dir: testtmp.Dir(t), now: time.Now(), env: map[string]string{}}
	o.as("quantri", adminPass)
	code, out, _ := o.run("", "init", "--province", "99", "--commune", "00004", "--agency", "01001", "--admin", "quantri", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"field": "province"`)
	assert.False(t, storage.Exists(o.dir), "a refused set-up leaves no store behind")
}

func TestRegisterQueueAndWorkflowThroughTheCommandLine(t *testing.T) {
	o := newOffice(t)
	o.staff("motcua")

	code, out, errOut := o.run(anh, "register", "-", "--json")
	require.Equal(t, 0, code, errOut)
	m := decode(t, out)
	assert.Equal(t, true, m["created"])
	assert.Equal(t, "01001-260105-K70001", m["dossier_code"])
	assert.Equal(t, "2026-01-10", m["due"], "Mon 05/01 + 5 working days; Saturday 10/01 is a make-up day")
	assert.EqualValues(t, 264000, m["payable"], "everyone else from 2025-07: 330,000 − 66,000 (Hà Nội adds nothing for them)")
	assert.Empty(t, m["possible_duplicates"])

	// The same personal ID again: refused, naming the pending dossier.
	code, out, _ = o.run(anh, "register", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "duplicate_personal_id")
	assert.Contains(t, out, "01001-260105-K70001")

	// Same name typed without marks and same birth date, another ID: a possible duplicate, not
	// saved until the officer confirms.
	twin := registration("nguyen thi hong anh", "001190099999", "female", "1990-05-17")
	code, out, _ = o.run(twin, "register", "--json")
	assert.Equal(t, 1, code)
	m = decode(t, out)
	assert.Equal(t, false, m["created"])
	dups := m["possible_duplicates"].([]any)
	require.Len(t, dups, 1)
	assert.Equal(t, "001190******", dups[0].(map[string]any)["personal_id"], "lists show masked IDs")
	code, out, _ = o.run(twin, "register", "--not-duplicate", "--json")
	assert.Equal(t, 0, code)
	assert.Equal(t, "01001-260105-K70002", decode(t, out)["dossier_code"])

	// Field problems name the field, in Vietnamese and English; nothing is stored.
	bad := registration("Trần Văn Bình", "001190012346", "male", "1990-05-17")
	code, out, _ = o.run(bad, "register", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"field": "personal_id"`)
	assert.Contains(t, out, "message_vi")

	// Queues and search.
	code, out, _ = o.run("", "dossier", "list", "--json")
	require.Equal(t, 0, code)
	var list []listRow
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 2)
	assert.Equal(t, 5, *list[0].DaysLeft)
	code, out, _ = o.run("", "dossier", "list", "--search", "NGUYEN THI HONG", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	assert.Len(t, list, 2)
	code, out, _ = o.run("", "dossier", "list", "--search", "12345")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Nguyễn Thị Hồng Ánh")
	assert.Contains(t, out, "còn 5 ngày")
	code, _, _ = o.run("", "dossier", "list", "--search", "x", "--overdue")
	assert.Equal(t, 2, code, "one list at a time")

	// The workflow: the help desk cannot do the officer's step; the officer can.
	const d1 = "01001-260105-K70001"
	code, _, errOut = o.run("", "dossier", "advance", d1)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "Cán bộ nghiệp vụ", "the role is named, not coded")
	o.staff("canbo")
	code, out, errOut = o.run("", "dossier", "return", d1, "--missing", "Giấy chứng nhận hộ nghèo", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "returned", decode(t, out)["dossier"].(map[string]any)["state"])
	o.now = o.now.Add(26 * time.Hour) // Tue 06/01 10:00
	code, out, _ = o.run("", "dossier", "advance", d1, "--json")
	require.Equal(t, 0, code)
	m = decode(t, out)
	assert.Equal(t, "resubmit", m["event"].(map[string]any)["action"])
	assert.Equal(t, "2026-01-12", m["dossier"].(map[string]any)["due"], "counting restarts from the completed dossier")
	code, _, _ = o.run("", "dossier", "advance", d1)
	require.Equal(t, 0, code)
	code, out, _ = o.run("", "dossier", "list", "--step", "finance", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 1)
	assert.Equal(t, d1, list[0].Code)

	code, _, errOut = o.run("", "dossier", "reappoint", d1, "--date", "2026-01-19", "--reason", "Chờ xác minh")
	assert.Equal(t, 1, code, "an officer may not re-appoint")
	assert.Contains(t, errOut, "không được phép")
	o.staff("truongphong")
	code, _, errOut = o.run("", "dossier", "reappoint", d1, "--date", "2026-01-19", "--reason", "Chờ xác minh hộ nghèo")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = o.run("", "dossier", "reject", "01001-260105-K70002")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "phải ghi lý do")
	code, _, _ = o.run("", "dossier", "reject", "01001-260105-K70002", "--reason", "Người tham gia rút hồ sơ")
	require.Equal(t, 0, code)

	code, out, _ = o.run("", "dossier", "show", d1, "--json")
	require.Equal(t, 0, code)
	var dos app.Dossier
	require.NoError(t, json.Unmarshal([]byte(out), &dos))
	var actions []app.Action
	for _, e := range dos.Timeline {
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []app.Action{app.ActReceive, app.ActReturn, app.ActResubmit, app.ActAdvance, app.ActReappoint}, actions)
	assert.Equal(t, "2026-01-19", dos.Due.String())
	code, out, _ = o.run("", "dossier", "show", d1)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Chờ xác minh hộ nghèo")
	assert.Contains(t, out, "17/05/1990")
	code, _, errOut = o.run("", "dossier", "show", "01001-260105-K79999")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "không có hồ sơ")
}

func TestReceiptIsAPDFWithTheVietnameseText(t *testing.T) {
	o := newOffice(t)
	o.staff("motcua")
	poor := strings.Replace(anh, `"support_group":"other"`, `"support_group":"poor"`, 1)
	require.NotEqual(t, anh, poor)
	code, _, errOut := o.run(poor, "register")
	require.Equal(t, 0, code, errOut)
	path := filepath.Join(testtmp.Dir(t), "giay hen.pdf")
	code, _, errOut = o.run("", "receipt", "01001-260105-K70001", "--out", path)
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("%PDF")))
	text := pdfText(t, path)
	for _, want := range []string{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Hồng Ánh", "01001-260105-K70001",
		"10/01/2026", "Giấy chứng nhận hộ nghèo", "Số 5 ngõ 12 phố Đội Cấn",
		"Số tiền phải nộp: 0 ₫"} { // Hà Nội's 50% on top of the state's 50% (Resolution 19/2025)
		assert.Contains(t, text, want)
	}
	code, _, _ = o.run("", "receipt", "01001-260105-K79999", "--out", path+".2")
	assert.Equal(t, 1, code)
	_, err = os.Stat(path + ".2")
	assert.True(t, os.IsNotExist(err), "a failed print leaves no file")
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if testtmp.UnderWine() {
		// poppler's pdftotext is a Linux program, out of a Windows process's reach under Wine:
		// the Wine office flow (scripts/wine-flow.sh) reads the PDFs the Windows build prints.
		t.Skip("pdftotext is not reachable under Wine; scripts/wine-flow.sh checks the printed PDFs")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err, "pdftotext (poppler-utils) is installed by make test's setup")
	return strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
}

func auditKey(seq uint64) []byte {
	k := append([]byte("audit/"), make([]byte, 8)...)
	binary.BigEndian.PutUint64(k[6:], seq)
	return k
}

// TestAuditVerifyDetectsTampering edits, deletes, inserts and reorders audit entries in the
// encrypted store (as someone holding the data key could) and checks that `bhxh audit verify`
// names the first broken entry and exits 1.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	tamper := []struct {
		name   string
		do     func(t *testing.T, db *storage.DB)
		reason string
	}{
		{"edit", func(t *testing.T, db *storage.DB) {
			e := rawAudit(t, db, 5)
			e.User = "nguoi-khac"
			putAudit(t, db, 5, e)
		}, "edited"},
		{"delete", func(t *testing.T, db *storage.DB) { require.NoError(t, db.Delete(auditKey(5))) }, "missing"},
		{"insert", func(t *testing.T, db *storage.DB) {
			// Shift entries 5… one place up and slip a forged entry in at 5, chained to 4.
			n := uint64(5)
			for {
				if _, ok, _ := db.Get(auditKey(n + 1)); !ok {
					break
				}
				n++
			}
			for seq := n; seq >= 5; seq-- {
				e := rawAudit(t, db, seq)
				e.Seq++
				putAudit(t, db, seq+1, e)
			}
			prev := rawAudit(t, db, 4)
			putAudit(
				t,
				db,
				5,
				app.AuditEntry{
					Seq:    5,
					At:     prev.At,
					User:   "quantri",
					Action: "dossier.view",
					Entity: "01001-260105-K70001",
					Prev:   prev.Hash,
					Hash:   prev.Hash,
				},
			)
		}, "edited"},
		{"reorder", func(t *testing.T, db *storage.DB) {
			a, b := rawAudit(t, db, 5), rawAudit(t, db, 6)
			putAudit(t, db, 5, b)
			putAudit(t, db, 6, a)
		}, "reordered"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			o := newOffice(t)
			o.staff("motcua")
			code, _, _ := o.run(anh, "register")
			require.Equal(t, 0, code)
			o.as("quantri", adminPass)
			code, out, _ := o.run("", "audit", "verify", "--json")
			require.Equal(t, 0, code)
			assert.Equal(t, true, decode(t, out)["ok"])

			db, err := storage.Open(storage.Config{Dir: o.dir, Now: func() time.Time { return o.now }}, "quantri", adminPass)
			require.NoError(t, err)
			tc.do(t, db)
			require.NoError(t, db.Close())

			code, out, _ = o.run("", "audit", "verify", "--json")
			assert.Equal(t, 1, code)
			m := decode(t, out)
			assert.Equal(t, false, m["ok"])
			assert.EqualValues(t, 5, m["first_broken"])
			assert.Equal(t, tc.reason, m["reason"])
			code, out, _ = o.run("", "audit", "verify")
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "NHẬT KÝ BỊ SỬA: mục 5")
		})
	}
}

func rawAudit(t *testing.T, db *storage.DB, seq uint64) app.AuditEntry {
	t.Helper()
	raw, ok, err := db.Get(auditKey(seq))
	require.NoError(t, err)
	require.True(t, ok)
	var e app.AuditEntry
	require.NoError(t, json.Unmarshal(raw, &e))
	return e
}

func putAudit(t *testing.T, db *storage.DB, seq uint64, e app.AuditEntry) {
	t.Helper()
	b, err := json.Marshal(e)
	require.NoError(t, err)
	require.NoError(t, db.Put(auditKey(seq), b))
}
