package ui

import (
	"bytes"
	"errors"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// FirstRunState is what the officer has typed on the first-run set-up.
type FirstRunState struct {
	Agency, Name, Province, Commune, Device, Address, Phone string
	User, FullName, Password, Password2                     string
}

// FirstRunScreen creates the office's store on a new machine (khởi tạo): the agency code and
// name, the office's province and commune, this machine's code for dossier codes, and the first
// administrator with a password typed twice.
type FirstRunScreen struct {
	h *gate

	Agency    *widget.Entry
	Name      *widget.Entry
	Place     *kit.PlacePicker
	Device    *widget.Entry
	Address   *widget.Entry
	Phone     *widget.Entry
	User      *widget.Entry
	FullName  *widget.Entry
	Password  *widget.Entry
	Password2 *widget.Entry
	Create    *widget.Button
	*widgets.Fields

	// Restore recreates the store from a backup instead (khôi phục từ bản sao lưu): a new
	// machine for an office that already worked.
	Restore *widget.Button

	onCreated func(secret, admin string)
	content   fyne.CanvasObject
}

// NewFirstRunScreen builds the set-up form; onCreated receives the recovery secret and the
// administrator's user name once the store exists; onRestore opens the restore from a backup.
func NewFirstRunScreen(h *gate, st FirstRunState, onCreated func(secret, admin string), onRestore func()) *FirstRunScreen {
	s := &FirstRunScreen{h: h, onCreated: onCreated, Fields: widgets.NewFields()}
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.PlaceHolder = placeholder
		return e
	}
	s.Agency = entry(st.Agency, h.T("ui.setup.agency_placeholder"))
	s.Name = entry(st.Name, h.T("ui.setup.name_placeholder"))
	s.Place = kit.NewPlacePicker(h.Host, st.Province, st.Commune, func(string) {})
	s.Device = entry(st.Device, h.T("ui.setup.device_placeholder"))
	s.Address = entry(st.Address, "")
	s.Phone = entry(st.Phone, "")
	s.User = entry(st.User, "admin")
	s.FullName = entry(st.FullName, "")
	s.Password = widget.NewPasswordEntry()
	s.Password.SetText(st.Password)
	s.Password2 = widget.NewPasswordEntry()
	s.Password2.SetText(st.Password2)
	s.Password2.OnSubmitted = func(string) { s.submit() }
	s.Create = widget.NewButtonWithIcon(h.T("ui.setup.create"), theme.ConfirmIcon(), s.submit)
	s.Create.Importance = widget.HighImportance
	s.Restore = widget.NewButtonWithIcon(h.T("ui.restore.open"), theme.HistoryIcon(), onRestore)

	f := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Add(widgets.NewField(key, label, input)).Object()
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	office := container.NewVBox(
		pair(f("agency", h.T("field.agency"), s.Agency), f("device", h.T("field.device"), s.Device)),
		f("name", h.T("ui.setup.name"), s.Name),
		pair(f("province", h.T("field.province"), s.Place.Province), f("commune", h.T("field.commune"), s.Place.Commune)),
		pair(f("address", h.T("ui.setup.address"), s.Address), f("phone", h.T("ui.setup.phone"), s.Phone)),
	)
	admin := container.NewVBox(
		pair(f("user", h.T("field.user"), s.User), f("admin_full_name", h.T("ui.setup.full_name"), s.FullName)),
		pair(f("password", h.T("field.password"), s.Password), f("password2", h.T("field.password2"), s.Password2)),
	)
	hint := widget.NewLabel(h.T("ui.setup.hint"))
	hint.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(hint, widgets.Heading(h.T("ui.setup.office")), office, widgets.Heading(h.T("ui.setup.admin")), admin,
		container.NewHBox(s.Create), s.General)
	card := widget.NewCard(h.T("ui.setup.title"), h.T("ui.setup.subtitle"), form)
	restoreNote := widget.NewLabel(h.T("ui.restore.note"))
	restoreNote.Wrapping = fyne.TextWrapWord
	restore := widget.NewCard(h.T("ui.restore.title"), "", container.NewVBox(restoreNote, container.NewHBox(s.Restore)))
	s.content = container.NewVScroll(widgets.Centered(760, container.NewVBox(card, restore)))
	return s
}

// Content is the screen's root object.
func (s *FirstRunScreen) Content() fyne.CanvasObject { return s.content }

// State returns what the officer has typed.
func (s *FirstRunScreen) State() FirstRunState {
	p, c := s.Place.Codes()
	return FirstRunState{Agency: s.Agency.Text, Name: s.Name.Text, Province: p, Commune: c, Device: s.Device.Text,
		Address: s.Address.Text, Phone: s.Phone.Text, User: s.User.Text, FullName: s.FullName.Text,
		Password: s.Password.Text, Password2: s.Password2.Text}
}

func (s *FirstRunScreen) submit() {
	st := s.State()
	if st.Password != st.Password2 {
		s.ShowProblems(s.h.Cfg, &app.Error{Kind: app.Invalid, Code: app.CodePasswordMismatch, Field: "password2"}, nil)
		s.focusProblem()
		return
	}
	s.ShowProblems(s.h.Cfg, nil, nil)
	office := app.Office{Agency: st.Agency, Name: st.Name, Province: st.Province, Commune: st.Commune, Device: st.Device,
		Address: app.NormalizeText(st.Address), Phone: app.NormalizeText(st.Phone)}
	admin := app.User{Name: app.NormalizeText(st.User), FullName: st.FullName, Role: app.Admin}
	s.Create.Disable()
	var (
		secret string
		err    error
	)
	s.h.Run(func() { secret, err = s.h.office.Init(office, admin, st.Password) }, func() {
		s.Create.Enable()
		if err != nil {
			s.ShowProblems(s.h.Cfg, err, nil)
			s.focusProblem()
			return
		}
		s.onCreated(secret, admin.Name)
	})
}

// focusProblem puts the cursor on the first field with a problem.
func (s *FirstRunScreen) focusProblem() {
	if f, w := s.FirstProblem(), s.h.Window(); f != nil && w != nil {
		w.Canvas().Focus(f)
	}
}

// RecoveryState is the secret shown after the set-up.
type RecoveryState struct {
	Secret, User string
	Confirmed    bool
}

// RecoveryScreen shows the store's recovery secret once, with the warning that it must go to
// the province: it opens the store if every password is lost.
type RecoveryScreen struct {
	st        RecoveryState
	Secret    *widget.Label
	Confirmed *widget.Check
	Continue  *widget.Button
	// Print saves the hand-over sheet of the secret as PDF; Status says where.
	Print   *widget.Button
	Status  *widget.Label
	content fyne.CanvasObject
}

// NewRecoveryScreen builds the screen; onDone runs when the officer confirms having written the
// secret down.
func NewRecoveryScreen(h *gate, st RecoveryState, onDone func(admin string)) *RecoveryScreen {
	s := &RecoveryScreen{st: st}
	s.Secret = widget.NewLabelWithStyle(st.Secret, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	s.Secret.SizeName = theme.SizeNameHeadingText
	s.Secret.Selectable = true
	warn := widget.NewLabel(h.T("ui.recovery.warning"))
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	s.Continue = widget.NewButtonWithIcon(h.T("ui.recovery.continue"), theme.NavigateNextIcon(), func() { onDone(s.st.User) })
	s.Continue.Importance = widget.HighImportance
	s.Confirmed = widget.NewCheck(h.T("ui.recovery.confirm"), func(ok bool) {
		s.st.Confirmed = ok
		if ok {
			s.Continue.Enable()
		} else {
			s.Continue.Disable()
		}
	})
	s.Confirmed.SetChecked(st.Confirmed)
	if !st.Confirmed {
		s.Continue.Disable()
	}
	s.Status = widgets.StatusLabel()
	s.Print = widget.NewButtonWithIcon(h.T("ui.recovery.print"), theme.DocumentPrintIcon(), func() { s.print(h) })
	body := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.WarningIcon()), widgets.Heading(h.T("ui.recovery.heading"))),
		warn, widget.NewSeparator(), s.Secret, container.NewHBox(s.Print), widget.NewSeparator(), s.Confirmed,
		container.NewHBox(s.Continue), s.Status)
	s.content = container.NewVScroll(widgets.Centered(720, container.NewVBox(widget.NewCard(h.T("ui.recovery.title"), "", body))))
	return s
}

// Content is the screen's root object.
func (s *RecoveryScreen) Content() fyne.CanvasObject { return s.content }

// print saves the hand-over sheet of the secret, for the province to keep.
func (s *RecoveryScreen) print(h *gate) {
	var buf bytes.Buffer
	if err := h.office.WriteRecoverySheet(s.st.Secret, h.Cfg.Lang, &buf); err != nil {
		widgets.SetStatus(s.Status, false, h.Msg(err))
		return
	}
	name := "ma-khoi-phuc.pdf"
	h.SaveAs(name, func(w io.WriteCloser, err error) {
		if err != nil {
			widgets.SetStatus(s.Status, false, h.Msg(err))
			return
		}
		if w == nil {
			return
		}
		_, err = w.Write(buf.Bytes())
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			widgets.SetStatus(s.Status, false, h.Msg(err))
			return
		}
		widgets.SetStatus(s.Status, true, h.T("ui.recovery.printed", "file", name))
	})
}

// State returns the secret and whether its keeping was confirmed.
func (s *RecoveryScreen) State() RecoveryState { return s.st }

// LoginState is what the officer has typed on the sign-in screen (never the password).
type LoginState struct{ User string }

// LoginScreen signs an officer in (đăng nhập): user name and password, Enter submits.
type LoginScreen struct {
	h        *gate
	User     *widget.Entry
	Password *widget.Entry
	SignIn   *widget.Button
	Problem  *widget.Label

	onSignedIn func(*intake.Service, *app.Session)
	// onDamaged, when set, takes over when the store turns out to be damaged (the desk shows
	// the ways back instead of failing at every sign-in).
	onDamaged func(err error, user string)
	content   fyne.CanvasObject
}

// NewLoginScreen builds the sign-in; onSignedIn receives the services and the session.
func NewLoginScreen(h *gate, st LoginState, onSignedIn func(*intake.Service, *app.Session)) *LoginScreen {
	s := &LoginScreen{h: h, onSignedIn: onSignedIn}
	s.User = widget.NewEntry()
	s.User.SetText(st.User)
	s.User.OnSubmitted = func(string) {
		if w := h.Window(); w != nil {
			w.Canvas().Focus(s.Password)
		}
	}
	s.Password = widget.NewPasswordEntry()
	s.Password.OnSubmitted = func(string) { s.submit() }
	s.SignIn = widget.NewButtonWithIcon(h.T("ui.login.submit"), theme.LoginIcon(), s.submit)
	s.SignIn.Importance = widget.HighImportance
	s.Problem = widgets.ProblemLabel()
	form := widget.NewForm(
		&widget.FormItem{Text: h.T("field.user"), Widget: s.User},
		&widget.FormItem{Text: h.T("field.password"), Widget: s.Password},
	)
	card := widget.NewCard(h.T("ui.login.title"), h.T("ui.login.subtitle"), container.NewVBox(form, container.NewHBox(s.SignIn), s.Problem))
	s.content = container.NewCenter(container.New(widgets.MinWidth{Width: 460}, card))
	return s
}

// Content is the screen's root object.
func (s *LoginScreen) Content() fyne.CanvasObject { return s.content }

// State returns the user name typed.
func (s *LoginScreen) State() LoginState { return LoginState{User: s.User.Text} }

func (s *LoginScreen) submit() {
	user, password := s.User.Text, s.Password.Text
	if s.SignIn.Disabled() {
		return
	}
	s.SignIn.Disable()
	widgets.SetText(s.Problem, "")
	var (
		in   *intake.Service
		sess *app.Session
		err  error
	)
	s.h.Run(func() { in, sess, err = s.h.office.Open(user, password) }, func() {
		s.SignIn.Enable()
		if err != nil {
			s.Password.SetText("")
			var ae *app.Error
			if errors.As(err, &ae) && ae.Code == app.CodeStoreDamaged && s.onDamaged != nil {
				s.onDamaged(err, user)
				return
			}
			widgets.SetText(s.Problem, s.h.Msg(err))
			return
		}
		s.onSignedIn(in, sess)
	})
}

// LockState is the unlock overlay's state (nothing is kept: the password is typed again).
type LockState struct{}

// LockScreen covers the desk while the session is locked (after being idle, or locked by hand):
// the screens behind keep what was typed, but no personal data shows until the officer types
// the password again (Intake.Unlock) or signs out.
type LockScreen struct {
	ses      *kit.Session
	Password *widget.Entry
	Unlock   *widget.Button
	SignOut  *widget.Button
	Problem  *widget.Label

	onUnlocked func()
	content    fyne.CanvasObject
}

// NewLockScreen builds the overlay.
func NewLockScreen(ses *kit.Session, _ LockState, onUnlocked, onSignOut func()) *LockScreen {
	s := &LockScreen{ses: ses, onUnlocked: onUnlocked}
	s.Password = widget.NewPasswordEntry()
	s.Password.OnSubmitted = func(string) { s.submit() }
	s.Unlock = widget.NewButtonWithIcon(ses.T("ui.lock.unlock"), theme.LoginIcon(), s.submit)
	s.Unlock.Importance = widget.HighImportance
	s.SignOut = widget.NewButtonWithIcon(ses.T("ui.sign_out"), theme.LogoutIcon(), onSignOut)
	s.Problem = widgets.ProblemLabel()
	u := ses.Sess.User
	who := widget.NewLabel(ses.T("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", ses.T("role."+string(u.Role))))
	note := widget.NewLabel(ses.T("ui.lock.note"))
	note.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(&widget.FormItem{Text: ses.T("field.password"), Widget: s.Password})
	body := container.NewVBox(container.NewHBox(widget.NewIcon(theme.VisibilityOffIcon()), who), note, form,
		container.NewHBox(s.Unlock, s.SignOut), s.Problem)
	s.content = container.NewCenter(container.New(widgets.MinWidth{Width: 480}, widget.NewCard(ses.T("ui.lock.title"), "", body)))
	return s
}

// Content is the overlay's root object.
func (s *LockScreen) Content() fyne.CanvasObject { return s.content }

// State returns the overlay's state.
func (s *LockScreen) State() LockState { return LockState{} }

func (s *LockScreen) submit() {
	if s.Unlock.Disabled() {
		return
	}
	password := s.Password.Text
	s.Unlock.Disable()
	var err error
	s.ses.Run(func() { err = s.ses.Intake.Unlock(s.ses.Sess, password) }, func() {
		s.Unlock.Enable()
		s.Password.SetText("")
		if err != nil {
			widgets.SetText(s.Problem, s.ses.Msg(err))
			return
		}
		s.onUnlocked()
	})
}
