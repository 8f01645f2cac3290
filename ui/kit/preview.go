package kit

import (
	"bytes"
	"image"
	_ "image/png" // the preview pages are PNG
	"io"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/widgets"
)

// previewHeight is the height a preview page is shown at: one page fits without scrolling.
const previewHeight = 430

// PreviewDialog shows a PDF to print: its pages rendered where the platform can
// (Config.RenderPDF), else the PDF opened in the system's viewer; "Save as…" keeps a copy, and
// the system viewer prints it. The print is counted (the commit hook) when the PDF first leaves
// the desk, saved or handed to the viewer, never when it is only looked at.
type PreviewDialog struct {
	Name  string
	PDF   []byte
	Pages []*canvas.Image
	// Opened is set once the PDF was handed to the system's viewer; Committed once the print
	// was counted.
	Opened     bool
	Committed  bool
	commit     func() error
	committed  func()
	SaveAs     *widgets.KeyButton
	OpenViewer *widgets.KeyButton
	Close      *widgets.KeyButton
	Status     *widget.Label
	pop        *widget.PopUp
}

// ShowPDF shows a PDF to print (name is the file name proposed), with its rendered pages when
// there are any. commit counts the print the first time the PDF is saved or opened in the
// viewer (refused, nothing leaves the desk), then committed runs; closed runs when the dialog
// closes.
func (r *RecSession) ShowPDF(title, name string, pdf []byte, pages [][]byte, commit func() error, committed, closed func()) *PreviewDialog {
	t := r.T
	d := &PreviewDialog{Name: name, PDF: pdf, Status: widgets.StatusLabel(), commit: commit, committed: committed}
	d.SaveAs = widgets.NewKeyButton(t("ui.preview.save_as"), theme.DocumentSaveIcon(), func() { r.savePDF(d) })
	d.SaveAs.Importance = widget.HighImportance
	d.OpenViewer = widgets.NewKeyButton(t("ui.preview.open"), theme.DocumentPrintIcon(), func() { r.openViewer(d) })
	closeIt := func() {
		if d.pop != nil {
			d.pop.Hide()
		}
		if closed != nil {
			closed()
		}
	}
	d.Close = widgets.NewKeyButton(t("ui.preview.close"), theme.CancelIcon(), closeIt)
	box := container.NewVBox()
	for i, png := range pages {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(png))
		if err != nil || cfg.Height == 0 {
			continue
		}
		img := canvas.NewImageFromReader(bytes.NewReader(png), name+"-"+strconv.Itoa(i+1)+".png")
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(float32(previewHeight*cfg.Width/cfg.Height), previewHeight))
		d.Pages = append(d.Pages, img)
		box.Add(container.NewCenter(img))
	}
	var body fyne.CanvasObject
	if len(d.Pages) > 0 {
		scroll := container.NewVScroll(box)
		scroll.SetMinSize(fyne.NewSize(820, previewHeight+10))
		note := widget.NewLabel(t("ui.preview.pages", "count", strconv.Itoa(len(d.Pages))))
		note.SizeName = theme.SizeNameCaptionText
		body = container.NewVBox(scroll, note)
	} else {
		note := widget.NewLabel(t("ui.preview.none"))
		note.Wrapping = fyne.TextWrapWord
		body = note
	}
	buttons := container.NewHBox(d.OpenViewer, layout.NewSpacer(), d.Close, d.SaveAs)
	d.pop = r.Dialog(title, container.NewVBox(body, buttons, d.Status), 860, closeIt)
	if w := r.Window(); w != nil && d.pop != nil {
		w.Canvas().Focus(d.SaveAs)
	}
	if len(d.Pages) == 0 {
		r.openViewer(d)
	}
	return d
}

// count commits the print the first time the PDF leaves the desk; false when it was refused
// (the reason shown).
func (r *RecSession) count(d *PreviewDialog) bool {
	if d.Committed || d.commit == nil {
		return true
	}
	if err := d.commit(); err != nil {
		widgets.SetStatus(d.Status, false, r.Message(err))
		return false
	}
	d.Committed = true
	if d.committed != nil {
		d.committed()
	}
	return true
}

// openViewer hands the PDF to the system's viewer (to look at and print it).
func (r *RecSession) openViewer(d *PreviewDialog) {
	if !r.count(d) {
		return
	}
	if err := r.OpenPDF(d.Name, d.PDF); err != nil {
		widgets.SetStatus(d.Status, false, r.Msg(err))
		return
	}
	d.Opened = true
	widgets.SetStatus(d.Status, true, r.T("ui.preview.opened"))
}

// savePDF asks where to keep a copy of the PDF and writes it there.
func (r *RecSession) savePDF(d *PreviewDialog) {
	r.SaveAs(d.Name, func(w io.WriteCloser, err error) {
		if win := r.Window(); win != nil && d.pop != nil && d.pop.Visible() {
			win.Canvas().Focus(d.SaveAs) // back from the file dialog: Escape closes, Enter saves again
		}
		if err == nil && w != nil && !r.count(d) {
			_ = w.Close()
			return
		}
		r.writeTo(w, err, func() ([]byte, error) { return d.PDF, nil }, d.Status, &d.SaveAs.Button, "ui.preview.saved")
	})
}

// SaveFile asks where to keep a file named name and writes there, off the UI thread, what data
// returns; status tells the outcome (the done key takes the file's name), button is disabled
// meanwhile.
func (r *RecSession) SaveFile(name string, data func() ([]byte, error), status *widget.Label, button *widget.Button, done string) {
	r.SaveAs(name, func(w io.WriteCloser, err error) { r.writeTo(w, err, data, status, button, done) })
}

// writeTo writes what data returns to the file chosen in a save dialog (w nil: cancelled), off
// the UI thread, and tells the outcome in status.
func (r *RecSession) writeTo(
	w io.WriteCloser,
	err error,
	data func() ([]byte, error),
	status *widget.Label,
	button *widget.Button,
	done string,
) {
	if err != nil {
		widgets.SetStatus(status, false, r.Msg(err))
		return
	}
	if w == nil {
		return // cancelled
	}
	button.Disable()
	var werr error
	r.Run(func() {
		b, err := data()
		if err == nil {
			_, err = w.Write(b)
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		werr = err
	}, func() {
		button.Enable()
		if werr != nil {
			widgets.SetStatus(status, false, r.Message(&app.Error{Kind: app.Unavailable, Code: app.CodeSaveFailed,
				Args: map[string]string{"file": WriterName(w), "reason": app.ReasonOf(werr)}, Err: werr}))
			return
		}
		widgets.SetStatus(status, true, r.T(done, "file", WriterName(w)))
	})
}

// WriterName is where a writer writes, when it can say.
func WriterName(w io.Writer) string {
	switch v := w.(type) {
	case interface{ URI() fyne.URI }:
		return v.URI().Path()
	case interface{ Name() string }:
		return v.Name()
	}
	return ""
}
