// Package continuity keeps an office's work safe from the loss of its machine (DOMAIN §9):
// backups of the encrypted store to a folder (a USB drive) on a schedule and on request, named
// so an officer can read them, pruned to the newest few, each recorded in the audit log.
// Restoring from a backup creates a new store, which is the composition's work (desk).
//
// It may import app; it reaches the store through its own Store and Tx (app.TxStore) and the
// two small interfaces below, and must not import storage, central, desk or ui.
package continuity

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
)

// staleTemp is the age after which a backup's temporary file is left over from a program that
// ended half-way, not one being written.
const staleTemp = time.Hour

// Snapshot is the store's side of a backup (storage.DB): a consistent copy of the whole
// encrypted store written to w, and an estimate of its size for the progress shown.
type Snapshot interface {
	Backup(w io.Writer) error
	SizeEstimate() int64
}

// Files writes a file durably and whole or not at all (storage.CreateFileAtomic).
type Files interface {
	CreateFileAtomic(path string, write func(io.Writer) error) error
}

// Service is the office's backups.
type Service struct {
	Store    Store
	Snapshot Snapshot
	Files    Files
	// Names is the clock backups are named after; nil is the wall clock (not the store's: two
	// backups in the same millisecond of a frozen test clock would take the same name).
	Names app.Clock
}

// Settings of the automatic backup, kept in the store (administrators change them).
const (
	SettingBackupDir   = "backup/dir"   // the folder backups go to, e.g. a USB drive
	SettingBackupKeep  = "backup/keep"  // how many backups to keep (default 7)
	SettingBackupEvery = "backup/every" // hours between backups (default 4)
)

// backupPrefix starts every backup file name: bhxh-<agency>-<Vietnam time>+07.bak (the date an
// officer reads in the name is the office's; names still sort by time, after those of earlier
// versions, which carried the UTC time and "Z").
const backupPrefix = "bhxh-"

// BackupTo writes a backup of the store into dir as a new file (through a temporary file, so
// a full disk or a pulled USB drive never leaves half a backup under a backup's name) and keeps
// only the newest keep backups of this office there. It returns the file's path.
func (s *Service) BackupTo(dir string, keep int) (string, error) {
	return s.BackupToProgress(dir, keep, nil)
}

// BackupToProgress is BackupTo telling p of the bytes written (of the store's estimated size);
// when p is stopped the backup ends and its temporary file is removed: nothing is lost.
func (s *Service) BackupToProgress(dir string, keep int, p *app.Progress) (string, error) {
	if keep <= 0 {
		keep = 7
	}
	var o app.Office
	if err := s.Store.View(func(tx Tx) (err error) { o, _, err = tx.Office(); return err }); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", &app.Error{Kind: app.Unavailable, Code: app.CodeBackupFolder, Args: map[string]string{"dir": dir}, Err: err}
	}
	name := fmt.Sprintf("%s%s-%s+07.bak", backupPrefix, o.Agency, s.Names.Time().In(calendar.VN).Format("20060102T150405.000"))
	path := filepath.Join(dir, name)
	if err := s.writeBackup(path, "system", p); err != nil {
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
func (s *Service) BackupFile(sess *app.Session, path string) error {
	if err := MayBackup(sess); err != nil {
		return err
	}
	return s.writeBackup(path, sess.User.Name, nil)
}

// writeBackup writes a backup to path through a temporary file beside it, so a full disk or a
// pulled USB drive never leaves half a backup under a backup's name, and records it.
func (s *Service) writeBackup(path, who string, p *app.Progress) error {
	err := s.Files.CreateFileAtomic(path, func(w io.Writer) error {
		err := s.Snapshot.Backup(&progressWriter{w: w, p: p, total: s.Snapshot.SizeEstimate()})
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
		return &app.Error{Kind: app.Unavailable, Code: app.CodeBackupFolder, Args: map[string]string{"dir": filepath.Dir(path)}, Err: err}
	}
	return s.Store.Update(func(tx Tx) error {
		return tx.Audit(app.AuditEntry{User: who, Action: "store.backup", Detail: filepath.Base(path)})
	})
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

// Settings reads the automatic backup's folder, count and interval (zero values when
// unset: no automatic backup).
func (s *Service) Settings() (dir string, keep int, every time.Duration, err error) {
	err = s.Store.View(func(tx Tx) error {
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

// SetSettings stores the automatic backup's folder, count and interval in hours;
// administrators only.
func (s *Service) SetSettings(sess *app.Session, dir string, keep, hours int) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	if keep < 1 || keep > 100 || hours < 1 || hours > 24*7 {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadBackupSettings, Field: "backup"}
	}
	return s.Store.Update(func(tx Tx) error {
		settings := map[string]string{SettingBackupDir: dir, SettingBackupKeep: strconv.Itoa(keep), SettingBackupEvery: strconv.Itoa(hours)}
		for name, v := range settings {
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
func (s *Service) RunBackups(ctx context.Context, report func(path string, err error)) {
	once := func() {
		dir, keep, _, err := s.Settings()
		if err != nil || dir == "" {
			return
		}
		path, err := s.BackupTo(dir, keep)
		if report != nil {
			report(path, err)
		}
	}
	for {
		_, _, every, _ := s.Settings()
		select {
		case <-ctx.Done():
			once()
			return
		case <-time.After(every):
			once()
		}
	}
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

// settingRestored records when this store was restored from a backup.
const settingRestored = "restore/at"

// NoteRestore records in a store just restored from a backup that it was (by who: an account,
// or "recovery" for the recovery secret), at what time and where (here: the machine and folder,
// app.SettingOrigin), and gives the desk a new device code — device, or the next one after the
// backup's: dossier codes handed out after the backup was made must not be handed out again.
// The first sync then reconciles the outbox with the centre (app.SettingReconcile).
func (s *Service) NoteRestore(who, device, here string, now time.Time) error {
	return s.Store.Update(func(tx Tx) error {
		o, _, err := tx.Office()
		if err != nil {
			return err
		}
		prev := o.Device
		if device == "" {
			device = nextDevice(prev)
		}
		o.Device = strings.ToUpper(device)
		if err := tx.PutOffice(o); err != nil {
			return err
		}
		if err := tx.PutSetting(settingRestored, []byte(now.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingReconcile, []byte("1")); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingOrigin, []byte(here)); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: who, Action: "store.restore", Detail: "device " + prev + "→" + o.Device})
	})
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
