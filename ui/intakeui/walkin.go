package intakeui

import (
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// WalkInState is what the help desk has entered for a citizen who walked in; it survives a
// language switch.
type WalkInState struct {
	BirthDate string
	// Foreign, Compulsory and Pensioner are the pre-check's questions, false by default: a
	// Vietnamese citizen, not in compulsory insurance, not receiving a pension.
	Foreign, Compulsory, Pensioner bool
	Quote                          QuoteState
}

// Answer is one line of the eligibility pre-check: whether the condition is met (Unknown while
// the officer has not said), and the plain words for the citizen.
type Answer struct {
	OK, Unknown bool
	Text        string
}

// WalkInScreen is the help desk's walk-in page (tiếp nhận, tư vấn): the eligibility pre-check
// with plain answers — at least 15 full years old in the first month, Vietnamese, not in
// compulsory insurance for the same months, not receiving a pension —, the documents to bring
// for the support group, the quote of every payment method printed for the citizen to take
// home, and the way into the registration form with what was typed here.
type WalkInScreen struct {
	ses *Session

	BirthDate  *widget.Entry
	Vietnamese *widget.Check
	Compulsory *widget.Check
	Pensioner  *widget.Check
	Answers    *widget.Label
	Verdict    *widget.Label
	Documents  *widget.Label
	Quote      *QuoteScreen
	Print      *widget.Button
	Register   *widget.Button
	Status     *widget.Label
	// Problem says, beside the questions, why the registration cannot start yet.
	Problem *widget.Label

	answers []Answer
	content fyne.CanvasObject
	onForm  func(app.RegistrationForm)
}

// NewWalkInScreen builds the page from its state; onRegister opens the registration form
// filled in from it.
func NewWalkInScreen(ses *Session, st WalkInState, onRegister func(app.RegistrationForm)) *WalkInScreen {
	s := &WalkInScreen{ses: ses, onForm: onRegister}
	t := ses.T
	s.BirthDate = &widget.Entry{Text: st.BirthDate, PlaceHolder: t("ui.reg.birth_date_placeholder")}
	s.BirthDate.ExtendBaseWidget(s.BirthDate)
	s.BirthDate.OnChanged = func(string) { ses.Touch(); s.check() }
	s.Vietnamese = widget.NewCheck(t("ui.walkin.vietnamese"), nil)
	s.Vietnamese.SetChecked(!st.Foreign)
	s.Compulsory = widget.NewCheck(t("ui.walkin.compulsory"), nil)
	s.Compulsory.SetChecked(st.Compulsory)
	s.Pensioner = widget.NewCheck(t("ui.walkin.pensioner"), nil)
	s.Pensioner.SetChecked(st.Pensioner)
	for _, c := range []*widget.Check{s.Vietnamese, s.Compulsory, s.Pensioner} {
		c.OnChanged = func(bool) { ses.Touch(); s.check() }
	}
	s.Answers = widget.NewLabel("")
	s.Answers.Wrapping = fyne.TextWrapWord
	s.Verdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Verdict.Wrapping = fyne.TextWrapWord
	s.Documents = widget.NewLabel("")
	s.Documents.Wrapping = fyne.TextWrapWord

	s.Quote = NewQuoteScreen(ses.Cfg, st.Quote)
	s.Print = widget.NewButtonWithIcon(t("ui.walkin.print"), theme.DocumentPrintIcon(), s.printQuote)
	s.Register = widget.NewButtonWithIcon(t("ui.walkin.register"), theme.DocumentCreateIcon(), s.StartRegistration)
	s.Register.Importance = widget.HighImportance
	s.Register.Hidden = !ses.Can(app.PermRegister)
	s.Status = widgets.StatusLabel()
	s.Problem = widgets.ProblemLabel()
	s.Quote.onChange = s.check

	label := widget.NewLabelWithStyle(t("field.birth_date"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	label.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel(t("ui.walkin.birth_hint"))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	checks := container.NewVBox(label, s.BirthDate, hint, s.Problem, s.Vietnamese, s.Compulsory, s.Pensioner)
	precheck := widget.NewCard(t("ui.walkin.precheck"), t("ui.walkin.precheck_sub"),
		container.NewVBox(checks, widget.NewSeparator(), s.Verdict, s.Answers))
	docs := widget.NewCard(t("ui.walkin.documents"), t("ui.walkin.documents_sub"), s.Documents)
	actions := container.NewVBox(container.NewHBox(layout.NewSpacer(), s.Print, s.Register), s.Status)
	// The questions on the left, the quote on the right.
	s.content = widgets.Panes(container.NewVBox(precheck, docs), container.NewVBox(s.Quote.input, s.Quote.result, actions))
	s.check()
	return s
}

// Content is the page's root object.
func (s *WalkInScreen) Content() fyne.CanvasObject { return s.content }

// State returns what has been entered.
func (s *WalkInScreen) State() WalkInState {
	return WalkInState{BirthDate: s.BirthDate.Text, Foreign: !s.Vietnamese.Checked, Compulsory: s.Compulsory.Checked,
		Pensioner: s.Pensioner.Checked, Quote: s.Quote.State()}
}

// Eligibility is the pre-check's answers, in order, and whether the citizen may register now.
func (s *WalkInScreen) Eligibility() ([]Answer, bool) {
	ok := true
	for _, a := range s.answers {
		ok = ok && a.OK
	}
	return s.answers, ok
}

// check answers the pre-check again and lists the documents of the support group.
func (s *WalkInScreen) check() {
	if s.Verdict == nil || s.Quote == nil {
		return // still building
	}
	t := s.ses.T
	st := s.Quote.State()
	start := monthOr(s.ses.Cfg, st.Month)
	s.answers = precheck(s.ses.Cfg, s.BirthDate.Text, s.Vietnamese.Checked, s.Compulsory.Checked, s.Pensioner.Checked, start)
	if s.Problem != nil {
		widgets.SetText(s.Problem, "") // answered again: what was said before no longer holds
	}
	lines := make([]string, len(s.answers))
	ok, known := true, true
	for i, a := range s.answers {
		mark := "✓ "
		switch {
		case a.Unknown:
			mark, known = "? ", false
		case !a.OK:
			mark = "✗ "
		}
		ok = ok && (a.OK || a.Unknown)
		lines[i] = mark + a.Text
	}
	s.Answers.SetText(strings.Join(lines, "\n"))
	switch {
	case !ok:
		s.Verdict.SetText(t("ui.walkin.not_eligible"))
		s.Verdict.Importance = widget.DangerImportance
	case !known:
		s.Verdict.SetText(t("ui.walkin.to_check"))
		s.Verdict.Importance = widget.WarningImportance
	default:
		s.Verdict.SetText(t("ui.walkin.eligible"))
		s.Verdict.Importance = widget.SuccessImportance
	}
	s.Verdict.Refresh()
	docs := []string{t("ui.walkin.doc.id"), t("ui.walkin.doc.tk1ts"), t("ui.walkin.doc.old_book")}
	if st.Group != app.Other {
		docs = append(docs, t("ui.walkin.doc."+string(st.Group)))
	}
	for i := range docs {
		docs[i] = "• " + docs[i]
	}
	s.Documents.SetText(strings.Join(docs, "\n"))
}

// precheck answers the eligibility questions for a first month (DOMAIN §2; Law 41/2024 art.
// 2): the age from the birth date as typed (an unknown day counts as the 1st, an unknown month
// as January), nationality, compulsory insurance, pension (⚠ believed excluded under Law 41).
func precheck(cfg *kit.Settings, birth string, vietnamese, compulsory, pensioner bool, start app.Month) []Answer {
	t := func(key string, args ...string) string { return cfg.Catalog.T(cfg.Lang, key, args...) }
	var out []Answer
	minAge := 15
	if con, ok := cfg.Rules().Contribution.At(start); ok {
		minAge = con.Value.MinAge
	}
	switch b, err := app.ParseBirthDate(birth); {
	case strings.TrimSpace(birth) == "":
		out = append(out, Answer{Unknown: true, Text: t("ui.walkin.age_unknown", "age", strconv.Itoa(minAge))})
	case err != nil:
		out = append(out, Answer{Unknown: true, Text: cfg.Message(err)})
	default:
		if reach := b.ReachesAge(minAge); reach > start {
			out = append(out, Answer{Text: t("ui.walkin.age_under", "age", strconv.Itoa(minAge), "month", reach.VNString())})
		} else {
			years := (int(start) - int(app.MonthOf(b.Year, b.Month))) / 12
			text := t("ui.walkin.age_ok", "years", strconv.Itoa(years), "month", start.VNString(), "age", strconv.Itoa(minAge))
			out = append(out, Answer{OK: true, Text: text})
		}
	}
	if vietnamese {
		out = append(out, Answer{OK: true, Text: t("ui.walkin.vietnamese_ok")})
	} else {
		out = append(out, Answer{Text: t("ui.walkin.foreign")})
	}
	if compulsory {
		out = append(out, Answer{Text: t("ui.walkin.compulsory_no")})
	} else {
		out = append(out, Answer{OK: true, Text: t("ui.walkin.compulsory_ok")})
	}
	if pensioner {
		out = append(out, Answer{Text: t("ui.walkin.pensioner_no")})
	} else {
		out = append(out, Answer{OK: true, Text: t("ui.walkin.pensioner_ok")})
	}
	return out
}

// Form is the registration form as far as the walk-in page knows it: the birth date, the
// income, method, first month and support group of the quote, and the quote's province as the
// address's.
func (s *WalkInScreen) Form() app.RegistrationForm {
	q := s.Quote
	st := q.State()
	f := app.RegistrationForm{BirthDate: strings.TrimSpace(s.BirthDate.Text), Nationality: "VN", Income: app.Amount(q.Income.Text),
		Method: q.methodText(), StartMonth: strings.TrimSpace(st.Month), SupportGroup: string(st.Group)}
	f.Address.Province = st.Province
	return f
}

// StartRegistration opens the registration form with what was typed here; a citizen the pre-check
// turns away is not registered.
func (s *WalkInScreen) StartRegistration() {
	answers, ok := s.Eligibility()
	if !ok {
		// Said beside the questions, at the top of the page, with the cursor where the answer
		// is missing: an unknown birth date is a question still open, not a refusal.
		unknown := false
		for _, a := range answers {
			unknown = unknown || a.Unknown
		}
		key := "ui.walkin.fix_first"
		if unknown {
			key = "ui.walkin.birth_first"
		}
		widgets.SetText(s.Problem, s.ses.T(key))
		if w := s.ses.Window(); w != nil {
			w.Canvas().Focus(s.BirthDate)
		}
		return
	}
	widgets.SetText(s.Problem, "")
	s.onForm(s.Form())
}

// printQuote asks where to save the quote for the citizen and writes it as PDF off the UI
// thread.
func (s *WalkInScreen) printQuote() {
	req, err := s.Quote.Request()
	if err == nil {
		_, err = s.ses.Cfg.Rules().Quote(req)
	}
	if err != nil {
		widgets.SetStatus(s.Status, false, s.ses.Msg(err))
		return
	}
	ses := s.ses
	name := ses.T("ui.walkin.file", "month", strings.ReplaceAll(req.Month.VNString(), "/", "-")) + ".pdf"
	ses.SaveAs(name, func(w io.WriteCloser, err error) {
		if err != nil {
			widgets.SetStatus(s.Status, false, ses.Msg(err))
			return
		}
		if w == nil {
			return // cancelled
		}
		s.Print.Disable()
		lang := ses.Cfg.Lang
		var werr error
		ses.Run(func() {
			werr = ses.Office.WriteQuote(req, lang, w)
			if cerr := w.Close(); werr == nil {
				werr = cerr
			}
		}, func() {
			s.Print.Enable()
			if werr != nil {
				widgets.SetStatus(s.Status, false, ses.Message(werr))
				return
			}
			widgets.SetStatus(s.Status, true, ses.T("ui.walkin.printed", "file", kit.WriterName(w)))
		})
	})
}

// FirstFocus is the birth date: the first question asked.
func (s *WalkInScreen) FirstFocus() fyne.Focusable { return s.BirthDate }

// ShortcutPrint prints the quote (Ctrl+P).
func (s *WalkInScreen) ShortcutPrint() { s.printQuote() }

// ShortcutSave goes on to the registration (Ctrl+S).
func (s *WalkInScreen) ShortcutSave() { s.StartRegistration() }
