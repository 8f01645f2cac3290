package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
)

// field is one input of a form: its label above, the input, and its problem below (hidden while
// there is none). key is the field's name in the interchange form, as problems name it.
type field struct {
	key   string
	label *widget.Label
	input fyne.CanvasObject
	msg   *widget.Label
}

func newField(key, label string, input fyne.CanvasObject) *field {
	f := &field{key: key, label: widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), input: input}
	f.label.Wrapping = fyne.TextWrapWord
	f.label.SizeName = theme.SizeNameCaptionText
	f.msg = problemLabel()
	return f
}

// object lays the field out: label, input, problem.
func (f *field) object() fyne.CanvasObject { return container.NewVBox(f.label, f.input, f.msg) }

// problemLabel is a red, wrapping, initially hidden label for problems.
func problemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setText shows text in a label, hiding the label when text is empty.
func setText(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// fields are the inputs of one form, by key, with a label for problems that belong to no input.
type fields struct {
	byKey   map[string]*field
	order   []string // the keys in the order the form shows them
	General *widget.Label
}

func newFields() *fields { return &fields{byKey: map[string]*field{}, General: problemLabel()} }

func (fs *fields) add(f *field) *field {
	fs.byKey[f.key] = f
	fs.order = append(fs.order, f.key)
	return f
}

// firstProblem is the first input, in the form's order, that shows a problem (nil when none):
// saving a form with problems puts the cursor there.
func (fs *fields) firstProblem() fyne.Focusable {
	for _, k := range fs.order {
		if f := fs.byKey[k]; f.msg.Visible() && f.msg.Text != "" {
			if fo := firstFocusable(f.input); fo != nil {
				return fo
			}
		}
	}
	return nil
}

// firstFocusable is o if it takes the focus, else the first of its objects that does.
func firstFocusable(o fyne.CanvasObject) fyne.Focusable {
	if f, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
			return f
		}
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, k := range c.Objects {
			if f := firstFocusable(k); f != nil {
				return f
			}
		}
	}
	return nil
}

// show puts each problem of err under its input (in the current language, as Catalog.Problem
// words it) and the rest in the general label. visible says which inputs may show their
// problems yet (nil: all); problems of hidden inputs are dropped, not moved to the general
// label. It returns the number of problems shown.
func (fs *fields) show(cfg *Settings, err error, visible func(key string) bool) int {
	byKey := map[string][]string{}
	var general []string
	add := func(p app.FieldProblem) {
		if _, ok := fs.byKey[p.Field]; !ok {
			general = append(general, cfg.Catalog.Problem(cfg.Lang, p))
			return
		}
		if visible == nil || visible(p.Field) {
			byKey[p.Field] = append(byKey[p.Field], cfg.Catalog.Problem(cfg.Lang, p))
		}
	}
	var (
		ve *app.ValidationError
		ae *app.Error
	)
	switch {
	case err == nil:
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			add(p)
		}
	case errors.As(err, &ae) && ae.Field != "":
		add(app.FieldProblem{Field: ae.Field, Code: ae.Code, Args: ae.Args})
	default:
		general = append(general, cfg.message(err))
	}
	n := len(general)
	for key, f := range fs.byKey {
		setText(f.msg, strings.Join(byKey[key], "\n"))
		n += len(byKey[key])
	}
	setText(fs.General, strings.Join(general, "\n"))
	return n
}

// Msg is the problem shown under an input ("" when none), for tests.
func (fs *fields) Msg(key string) string {
	if f, ok := fs.byKey[key]; ok {
		return f.msg.Text
	}
	return ""
}

// PlacePicker picks a current province (34 since 2025-07-01, QĐ 19/2025/QĐ-TTg) and one of its
// communes (5-digit codes, no district level).
type PlacePicker struct {
	Province *TypeSelect
	Commune  *TypeSelect

	places   *app.Places
	communes []app.Commune // of the selected province
	province string        // the code the communes are of
	changed  func(part string)
}

// newPlacePicker builds the picker on a province and commune ("" for none); changed receives
// "province" or "commune" after the officer picks one.
func newPlacePicker(h *host, province, commune string, changed func(part string)) *PlacePicker {
	p := &PlacePicker{places: h.cfg.Places, changed: changed}
	names := make([]string, len(p.places.Provinces))
	for i, pr := range p.places.Provinces {
		names[i] = pr.Name
	}
	p.Province = newTypeSelect(names, h.cfg.Now)
	p.Province.PlaceHolder = h.t("ui.choose_province")
	p.Commune = newTypeSelect(nil, h.cfg.Now)
	p.Commune.PlaceHolder = h.t("ui.choose_commune")
	p.set(province, commune)
	p.Province.OnChanged = func(string) {
		if code, _ := p.Codes(); code == p.province {
			return // the same province chosen again keeps its commune
		}
		p.loadCommunes()
		p.changed("province")
	}
	p.Commune.OnChanged = func(string) { p.changed("commune") }
	return p
}

// set selects a province and commune by code ("" leaves them unselected).
func (p *PlacePicker) set(province, commune string) {
	p.Province.ClearSelected()
	for i, pr := range p.places.Provinces {
		if pr.Code == province {
			p.Province.SetSelectedIndex(i)
		}
	}
	p.loadCommunes()
	for i, c := range p.communes {
		if c.Code == commune {
			p.Commune.SetSelectedIndex(i)
		}
	}
}

func (p *PlacePicker) loadCommunes() {
	p.communes, p.province = nil, ""
	if i := p.Province.SelectedIndex(); i >= 0 {
		p.communes, p.province = p.places.Provinces[i].Communes, p.places.Provinces[i].Code
	}
	names := make([]string, len(p.communes))
	for i, c := range p.communes {
		names[i] = c.Name
	}
	cb := p.Commune.OnChanged
	p.Commune.OnChanged = nil
	p.Commune.ClearSelected()
	p.Commune.SetOptions(names)
	p.Commune.OnChanged = cb
}

// Codes returns the selected province and commune codes ("" for none).
func (p *PlacePicker) Codes() (province, commune string) {
	if i := p.Province.SelectedIndex(); i >= 0 {
		province = p.places.Provinces[i].Code
	}
	if i := p.Commune.SelectedIndex(); i >= 0 && i < len(p.communes) {
		commune = p.communes[i].Code
	}
	return province, commune
}

// column centres one object in a column at most width wide (forms read badly across a wide
// window).
type column struct{ width float32 }

func (l column) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l column) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := max(min(size.Width, l.width), o.MinSize().Width)
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

// centered puts obj in a centred column at most width wide.
func centered(width float32, obj fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{width: width}, obj)
}

// minWidth gives its objects at least a width (dialogs would otherwise shrink to their widest
// word).
type minWidth struct{ width float32 }

func (l minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// columns lays out a list row: fixed widths, except the column at flex which takes the rest.
type columns struct {
	widths []float32
	flex   int
}

// flexMin is the narrowest the flexible column gets: on a narrow window (1024 px) it gives up
// its width before the fixed columns do, and its text is cut with an ellipsis.
const flexMin = 90

func (l columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		if i < len(l.widths) {
			if i == l.flex {
				w += min(l.widths[i], flexMin)
			} else {
				w += l.widths[i]
			}
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+pad*float32(len(objs)-1), h)
}

func (l columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	fixed := pad * float32(len(objs)-1)
	for i := range objs {
		if i != l.flex && i < len(l.widths) {
			fixed += l.widths[i]
		}
	}
	x := float32(0)
	for i, o := range objs {
		w := float32(0)
		if i < len(l.widths) {
			w = l.widths[i]
		}
		if i == l.flex {
			w = max(size.Width-fixed, min(l.widths[i], flexMin))
		}
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		x += w + pad
	}
}

// heading is a section title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// panes puts two panes side by side when the window is wide enough for both, each scrolling on
// its own (the long form on the left, its summary kept in sight on the right) with a divider the
// officer can drag; on a narrower window (a 1024-px office screen, larger text, a longer
// language) the right pane goes under the left and the page scrolls as one, so nothing is cut
// off at the side.
func panes(left, right fyne.CanvasObject) *fyne.Container {
	p := &paneLayout{left: left, right: right, ls: container.NewScroll(left), rs: container.NewScroll(right)}
	p.split = container.NewHSplit(p.ls, p.rs)
	p.box = container.NewVBox()
	p.stack = container.NewScroll(p.box)
	p.stack.Hide()
	return container.New(p, p.split, p.stack)
}

// paneLayout is the layout of panes: the split or the stack, whichever the width allows.
type paneLayout struct {
	left, right fyne.CanvasObject
	ls, rs      *container.Scroll
	split       *container.Split
	box         *fyne.Container
	stack       *container.Scroll
	stacked     bool
	placed      bool
}

// Layout puts the panes side by side or one under the other for the size, moving them when
// the arrangement changes.
func (p *paneLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	lw, rw := p.left.MinSize().Width, p.right.MinSize().Width
	stacked := size.Width < lw+rw+4*theme.Padding()
	if !p.placed || stacked != p.stacked {
		p.placed, p.stacked = true, stacked
		if stacked {
			p.ls.Content, p.rs.Content = layout.NewSpacer(), layout.NewSpacer()
			p.box.Objects = []fyne.CanvasObject{p.left, p.right}
			p.split.Hide()
			p.stack.Show()
		} else {
			p.box.Objects = nil
			p.ls.Content, p.rs.Content = p.left, p.right
			p.split.Offset = float64(lw+(size.Width-lw-rw)/2) / float64(size.Width)
			p.stack.Hide()
			p.split.Show()
		}
		p.box.Refresh()
		p.ls.Refresh()
		p.rs.Refresh()
	}
	for _, o := range []fyne.CanvasObject{p.split, p.stack} {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is that of the arrangement shown: both scroll, so it is small.
func (p *paneLayout) MinSize(_ []fyne.CanvasObject) fyne.Size {
	if p.stacked {
		return p.stack.MinSize()
	}
	return p.split.MinSize()
}
