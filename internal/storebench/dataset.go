// Package storebench measures the office store against SQLite on the same workload: it makes a
// reproducible data set of realistic dossiers (internal/fake people, received over the working
// days of the office's calendar, moved through the province workflow), loads it into our
// encrypted Badger store and into a SQLite peer that implements the same app.Store contract,
// and times the queries and the durable registration of intake.Service on both. cmd/storebench runs
// it and prints the table of the README.
package storebench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
)

// Office is the office whose store the benchmark fills.
var Office = app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}

// The accounts of the benchmark's office: the administrator and one account per working role.
var (
	Admin    = app.User{Name: "admin", FullName: "Quản trị hệ thống"}
	Accounts = []app.User{
		{Name: "motcua", FullName: "Lê Thị Thu Hà", Role: app.Helpdesk},
		{Name: "canbo", FullName: "Phạm Văn Đức", Role: app.Officer},
		{Name: "truongphong", FullName: "Nguyễn Thị Hồng Nhung", Role: app.Supervisor},
	}
)

// Password is every benchmark account's password.
const Password = "mật khẩu đo hiệu năng"

// ReceivingDays is how many working days before Today the data set's dossiers were received
// over, evenly: with a 5-working-day workflow about 1/179 = 0.56 % of them fall due on any one
// working day (about 5,600 of 1,000,000 due today).
const ReceivingDays = 179

// Spec is a data set: N dossiers of the people of Seed, received over the ReceivingDays working
// days before Today. The same Spec gives the same dossiers.
type Spec struct {
	N     int           `json:"n"`
	Seed  uint64        `json:"seed"`
	Today calendar.Date `json:"today"`
}

// Dataset is what Generate made, besides the dossiers.
type Dataset struct {
	Spec
	// DueToday is the number of pending dossiers due on Today.
	DueToday int `json:"due_today"`
	// Counts are the dossiers per state.
	Counts map[app.State]int `json:"counts"`
	// Seqs are the day counters of the dossier codes ("dossier/<yymmdd>" → last sequence).
	Seqs map[string]uint64 `json:"seqs"`
	// SamplePIDs are personal IDs of stored dossiers spread over the set, for lookups.
	SamplePIDs []string `json:"sample_pids"`
	// From is the first day a dossier was received.
	From calendar.Date `json:"from"`
}

// roleUser is the benchmark account that acts for a workflow role.
func roleUser(r app.Role) string {
	for _, u := range Accounts {
		if u.Role == r {
			return u.Name
		}
	}
	return Accounts[0].Name
}

// Generate makes the data set's dossiers in the order of their codes and hands each to put
// (which must not keep the pointer). Every form is a valid TK1-TS (app.Validator at its receipt
// time), quoted by the rules, its appointment and step deadlines counted by the office's
// calendar and workflow as intake.Service.Register counts them; personal IDs are unique. Dossiers due
// today or later are pending (4 % returned for completion); of those due earlier 1.5 % are still
// pending (overdue), 3 % rejected, the rest done, each with the timeline of its steps.
func Generate(ref *assets.Reference, spec Spec, put func(*app.Dossier) error) (Dataset, error) {
	ds := Dataset{Spec: spec, Counts: map[app.State]int{}, Seqs: map[string]uint64{}}
	if spec.N <= 0 || (spec.N+ReceivingDays-1)/ReceivingDays > 9999 {
		// A dossier code numbers the day's dossiers with four digits.
		return ds, fmt.Errorf("data set of %d dossiers: 1 to %d", spec.N, 9999*ReceivingDays)
	}
	cal := ref.Calendars.For(Office.Province)
	wf := ref.Workflows.For(Office.Province)
	days := make([]calendar.Date, 0, ReceivingDays)
	for d := spec.Today - 1; len(days) < ReceivingDays; d-- {
		work, err := cal.IsWorkingDay(d)
		if err != nil {
			return ds, err
		}
		if work {
			days = append(days, d)
		}
	}
	ds.From = days[len(days)-1]
	g := fake.New(spec.Seed, ref.Places)
	rng := rand.New(rand.NewPCG(spec.Seed, 0x5eed_da7a))
	var cur time.Time
	val := app.NewValidator(ref.Rules, ref.Places, func() time.Time { return cur })
	seen := make(map[string]struct{}, spec.N)
	every := max(spec.N/1000, 1)
	made := 0
	for k := range days {
		day := days[len(days)-1-k] // oldest first
		n := spec.N / ReceivingDays
		if k < spec.N%ReceivingDays {
			n++
		}
		y, m, dd := day.Parts()
		open := time.Date(y, m, dd, 7, 30, 0, 0, calendar.VN)
		g.StartMonth = fmt.Sprintf("%04d-%02d", y, int(m))
		for j := 0; j < n; j++ {
			// Office hours 07:30–17:00, a little after the 16:00 cut-off too.
			cur = open.Add(time.Duration((float64(j) + rng.Float64()) / float64(n) * float64(570*time.Minute))).Truncate(time.Second)
			f := g.Form()
			for _, dup := seen[f.PersonalID]; dup; _, dup = seen[f.PersonalID] {
				f = g.Form()
			}
			seen[f.PersonalID] = struct{}{}
			code := fmt.Sprintf("%s-%s-%s%04d", Office.Agency, cur.Format("060102"), Office.Device, j+1)
			d, deadlines, err := dossier(ref, val, cal, wf, f, cur, code)
			if err != nil {
				return ds, err
			}
			progress(&d, deadlines, spec.Today, rng)
			if d.Due == spec.Today && !d.State.Closed() {
				ds.DueToday++
			}
			ds.Counts[d.State]++
			if made%every == 0 && len(ds.SamplePIDs) < 1000 {
				ds.SamplePIDs = append(ds.SamplePIDs, d.Form.PersonalID)
			}
			made++
			if err := put(&d); err != nil {
				return ds, err
			}
		}
		ds.Seqs["dossier/"+open.Format("060102")] = uint64(n)
	}
	return ds, nil
}

// dossier is what intake.Service.Register stores for a form received at t, before any action.
func dossier(ref *assets.Reference, val *app.Validator, cal *calendar.Calendar, wf *app.Workflow, f app.RegistrationForm,
	t time.Time, code string) (app.Dossier, []calendar.Date, error) {
	reg, err := val.Validate(f)
	if err != nil {
		return app.Dossier{}, nil, fmt.Errorf("generated form %s: %w", f.PersonalID, err)
	}
	q, err := ref.Rules.Quote(app.QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(),
		Month: reg.StartMonth, Province: reg.Address.Province})
	if err != nil {
		return app.Dossier{}, nil, fmt.Errorf("quote %s: %w", f.PersonalID, err)
	}
	due, err := calendar.DueDate(t, wf.Days(), cal)
	if err != nil {
		return app.Dossier{}, nil, err
	}
	deadlines := stepDeadlines(wf, due)
	d := app.Dossier{
		Code: code, Office: Office.Agency, Form: reg.Form(), Quote: q, Received: t.In(calendar.VN),
		Due: due.Date, StepDue: deadlines[0], State: app.StateOpen, Step: wf.Steps[0].ID,
		Workflow: wfID(wf), Steps: wf.Steps, Handler: roleUser(app.Helpdesk), Version: 1,
	}
	d.Timeline = []app.Event{{At: d.Received, User: d.Handler, Action: app.ActReceive, ToStep: d.Step, Due: d.Due}}
	return d, deadlines, nil
}

func wfID(w *app.Workflow) string {
	p := w.Province
	if p == "" {
		p = "default"
	}
	return p + "@" + w.Version
}

// stepDeadlines are the last day of each step, counted as the workflow counts them.
func stepDeadlines(wf *app.Workflow, due calendar.Due) []calendar.Date {
	out := make([]calendar.Date, len(wf.Steps))
	n := 0
	for i, st := range wf.Steps {
		n += st.Days
		out[i] = due.Start
		if n > 0 {
			out[i] = due.Counted[n-1]
		}
	}
	return out
}

var (
	missingItems = [][]string{{"Bản sao giấy xác nhận hộ nghèo"}, {"Bản sao giấy xác nhận hộ cận nghèo"},
		{"Số điện thoại liên hệ không đúng", "Bản sao căn cước công dân"}}
	rejectReasons = []string{"Đang tham gia BHXH bắt buộc cùng thời gian", "Người tham gia đề nghị hủy đăng ký",
		"Đã hưởng lương hưu hằng tháng"}
)

// progress moves a just-received dossier through its steps as far as it got by today, with the
// events of its timeline, as intake.Service.Act would have recorded them.
func progress(d *app.Dossier, deadlines []calendar.Date, today calendar.Date, rng *rand.Rand) {
	steps := d.Steps
	last := d.Received
	event := func(day calendar.Date, user string, ev app.Event) {
		y, m, dd := day.Parts()
		t := time.Date(y, m, dd, 9, 0, 0, 0, calendar.VN).Add(time.Duration(rng.IntN(7*60)) * time.Minute)
		if !t.After(last) {
			t = last.Add(time.Duration(1+rng.IntN(90)) * time.Minute)
		}
		last = t
		ev.At, ev.User, ev.Due = t, user, d.Due
		d.Timeline = append(d.Timeline, ev)
		d.Handler = user
		d.Version++
	}
	// advance passes step i: an officer's action, or the event that completes the step by
	// itself (a matched payment voucher, the issued book cover) as the records service writes it.
	advance := func(i int) {
		ev := app.Event{Action: app.ActAdvance, FromStep: steps[i].ID}
		if i == len(steps)-1 {
			ev.Action = app.ActComplete
		} else {
			ev.ToStep = steps[i+1].ID
		}
		switch steps[i].Completes {
		case app.CompletesPayment:
			ev.Action, ev.Reason = app.ActPayment, fmt.Sprintf("receipt_no=BL-%d-%06d", deadlines[i].Year(), rng.IntN(1000000))
		case app.CompletesCover:
			ev.Action, ev.Reason = app.ActCover, "book_no="+d.Form.PersonalID
		}
		event(deadlines[i], roleUser(steps[i].Role), ev)
		if i == len(steps)-1 {
			d.State, d.Step, d.StepDue = app.StateDone, "", 0
			return
		}
		d.Step, d.StepDue = steps[i+1].ID, deadlines[i+1]
	}
	if d.Due < today {
		switch r := rng.IntN(1000); {
		case r < 30:
			reason := rejectReasons[rng.IntN(len(rejectReasons))]
			event(deadlines[0], roleUser(app.Supervisor), app.Event{Action: app.ActReject, FromStep: d.Step, Reason: reason})
			d.State, d.Step, d.StepDue, d.Reason = app.StateRejected, "", 0, reason
		case r < 45: // still pending: overdue at the last step
			for i := 0; i < len(steps)-1; i++ {
				advance(i)
			}
		default:
			for i := range steps {
				advance(i)
			}
		}
		return
	}
	for i := 0; i < len(steps)-1 && deadlines[i] < today; i++ {
		advance(i)
	}
	if rng.IntN(100) < 4 {
		missing := missingItems[rng.IntN(len(missingItems))]
		event(calendar.DateOf(last), roleUser(app.Officer), app.Event{Action: app.ActReturn, FromStep: d.Step, ToStep: d.Step, Missing: missing})
		d.State, d.Missing = app.StateReturned, missing
	}
}
