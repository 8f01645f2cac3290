package recordsui

import (
	"errors"
	"strconv"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/records"
	"bhxhdesk/ui/widgets"
)

// ExceptionsState is the exceptions queue last fetched and the voucher selected.
type ExceptionsState struct {
	Rows     []app.VoucherView
	Loaded   bool
	Selected string // voucher id
}

// ExceptionsPanel is the queue of vouchers waiting for an officer's decision (chứng từ chờ xử
// lý), oldest first, each with the reason in words. The officer corrects a voucher (a form
// filled in from it) or voids it, always with a reason; the original is never edited, and a
// correction is matched again like any voucher.
type ExceptionsPanel struct {
	r       *Session
	st      ExceptionsState
	onCount func(int)

	List    *widget.List
	Count   *widget.Label
	Refresh *widget.Button
	Problem *widget.Label
	// The selected voucher: its fields, why it waits, and the decisions.
	Detail  *widget.Form
	Reason  *widget.Label
	Correct *widget.Button
	Void    *widget.Button
	Status  *widget.Label
	// Dialog is the open decision, nil when none.
	Dialog *ResolveDialog

	detailBox *fyne.Container
	content   fyne.CanvasObject
}

// exceptionColumns are the widths of the paid date, receipt number, name (flexible) and amount.
var exceptionColumns = widgets.Columns{Widths: []float32{95, 140, 150, 100}, Flex: 2}

func newExceptionsPanel(r *Session, st ExceptionsState, onCount func(int)) *ExceptionsPanel {
	p := &ExceptionsPanel{r: r, st: st, onCount: onCount}
	t := r.T
	p.Count = widget.NewLabel("")
	p.Refresh = widget.NewButtonWithIcon(t("ui.refresh"), theme.ViewRefreshIcon(), p.Reload)
	p.Problem = widgets.ProblemLabel()
	p.Status = widgets.StatusLabel()
	p.List = widget.NewList(func() int { return len(p.st.Rows) }, p.newRow, p.updateRow)
	p.List.OnSelected = func(id widget.ListItemID) {
		if id < len(p.st.Rows) {
			p.st.Selected = p.st.Rows[id].ID
			p.showDetail()
		}
	}
	p.detailBox = container.NewVBox()
	head := widgets.NewListHeader(exceptionColumns, t("field.paid_on"), t("field.receipt_no"), t("ui.col.name"), t("field.amount"))
	left := container.NewBorder(
		container.NewVBox(container.NewHBox(p.Count, layout.NewSpacer(), p.Refresh), head),
		p.Problem,
		nil,
		nil,
		p.List,
	)
	split := container.NewHSplit(left, container.NewScroll(container.NewVBox(p.Status, p.detailBox)))
	split.Offset = 0.55
	p.content = split
	p.show()
	return p
}

// Content is the panel's root object.
func (p *ExceptionsPanel) Content() fyne.CanvasObject { return p.content }

// State returns the queue and the selection.
func (p *ExceptionsPanel) State() ExceptionsState { return p.st }

// Rows are the vouchers in the queue, oldest first.
func (p *ExceptionsPanel) Rows() []app.VoucherView { return p.st.Rows }

// Select shows the voucher at row i.
func (p *ExceptionsPanel) Select(i int) { p.List.Select(i) }

// Reload fetches the queue again.
func (p *ExceptionsPanel) Reload() {
	r := p.r
	var (
		rows []app.VoucherView
		err  error
	)
	r.Run(func() { rows, err = r.Records.Exceptions(r.Sess, 0) }, func() { p.paint(rows, err) })
}

func (p *ExceptionsPanel) paint(rows []app.VoucherView, err error) {
	if err != nil {
		widgets.SetText(p.Problem, p.r.Message(err))
		return
	}
	widgets.SetText(p.Problem, "")
	p.st.Rows, p.st.Loaded = rows, true
	p.show()
}

// show paints the queue held in the state.
func (p *ExceptionsPanel) show() {
	p.Count.SetText(p.r.T("ui.exceptions.count", "count", strconv.Itoa(len(p.st.Rows))))
	if len(p.st.Rows) == 0 && p.st.Loaded {
		p.Count.SetText(p.r.T("cli.no_exceptions"))
	}
	p.List.UnselectAll()
	p.List.Refresh()
	selected := -1
	for i, v := range p.st.Rows {
		if v.ID == p.st.Selected {
			selected = i
		}
	}
	if selected >= 0 {
		p.List.Select(selected)
	} else {
		p.st.Selected = ""
		p.showDetail()
	}
	if p.onCount != nil {
		p.onCount(len(p.st.Rows))
	}
}

func (p *ExceptionsPanel) newRow() fyne.CanvasObject {
	reason := widget.NewLabel("")
	reason.Truncation = fyne.TextTruncateEllipsis
	reason.SizeName = theme.SizeNameCaptionText
	reason.Importance = widget.DangerImportance
	return container.NewVBox(widgets.NewListRow(exceptionColumns, 4), reason)
}

func (p *ExceptionsPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.st.Rows) {
		return
	}
	v := p.st.Rows[id]
	objs := o.(*fyne.Container).Objects
	widgets.SetRow(objs[0], v.PaidOn.VNString(), v.ReceiptNo, v.FullName, v.Amount.Grouped())
	objs[1].(*widget.Label).SetText(p.r.exceptionText(v.State))
}

// selected is the voucher selected.
func (p *ExceptionsPanel) selected() (app.VoucherView, bool) {
	for _, v := range p.st.Rows {
		if v.ID == p.st.Selected {
			return v, true
		}
	}
	return app.VoucherView{}, false
}

func (p *ExceptionsPanel) showDetail() {
	t := p.r.T
	p.Detail, p.Reason, p.Correct, p.Void = nil, nil, nil, nil
	v, ok := p.selected()
	if !ok {
		hint := widget.NewLabel(t("ui.exceptions.pick"))
		hint.Wrapping = fyne.TextWrapWord
		p.detailBox.Objects = []fyne.CanvasObject{hint}
		p.detailBox.Refresh()
		return
	}
	p.Reason = widget.NewLabelWithStyle(p.r.exceptionText(v.State), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Reason.Wrapping = fyne.TextWrapWord
	p.Reason.Importance = widget.DangerImportance
	items := []*widget.FormItem{
		widgets.InfoRow(t("field.receipt_no"), v.ReceiptNo),
		widgets.InfoRow(t("ui.voucher.personal_id"), v.PersonalID),
		widgets.InfoRow(t("ui.voucher.full_name"), v.FullName),
		widgets.InfoRow(t("field.amount"), v.Amount.String()),
		widgets.InfoRow(t("field.paid_on"), v.PaidOn.VNString()),
		widgets.InfoRow(t("ui.voucher.period"), t("ui.voucher.period_value", "from", v.FromMonth.VNString(), "to", v.ToMonth().VNString(),
			"months", strconv.Itoa(v.Months))),
	}
	if v.Collector != "" {
		items = append(items, widgets.InfoRow(t("field.collector"), v.Collector))
	}
	source := t("ui.voucher.source."+string(v.Source), "file", v.File, "line", strconv.Itoa(v.Line))
	items = append(
		items,
		widgets.InfoRow(t("ui.voucher.source"), source),
		widgets.InfoRow(t("ui.voucher.recorded"), t("ui.voucher.recorded_value",
			"time", kit.VNTime(v.Created), "user", v.By)),
	)
	p.Detail = widget.NewForm(items...)
	objs := []fyne.CanvasObject{widgets.Heading(t("ui.exceptions.detail", "receipt", v.ReceiptNo)), p.Reason, p.Detail}
	if p.r.Can(app.PermVoucherResolve) {
		p.Correct = widget.NewButtonWithIcon(t("ui.exceptions.correct"), theme.DocumentCreateIcon(), func() { p.ask("correct") })
		p.Correct.Importance = widget.HighImportance
		p.Void = widget.NewButtonWithIcon(t("ui.exceptions.void"), theme.DeleteIcon(), func() { p.ask("void") })
		p.Void.Importance = widget.DangerImportance
		objs = append(objs, container.NewHBox(p.Correct, p.Void))
	}
	p.detailBox.Objects = objs
	p.detailBox.Refresh()
}

// ResolveDialog asks for an officer's decision on an exception: the corrected voucher (filled
// in from the original) or nothing (void), and the reason, which is required.
type ResolveDialog struct {
	Action  string // "correct" or "void"
	Voucher app.VoucherView
	Form    *VoucherForm // nil when voiding
	Reason  *widgets.KeyEntry
	Confirm *widgets.KeyButton
	Cancel  *widgets.KeyButton
	Problem *widget.Label
	pop     *widget.PopUp
}

func (p *ExceptionsPanel) ask(action string) {
	v, ok := p.selected()
	if !ok {
		return
	}
	t := p.r.T
	d := &ResolveDialog{Action: action, Voucher: v, Problem: widgets.ProblemLabel()}
	d.Reason = widgets.NewKeyEntry(false, 2)
	d.Reason.OnChanged = func(string) { p.r.Touch() }
	var body []fyne.CanvasObject
	why := widget.NewLabel(t("ui.exceptions.why", "reason", p.r.exceptionText(v.State)))
	why.Wrapping = fyne.TextWrapWord
	body = append(body, why)
	if action == "correct" {
		d.Form = newVoucherForm(p.r.Host, VoucherFormState{Text: voucherTextOf(v.Voucher)}, p.r.Touch)
		body = append(body, d.Form.Content())
	} else {
		warn := widget.NewLabel(t("ui.exceptions.void_note"))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		body = append(body, warn)
	}
	body = append(body, widget.NewForm(&widget.FormItem{Text: t("field.reason"), Widget: d.Reason, HintText: t("ui.exceptions.reason_hint")}))
	d.Confirm = widgets.NewKeyButton(t("ui.exceptions."+action), theme.ConfirmIcon(), func() { p.resolve(d) })
	d.Confirm.Importance = widget.HighImportance
	if action == "void" {
		d.Confirm.Importance = widget.DangerImportance
	}
	d.Cancel = widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), p.closeDialog)
	body = append(body, container.NewHBox(layout.NewSpacer(), d.Cancel, d.Confirm), d.Problem)
	p.Dialog = d
	d.pop = p.r.Dialog(t("ui.exceptions.dialog_"+action, "receipt", v.ReceiptNo), container.NewVBox(body...), 760, p.closeDialog)
	if d.pop != nil {
		p.r.Window().Canvas().Focus(d.Reason)
	}
}

func (p *ExceptionsPanel) resolve(d *ResolveDialog) {
	if d.Confirm.Disabled() {
		return
	}
	req := records.ResolveRequest{Action: d.Action, Reason: d.Reason.Text}
	if d.Form != nil {
		in, n := d.Form.submit()
		if n > 0 {
			widgets.SetText(d.Problem, p.r.T("ui.voucher.fix", "count", strconv.Itoa(n)))
			return
		}
		req.Correction = in
	}
	widgets.SetText(d.Problem, "")
	d.Confirm.Disable()
	r, id := p.r, d.Voucher.ID
	var (
		out app.VoucherView
		err error
	)
	r.Run(func() { out, err = r.Records.Resolve(r.Sess, id, req) }, func() {
		d.Confirm.Enable()
		if err != nil {
			var ae *app.Error
			if d.Form != nil && hasFields(err) && !(errors.As(err, &ae) && ae.Field == "reason") {
				d.Form.ShowProblems(r.Cfg, err, nil)
			}
			widgets.SetText(d.Problem, r.Message(err))
			return
		}
		p.closeDialog()
		text := r.T("ui.exceptions.done_"+d.Action, "receipt", d.Voucher.ReceiptNo, "status", r.T("voucher.status."+string(out.State.Status)))
		if out.State.Status == app.VoucherException {
			text += " " + r.exceptionText(out.State)
		}
		widgets.SetStatus(p.Status, out.State.Status != app.VoucherException, text)
		r.Saved()
		p.Reload()
	})
}

func (p *ExceptionsPanel) closeDialog() {
	if p.Dialog != nil && p.Dialog.pop != nil {
		p.Dialog.pop.Hide()
	}
	p.Dialog = nil
}
