package recordsui

import (
	"io"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bhxhdesk/app"
	"bhxhdesk/records"
	"bhxhdesk/ui/kit"
	"bhxhdesk/ui/widgets"
)

// voucherFileTypes are the files a voucher import offers to open.
var voucherFileTypes = []string{".csv", ".xlsx"}

// ImportState is the file read for import and, once recorded, the outcome.
type ImportState struct {
	File     string
	Rows     []app.VoucherRow // as read, kept with the outcome to show each line
	Problems []app.RowProblem
	// Read is set while a file's preview waits for "Ghi nhận".
	Read   bool
	Result *records.ImportResult
}

// ImportOutcome is what became, or will become, of a line of an imported file.
type ImportOutcome string

// The outcomes of an imported line.
const (
	LineReady      ImportOutcome = "ready"       // preview: will be recorded
	LineMatched    ImportOutcome = "matched"     // recorded and matched: a period was recorded
	LineRefused    ImportOutcome = "refused"     // not stored: unreadable or invalid
	LineException  ImportOutcome = "exception"   // stored, waits for an officer's decision
	LineAlready    ImportOutcome = "already"     // recorded before, not stored again
	LineNotReached ImportOutcome = "not_reached" // not recorded: the officer stopped the import first
)

// ImportLine is one line of the preview or of the outcome of an import.
type ImportLine struct {
	Line    int
	Outcome ImportOutcome
	// ReceiptNo, Name, Amount and Period are as read (empty for a line that could not be read).
	ReceiptNo, Name, Amount, Period string
	Reason                          string // why, in words
}

// ImportPanel imports a collection agent's or a bank's CSV/XLSX voucher file: pick the file,
// see a preview — every line read, the lines that will be refused with their reason — and only
// then record it ("Ghi nhận"), which reports what became of each line: matched, set aside as
// an exception, already recorded, or refused.
type ImportPanel struct {
	r    *Session
	st   ImportState
	done func(records.ImportResult)

	Choose  *widget.Button
	Record  *widget.Button
	Discard *widget.Button
	Summary *widget.Label
	Problem *widget.Label
	List    *widget.List
	// Detail is the full reason of the line selected.
	Detail *widget.Label

	lines   []ImportLine
	content fyne.CanvasObject
}

// importColumns are the widths of line, outcome, receipt number, name, amount, period and
// reason (flexible; the line selected shows it in full below the list).
var importColumns = widgets.Columns{Widths: []float32{58, 120, 150, 170, 85, 145, 160}, Flex: 6}

func newImportPanel(r *Session, st ImportState, done func(records.ImportResult)) *ImportPanel {
	p := &ImportPanel{r: r, st: st, done: done}
	t := r.T
	p.Choose = widget.NewButtonWithIcon(t("ui.import.choose"), theme.FolderOpenIcon(), p.choose)
	p.Choose.Importance = widget.HighImportance
	p.Record = widget.NewButtonWithIcon(t("ui.import.record"), theme.ConfirmIcon(), p.record)
	p.Record.Importance = widget.HighImportance
	p.Discard = widget.NewButtonWithIcon(t("ui.cancel"), theme.CancelIcon(), func() { p.paint(ImportState{}) })
	p.Summary = widget.NewLabel("")
	p.Summary.Wrapping = fyne.TextWrapWord
	p.Problem = widgets.ProblemLabel()
	p.List = widget.NewList(func() int { return len(p.lines) }, p.newRow, p.updateRow)
	p.Detail = widgets.StatusLabel()
	p.List.OnSelected = func(id widget.ListItemID) {
		if id < len(p.lines) {
			l := p.lines[id]
			p.Detail.Importance = widget.MediumImportance
			widgets.SetText(p.Detail, p.r.T("ui.import.line", "line", strconv.Itoa(l.Line))+": "+l.Reason)
		}
	}
	hint := widget.NewLabel(t("ui.import.hint"))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	head := widgets.NewListHeader(importColumns, t("ui.import.col.line"), t("ui.import.col.outcome"), t("field.receipt_no"),
		t("ui.col.name"), t("field.amount"), t("ui.import.col.period"), t("field.reason"))
	top := container.NewVBox(hint, container.NewHBox(p.Choose, layout.NewSpacer(), p.Discard, p.Record), head)
	// Outcomes under the list, so that the rows and buttons never move as they appear.
	p.content = container.NewBorder(top, container.NewVBox(p.Problem, p.Summary, p.Detail), nil, nil, p.List)
	p.paint(st)
	return p
}

// Content is the panel's root object.
func (p *ImportPanel) Content() fyne.CanvasObject { return p.content }

// State returns the file read and the outcome.
func (p *ImportPanel) State() ImportState { return p.st }

// Lines are the lines shown: the preview, or the outcome of the import.
func (p *ImportPanel) Lines() []ImportLine { return p.lines }

// choose asks for a file, reads it off the UI thread and shows its preview.
func (p *ImportPanel) choose() {
	r := p.r
	r.OpenFile(voucherFileTypes, func(rc io.ReadCloser, name string, err error) {
		if err != nil {
			widgets.SetText(p.Problem, r.Msg(err))
			return
		}
		if rc == nil {
			return // cancelled
		}
		p.Choose.Disable()
		var (
			rows     []app.VoucherRow
			problems []app.RowProblem
			rerr     error
		)
		r.Run(func() {
			rows, problems, rerr = r.Office.ReadVouchers(name, rc)
			if cerr := rc.Close(); rerr == nil {
				rerr = cerr
			}
		}, func() {
			p.Choose.Enable()
			if rerr != nil {
				p.paint(ImportState{})
				widgets.SetText(p.Problem, r.T("ui.import.unreadable", "file", name, "reason", r.Msg(rerr)))
				return
			}
			p.paint(ImportState{File: name, Rows: rows, Problems: problems, Read: true})
		})
	})
}

// record imports the rows read.
func (p *ImportPanel) record() {
	if p.Record.Disabled() || !p.st.Read {
		return
	}
	r, st := p.r, p.st
	p.Record.Disable()
	p.Discard.Disable()
	var (
		res records.ImportResult
		err error
	)
	r.WithProgress(r.T("ui.import.recording"), kit.UnitRows, true, func(pr *app.Progress) {
		res, err = r.Records.ImportVouchers(r.Sess, st.File, st.Rows, st.Problems, pr)
	}, func() {
		p.Discard.Enable()
		if err != nil {
			p.Record.Enable()
			widgets.SetText(p.Problem, r.Message(err))
			return
		}
		p.paint(ImportState{File: st.File, Rows: st.Rows, Problems: st.Problems, Result: &res})
		r.Saved()
		if p.done != nil {
			p.done(res)
		}
	})
}

func (p *ImportPanel) paint(st ImportState) {
	p.st = st
	t := p.r.T
	widgets.SetText(p.Problem, "")
	widgets.SetText(p.Detail, "")
	p.List.UnselectAll()
	p.lines = nil
	p.Record.Hide()
	p.Discard.Hide()
	switch {
	case st.Result != nil:
		res := st.Result
		p.Summary.SetText(t("ui.import.done", "file", st.File) + "\n" + t("cli.import_summary", "accepted", strconv.Itoa(res.Accepted),
			"matched", strconv.Itoa(res.Matched), "exceptions", strconv.Itoa(len(res.Exceptions)), "rejected", strconv.Itoa(len(res.Rejected)),
			"already", strconv.Itoa(len(res.Already)), "covers", strconv.Itoa(len(res.Covers))))
		if res.NotReached > 0 {
			p.Summary.SetText(
				p.Summary.Text + "\n" + t("ui.import.stopped", "count", strconv.Itoa(res.NotReached), "line", strconv.Itoa(res.StoppedAt)),
			)
		}
		read := map[int]ImportLine{}
		for _, l := range p.preview(st) {
			if l.Outcome == LineReady {
				read[l.Line] = l
			}
		}
		reported := map[int]bool{}
		for _, g := range []struct {
			out ImportOutcome
			ps  []app.RowProblem
		}{{LineRefused, res.Rejected}, {LineException, res.Exceptions}, {LineAlready, res.Already}} {
			for _, rp := range g.ps {
				l := read[rp.Line]
				l.Line, l.Outcome, l.Reason = rp.Line, g.out, p.r.problemText(rp.Problem)
				p.lines = append(p.lines, l)
				reported[rp.Line] = true
			}
		}
		// Every row ends in exactly one list of the result: the rows no list names were matched.
		for line, l := range read {
			if !reported[line] {
				l.Outcome = LineMatched
				if res.NotReached > 0 && line >= res.StoppedAt {
					l.Outcome = LineNotReached
				}
				p.lines = append(p.lines, l)
			}
		}
	case st.Read:
		p.lines = p.preview(st)
		ready := 0
		for _, l := range p.lines {
			if l.Outcome == LineReady {
				ready++
			}
		}
		p.Summary.SetText(t("ui.import.preview", "file", st.File, "rows", strconv.Itoa(len(st.Rows)+len(st.Problems)),
			"ready", strconv.Itoa(ready), "refused", strconv.Itoa(len(p.lines)-ready)))
		p.Record.SetText(t("ui.import.record_count", "count", strconv.Itoa(ready)))
		p.Record.Show()
		p.Record.Enable()
		if ready == 0 {
			p.Record.Disable()
		}
		p.Discard.Show()
	default:
		p.Summary.SetText(t("ui.import.none"))
	}
	sort.SliceStable(p.lines, func(i, j int) bool { return p.lines[i].Line < p.lines[j].Line })
	p.List.Refresh()
}

// preview lists every line read: the rows that pass the voucher checks will be recorded (and
// then matched or set aside); the others are refused with their reason, as the import will.
func (p *ImportPanel) preview(st ImportState) []ImportLine {
	var out []ImportLine
	for _, row := range st.Rows {
		in := row.Input
		l := ImportLine{Line: row.Line, Outcome: LineReady, ReceiptNo: in.ReceiptNo, Name: in.FullName, Amount: string(in.Amount)}
		if v, err := app.ParseVoucher(in); err == nil {
			l.Amount = v.Amount.Grouped()
			l.Period = v.FromMonth.VNString()
			if v.Months > 1 {
				l.Period += " – " + v.ToMonth().VNString()
			}
		} else {
			l.Outcome, l.Reason = LineRefused, p.r.Msg(err)
		}
		out = append(out, l)
	}
	for _, rp := range st.Problems {
		out = append(out, ImportLine{Line: rp.Line, Outcome: LineRefused, Reason: p.r.problemText(rp.Problem)})
	}
	return out
}

func (p *ImportPanel) newRow() fyne.CanvasObject { return widgets.NewListRow(importColumns, 7) }

func (p *ImportPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.lines) {
		return
	}
	l := p.lines[id]
	widgets.SetRow(o, strconv.Itoa(l.Line), p.r.T("ui.import.outcome."+string(l.Outcome)), l.ReceiptNo, l.Name, l.Amount, l.Period, l.Reason)
	imp := widget.WarningImportance
	switch l.Outcome {
	case LineReady, LineMatched:
		imp = widget.SuccessImportance
	case LineRefused:
		imp = widget.DangerImportance
	}
	for _, i := range []int{1, 6} {
		widgets.RowLabel(o, i).Importance = imp
		widgets.RowLabel(o, i).Refresh()
	}
}
