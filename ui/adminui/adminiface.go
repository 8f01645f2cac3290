package adminui

import (
	"time"

	"bhxhdesk/app"
	"bhxhdesk/privacy"
	"bhxhdesk/ui/kit"
)

// adminOffice is what the administration screens need of the office: the automatic backup's
// settings, a backup now, and the data-protection service.
type Office interface {
	BackupSettings() (dir string, keep int, every time.Duration, err error)
	SetBackupSettings(sess *app.Session, dir string, keep, hours int) error
	BackupNow(sess *app.Session, p *app.Progress) (string, error)
	// Privacy is the data-protection service of the open store (nil while closed).
	Privacy() *privacy.Service
}

// adminSession is what the administration screens use: the session and the admin office.
type Session struct {
	*kit.RecSession
	Office Office
}
