package intake

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/refdata"

	"bhxhdesk/app/calendar"
)

// Service is the offline intake service (tiếp nhận hồ sơ, TNHS): office set-up, accounts,
// registration and the province workflow. Every method that touches personal data takes the
// caller's Session, checks its permission and writes its audit entry in the same transaction as
// the change.
type Service struct {
	Store Store
	// Ref is the reference data in force (rules, calendars, places, workflows), read once per
	// use: the desk replaces it when the centre publishes a rule file.
	Ref *refdata.Source
	// Now is the clock; time.Now when nil.
	Now app.Clock
}

// Today is the current date in Vietnam.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.Now.Time().In(calendar.VN)) }

var (
	devicePattern = regexp.MustCompile(`^[A-Z0-9]{2,4}$`)
	userPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)
)

// CheckSetup reports every problem of a first-run set-up at once, before the store is made:
// the office's fields, the administrator's user name and password, as one validation error.
// Only the reference data is needed (s.Ref).
func (s *Service) CheckSetup(o app.Office, admin app.User, password string) error {
	ve := &app.ValidationError{}
	var office *app.ValidationError
	if err := s.checkOffice(normalOffice(o)); errors.As(err, &office) {
		ve.Problems = append(ve.Problems, office.Problems...)
	} else if err != nil {
		return err
	}
	admin.Name, admin.Role = strings.ToLower(strings.TrimSpace(admin.Name)), app.Admin
	var ae *app.Error
	if err := checkUser(admin); errors.As(err, &ae) {
		if admin.Name == "" {
			ae.Code, ae.Args = app.CodeUserNameInvalid, nil // "must not be empty", not `"" may only hold …`
		}
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: ae.Field, Code: ae.Code, Args: ae.Args})
		admin.Name = "" // no name yet for the password to avoid
	}
	if err := app.CheckPassword(admin.Name, password); errors.As(err, &ae) {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: ae.Field, Code: ae.Code})
	}
	if len(ve.Problems) > 0 {
		return ve
	}
	return nil
}

// normalOffice is an office profile as typed, its codes in upper case.
func normalOffice(o app.Office) app.Office {
	o.Agency = strings.ToUpper(strings.TrimSpace(o.Agency))
	o.Device = strings.ToUpper(strings.TrimSpace(o.Device))
	return o
}

// Setup records a new store's office and its first administrator (first-run set-up). The
// administrator's keyslot was made when the store was created.
func (s *Service) Setup(o app.Office, admin app.User) error {
	o = normalOffice(o)
	o.Name = app.NormalizeText(o.Name)
	if err := s.checkOffice(o); err != nil {
		return err
	}
	admin.Name = strings.ToLower(strings.TrimSpace(admin.Name))
	admin.Role = app.Admin
	if err := checkUser(admin); err != nil {
		return err
	}
	o.Created, admin.Created = s.Now.Time(), s.Now.Time()
	return s.Store.Update(func(tx Tx) error {
		if _, ok, err := tx.Office(); err != nil || ok {
			if err == nil {
				err = app.Errorf(app.Conflict, app.CodeOfficeExists)
			}
			return err
		}
		if err := tx.PutOffice(o); err != nil {
			return err
		}
		if err := tx.PutUser(admin); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: admin.Name, Action: "office.setup", Entity: o.Agency,
			Detail: fmt.Sprintf("province=%s commune=%s device=%s", o.Province, o.Commune, o.Device)})
	})
}

func (s *Service) checkOffice(o app.Office) error {
	ve := &app.ValidationError{}
	if !app.AgencyPattern.MatchString(o.Agency) {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "agency", Code: app.CodeBadAgency})
	}
	if !devicePattern.MatchString(o.Device) {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "device", Code: app.CodeBadDevice})
	}
	if o.Province == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "province", Code: app.CodeRequired})
	} else if _, ok := s.Ref.Get().Places.Province(o.Province); !ok {
		ve.Problems = append(
			ve.Problems,
			app.FieldProblem{Field: "province", Code: app.CodeUnknownProvince, Args: map[string]string{"value": o.Province}},
		)
	} else if o.Commune == "" {
		ve.Problems = append(ve.Problems, app.FieldProblem{Field: "commune", Code: app.CodeRequired})
	} else if _, ok := s.Ref.Get().Places.CommuneName(o.Province, o.Commune); !ok {
		ve.Problems = append(ve.Problems,
			app.FieldProblem{Field: "commune", Code: app.CodeUnknownCommune, Args: map[string]string{"value": o.Commune}})
	}
	if len(ve.Problems) > 0 {
		return ve
	}
	return nil
}

func checkUser(u app.User) error {
	if !userPattern.MatchString(u.Name) {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadUserName, Field: "user", Args: map[string]string{"value": u.Name}}
	}
	if _, err := app.ParseRole(string(u.Role)); err != nil {
		return err
	}
	return nil
}

// Login checks the password and opens a session for the account.
func (s *Service) Login(user, password string) (*app.Session, error) {
	user = strings.ToLower(strings.TrimSpace(user))
	if err := s.Store.Authenticate(user, password); err != nil {
		return nil, err
	}
	var (
		u  app.User
		o  app.Office
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
			return &app.Error{Kind: app.Internal, Code: app.CodeStoreDamaged, Err: errors.New("no record of an account that has a keyslot")}
		}
		if u.Disabled {
			return app.Errorf(app.Forbidden, app.CodeBadCredentials)
		}
		return tx.Audit(app.AuditEntry{User: u.Name, Action: "session.login"})
	})
	if err != nil {
		return nil, err
	}
	return app.NewSession(u, o, s.Now), nil
}

// Unlock reopens a session that locked after being idle, after checking the password again.
func (s *Service) Unlock(sess *app.Session, password string) error {
	if err := s.Store.Authenticate(sess.User.Name, password); err != nil {
		return err
	}
	sess.Unlock()
	return nil
}

// AddUser creates an account with its password (administrators only).
func (s *Service) AddUser(sess *app.Session, u app.User, password string) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	u.Name = strings.ToLower(strings.TrimSpace(u.Name))
	u.FullName = app.NormalizeText(u.FullName)
	if err := checkUser(u); err != nil {
		return err
	}
	u.Created = s.Now.Time()
	var exists bool
	if err := s.Store.View(func(tx Tx) error {
		var err error
		_, exists, err = tx.User(u.Name)
		return err
	}); err != nil {
		return err
	}
	if exists {
		return &app.Error{Kind: app.Conflict, Code: app.CodeUserExists, Field: "user", Args: map[string]string{"user": u.Name}}
	}
	// The keyslot first: a weak password is refused before anything is written. If the
	// account record then fails, the keyslot is taken back, so no half-made account remains.
	if err := s.Store.AddCredential(u.Name, password); err != nil {
		return err
	}
	err := s.Store.Update(func(tx Tx) error {
		if _, ok, err := tx.User(u.Name); err != nil || ok {
			if err == nil {
				err = &app.Error{Kind: app.Conflict, Code: app.CodeUserExists, Field: "user", Args: map[string]string{"user": u.Name}}
			}
			return err
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "user.add", Entity: u.Name, Detail: "role=" + string(u.Role)})
	})
	if err != nil {
		if rerr := s.Store.RemoveCredential(u.Name); rerr != nil {
			return fmt.Errorf("%w (and removing the keyslot: %v)", err, rerr)
		}
	}
	return err
}

// SetPassword changes an account's password: the account itself, or an administrator.
func (s *Service) SetPassword(sess *app.Session, user, password string) error {
	user = strings.ToLower(strings.TrimSpace(user))
	if sess == nil || sess.Locked() {
		return app.Errorf(app.Forbidden, app.CodeSessionLocked)
	}
	if user != sess.User.Name {
		if err := sess.Require(app.PermManageUsers); err != nil {
			return err
		}
	}
	if err := s.Store.SetCredential(user, password); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error {
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "user.password", Entity: user})
	})
}

// SetDisabled disables an account (it can no longer sign in; its work stays under its name) or
// enables it again (administrators only). An administrator cannot disable their own account, nor
// the office's last enabled administrator (Conflict "last_admin").
func (s *Service) SetDisabled(sess *app.Session, user string, disabled bool) error {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return err
	}
	user = strings.ToLower(strings.TrimSpace(user))
	if disabled && user == sess.User.Name {
		return &app.Error{Kind: app.Conflict, Code: app.CodeDisableSelf, Field: "user"}
	}
	return s.Store.Update(func(tx Tx) error {
		u, ok, err := tx.User(user)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeUserNotFound, Field: "user", Args: map[string]string{"user": user}}
		}
		if u.Disabled == disabled {
			return nil
		}
		if disabled && u.Role == app.Admin {
			all, err := tx.Users()
			if err != nil {
				return err
			}
			admins := 0
			for _, o := range all {
				if o.Role == app.Admin && !o.Disabled {
					admins++
				}
			}
			if admins <= 1 {
				return &app.Error{Kind: app.Conflict, Code: app.CodeLastAdmin, Field: "user"}
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
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: action, Entity: user})
	})
}

// Users lists the accounts (administrators only).
func (s *Service) Users(sess *app.Session) ([]app.User, error) {
	if err := sess.Require(app.PermManageUsers); err != nil {
		return nil, err
	}
	var us []app.User
	err := s.Store.View(func(tx Tx) error {
		var err error
		us, err = tx.Users()
		return err
	})
	return us, err
}

// RegisterRequest is one TK1-TS handed in at the desk.
type RegisterRequest struct {
	Form app.RegistrationForm
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
	Dossier            app.Dossier
	Registration       app.Registration
	PossibleDuplicates []app.Summary
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
func (s *Service) Register(sess *app.Session, req RegisterRequest) (RegisterResult, error) {
	var res RegisterResult
	if err := sess.Require(app.PermRegister); err != nil {
		return res, err
	}
	now := s.Now.Time()
	received := req.Received
	if received.IsZero() {
		received = now
	}
	if received.After(now.Add(5 * time.Minute)) {
		return res, &app.Error{Kind: app.Invalid, Code: app.CodeReceivedInFuture, Field: "received"}
	}
	ref := s.Ref.Get()
	reg, err := s.Ref.Validator().Validate(req.Form)
	if err != nil {
		return res, err
	}
	res.Registration = reg
	quote, err := ref.Rules.Quote(
		app.QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(), LocalGroups: reg.LocalGroups,
			Paid:  calendar.DateOf(received.In(calendar.VN)),
			Month: reg.StartMonth, Province: reg.Address.Province},
	)
	if err != nil {
		return res, err
	}
	res.Warnings = quote.Warnings
	office := sess.Office
	form := reg.Form()
	d := app.Dossier{Office: office.Agency, Form: form, Quote: quote, Received: app.Stamp(received), State: app.StateOpen,
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
		d.Due, d.StepDue, d.Step, d.Workflow, d.Steps = plan.Due, plan.StepDue, wf.Steps[0].ID, app.WorkflowID(wf), wf.Steps
		res.PossibleDuplicates = nil
		same, err := tx.ByPersonalID(form.PersonalID)
		if err != nil {
			return err
		}
		for _, o := range same {
			if !o.State.Closed() {
				return &app.Error{Kind: app.Conflict, Code: app.CodeDuplicatePersonalId, Field: "personal_id", Args: map[string]string{"code": o.Code}}
			}
		}
		// The national records the centre sent with the person exclude them (DOMAIN §2): under
		// compulsory insurance for the first month, or receiving a pension. Without them the
		// centre checks when the dossier is synced and tells the office.
		p, known, err := tx.Participant(form.PersonalID)
		if err != nil {
			return err
		}
		if why := p.History.Exclusion(reg.StartMonth); known && why != "" {
			return &app.Error{Kind: app.Conflict, Code: why, Field: "personal_id",
				Args: map[string]string{"value": app.PersonalID(form.PersonalID).Masked(), "dossier": "—"}}
		}
		// Missing time (Decree 159/2025 art. 7): at most 60 months short of what a pension needs,
		// counted from the history the centre sent; without it the officer is told the desk
		// cannot know, and the centre's records decide later.
		if reg.Method.Kind == app.Missing {
			if !known {
				p = app.Participant{PersonalID: form.PersonalID}
			}
			p.Gender, p.BirthDate = form.Gender, form.BirthDate
			if mc, err := ref.Rules.MissingTime(&p, reg.StartMonth); err == nil {
				args := map[string]string{"short": strconv.Itoa(mc.Short), "max": strconv.Itoa(mc.Max), "required": strconv.Itoa(mc.Required),
					"have": strconv.Itoa(mc.Have), "months": strconv.Itoa(reg.Method.Months)}
				switch {
				case !mc.Known:
					res.Warnings = append(res.Warnings, app.CodeMissingHistoryUnknown)
				case mc.Code == "missing_too_short" || mc.Code == "missing_not_short":
					return &app.Error{Kind: app.Invalid, Code: mc.Code, Field: "method", Args: args}
				case reg.Method.Months > mc.Short:
					return &app.Error{Kind: app.Invalid, Code: app.CodeMissingMoreThanShort, Field: "method", Args: args}
				}
			}
		}
		var possible []app.Summary
		if form.OldSICode != "" {
			byOld, err := tx.ByOldCode(form.OldSICode)
			if err != nil {
				return err
			}
			possible = append(possible, byOld...)
		}
		byName, err := tx.SameName(app.FoldKey(form.FullName), form.BirthDate)
		if err != nil {
			return err
		}
		for _, o := range byName {
			if o.PersonalID != form.PersonalID && app.BirthDatesAgree(o.BirthDate, form.BirthDate) {
				possible = append(possible, o)
			}
		}
		res.PossibleDuplicates = dedupe(possible)
		if len(res.PossibleDuplicates) > 0 && !req.NotDuplicate {
			return &app.Error{Kind: app.Conflict, Code: app.CodePossibleDuplicate, Field: "full_name",
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
			return app.Errorf(app.Unavailable, app.CodeDossierCodesExhausted)
		}
		d.Code = fmt.Sprintf("%s-%s-%s%04d", office.Agency, day, office.Device, seq)
		ev := app.Event{At: app.Stamp(now), User: sess.User.Name, Action: app.ActReceive, ToStep: d.Step, Due: d.Due}
		if len(d.NotDuplicateOf) > 0 {
			ev.Reason = "not_duplicate_of=" + strings.Join(d.NotDuplicateOf, ",")
		}
		d.Timeline = []app.Event{ev}
		if err := tx.PutDossier(&d, nil); err != nil {
			return err
		}
		if req.FromDraft {
			if err := tx.DeleteDraft(sess.User.Name); err != nil {
				return err
			}
		}
		if err := app.Enqueue(tx, contract.OpDossierCreate, d.Code, 0, app.DossierPayload.To(d), now); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.create", Entity: d.Code,
			Detail: "personal_id=" + reg.PersonalID.Masked(), PersonalID: string(reg.PersonalID)})
	})
	if err != nil {
		return res, err
	}
	res.Dossier = d
	return res, nil
}

func dedupe(ss []app.Summary) []app.Summary {
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

// plan counts the working days of the steps from step `from` to the end, starting at t.
func (s *Service) plan(province string, wf *app.Workflow, from int, t time.Time) (app.Plan, error) {
	return app.PlanSteps(s.Ref.Get().Calendars.For(province), wf.Steps, from, t)
}
