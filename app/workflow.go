package app

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Step is one stage of a province's intake process (quy trình tiếp nhận và giải quyết hồ sơ):
// who is responsible and how many working days it may take.
type Step struct {
	ID     string `json:"id"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Role   Role   `json:"role"`
	Days   int    `json:"days"`
	// Completes names the event that finishes the step by itself: "payment" (a matched payment
	// voucher) or "cover" (the book cover issued). Such a step is passed automatically once
	// the event has happened; "" means an officer advances it.
	Completes string `json:"completes,omitempty"`
}

// The events that can complete a step.
const (
	CompletesPayment = "payment"
	CompletesCover   = "cover"
)

// Name is the step's name in the language.
func (s Step) Name(l Lang) string {
	if l == EN && s.NameEN != "" {
		return s.NameEN
	}
	return s.NameVI
}

// Workflow is the ordered steps a dossier goes through after the one-stop desk has received it.
// The statutory time (DOMAIN §7, 5 working days) is the sum of the steps' days.
type Workflow struct {
	Province string `json:"province"` // "" for the default
	Version  string `json:"version"`
	Source   string `json:"source"`
	// OfficeMayAdjust says the province lets an office's administrator set each step's days
	// and responsible role (điều chỉnh thời hạn, bộ phận của từng bước), keeping the steps, their
	// order and a total no longer than the province's.
	OfficeMayAdjust bool   `json:"office_may_adjust,omitempty"`
	Steps           []Step `json:"steps"`
	// Adjustment is the office's adjustment this workflow carries (ForOffice), nil for the
	// province's own.
	Adjustment *WorkflowAdjustment `json:"-"`
	// SetAside is an adjustment the office holds that no longer applies (ForOffice): the
	// province published a new version of its workflow, or no longer allows adjusting.
	SetAside *WorkflowAdjustment `json:"-"`
}

// WorkflowAdjustment is an office's own split of its province's workflow: new days or roles
// for some steps, made by an administrator for the version of the province's workflow named in
// Base. A new version from the province sets it aside until an administrator adjusts again.
type WorkflowAdjustment struct {
	Base   string          `json:"base"` // the province workflow's id, e.g. "default@2025-07-01"
	Days   map[string]int  `json:"days,omitempty"`
	Roles  map[string]Role `json:"roles,omitempty"`
	Reason string          `json:"reason"` // e.g. the office's decision that sets the split
	By     string          `json:"by"`
	At     time.Time       `json:"at"`
}

// Same reports whether two adjustments are the same decision (both nil: no adjustment).
func (a *WorkflowAdjustment) Same(b *WorkflowAdjustment) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Base == b.Base && a.By == b.By && a.At.Equal(b.At) && a.Summary() == b.Summary()
}

// ForOffice is the workflow an office works by: its province's, with the office's adjustment
// applied when the province allows one and it was made for the province's current version.
func (ws *Workflows) ForOffice(o Office) *Workflow {
	base := ws.For(o.Province)
	a := o.Workflow
	if a == nil {
		return base
	}
	if !base.OfficeMayAdjust || a.Base != WorkflowID(base) {
		w := *base
		w.SetAside = a
		return &w
	}
	w := *base
	w.Steps = append([]Step(nil), base.Steps...)
	for i, st := range w.Steps {
		if d, ok := a.Days[st.ID]; ok {
			w.Steps[i].Days = d
		}
		if r, ok := a.Roles[st.ID]; ok {
			w.Steps[i].Role = r
		}
	}
	w.Version = base.Version + "+" + o.Agency + "." + a.At.UTC().Format("20060102T150405")
	w.Adjustment = a
	return &w
}

// Days is the total number of working days.
func (w *Workflow) Days() int {
	n := 0
	for _, s := range w.Steps {
		n += s.Days
	}
	return n
}

// Index returns the position of the step with the id, or -1.
func (w *Workflow) Index(id string) int {
	for i, s := range w.Steps {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// Workflows are the default workflow and the provinces' own.
type Workflows struct {
	def   *Workflow
	byPro map[string]*Workflow
}

// For returns the workflow of a province, or the default.
func (ws *Workflows) For(province string) *Workflow {
	if w, ok := ws.byPro[province]; ok {
		return w
	}
	return ws.def
}

// All lists the default workflow then the provinces' in code order.
func (ws *Workflows) All() []*Workflow {
	out := []*Workflow{ws.def}
	codes := make([]string, 0, len(ws.byPro))
	for c := range ws.byPro {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		out = append(out, ws.byPro[c])
	}
	return out
}

// LoadWorkflows reads default.json and one <province>.json per province that has its own steps
// from dir; files in overrides replace or add to them. A workflow must have at least one step,
// unique step ids, known roles and non-negative days.
func LoadWorkflows(fsys fs.FS, dir string, overrides ...fs.FS) (*Workflows, error) {
	files, err := ReadDataFolder(fsys, dir, overrides)
	if err != nil {
		return nil, err
	}
	ws := &Workflows{byPro: map[string]*Workflow{}}
	for name, b := range files {
		var w Workflow
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&w); err != nil {
			return nil, fmt.Errorf("workflows/%s: %w", name, err)
		}
		if err := w.check(); err != nil {
			return nil, fmt.Errorf("workflows/%s: %w", name, err)
		}
		if name == "default.json" {
			if w.Province != "" {
				return nil, fmt.Errorf("workflows/default.json: province must be empty")
			}
			ws.def = &w
			continue
		}
		if w.Province+".json" != name {
			return nil, fmt.Errorf("workflows/%s: province %q does not match the file name", name, w.Province)
		}
		ws.byPro[w.Province] = &w
	}
	if ws.def == nil {
		return nil, fmt.Errorf("workflows: default.json is missing")
	}
	return ws, nil
}

func (w *Workflow) check() error {
	if len(w.Steps) == 0 {
		return fmt.Errorf("no steps")
	}
	if w.Version == "" {
		return fmt.Errorf("version is empty")
	}
	seen := map[string]bool{}
	for i, s := range w.Steps {
		switch {
		case s.ID == "" || strings.ContainsAny(s.ID, "/ \x00"):
			return fmt.Errorf("step %d: id %q must be non-empty without spaces or slashes", i+1, s.ID)
		case seen[s.ID]:
			return fmt.Errorf("step %q appears twice", s.ID)
		case s.NameVI == "":
			return fmt.Errorf("step %q: name_vi is empty", s.ID)
		case s.Days < 0 || s.Days > 60:
			return fmt.Errorf("step %q: days %d out of 0..60", s.ID, s.Days)
		case s.Completes != "" && s.Completes != CompletesPayment && s.Completes != CompletesCover:
			return fmt.Errorf("step %q: completes %q must be payment, cover or empty", s.ID, s.Completes)
		case s.Completes != "" && i == len(w.Steps)-1:
			return fmt.Errorf("step %q: the last step (returning the result) cannot complete by itself", s.ID)
		}
		if r, err := ParseRole(string(s.Role)); err != nil || r == Admin || r != s.Role {
			return fmt.Errorf("step %q: role %q must be helpdesk, officer or supervisor", s.ID, s.Role)
		}
		seen[s.ID] = true
	}
	return nil
}

func WorkflowID(w *Workflow) string {
	p := w.Province
	if p == "" {
		p = "default"
	}
	return p + "@" + w.Version
}

// Summary is the adjustment in one line for the audit log, steps in name order; "reset" for none.
func (a *WorkflowAdjustment) Summary() string {
	if a == nil {
		return "reset"
	}
	var parts []string
	for id, d := range a.Days {
		parts = append(parts, id+".days="+strconv.Itoa(d))
	}
	for id, r := range a.Roles {
		parts = append(parts, id+".role="+string(r))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
