package adminui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// accountRoles are the roles an administrator may give, in order of responsibility.
var accountRoles = app.Roles

// AccountsState is what the administrator has typed and the accounts last fetched.
type AccountsState struct {
	User, FullName string
	Role           app.Role
	Users          []app.User
	Loaded         bool
}

// AccountsScreen lets an administrator list the office's accounts (tài khoản), disable or
// enable one, reset its password, and add one with its role and password; the first-run set-up
// creates only the administrator.
type AccountsScreen struct {
	ses *Session
	st  AccountsState

	// List shows the accounts, one line each; Rows holds each account's line and actions.
	List      *widget.Label
	Rows      *fyne.Container
	Toggle    map[string]*widget.Button // disable / enable, by user
	Reset     map[string]*widget.Button // reset the password, by user
	Dialog    *ResetDialog              // the open password reset, nil when none
	User      *widget.Entry
	FullName  *widget.Entry
	Role      *widgets.TypeSelect
	Password  *widget.Entry
	Password2 *widget.Entry
	Add       *widget.Button
	Status    *widget.Label
	*widgets.Fields

	content fyne.CanvasObject
}

// NewAccountsScreen builds the screen and fetches the accounts unless the state holds them.
func NewAccountsScreen(ses *Session, st AccountsState) *AccountsScreen {
	s := &AccountsScreen{ses: ses, st: st, Fields: widgets.NewFields()}
	t := ses.T
	s.List = widget.NewLabel("")
	s.List.Wrapping = fyne.TextWrapWord
	s.Rows = container.NewVBox()
	s.User = widget.NewEntry()
	s.User.SetText(st.User)
	s.FullName = widget.NewEntry()
	s.FullName.SetText(st.FullName)
	names := make([]string, len(accountRoles))
	for i, r := range accountRoles {
		names[i] = t("role." + string(r))
	}
	s.Role = widgets.NewTypeSelect(names, ses.Cfg.Now)
	s.Role.SetSelectedIndex(0)
	for i, r := range accountRoles {
		if r == st.Role {
			s.Role.SetSelectedIndex(i)
		}
	}
	s.Password = widget.NewPasswordEntry()
	s.Password2 = widget.NewPasswordEntry()
	s.Password2.OnSubmitted = func(string) { s.add() }
	s.Add = widget.NewButtonWithIcon(t("ui.accounts.add"), theme.ContentAddIcon(), s.add)
	s.Add.Importance = widget.HighImportance
	s.Status = widget.NewLabel("")
	s.Status.Importance = widget.SuccessImportance
	s.Status.Hide()
	f := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Fields.Add(widgets.NewField(key, label, input)).Object()
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	form := container.NewVBox(
		pair(f("user", t("field.user"), s.User), f("full_name", t("ui.setup.full_name"), s.FullName)),
		pair(f("role", t("field.role"), s.Role), widget.NewLabel("")),
		pair(f("password", t("field.password"), s.Password), f("password2", t("field.password2"), s.Password2)),
		container.NewHBox(s.Add), s.General, s.Status)
	s.content = container.NewVScroll(widgets.Centered(820, container.NewVBox(
		widget.NewCard(t("ui.accounts.title"), "", s.Rows),
		widget.NewCard(t("ui.accounts.new"), t("ui.accounts.new_note"), form))))
	if st.Loaded {
		s.paint(st.Users, nil)
	} else {
		s.Reload()
	}
	return s
}

// Content is the screen's root object.
func (s *AccountsScreen) Content() fyne.CanvasObject { return s.content }

// State returns what has been typed (never the passwords) and the accounts.
func (s *AccountsScreen) State() AccountsState {
	st := s.st
	st.User, st.FullName = s.User.Text, s.FullName.Text
	if i := s.Role.SelectedIndex(); i >= 0 {
		st.Role = accountRoles[i]
	}
	return st
}

// Reload fetches the accounts again.
func (s *AccountsScreen) Reload() {
	ses := s.ses
	var (
		users []app.User
		err   error
	)
	ses.Run(func() { users, err = ses.Intake.Users(ses.Sess) }, func() { s.paint(users, err) })
}

func (s *AccountsScreen) paint(users []app.User, err error) {
	if err != nil {
		widgets.SetText(s.General, s.ses.Message(err))
		return
	}
	s.st.Users, s.st.Loaded = users, true
	t := s.ses.T
	text := ""
	s.Rows.Objects = nil
	s.Toggle, s.Reset = map[string]*widget.Button{}, map[string]*widget.Button{}
	for _, u := range users {
		line := t("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", t("role."+string(u.Role)))
		if u.Disabled {
			line = t("ui.accounts.row_disabled", "line", line)
		}
		if u.Name == s.ses.Sess.User.Name {
			line = t("ui.accounts.row_you", "line", line)
		}
		text += line + "\n"
		l := widget.NewLabel(line)
		l.Truncation = fyne.TextTruncateEllipsis
		if u.Disabled {
			l.Importance = widget.WarningImportance
		}
		u := u
		toggle := widget.NewButton(t("ui.accounts.disable"), func() { s.setDisabled(u.Name, true) })
		if u.Disabled {
			toggle.SetText(t("ui.accounts.enable"))
			toggle.OnTapped = func() { s.setDisabled(u.Name, false) }
		}
		if u.Name == s.ses.Sess.User.Name {
			toggle.Disable()
		}
		reset := widget.NewButton(t("ui.accounts.reset"), func() { s.openReset(u.Name) })
		s.Toggle[u.Name], s.Reset[u.Name] = toggle, reset
		s.Rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(toggle, reset), l))
	}
	s.Rows.Refresh()
	s.List.SetText(text)
}

// setDisabled disables or enables an account and shows the outcome.
func (s *AccountsScreen) setDisabled(user string, disabled bool) {
	ses := s.ses
	var err error
	ses.Run(func() { err = ses.Intake.SetDisabled(ses.Sess, user, disabled) }, func() {
		if err != nil {
			widgets.SetStatus(s.Status, false, ses.Message(err))
			return
		}
		key := "ui.accounts.enabled_done"
		if disabled {
			key = "ui.accounts.disabled_done"
		}
		widgets.SetStatus(s.Status, true, ses.T(key, "user", user))
		s.Reload()
	})
}

// ResetDialog sets a new password for an account (an officer who forgot theirs).
type ResetDialog struct {
	User      string
	Password  *widgets.KeyEntry
	Password2 *widgets.KeyEntry
	Confirm   *widgets.KeyButton
	Problem   *widget.Label
	pop       *widget.PopUp
}

// openReset asks for the account's new password, twice.
func (s *AccountsScreen) openReset(user string) {
	t := s.ses.T
	dlg := &ResetDialog{
		User:      user,
		Password:  widgets.NewKeyEntry(true, 1),
		Password2: widgets.NewKeyEntry(true, 1),
		Problem:   widgets.ProblemLabel(),
	}
	cancel := widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), s.closeReset)
	dlg.Confirm = widgets.NewKeyButton(t("ui.accounts.reset"), theme.ConfirmIcon(), func() { s.reset(dlg) })
	dlg.Confirm.Importance = widget.HighImportance
	dlg.Password2.OnSubmitted = func(string) { s.reset(dlg) }
	note := widget.NewLabel(t("ui.accounts.reset_note"))
	note.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(&widget.FormItem{Text: t("field.password"), Widget: dlg.Password},
		&widget.FormItem{Text: t("field.password2"), Widget: dlg.Password2})
	dlg.pop = s.ses.Dialog(t("ui.accounts.reset_title", "user", user),
		container.NewVBox(note, form, container.NewHBox(layout.NewSpacer(), cancel, dlg.Confirm), dlg.Problem), 480, s.closeReset)
	s.Dialog = dlg
	if w := s.ses.Window(); w != nil {
		w.Canvas().Focus(dlg.Password)
	}
}

func (s *AccountsScreen) closeReset() {
	if s.Dialog != nil && s.Dialog.pop != nil {
		s.Dialog.pop.Hide()
	}
	s.Dialog = nil
}

// reset sets the new password.
func (s *AccountsScreen) reset(dlg *ResetDialog) {
	if dlg.Password.Text != dlg.Password2.Text {
		mismatch := app.FieldProblem{Field: "password2", Code: app.CodePasswordMismatch}
		widgets.SetText(dlg.Problem, s.ses.Cfg.Catalog.Problem(s.ses.Cfg.Lang, mismatch))
		return
	}
	ses, password := s.ses, dlg.Password.Text
	dlg.Confirm.Disable()
	var err error
	ses.Run(func() { err = ses.Intake.SetPassword(ses.Sess, dlg.User, password) }, func() {
		dlg.Confirm.Enable()
		if err != nil {
			widgets.SetText(dlg.Problem, ses.Message(err))
			return
		}
		s.closeReset()
		widgets.SetStatus(s.Status, true, ses.T("ui.accounts.reset_done", "user", dlg.User))
	})
}

func (s *AccountsScreen) add() {
	if s.Add.Disabled() {
		return
	}
	st := s.State()
	widgets.SetText(s.Status, "")
	if s.Password.Text != s.Password2.Text {
		s.ShowProblems(s.ses.Cfg, &app.Error{Kind: app.Invalid, Code: app.CodePasswordMismatch, Field: "password2"}, nil)
		return
	}
	s.ShowProblems(s.ses.Cfg, nil, nil)
	u := app.User{Name: st.User, FullName: st.FullName, Role: st.Role}
	password := s.Password.Text
	ses := s.ses
	s.Add.Disable()
	var err error
	ses.Run(func() { err = ses.Intake.AddUser(ses.Sess, u, password) }, func() {
		s.Add.Enable()
		if err != nil {
			s.ShowProblems(ses.Cfg, err, nil)
			if s.General.Text != "" {
				widgets.SetText(s.General, ses.Message(err))
			}
			return
		}
		s.User.SetText("")
		s.FullName.SetText("")
		s.Password.SetText("")
		s.Password2.SetText("")
		// The next account starts with the least rights again: the role just given must not
		// pass to it unnoticed.
		s.Role.SetSelectedIndex(0)
		widgets.SetStatus(s.Status, true, ses.T("ui.accounts.added", "user", app.NormalizeText(u.Name), "role", ses.T("role."+string(u.Role))))
		s.Reload()
		// Ready for the next account.
		if w := ses.Window(); w != nil {
			w.Canvas().Focus(s.User)
		}
	})
}

// FirstFocus is the new account's user name.
func (s *AccountsScreen) FirstFocus() fyne.Focusable { return s.User }

// ShortcutSave adds the account typed (Ctrl+S).
func (s *AccountsScreen) ShortcutSave() { s.add() }
