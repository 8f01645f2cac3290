package ui

import (
	"io"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/officesync"
	"bhxhdesk/records"
)

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

// problemText is a row problem in words: "field: message", or the message alone when it names
// no field.
func (r *recordsSession) problemText(p app.FieldProblem) string {
	return r.msg(&app.Error{Field: p.Field, Code: p.Code, Args: p.Args})
}

// exceptionText is why a voucher waits for an officer's decision, in words.
func (r *recordsSession) exceptionText(st app.VoucherState) string {
	return r.t("err."+st.Exception, flatArgs(st.Args)...)
}

// flatArgs turns a problem's arguments into key, value pairs in a stable order.
func flatArgs(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, 2*len(m))
	for _, k := range keys {
		out = append(out, k, m[k])
	}
	return out
}

// methodText names a payment method ("ahead:12" → "Đóng trước nhiều năm (12 tháng)").
func (r *recordsSession) methodText(m string) string {
	kind, n, ok := strings.Cut(m, ":")
	label := r.t("method." + kind)
	if ok {
		label += " (" + r.t("ui.months", "months", n) + ")"
	}
	return label
}

// RecordsTab names a tab of the book and covers page.
type RecordsTab string

// The tabs of the book and covers page.
const (
	TabBook   RecordsTab = "book"
	TabCovers RecordsTab = "covers"
)

// RecordsState is the book and covers page's state.
type RecordsState struct {
	Tab    RecordsTab
	Book   BookState
	Covers CoversState
}

// RecordsPage is the "Sổ & bìa" page: the electronic book of a person (sổ BHXH điện tử) and
// the book covers to issue and print (tờ bìa sổ), each in a tab.
type RecordsPage struct {
	Tabs   *container.AppTabs
	Book   *BookScreen
	Covers *CoversScreen

	tab     RecordsTab
	content fyne.CanvasObject
}

// NewRecordsPage builds the page from its state.
func NewRecordsPage(r *recordsSession, st RecordsState) *RecordsPage {
	p := &RecordsPage{tab: st.Tab}
	if p.tab == "" {
		p.tab = TabBook
	}
	p.Book = NewBookScreen(r, st.Book)
	p.Covers = NewCoversScreen(r, st.Covers)
	book := container.NewTabItemWithIcon(r.t("ui.book.tab"), theme.AccountIcon(), p.Book.Content())
	covers := container.NewTabItemWithIcon(r.t("ui.covers.tab"), theme.DocumentIcon(), p.Covers.Content())
	p.Tabs = container.NewAppTabs(book, covers)
	if p.tab == TabCovers {
		p.Tabs.Select(covers)
	}
	p.Tabs.OnSelected = func(it *container.TabItem) {
		p.tab = TabBook
		if it == covers {
			p.tab = TabCovers
			p.Covers.Reload()
		}
	}
	p.content = p.Tabs
	return p
}

// Content is the page's root object.
func (p *RecordsPage) Content() fyne.CanvasObject { return p.content }

// State returns the page's state.
func (p *RecordsPage) State() RecordsState {
	return RecordsState{Tab: p.tab, Book: p.Book.State(), Covers: p.Covers.State()}
}

// Show selects a tab.
func (p *RecordsPage) Show(tab RecordsTab) {
	i := 0
	if tab == TabCovers {
		i = 1
	}
	p.Tabs.SelectIndex(i)
}

// Tab is the tab shown.
func (p *RecordsPage) Tab() RecordsTab { return p.tab }

// newListHeader is a bold header row laid out like the list's rows.
func newListHeader(cols columns, titles ...string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(titles))
	for i, title := range titles {
		l := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		// A heading wider than its column goes on two lines rather than losing its end
		// ("NN + ĐP hỗ …"): the rows below keep the widths.
		l.Wrapping = fyne.TextWrapWord
		objs[i] = l
	}
	return container.NewVBox(container.New(cols, objs...), widget.NewSeparator())
}

// newListRow is a row of n truncating labels laid out in cols.
func newListRow(cols columns, n int) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, n)
	for i := range objs {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		objs[i] = l
	}
	return container.New(cols, objs...)
}

// setRow fills a row made by newListRow.
func setRow(o fyne.CanvasObject, texts ...string) {
	objs := o.(*fyne.Container).Objects
	for i, t := range texts {
		if i < len(objs) {
			objs[i].(*widget.Label).SetText(t)
		}
	}
}

// rowLabel is the label of column i of a row made by newListRow.
func rowLabel(o fyne.CanvasObject, i int) *widget.Label {
	return o.(*fyne.Container).Objects[i].(*widget.Label)
}

// infoRow is a form item showing a value that wraps.
func infoRow(label, value string) *widget.FormItem {
	v := widget.NewLabel(value)
	v.Wrapping = fyne.TextWrapWord
	return &widget.FormItem{Text: label, Widget: v}
}

// statusLabel is a wrapping label for the outcome of an action, hidden while empty.
func statusLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// setStatus shows an outcome: in green when ok, else in red.
func setStatus(l *widget.Label, ok bool, text string) {
	l.Importance = widget.DangerImportance
	if ok {
		l.Importance = widget.SuccessImportance
	}
	setText(l, text)
}

// firstFocus is the book's personal ID, so the officer types it at once.
func (p *RecordsPage) firstFocus() fyne.Focusable {
	if p.tab == TabBook {
		return p.Book.Query
	}
	return nil
}
