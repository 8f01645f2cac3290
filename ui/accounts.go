package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
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

// AccountsScreen lets an administrator list the office's accounts (tài khoản) and add one with
// its role and password; the first-run set-up creates only the administrator.
type AccountsScreen struct {
	ses *session
	st  AccountsState

	List      *widget.Label
	User      *widget.Entry
	FullName  *widget.Entry
	Role      *widget.Select
	Password  *widget.Entry
	Password2 *widget.Entry
	Add       *widget.Button
	Status    *widget.Label
	*fields

	content fyne.CanvasObject
}

// NewAccountsScreen builds the screen and fetches the accounts unless the state holds them.
func NewAccountsScreen(ses *session, st AccountsState) *AccountsScreen {
	s := &AccountsScreen{ses: ses, st: st, fields: newFields()}
	t := ses.t
	s.List = widget.NewLabel("")
	s.List.Wrapping = fyne.TextWrapWord
	s.User = widget.NewEntry()
	s.User.SetText(st.User)
	s.FullName = widget.NewEntry()
	s.FullName.SetText(st.FullName)
	names := make([]string, len(accountRoles))
	for i, r := range accountRoles {
		names[i] = t("role." + string(r))
	}
	s.Role = widget.NewSelect(names, nil)
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
		return s.fields.add(newField(key, label, input)).object()
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	form := container.NewVBox(
		pair(f("user", t("field.user"), s.User), f("full_name", t("ui.setup.full_name"), s.FullName)),
		pair(f("role", t("field.role"), s.Role), widget.NewLabel("")),
		pair(f("password", t("field.password"), s.Password), f("password2", t("field.password2"), s.Password2)),
		s.General, s.Status, container.NewHBox(s.Add))
	s.content = container.NewVScroll(centered(820, container.NewVBox(
		widget.NewCard(t("ui.accounts.title"), "", s.List),
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
	ses.run(func() { users, err = ses.intake.Users(ses.sess) }, func() { s.paint(users, err) })
}

func (s *AccountsScreen) paint(users []app.User, err error) {
	if err != nil {
		setText(s.General, s.ses.message(err))
		return
	}
	s.st.Users, s.st.Loaded = users, true
	text := ""
	for _, u := range users {
		line := s.ses.t("ui.signed_in", "name", u.DisplayName(), "user", u.Name, "role", s.ses.t("role."+string(u.Role)))
		if u.Disabled {
			line += " — " + s.ses.t("ui.accounts.disabled")
		}
		text += line + "\n"
	}
	s.List.SetText(text)
}

func (s *AccountsScreen) add() {
	if s.Add.Disabled() {
		return
	}
	st := s.State()
	setText(s.Status, "")
	if s.Password.Text != s.Password2.Text {
		s.show(s.ses.cfg, &app.Error{Kind: app.Invalid, Code: "password_mismatch", Field: "password2"}, nil)
		return
	}
	s.show(s.ses.cfg, nil, nil)
	u := app.User{Name: st.User, FullName: st.FullName, Role: st.Role}
	password := s.Password.Text
	ses := s.ses
	s.Add.Disable()
	var err error
	ses.run(func() { err = ses.intake.AddUser(ses.sess, u, password) }, func() {
		s.Add.Enable()
		if err != nil {
			s.show(ses.cfg, err, nil)
			if s.General.Text != "" {
				setText(s.General, ses.message(err))
			}
			return
		}
		s.User.SetText("")
		s.FullName.SetText("")
		s.Password.SetText("")
		s.Password2.SetText("")
		setText(s.Status, ses.t("ui.accounts.added", "user", app.NormalizeText(u.Name), "role", ses.t("role."+string(u.Role))))
		s.Reload()
	})
}

// firstFocus is the new account's user name.
func (s *AccountsScreen) firstFocus() fyne.Focusable { return s.User }

// shortcutSave adds the account typed (Ctrl+S).
func (s *AccountsScreen) shortcutSave() { s.add() }
