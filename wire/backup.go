package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/storage"
)

// Settings of the automatic backup, kept in the store (administrators change them).
const (
	SettingBackupDir   = "backup/dir"   // the folder backups go to, e.g. a USB drive
	SettingBackupKeep  = "backup/keep"  // how many backups to keep (default 7)
	SettingBackupEvery = "backup/every" // hours between backups (default 4)
	settingRestored    = "restore/at"   // when this store was restored from a backup
)

// backupPrefix starts every backup file name: bhxh-<agency>-<Vietnam time>+07.bak (the date an
// officer reads in the name is the office's; names still sort by time, after those of earlier
// versions, which carried the UTC time and "Z").
const backupPrefix = "bhxh-"

// BackupClock is the time backups are named after: the wall clock (two backups in the same
// millisecond of a test's frozen clock would take the same name). Tests may replace it.
var BackupClock = time.Now

// BackupTo writes a backup of the store into dir as a new file (through a temporary file, so
// a full disk or a pulled USB drive never leaves half a backup under a backup's name) and keeps
// only the newest keep backups of this office there. It returns the file's path.
func (d *Desk) BackupTo(dir string, keep int) (string, error) {
	return d.BackupToProgress(dir, keep, nil)
}

// BackupToProgress is BackupTo telling p of the bytes written (of the store's estimated size);
// when p is stopped the backup ends and its temporary file is removed: nothing is lost.
func (d *Desk) BackupToProgress(dir string, keep int, p *app.Progress) (string, error) {
	if keep <= 0 {
		keep = 7
	}
	o, err := d.Office()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", &app.Error{Kind: app.Unavailable, Code: "backup_folder", Args: map[string]string{"dir": dir}, Err: err}
	}
	name := fmt.Sprintf("%s%s-%s+07.bak", backupPrefix, o.Agency, BackupClock().In(calendar.VN).Format("20060102T150405.000"))
	path := filepath.Join(dir, name)
	if err := d.writeBackup(path, "system", p); err != nil {
		return "", err
	}
	return path, pruneBackups(dir, backupPrefix+o.Agency+"-", keep)
}

// MayBackup says whether the signed-in officer may take a backup: administrators and
// supervisors (whose roles see the audit log), as the desk's settings allow.
func MayBackup(sess *app.Session) error {
	if err := sess.Require(app.PermManageUsers); err != nil && sess.Require(app.PermAudit) != nil {
		return err
	}
	return nil
}

// BackupFile writes a backup of the store to path for the signed-in officer, recorded in the
// audit log under the officer's name.
func (d *Desk) BackupFile(sess *app.Session, path string) error {
	if err := MayBackup(sess); err != nil {
		return err
	}
	return d.writeBackup(path, sess.User.Name, nil)
}

// writeBackup writes a backup to path through a temporary file beside it, so a full disk or a
// pulled USB drive never leaves half a backup under a backup's name, and records it.
func (d *Desk) writeBackup(path, who string, p *app.Progress) error {
	err := storage.CreateFileAtomic(path, func(w io.Writer) error {
		_, err := d.DB.Backup(&progressWriter{w: w, p: p, total: d.DB.SizeEstimate()})
		if err == nil {
			err = stoppedErr(p)
		}
		return err
	})
	if err != nil {
		if errors.Is(err, app.ErrStopped) {
			return app.ErrStopped
		}
		if app.KindOf(err) != app.Internal {
			return err
		}
		return &app.Error{Kind: app.Unavailable, Code: "backup_folder", Args: map[string]string{"dir": filepath.Dir(path)}, Err: err}
	}
	return d.DB.Update(func(tx app.Tx) error {
		return tx.Audit(app.AuditEntry{User: who, Action: "store.backup", Detail: filepath.Base(path)})
	})
}

// staleTemp is the age after which a temporary file of ours is left over from a program that
// ended half-way, not one being written.
const staleTemp = time.Hour

// tempDirPrefix names the private folders the desk hands PDFs to the system's viewer in.
const tempDirPrefix = "bhxh-desk-"

// SweepTemps removes the private PDF folders (tempDirPrefix) in root that a desk which did not
// end normally left behind — they hold personal data — once they are older than maxAge, and
// says how many went.
func SweepTemps(root string, maxAge time.Duration, now time.Time) int {
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempDirPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > maxAge {
			if os.RemoveAll(filepath.Join(root, e.Name())) == nil {
				n++
			}
		}
	}
	return n
}

// pruneBackups removes all but the newest keep backups with the prefix (names sort by time).
func pruneBackups(dir, prefix string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".bak") {
			names = append(names, e.Name())
		}
		// A backup killed half-way (power cut, program ended) leaves its hidden temporary
		// file: gone once it is older than any backup still being written.
		if !e.IsDir() && strings.HasPrefix(e.Name(), ".bhxh-") && strings.HasSuffix(e.Name(), ".tmp") {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(names)
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}

// BackupSettings reads the automatic backup's folder, count and interval (zero values when
// unset: no automatic backup).
func (d *Desk) BackupSettings() (dir string, keep int, every time.Duration, err error) {
	err = d.DB.View(func(tx app.Tx) error {
		get := func(name string) string {
			v, _, _ := tx.Setting(name)
			return string(v)
		}
		dir = get(SettingBackupDir)
		keep, _ = strconv.Atoi(get(SettingBackupKeep))
		h, _ := strconv.Atoi(get(SettingBackupEvery))
		every = time.Duration(h) * time.Hour
		return nil
	})
	if keep <= 0 {
		keep = 7
	}
	if every <= 0 {
		every = 4 * time.Hour
	}
	return dir, keep, every, err
}

// SetBackupSettings stores the automatic backup's folder, count and interval in hours;
// administrators only.
func (d *Desk) SetBackupSettings(sess *app.Session, dir string, keep, hours int) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	if keep < 1 || keep > 100 || hours < 1 || hours > 24*7 {
		return &app.Error{Kind: app.Invalid, Code: "bad_backup_settings", Field: "backup"}
	}
	return d.DB.Update(func(tx app.Tx) error {
		for name, v := range map[string]string{SettingBackupDir: dir, SettingBackupKeep: strconv.Itoa(keep), SettingBackupEvery: strconv.Itoa(hours)} {
			if err := tx.PutSetting(name, []byte(v)); err != nil {
				return err
			}
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "backup.settings", Detail: dir})
	})
}

// RunBackups writes a backup into the configured folder every interval until ctx ends, and
// once more when it ends (the desk closing). report is told of each outcome (nil error on
// success); no folder configured means nothing is done.
func (d *Desk) RunBackups(ctx context.Context, report func(path string, err error)) {
	once := func() {
		dir, keep, _, err := d.BackupSettings()
		if err != nil || dir == "" {
			return
		}
		path, err := d.BackupTo(dir, keep)
		if report != nil {
			report(path, err)
		}
	}
	for {
		_, _, every, _ := d.BackupSettings()
		select {
		case <-ctx.Done():
			once()
			return
		case <-time.After(every):
			once()
		}
	}
}

// Restore recreates an office's store from a backup file in cfg.Dir (which must hold no
// store) with an account's credentials or the recovery secret, and gives the desk a new device
// code: dossier codes handed out after the backup was made must not be handed out again. The
// first sync then asks the centre which pending operations it already has, so nothing is sent
// twice, and brings back the office's work recorded after the backup.
func Restore(cfg storage.Config, ref *assets.Reference, r io.Reader, cred storage.Credentials, device string) (*Desk, error) {
	return restoreDesk(cfg, source(ref, cfg), r, cred, device)
}

func restoreDesk(cfg storage.Config, src *app.RefSource, r io.Reader, cred storage.Credentials, device string) (*Desk, error) {
	cfg = cfg.WithDefaults()
	db, err := storage.Restore(cfg, r, cred)
	if err != nil {
		return nil, err
	}
	d := newDesk(db, src, cfg)
	o, err := d.Office()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if device == "" {
		device = nextDevice(o.Device)
	}
	who := cred.User
	if who == "" {
		who = "recovery"
	}
	err = db.Update(func(tx app.Tx) error {
		prev := o.Device
		o.Device = strings.ToUpper(device)
		if err := tx.PutOffice(o); err != nil {
			return err
		}
		if err := tx.PutSetting(settingRestored, []byte(cfg.Now().UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingReconcile, []byte("1")); err != nil {
			return err
		}
		if err := tx.PutSetting(settingOrigin, []byte(origin(cfg.Dir))); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: who, Action: "store.restore", Detail: "device " + prev + "→" + o.Device})
	})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return d, nil
}

// nextDevice is a new device code after a restore: the last character moves on ("K7" → "K8",
// "K9" → "KA", "KZ" → "K0"), or a character is added while there is room.
func nextDevice(code string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	if len(code) < 4 {
		return code + "R"
	}
	i := strings.IndexByte(alphabet, code[len(code)-1])
	return code[:len(code)-1] + string(alphabet[(i+1)%len(alphabet)])
}

// progressWriter tells p of the bytes written through it, of an estimated total (the count
// never passes 99 % of it before the end), and fails once p is stopped.
type progressWriter struct {
	w     io.Writer
	p     *app.Progress
	n     int64
	total int64
}

func (pw *progressWriter) Write(b []byte) (int, error) {
	if pw.p.Stopped() {
		return 0, app.ErrStopped
	}
	n, err := pw.w.Write(b)
	pw.n += int64(n)
	total := max(pw.total, pw.n*100/99+1)
	pw.p.Step(pw.n, total)
	return n, err
}

// stoppedErr is app.ErrStopped when p was stopped.
func stoppedErr(p *app.Progress) error {
	if p.Stopped() {
		return app.ErrStopped
	}
	return nil
}
