package adminui

import (
	"strconv"

	"bhxhdesk/ui/kit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/ui/widgets"
)

// workflow is the workflow tab: the steps with their roles and days, which an administrator
// adjusts where the province allows, where the workflow comes from, and what may change it.
func (s *AdminScreen) workflow() fyne.CanvasObject {
	t := s.r.T
	r := s.r
	wfs := r.Intake.Ref.Get().Workflows
	wf := wfs.ForOffice(r.Sess.Office)
	base := wfs.For(r.Sess.Office.Province)
	edit := base.OfficeMayAdjust && r.Can(app.PermWorkflow)
	total := widget.NewLabel(t("ui.admin.days", "days", strconv.Itoa(wf.Days())))
	rows := s.workflowSteps(wf, base, edit, total)
	box := container.NewVBox(s.workflowInfo(wf, total), rows)
	if wf.SetAside != nil {
		warn := widget.NewLabel(t("ui.admin.workflow_set_aside"))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
	noteKey := "ui.admin.workflow_note"
	switch {
	case edit:
		noteKey = "ui.admin.workflow_note_adjust"
	case base.OfficeMayAdjust:
		noteKey = "ui.admin.workflow_note_admin"
	}
	note := widgets.NoteText(t(noteKey, "days", strconv.Itoa(base.Days())))
	box.Add(note)
	if edit {
		s.addWorkflowEditor(box, wf)
	}
	if !s.wfLoaded {
		s.wfLoaded = true
		s.loadStoredWorkflow()
	}
	return page(t("ui.admin.workflow_title"), t("ui.admin.workflow_sub"), box)
}

// workflowSteps is the table of the workflow's steps: read-only, or with a choice of days and
// role for each step when edit is set. The total follows the days as they are chosen, in red
// past the province's.
func (s *AdminScreen) workflowSteps(wf, base *app.Workflow, edit bool, total *widget.Label) *fyne.Container {
	t := s.r.T
	r := s.r
	lang := r.Cfg.Lang
	cols := widgets.Columns{Widths: []float32{40, 360, 170, 80, 150}, Flex: 1}
	rows := container.NewVBox(widgets.NewListHeader(cols, t("ui.admin.col.no"), t("field.step"), t("field.role"),
		t("ui.admin.col.days"), t("ui.admin.col.completes")))
	s.WorkflowDays, s.WorkflowRoles = nil, nil
	roles := []app.Role{app.Helpdesk, app.Officer, app.Supervisor}
	roleNames := make([]string, len(roles))
	for i, ro := range roles {
		roleNames[i] = t("role." + string(ro))
	}
	dayOptions := make([]string, base.Days()+1)
	for i := range dayOptions {
		dayOptions[i] = strconv.Itoa(i)
	}
	updateTotal := func() {
		sum := 0
		for _, d := range s.WorkflowDays {
			n, _ := strconv.Atoi(d.Selected)
			sum += n
		}
		total.SetText(t("ui.admin.days", "days", strconv.Itoa(sum)))
		total.Importance = widget.MediumImportance
		if sum > base.Days() || sum == 0 {
			total.Importance = widget.DangerImportance
		}
		total.Refresh()
		r.Touch()
	}
	for i, st := range wf.Steps {
		completes := ""
		if st.Completes != "" {
			completes = t("ui.admin.completes." + st.Completes)
		}
		if !edit {
			row := widgets.NewListRow(cols, 5)
			widgets.SetRow(row, strconv.Itoa(i+1), st.Name(lang), t("role."+string(st.Role)), strconv.Itoa(st.Days), completes)
			widgets.RowLabel(row, 1).Wrapping = fyne.TextWrapWord
			widgets.RowLabel(row, 1).Truncation = fyne.TextTruncateOff
			rows.Add(row)
			continue
		}
		days := widget.NewSelect(dayOptions, func(string) { updateTotal() })
		days.Selected = strconv.Itoa(st.Days)
		role := widget.NewSelect(roleNames, func(string) { r.Touch() })
		role.Selected = t("role." + string(st.Role))
		s.WorkflowDays, s.WorkflowRoles = append(s.WorkflowDays, days), append(s.WorkflowRoles, role)
		name := widget.NewLabel(st.Name(lang))
		name.Wrapping = fyne.TextWrapWord
		rows.Add(container.New(cols, widget.NewLabel(strconv.Itoa(i+1)), name, role, days, widget.NewLabel(completes)))
	}
	return rows
}

// workflowInfo says whose workflow is in force, its total days, its version and source, and
// the office's adjustment if there is one.
func (s *AdminScreen) workflowInfo(wf *app.Workflow, total *widget.Label) *widget.Form {
	t := s.r.T
	province := t("ui.admin.default_workflow")
	if wf.Province != "" {
		if p, ok := s.r.Cfg.Places.Province(wf.Province); ok {
			province = p.Name
		}
	}
	info := widget.NewForm(
		widgets.InfoRow(t("ui.admin.workflow_for"), province),
		&widget.FormItem{Text: t("ui.admin.total_days"), Widget: total},
		widgets.InfoRow(t("ui.admin.version"), wf.Version),
		widgets.InfoRow(t("ui.admin.source"), wf.Source),
	)
	if a := wf.Adjustment; a != nil {
		adjusted := t("ui.admin.workflow_adjusted_value", "reason", a.Reason, "user", a.By, "time", kit.VNTime(a.At))
		info.AppendItem(widgets.InfoRow(t("ui.admin.workflow_adjusted"), adjusted))
	}
	return info
}

// addWorkflowEditor adds to box the reason of an adjustment and the buttons that save it or go
// back to the province's workflow.
func (s *AdminScreen) addWorkflowEditor(box *fyne.Container, wf *app.Workflow) {
	t := s.r.T
	r := s.r
	s.wf = widgets.NewFields()
	s.WorkflowReason = widget.NewEntry()
	s.WorkflowReason.PlaceHolder = t("ui.admin.workflow_reason_placeholder")
	s.WorkflowReason.OnChanged = func(string) { r.Touch() }
	s.SaveWorkflow = widget.NewButtonWithIcon(t("ui.admin.workflow_save"), theme.DocumentSaveIcon(),
		func() { s.adjustWorkflow(false) })
	s.SaveWorkflow.Importance = widget.HighImportance
	s.ResetWorkflow = widget.NewButtonWithIcon(t("ui.admin.workflow_reset"), theme.HistoryIcon(),
		func() { s.adjustWorkflow(true) })
	if wf.Adjustment == nil {
		s.ResetWorkflow.Disable()
	}
	s.WorkflowStatus = widgets.StatusLabel()
	box.Add(s.wf.Add(widgets.NewField("reason", t("ui.admin.workflow_reason"), s.WorkflowReason)).Object())
	box.Add(s.wf.General)
	box.Add(s.WorkflowStatus)
	box.Add(container.NewHBox(layout.NewSpacer(), s.ResetWorkflow, s.SaveWorkflow))
}

// loadStoredWorkflow reads the office's workflow from the store once: the session's copy of
// the office dates from sign-in, and another desk of the office may have adjusted the workflow
// since (it arrives by sync). The tab shows the stored one if it differs.
func (s *AdminScreen) loadStoredWorkflow() {
	r := s.r
	var (
		stored *app.Workflow
		err    error
	)
	r.Run(func() { stored, err = r.Intake.OfficeWorkflow(r.Sess) }, func() {
		if err != nil {
			return
		}
		a := stored.Adjustment
		if a == nil {
			a = stored.SetAside
		}
		if a.Same(r.Sess.Office.Workflow) {
			return
		}
		r.Sess.Office.Workflow = a
		s.reloadWorkflow()
	})
}

// reloadWorkflow builds the workflow tab again from the session's office.
func (s *AdminScreen) reloadWorkflow() {
	if s.wfTab != nil {
		s.wfTab.Content = s.workflow()
		s.Tabs.Refresh()
	}
}

// adjustWorkflow saves the days and roles as chosen (or, with reset, goes back to the
// province's workflow) and shows the tab again from what the store now holds.
func (s *AdminScreen) adjustWorkflow(reset bool) {
	if s.SaveWorkflow == nil || s.SaveWorkflow.Disabled() {
		return
	}
	r := s.r
	base := r.Intake.Ref.Get().Workflows.For(r.Sess.Office.Province)
	req := intake.AdjustWorkflowRequest{Reason: s.WorkflowReason.Text}
	if !reset {
		req.Days, req.Roles = map[string]int{}, map[string]app.Role{}
		for i, st := range base.Steps {
			if i >= len(s.WorkflowDays) {
				break
			}
			if n, err := strconv.Atoi(s.WorkflowDays[i].Selected); err == nil {
				req.Days[st.ID] = n
			}
			if j := s.WorkflowRoles[i].SelectedIndex(); j >= 0 {
				req.Roles[st.ID] = []app.Role{app.Helpdesk, app.Officer, app.Supervisor}[j]
			}
		}
	}
	s.wf.ShowProblems(r.Cfg, nil, nil)
	widgets.SetText(s.WorkflowStatus, "")
	s.SaveWorkflow.Disable()
	var (
		wf  *app.Workflow
		err error
	)
	r.Run(func() { wf, err = r.Intake.AdjustWorkflow(r.Sess, req) }, func() {
		s.SaveWorkflow.Enable()
		if err != nil {
			s.wf.ShowProblems(r.Cfg, err, nil)
			return
		}
		r.Sess.Office.Workflow = wf.Adjustment // on the screen's thread: the session is the screens'
		s.reloadWorkflow()
		msg := r.T("ui.admin.workflow_saved", "days", strconv.Itoa(wf.Days()))
		if wf.Adjustment == nil {
			msg = r.T("ui.admin.workflow_reset_done")
		}
		widgets.SetStatus(s.WorkflowStatus, true, msg)
	})
}

// WorkflowMsg is the problem shown under the workflow tab's input key, or with key "" the one
// that belongs to no input (for tests).
func (s *AdminScreen) WorkflowMsg(key string) string {
	if s.wf == nil {
		return ""
	}
	if key == "" {
		return s.wf.General.Text
	}
	return s.wf.Msg(key)
}
