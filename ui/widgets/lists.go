package widgets

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// FlatArgs turns a problem's arguments into key, value pairs in a stable order.
func FlatArgs(m map[string]string) []string {
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

// NewListHeader is a bold header row laid out like the list's rows.
func NewListHeader(cols Columns, titles ...string) fyne.CanvasObject {
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

// NewListRow is a row of n truncating labels laid out in cols.
func NewListRow(cols Columns, n int) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, n)
	for i := range objs {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		objs[i] = l
	}
	return container.New(cols, objs...)
}

// SetRow fills a row made by newListRow.
func SetRow(o fyne.CanvasObject, texts ...string) {
	objs := o.(*fyne.Container).Objects
	for i, t := range texts {
		if i < len(objs) {
			objs[i].(*widget.Label).SetText(t)
		}
	}
}

// RowLabel is the label of column i of a row made by newListRow.
func RowLabel(o fyne.CanvasObject, i int) *widget.Label {
	return o.(*fyne.Container).Objects[i].(*widget.Label)
}

// InfoRow is a form item showing a value that wraps.
func InfoRow(label, value string) *widget.FormItem {
	v := widget.NewLabel(value)
	v.Wrapping = fyne.TextWrapWord
	return &widget.FormItem{Text: label, Widget: v}
}

// StatusLabel is a wrapping label for the outcome of an action, hidden while empty.
func StatusLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// SetStatus shows an outcome: in green when ok, else in red.
func SetStatus(l *widget.Label, ok bool, text string) {
	l.Importance = widget.DangerImportance
	if ok {
		l.Importance = widget.SuccessImportance
	}
	SetText(l, text)
}
