package recordsui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// VoucherText is a payment voucher as typed: dates dd/mm/yyyy (or YYYY-MM-DD), months MM/YYYY
// (or YYYY-MM), amounts with or without thousands dots.
type VoucherText struct {
	ReceiptNo, PersonalID, FullName, Amount, PaidOn, FromMonth, Months, Collector string
}

// voucherText is how a voucher input shows in the form.
func voucherText(in app.VoucherInput) VoucherText {
	t := VoucherText{ReceiptNo: in.ReceiptNo, PersonalID: in.PersonalID, FullName: in.FullName, Amount: string(in.Amount),
		PaidOn: in.PaidOn, FromMonth: in.FromMonth, Collector: in.Collector}
	if m, err := app.ParseMoney(t.Amount); err == nil && t.Amount != "" {
		t.Amount = m.Grouped()
	}
	if d, err := calendar.ParseDate(in.PaidOn); err == nil {
		t.PaidOn = d.VNString()
	}
	if m, err := app.ParseMonth(in.FromMonth); err == nil {
		t.FromMonth = m.VNString()
	}
	if in.Months > 0 {
		t.Months = strconv.Itoa(in.Months)
	}
	return t
}

// voucherTextOf is how a stored voucher shows in the form (for a correction).
func voucherTextOf(v app.Voucher) VoucherText {
	return VoucherText{ReceiptNo: v.ReceiptNo, PersonalID: v.PersonalID, FullName: v.FullName, Amount: v.Amount.Grouped(),
		PaidOn: v.PaidOn.VNString(), FromMonth: v.FromMonth.VNString(), Months: strconv.Itoa(v.Months), Collector: v.Collector}
}

// input turns the typed texts into the interchange form: a date typed dd/mm/yyyy becomes
// YYYY-MM-DD; what cannot be read is passed on as typed, for ParseVoucher to name. monthsOK is
// false when the months are not a whole number.
func (t VoucherText) input() (in app.VoucherInput, monthsOK bool) {
	in = app.VoucherInput{ReceiptNo: t.ReceiptNo, PersonalID: t.PersonalID, FullName: t.FullName, Amount: app.Amount(t.Amount),
		PaidOn: strings.TrimSpace(t.PaidOn), FromMonth: t.FromMonth, Collector: t.Collector}
	if d, err := kit.ParseVNDate(t.PaidOn); err == nil {
		in.PaidOn = d.String()
	}
	n, err := strconv.Atoi(strings.TrimSpace(t.Months))
	in.Months = n
	return in, err == nil
}

// VoucherFormState is what has been typed in a voucher form.
type VoucherFormState struct {
	Text VoucherText
	// Touched are the fields edited; their problems show as the officer types.
	Touched map[string]bool
	// Submitted is set by the first save: every problem shows from then on.
	Submitted bool
}

// VoucherForm is the inputs of one payment voucher (chứng từ đóng), checked with
// app.ParseVoucher as the officer types, each problem under its input.
type VoucherForm struct {
	ReceiptNo, PersonalID, FullName, Amount, PaidOn, FromMonth, Months, Collector *widget.Entry
	*widgets.Fields

	h       *kit.Host
	st      VoucherFormState
	onEdit  func()
	content fyne.CanvasObject
}

func newVoucherForm(h *kit.Host, st VoucherFormState, onEdit func()) *VoucherForm {
	f := &VoucherForm{h: h, Fields: widgets.NewFields(), onEdit: onEdit}
	if st.Touched == nil {
		st.Touched = map[string]bool{}
	}
	f.st = st
	entry := func(key, text, placeholder string) *widget.Entry {
		e := &widget.Entry{Text: text, PlaceHolder: placeholder}
		e.ExtendBaseWidget(e)
		e.OnChanged = func(string) { f.edited(key) }
		return e
	}
	t := st.Text
	f.ReceiptNo = entry("receipt_no", t.ReceiptNo, h.T("ui.voucher.receipt_placeholder"))
	f.PersonalID = entry("personal_id", t.PersonalID, h.T("ui.reg.personal_id_placeholder"))
	f.FullName = entry("full_name", t.FullName, h.T("ui.voucher.name_placeholder"))
	f.Amount = entry("amount", t.Amount, h.T("ui.voucher.amount_placeholder"))
	f.PaidOn = entry("paid_on", t.PaidOn, h.T("ui.date_placeholder"))
	f.FromMonth = entry("from_month", t.FromMonth, h.T("quote.month_placeholder"))
	f.Months = entry("months", t.Months, h.T("quote.months_placeholder"))
	f.Collector = entry("collector", t.Collector, h.T("ui.voucher.collector_placeholder"))
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return f.Add(widgets.NewField(key, label, input)).Object()
	}
	pair := func(a, b fyne.CanvasObject) fyne.CanvasObject { return container.NewGridWithColumns(2, a, b) }
	f.content = container.NewVBox(
		pair(fld("receipt_no", h.T("field.receipt_no"), f.ReceiptNo), fld("personal_id", h.T("ui.voucher.personal_id"), f.PersonalID)),
		fld("full_name", h.T("ui.voucher.full_name"), f.FullName),
		pair(fld("amount", h.T("ui.voucher.amount"), f.Amount), fld("paid_on", h.T("field.paid_on"), f.PaidOn)),
		pair(fld("from_month", h.T("field.from_month"), f.FromMonth), fld("months", h.T("field.months"), f.Months)),
		fld("collector", h.T("field.collector"), f.Collector),
		f.General,
	)
	f.check()
	return f
}

// Content is the form's root object.
func (f *VoucherForm) Content() fyne.CanvasObject { return f.content }

// State returns what has been typed.
func (f *VoucherForm) State() VoucherFormState {
	st := f.st
	st.Text = f.text()
	return st
}

func (f *VoucherForm) text() VoucherText {
	return VoucherText{ReceiptNo: f.ReceiptNo.Text, PersonalID: f.PersonalID.Text, FullName: f.FullName.Text, Amount: f.Amount.Text,
		PaidOn: f.PaidOn.Text, FromMonth: f.FromMonth.Text, Months: f.Months.Text, Collector: f.Collector.Text}
}

func (f *VoucherForm) edited(key string) {
	if f.Collector == nil {
		return // still building
	}
	f.st.Touched[key] = true
	if f.onEdit != nil {
		f.onEdit()
	}
	f.check()
}

// parse checks the typed voucher; the months must be a whole number.
func (f *VoucherForm) parse() (app.VoucherInput, error) {
	in, monthsOK := f.text().input()
	_, err := app.ParseVoucher(in)
	if monthsOK {
		return in, err
	}
	bad := app.FieldProblem{Field: "months", Code: app.CodeMonthsNotNumber, Args: map[string]string{"value": f.Months.Text}}
	ve := &app.ValidationError{}
	if errors.As(err, &ve) {
		for i, p := range ve.Problems {
			if p.Field == "months" {
				ve.Problems[i] = bad
			}
		}
		return in, ve
	}
	return in, &app.ValidationError{Problems: []app.FieldProblem{bad}}
}

// check shows the problems of the fields edited or filled in (all after a save) and returns
// their number.
func (f *VoucherForm) check() int {
	_, err := f.parse()
	text := f.text()
	values := map[string]string{"receipt_no": text.ReceiptNo, "personal_id": text.PersonalID, "full_name": text.FullName,
		"amount": text.Amount, "paid_on": text.PaidOn, "from_month": text.FromMonth, "months": text.Months, "collector": text.Collector}
	return f.ShowProblems(f.h.Cfg, err, func(key string) bool {
		return f.st.Submitted || f.st.Touched[key] || strings.TrimSpace(values[key]) != ""
	})
}

// submit marks the form submitted and returns the input, or false with every problem shown.
func (f *VoucherForm) submit() (app.VoucherInput, int) {
	f.st.Submitted = true
	in, _ := f.parse()
	return in, f.check()
}

// VoucherTab names a tab of the vouchers screen.
type VoucherTab string

// The tabs of the vouchers screen.
const (
	TabVoucherEntry  VoucherTab = "entry"
	TabVoucherImport VoucherTab = "import"
	TabExceptions    VoucherTab = "exceptions"
)

// VouchersState is the vouchers screen's state; it survives a language switch.
type VouchersState struct {
	Tab        VoucherTab
	Form       VoucherFormState
	Saved      *app.VoucherView // the voucher saved last, with its outcome
	Import     ImportState
	Exceptions ExceptionsState
}

// VouchersScreen is the payment vouchers page (chứng từ đóng): one voucher typed from a
// collection agent's receipt, with its outcome — matched and recorded as a participation
// period, or set aside as an exception with the reason —; a CSV/XLSX file imported after a
// preview; and the exceptions queue, where an officer corrects or voids a voucher with a reason.
type VouchersScreen struct {
	r  *Session
	st VouchersState

	Tabs *container.AppTabs
	Form *VoucherForm
	Save *widget.Button
	// Outcome says what became of the voucher saved last; OpenBook and OpenExceptions lead on.
	Outcome        *widget.Label
	OpenBook       *widget.Button
	OpenExceptions *widget.Button
	Problem        *widget.Label
	Import         *ImportPanel
	Exceptions     *ExceptionsPanel

	formBox    *fyne.Container
	exceptions *container.TabItem
	content    fyne.CanvasObject
}

// NewVouchersScreen builds the screen from its state.
func NewVouchersScreen(r *Session, st VouchersState) *VouchersScreen {
	s := &VouchersScreen{r: r, st: st}
	if s.st.Tab == "" {
		s.st.Tab = TabVoucherEntry
	}
	t := r.T
	s.Save = widget.NewButtonWithIcon(t("ui.voucher.save"), theme.DocumentSaveIcon(), s.save)
	s.Save.Importance = widget.HighImportance
	s.Problem = widgets.ProblemLabel()
	s.Outcome = widgets.StatusLabel()
	s.Outcome.TextStyle = fyne.TextStyle{Bold: true}
	s.OpenBook = widget.NewButtonWithIcon(t("ui.book.open"), theme.AccountIcon(), nil)
	s.OpenBook.Hide()
	s.OpenExceptions = widget.NewButtonWithIcon(t("ui.voucher.to_exceptions"), theme.WarningIcon(), func() { s.Show(TabExceptions) })
	s.OpenExceptions.Hide()
	s.formBox = container.NewStack()
	s.setForm(st.Form)
	hint := widget.NewLabel(t("ui.voucher.hint"))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	// The form on the left; the guidance and the outcome of the voucher saved last beside it.
	form := widget.NewCard(t("ui.voucher.entry_title"), "", container.NewVBox(s.formBox,
		container.NewHBox(layout.NewSpacer(), s.Save), s.Problem))
	side := container.NewVBox(hint, widget.NewSeparator(), s.Outcome, container.NewVBox(s.OpenBook, s.OpenExceptions))
	entry := widgets.Panes(form, side)
	if st.Saved != nil {
		s.showSaved(*st.Saved)
	}

	s.Import = newImportPanel(r, st.Import, s.importDone)
	s.Exceptions = newExceptionsPanel(r, st.Exceptions, s.countExceptions)
	entryTab := container.NewTabItemWithIcon(t("ui.voucher.tab_entry"), theme.DocumentCreateIcon(), entry)
	importTab := container.NewTabItemWithIcon(t("ui.voucher.tab_import"), theme.UploadIcon(), s.Import.Content())
	s.exceptions = container.NewTabItemWithIcon(t("ui.voucher.tab_exceptions"), theme.WarningIcon(), s.Exceptions.Content())
	s.Tabs = container.NewAppTabs(entryTab, importTab, s.exceptions)
	tabs := map[*container.TabItem]VoucherTab{entryTab: TabVoucherEntry, importTab: TabVoucherImport, s.exceptions: TabExceptions}
	for it, tab := range tabs {
		if tab == s.st.Tab {
			s.Tabs.Select(it)
		}
	}
	s.Tabs.OnSelected = func(it *container.TabItem) {
		s.st.Tab = tabs[it]
		if s.st.Tab == TabExceptions {
			s.Exceptions.Reload()
		}
	}
	s.countExceptions(len(s.Exceptions.Rows()))
	if !st.Exceptions.Loaded {
		s.Exceptions.Reload()
	}
	s.content = s.Tabs
	return s
}

// Content is the screen's root object.
func (s *VouchersScreen) Content() fyne.CanvasObject { return s.content }

// State returns the screen's state.
func (s *VouchersScreen) State() VouchersState {
	st := s.st
	st.Form = s.Form.State()
	st.Import = s.Import.State()
	st.Exceptions = s.Exceptions.State()
	return st
}

// Show selects a tab.
func (s *VouchersScreen) Show(tab VoucherTab) {
	for i, t := range []VoucherTab{TabVoucherEntry, TabVoucherImport, TabExceptions} {
		if t == tab {
			s.Tabs.SelectIndex(i)
		}
	}
}

// Fill puts a voucher in the form (from a dossier: the person and the amount due) and shows it.
func (s *VouchersScreen) Fill(in app.VoucherInput) {
	s.setForm(VoucherFormState{Text: voucherText(in)})
	s.st.Saved = nil
	s.Outcome.Hide()
	s.OpenBook.Hide()
	s.OpenExceptions.Hide()
	s.Show(TabVoucherEntry)
	if w := s.r.Window(); w != nil && s.Form.ReceiptNo.Text == "" {
		w.Canvas().Focus(s.Form.ReceiptNo)
	}
}

func (s *VouchersScreen) setForm(st VoucherFormState) {
	s.Form = newVoucherForm(s.r.Host, st, s.r.Touch)
	s.Form.ReceiptNo.OnSubmitted = func(string) { s.save() }
	s.formBox.Objects = []fyne.CanvasObject{s.Form.Content()}
	s.formBox.Refresh()
}

func (s *VouchersScreen) save() {
	if s.Save.Disabled() {
		return
	}
	widgets.SetText(s.Problem, "")
	in, n := s.Form.submit()
	if n > 0 {
		widgets.SetText(s.Problem, s.r.T("ui.voucher.fix", "count", strconv.Itoa(n)))
		return
	}
	r := s.r
	s.Save.Disable()
	var (
		vv  app.VoucherView
		err error
	)
	r.Run(func() { vv, err = r.Records.AddVoucher(r.Sess, in) }, func() {
		s.Save.Enable()
		if err != nil {
			if hasFields(err) {
				s.Form.ShowProblems(r.Cfg, err, nil)
			} else {
				widgets.SetText(s.Problem, r.Message(err))
			}
			return
		}
		// The next receipt of a batch is usually from the same day and collector.
		keep := s.Form.text()
		s.setForm(VoucherFormState{Text: VoucherText{PaidOn: keep.PaidOn, Collector: keep.Collector}})
		s.st.Saved = &vv
		s.showSaved(vv)
		r.Saved()
		if vv.State.Status == app.VoucherException {
			s.Exceptions.Reload()
		}
	})
}

// showSaved says what became of a saved voucher.
func (s *VouchersScreen) showSaved(vv app.VoucherView) {
	t := s.r.T
	pid := vv.PersonalID
	s.OpenBook.OnTapped = func() { s.r.OpenBook(pid) }
	s.OpenBook.Show()
	if !s.r.Can(app.PermPersonView) {
		s.OpenBook.Hide()
	}
	s.OpenExceptions.Hide()
	switch vv.State.Status {
	case app.VoucherMatched:
		widgets.SetStatus(s.Outcome, true, t("ui.voucher.matched", "receipt", vv.ReceiptNo, "name", vv.FullName,
			"from", vv.FromMonth.VNString(), "to", vv.ToMonth().VNString(), "months", strconv.Itoa(vv.Months),
			"amount", vv.Amount.String(), "dossier", vv.State.Dossier))
	default:
		s.Outcome.Importance = widget.WarningImportance
		widgets.SetText(s.Outcome, t("ui.voucher.exception", "receipt", vv.ReceiptNo, "name", vv.FullName, "reason", s.r.exceptionText(vv.State)))
		s.OpenExceptions.Show()
	}
}

// importDone follows an import: the exceptions it set aside join the queue.
func (s *VouchersScreen) importDone(res records.ImportResult) {
	if len(res.Exceptions) > 0 {
		s.Exceptions.Reload()
	}
}

func (s *VouchersScreen) countExceptions(n int) {
	if s.exceptions == nil {
		return
	}
	s.exceptions.Text = s.r.T("ui.voucher.tab_exceptions_count", "count", strconv.Itoa(n))
	if s.Tabs != nil {
		s.Tabs.Refresh()
	}
}

// hasFields reports whether an error names the fields it is about (a validation error, or an
// error with a field), so a form can show it under its inputs.
func hasFields(err error) bool {
	var (
		ve *app.ValidationError
		ae *app.Error
	)
	return errors.As(err, &ve) || (errors.As(err, &ae) && ae.Field != "")
}

// FirstFocus is the voucher's receipt number on the entry tab.
func (s *VouchersScreen) FirstFocus() fyne.Focusable {
	if s.st.Tab == TabVoucherEntry {
		return s.Form.ReceiptNo
	}
	return nil
}

// ShortcutSave records the voucher typed (Ctrl+S).
func (s *VouchersScreen) ShortcutSave() {
	if s.st.Tab == TabVoucherEntry {
		s.save()
	}
}
