package intakeui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// RegisterState is what the officer has entered on the registration form; it survives a
// language switch.
type RegisterState struct {
	Form app.RegistrationForm
	// Touched are the fields the officer has edited; their problems show as they type.
	Touched map[string]bool
	// Submitted is set by the first save: from then on every problem shows.
	Submitted bool
	// Saved is the dossier just created, shown until the next registration.
	Saved *app.Dossier
	// Restored is when the form was last kept as a draft, when it was reopened from one (the
	// program was closed, or the officer signed out, before saving it).
	Restored time.Time
}

// RegisterScreen is the registration form TK1-TS (tờ khai tham gia BHXH tự nguyện) in the
// form's order, checked as the officer types (each problem under its field, in the current
// language), with the contribution quote beside it. Saving creates the dossier
// (Intake.Register); a possible duplicate asks the officer to confirm another person; a pending
// dossier of the same personal ID is named. After saving: the dossier code, the appointment and
// the receipt to print.
type RegisterScreen struct {
	ses *Session
	st  RegisterState

	FullName      *widget.Entry
	Gender        *widget.RadioGroup
	BirthDate     *widget.Entry
	Ethnicity     *widgets.TypeSelect
	PersonalID    *widget.Entry
	Phone         *widget.Entry
	Email         *widget.Entry
	BirthPlace    *kit.PlacePicker
	Address       *kit.PlacePicker
	AddressDetail *widget.Entry
	OldSICode     *widget.Entry
	*moneyFields  // [15] income, [16] method and its months
	IncomeHint    *widget.Label
	StartMonth    *widget.Entry
	Group         *widgets.TypeSelect
	// LocalGroups are the address province's own support groups (its resolution's, beyond the
	// state's), shown when the province has any.
	LocalGroups *widget.CheckGroup
	localIDs    []string          // the group IDs in the order of LocalGroups.Options
	localBox    fyne.CanvasObject // the field, hidden when the province has no groups of its own
	Requests    *widget.Entry
	Save        *widget.Button
	// Restored says the form was reopened from the officer's draft; Discard drops it.
	Restored *widget.Label
	Discard  *widget.Button
	// Problem says why saving failed; Existing opens the pending dossier of the same person.
	Problem  *widget.Label
	Existing *widget.Button
	*widgets.Fields
	*quotePanel

	// Duplicates is the open question about possible duplicates, nil when none.
	Duplicates *DuplicateDialog

	// The saved view.
	SavedCode   *widget.Label
	SavedDue    *widget.Label
	Print       *widget.Button
	PrintStatus *widget.Label
	OpenSaved   *widget.Button
	New         *widget.Button

	genders []string // gender values in radio order
	content *fyne.Container
}

// NewRegisterScreen builds the form from a state (zero state: an empty form starting this
// month, monthly, on the floor income).
func NewRegisterScreen(ses *Session, st RegisterState) *RegisterScreen {
	s := &RegisterScreen{ses: ses, content: container.NewStack()}
	s.build(st)
	return s
}

// Content is the screen's root object.
func (s *RegisterScreen) Content() fyne.CanvasObject { return s.content }

// State returns what the officer has entered.
func (s *RegisterScreen) State() RegisterState {
	st := s.st
	st.Form = s.form()
	return st
}

// build makes the screen from a state: the form beside its quote, or the saved view once the
// dossier is saved.
func (s *RegisterScreen) build(st RegisterState) {
	h := s.ses.Host
	s.Save = nil // callbacks fired while building must not check a half-made form
	if st.Touched == nil {
		st.Touched = map[string]bool{}
	}
	s.st = st
	f := st.Form
	if f.StartMonth == "" {
		f.StartMonth = app.MonthOfDate(calendar.DateOf(h.Cfg.Now())).VNString()
	}
	s.Fields = widgets.NewFields()
	s.quotePanel = newQuotePanel(h.Cfg)
	s.buildPersonInputs(f)
	s.buildAddressAndMoneyInputs(f)

	s.Save = widget.NewButtonWithIcon(h.T("ui.reg.save"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.Save.Importance = widget.HighImportance
	s.Problem = widgets.ProblemLabel()
	s.Existing = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), nil)
	s.Existing.Hide()

	form := s.layoutForm()
	side := s.sidePanel(st.Restored)
	s.content.Objects = []fyne.CanvasObject{widgets.Panes(container.NewPadded(form), side)}

	if st.Saved != nil {
		s.content.Objects = []fyne.CanvasObject{s.savedView(*st.Saved)}
	}
	s.content.Refresh()
	s.check()
}

// editedEntry is a text input of the form holding text, which records an edit of the field
// key.
func (s *RegisterScreen) editedEntry(key, text, placeholder string) *widget.Entry {
	e := &widget.Entry{Text: text, PlaceHolder: placeholder}
	e.ExtendBaseWidget(e)
	e.OnChanged = func(string) { s.edited(key) }
	return e
}

// buildPersonInputs makes the inputs of the person from the form f: name, gender, birth date,
// ethnicity, personal ID, phone and e-mail.
func (s *RegisterScreen) buildPersonInputs(f app.RegistrationForm) {
	h := s.ses.Host
	s.FullName = s.editedEntry("full_name", f.FullName, h.T("ui.reg.full_name_placeholder"))
	s.genders = []string{"male", "female"}
	s.Gender = widget.NewRadioGroup([]string{h.T("ui.gender.male"), h.T("ui.gender.female")}, nil)
	s.Gender.Horizontal = true
	if g, err := app.ParseGender(f.Gender); err == nil {
		s.Gender.SetSelected(s.Gender.Options[int(g)-1])
	}
	s.Gender.OnChanged = func(string) { s.edited("gender") }
	s.BirthDate = s.editedEntry("birth_date", f.BirthDate, h.T("ui.reg.birth_date_placeholder"))
	eth := make([]string, len(h.Cfg.Places.Ethnicities))
	for i, e := range h.Cfg.Places.Ethnicities {
		eth[i] = e.Code + " · " + e.Name
	}
	s.Ethnicity = widgets.NewTypeSelect(eth, h.Cfg.Now)
	s.Ethnicity.PlaceHolder = h.T("ui.choose")
	for i, e := range h.Cfg.Places.Ethnicities {
		if e.Code == f.Ethnicity {
			s.Ethnicity.SetSelectedIndex(i)
		}
	}
	s.Ethnicity.OnChanged = func(string) { s.edited("ethnicity") }
	s.PersonalID = s.editedEntry("personal_id", f.PersonalID, h.T("ui.reg.personal_id_placeholder"))
	s.Phone = s.editedEntry("phone", f.Phone, "")
	s.Email = s.editedEntry("email", f.Email, "")
}

// buildAddressAndMoneyInputs makes the rest of the inputs from the form f: where the birth was
// registered, the address, the old social insurance code, the income and the method, the first
// month, the support groups and the other requests.
func (s *RegisterScreen) buildAddressAndMoneyInputs(f app.RegistrationForm) {
	h := s.ses.Host
	s.BirthPlace = kit.NewPlacePicker(h, f.BirthRegistration.Province, f.BirthRegistration.Commune,
		func(part string) { s.edited("birth_registration." + part) })
	s.Address = kit.NewPlacePicker(h, f.Address.Province, f.Address.Commune, func(part string) { s.edited("address." + part) })
	s.AddressDetail = s.editedEntry("address.detail", f.Address.Detail, h.T("ui.reg.detail_placeholder"))
	s.OldSICode = s.editedEntry("old_si_code", f.OldSICode, h.T("ui.reg.old_si_code_placeholder"))
	s.StartMonth = s.editedEntry("start_month", f.StartMonth, h.T("quote.month_placeholder"))
	kind, months, _ := strings.Cut(f.Method, ":")
	s.moneyFields = newMoneyFields(h.Cfg, string(f.Income), app.MethodKind(kind), months,
		func() app.Month { return monthOr(h.Cfg, s.StartMonth.Text) }, func() { s.edited("income", "method") })
	s.IncomeHint = widget.NewLabel("")
	s.IncomeHint.SizeName = theme.SizeNameCaptionText
	s.IncomeHint.Wrapping = fyne.TextWrapWord
	groups := make([]string, len(app.SupportGroups))
	for i, g := range app.SupportGroups {
		groups[i] = h.T("group." + string(g))
	}
	s.Group = widgets.NewTypeSelect(groups, h.Cfg.Now)
	for i, g := range app.SupportGroups {
		if string(g) == f.SupportGroup || (f.SupportGroup == "" && g == app.Other) {
			s.Group.SetSelectedIndex(i)
		}
	}
	s.Group.OnChanged = func(string) { s.edited("support_group") }
	s.LocalGroups = widget.NewCheckGroup(nil, nil)
	s.LocalGroups.Horizontal = true
	s.setLocalGroups(f.Address.Province, f.LocalGroups)
	s.LocalGroups.OnChanged = func([]string) { s.edited("local_groups") }
	// One line, so that Tab leaves it for the Save button.
	s.Requests = s.editedEntry("other_requests", f.Requests, "")
}

// layoutForm lays the inputs out in the order of the TK1-TS, each with its label and the place
// for its problem: the person, the birth registration, the address, the money.
func (s *RegisterScreen) layoutForm() fyne.CanvasObject {
	h := s.ses.Host
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Add(widgets.NewField(key, label, input)).Object()
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	nationality := widget.NewLabel(h.T("ui.reg.nationality_vn"))
	money := container.NewVBox(s.incomeRow(), s.IncomeHint)
	monthsLabel := widget.NewLabel(h.T("quote.months_label") + ":")
	method := container.NewVBox(s.Method, container.NewBorder(nil, nil, monthsLabel, nil, s.Months))
	return container.NewVBox(
		widgets.Heading(h.T("ui.reg.person")),
		fld("full_name", h.T("field.full_name"), s.FullName),
		pair(fld("gender", h.T("field.gender"), s.Gender), fld("birth_date", h.T("field.birth_date"), s.BirthDate)),
		pair(fld("nationality", h.T("field.nationality"), nationality), fld("ethnicity", h.T("field.ethnicity"), s.Ethnicity)),
		pair(fld("personal_id", h.T("field.personal_id"), s.PersonalID), fld("phone", h.T("field.phone"), s.Phone)),
		pair(fld("email", h.T("field.email"), s.Email), layout.NewSpacer()),
		widgets.Heading(h.T("ui.reg.birth_registration")),
		pair(fld("birth_registration.province", h.T("field.province"), s.BirthPlace.Province),
			fld("birth_registration.commune", h.T("field.commune"), s.BirthPlace.Commune)),
		widgets.Heading(h.T("ui.reg.address")),
		pair(fld("address.province", h.T("field.province"), s.Address.Province),
			fld("address.commune", h.T("field.commune"), s.Address.Commune)),
		fld("address.detail", h.T("ui.reg.detail"), s.AddressDetail),
		pair(fld("old_si_code", h.T("field.old_si_code"), s.OldSICode), layout.NewSpacer()),
		widgets.Heading(h.T("ui.reg.money")),
		pair(fld("income", h.T("field.income"), money), fld("method", h.T("field.method"), method)),
		pair(fld("start_month", h.T("field.start_month"), s.StartMonth),
			fld("support_group", h.T("field.support_group"), s.Group)),
		s.localGroupsField(fld("local_groups", h.T("field.local_groups"), s.LocalGroups)),
		fld("other_requests", h.T("field.other_requests"), s.Requests),
	)
}

// sidePanel is the column beside the form: the quote, the Save button and the problems, under
// the notice of a form reopened from a draft kept at restored (zero: none).
func (s *RegisterScreen) sidePanel(restored time.Time) *fyne.Container {
	h := s.ses.Host
	quote := widget.NewCard(h.T("ui.reg.quote"), h.T("quote.subtitle"), s.quotePanel.content())
	side := container.NewVBox(quote, s.Save, s.General, s.Problem, s.Existing)
	s.Restored = widget.NewLabel("")
	s.Restored.Wrapping = fyne.TextWrapWord
	s.Restored.Importance = widget.WarningImportance
	s.Discard = widget.NewButtonWithIcon(h.T("ui.reg.draft_discard"), theme.DeleteIcon(), s.askDiscard)
	if !restored.IsZero() {
		s.Restored.SetText(h.T("ui.reg.draft_restored", "time", kit.VNTime(restored)))
		notice := widget.NewCard("", "", container.NewVBox(s.Restored, container.NewHBox(s.Discard)))
		side.Objects = append([]fyne.CanvasObject{notice}, side.Objects...)
	}
	return side
}

// form reads the widgets into a TK1-TS as typed.
func (s *RegisterScreen) form() app.RegistrationForm {
	f := app.RegistrationForm{
		FullName: s.FullName.Text, BirthDate: s.BirthDate.Text, Nationality: "VN", PersonalID: s.PersonalID.Text,
		OldSICode: s.OldSICode.Text, Phone: s.Phone.Text, Email: s.Email.Text, Income: app.Amount(s.Income.Text),
		Method: s.methodText(), StartMonth: s.StartMonth.Text, Requests: s.Requests.Text,
	}
	for i, o := range s.Gender.Options {
		if s.Gender.Selected == o {
			f.Gender = s.genders[i]
		}
	}
	if i := s.Ethnicity.SelectedIndex(); i >= 0 {
		f.Ethnicity = s.ses.Cfg.Places.Ethnicities[i].Code
	}
	f.BirthRegistration.Province, f.BirthRegistration.Commune = s.BirthPlace.Codes()
	f.Address.Province, f.Address.Commune = s.Address.Codes()
	f.Address.Detail = s.AddressDetail.Text
	if i := s.Group.SelectedIndex(); i >= 0 {
		f.SupportGroup = string(app.SupportGroups[i])
	}
	for _, chosen := range s.LocalGroups.Selected {
		for i, o := range s.LocalGroups.Options {
			if o == chosen {
				f.LocalGroups = append(f.LocalGroups, s.localIDs[i])
			}
		}
	}
	return f
}

// localGroupsField keeps the province groups' field to hide it when there are none.
func (s *RegisterScreen) localGroupsField(o fyne.CanvasObject) fyne.CanvasObject {
	s.localBox = o
	if len(s.localIDs) == 0 {
		o.Hide()
	}
	return o
}

// setLocalGroups offers the province's own support groups, keeping those of chosen it has.
func (s *RegisterScreen) setLocalGroups(province string, chosen []string) {
	groups := s.ses.Cfg.Rules().LocalGroups[province]
	names, ids, selected := make([]string, len(groups)), make([]string, len(groups)), []string{}
	for i, g := range groups {
		names[i], ids[i] = g.NameVI, g.ID
		if s.ses.Cfg.Lang == app.EN {
			names[i] = g.NameEN
		}
		if slices.Contains(chosen, g.ID) {
			selected = append(selected, names[i])
		}
	}
	s.localIDs = ids
	cb := s.LocalGroups.OnChanged
	s.LocalGroups.OnChanged = nil
	s.LocalGroups.Options = names
	s.LocalGroups.Selected = selected
	s.LocalGroups.Refresh()
	s.LocalGroups.OnChanged = cb
	if s.localBox != nil {
		if len(groups) == 0 {
			s.localBox.Hide()
		} else {
			s.localBox.Show()
		}
	}
}

// edited records that the officer changed fields, then checks the form again.
func (s *RegisterScreen) edited(keys ...string) {
	if s.Save == nil {
		return // still building
	}
	for _, k := range keys {
		s.st.Touched[k] = true
		if k == "address.province" {
			prov, _ := s.Address.Codes()
			s.setLocalGroups(prov, s.form().LocalGroups)
		}
	}
	s.ses.Touch()
	s.check()
	if s.st.Saved == nil && s.ses.Drafts != nil {
		s.ses.Drafts.Note(s.form(), s.st.Touched)
	}
}

// Pending says whether the form holds typed input not yet saved as a dossier.
func (s *RegisterScreen) Pending() bool { return s.st.Saved == nil && !s.form().Empty() }

// askDiscard asks before dropping the reopened draft, then starts an empty form.
func (s *RegisterScreen) askDiscard() {
	t := s.ses.T
	var pop *widget.PopUp
	msg := widget.NewLabel(t("ui.reg.draft_discard_ask", "name", s.FullName.Text))
	msg.Wrapping = fyne.TextWrapWord
	hide := func() {
		if pop != nil {
			pop.Hide()
		}
	}
	keep := widgets.NewKeyButton(t("ui.reg.draft_keep"), theme.CancelIcon(), hide)
	drop := widgets.NewKeyButton(t("ui.reg.draft_discard"), theme.DeleteIcon(), func() {
		hide()
		ses := s.ses
		var err error
		if ses.Drafts != nil {
			ses.Drafts.Drop()
		}
		ses.Run(func() { err = ses.Intake.DropDraft(ses.Sess) }, func() {
			if err != nil {
				widgets.SetText(s.Problem, ses.Message(err))
				return
			}
			s.build(RegisterState{})
		})
	})
	drop.Importance = widget.DangerImportance
	pop = s.ses.Dialog(t("ui.reg.draft_discard"), container.NewVBox(msg, container.NewHBox(layout.NewSpacer(), keep, drop)), 480, hide)
	if pop == nil {
		drop.OnTapped()
	} else if w := s.ses.Window(); w != nil {
		w.Canvas().Focus(keep)
	}
}

// check validates the form and quotes it: a field shows its problems once it has been edited
// or filled in, every field after the first save.
func (s *RegisterScreen) check() int {
	f := s.form()
	_, err := s.ses.Intake.Ref.Validator().Validate(f)
	values := formValues(f)
	n := s.ShowProblems(s.ses.Cfg, err, func(key string) bool {
		return s.st.Submitted || s.st.Touched[key] || strings.TrimSpace(values[key]) != ""
	})
	s.syncMonths()
	s.IncomeHint.SetText(s.incomeHint())
	s.requote(f)
	return n
}

// requote quotes what the form says, as the registration will: the declared group and, for
// an ethnic minority, that group too; the local support of the address's province.
func (s *RegisterScreen) requote(f app.RegistrationForm) {
	q, err := s.ses.Cfg.Rules().QuoteForm(f, calendar.DateOf(s.ses.Cfg.Now().In(calendar.VN)))
	s.quotePanel.paint(q, err)
}

// formValues are the form's texts by problem key.
func formValues(f app.RegistrationForm) map[string]string {
	return map[string]string{
		"full_name": f.FullName, "gender": f.Gender, "birth_date": f.BirthDate, "nationality": f.Nationality,
		"ethnicity": f.Ethnicity, "personal_id": f.PersonalID, "phone": f.Phone, "email": f.Email,
		"birth_registration.province": f.BirthRegistration.Province, "birth_registration.commune": f.BirthRegistration.Commune,
		"address.province": f.Address.Province, "address.commune": f.Address.Commune, "address.detail": f.Address.Detail,
		"old_si_code": f.OldSICode, "income": string(f.Income), "method": f.Method, "start_month": f.StartMonth,
		"support_group": f.SupportGroup, "local_groups": strings.Join(f.LocalGroups, ","), "other_requests": f.Requests,
	}
}

// FirstFocus is the first field of the form, or the receipt's Print button once saved.
func (s *RegisterScreen) FirstFocus() fyne.Focusable {
	if s.st.Saved != nil && s.Print != nil && s.Print.Visible() {
		return s.Print
	}
	return s.FullName
}

// ShortcutSave saves the form (Ctrl+S).
func (s *RegisterScreen) ShortcutSave() {
	if s.st.Saved == nil {
		s.save(false)
	}
}

// ShortcutPrint prints the receipt of the dossier just saved (Ctrl+P).
func (s *RegisterScreen) ShortcutPrint() {
	if s.st.Saved != nil && s.Print != nil && s.Print.Visible() && !s.Print.Disabled() {
		s.Print.OnTapped()
	}
}
