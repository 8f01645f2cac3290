// Package intakeui is the intake screens of the desk (tiếp nhận): the walk-in pre-check, the
// registration form TK1-TS with its live checks, draft and quote, the queue of dossiers, one
// dossier's screen with its workflow actions, the search, the printed quote and the dashboard.
//
// It reaches the office through its own narrow Office interface (and the intake service of the
// session); it may import app, the services, ui/kit and ui/widgets, never another feature
// package: the shell (package ui) joins the features through callbacks.
package intakeui
