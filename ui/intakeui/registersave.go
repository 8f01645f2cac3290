package intakeui

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// save registers the form; notDuplicate confirms that the possible duplicates shown are other
// people.
func (s *RegisterScreen) save(notDuplicate bool) {
	if s.Save.Disabled() {
		return
	}
	s.st.Submitted = true
	widgets.SetText(s.Problem, "")
	s.Existing.Hide()
	if n := s.check(); n > 0 {
		widgets.SetText(s.Problem, s.ses.T("ui.reg.fix", "count", strconv.Itoa(n)))
		// The cursor goes to the first problem, which the desk scrolls into view.
		if f, w := s.FirstProblem(), s.ses.Window(); f != nil && w != nil {
			w.Canvas().Focus(f)
		}
		return
	}
	req := intake.RegisterRequest{Form: s.form(), NotDuplicate: notDuplicate, FromDraft: true}
	if s.ses.Drafts != nil {
		s.ses.Drafts.Drop() // the save removes the draft; a late write must not bring it back
	}
	s.Save.Disable()
	var (
		res intake.RegisterResult
		err error
	)
	ses := s.ses
	s.ses.Run(func() { res, err = ses.Intake.Register(ses.Sess, req) }, func() {
		s.Save.Enable()
		if err == nil {
			ses.Saved()
		} else if ses.Drafts != nil {
			ses.Drafts.Note(req.Form, s.st.Touched) // not saved: the draft stays
		}
		s.saved(res, err)
	})
}

func (s *RegisterScreen) saved(res intake.RegisterResult, err error) {
	var ae *app.Error
	switch {
	case err == nil:
		d := res.Dossier
		s.st.Saved = &d
		s.content.Objects = []fyne.CanvasObject{s.savedView(d)}
		s.content.Refresh()
		if w := s.ses.Window(); w != nil && s.Print.Visible() {
			w.Canvas().Focus(s.Print) // Space or Ctrl+P prints the receipt
		}
	case errors.As(err, &ae) && ae.Code == app.CodePossibleDuplicate:
		s.askDuplicates(res.PossibleDuplicates)
	case errors.As(err, &ae) && ae.Code == app.CodeDuplicatePersonalId:
		code := ae.Args["code"]
		widgets.SetText(s.Problem, s.ses.Message(err))
		s.Existing.SetText(s.ses.T("ui.reg.open_existing", "code", code))
		s.Existing.OnTapped = func() { s.ses.Open(code) }
		s.Existing.Show()
	case app.KindOf(err) == app.Invalid:
		n := s.ShowProblems(s.ses.Cfg, err, nil)
		widgets.SetText(s.Problem, s.ses.T("ui.reg.fix", "count", strconv.Itoa(n)))
	default:
		widgets.SetText(s.Problem, s.ses.Message(err))
	}
}

// DuplicateDialog asks whether the person being registered is another person than the
// dossiers with the same folded name and birth date (người khác) before saving.
type DuplicateDialog struct {
	Candidates []app.Summary
	Rows       *widget.Label
	Confirm    *widgets.KeyButton
	Cancel     *widgets.KeyButton
	pop        *widget.PopUp
}

func (s *RegisterScreen) askDuplicates(candidates []app.Summary) {
	t := s.ses.T
	var rows []string
	for _, c := range candidates {
		rows = append(rows, t("ui.dup.row", "code", c.Code, "name", c.Name, "birth", kit.BirthText(c.BirthDate),
			"id", c.PersonalID, "state", t("state."+string(c.State))))
	}
	d := &DuplicateDialog{Candidates: candidates, Rows: widget.NewLabel(strings.Join(rows, "\n"))}
	d.Rows.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(t("ui.dup.intro", "count", strconv.Itoa(len(candidates))))
	intro.Wrapping = fyne.TextWrapWord
	d.Confirm = widgets.NewKeyButton(t("ui.dup.confirm"), theme.ConfirmIcon(), func() {
		s.closeDuplicates()
		s.save(true)
	})
	d.Confirm.Importance = widget.WarningImportance
	d.Cancel = widgets.NewKeyButton(t("ui.cancel"), theme.CancelIcon(), s.closeDuplicates)
	s.Duplicates = d
	body := container.NewVBox(intro, d.Rows, container.NewHBox(layout.NewSpacer(), d.Cancel, d.Confirm))
	d.pop = s.ses.Dialog(t("ui.dup.title"), body, 640, s.closeDuplicates)
	if w := s.ses.Window(); w != nil && d.pop != nil {
		w.Canvas().Focus(d.Cancel) // Enter does not confirm another person by accident
	}
}

func (s *RegisterScreen) closeDuplicates() {
	if s.Duplicates != nil && s.Duplicates.pop != nil {
		s.Duplicates.pop.Hide()
	}
	s.Duplicates = nil
}

// savedView is what follows a registration: the dossier code, the appointment, what the citizen
// pays, and the receipt to print.
func (s *RegisterScreen) savedView(d app.Dossier) fyne.CanvasObject {
	t := s.ses.T
	s.SavedCode = widget.NewLabelWithStyle(d.Code, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.SavedCode.SizeName = theme.SizeNameHeadingText
	s.SavedDue = widget.NewLabelWithStyle(t("ui.reg.due", "date", d.Due.VNString()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	pay := widget.NewLabel(t("ui.reg.payable", "amount", d.Quote.Payable.String(), "date", d.Quote.Deadline.VNString()))
	name := widget.NewLabel(d.Form.FullName + " · " + d.Form.PersonalID)
	s.PrintStatus = widget.NewLabel("")
	s.PrintStatus.Wrapping = fyne.TextWrapWord
	s.PrintStatus.Hide()
	s.Print = widget.NewButtonWithIcon(t("ui.receipt.print"), theme.DocumentPrintIcon(), nil)
	s.Print.OnTapped = func() { s.ses.printReceipt(d.Code, s.Print, s.PrintStatus) }
	s.Print.Importance = widget.HighImportance
	s.OpenSaved = widget.NewButtonWithIcon(t("ui.reg.open_saved"), theme.FolderOpenIcon(), func() { s.ses.Open(d.Code) })
	s.New = widget.NewButtonWithIcon(t("ui.reg.new"), theme.ContentAddIcon(), func() {
		s.build(RegisterState{})
		if w := s.ses.Window(); w != nil {
			w.Canvas().Focus(s.FullName) // the next citizen's name is typed at once, as after Ctrl+N
		}
	})
	if !s.ses.Can(app.PermReceipt) {
		s.Print.Hide()
	}
	body := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), widgets.Heading(t("ui.reg.saved"))),
		widget.NewLabel(t("ui.reg.code")), s.SavedCode, name, s.SavedDue, pay, widget.NewSeparator(),
		container.NewHBox(s.Print, s.OpenSaved, s.New), s.PrintStatus)
	return container.NewVScroll(widgets.Centered(720, container.NewVBox(widget.NewCard(t("ui.reg.saved_title"), "", body))))
}

// printReceipt asks where to save a dossier's receipt, then writes the PDF off the UI thread and
// reports where it went (or why it failed) in status.
func (s *Session) printReceipt(code string, button *widget.Button, status *widget.Label) {
	s.SaveAs(code+".pdf", func(w io.WriteCloser, err error) {
		if err != nil {
			status.Importance = widget.DangerImportance
			widgets.SetText(status, s.Msg(err))
			return
		}
		if w == nil {
			return // cancelled
		}
		button.Disable()
		lang := s.Cfg.Lang
		var werr error
		s.Run(func() {
			werr = s.Office.WriteReceipt(s.Sess, code, lang, w)
			if cerr := w.Close(); werr == nil {
				werr = cerr
			}
		}, func() {
			button.Enable()
			if werr != nil {
				status.Importance = widget.DangerImportance
				widgets.SetText(status, s.Message(werr))
				return
			}
			status.Importance = widget.SuccessImportance
			widgets.SetText(status, s.T("ui.receipt.saved", "file", kit.WriterName(w)))
		})
	})
}
