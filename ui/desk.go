// Package ui holds the Fyne screens of the desk program. Screens are small structs holding their
// widgets; they talk to the app package only (no store, no network) and take every user-facing
// text from the translation catalogue, so the language can change while the program runs.
package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// Config is what the screens need. Zero Now means time.Now; zero Lang means Vietnamese.
type Config struct {
	Rules     *app.Rules
	Places    *app.Places
	Catalog   *app.Catalog
	Calendars *calendar.Book
	Now       func() time.Time
	Lang      app.Lang
	// OnLanguage is called after the user switches language (main stores the preference).
	OnLanguage func(app.Lang)
}

// Desk is the main window's content: a header with the title and the language switch, and the
// current screen. Switching language rebuilds the screens from their kept state.
type Desk struct {
	cfg     Config
	root    *fyne.Container
	quote   *QuoteScreen
	onTitle func(string)
}

// NewDesk builds the desk. onTitle (may be nil) receives the window title in the current language.
func NewDesk(cfg Config, onTitle func(string)) *Desk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Lang == "" {
		cfg.Lang = app.VI
	}
	d := &Desk{cfg: cfg, root: container.NewStack(), onTitle: onTitle}
	d.quote = NewQuoteScreen(&d.cfg, QuoteState{})
	d.paint()
	return d
}

// Content is the object to put in the window.
func (d *Desk) Content() fyne.CanvasObject { return d.root }

// Quote is the quote screen (for tests and keyboard shortcuts).
func (d *Desk) Quote() *QuoteScreen { return d.quote }

// Lang is the current language.
func (d *Desk) Lang() app.Lang { return d.cfg.Lang }

// SetLang switches the language of every screen, keeping what the user typed.
func (d *Desk) SetLang(l app.Lang) {
	if l == d.cfg.Lang {
		return
	}
	d.cfg.Lang = l
	d.quote = NewQuoteScreen(&d.cfg, d.quote.State())
	d.paint()
	if d.cfg.OnLanguage != nil {
		d.cfg.OnLanguage(l)
	}
}

func (d *Desk) t(key string, args ...string) string { return d.cfg.Catalog.T(d.cfg.Lang, key, args...) }

func (d *Desk) paint() {
	names := make([]string, len(app.Langs))
	for i, l := range app.Langs {
		names[i] = d.t("lang." + string(l))
	}
	lang := widget.NewSelect(names, nil)
	for i, l := range app.Langs {
		if l == d.cfg.Lang {
			lang.SetSelectedIndex(i)
		}
	}
	lang.OnChanged = func(string) { d.SetLang(app.Langs[lang.SelectedIndex()]) }
	title := widget.NewLabelWithStyle(d.t("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.DocumentIcon()), title),
		container.NewHBox(widget.NewLabel(d.t("app.language")), lang))
	d.root.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, d.quote.Content())}
	d.root.Refresh()
	if d.onTitle != nil {
		d.onTitle(d.t("app.title"))
	}
}
