package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/intakeui"
	"bhxhdesk/ui/recordsui"
	"bhxhdesk/ui/syncui"
)

// Page names a screen of the signed-in desk.
type Page string

// The pages of the navigation, and the dossier detail.
const (
	PageHome     Page = "home"    // trang chủ: the dashboard
	PageWalkIn   Page = "walkin"  // tiếp nhận: pre-check, documents, quote
	PageAdmin    Page = "admin"   // quản trị: settings, office, workflow, rules, calendar, backup
	PagePrivacy  Page = "privacy" // bảo vệ dữ liệu cá nhân
	PageQuote    Page = "quote"   // the quote alone, when the desk runs without a store
	PageRegister Page = "register"
	PageQueue    Page = "queue"
	PageSearch   Page = "search"
	PageAccounts Page = "accounts"
	PageDossier  Page = "dossier"
	PageVouchers Page = "vouchers" // chứng từ
	PageRecords  Page = "records"  // sổ & bìa
	PageSync     Page = "sync"     // đồng bộ
)

// Section is a group of the left navigation.
type Section string

// The sections of the left navigation, in order.
const (
	SecHome     Section = "home"     // Trang chủ
	SecIntake   Section = "intake"   // Tiếp nhận
	SecDossiers Section = "dossiers" // Hồ sơ
	SecVouchers Section = "vouchers" // Chứng từ
	SecRecords  Section = "records"  // Sổ & bìa
	SecSync     Section = "sync"     // Đồng bộ
	SecAdmin    Section = "admin"    // Quản trị
)

// Sections lists the sections in the order of the navigation (Ctrl+1 … Ctrl+7).
var Sections = []Section{SecHome, SecIntake, SecDossiers, SecVouchers, SecRecords, SecSync, SecAdmin}

// navPages are the pages of the left navigation in order, each with its section and the
// permission a role needs to see it ("" for every role).
var navPages = []struct {
	page    Page
	perm    app.Permission
	section Section
}{
	{PageHome, app.PermView, SecHome},
	{PageWalkIn, app.PermRegister, SecIntake}, {PageRegister, app.PermRegister, SecIntake},
	{PageQueue, app.PermView, SecDossiers}, {PageSearch, app.PermView, SecDossiers},
	{PageVouchers, app.PermVoucher, SecVouchers},
	{PageRecords, app.PermPersonView, SecRecords},
	{PageSync, app.PermSync, SecSync},
	{PageAdmin, "", SecAdmin}, {PageAccounts, app.PermManageUsers, SecAdmin}, {PagePrivacy, app.PermAudit, SecAdmin},
}

// Show opens a page of the navigation (the pages the role may not use stay closed).
func (d *Desk) Show(p Page) {
	if d.ses == nil || d.lock != nil {
		return
	}
	if p != PageDossier && !d.allowed(p) {
		return
	}
	if slot, ok := d.pages()[p]; !ok || !slot.open() {
		return
	}
	d.page = p
	d.paint()
	d.focusPage()
}

// ShowSection opens the first page of a section the role may use (Ctrl+1 … Ctrl+7).
func (d *Desk) ShowSection(sec Section) {
	if d.ses == nil {
		return
	}
	for _, n := range navPages {
		if n.section == sec && d.allowed(n.page) {
			d.Show(n.page)
			return
		}
	}
}

// current is the screen of the current page.
func (d *Desk) current() any {
	if slot, ok := d.pages()[d.page]; ok {
		return slot.screen()
	}
	return nil
}

func (d *Desk) allowed(p Page) bool {
	for _, n := range navPages {
		if n.page == p {
			return n.perm == "" || d.ses.Sess.User.Role.Can(n.perm)
		}
	}
	return false
}

// openBook shows a person's electronic book.
func (d *Desk) openBook(pid string) {
	if d.ses == nil || !d.allowed(PageRecords) {
		return
	}
	d.Show(PageRecords)
	d.records.Show(recordsui.TabBook)
	d.records.Book.Open(pid)
}

// openVoucher shows the voucher form filled in with in.
func (d *Desk) openVoucher(in app.VoucherInput) {
	if d.ses == nil || !d.allowed(PageVouchers) {
		return
	}
	d.Show(PageVouchers)
	d.vouchers.Fill(in)
}

// openTile follows a tile of the dashboard into its list.
func (d *Desk) openTile(t intakeui.Tile) {
	switch t {
	case intakeui.TileReceivedToday, intakeui.TileDueToday, intakeui.TileOverdue, intakeui.TileAwaitingPayment, intakeui.TileQuoteChanged:
		d.Show(PageQueue)
		if d.page != PageQueue {
			return
		}
		kind := map[intakeui.Tile]intake.ListKind{
			intakeui.TileReceivedToday: intakeui.ListReceivedToday, intakeui.TileDueToday: intake.ListDueToday,
			intakeui.TileOverdue: intake.ListOverdue, intakeui.TileAwaitingPayment: intake.ListStep,
			intakeui.TileQuoteChanged: intakeui.ListQuoteChanged,
		}[t]
		step := ""
		if t == intakeui.TileAwaitingPayment {
			step = intakeui.PaymentStep(d.in)
		}
		d.queue.Choose(kind, step)
	case intakeui.TileCovers:
		d.Show(PageRecords)
		if d.page == PageRecords {
			d.records.Show(recordsui.TabCovers)
		}
	case intakeui.TileExceptions:
		d.Show(PageVouchers)
		if d.page == PageVouchers {
			d.vouchers.Show(recordsui.TabExceptions)
		}
	case intakeui.TileUnsynced, intakeui.TileLastSync:
		d.Show(PageSync)
		if d.page == PageSync {
			d.syncScreen.Show(syncui.TabPending)
		}
	}
}

// adminHooks are what the settings page changes on the desk itself.
func (d *Desk) adminHooks() adminui.AdminHooks {
	return adminui.AdminHooks{
		Lang:          func() app.Lang { return d.cfg.Lang },
		SetLang:       d.SetLang,
		Appearance:    func() Appearance { return d.cfg.Appearance },
		SetAppearance: d.SetAppearance,
		OpenEnrolment: func() {
			d.Show(PageSync)
			if d.page == PageSync {
				d.syncScreen.Show(syncui.TabSettings)
			}
		},
	}
}

// openDossier fetches a dossier and shows its detail; Back returns to the current page.
func (d *Desk) openDossier(code string) {
	ses := d.ses
	var (
		dos app.Dossier
		err error
	)
	d.run(func() { dos, err = ses.Intake.Dossier(ses.Sess, code) }, func() {
		if d.ses != ses {
			return // signed out meanwhile
		}
		if err != nil {
			ses.Alert(ses.Message(err))
			return
		}
		if d.page != PageDossier {
			d.back = d.page
		}
		d.dossier = intakeui.NewDossierScreen(d.in, intakeui.DossierState{Dossier: dos}, d.closeDossier)
		d.dossierSync = syncui.NewDossierSync(d.syn, dos)
		d.page = PageDossier
		d.paint()
	})
}

func (d *Desk) closeDossier() {
	back := d.back
	if back == "" || back == PageDossier {
		back = PageQueue
	}
	d.Show(back)
}

// NavBar is the left navigation: the sections of the desk (Trang chủ, Tiếp nhận, Hồ sơ, Chứng
// từ, Sổ & bìa, Đồng bộ, Quản trị) with only the pages the signed-in role may use; a section
// with more than one page lists them under its name.
func (d *Desk) navBar(u app.User) fyne.CanvasObject {
	box := container.NewVBox()
	for _, sec := range Sections {
		var pages []Page
		for _, n := range navPages {
			if n.section == sec && (n.perm == "" || u.Role.Can(n.perm)) {
				pages = append(pages, n.page)
			}
		}
		if len(pages) == 0 {
			continue
		}
		button := func(p Page, label string, sub bool) *widget.Button {
			b := widget.NewButtonWithIcon(label, d.pages()[p].icon, func() { d.Show(p) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			if p == d.page || (d.page == PageDossier && p == d.back) {
				b.Importance = widget.HighImportance
			}
			d.nav[p] = b
			return b
		}
		if len(pages) == 1 {
			box.Add(button(pages[0], d.t("ui.section."+string(sec)), false))
			continue
		}
		head := widget.NewLabelWithStyle(d.t("ui.section."+string(sec)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box.Add(head)
		for _, p := range pages {
			box.Add(container.New(indent{10}, button(p, d.t("ui.nav."+string(p)), true)))
		}
	}
	return container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewVScroll(box))
}

// indent shifts its objects right by a width (the pages under a section's name).
type indent struct{ width float32 }

func (l indent) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(l.width, 0)
}

func (l indent) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width-l.width, size.Height))
		o.Move(fyne.NewPos(l.width, 0))
	}
}
