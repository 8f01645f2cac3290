package adminui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

func (s *AdminScreen) backup() fyne.CanvasObject {
	t := s.r.T
	r := s.r
	entry := func(text, placeholder string) *widget.Entry {
		e := &widget.Entry{Text: text, PlaceHolder: placeholder}
		e.ExtendBaseWidget(e)
		e.OnChanged = func(string) { r.Touch() }
		return e
	}
	s.BackupDir = entry(s.st.BackupDir, t("ui.admin.backup_dir_placeholder"))
	s.BackupKeep = entry(s.st.BackupKeep, "7")
	s.BackupHrs = entry(s.st.BackupHrs, "4")
	s.SaveBackup = widget.NewButtonWithIcon(t("ui.admin.backup_save"), theme.DocumentSaveIcon(), s.saveBackup)
	s.SaveBackup.Importance = widget.HighImportance
	s.BackupNow = widget.NewButtonWithIcon(t("ui.admin.backup_now"), theme.UploadIcon(), s.backupNow)
	s.ChooseDir = widget.NewButtonWithIcon(t("ui.admin.backup_choose"), theme.FolderOpenIcon(), func() {
		r.OpenFolder(func(path string, err error) {
			if err != nil {
				widgets.SetStatus(s.Status, false, r.Msg(err))
				return
			}
			if path != "" {
				s.BackupDir.SetText(path)
			}
		})
	})
	s.Status = widgets.StatusLabel()
	fld := func(key, label string, input fyne.CanvasObject) fyne.CanvasObject {
		return s.Add(widgets.NewField(key, label, input)).Object()
	}
	hint := widget.NewLabel(t("ui.admin.backup_hint"))
	hint.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(hint,
		fld("backup_dir", t("field.backup_dir"), container.NewBorder(nil, nil, nil, s.ChooseDir, s.BackupDir)),
		container.NewGridWithColumns(2, fld("backup_keep", t("field.backup_keep"), s.BackupKeep),
			fld("backup_every", t("field.backup_every"), s.BackupHrs)),
		container.NewHBox(layout.NewSpacer(), s.BackupNow, s.SaveBackup), s.General, s.Status)
	if !s.st.Loaded {
		var (
			dir   string
			keep  int
			every time.Duration
			err   error
		)
		r.Run(func() { dir, keep, every, err = r.Office.BackupSettings() }, func() {
			if err != nil {
				widgets.SetText(s.General, r.Message(err))
				return
			}
			s.st.Loaded = true
			s.BackupDir.SetText(dir)
			s.BackupKeep.SetText(strconv.Itoa(keep))
			s.BackupHrs.SetText(strconv.Itoa(int(every / time.Hour)))
		})
	}
	return page(t("ui.admin.backup_title"), t("ui.admin.backup_sub"), form)
}

// saveBackup checks and stores the automatic backup's settings.
func (s *AdminScreen) saveBackup() {
	if s.SaveBackup == nil || s.SaveBackup.Disabled() {
		return
	}
	r := s.r
	widgets.SetText(s.Status, "")
	ve := &app.ValidationError{}
	dir := strings.TrimSpace(s.BackupDir.Text)
	keep, kerr := strconv.Atoi(strings.TrimSpace(s.BackupKeep.Text))
	hours, herr := strconv.Atoi(strings.TrimSpace(s.BackupHrs.Text))
	if dir == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_dir", Code: app.CodeRequired})
	}
	if kerr != nil || keep < 1 || keep > 100 {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_keep", Code: app.CodeNumberBetween,
			Args: map[string]string{"min": "1", "max": "100"}})
	}
	if herr != nil || hours < 1 || hours > 168 {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "backup_every", Code: app.CodeNumberBetween,
			Args: map[string]string{"min": "1", "max": "168"}})
	}
	if len(ve.Problems) > 0 {
		s.ShowProblems(r.Cfg, ve, nil)
		return
	}
	s.ShowProblems(r.Cfg, nil, nil)
	s.SaveBackup.Disable()
	var err error
	r.Run(func() { err = r.Office.SetBackupSettings(r.Sess, dir, keep, hours) }, func() {
		s.SaveBackup.Enable()
		if err != nil {
			s.ShowProblems(r.Cfg, err, nil)
			return
		}
		widgets.SetStatus(s.Status, true, r.T("ui.admin.backup_saved", "dir", dir, "keep", strconv.Itoa(keep), "hours", strconv.Itoa(hours)))
	})
}

// backupNow writes a backup into the configured folder at once.
func (s *AdminScreen) backupNow() {
	if s.BackupNow.Disabled() {
		return
	}
	r := s.r
	s.BackupNow.Disable()
	var (
		path string
		err  error
	)
	r.WithProgress(
		r.T("ui.admin.backing_up"),
		kit.UnitBytes,
		true,
		func(p *app.Progress) { path, err = r.Office.BackupNow(r.Sess, p) },
		func() {
			s.BackupNow.Enable()
			if err != nil {
				widgets.SetStatus(s.Status, false, r.Message(err))
				return
			}
			widgets.SetStatus(s.Status, true, r.T("ui.admin.backup_done", "file", path))
		},
	)
}
