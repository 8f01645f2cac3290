package widgets

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

func NewField(key, label string, input fyne.CanvasObject) *field {
	f := &field{key: key, label: widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), input: input}
	f.label.Wrapping = fyne.TextWrapWord
	f.label.SizeName = theme.SizeNameCaptionText
	f.msg = ProblemLabel()
	return f
}

// Object lays the field out: label, input, problem.
func (f *field) Object() fyne.CanvasObject { return container.NewVBox(f.label, f.input, f.msg) }

// ProblemLabel is a red, wrapping, initially hidden label for problems.
func ProblemLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// SetText shows text in a label, hiding the label when text is empty.
func SetText(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// Fields are the inputs of one form, by key, with a label for problems that belong to no input.
type Fields struct {
	ByKey   map[string]*field
	order   []string // the keys in the order the form shows them
	General *widget.Label
}

func NewFields() *Fields { return &Fields{ByKey: map[string]*field{}, General: ProblemLabel()} }

func (fs *Fields) Add(f *field) *field {
	fs.ByKey[f.key] = f
	fs.order = append(fs.order, f.key)
	return f
}

// FirstProblem is the first input, in the form's order, that shows a problem (nil when none):
// saving a form with problems puts the cursor there.
func (fs *Fields) FirstProblem() fyne.Focusable {
	for _, k := range fs.order {
		if f := fs.ByKey[k]; f.msg.Visible() && f.msg.Text != "" {
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

// wording puts problems and errors in words in the current language (the screens' settings).
type wording interface {
	ProblemText(p app.FieldProblem) string
	ErrorText(err error) string
}

// ShowProblems puts each problem of err under its input (in the current language, as Catalog.Problem
// words it) and the rest in the general label. visible says which inputs may show their
// problems yet (nil: all); problems of hidden inputs are dropped, not moved to the general
// label. It returns the number of problems shown.
func (fs *Fields) ShowProblems(w wording, err error, visible func(key string) bool) int {
	ByKey := map[string][]string{}
	var general []string
	add := func(p app.FieldProblem) {
		if _, ok := fs.ByKey[p.Field]; !ok {
			general = append(general, w.ProblemText(p))
			return
		}
		if visible == nil || visible(p.Field) {
			ByKey[p.Field] = append(ByKey[p.Field], w.ProblemText(p))
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
		general = append(general, w.ErrorText(err))
	}
	n := len(general)
	for key, f := range fs.ByKey {
		SetText(f.msg, strings.Join(ByKey[key], "\n"))
		n += len(ByKey[key])
	}
	SetText(fs.General, strings.Join(general, "\n"))
	return n
}

// Msg is the problem shown under an input ("" when none), for tests.
func (fs *Fields) Msg(key string) string {
	if f, ok := fs.ByKey[key]; ok {
		return f.msg.Text
	}
	return ""
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

// Centered puts obj in a centred column at most width wide.
func Centered(width float32, obj fyne.CanvasObject) fyne.CanvasObject {
	return container.New(column{width: width}, obj)
}

// MinWidth gives its objects at least a width (dialogs would otherwise shrink to their widest
// word).
type MinWidth struct{ Width float32 }

func (l MinWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.Width, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l MinWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// Columns lays out a list row: fixed widths, except the column at flex which takes the rest.
type Columns struct {
	Widths []float32
	Flex   int
}

// flexMin is the narrowest the flexible column gets: on a narrow window (1024 px) it gives up
// its width before the fixed columns do, and its text is cut with an ellipsis.
const flexMin = 90

func (l Columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		if i < len(l.Widths) {
			if i == l.Flex {
				w += min(l.Widths[i], flexMin)
			} else {
				w += l.Widths[i]
			}
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+pad*float32(len(objs)-1), h)
}

func (l Columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	fixed := pad * float32(len(objs)-1)
	for i := range objs {
		if i != l.Flex && i < len(l.Widths) {
			fixed += l.Widths[i]
		}
	}
	x := float32(0)
	for i, o := range objs {
		w := float32(0)
		if i < len(l.Widths) {
			w = l.Widths[i]
		}
		if i == l.Flex {
			w = max(size.Width-fixed, min(l.Widths[i], flexMin))
		}
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		x += w + pad
	}
}

// Heading is a section title.
func Heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// Panes puts two panes side by side when the window is wide enough for both, each scrolling on
// its own (the long form on the left, its summary kept in sight on the right) with a divider the
// officer can drag; on a narrower window (a 1024-px office screen, larger text, a longer
// language) the right pane goes under the left and the page scrolls as one, so nothing is cut
// off at the side.
func Panes(left, right fyne.CanvasObject) *fyne.Container {
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
