package desk

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/refdata"
	"bhxhdesk/storage"
)

// SetAside moves a damaged store's folder out of the way, to <dir>.damaged-<UTC time> beside
// it, and returns the new path: nothing is deleted, a specialist may still read it, and the
// data folder is free for a restore or a re-download.
func SetAside(dir string, now time.Time) (string, error) {
	if _, err := os.Stat(dir); err != nil {
		return "", &app.Error{Kind: app.NotFound, Code: app.CodeStoreMissing, Args: map[string]string{"dir": dir}, Err: err}
	}
	to := strings.TrimRight(dir, string(os.PathSeparator)) + ".damaged-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(dir, to); err != nil {
		return "", &app.Error{Kind: app.Unavailable, Code: app.CodeSetAsideFailed, Args: map[string]string{"dir": dir}, Err: err}
	}
	return to, nil
}

// Redownload makes a new store for an office whose store was lost or damaged: the first-run
// set-up with the office's profile and an administrator, the device's enrolment with the
// centre (URL and token from `centrald enroll`), then everything the centre holds for the office
// taken back (Sync.Redownload, as `bhxh sync --redownload` does). It returns the open desk, the
// administrator's session, the new recovery secret and how many records came back. If the
// centre cannot be reached the new store is removed again, so the officer can retry.
func Redownload(
	ctx context.Context,
	cfg storage.Config,
	ref *assets.Reference,
	o app.Office,
	admin app.User,
	password, url, token string,
) (*Desk, *app.Session, string, int, error) {
	return redownload(ctx, cfg, source(ref, cfg), o, admin, password, url, token)
}

func redownload(
	ctx context.Context,
	cfg storage.Config,
	src *refdata.Source,
	o app.Office,
	admin app.User,
	password, url, token string,
) (*Desk, *app.Session, string, int, error) {
	d, secret, err := initDesk(cfg, src, o, admin, password)
	if err != nil {
		return nil, nil, "", 0, err
	}
	undo := func(err error) (*Desk, *app.Session, string, int, error) {
		_ = d.Close()
		_ = storage.Remove(cfg.Dir)
		return nil, nil, "", 0, err
	}
	sess, err := d.Intake.Login(admin.Name, password)
	if err != nil {
		return undo(err)
	}
	if err := d.Sync.SetCentral(sess, url, token); err != nil {
		return undo(err)
	}
	remote, err := d.Client(url, token)
	if err != nil {
		return undo(
			&app.Error{Kind: app.Invalid, Code: app.CodeBadCentralUrl, Field: "central_url", Args: map[string]string{"value": url}, Err: err},
		)
	}
	data, err := remote.OfficeState(ctx)
	if err != nil {
		return undo(fmt.Errorf("office state: %w", err))
	}
	added, err := d.Sync.Redownload(sess, data)
	if err != nil {
		return undo(err)
	}
	return d, sess, secret, added, nil
}
