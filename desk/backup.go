package desk

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bhxhdesk/assets"
	"bhxhdesk/refdata"
	"bhxhdesk/storage"
)

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

// Restore recreates an office's store from a backup file in cfg.Dir (which must hold no
// store) with an account's credentials or the recovery secret, and gives the desk a new device
// code: dossier codes handed out after the backup was made must not be handed out again. The
// first sync then asks the centre which pending operations it already has, so nothing is sent
// twice, and brings back the office's work recorded after the backup.
func Restore(cfg storage.Config, ref *assets.Reference, r io.Reader, cred storage.Credentials, device string) (*Desk, error) {
	return restoreDesk(cfg, source(ref, cfg), r, cred, device)
}

func restoreDesk(cfg storage.Config, src *refdata.Source, r io.Reader, cred storage.Credentials, device string) (*Desk, error) {
	cfg = cfg.WithDefaults()
	db, err := storage.Restore(cfg, r, cred)
	if err != nil {
		return nil, err
	}
	d := newDesk(db, src, cfg)
	who := cred.User
	if who == "" {
		who = "recovery"
	}
	err = d.Continuity.NoteRestore(who, device, origin(cfg.Dir), cfg.Now())
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return d, nil
}
