package ui

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// RestoreState is what the officer has chosen on the restore screen (never the password).
type RestoreState struct {
	FileName string
	User     string
	Recovery bool // open with the province's recovery secret instead of an account
	file     io.ReadCloser
}

// RestoreScreen recreates the office's store from a backup file (khôi phục từ bản sao lưu) on
// a new machine or after a damaged store was set aside: the backup file, then an officer's user
// name and password, or the province's recovery secret. The desk takes a new device code, so
// no dossier code is handed out twice; the first sync asks the centre what it already has.
type RestoreScreen struct {
	h  *gate
	st RestoreState

	Choose   *widget.Button
	File     *widget.Label
	Mode     *widget.RadioGroup
	User     *widget.Entry
	Password *widget.Entry
	Restore  *widget.Button
	Cancel   *widget.Button
	Problem  *widget.Label
	*widgets.Fields

	onDone   func(user string)
	onCancel func()
	content  fyne.CanvasObject
}

// NewRestoreScreen builds the screen; onDone receives the user name to sign in with after a
// restore, onCancel (nil: no Cancel button) goes back.
func NewRestoreScreen(h *gate, st RestoreState, onDone func(user string), onCancel func()) *RestoreScreen {
	s := &RestoreScreen{h: h, st: st, onDone: onDone, onCancel: onCancel, Fields: widgets.NewFields()}
	t := h.T
	s.Choose = widget.NewButtonWithIcon(t("ui.restore.choose"), theme.FolderOpenIcon(), s.choose)
	s.File = widget.NewLabel(t("ui.restore.no_file"))
	s.File.Wrapping = fyne.TextWrapWord
	if st.FileName != "" {
		s.File.SetText(st.FileName)
	}
	modes := []string{t("ui.restore.with_account"), t("ui.restore.with_recovery")}
	s.Mode = widget.NewRadioGroup(modes, nil)
	s.Mode.Required = true
	s.Mode.SetSelected(modes[map[bool]int{false: 0, true: 1}[st.Recovery]])
	s.User = widget.NewEntry()
	s.User.SetText(st.User)
	s.Password = widget.NewPasswordEntry()
	s.Password.OnSubmitted = func(string) { s.submit() }
	s.Mode.OnChanged = func(v string) {
		s.st.Recovery = v == modes[1]
		if s.st.Recovery {
			s.User.Disable()
		} else {
			s.User.Enable()
		}
	}
	if st.Recovery {
		s.User.Disable()
	}
	s.Restore = widget.NewButtonWithIcon(t("ui.restore.submit"), theme.HistoryIcon(), s.submit)
	s.Restore.Importance = widget.HighImportance
	buttons := container.NewHBox(layout.NewSpacer())
	if onCancel != nil {
		s.Cancel = widget.NewButtonWithIcon(t("ui.cancel"), theme.CancelIcon(), func() {
			s.closeFile()
			onCancel()
		})
		buttons.Add(s.Cancel)
	}
	buttons.Add(s.Restore)
	s.Problem = widgets.ProblemLabel()
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Add(widgets.NewField(key, label, input)).Object()
	}
	note := widget.NewLabel(t("ui.restore.note"))
	note.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(note,
		fld("backup_file", t("field.backup_file"), container.NewBorder(nil, nil, nil, s.Choose, s.File)),
		s.Mode,
		container.NewGridWithColumns(2, fld("user", t("field.user"), s.User), fld("password", t("ui.restore.secret"), s.Password)),
		buttons, s.General, s.Problem)
	s.content = container.NewVScroll(widgets.Centered(760, widget.NewCard(t("ui.restore.title"), t("ui.restore.subtitle"), form)))
	return s
}

// Content is the screen's root object.
func (s *RestoreScreen) Content() fyne.CanvasObject { return s.content }

// State returns what has been chosen; the open backup file travels with it.
func (s *RestoreScreen) State() RestoreState {
	st := s.st
	st.User = s.User.Text
	return st
}

func (s *RestoreScreen) closeFile() {
	if s.st.file != nil {
		_ = s.st.file.Close() // only read from
		s.st.file = nil
	}
}

// choose asks for the backup file.
func (s *RestoreScreen) choose() {
	s.h.OpenFileFn([]string{".bak"}, func(r io.ReadCloser, name string, err error) {
		if err != nil {
			widgets.SetText(s.Problem, s.h.Msg(err))
			return
		}
		if r == nil {
			return // cancelled
		}
		s.closeFile()
		s.st.file, s.st.FileName = r, name
		s.File.SetText(name)
		widgets.SetText(s.Problem, "")
	})
}

func (s *RestoreScreen) submit() {
	if s.Restore.Disabled() {
		return
	}
	t := s.h.T
	user := strings.TrimSpace(s.User.Text)
	ve := &app.ValidationError{}
	if s.st.file == nil {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_file", Code: app.CodeRequired})
	}
	if !s.st.Recovery && user == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "user", Code: app.CodeRequired})
	}
	if s.Password.Text == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "password", Code: app.CodeRequired})
	}
	if len(ve.Problems) > 0 {
		s.ShowProblems(s.h.Cfg, ve, nil)
		return
	}
	s.ShowProblems(s.h.Cfg, nil, nil)
	if s.st.Recovery {
		user = ""
	}
	password, file := s.Password.Text, s.st.file
	s.Restore.Disable()
	var (
		agency, device string
		err            error
	)
	// A restore cannot stop half-way safely: the dialog shows how far it is, without "Dừng".
	s.h.WithProgress(t("ui.restore.restoring"), kit.UnitBytes, false, func(p *app.Progress) {
		agency, device, err = s.h.office.Restore(&kit.ProgressReader{R: file, P: p, Total: kit.SizeOf(file)}, user, password)
		_ = file.Close()
	}, func() {
		s.st.file = nil
		s.Restore.Enable()
		s.Password.SetText("")
		if err != nil {
			s.File.SetText(t("ui.restore.no_file"))
			widgets.SetText(s.Problem, s.h.Msg(err))
			return
		}
		s.h.Alert(t("ui.restore.done", "agency", agency, "device", device))
		s.onDone(user)
	})
}

// DamagedState is the damaged-store screen's state.
type DamagedState struct {
	Reason error
	User   string
	// Aside is where the damaged store was moved ("" while it is still in the data folder).
	Aside string
	// Mode is the way back chosen: "" (the choice), "restore" or "redownload".
	Mode     string
	Restore  RestoreState
	Download FirstRunState
	URL      string
}

// DamagedOutcome is how the damaged-store screen ended: the user to sign in, and the new
// recovery secret after a re-download ("" otherwise).
type DamagedOutcome struct {
	User, Secret string
}

// DamagedScreen is shown instead of crashing, or failing at every sign-in, when the office's
// store cannot be opened because its files are damaged: it says what happened in plain words
// and offers the two ways back — restore from the latest backup, or create a new store for the
// office and download its data again from the centre. The damaged store is never deleted: it
// is moved aside first, for a specialist.
type DamagedScreen struct {
	h  *gate
	st DamagedState

	Explanation   *widget.Label
	RestoreWay    *widget.Button
	RedownloadWay *widget.Button
	Retry         *widget.Button
	Restore       *RestoreScreen
	Download      *FirstRunScreen // the office profile and administrator of the new store
	URL           *widget.Entry
	Token         *widget.Entry
	Fetch         *widget.Button
	Problem       *widget.Label

	onDone  func(DamagedOutcome)
	content *fyne.Container
}

// NewDamagedScreen builds the screen; onDone follows a way back.
func NewDamagedScreen(h *gate, st DamagedState, onDone func(DamagedOutcome)) *DamagedScreen {
	s := &DamagedScreen{h: h, st: st, onDone: onDone, content: container.NewStack()}
	s.paint()
	return s
}

// Content is the screen's root object.
func (s *DamagedScreen) Content() fyne.CanvasObject { return s.content }

// State returns the screen's state.
func (s *DamagedScreen) State() DamagedState {
	st := s.st
	if s.Restore != nil {
		st.Restore = s.Restore.State()
	}
	if s.Download != nil {
		st.Download = s.Download.State()
		st.URL = s.URL.Text
	}
	return st
}

func (s *DamagedScreen) paint() {
	t := s.h.T
	s.Problem = widgets.ProblemLabel()
	s.Restore, s.Download = nil, nil
	var body fyne.CanvasObject
	switch s.st.Mode {
	case "restore":
		s.Restore = NewRestoreScreen(s.h, s.st.Restore, func(user string) { s.onDone(DamagedOutcome{User: user}) }, s.back)
		body = s.Restore.Content()
	case "redownload":
		body = s.redownload()
	default:
		s.Explanation = widget.NewLabel(t("ui.damaged.explain"))
		s.Explanation.Wrapping = fyne.TextWrapWord
		detail := widget.NewLabel(s.h.Msg(s.st.Reason))
		detail.Wrapping = fyne.TextWrapWord
		detail.Importance = widget.DangerImportance
		s.RestoreWay = widget.NewButtonWithIcon(t("ui.damaged.restore"), theme.HistoryIcon(), func() { s.choose("restore") })
		s.RestoreWay.Importance = widget.HighImportance
		s.RedownloadWay = widget.NewButtonWithIcon(t("ui.damaged.redownload"), theme.DownloadIcon(), func() { s.choose("redownload") })
		s.Retry = widget.NewButtonWithIcon(t("ui.damaged.retry"), theme.ViewRefreshIcon(), func() { s.onDone(DamagedOutcome{User: s.st.User}) })
		if s.st.Aside != "" {
			s.Retry.Hide() // nothing left to retry in the data folder
		}
		ways := widget.NewLabel(t("ui.damaged.ways"))
		ways.Wrapping = fyne.TextWrapWord
		box := container.NewVBox(container.NewHBox(widget.NewIcon(theme.ErrorIcon()), widgets.Heading(t("ui.damaged.heading"))),
			s.Explanation, detail, widget.NewSeparator(), ways,
			container.NewGridWithColumns(2, s.RestoreWay, s.RedownloadWay), container.NewHBox(s.Retry), s.Problem)
		body = container.NewVScroll(widgets.Centered(760, widget.NewCard(t("ui.damaged.title"), "", box)))
	}
	s.content.Objects = []fyne.CanvasObject{body}
	s.content.Refresh()
}

// back returns to the choice of a way back.
func (s *DamagedScreen) back() {
	s.st.Mode = ""
	s.paint()
}

// choose moves the damaged store aside (once), then shows the way back chosen.
func (s *DamagedScreen) choose(mode string) {
	if s.st.Aside != "" {
		s.st.Mode = mode
		s.paint()
		return
	}
	var (
		aside string
		err   error
	)
	s.h.Run(func() { aside, err = s.h.office.SetAside() }, func() {
		if err != nil {
			widgets.SetText(s.Problem, s.h.Msg(err))
			return
		}
		s.st.Aside, s.st.Mode = aside, mode
		s.paint()
	})
}

// Choose picks a way back ("restore" or "redownload"), as its button does.
func (s *DamagedScreen) Choose(mode string) { s.choose(mode) }

// redownload is the form of a new store filled from the centre: the office's profile and its
// administrator (as at the first run), and the central URL and this device's token.
func (s *DamagedScreen) redownload() fyne.CanvasObject {
	t := s.h.T
	s.Download = NewFirstRunScreen(s.h, s.st.Download, nil, nil)
	s.URL = widget.NewEntry()
	s.URL.SetText(s.st.URL)
	s.URL.PlaceHolder = t("ui.sync.url_placeholder")
	s.Token = widget.NewPasswordEntry()
	s.Token.OnSubmitted = func(string) { s.fetch() }
	s.Fetch = widget.NewButtonWithIcon(t("ui.damaged.fetch"), theme.DownloadIcon(), s.fetch)
	s.Fetch.Importance = widget.HighImportance
	back := widget.NewButtonWithIcon(t("ui.back"), theme.NavigateBackIcon(), s.back)
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Download.Add(widgets.NewField(key, label, input)).Object()
	}
	hint := widget.NewLabel(t("ui.damaged.redownload_hint", "aside", s.st.Aside))
	hint.Wrapping = fyne.TextWrapWord
	f := s.Download
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	field := func(key string) fyne.CanvasObject { return f.ByKey[key].Object() }
	form := container.NewVBox(hint,
		widgets.Heading(t("ui.setup.office")),
		pair(field("agency"), field("device")), field("name"), pair(field("province"), field("commune")),
		pair(field("address"), field("phone")),
		widgets.Heading(t("ui.setup.admin")),
		pair(field("user"), field("admin_full_name")), pair(field("password"), field("password2")),
		widgets.Heading(t("ui.damaged.centre")),
		pair(fld("central_url", t("field.central_url"), s.URL), fld("token", t("field.token"), s.Token)),
		container.NewHBox(back, layout.NewSpacer(), s.Fetch), f.General, s.Problem)
	return container.NewVScroll(widgets.Centered(760, widget.NewCard(t("ui.damaged.redownload"), t("ui.damaged.redownload_sub"), form)))
}

// fetch creates the new store and takes back the office's data from the centre.
func (s *DamagedScreen) fetch() {
	if s.Fetch.Disabled() {
		return
	}
	f := s.Download
	st := f.State()
	url, token := strings.TrimSpace(s.URL.Text), strings.TrimSpace(s.Token.Text)
	ve := &app.ValidationError{}
	if st.Password != st.Password2 {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "password2", Code: app.CodePasswordMismatch})
	}
	if url == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "central_url", Code: app.CodeRequired})
	}
	if token == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "token", Code: app.CodeRequired})
	}
	if len(ve.Problems) > 0 {
		f.ShowProblems(s.h.Cfg, ve, nil)
		return
	}
	f.ShowProblems(s.h.Cfg, nil, nil)
	widgets.SetText(s.Problem, "")
	office := app.Office{Agency: st.Agency, Name: st.Name, Province: st.Province, Commune: st.Commune, Device: st.Device,
		Address: app.NormalizeText(st.Address), Phone: app.NormalizeText(st.Phone)}
	admin := app.User{Name: app.NormalizeText(st.User), FullName: st.FullName, Role: app.Admin}
	s.Fetch.Disable()
	var (
		secret string
		added  int
		err    error
	)
	s.h.WithProgress(s.h.T("ui.restore.downloading"), kit.UnitBytes, false, func(p *app.Progress) {
		secret, added, err = s.h.office.Redownload(office, admin, st.Password, url, token, p)
	}, func() {
		s.Fetch.Enable()
		if err != nil {
			var ve *app.ValidationError
			var ae *app.Error
			if errors.As(err, &ve) || (errors.As(err, &ae) && ae.Field != "") {
				f.ShowProblems(s.h.Cfg, err, nil)
				return
			}
			widgets.SetText(s.Problem, s.h.Msg(err))
			return
		}
		s.h.Alert(s.h.T("ui.damaged.fetched", "count", strconv.Itoa(added)))
		s.onDone(DamagedOutcome{User: admin.Name, Secret: secret})
	})
}
