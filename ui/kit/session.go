package kit

import (
	"errors"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/officesync"
	"bhxhdesk/records"
	"bhxhdesk/ui/widgets"
)

// Host is what every screen needs of whatever shows it: the configuration (language,
// catalogue, reference data), a way to run work off the UI thread, the window for dialogs and
// a way to ask where to save a file.
type Host struct {
	Cfg *Settings
	// Run does work in a goroutine, then paint on the UI thread.
	Run    func(work, paint func())
	Window func() fyne.Window
	SaveAs func(name string, done func(io.WriteCloser, error))
	// OpenFileFn asks which file to open (Config.OpenFile, or Fyne's dialog).
	OpenFileFn func(extensions []string, done func(r io.ReadCloser, name string, err error))
	// OpenFolder asks for a folder (Config.OpenFolder, or Fyne's dialog).
	OpenFolder func(done func(path string, err error))
	// OnDialog learns how a dialog shown closes (Escape with nothing focused).
	OnDialog func(pop fyne.CanvasObject, cancel func())
}

func (h *Host) T(key string, args ...string) string { return h.Cfg.Catalog.T(h.Cfg.Lang, key, args...) }

// Name is a code in words: the catalogue's prefix+code text, or the code itself when the
// catalogue has none (a kind or reason from a newer centre).
func (h *Host) Name(prefix, code string, args ...string) string {
	if h.Cfg.Catalog.Has(prefix + code) {
		return h.T(prefix+code, args...)
	}
	return code
}

// Msg is an error in words for the officer, in the current language.
func (h *Host) Msg(err error) string { return h.Cfg.Message(err) }

// modal shows a dialog over the window: a title above body, width wide. It returns the pop-up
// to hide, nil when there is no window. (Fyne's dialog package needs a module this build does
// not pin, so dialogs are modal pop-ups.)
func (h *Host) modal(title string, body fyne.CanvasObject, width float32) *widget.PopUp {
	w := h.Window()
	if w == nil {
		return nil
	}
	content := container.NewVBox(widgets.Heading(title), widget.NewSeparator(), body)
	pop := widget.NewModalPopUp(container.New(widgets.MinWidth{Width: width}, container.NewPadded(content)), w.Canvas())
	widgets.PrepareTree(pop)
	pop.Show()
	return pop
}

// Alert shows a message in a dialog with an OK button.
func (h *Host) Alert(text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	var pop *widget.PopUp
	var prev fyne.Focusable
	if w := h.Window(); w != nil {
		prev = w.Canvas().Focused()
	}
	hide := func() {
		if pop != nil {
			pop.Hide()
		}
		if w := h.Window(); w != nil && prev != nil {
			w.Canvas().Focus(prev) // back where the officer was typing
		}
	}
	ok := widgets.NewKeyButton(h.T("ui.ok"), theme.ConfirmIcon(), hide)
	pop = h.Dialog(h.T("ui.notice"), container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), ok)), 480, hide)
	if w := h.Window(); w != nil && pop != nil {
		w.Canvas().Focus(ok)
	}
}

// Session is what the signed-in screens use: the intake service and the officer's session,
// and how their host shows the unlock overlay and opens a dossier.
type Session struct {
	*Host
	Intake   *intake.Service
	Sess     *app.Session
	OnLocked func()
	Open     func(code string)
	// Drafts keeps the registration form in progress in the store (nil for a role that does
	// not register).
	Drafts *draftKeeper
	// Saved follows work that added operations to the outbox (a registration, an action, a
	// voucher, a cover): the engine is asked for a round and the status bar counts them.
	Saved func()
	// ReceivedOn lists the dossiers received on a day in every state (Office.ReceivedOn; nil
	// without an office: the queue then lists the pending ones).
	ReceivedOn func(day calendar.Date) ([]app.Summary, error)
}

// Can reports whether the signed-in role holds p.
func (s *Session) Can(p app.Permission) bool { return s.Sess.User.Role.Can(p) }

// Message is an error in words; a session that locked while idle also brings up the unlock
// overlay.
func (s *Session) Message(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == app.CodeSessionLocked && s.OnLocked != nil {
		s.OnLocked()
	}
	return s.Msg(err)
}

// Touch records the officer's activity (typing counts), so an officer filling in a long form
// is not locked out.
func (s *Session) Touch() { s.Sess.Touch() }

// StepName is the name of a step of the office's workflow, in the current language.
func (s *Session) StepName(id string) string {
	for _, st := range s.Intake.Ref.Get().Workflows.ForOffice(s.Sess.Office).Steps {
		if st.ID == id {
			return st.Name(s.Cfg.Lang)
		}
	}
	return id
}

// Dialog shows a modal dialog (host.modal) whose buttons and fields close it with cancel on
// Escape. It returns the pop-up, nil when there is no window.
func (h *Host) Dialog(title string, body fyne.CanvasObject, width float32, cancel func()) *widget.PopUp {
	widgets.SetEscape(body, cancel)
	pop := h.modal(title, body, width)
	if pop != nil && h.OnDialog != nil {
		h.OnDialog(pop, cancel)
	}
	return pop
}

// RecSession is what the records and sync screens use beyond the intake session: the records
// and sync services of the open store, and how the desk moves between screens.
type RecSession struct {
	*Session
	Records *records.Service
	Sync    *officesync.Service
	// OpenBook shows a person's electronic book; openVoucher the voucher form filled in with in.
	OpenBook    func(pid string)
	OpenVoucher func(in app.VoucherInput)
	// OpenFile asks for a file to open (Config.OpenFile); openPDF hands a PDF to the system's
	// viewer.
	OpenFile func(extensions []string, done func(r io.ReadCloser, name string, err error))
	OpenPDF  func(name string, pdf []byte) error
}
