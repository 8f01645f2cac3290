package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"bhxhdesk/contract"

	"bhxhdesk/app/calendar"
)

// State is where a dossier stands (trạng thái hồ sơ).
type State string

// The states of a dossier. Open and Returned dossiers are pending; Rejected and Done are closed.
const (
	StateOpen     State = "open"     // đang giải quyết: at one of the workflow's steps
	StateReturned State = "returned" // chờ bổ sung: returned to the citizen for missing items (Mẫu 02)
	StateRejected State = "rejected" // từ chối (Mẫu 03)
	StateDone     State = "done"     // đã trả kết quả
)

// Closed reports whether no more work is expected on a dossier in this state.
func (s State) Closed() bool { return s == StateRejected || s == StateDone }

// Action is one thing that happened to a dossier, as its timeline shows it.
type Action string

// The actions of the timeline.
const (
	ActReceive   Action = "receive"   // tiếp nhận
	ActAdvance   Action = "advance"   // chuyển bước
	ActReturn    Action = "return"    // yêu cầu bổ sung (Mẫu 02)
	ActResubmit  Action = "resubmit"  // nhận hồ sơ bổ sung
	ActReject    Action = "reject"    // từ chối (Mẫu 03)
	ActReappoint Action = "reappoint" // hẹn lại (Mẫu 04)
	ActComplete  Action = "complete"  // trả kết quả
	ActPayment   Action = "payment"   // chứng từ đóng đã khớp: a payment voucher was matched
	ActCover     Action = "cover"     // đã cấp tờ bìa sổ: the book cover was issued
)

// Event is one entry of a dossier's timeline (quá trình xử lý).
type Event struct {
	At       time.Time     `json:"at"`
	User     string        `json:"user"`
	Action   Action        `json:"action"`
	FromStep string        `json:"from_step,omitempty"`
	ToStep   string        `json:"to_step,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Missing  []string      `json:"missing,omitempty"`
	Due      calendar.Date `json:"due,omitempty"` // the appointment after this event
	// Skipped are the steps passed on the way because their completing event had happened.
	Skipped []string `json:"skipped,omitempty"`
	// Quote is the new quote a requote gave the citizen (ActRequote).
	Quote *Quote `json:"quote,omitempty"`
}

// Dossier is one registration for voluntary insurance received at the office (hồ sơ đăng ký
// tham gia BHXH tự nguyện): the TK1-TS form as received, the quote given to the citizen, and its
// way through the province's workflow against the appointment date.
type Dossier struct {
	Code     string           `json:"code"`
	Office   string           `json:"office"`
	Form     RegistrationForm `json:"form"`
	Quote    Quote            `json:"quote"`
	Received time.Time        `json:"received"` // when the citizen handed in the complete dossier
	Due      calendar.Date    `json:"due"`      // ngày hẹn trả kết quả
	StepDue  calendar.Date    `json:"step_due"` // deadline of the current step
	State    State            `json:"state"`
	Step     string           `json:"step"`     // current step id ("" when closed)
	Workflow string           `json:"workflow"` // province@version of the workflow it follows
	// Steps are the workflow's steps when the dossier was received: a later change of the
	// province's workflow does not move dossiers already on their way.
	Steps   []Step   `json:"steps"`
	Handler string   `json:"handler"` // the account that last acted on it
	Missing []string `json:"missing,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	// NotDuplicateOf are the dossiers the officer confirmed to be other people.
	NotDuplicateOf []string `json:"not_duplicate_of,omitempty"`
	// Timeline is every event, in order. A matched payment (ActPayment) and the issued cover
	// (ActCover) in it complete the workflow steps that wait for them; it travels to the centre
	// and back whole, so a dossier downloaded again knows what happened to it.
	Timeline []Event `json:"timeline"`
	// Purged is set when the dossier's personal data was removed after the retention period.
	Purged *Purge `json:"purged,omitempty"`
	// Channel is how the dossier came in: "" at the desk, ChannelOnline when the citizen
	// declared it on the public-service portal (nộp trực tuyến, dịch vụ công 602e).
	Channel string `json:"channel,omitempty"`
	Version int    `json:"version"`
}

// ChannelOnline marks a dossier a citizen declared online (Dossier.Channel).
const ChannelOnline = "online"

// StepIndex is the position of the current step in Steps, or -1.
func (d *Dossier) StepIndex() int {
	for i, st := range d.Steps {
		if st.ID == d.Step {
			return i
		}
	}
	return -1
}

// DossierEvent is the payload of a "dossier.event" operation: one event and the state, step
// and version it left the dossier in (the centre applies it to its copy).
type DossierEvent struct {
	Event   Event  `json:"event"`
	State   State  `json:"state"`
	Step    string `json:"step"`
	Version int    `json:"version"`
	// Prev is the EventKey of the timeline's last event before this one: the centre applies
	// the event only to that history, so two desks that moved one dossier from the same
	// version while offline are told, not silently merged.
	Prev string `json:"prev,omitempty"`
}

// EventKey names a timeline event (when, who, what, to which step), to tell two histories
// apart that reached the same version.
func EventKey(e Event) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%s", e.At.Unix(), e.User, e.Action, e.ToStep)))
	return hex.EncodeToString(h[:8])
}

// SaveEvent adds ev (due date as the dossier now has it) to the end of d's timeline, moves d
// to its next version in place of prev, and queues the operation that takes it to the centre.
// d's timeline must be a copy of prev's.
func SaveEvent(tx DossierWriter, d, prev *Dossier, ev Event, now time.Time) error {
	ev.Due = d.Due
	d.Timeline = append(d.Timeline, ev)
	d.Version++
	if err := tx.PutDossier(d, prev); err != nil {
		return err
	}
	e := DossierEvent{Event: ev, State: d.State, Step: d.Step, Version: d.Version}
	if n := len(prev.Timeline); n > 0 {
		e.Prev = EventKey(prev.Timeline[n-1])
	}
	payload := DossierEventPayload.To(e)
	return Enqueue(tx, contract.OpDossierEvent, d.Code, prev.Version, payload, now)
}

// Has reports whether the timeline records the action (e.g. ActPayment: the registration's
// first period is paid).
func (d *Dossier) Has(a Action) bool {
	for _, e := range d.Timeline {
		if e.Action == a {
			return true
		}
	}
	return false
}

// Done reports whether the event a step waits for has happened.
func (d *Dossier) Done(completes string) bool {
	switch completes {
	case CompletesPayment:
		return d.Has(ActPayment)
	case CompletesCover:
		return d.Has(ActCover)
	}
	return false
}

// Summary is the few fields a list row shows; the store keeps it beside the indexes so that a
// queue of thousands of rows needs no dossier reads.
type Summary struct {
	Code       string        `json:"code"`
	Name       string        `json:"name"`
	PersonalID string        `json:"personal_id"`
	BirthDate  string        `json:"birth_date"`
	State      State         `json:"state"`
	Step       string        `json:"step"`
	Due        calendar.Date `json:"due"`
	StepDue    calendar.Date `json:"step_due"`
	Received   time.Time     `json:"received"`
	Handler    string        `json:"handler"`
	Payable    Money         `json:"payable"`
	Channel    string        `json:"channel,omitempty"` // ChannelOnline: declared online
}

// Summary returns the dossier's list row.
func (d *Dossier) Summary() Summary {
	return Summary{
		Code: d.Code, Name: d.Form.FullName, PersonalID: d.Form.PersonalID, BirthDate: d.Form.BirthDate,
		State: d.State, Step: d.Step, Due: d.Due, StepDue: d.StepDue, Received: d.Received,
		Handler: d.Handler, Payable: d.Quote.Payable, Channel: d.Channel,
	}
}

// NameKey is the folded full name the duplicate check and the search use.
func (d *Dossier) NameKey() string { return FoldKey(d.Form.FullName) }

// DaysLeft is the number of calendar days from today to the due date (negative when overdue).
func (s Summary) DaysLeft(today calendar.Date) int { return int(s.Due - today) }

// AuditEntry is one line of the append-only audit log (nhật ký truy cập, DOMAIN §9): who did or
// saw what, when, on which record. Detail must not hold an unmasked personal ID.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Action string    `json:"action"` // e.g. "dossier.create", "dossier.view"
	Entity string    `json:"entity"` // e.g. the dossier code
	Detail string    `json:"detail,omitempty"`
	// Person is a keyed hash of the personal ID the entry concerns (the store computes it from
	// PersonalID, which is never stored): the access log finds who saw a person without the
	// log holding the number.
	Person     string `json:"person,omitempty"`
	PersonalID string `json:"-"`
	Prev       string `json:"prev"` // hash of the previous entry, hex; "" for the first
	Hash       string `json:"hash"` // SHA-256 over Prev and this entry's fields
}

// AuditReport is the answer of an audit chain check.
type AuditReport struct {
	OK      bool   `json:"ok"`
	Entries uint64 `json:"entries"`
	// FirstBroken is the sequence number of the first entry that fails (0 when OK), and Reason
	// says how: edited, missing, inserted, reordered, or the tail cut off.
	FirstBroken uint64 `json:"first_broken,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Anchored is the last anchor the chain was checked against (0 when none): a head the
	// centre acknowledged, which a rewritten or truncated chain cannot match.
	Anchored uint64 `json:"anchored,omitempty"`
}

// AuditChain is what a store that keeps the audit chain offers for anchoring it.
type AuditChain interface {
	// AuditHead is the chain's last entry (zero when empty).
	AuditHead() (contract.AuditAnchor, error)
	// AuditHashAt is the hash of the entry at seq (false when there is none).
	AuditHashAt(seq uint64) (string, bool, error)
}

// CheckAnchors checks a chain that verified on its own against anchors: an anchor beyond the
// chain's end means it was cut (audit_truncated), an entry whose hash differs from its anchor
// means it was rewritten (audit_rewritten).
func CheckAnchors(rep AuditReport, chain AuditChain, anchors []contract.AuditAnchor) (AuditReport, error) {
	if !rep.OK {
		return rep, nil
	}
	for _, a := range anchors {
		if a.Seq == 0 {
			continue
		}
		h, ok, err := chain.AuditHashAt(a.Seq)
		if err != nil {
			return rep, err
		}
		switch {
		case !ok || a.Seq > rep.Entries:
			return AuditReport{Entries: rep.Entries, FirstBroken: rep.Entries + 1, Reason: "audit_truncated", Anchored: a.Seq}, nil
		case h != a.Hash:
			return AuditReport{Entries: rep.Entries, FirstBroken: a.Seq, Reason: "audit_rewritten", Anchored: a.Seq}, nil
		}
		rep.Anchored = max(rep.Anchored, a.Seq)
	}
	return rep, nil
}

// Stamp is a time as a dossier keeps it (received, timeline): Vietnam's time to the second,
// as the receipt and the timeline show it. Finer digits would only be noise to store and to
// send over a slow link.
func Stamp(t time.Time) time.Time { return t.Truncate(time.Second).In(calendar.VN) }

// Advance moves an open dossier past its current step, and past every following step whose
// completing event (payment, cover) has already happened; after the last step the result is
// returned (done). It fills ev's ToStep, Skipped and, at the end, Action.
func Advance(d *Dossier, ev *Event, cal *calendar.Calendar, now time.Time) error {
	i := d.StepIndex()
	if i < 0 {
		return &Error{Kind: Internal, Code: CodeUnknownStep, Args: map[string]string{"step": d.Step}}
	}
	for {
		if i == len(d.Steps)-1 {
			ev.Action, ev.ToStep = ActComplete, ""
			d.State, d.Step, d.StepDue = StateDone, "", 0
			return nil
		}
		i++
		if i < len(d.Steps)-1 && d.Done(d.Steps[i].Completes) {
			ev.Skipped = append(ev.Skipped, d.Steps[i].ID)
			continue
		}
		break
	}
	// The step's deadline: its own days counted from the later of now and the previous step's
	// deadline, never past the appointment.
	from := now
	if t := d.StepDue.Time(); t.After(from) {
		from = t
	}
	p, err := PlanSteps(cal, d.Steps[:i+1], i, from)
	if err != nil {
		return err
	}
	d.Step, d.StepDue = d.Steps[i].ID, min(p.StepDue, d.Due)
	if d.StepDue < calendar.DateOf(now.In(calendar.VN)) {
		d.StepDue = d.Due
	}
	ev.ToStep = d.Step
	return nil
}

func PlanSteps(cal *calendar.Calendar, steps []Step, from int, t time.Time) (Plan, error) {
	total := 0
	for _, st := range steps[from:] {
		total += st.Days
	}
	due, err := calendar.DueDate(t, total, cal)
	if err != nil {
		return Plan{}, CalendarError(err)
	}
	p := Plan{Due: due.Date, StepDue: due.Start}
	if n := steps[from].Days; n > 0 {
		p.StepDue = due.Counted[n-1]
	}
	return p, nil
}

// Plan is the appointment and the current step's deadline, counted from a start time.
type Plan struct{ Due, StepDue calendar.Date }

func CalendarError(err error) error {
	var nc *calendar.NoCalendarError
	if errors.As(err, &nc) {
		return &Error{Kind: Unavailable, Code: CodeNoCalendar, Field: "received", Args: map[string]string{"year": fmt.Sprint(nc.Year)}, Err: err}
	}
	return err
}

// ClosedAt is when the dossier's last event happened.
func (d *Dossier) ClosedAt() time.Time {
	if len(d.Timeline) == 0 {
		return d.Received
	}
	return d.Timeline[len(d.Timeline)-1].At
}

// Purge records that a dossier's personal data was removed: when, and the SHA-256 of the
// dossier as it was.
type Purge struct {
	At   time.Time `json:"at"`
	Hash string    `json:"hash"`
}
