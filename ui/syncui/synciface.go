package syncui

import (
	"bhxhdesk/app"
	"bhxhdesk/ui/kit"
)

// syncOffice is what the sync screens need of the office: enrolment with the centre.
type Office interface {
	// Enrol checks an address and an enrolment token with the central services and keeps them.
	Enrol(sess *app.Session, url, token string) error
}

// syncSession is what the sync screens use: the session and the sync office.
type Session struct {
	*kit.RecSession
	Office Office
}
