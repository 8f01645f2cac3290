package kit

import (
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/catalog"
	"bhxhdesk/refdata"
)

// Settings is what the screens need of the configuration: the reference data, the texts, the
// clock and the language, how unexpected errors are logged and how work reaches the UI thread.
// The desk keeps one copy and changes its language in place.
type Settings struct {
	Ref        *refdata.Source
	Places     *app.Places
	Catalog    *catalog.Catalog
	Now        func() time.Time
	Lang       app.Lang
	RenderPDF  func(pdf []byte) ([][]byte, error)
	LogPath    string
	OnInternal func(error)
	Do         func(func())
	OnProgress func(pv *ProgressView, done, total int64)
}

// Internal logs an error the officer cannot act on (a draft not written): Config.OnInternal.
func (c *Settings) Internal(err error) {
	if c.OnInternal != nil && err != nil {
		c.OnInternal(err)
	}
}

// Message is an error in words, in the current language. An unexpected error's detail goes to
// the log, and the message says where the log is.
func (c *Settings) Message(err error) string {
	text := c.Catalog.Message(c.Lang, err)
	if app.KindOf(err) != app.Internal {
		return text
	}
	if c.OnInternal != nil {
		c.OnInternal(err)
	}
	if c.LogPath != "" {
		text += " " + c.Catalog.T(c.Lang, "err.internal_log", "path", c.LogPath)
	}
	return text
}

// Rules are the rule tables in force.
func (c *Settings) Rules() *app.Rules { return c.Ref.Get().Rules }

// Calendars are the working-day calendars in force.
func (c *Settings) Calendars() *calendar.Book { return c.Ref.Get().Calendars }

// ProblemText is a problem of a field in words, in the current language.
func (c *Settings) ProblemText(p app.FieldProblem) string { return c.Catalog.Problem(c.Lang, p) }

// ErrorText is an error in words, in the current language (see message).
func (c *Settings) ErrorText(err error) string { return c.Message(err) }
