package ui

import (
	"io"
	"net/url"
	"time"

	"fyne.io/fyne/v2"

	"bhxhdesk/app"
	"bhxhdesk/catalog"
	"bhxhdesk/refdata"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// Config is what the screens need. Zero Now means time.Now; zero Lang means Vietnamese.
type Config struct {
	// Ref is the reference data in force: rules and calendars change when a sync brings a
	// file from the centre, so screens read them through Settings.Rules() and Settings.Calendars() at each use.
	Ref *refdata.Source
	// Places and Catalog are the code lists and the texts, which the centre does not change.
	Places  *app.Places
	Catalog *catalog.Catalog
	Now     func() time.Time
	Lang    app.Lang
	// OnLanguage is called after the user switches language (main stores the preference).
	OnLanguage func(app.Lang)
	// Office is the office's encrypted store. Nil runs the desk as the quote screen alone,
	// with no sign-in and no personal data.
	Office Office
	// SaveAs asks where to save a file, suggesting name, and calls done with an open writer
	// (closed by the caller), or with a nil writer when the user cancelled. Nil means Fyne's
	// file dialog, starting in SaveDir.
	SaveAs func(name string, done func(w io.WriteCloser, err error))
	// OpenFile asks which file to open, offering the extensions given (".csv"), and calls done
	// with it open (closed by the caller) and its name, or with a nil reader when the user
	// cancelled. Nil means Fyne's file dialog, starting in SaveDir.
	OpenFile func(extensions []string, done func(r io.ReadCloser, name string, err error))
	// OpenFolder asks for a folder and calls done with its path, or "" when the user cancelled.
	// Nil means Fyne's folder dialog, starting in SaveDir.
	OpenFolder func(done func(path string, err error))
	// SaveDir is the folder the file dialogs propose (the user's home when empty).
	SaveDir string
	// RenderPDF renders the first pages of a printed PDF as PNG images for a preview; nil (or
	// an error) opens the PDF in the system's viewer instead.
	RenderPDF func(pdf []byte) ([][]byte, error)
	// OpenURL hands a file to the system (the PDF viewer): the Fyne app's OpenURL when nil.
	OpenURL func(*url.URL) error
	// TempDir is where PDFs handed to the system's viewer are written (os.TempDir when empty);
	// the desk removes them at sign-out.
	TempDir string
	// OnSignedIn is called after an officer signs in (main starts the sync engine).
	OnSignedIn func()
	// Appearance is the light or dark look and the text size; OnAppearance is called after the
	// user changes them in the settings (main stores the preference).
	Appearance   Appearance
	OnAppearance func(Appearance)
	// OnMenu receives the main menu, whose items carry the keyboard shortcuts, each time it
	// changes (language, role): main puts it on the window. Fyne runs a main menu's shortcuts
	// whatever has the focus, so Ctrl+S saves while the cursor is in a form.
	OnMenu func(*fyne.MainMenu)
	// OnBackups is called after an officer signs in, to start the automatic backup of the
	// open store (main calls desk.Office.RunBackups; Office.Close makes the last backup).
	OnBackups func()
	// StartNotice, when set, is shown once the window is up (the program was started again
	// after an unexpected error).
	StartNotice string
	// LogPath is the desk's log file, named in the message of an unexpected error; OnInternal
	// receives such an error's detail for the log. Both may be empty.
	LogPath    string
	OnInternal func(error)
	// Do runs a function on the UI thread: fyne.Do when nil. Fyne's test driver runs fyne.Do
	// on the calling goroutine, so tests queue the calls and run them on the test's goroutine,
	// as a UI thread would.
	Do func(func())
	// OnProgress is told of each step of long work shown with a progress dialog, on the
	// working goroutine before the dialog paints the step (tests use it to act at a known
	// point of the work; it must not touch widgets while the UI thread runs).
	OnProgress func(pv *kit.ProgressView, done, total int64)
}

// settings is the part of the configuration the screens see.
func (c *Config) settings() *kit.Settings {
	return &kit.Settings{Ref: c.Ref, Places: c.Places, Catalog: c.Catalog, Now: c.Now, Lang: c.Lang, RenderPDF: c.RenderPDF,
		LogPath: c.LogPath, OnInternal: c.OnInternal, Do: c.Do, OnProgress: c.OnProgress}
}

// Appearance is the light or dark look and the text size (see Appearance).
type Appearance = widgets.Appearance
