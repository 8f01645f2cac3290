package syncui

import (
	"strconv"

	"bhxhdesk/contract"
	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// DossierSync is the bar under a dossier's detail: where the dossier stands with the centre
// (not sent while its changes wait in the outbox, sent, in conflict, refused) and the records
// actions — record the payment voucher of the registration, open the person's electronic book.
type DossierSync struct {
	r   *Session
	Dos app.Dossier

	State   *widget.Label
	Voucher *widget.Button
	Book    *widget.Button

	content fyne.CanvasObject
}

func NewDossierSync(r *Session, d app.Dossier) *DossierSync {
	x := &DossierSync{r: r, Dos: d}
	t := r.T
	x.State = widget.NewLabel(t("ui.dossier_sync.label", "state", "…"))
	x.State.Truncation = fyne.TextTruncateEllipsis
	row := container.NewHBox(layout.NewSpacer())
	if r.Can(app.PermVoucher) && !d.Has(app.ActPayment) && d.State != app.StateRejected {
		x.Voucher = widget.NewButtonWithIcon(t("ui.dossier_sync.voucher"), theme.DocumentCreateIcon(), x.voucher)
		row.Add(x.Voucher)
	}
	if r.Can(app.PermPersonView) {
		pid := d.Form.PersonalID
		x.Book = widget.NewButtonWithIcon(t("ui.book.open"), theme.AccountIcon(), func() { r.OpenBook(pid) })
		row.Add(x.Book)
	}
	x.content = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, widget.NewIcon(theme.UploadIcon()), row, x.State))
	x.Reload()
	return x
}

// Content is the bar's root object.
func (x *DossierSync) Content() fyne.CanvasObject { return x.content }

// Reload reads the dossier's sync state again: pending while an operation of the dossier is in
// the outbox, else what the centre said last.
func (x *DossierSync) Reload() {
	r, code := x.r, x.Dos.Code
	var (
		pending bool
		es      app.EntitySync
		known   bool
		err     error
	)
	r.Run(func() {
		var ops []contract.Op
		if ops, err = r.Sync.Outbox(0); err != nil {
			return
		}
		for _, op := range ops {
			if op.EntityID == code {
				pending = true
				break
			}
		}
		es, known, err = r.Sync.EntityState(code)
	}, func() { x.paint(pending, es, known, err) })
}

func (x *DossierSync) paint(pending bool, es app.EntitySync, known bool, err error) {
	t := x.r.T
	var state string
	imp := widget.MediumImportance
	switch {
	case err != nil:
		state, imp = x.r.Msg(err), widget.DangerImportance
	case pending:
		state, imp = t("ui.dossier_sync.pending"), widget.WarningImportance
	case !known:
		state = t("ui.dossier_sync.unknown")
	case es.Status == app.OpConflict:
		state, imp = t("ui.dossier_sync.conflict"), widget.DangerImportance
	case es.Status == app.OpRejected:
		state, imp = t("ui.dossier_sync.rejected", "reason", x.r.Name("err.", es.Reason)), widget.DangerImportance
	default:
		state, imp = t("ui.dossier_sync.sent", "time", kit.VNTime(es.At)), widget.SuccessImportance
	}
	x.State.Importance = imp
	x.State.SetText(t("ui.dossier_sync.label", "state", state))
}

// voucher opens the voucher form filled in with the registration's person and the amount due
// for its first period, paid today.
func (x *DossierSync) voucher() {
	f, q := x.Dos.Form, x.Dos.Quote
	in := app.VoucherInput{PersonalID: f.PersonalID, FullName: f.FullName, PaidOn: calendar.DateOf(x.r.Cfg.Now().In(calendar.VN)).String(),
		Months: q.Months}
	if q.Payable > 0 {
		in.Amount = app.Amount(strconv.FormatInt(int64(q.Payable), 10))
	}
	if q.FromMonth != 0 {
		in.FromMonth = q.FromMonth.String()
	}
	x.r.OpenVoucher(in)
}
