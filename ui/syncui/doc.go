// Package syncui is the sync screens of the desk: the status bar on every signed-in screen, the
// sync page (enrolment, what waits, notices a person must decide) and a dossier's sync panel.
//
// It reaches the office through its own narrow Office interface and the office-side sync
// service; it may import app, the services, ui/kit and ui/widgets, never another feature
// package.
package syncui
