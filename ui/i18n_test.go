package ui_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/ui"
	"bhxhdesk/ui/adminui"
	"bhxhdesk/ui/recordsui"
	"bhxhdesk/ui/widgets"
)

// visibleTexts collects every text a person can read in an object tree: labels, buttons,
// checks, radio and select options (all of them, not only the one shown), entries'
// placeholders, cards, form labels and hints, tab titles, canvas texts and the rows a list has
// rendered. Entries' own text is what the user typed and is left out; hidden objects too.
func visibleTexts(o fyne.CanvasObject) []string {
	var out []string
	add := func(s ...string) {
		for _, v := range s {
			if strings.TrimSpace(v) != "" {
				out = append(out, v)
			}
		}
	}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			add(w.Text)
		case *widget.Button:
			add(w.Text)
		case *widget.Check:
			add(w.Text)
		case *widget.RadioGroup:
			add(w.Options...)
		case *widget.Select:
			add(w.Options...)
			if w.Selected == "" {
				add(selectPlaceholder(w))
			}
		case *widgets.TypeSelect:
			add(w.Options...)
			if w.Selected == "" {
				add(selectPlaceholder(&w.Select))
			}
		case *widget.Entry:
			add(w.PlaceHolder)
		case *widget.Card:
			add(w.Title, w.Subtitle)
			walk(w.Content)
		case *widget.Form:
			for _, it := range w.Items {
				add(it.Text, it.HintText)
				walk(it.Widget)
			}
		case *container.AppTabs:
			for _, it := range w.Items {
				add(it.Text)
				walk(it.Content)
			}
		case *container.Scroll:
			walk(w.Content)
		case *container.Split:
			walk(w.Leading)
			walk(w.Trailing)
		case *canvas.Text:
			add(w.Text)
		case *widget.RichText:
			add(w.String())
		case *widget.PopUp:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Icon, *canvas.Rectangle, *canvas.Line, *canvas.Circle, *canvas.Image, *widget.Separator:
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// selectPlaceholder is what an empty select shows: its placeholder, or Fyne's own text.
func selectPlaceholder(s *widget.Select) string {
	if s.PlaceHolder != "" {
		return s.PlaceHolder
	}
	return "(Select one)" // Fyne's default, in English: a select must set its placeholder
}

// catalogueCheck tells texts produced by the translation catalogue (with data in their
// placeholders) from texts written in code.
type catalogueCheck struct {
	values    map[string]bool // every text of the language without placeholders
	templates []template
	data      map[string]bool // names, places and other data a screen shows
}

type template struct {
	re    *regexp.Regexp
	fixed string // the longest fixed part, to skip templates that cannot match
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func newCatalogueCheck(t *testing.T, lang app.Lang, data []string) *catalogueCheck {
	t.Helper()
	cat := assets.MustLoad().Catalog
	c := &catalogueCheck{values: map[string]bool{}, data: map[string]bool{}}
	for _, key := range catalogueKeys(t) {
		// A text that starts with a mark ("⚠ …") is checked as the screens' texts are: without it.
		v := strings.TrimSpace(marks.ReplaceAllString(cat.T(lang, key), ""))
		if !placeholder.MatchString(v) {
			c.values[v] = true
			continue
		}
		parts := placeholder.Split(v, -1)
		fixed := ""
		for _, p := range parts {
			if len(strings.TrimSpace(p)) > len(fixed) {
				fixed = strings.TrimSpace(p)
			}
		}
		if !hasLetter(fixed) {
			continue // only placeholders and punctuation: it would match anything
		}
		var re strings.Builder
		re.WriteString("^")
		for i, p := range parts {
			if i > 0 {
				re.WriteString("(.+?)")
			}
			re.WriteString(regexp.QuoteMeta(p))
		}
		re.WriteString("$")
		c.templates = append(c.templates, template{re: regexp.MustCompile(re.String()), fixed: fixed})
	}
	for _, d := range data {
		c.data[strings.TrimSpace(d)] = true
	}
	return c
}

// catalogueKeys lists every key of the catalogue (from the Vietnamese files).
func catalogueKeys(t *testing.T) []string {
	t.Helper()
	entries, err := assets.FS.ReadDir("i18n")
	require.NoError(t, err)
	var keys []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "vi.") {
			b, err := assets.FS.ReadFile("i18n/" + e.Name())
			require.NoError(t, err)
			for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)":`).FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1])
			}
		}
	}
	return keys
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// code is a machine code shown as it is: dossier codes, receipt numbers, device codes, audit
// action codes and reasons recorded by the services ("receipt_no=…"), keys, file paths.
var code = regexp.MustCompile(`^([A-Za-z0-9]+([-._:/\\][A-Za-z0-9]+)+|[A-Z]*[0-9][A-Z0-9]*|[A-Z]{1,2}|[a-z_]+=\S+|/[^ ]+|` +
	`[A-Za-z0-9_./\\-]+\.(pdf|json|bak|csv|xlsx))$`)

// separators split a line built from several pieces.
var separators = regexp.MustCompile(` · | — | – |: |; |, | \(|\)|«|»`)

// englishOne is a count of one before a singular noun, as app.Catalog writes it.
var englishOne = regexp.MustCompile(`(^|[^0-9.,])1 ` +
	`(day|month|cover|time|dossier|voucher|operation|record|page|notice|action|problem|item|row|year|account)\b`)

// marks start a line of a list or an answer.
var marks = regexp.MustCompile(`^[✓✗?•−+⚠] `)

// ok reports whether a text comes from the catalogue, possibly with data in it.
func (c *catalogueCheck) ok(s string, depth int) bool {
	s = strings.TrimSpace(marks.ReplaceAllString(strings.TrimSpace(s), ""))
	// The catalogue writes English plurals; a count of one makes them singular (app.Catalog).
	s = englishOne.ReplaceAllString(s, "${1}1 ${2}s")
	s = strings.TrimSpace(strings.TrimSuffix(s, ":"))
	switch {
	case s == "" || !hasLetter(s) || c.values[s] || c.data[s] || code.MatchString(s):
		return true
	case depth > 6:
		return false
	}
	if strings.Contains(s, "\n") {
		for _, line := range strings.Split(s, "\n") {
			if !c.ok(line, depth+1) {
				return false
			}
		}
		return true
	}
	for _, tp := range c.templates {
		if !strings.Contains(s, tp.fixed) {
			continue
		}
		m := tp.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		all := true
		for _, g := range m[1:] {
			if len(g) >= len(s) || !c.ok(g, depth+1) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	// A line built from pieces: try each kind of separator alone, the strongest first, so that
	// a piece holding a weaker separator ("Lãnh đạo, tổ trưởng") stays whole.
	for _, sep := range pieceSeparators {
		parts := sep.Split(s, -1)
		if len(parts) < 2 {
			continue
		}
		all := true
		for _, p := range parts {
			if !c.ok(p, depth+1) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// pieceSeparators are the separators of pieces, the strongest first.
var pieceSeparators = []*regexp.Regexp{
	regexp.MustCompile(`; `), regexp.MustCompile(` · `), regexp.MustCompile(` — | – `), regexp.MustCompile(`: `),
	regexp.MustCompile(`, `), regexp.MustCompile(` \(|\)`), regexp.MustCompile(`«|»`),
}

// dataPieces is a data text and the pieces a screen may show of it.
func dataPieces(texts ...string) []string {
	var out []string
	for _, t := range texts {
		out = append(out, t)
		out = append(out, separators.Split(t, -1)...)
	}
	return out
}

// literals are the texts of a screen that no catalogue text explains.
func (c *catalogueCheck) literals(o fyne.CanvasObject) []string {
	seen := map[string]bool{}
	var bad []string
	for _, s := range visibleTexts(o) {
		if !seen[s] && !c.ok(s, 0) {
			bad = append(bad, s)
		}
		seen[s] = true
	}
	sort.Strings(bad)
	return bad
}

// referenceData are the texts the screens show from the reference data: places, ethnic
// groups, the workflow's steps, the calendar's days, the rules' sources.
func referenceData() (out []string) {
	ref := assets.MustLoad()
	defer func() { out = dataPieces(out...) }()
	for _, p := range ref.Places.Provinces {
		out = append(out, p.Name)
		for _, c := range p.Communes {
			out = append(out, c.Name)
		}
	}
	for _, e := range ref.Places.Ethnicities {
		out = append(out, e.Name, e.Code+" · "+e.Name)
	}
	for _, wf := range ref.Workflows.All() {
		out = append(out, wf.Source, wf.Version)
		for _, s := range wf.Steps {
			out = append(out, s.NameVI, s.NameEN)
		}
	}
	for _, y := range ref.Calendars.Years() {
		cal := ref.Calendars.For(testOffice.Province)
		for d := calendar.Of(y, time.January, 1); d.Year() == y; d++ {
			if day, ok := cal.Special(d); ok {
				out = append(out, day.NameVI, day.NameEN)
			}
		}
	}
	r := ref.Rules
	var sources []string
	defer func() { out = append(out, dataPieces(sources...)...) }()
	for _, e := range r.PovertyLine.Entries {
		sources = append(sources, e.Source)
	}
	for _, e := range r.ReferenceLevel.Entries {
		sources = append(sources, e.Source)
	}
	for _, e := range r.Contribution.Entries {
		sources = append(sources, e.Source)
	}
	for _, e := range r.SupportShare.Entries {
		sources = append(sources, e.Source)
	}
	for _, e := range r.Caps.Entries {
		sources = append(sources, e.Source)
	}
	for _, f := range r.FundRates {
		sources = append(sources, f.Source)
	}
	for _, ls := range r.LocalSupport {
		for _, l := range ls {
			sources = append(sources, l.Source)
		}
	}
	return out
}

// TestEveryTextOfTheMainScreensComesFromTheCatalogue walks every widget of the main screens in
// Vietnamese and in English and fails on a text the catalogue of that language does not
// produce: a literal in code, a label left in the other language after the switch, or a
// default of Fyne's in English.
func TestEveryTextOfTheMainScreensComesFromTheCatalogue(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dossiers, data := dossiersToShow(t, o)

	d := openRecordsDesk(t, o, c)
	checks := map[app.Lang]*catalogueCheck{app.VI: newCatalogueCheck(t, app.VI, data), app.EN: newCatalogueCheck(t, app.EN, data)}
	screens := 0
	look := func(name string) {
		t.Helper()
		d.Wait()
		lang := d.Lang()
		screens++
		assert.Empty(t, checks[lang].literals(d.win.Content()), "%s (%s): texts that are not in the catalogue", name, lang)
	}
	both := func(name string, show func()) {
		t.Helper()
		for _, l := range app.Langs {
			d.SetLang(l)
			show()
			look(name)
		}
		d.SetLang(app.VI)
	}

	both("login", func() {})
	d.signIn(t, "canbo")
	both("home", func() { d.Show(ui.PageHome) })
	both("queue", func() { d.Show(ui.PageQueue) })
	both("dossier", func() {
		d.Show(ui.PageQueue)
		d.Wait()
		d.Queue().Rows.List.Select(0)
	})
	both("search", func() {
		d.Show(ui.PageSearch)
		d.Search().Query.SetText("nguyen")
		d.Search().Run()
	})
	both("walk-in", func() {
		d.Show(ui.PageWalkIn)
		d.WalkIn().BirthDate.SetText("17/05/1990")
		d.WalkIn().Quote.Group.SetSelected(d.WalkIn().Quote.Group.Options[0])
	})
	both("register", func() { d.Show(ui.PageRegister) })
	both("vouchers", func() { d.Show(ui.PageVouchers) })
	both("records", func() {
		d.Show(ui.PageRecords)
		d.Wait()
		d.Records().Book.Open(dossiers[0].Form.PersonalID)
	})
	both("covers", func() {
		d.Show(ui.PageRecords)
		d.Records().Show(recordsui.TabCovers)
	})
	both("sync", func() { d.Show(ui.PageSync) })
	both("settings", func() { d.Show(ui.PageAdmin) })
	d.signOut(t)
	d.signIn(t, "admin")
	both("accounts", func() { d.Show(ui.PageAccounts) })
	both("administration", func() {
		d.Show(ui.PageAdmin)
		d.Admin().Show(adminui.TabBackup)
	})
	both("workflow adjustment", func() {
		d.Show(ui.PageAdmin)
		d.Admin().Show(adminui.TabWorkflow)
	})
	both("data protection", func() {
		d.Show(ui.PagePrivacy)
		d.Wait()
		test.Tap(d.Privacy().MakeReport)
		d.Wait()
		d.Privacy().PersonID.SetText(dossiers[0].Form.PersonalID)
		test.Tap(d.Privacy().Lookup)
	})
	assert.Equal(t, 32, screens)
}

// dossiersToShow registers three people and records the first one's voucher, so that the
// screens have rows to show; it returns the dossiers and the data the screens may show beside
// the catalogue's texts (names, addresses, accounts, reference data).
func dossiersToShow(t *testing.T, o *desk.Office) ([]app.Dossier, []string) {
	t.Helper()
	data := []string{"admin", "motcua", "canbo", "truongphong", "Quản trị", "Lê Thị Mai", "Trần Văn Đức", "Phạm Quốc Hùng"}
	data = append(data, testOffice.Name)
	var dossiers []app.Dossier
	for seed := uint64(71); seed < 74; seed++ {
		dos := registerMonthly(t, o, seed)
		dossiers = append(dossiers, dos)
		data = append(data, dataPieces(dos.Form.FullName, dos.Form.Address.Detail, app.UpperName(dos.Form.FullName))...)
	}
	records, _ := o.Services()
	_, officer, err := o.Open("canbo", password)
	require.NoError(t, err)
	officer.Idle = -1
	q := dossiers[0].Quote
	_, err = records.AddVoucher(officer, app.VoucherInput{ReceiptNo: "BL-2026-000071", PersonalID: dossiers[0].Form.PersonalID,
		FullName: dossiers[0].Form.FullName, Amount: app.Amount(q.Payable.Grouped()), PaidOn: "2026-01-05", FromMonth: q.FromMonth.String(),
		Months: q.Months})
	require.NoError(t, err)
	data = append(data, referenceData()...)
	return dossiers, data
}

// TestLanguageSwitchChangesEveryLabel switches a main screen to English and back and checks
// that no Vietnamese text of the catalogue is left on it, and that the navigation and the
// status bar followed.
func TestLanguageSwitchChangesEveryLabel(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	registerMonthly(t, o, 81)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "truongphong")
	vi := newCatalogueCheck(t, app.VI, referenceData())
	for _, p := range []ui.Page{ui.PageHome, ui.PageWalkIn, ui.PageRegister, ui.PageQueue, ui.PageVouchers, ui.PageRecords, ui.PageSync,
		ui.PageAdmin, ui.PagePrivacy} {
		d.Show(p)
		d.Wait()
		before := visibleTexts(d.win.Content())
		d.SetLang(app.EN)
		d.Wait()
		after := visibleTexts(d.win.Content())
		var left []string
		for _, s := range after {
			// A catalogue text of Vietnamese only (not the same word in English) must be gone.
			if vi.values[s] && !checkEN().values[s] {
				left = append(left, s)
			}
		}
		assert.Empty(t, left, "%s: Vietnamese left after the switch", p)
		assert.NotEqual(t, before, after, "%s changed", p)
		assert.Equal(t, "Home", d.Nav(ui.PageHome).Text, "the navigation follows")
		d.SetLang(app.VI)
		d.Wait()
		assert.Equal(t, "Trang chủ", d.Nav(ui.PageHome).Text)
	}
}

var enCheck *catalogueCheck

func checkEN() *catalogueCheck {
	if enCheck == nil {
		enCheck = newCatalogueCheck(&testing.T{}, app.EN, nil)
	}
	return enCheck
}

// TestCatalogueCheckCatchesALiteral makes sure the check above can fail: a label written in
// code, Fyne's English placeholder and a Vietnamese label on an English screen are caught,
// while catalogue texts with data in them pass.
func TestCatalogueCheckCatchesALiteral(t *testing.T) {
	test.NewTempApp(t)
	cat := assets.MustLoad().Catalog
	c := newCatalogueCheck(t, app.EN, []string{"Nguyễn Thị Hồng Ánh"})
	sel := widget.NewSelect([]string{cat.T(app.EN, "group.poor")}, nil)
	box := container.NewVBox(
		widget.NewLabel("Tổng cộng"),
		widget.NewLabel(cat.T(app.VI, "ui.walkin.print")),
		sel,
		widget.NewLabel(cat.T(app.EN, "ui.walkin.print")),
		widget.NewLabel(cat.T(app.EN, "ui.dossier.title", "code", "01001-260105-K70001", "name", "Nguyễn Thị Hồng Ánh")),
		widget.NewLabel(cat.T(app.EN, "quote.deadline")+": 30/06/2024"),
		widget.NewLabel("1.500.000 ₫"),
	)
	w := test.NewTempWindow(t, box)
	w.Resize(fyne.NewSize(800, 600))
	assert.Equal(t, []string{"(Select one)", cat.T(app.VI, "ui.walkin.print"), "Tổng cộng"}, c.literals(box),
		"only the literals are caught")
}

// TestFyneOwnTextsFollowTheDeskLanguage: the texts Fyne draws itself (a confirmation's Yes/No,
// the file dialogs' buttons, the calendar's days) are Vietnamese with the desk and switch with it.
func TestFyneOwnTextsFollowTheDeskLanguage(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openRecordsDesk(t, o, c)
	assert.Equal(t, "Hủy", lang.L("Cancel"))
	assert.Equal(t, "Có", lang.L("Yes"))
	assert.Equal(t, "Tên", lang.X("file.name", "Name"))
	assert.Equal(t, "Thứ Hai", lang.X("monday", "Monday"))

	confirm := dialog.NewConfirm("Xoá?", "Xoá bản nháp?", func(bool) {}, d.win)
	confirm.Show()
	texts := visibleTexts(d.win.Canvas().Overlays().Top())
	assert.Contains(t, texts, "Có")
	assert.Contains(t, texts, "Không")
	confirm.Hide()

	d.SetLang(app.EN)
	assert.Equal(t, "Cancel", lang.L("Cancel"))
	assert.Equal(t, "Name", lang.X("file.name", "Name"))
	d.SetLang(app.VI)
	assert.Equal(t, "Mở", lang.L("Open"))
}
