package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/storage"
	"bhxhdesk/ui"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/kit"
)

// backups lists the backup files in a folder.
func backups(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "bhxh-*.bak"))
	require.NoError(t, err)
	return files
}

// TestBackupSettingsThenRestoreOnANewMachineThenADamagedStore follows the continuity of an
// office from the desk: the administrator sets the automatic backup (folder, copies, hours) and
// backs up now; the program's last backup at exit lands beside it; a new machine restores the
// backup from its first-run screen and signs in to the same dossiers; when that store is later
// damaged, signing in shows what happened instead of failing, the damaged store is moved aside
// and the backup restored again.
func TestBackupSettingsThenRestoreOnANewMachineThenADamagedStore(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 101)
	folder := t.TempDir()

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "admin")
	a := setTheAutomaticBackup(t, d, o, folder)
	seen := &progressSeen{}
	d.onProgress = seen.follow
	test.Tap(a.BackupNow)
	d.Wait()
	require.Len(t, backups(t, folder), 1, a.Status.Text)
	assert.Equal(t, "Đã sao lưu: "+backups(t, folder)[0], a.Status.Text)
	fi, err := os.Stat(backups(t, folder)[0])
	require.NoError(t, err)
	require.NotNil(t, seen.pv, "a backup shows its progress")
	assert.Equal(t, fi.Size(), seen.last[0], "every byte written counted")
	assert.NotNil(t, seen.pv.Stop, "a backup can stop: its partial file is removed")
	d.onProgress = nil

	// The automatic backup makes its last copy when the store closes (sign-out, exit).
	// Backup names carry the time to the millisecond: the next one is a second later.
	next := time.Now().Add(time.Second)
	o.BackupNames = func() time.Time { return next }
	o.RunBackups(context.Background(), nil)
	d.signOut(t)
	require.Len(t, backups(t, folder), 2, "the last backup at sign-out")
	file := backups(t, folder)[1]

	d2, dir := restoreOnANewMachine(t, c, file, dos, seen)
	recoverTheDamagedStore(t, d2, dir, file)
}

// progressSeen keeps the last step of the progress shown (Config.OnProgress).
type progressSeen struct {
	mu   sync.Mutex
	pv   *kit.ProgressView
	last [2]int64
}

func (p *progressSeen) follow(pv *kit.ProgressView, done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pv, p.last = pv, [2]int64{done, total}
}

// setTheAutomaticBackup has the administrator read the shortcuts on the display tab, then set
// the automatic backup (folder, copies, hours) with its problems shown first; it returns the
// settings page on the backup tab.
func setTheAutomaticBackup(t *testing.T, d *recDesk, o *desk.Office, folder string) *adminui.AdminScreen {
	d.open(t, ui.PageAdmin)
	a := d.Admin()
	a.Show(adminui.TabDisplay)
	d.Wait()
	keys := strings.Join(visibleTexts(a.Tabs), "\n")
	for _, k := range []string{"Ctrl+Shift+L — Đăng xuất", "Ctrl+Q — Thoát", "Esc — đóng hộp thoại"} {
		assert.Contains(t, keys, k, "the shortcuts list names every shortcut")
	}
	a.Show(adminui.TabBackup)
	d.Wait()
	assert.Equal(t, "7", a.BackupKeep.Text, "the defaults")
	assert.Equal(t, "4", a.BackupHrs.Text)
	replace(a.BackupKeep, "0")
	test.Tap(a.SaveBackup)
	d.Wait()
	assert.Equal(t, "Thư mục sao lưu: bắt buộc phải nhập.", a.Msg("backup_dir"))
	assert.Equal(t, "Số bản giữ lại: phải là số từ 1 đến 100.", a.Msg("backup_keep"))
	test.Type(a.BackupDir, folder)
	replace(a.BackupKeep, "3")
	replace(a.BackupHrs, "2")
	d.press(t, ui.ShortcutSave)
	a.Status.SetText("")
	a.Status.Hide()
	relayout(d.win.Content())
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(a.BackupNow)
	d.press(t, ui.ShortcutSave) // saved again: the outcome shows
	relayout(d.win.Content())
	assert.Equal(t, at, fyne.CurrentApp().Driver().AbsolutePositionForObject(a.BackupNow),
		"the outcome shows under the buttons: «Sao lưu ngay» stays under the pointer")
	assert.Equal(t, "Đã lưu: sao lưu vào "+folder+", giữ 3 bản, mỗi 2 giờ.", a.Status.Text)
	dir, keep, every, err := o.BackupSettings()
	require.NoError(t, err)
	assert.Equal(t, folder, dir)
	assert.Equal(t, 3, keep)
	assert.Equal(t, 2*time.Hour, every)
	d.shot(t, "admin-backup")
	return a
}

// restoreOnANewMachine restores the backup file from the first-run screen of a new machine,
// refused first without a file and with a wrong password, and signs in to the same dossiers
// (dos is one of them). It returns the new desk, signed out, and its store's folder.
func restoreOnANewMachine(t *testing.T, c *clock, file string, dos app.Dossier, seen *progressSeen) (*recDesk, string) {
	ref := assets.MustLoad()
	cfg := storage.Config{Dir: filepath.Join(t.TempDir(), "bhxh-desk"), KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1},
		Now: c.now, CacheMB: 16}
	o2 := desk.NewOffice(cfg, ref)
	t.Cleanup(func() { assert.NoError(t, o2.Close()) })
	d2 := openRecordsDesk(t, o2, c)
	require.NotNil(t, d2.FirstRun())
	test.Tap(d2.FirstRun().Restore)
	rs := d2.Restore()
	require.NotNil(t, rs)
	test.Tap(rs.Restore)
	d2.Wait()
	assert.Equal(t, "Tệp sao lưu: bắt buộc phải nhập.", rs.Msg("backup_file"))
	d2.file = file
	test.Tap(rs.Choose)
	assert.Equal(t, filepath.Base(file), rs.File.Text)
	test.Type(rs.User, "admin")
	test.Type(rs.Password, "sai mật khẩu rồi")
	test.Tap(rs.Restore)
	d2.Wait()
	assert.Equal(t, "Sai tên đăng nhập hoặc mật khẩu.", rs.Problem.Text)
	assert.False(t, storage.Exists(cfg.Dir), "nothing left behind")
	test.Tap(rs.Choose)
	test.Type(rs.Password, password)
	d2.shot(t, "restore")
	seen.pv = nil
	d2.onProgress = seen.follow
	test.Tap(rs.Restore)
	d2.Wait()
	require.Nil(t, d2.Restore(), rs.Problem.Text)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	require.NotNil(t, seen.pv, "a restore shows its progress")
	assert.Equal(t, [2]int64{fi.Size(), fi.Size()}, seen.last, "the whole file read, of its size")
	assert.Nil(t, seen.pv.Stop, "a restore cannot stop half-way")
	d2.onProgress = nil
	require.NotNil(t, d2.Login())
	assert.Equal(t, "admin", d2.Login().User.Text)
	d2.signIn(t, "canbo")
	in, sess, err := o2.Open("canbo", password)
	require.NoError(t, err)
	sess.Idle = -1
	got, err := in.Dossier(sess, dos.Code)
	require.NoError(t, err)
	assert.Equal(t, dos.Form.FullName, got.Form.FullName, "the restored store has the office's dossiers")
	assert.Equal(t, "K7R", sess.Office.Device, "a restored desk takes a new device code")
	d2.signOut(t)
	return d2, cfg.Dir
}

// recoverTheDamagedStore damages the store in dir: the sign-in says so and offers the ways
// back; the damaged store is moved aside, not deleted, and the backup file restored again,
// refused first with a wrong recovery secret.
func recoverTheDamagedStore(t *testing.T, d2 *recDesk, dir, file string) {
	manifest := filepath.Join(dir, "db", "MANIFEST")
	require.NoError(t, os.WriteFile(manifest, []byte(strings.Repeat("hỏng", 100)), 0o600))
	l := d2.Login()
	test.Type(l.Password, password)
	test.Tap(l.SignIn)
	d2.Wait()
	dm := d2.Damaged()
	require.NotNil(t, dm, "the damaged store gets its own screen: %s", l.Problem.Text)
	assert.Contains(t, dm.Explanation.Text, "không bị xóa")
	d2.shot(t, "damaged")
	test.Tap(dm.RestoreWay)
	d2.Wait()
	matches, err := filepath.Glob(dir + ".damaged-*")
	require.NoError(t, err)
	require.Len(t, matches, 1, "the damaged store is moved aside, not deleted")
	assert.FileExists(t, filepath.Join(matches[0], "db", "MANIFEST"))
	require.NotNil(t, dm.Restore)
	rs := dm.Restore
	d2.file = file
	test.Tap(rs.Choose)
	rs.Mode.SetSelected(rs.Mode.Options[1])
	assert.True(t, rs.User.Disabled(), "the recovery secret needs no user name")
	test.Type(rs.Password, "not the secret")
	test.Tap(rs.Restore)
	d2.Wait()
	assert.NotEmpty(t, rs.Problem.Text, "a wrong recovery secret is refused")
	rs.Mode.SetSelected(rs.Mode.Options[0])
	test.Tap(rs.Choose)
	test.Type(rs.User, "canbo")
	test.Type(rs.Password, password)
	test.Tap(rs.Restore)
	d2.Wait()
	require.Nil(t, d2.Damaged(), rs.Problem.Text)
	d2.signIn(t, "canbo")
	assert.Equal(t, ui.PageHome, d2.Page())
}

// TestDataProtectionReportAndAccessLog: a supervisor makes the breach report and reads one
// person's access log, and the lookup itself is logged.
func TestDataProtectionReportAndAccessLog(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 111)
	registerMonthly(t, o, 112)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "truongphong")
	d.open(t, ui.PagePrivacy)
	p := d.Privacy()
	replace(p.Since, "01/01/2026")
	test.Tap(p.MakeReport)
	d.Wait()
	rep := p.Shown()
	require.NotNil(t, rep, p.Problem.Text)
	assert.Equal(t, 2, rep.People)
	assert.Equal(t, 2, rep.Unsynced)
	assert.True(t, rep.AuditIntact)
	assert.False(t, p.SaveReport.Disabled())
	assert.Contains(t, p.Accounts.Text, "motcua · Bộ phận một cửa")
	assert.Contains(t, p.Accesses.Text, "Tiếp nhận hồ sơ: 2")
	test.Tap(p.SaveReport)
	d.Wait()
	require.Len(t, d.saved, 1)
	assert.True(t, strings.HasPrefix(filepath.Base(d.saved[0]), "bao-cao-du-lieu-"), d.saved[0])
	saved, err := os.ReadFile(d.saved[0])
	require.NoError(t, err)
	assert.Contains(t, string(saved), `"people": 2`)
	assert.NotContains(t, string(saved), dos.Form.PersonalID, "no personal number in the report")

	test.Type(p.PersonID, dos.Form.PersonalID)
	test.Tap(p.Lookup)
	d.Wait()
	require.NotEmpty(t, p.Entries())
	assert.Equal(t, "dossier.create", p.Entries()[0].Action)
	assert.Equal(t, "motcua", p.Entries()[0].User)
	d.shot(t, "privacy")
	priv := o.Privacy()
	_, sup := d.service(t, "truongphong")
	log, err := priv.AccessLog(sup, dos.Form.PersonalID)
	require.NoError(t, err)
	found := false
	for _, e := range log {
		found = found || (e.Action == "audit.access_log" && e.User == "truongphong")
	}
	assert.True(t, found, "the lookup on the screen was logged")

	// The help desk does not see the page; the service refuses anyway.
	d.signOut(t)
	d.signIn(t, "motcua")
	assert.Nil(t, d.Nav(ui.PagePrivacy))
	_, help := d.service(t, "motcua")
	_, err = o.Privacy().Report(help, time.Time{})
	assert.Equal(t, app.Forbidden, app.KindOf(err))
}

// TestAdministratorAdjustsTheWorkflowWhereTheProvinceAllows: the administrator sets the check
// step to 1 day and the finance step to 2 on the workflow tab; a total past the province's 5
// days and a missing basis are refused on the screen; the saved adjustment is what the store
// holds and what the next registration follows; going back to the province's workflow clears
// it. An officer sees the workflow without the controls.
func TestAdministratorAdjustsTheWorkflowWhereTheProvinceAllows(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	d.open(t, ui.PageAdmin)
	d.Admin().Show(adminui.TabWorkflow)
	assert.Nil(t, d.Admin().SaveWorkflow, "an officer only reads the workflow")
	assert.Empty(t, d.Admin().WorkflowDays)
	d.signOut(t)

	d.signIn(t, "admin")
	d.open(t, ui.PageAdmin)
	a := d.Admin()
	a.Show(adminui.TabWorkflow)
	require.Len(t, a.WorkflowDays, 4)
	assert.Equal(t, "2", a.WorkflowDays[0].Selected, "the province's days to start with")
	assert.True(t, a.ResetWorkflow.Disabled(), "nothing to go back from")

	a.WorkflowDays[1].SetSelected("3") // 2 + 3 + 1 + 1 = 7 > 5
	test.Tap(a.SaveWorkflow)
	d.Wait()
	assert.Equal(t, "Lý do: bắt buộc phải nhập.", a.WorkflowMsg("reason"))
	test.Type(a.WorkflowReason, "Quyết định 12/QĐ-BHXH")
	d.press(t, ui.ShortcutSave)
	assert.Equal(t, "Tổng thời hạn 7 ngày làm việc vượt thời hạn của tỉnh (5 ngày).", a.WorkflowMsg(""))

	a.WorkflowDays[0].SetSelected("1")
	a.WorkflowDays[1].SetSelected("2")
	a.WorkflowRoles[3].SetSelected(a.WorkflowRoles[3].Options[1]) // the return step to an officer
	test.Tap(a.SaveWorkflow)
	d.Wait()
	a = d.Admin()
	assert.Equal(t, "Đã lưu. Hồ sơ tiếp nhận từ nay theo thời hạn mới (5 ngày làm việc).", a.WorkflowStatus.Text)
	assert.Equal(t, "1", a.WorkflowDays[0].Selected, "the tab shows what the store now holds")
	assert.False(t, a.ResetWorkflow.Disabled())
	d.shot(t, "admin-workflow")

	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	wf, err := in.OfficeWorkflow(help)
	require.NoError(t, err)
	require.NotNil(t, wf.Adjustment)
	assert.Equal(t, map[string]int{"check": 1, "finance": 2}, wf.Adjustment.Days)
	assert.Equal(t, map[string]app.Role{"return": app.Officer}, wf.Adjustment.Roles)
	assert.Equal(t, "Quyết định 12/QĐ-BHXH", wf.Adjustment.Reason)
	dos := registerMonthly(t, o, 31)
	assert.Equal(t, 1, dos.Steps[0].Days)
	assert.Equal(t, app.Officer, dos.Steps[3].Role)

	test.Type(a.WorkflowReason, "Trở lại quy trình của tỉnh")
	test.Tap(a.ResetWorkflow)
	d.Wait()
	a = d.Admin()
	assert.Equal(t, "Đã trở lại quy trình của tỉnh.", a.WorkflowStatus.Text)
	wf, err = in.OfficeWorkflow(help)
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment)
	assert.Equal(t, "2", a.WorkflowDays[0].Selected)
}

// TestTheRulesPageShowsRatesAsPercentages: the fund's rate reads "0,31% mỗi tháng", never the
// decimal the data holds ("0.0031").
func TestTheRulesPageShowsRatesAsPercentages(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "admin")
	d.open(t, ui.PageAdmin)
	d.Admin().Show(adminui.TabRules)
	d.Wait()
	text := strings.Join(visibleTexts(d.win.Content()), "\n")
	assert.Contains(t, text, "0,31% mỗi tháng")
	assert.NotContains(t, text, "0.0031")
}
