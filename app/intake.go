package app

import (
	"bhxhdesk/contract"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"bhxhdesk/app/calendar"
)

// Intake is the offline intake service (tiếp nhận hồ sơ, TNHS): office set-up, accounts,
// registration and the province workflow. Every method that touches personal data takes the
// caller's Session, checks its permission and writes its audit entry in the same transaction as
// the change.
type Intake struct {
	Store Store
	// Ref is the reference data in force (rules, calendars, places, workflows), read once per
	// use: the desk replaces it when the centre publishes a rule file.
	Ref *RefSource
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

func (s *Intake) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Today is the current date in Vietnam.
func (s *Intake) Today() calendar.Date { return calendar.DateOf(s.now().In(calendar.VN)) }

var (
	agencyPattern = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)
	devicePattern = regexp.MustCompile(`^[A-Z0-9]{2,4}$`)
	userPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)
)

// Setup records a new store's office and its first administrator (first-run set-up). The
// administrator's keyslot was made when the store was created.
func (s *Intake) Setup(o Office, admin User) error {
	o.Agency = strings.ToUpper(strings.TrimSpace(o.Agency))
	o.Device = strings.ToUpper(strings.TrimSpace(o.Device))
	o.Name = NormalizeText(o.Name)
	if err := s.checkOffice(o); err != nil {
		return err
	}
	admin.Name = strings.ToLower(strings.TrimSpace(admin.Name))
	admin.Role = Admin
	if err := checkUser(admin); err != nil {
		return err
	}
	o.Created, admin.Created = s.now(), s.now()
	return s.Store.Update(func(tx Tx) error {
		if _, ok, err := tx.Office(); err != nil || ok {
			if err == nil {
				err = Errorf(Conflict, "office_exists")
			}
			return err
		}
		if err := tx.PutOffice(o); err != nil {
			return err
		}
		if err := tx.PutUser(admin); err != nil {
			return err
		}
		return tx.Audit(AuditEntry{User: admin.Name, Action: "office.setup", Entity: o.Agency,
			Detail: fmt.Sprintf("province=%s commune=%s device=%s", o.Province, o.Commune, o.Device)})
	})
}

func (s *Intake) checkOffice(o Office) error {
	ve := &ValidationError{}
	if !agencyPattern.MatchString(o.Agency) {
		ve.Problems = append(ve.Problems, FieldProblem{Field: "agency", Code: "bad_agency"})
	}
	if !devicePattern.MatchString(o.Device) {
		ve.Problems = append(ve.Problems, FieldProblem{Field: "device", Code: "bad_device"})
	}
	if _, ok := s.Ref.Get().Places.Province(o.Province); !ok {
		ve.Problems = append(ve.Problems, FieldProblem{Field: "province", Code: "unknown_province", Args: map[string]string{"value": o.Province}})
	} else if _, ok := s.Ref.Get().Places.CommuneName(o.Province, o.Commune); !ok {
		ve.Problems = append(ve.Problems, FieldProblem{Field: "commune", Code: "unknown_commune", Args: map[string]string{"value": o.Commune}})
	}
	if len(ve.Problems) > 0 {
		return ve
	}
	return nil
}

func checkUser(u User) error {
	if !userPattern.MatchString(u.Name) {
		return &Error{Kind: Invalid, Code: "bad_user_name", Field: "user", Args: map[string]string{"value": u.Name}}
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	return nil
}

// Login checks the password and opens a session for the account.
func (s *Intake) Login(user, password string) (*Session, error) {
	user = strings.ToLower(strings.TrimSpace(user))
	if err := s.Store.Authenticate(user, password); err != nil {
		return nil, err
	}
	var (
		u  User
		o  Office
		ok bool
	)
	err := s.Store.Update(func(tx Tx) error {
		var err error
		// The password opened this account's keyslot: a store that then lacks the office
		// profile or the account's record has lost data, and the desk offers the restore path.
		if o, err = officeOf(tx); err != nil {
			return err
		}
		if u, ok, err = tx.User(user); err != nil {
			return err
		}
		if !ok {
			return &Error{Kind: Internal, Code: "store_damaged", Err: errors.New("no record of an account that has a keyslot")}
		}
		if u.Disabled {
			return Errorf(Forbidden, "bad_credentials")
		}
		return tx.Audit(AuditEntry{User: u.Name, Action: "session.login"})
	})
	if err != nil {
		return nil, err
	}
	return NewSession(u, o, s.Now), nil
}

// Unlock reopens a session that locked after being idle, after checking the password again.
func (s *Intake) Unlock(sess *Session, password string) error {
	if err := s.Store.Authenticate(sess.User.Name, password); err != nil {
		return err
	}
	sess.Unlock()
	return nil
}

// AddUser creates an account with its password (administrators only).
func (s *Intake) AddUser(sess *Session, u User, password string) error {
	if err := sess.Require(PermManageUsers); err != nil {
		return err
	}
	u.Name = strings.ToLower(strings.TrimSpace(u.Name))
	u.FullName = NormalizeText(u.FullName)
	if err := checkUser(u); err != nil {
		return err
	}
	u.Created = s.now()
	var exists bool
	if err := s.Store.View(func(tx Tx) error {
		var err error
		_, exists, err = tx.User(u.Name)
		return err
	}); err != nil {
		return err
	}
	if exists {
		return &Error{Kind: Conflict, Code: "user_exists", Field: "user", Args: map[string]string{"user": u.Name}}
	}
	// The keyslot first: a weak password is refused before anything is written. If the
	// account record then fails, the keyslot is taken back, so no half-made account remains.
	if err := s.Store.AddCredential(u.Name, password); err != nil {
		return err
	}
	err := s.Store.Update(func(tx Tx) error {
		if _, ok, err := tx.User(u.Name); err != nil || ok {
			if err == nil {
				err = &Error{Kind: Conflict, Code: "user_exists", Field: "user", Args: map[string]string{"user": u.Name}}
			}
			return err
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		return tx.Audit(AuditEntry{User: sess.User.Name, Action: "user.add", Entity: u.Name, Detail: "role=" + string(u.Role)})
	})
	if err != nil {
		if rerr := s.Store.RemoveCredential(u.Name); rerr != nil {
			return fmt.Errorf("%w (and removing the keyslot: %v)", err, rerr)
		}
	}
	return err
}

// SetPassword changes an account's password: the account itself, or an administrator.
func (s *Intake) SetPassword(sess *Session, user, password string) error {
	user = strings.ToLower(strings.TrimSpace(user))
	if sess == nil || sess.Locked() {
		return Errorf(Forbidden, "session_locked")
	}
	if user != sess.User.Name {
		if err := sess.Require(PermManageUsers); err != nil {
			return err
		}
	}
	if err := s.Store.SetCredential(user, password); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error {
		return tx.Audit(AuditEntry{User: sess.User.Name, Action: "user.password", Entity: user})
	})
}

// SetDisabled disables an account (it can no longer sign in; its work stays under its name) or
// enables it again (administrators only). An administrator cannot disable their own account, nor
// the office's last enabled administrator (Conflict "last_admin").
func (s *Intake) SetDisabled(sess *Session, user string, disabled bool) error {
	if err := sess.Require(PermManageUsers); err != nil {
		return err
	}
	user = strings.ToLower(strings.TrimSpace(user))
	if disabled && user == sess.User.Name {
		return &Error{Kind: Conflict, Code: "disable_self", Field: "user"}
	}
	return s.Store.Update(func(tx Tx) error {
		u, ok, err := tx.User(user)
		if err != nil {
			return err
		}
		if !ok {
			return &Error{Kind: NotFound, Code: "user_not_found", Field: "user", Args: map[string]string{"user": user}}
		}
		if u.Disabled == disabled {
			return nil
		}
		if disabled && u.Role == Admin {
			all, err := tx.Users()
			if err != nil {
				return err
			}
			admins := 0
			for _, o := range all {
				if o.Role == Admin && !o.Disabled {
					admins++
				}
			}
			if admins <= 1 {
				return &Error{Kind: Conflict, Code: "last_admin", Field: "user"}
			}
		}
		u.Disabled = disabled
		if err := tx.PutUser(u); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return tx.Audit(AuditEntry{User: sess.User.Name, Action: action, Entity: user})
	})
}

// Users lists the accounts (administrators only).
func (s *Intake) Users(sess *Session) ([]User, error) {
	if err := sess.Require(PermManageUsers); err != nil {
		return nil, err
	}
	var us []User
	err := s.Store.View(func(tx Tx) error {
		var err error
		us, err = tx.Users()
		return err
	})
	return us, err
}

// RegisterRequest is one TK1-TS handed in at the desk.
type RegisterRequest struct {
	Form RegistrationForm
	// Received is when the citizen handed in the dossier; now when zero. A dossier received
	// on paper during an outage may be entered later with its real time.
	Received time.Time
	// NotDuplicate confirms that the possible duplicates shown to the officer are other people.
	NotDuplicate bool
	// FromDraft says the form is the account's form in progress (SaveDraft): the draft is
	// removed in the same transaction that saves the dossier.
	FromDraft bool
}

// RegisterResult is the answer of Register. PossibleDuplicates is filled whether or not the
// dossier was created.
type RegisterResult struct {
	Dossier            Dossier
	Registration       Registration
	PossibleDuplicates []Summary
	Warnings           []string
}

// Register validates a TK1-TS, checks for duplicates, quotes the contribution and creates the
// dossier with its code, receipt time and appointment date, writing the dossier, its indexes,
// the outbox operation and the audit entry in one transaction.
//
// A pending dossier of the same personal ID refuses the registration (Conflict
// "duplicate_personal_id" naming it). Dossiers of another personal ID with the same folded name
// and birth date are possible duplicates: unless NotDuplicate confirms them, Register returns
// them with a Conflict "possible_duplicate" and creates nothing.
func (s *Intake) Register(sess *Session, req RegisterRequest) (RegisterResult, error) {
	var res RegisterResult
	if err := sess.Require(PermRegister); err != nil {
		return res, err
	}
	now := s.now()
	received := req.Received
	if received.IsZero() {
		received = now
	}
	if received.After(now.Add(5 * time.Minute)) {
		return res, &Error{Kind: Invalid, Code: "received_in_future", Field: "received"}
	}
	ref := s.Ref.Get()
	reg, err := s.Ref.Validator().Validate(req.Form)
	if err != nil {
		return res, err
	}
	res.Registration = reg
	quote, err := ref.Rules.Quote(QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(), LocalGroups: reg.LocalGroups,
		Paid:  calendar.DateOf(received.In(calendar.VN)),
		Month: reg.StartMonth, Province: reg.Address.Province})
	if err != nil {
		return res, err
	}
	res.Warnings = quote.Warnings
	office := sess.Office
	form := reg.Form()
	d := Dossier{Office: office.Agency, Form: form, Quote: quote, Received: stamp(received), State: StateOpen,
		Handler: sess.User.Name, Version: 1}
	err = s.Store.Update(func(tx Tx) error {
		// The office's workflow as stored: an administrator may have adjusted it since this
		// session began.
		stored, ok, err := tx.Office()
		if err != nil {
			return err
		}
		if !ok {
			stored = office
		}
		wf := ref.Workflows.ForOffice(stored)
		plan, err := s.plan(office.Province, wf, 0, received)
		if err != nil {
			return err
		}
		d.Due, d.StepDue, d.Step, d.Workflow, d.Steps = plan.due, plan.stepDue, wf.Steps[0].ID, workflowID(wf), wf.Steps
		res.PossibleDuplicates = nil
		same, err := tx.ByPersonalID(form.PersonalID)
		if err != nil {
			return err
		}
		for _, o := range same {
			if !o.State.Closed() {
				return &Error{Kind: Conflict, Code: "duplicate_personal_id", Field: "personal_id", Args: map[string]string{"code": o.Code}}
			}
		}
		var possible []Summary
		if form.OldSICode != "" {
			byOld, err := tx.ByOldCode(form.OldSICode)
			if err != nil {
				return err
			}
			possible = append(possible, byOld...)
		}
		byName, err := tx.SameName(FoldKey(form.FullName), form.BirthDate[:4])
		if err != nil {
			return err
		}
		for _, o := range byName {
			if o.PersonalID != form.PersonalID && sameBirth(o.BirthDate, form.BirthDate) {
				possible = append(possible, o)
			}
		}
		res.PossibleDuplicates = dedupe(possible)
		if len(res.PossibleDuplicates) > 0 && !req.NotDuplicate {
			return &Error{Kind: Conflict, Code: "possible_duplicate", Field: "full_name",
				Args: map[string]string{"count": fmt.Sprint(len(res.PossibleDuplicates)), "code": res.PossibleDuplicates[0].Code}}
		}
		d.NotDuplicateOf = nil
		for _, o := range res.PossibleDuplicates {
			d.NotDuplicateOf = append(d.NotDuplicateOf, o.Code)
		}
		day := received.In(calendar.VN).Format("060102")
		seq, err := tx.NextSeq("dossier/" + day)
		if err != nil {
			return err
		}
		if seq > 9999 {
			return Errorf(Unavailable, "dossier_codes_exhausted")
		}
		d.Code = fmt.Sprintf("%s-%s-%s%04d", office.Agency, day, office.Device, seq)
		ev := Event{At: stamp(now), User: sess.User.Name, Action: ActReceive, ToStep: d.Step, Due: d.Due}
		if len(d.NotDuplicateOf) > 0 {
			ev.Reason = "not_duplicate_of=" + strings.Join(d.NotDuplicateOf, ",")
		}
		d.Timeline = []Event{ev}
		if err := tx.PutDossier(&d, nil); err != nil {
			return err
		}
		if req.FromDraft {
			if err := tx.DeleteDraft(sess.User.Name); err != nil {
				return err
			}
		}
		if err := enqueue(tx, contract.OpDossierCreate, d.Code, 0, d, now); err != nil {
			return err
		}
		return tx.Audit(AuditEntry{User: sess.User.Name, Action: "dossier.create", Entity: d.Code,
			Detail: "personal_id=" + reg.PersonalID.Masked(), PersonalID: string(reg.PersonalID)})
	})
	if err != nil {
		return res, err
	}
	res.Dossier = d
	return res, nil
}

func sameBirth(a, b string) bool {
	// Dates of differing precision (1990 vs 1990-05-17) match on what both say.
	n := min(len(a), len(b))
	return a[:n] == b[:n]
}

func dedupe(ss []Summary) []Summary {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s.Code] {
			seen[s.Code] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func workflowID(w *Workflow) string {
	p := w.Province
	if p == "" {
		p = "default"
	}
	return p + "@" + w.Version
}

func enqueue(tx Tx, kind, entity string, base int, payload any, now time.Time) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = tx.Enqueue(Op{Kind: kind, EntityID: entity, BaseVersion: base, Payload: b, Created: now})
	return err
}

// plan is the appointment and the current step's deadline, counted from a start time.
type plan struct{ due, stepDue calendar.Date }

// plan counts the working days of the steps from step `from` to the end, starting at t.
func (s *Intake) plan(province string, wf *Workflow, from int, t time.Time) (plan, error) {
	return planSteps(s.Ref.Get().Calendars.For(province), wf.Steps, from, t)
}

func planSteps(cal *calendar.Calendar, steps []Step, from int, t time.Time) (plan, error) {
	total := 0
	for _, st := range steps[from:] {
		total += st.Days
	}
	due, err := calendar.DueDate(t, total, cal)
	if err != nil {
		return plan{}, calendarError(err)
	}
	p := plan{due: due.Date, stepDue: due.Start}
	if n := steps[from].Days; n > 0 {
		p.stepDue = due.Counted[n-1]
	}
	return p, nil
}

func calendarError(err error) error {
	var nc *calendar.NoCalendarError
	if errors.As(err, &nc) {
		return &Error{Kind: Unavailable, Code: "no_calendar", Field: "received", Args: map[string]string{"year": fmt.Sprint(nc.Year)}, Err: err}
	}
	return err
}
