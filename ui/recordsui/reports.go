package recordsui

import (
	"bytes"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui/widgets"
)

// ReportsScreen is the "Báo cáo" tab: the office's list D05-TS and monthly report for a month,
// saved as Excel or PDF where the officer chooses.
type ReportsScreen struct {
	Month                   *widget.Entry
	D05XLSX, D05PDF         *widget.Button
	MonthlyXLSX, MonthlyPDF *widget.Button
	// Send puts the month's report in the outbox for the centre (the province sums its offices).
	Send   *widget.Button
	Status *widget.Label

	r       *Session
	content fyne.CanvasObject
}

// NewReportsScreen builds the tab, the month set to the previous one (what an office reports).
func NewReportsScreen(r *Session) *ReportsScreen {
	s := &ReportsScreen{r: r, Status: widgets.StatusLabel()}
	t := r.T
	s.Month = widget.NewEntry()
	s.Month.SetPlaceHolder("MM/YYYY")
	s.Month.SetText(app.MonthOfDate(calendar.DateOf(r.Cfg.Now().In(calendar.VN))).Add(-1).VNString())
	s.D05XLSX = widget.NewButtonWithIcon(t("ui.reports.d05_xlsx"), theme.DocumentSaveIcon(), func() { s.save("d05", "xlsx", s.D05XLSX) })
	s.D05PDF = widget.NewButtonWithIcon(t("ui.reports.d05_pdf"), theme.DocumentSaveIcon(), func() { s.save("d05", "pdf", s.D05PDF) })
	s.MonthlyXLSX = widget.NewButtonWithIcon(t("ui.reports.monthly_xlsx"), theme.DocumentSaveIcon(),
		func() { s.save("monthly", "xlsx", s.MonthlyXLSX) })
	s.MonthlyPDF = widget.NewButtonWithIcon(t("ui.reports.monthly_pdf"), theme.DocumentSaveIcon(),
		func() { s.save("monthly", "pdf", s.MonthlyPDF) })
	s.Send = widget.NewButtonWithIcon(t("ui.reports.send"), theme.MailSendIcon(), s.send)
	intro := widget.NewLabel(t("ui.reports.intro"))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem(t("ui.reports.month"), s.Month))
	s.content = container.NewVBox(
		widgets.Heading(t("ui.reports.title")), intro, form,
		widget.NewLabelWithStyle(t("ui.reports.d05"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(s.D05XLSX, s.D05PDF),
		widget.NewLabelWithStyle(t("ui.reports.monthly"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(s.MonthlyXLSX, s.MonthlyPDF, s.Send),
		s.Status,
	)
	return s
}

// Content is the tab's root object.
func (s *ReportsScreen) Content() fyne.CanvasObject { return container.NewPadded(s.content) }

// month is the month typed: MM/YYYY (or YYYY-MM).
func (s *ReportsScreen) month() (app.Month, bool) { return parseMonthText(s.Month.Text) }

// save asks where to keep the report and writes it there.
func (s *ReportsScreen) save(kind, format string, button *widget.Button) {
	r := s.r
	m, ok := s.month()
	if !ok {
		widgets.SetStatus(s.Status, false, r.T("ui.reports.month")+": "+r.T("ui.reports.bad_month"))
		return
	}
	name := r.T("ui.reports.file_"+kind, "month", m.String()) + "." + format
	lang := r.Cfg.Lang
	r.SaveFile(name, func() ([]byte, error) {
		var buf bytes.Buffer
		err := r.Office.WriteReport(r.Sess, kind, m, format, lang, &buf)
		return buf.Bytes(), err
	}, s.Status, button, "ui.reports.saved")
}

// send puts the month's report in the outbox; the next sync takes it to the centre.
func (s *ReportsScreen) send() {
	r := s.r
	m, ok := s.month()
	if !ok {
		widgets.SetStatus(s.Status, false, r.T("ui.reports.month")+": "+r.T("ui.reports.bad_month"))
		return
	}
	s.Send.Disable()
	var err error
	r.Run(func() { _, err = r.Records.SendMonthlyReport(r.Sess, m) }, func() {
		s.Send.Enable()
		if err != nil {
			widgets.SetStatus(s.Status, false, r.Message(err))
			return
		}
		widgets.SetStatus(s.Status, true, r.T("ui.reports.sent", "month", m.VNString()))
	})
}
