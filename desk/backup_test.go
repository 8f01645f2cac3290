package desk_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

var backupRef = assets.MustLoad()

const bpass = "mật khẩu đủ dài 12"

type bdesk struct {
	*desk.Desk
	cfg    storage.Config
	secret string
	now    *time.Time
	sess   *app.Session
}

func newBackupDesk(t *testing.T) *bdesk {
	t.Helper()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN)
	b := &bdesk{now: &now}
	b.cfg = storage.Config{
		Dir: filepath.Join(t.TempDir(), "store"),
		KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1},
		Now: func() time.Time { return *b.now },
	}
	d, secret, err := desk.Init(
		b.cfg,
		backupRef,
		app.Office{Agency: "01001", Name: "BHXH Ba Đình", Province: "01", Commune: "00004", Device: "K7"},
		app.User{Name: "admin"},
		bpass,
	)
	require.NoError(t, err)
	admin, err := d.Intake.Login("admin", bpass)
	require.NoError(t, err)
	require.NoError(t, d.Intake.AddUser(admin, app.User{Name: "truongphong", Role: app.Supervisor}, bpass))
	b.Desk, b.secret = d, secret
	b.sess, err = d.Intake.Login("truongphong", bpass)
	require.NoError(t, err)
	b.sess.Idle = -1
	return b
}

func (b *bdesk) register(t *testing.T, g *fake.Generator, n int) []app.Dossier {
	t.Helper()
	var out []app.Dossier
	for len(out) < n {
		f := g.Form()
		f.Method, f.SupportGroup, f.Income, f.Ethnicity = "monthly", "other", "1500000", "01"
		res, err := b.Intake.Register(b.sess, intake.RegisterRequest{Form: f, NotDuplicate: true})
		if app.KindOf(err) == app.Conflict {
			continue
		}
		require.NoError(t, err)
		*b.now = b.now.Add(time.Minute)
		out = append(out, res.Dossier)
	}
	return out
}

// TestBackupWipeRestoreGivesTheSameStore backs up a store of 10,000 dossiers with vouchers,
// periods and covers, wipes it, restores it, and compares.
func TestBackupWipeRestoreGivesTheSameStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a store of 10,000 dossiers")
	}
	b := newBackupDesk(t)
	g := fake.New(77, backupRef.Places)
	regs := b.register(t, g, 200)
	for i, d := range regs[:50] {
		_, err := b.Records.AddVoucher(b.sess, app.VoucherInput{ReceiptNo: fmt.Sprintf("BL-%d", i), PersonalID: d.Form.PersonalID,
			FullName: d.Form.FullName, Amount: app.Amount(fmt.Sprint(d.Quote.Payable)), PaidOn: "2026-01-20", FromMonth: "2026-01", Months: 1})
		require.NoError(t, err)
	}
	// The rest of the 10,000 from a paper archive, through the bulk loader.
	l, err := b.DB.NewLoader()
	require.NoError(t, err)
	tpl := regs[0]
	for i := 0; i < 9800; i++ {
		d := tpl
		d.Form = g.Form()
		d.Code = fmt.Sprintf("01001-251201-K7%04d", i+1)
		require.NoError(t, l.PutDossier(&d))
	}
	require.NoError(t, l.Flush())

	before, lines, err := b.Sync.Digest()
	require.NoError(t, err)
	require.GreaterOrEqual(t, lines, 10000+50+50+50)
	pending, err := b.Sync.Pending()
	require.NoError(t, err)
	var file bytes.Buffer
	_, err = b.DB.Backup(&file)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.NoError(t, os.RemoveAll(b.cfg.Dir), "the machine is wiped")
	for _, pid := range []string{regs[0].Form.PersonalID, regs[0].Form.Phone} {
		assert.False(t, bytes.Contains(file.Bytes(), []byte(pid)), "the backup is encrypted")
	}

	// A wrong password restores nothing and leaves nothing behind.
	_, err = desk.Restore(
		b.cfg,
		backupRef,
		bytes.NewReader(file.Bytes()),
		storage.Credentials{User: "truongphong", Password: "sai mật khẩu rồi"},
		"",
	)
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	assert.False(t, storage.Exists(b.cfg.Dir))

	d, err := desk.Restore(b.cfg, backupRef, bytes.NewReader(file.Bytes()), storage.Credentials{User: "truongphong", Password: bpass}, "")
	require.NoError(t, err)
	after, _, err := d.Sync.Digest()
	require.NoError(t, err)
	assert.Equal(t, before, after, "identical digests over the whole store")
	n, err := d.Sync.Pending()
	require.NoError(t, err)
	assert.Equal(t, pending, n, "the outbox came back whole")
	rep, err := d.DB.VerifyAudit()
	require.NoError(t, err)
	assert.True(t, rep.OK, "the audit chain survives the restore")
	o, err := d.Office()
	require.NoError(t, err)
	assert.Equal(t, "K7R", o.Device, "a restored desk gets a new device code")
	_, sess, err := desk.Open(b.cfg, backupRef, "truongphong", bpass)
	assert.Error(t, err, "the store is already open in this process")
	_ = sess
	require.NoError(t, d.Close())

	// The province's recovery secret opens the same backup when every password is lost.
	other := b.cfg
	other.Dir = filepath.Join(t.TempDir(), "recovered")
	d, err = desk.Restore(other, backupRef, bytes.NewReader(file.Bytes()), storage.Credentials{Password: b.secret}, "K9")
	require.NoError(t, err)
	after, _, err = d.Sync.Digest()
	require.NoError(t, err)
	assert.Equal(t, before, after)
	require.NoError(t, d.Close())
}

func TestDamagedBackupsAreRefused(t *testing.T) {
	b := newBackupDesk(t)
	b.register(t, fake.New(5, backupRef.Places), 20)
	var file bytes.Buffer
	_, err := b.DB.Backup(&file)
	require.NoError(t, err)
	raw := file.Bytes()
	cases := map[string][]byte{
		"cut short":         raw[:len(raw)*2/3],
		"last chunk gone":   raw[:len(raw)-4],
		"a byte changed":    flip(raw, len(raw)/2),
		"header changed":    []byte(strings.Replace(string(raw), `"version":1`, `"version":1 `, 1)),
		"not a backup":      []byte("PK\x03\x04 not a backup"),
		"empty":             nil,
		"a byte past magic": flip(raw, 9),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := b.cfg
			cfg.Dir = filepath.Join(t.TempDir(), "store")
			_, err := desk.Restore(cfg, backupRef, bytes.NewReader(data), storage.Credentials{User: "truongphong", Password: bpass}, "")
			require.Error(t, err)
			assert.Contains(t, []app.Kind{app.Invalid, app.Forbidden}, app.KindOf(err), "%v", err)
			assert.False(t, storage.Exists(cfg.Dir), "nothing restored")
		})
	}
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 0x40
	return out
}

// TestRestoredDeviceSyncsWithoutDuplicates: a desk syncs, is backed up, works on and syncs
// again, then dies. The restored desk asks the centre which of its pending operations were
// applied (none is pushed twice), takes back what it recorded after the backup, and carries
// on with a new device code.
func TestRestoredDeviceSyncsWithoutDuplicates(t *testing.T) {
	repeats := 0
	ctr := centraltest.Start(t, centraltest.Options{OnPush: func(_ context.Context, _ string, _, r int) { repeats += r }})
	svc, srv := ctr.Service, ctr.Server
	tok := ctr.Enroll(t, "01001", "k7")

	b := newBackupDesk(t)
	g := fake.New(31, backupRef.Places)
	client, err := central.NewClient(central.ClientConfig{BaseURL: srv.URL, Token: tok})
	require.NoError(t, err)
	round := func(d *desk.Desk) sync.Report {
		t.Helper()
		e := &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) { return client, nil }}
		rep, err := e.Round(context.Background())
		require.NoError(t, err)
		return rep
	}
	early := b.register(t, g, 30)
	round(b.Desk)
	b.register(t, g, 20) // pending when the backup is made
	var file bytes.Buffer
	_, err = b.DB.Backup(&file)
	require.NoError(t, err)
	later := b.register(t, g, 10)                                                           // after the backup
	_, err = b.Intake.Act(b.sess, early[0].Code, intake.ActRequest{Action: app.ActAdvance}) // a dossier moves on after the backup
	require.NoError(t, err)
	round(b.Desk)
	want, _, err := svc.Digest(context.Background(), "01001")
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.NoError(t, os.RemoveAll(b.cfg.Dir), "the disk died")

	d, err := desk.Restore(b.cfg, backupRef, bytes.NewReader(file.Bytes()), storage.Credentials{User: "truongphong", Password: bpass}, "")
	require.NoError(t, err)
	defer d.Close()
	pending, err := d.Sync.Pending()
	require.NoError(t, err)
	require.Equal(t, 20, pending, "the backup's outbox: 20 operations the centre already has")
	repeats = 0
	rep := round(d)
	assert.Zero(t, repeats, "nothing was sent twice")
	assert.Zero(t, rep.Pushed)
	assert.Equal(t, 20, rep.Duplicate)
	got, _, err := d.Sync.Digest()
	require.NoError(t, err)
	assert.Equal(t, want, got, "the work after the backup came back from the centre")
	sess, err := d.Intake.Login("truongphong", bpass)
	require.NoError(t, err)
	_, err = d.Intake.Dossier(sess, later[9].Code)
	require.NoError(t, err)

	moved, err := d.Intake.Dossier(sess, early[0].Code)
	require.NoError(t, err)
	assert.Equal(t, 2, moved.Version, "the centre's later version of a dossier replaced the backup's")
	// At the payment step now: the next action is to ask for a missing paper.
	_, err = d.Intake.Act(sess, early[0].Code, intake.ActRequest{Action: app.ActReturn, Missing: []string{"Bản sao CCCD"}})
	require.NoError(t, err)
	rep = round(d)
	assert.Equal(t, 1, rep.Applied, "its next action pushes without a conflict")
	assert.Zero(t, rep.Conflicts)

	// Carrying on: the new device code keeps dossier codes unique.
	res, err := d.Intake.Register(sess, intake.RegisterRequest{Form: g.Form(), NotDuplicate: true})
	require.NoError(t, err)
	assert.Contains(t, res.Dossier.Code, "-K7R")
	rep = round(d)
	assert.Equal(t, 1, rep.Applied)
	assert.Zero(t, rep.Conflicts)
}

// TestBackupsAreNamedWithTheOfficesDate: a backup taken at 05:30 on 7 December in Vietnam
// (22:30 on the 6th in UTC) is named with the 7th, and sorts after those of earlier versions
// (named in UTC), so that the oldest are the ones pruned.
func TestBackupsAreNamedWithTheOfficesDate(t *testing.T) {
	b := newBackupDesk(t)
	dir := t.TempDir()
	old := filepath.Join(dir, "bhxh-01001-20261206T150000.000Z.bak") // an earlier version's, 22:00 in Vietnam
	require.NoError(t, os.WriteFile(old, []byte("x"), 0o600))
	at := time.Date(2026, 12, 7, 5, 30, 0, 0, calendar.VN)
	b.Continuity.Names = func() time.Time { return at }
	path, err := b.Continuity.BackupTo(dir, 1)
	require.NoError(t, err)
	assert.Equal(t, "bhxh-01001-20261207T053000.000+07.bak", filepath.Base(path))
	assert.NoFileExists(t, old, "keeping one: the earlier version's backup is the older and goes")
	assert.FileExists(t, path)
}

// TestAStoppedBackupLeavesNothing: a backup tells how many bytes it has written, of about how
// many; stopped half-way it ends with "stopped" and leaves no file, whole or partial, in the
// folder; the next one completes.
func TestAStoppedBackupLeavesNothing(t *testing.T) {
	b := newBackupDesk(t)
	dir := t.TempDir()
	var steps [][2]int64
	var p *app.Progress
	p = app.NewProgress(0, func(done, total int64) {
		steps = append(steps, [2]int64{done, total})
		p.Stop()
	})
	_, err := b.Continuity.BackupToProgress(dir, 3, p)
	assert.ErrorIs(t, err, app.ErrStopped)
	require.NotEmpty(t, steps)
	assert.Positive(t, steps[0][0])
	assert.Greater(t, steps[0][1], steps[0][0], "an estimate of the whole")
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "no backup and no temporary file")

	var last [2]int64
	path, err := b.Continuity.BackupToProgress(dir, 3, app.NewProgress(0, func(done, total int64) { last = [2]int64{done, total} }))
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fi.Size(), last[0], "every byte counted")
}

// TestLeftoversOfAnInterruptedRunAreSwept: a backup killed half-way leaves its hidden
// temporary file, and a desk that did not end normally its private PDF folder (personal data);
// the next backup removes the first once it is stale, and the next start the second — never
// a recent one, which may be another desk's at work.
func TestLeftoversOfAnInterruptedRunAreSwept(t *testing.T) {
	b := newBackupDesk(t)
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, ".bhxh-123.tmp"), filepath.Join(dir, ".bhxh-456.tmp")
	require.NoError(t, os.WriteFile(old, []byte("half a backup"), 0o600))
	require.NoError(t, os.WriteFile(fresh, []byte("being written"), 0o600))
	long := time.Now().Add(-3 * time.Hour)
	require.NoError(t, os.Chtimes(old, long, long))
	_, err := b.Continuity.BackupTo(dir, 3)
	require.NoError(t, err)
	assert.NoFileExists(t, old)
	assert.FileExists(t, fresh, "a temporary file written now may be another backup's")

	root := t.TempDir()
	stale, open := filepath.Join(root, "bhxh-desk-111"), filepath.Join(root, "bhxh-desk-222")
	for _, d := range []string{stale, open, filepath.Join(root, "other-program")} {
		require.NoError(t, os.MkdirAll(d, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(d, "bhxh-1-bia-so.pdf"), []byte("%PDF-"), 0o600))
	}
	require.NoError(t, os.Chtimes(stale, long.Add(-24*time.Hour), long.Add(-24*time.Hour)))
	assert.Equal(t, 1, desk.SweepTemps(root, 12*time.Hour, time.Now()))
	assert.NoDirExists(t, stale)
	assert.DirExists(t, open)
	assert.DirExists(t, filepath.Join(root, "other-program"))
}

// TestACopiedDataFolderTakesItsOwnDeviceCode: the data folder copied to another place (a new
// PC, a USB stick) opens with a device code of its own, so the copy and the original never
// give two citizens the same dossier code; the original keeps its code; the change is audited
// and left as a notice.
func TestACopiedDataFolderTakesItsOwnDeviceCode(t *testing.T) {
	b := newBackupDesk(t)
	first := b.register(t, fake.New(61, backupRef.Places), 1)[0]
	require.NoError(t, b.Close())
	copyDir := filepath.Join(t.TempDir(), "ban-sao")
	require.NoError(t, os.CopyFS(copyDir, os.DirFS(b.cfg.Dir)))

	cfg := b.cfg
	cfg.Dir = copyDir
	c, sess, err := desk.Open(cfg, backupRef, "truongphong", bpass)
	require.NoError(t, err)
	defer c.Close()
	assert.NotEqual(t, "K7", sess.Office.Device)
	assert.True(t, strings.HasPrefix(sess.Office.Device, "K7"), sess.Office.Device)
	notices, err := c.Sync.Notices(sess, false)
	require.NoError(t, err)
	require.Len(t, notices, 1)
	assert.Equal(t, "device_moved", notices[0].Kind)

	orig, osess, err := desk.Open(b.cfg, backupRef, "truongphong", bpass)
	require.NoError(t, err)
	defer orig.Close()
	assert.Equal(t, "K7", osess.Office.Device, "the original keeps its code")
	f := fake.New(62, backupRef.Places).Form()
	f.Method, f.SupportGroup, f.Income, f.Ethnicity = "monthly", "other", "1500000", "01"
	sess.Idle = -1
	res, err := c.Intake.Register(sess, intake.RegisterRequest{Form: f, NotDuplicate: true})
	require.NoError(t, err)
	assert.NotEqual(
		t,
		first.Code[:len(first.Code)-4],
		res.Dossier.Code[:len(res.Dossier.Code)-4],
		"another code prefix: %s, %s",
		first.Code,
		res.Dossier.Code,
	)
}

// TestOneClientPerEnrolment: every round of an enrolment reuses one client (and its
// connections); a new address or token gets a new one.
func TestOneClientPerEnrolment(t *testing.T) {
	b := newBackupDesk(t)
	a1, err := b.Client("http://127.0.0.1:1", "token-1")
	require.NoError(t, err)
	a2, err := b.Client("http://127.0.0.1:1", "token-1")
	require.NoError(t, err)
	assert.Same(t, a1, a2)
	other, err := b.Client("http://127.0.0.1:1", "token-2")
	require.NoError(t, err)
	assert.NotSame(t, a1, other, "a new token, a new client")
}
