package ui

import (
	"io"
	"net/url"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"bhxhdesk/app"
)

// saveAs is Config.SaveAs, or Fyne's file dialog.
func (d *Desk) saveAs(name string, done func(io.WriteCloser, error)) {
	if d.cfg.SaveAs != nil {
		d.cfg.SaveAs(name, done)
		return
	}
	w := d.window()
	if w == nil {
		done(nil, nil)
		return
	}
	dlg := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if wc == nil {
			done(nil, err)
			return
		}
		done(wc, err)
	}, w)
	dlg.SetFileName(name)
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// openFile is Config.OpenFile, or Fyne's file dialog.
func (d *Desk) openFile(exts []string, done func(io.ReadCloser, string, error)) {
	if d.cfg.OpenFile != nil {
		d.cfg.OpenFile(exts, done)
		return
	}
	w := d.window()
	if w == nil {
		done(nil, "", nil)
		return
	}
	dlg := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if rc == nil {
			done(nil, "", err)
			return
		}
		done(rc, rc.URI().Name(), err)
	}, w)
	dlg.SetFilter(storage.NewExtensionFileFilter(exts))
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// openFolder is Config.OpenFolder, or Fyne's folder dialog.
func (d *Desk) openFolder(done func(path string, err error)) {
	if d.cfg.OpenFolder != nil {
		d.cfg.OpenFolder(done)
		return
	}
	w := d.window()
	if w == nil {
		done("", nil)
		return
	}
	dlg := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if l == nil {
			done("", err)
			return
		}
		done(l.Path(), err)
	}, w)
	d.startIn(dlg)
	dlg.Show()
	d.fitDialog(dlg)
}

// startIn makes a file dialog start in SaveDir.
func (d *Desk) startIn(dlg *dialog.FileDialog) {
	if d.cfg.SaveDir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(d.cfg.SaveDir)); err == nil {
			dlg.SetLocation(l)
		}
	}
}

// fitDialog makes a shown file dialog fill most of the window. Only after Show: Fyne builds the
// dialog there, and resizing it before dereferences what does not exist yet (a nil-pointer
// panic in FileDialog.MinSize that closed the program at every print, import and restore).
func (d *Desk) fitDialog(dlg *dialog.FileDialog) {
	if w := d.window(); w != nil {
		size := w.Canvas().Size()
		dlg.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	}
}

// openPDF writes a PDF to a private temporary file and hands it to the system's viewer; the
// file is removed at sign-out.
func (d *Desk) openPDF(name string, pdf []byte) error {
	fail := func(err error) error {
		args := map[string]string{"file": name, "reason": app.ReasonOf(err)}
		return &app.Error{Kind: app.Unavailable, Code: app.CodeOpenPdfFailed, Args: args, Err: err}
	}
	f, err := os.CreateTemp(d.cfg.TempDir, "bhxh-*-"+name)
	if err != nil {
		return fail(err)
	}
	d.temps = append(d.temps, f.Name())
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	u, err := url.Parse(storage.NewFileURI(f.Name()).String())
	if err != nil {
		return fail(err)
	}
	open := d.cfg.OpenURL
	if open == nil {
		a := fyne.CurrentApp()
		if a == nil {
			return fail(os.ErrInvalid)
		}
		open = a.OpenURL
	}
	if err := open(u); err != nil {
		return fail(err)
	}
	return nil
}

// removeTemps removes the PDFs handed to the system's viewer (they hold personal data).
func (d *Desk) removeTemps() {
	for _, f := range d.temps {
		_ = os.Remove(f) // the viewer may hold it open on some systems; the folder goes at exit
	}
	d.temps = nil
}
