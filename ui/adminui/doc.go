// Package adminui is the administration screens of the desk: accounts, display and language,
// the office's workflow adjustment, the rules in force, backups, and the duties for personal
// data (access log, export, purge, breach report).
//
// It reaches the office through its own narrow Office interface; it may import app, the
// services, ui/kit and ui/widgets, never another feature package.
package adminui
