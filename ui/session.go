package ui

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

// host is what every screen needs of whatever shows it: the configuration (language,
// catalogue, reference data), a way to run work off the UI thread, the window for dialogs and
// a way to ask where to save a file.
type host struct {
	cfg *Settings
	// run does work in a goroutine, then paint on the UI thread.
	run    func(work, paint func())
	window func() fyne.Window
	saveAs func(name string, done func(io.WriteCloser, error))
	// openFileFn asks which file to open (Config.OpenFile, or Fyne's dialog).
	openFileFn func(extensions []string, done func(r io.ReadCloser, name string, err error))
	// openFolder asks for a folder (Config.OpenFolder, or Fyne's dialog).
	openFolder func(done func(path string, err error))
	// onDialog learns how a dialog shown closes (Escape with nothing focused).
	onDialog func(pop fyne.CanvasObject, cancel func())
}

func (h *host) t(key string, args ...string) string { return h.cfg.Catalog.T(h.cfg.Lang, key, args...) }

// name is a code in words: the catalogue's prefix+code text, or the code itself when the
// catalogue has none (a kind or reason from a newer centre).
func (h *host) name(prefix, code string, args ...string) string {
	if h.cfg.Catalog.Has(prefix + code) {
		return h.t(prefix+code, args...)
	}
	return code
}

// msg is an error in words for the officer, in the current language.
func (h *host) msg(err error) string { return h.cfg.message(err) }

// modal shows a dialog over the window: a title above body, width wide. It returns the pop-up
// to hide, nil when there is no window. (Fyne's dialog package needs a module this build does
// not pin, so dialogs are modal pop-ups.)
func (h *host) modal(title string, body fyne.CanvasObject, width float32) *widget.PopUp {
	w := h.window()
	if w == nil {
		return nil
	}
	content := container.NewVBox(widgets.Heading(title), widget.NewSeparator(), body)
	pop := widget.NewModalPopUp(container.New(widgets.MinWidth{Width: width}, container.NewPadded(content)), w.Canvas())
	widgets.PrepareTree(pop)
	pop.Show()
	return pop
}

// alert shows a message in a dialog with an OK button.
func (h *host) alert(text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	var pop *widget.PopUp
	var prev fyne.Focusable
	if w := h.window(); w != nil {
		prev = w.Canvas().Focused()
	}
	hide := func() {
		if pop != nil {
			pop.Hide()
		}
		if w := h.window(); w != nil && prev != nil {
			w.Canvas().Focus(prev) // back where the officer was typing
		}
	}
	ok := widgets.NewKeyButton(h.t("ui.ok"), theme.ConfirmIcon(), hide)
	pop = h.dialog(h.t("ui.notice"), container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), ok)), 480, hide)
	if w := h.window(); w != nil && pop != nil {
		w.Canvas().Focus(ok)
	}
}

// session is what the signed-in screens use: the intake service and the officer's session,
// and how their host shows the unlock overlay and opens a dossier.
type session struct {
	*host
	intake   *intake.Service
	sess     *app.Session
	onLocked func()
	open     func(code string)
	// drafts keeps the registration form in progress in the store (nil for a role that does
	// not register).
	drafts *draftKeeper
	// saved follows work that added operations to the outbox (a registration, an action, a
	// voucher, a cover): the engine is asked for a round and the status bar counts them.
	saved func()
	// receivedOn lists the dossiers received on a day in every state (Office.ReceivedOn; nil
	// without an office: the queue then lists the pending ones).
	receivedOn func(day calendar.Date) ([]app.Summary, error)
}

// can reports whether the signed-in role holds p.
func (s *session) can(p app.Permission) bool { return s.sess.User.Role.Can(p) }

// message is an error in words; a session that locked while idle also brings up the unlock
// overlay.
func (s *session) message(err error) string {
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == "session_locked" && s.onLocked != nil {
		s.onLocked()
	}
	return s.msg(err)
}

// touch records the officer's activity (typing counts), so an officer filling in a long form
// is not locked out.
func (s *session) touch() { s.sess.Touch() }

// stepName is the name of a step of the office's workflow, in the current language.
func (s *session) stepName(id string) string {
	for _, st := range s.intake.Ref.Get().Workflows.ForOffice(s.sess.Office).Steps {
		if st.ID == id {
			return st.Name(s.cfg.Lang)
		}
	}
	return id
}

// dialog shows a modal dialog (host.modal) whose buttons and fields close it with cancel on
// Escape. It returns the pop-up, nil when there is no window.
func (h *host) dialog(title string, body fyne.CanvasObject, width float32, cancel func()) *widget.PopUp {
	widgets.SetEscape(body, cancel)
	pop := h.modal(title, body, width)
	if pop != nil && h.onDialog != nil {
		h.onDialog(pop, cancel)
	}
	return pop
}

// recSession is what the records and sync screens use beyond the intake session: the records
// and sync services of the open store, and how the desk moves between screens.
type recSession struct {
	*session
	records *records.Service
	sync    *officesync.Service
	// openBook shows a person's electronic book; openVoucher the voucher form filled in with in.
	openBook    func(pid string)
	openVoucher func(in app.VoucherInput)
	// openFile asks for a file to open (Config.OpenFile); openPDF hands a PDF to the system's
	// viewer.
	openFile func(extensions []string, done func(r io.ReadCloser, name string, err error))
	openPDF  func(name string, pdf []byte) error
}
