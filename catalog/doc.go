// Package catalog holds every user-facing text in every language (assets/i18n/*.json) and puts
// the domain's errors and problems into words: the templates are keyed by error codes
// (app/codes.go) and filled from an error's arguments, in Vietnamese first and English.
//
// It may import app (the languages, the error and problem types); the screens, the documents,
// the command line and the centre use it.
package catalog
