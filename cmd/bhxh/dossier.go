package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/storage"
)

func flushCode(err error) int {
	if err != nil {
		return exitUsage
	}
	return exitOK
}

// registerResult is the JSON answer of one registration.
type registerResult struct {
	Index              *int       `json:"index,omitempty"`
	Created            bool       `json:"created"`
	DossierCode        string     `json:"dossier_code,omitempty"`
	Received           string     `json:"received,omitempty"`
	Due                string     `json:"due,omitempty"`
	Step               string     `json:"step,omitempty"`
	StepDue            string     `json:"step_due,omitempty"`
	Payable            app.Money  `json:"payable"`
	PossibleDuplicates []listRow  `json:"possible_duplicates"`
	Warnings           []string   `json:"warnings,omitempty"`
	Errors             []problem  `json:"errors,omitempty"`
	Quote              *app.Quote `json:"quote,omitempty"`
}

func (c *cli) register(args []string) int {
	fset := c.flagSet("register")
	receivedS := fset.String("received", "", "when the citizen handed the dossier in (RFC 3339); now by default")
	notDup := fset.Bool("not-duplicate", false, "the officer confirmed that the possible duplicates are other people")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) > 1 {
		return c.usageError("register: %v", firstErr(err, pos))
	}
	var received time.Time
	if *receivedS != "" {
		if received, err = time.Parse(time.RFC3339, *receivedS); err != nil {
			return c.usageError("register: --received %q: %s", *receivedS, c.t("cli.bad_time"))
		}
	}
	data, err := c.readInput(pos)
	if err != nil {
		return c.usageError("register: %v", err)
	}
	records, isArray, err := splitRecords(data)
	if err != nil {
		detailVI, detailEN := jsonProblem(err)
		return c.usageError("register: %s", c.t("err.json", "detail", map[app.Lang]string{app.VI: detailVI, app.EN: detailEN}[c.lang]))
	}
	forms := make([]app.RegistrationForm, len(records))
	for i, rec := range records {
		if forms[i], err = decodeForm(rec); err != nil {
			return c.usageError("register: %s", c.ref.Catalog.Message(c.lang, err))
		}
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	results := make([]registerResult, len(forms))
	for i, f := range forms {
		res, err := d.Intake.Register(sess, intake.RegisterRequest{Form: f, Received: received, NotDuplicate: *notDup})
		r := registerResult{PossibleDuplicates: rows(res.PossibleDuplicates, 0), Warnings: res.Warnings}
		if isArray {
			n := i + 1
			r.Index = &n
		}
		if err != nil {
			k := app.KindOf(err)
			if k != app.Invalid && k != app.Conflict && k != app.Unavailable {
				return c.closeDesk(d, c.fail(err))
			}
			r.Errors, code = c.problems(err), max(code, exitInvalid)
		} else {
			dos := res.Dossier
			q := dos.Quote
			r.Created, r.DossierCode, r.Payable, r.Quote = true, dos.Code, q.Payable, &q
			r.Received, r.Due, r.Step, r.StepDue = dos.Received.Format(time.RFC3339), dos.Due.String(), dos.Step, dos.StepDue.String()
		}
		results[i] = r
	}
	if *asJSON {
		var w int
		if isArray {
			w = c.writeJSON(results)
		} else {
			w = c.writeJSON(results[0])
		}
		return c.closeDesk(d, max(code, w))
	}
	for i, r := range results {
		if isArray {
			fmt.Fprint(c.stdout, c.t("cli.record", "index", fmt.Sprint(i+1))+": ")
		}
		if r.Created {
			due, _ := calendar.ParseDate(r.Due)
			fmt.Fprintln(c.stdout, c.t("cli.registered", "code", r.DossierCode, "due", due.VNString(), "payable", r.Payable.String()))
		} else {
			fmt.Fprintln(c.stdout, c.t("cli.refused"))
			c.printProblems(r.Errors)
		}
		if len(r.PossibleDuplicates) > 0 {
			fmt.Fprintln(c.stdout, "  "+c.t("cli.possible_duplicates"))
			for _, p := range r.PossibleDuplicates {
				fmt.Fprintf(c.stdout, "    %s  %s  %s  %s\n", p.Code, p.Name, p.PersonalID, p.BirthDate)
			}
		}
		for _, w := range r.Warnings {
			fmt.Fprintln(c.stdout, "  "+c.ref.Catalog.Warning(c.lang, w))
		}
	}
	return c.closeDesk(d, code)
}

func (c *cli) receipt(args []string) int {
	fset := c.flagSet("receipt")
	out := fset.String("out", "", "PDF file to write")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 || *out == "" {
		return c.usageError("receipt DOSSIER --out FILE.pdf: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	err = storage.CreateFileAtomic(*out, func(f io.Writer) error { return d.WriteReceipt(sess, pos[0], c.lang, f) })
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			return c.closeDesk(d, c.fail(err))
		}
		return c.closeDesk(d, c.usageError("receipt: %v", err))
	}
	fmt.Fprintln(c.stdout, c.t("cli.written", "file", *out))
	return c.closeDesk(d, code)
}

// listRow is one dossier of a queue or search as the command line prints it. The personal ID
// is masked: the list is for finding a dossier, not for reading the number.
type listRow struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	PersonalID string    `json:"personal_id"`
	BirthDate  string    `json:"birth_date"`
	State      app.State `json:"state"`
	Step       string    `json:"step,omitempty"`
	Due        string    `json:"due,omitempty"`
	StepDue    string    `json:"step_due,omitempty"`
	DaysLeft   *int      `json:"days_left,omitempty"`
	Received   string    `json:"received"`
	Handler    string    `json:"handler"`
	Payable    app.Money `json:"payable"`
}

func rows(ss []app.Summary, today calendar.Date) []listRow {
	out := make([]listRow, len(ss))
	for i, s := range ss {
		r := listRow{Code: s.Code, Name: s.Name, PersonalID: app.PersonalID(s.PersonalID).Masked(), BirthDate: s.BirthDate,
			State: s.State, Step: s.Step, Received: s.Received.Format(time.RFC3339), Handler: s.Handler, Payable: s.Payable}
		if !s.State.Closed() {
			r.Due = s.Due.String()
			if s.StepDue != 0 {
				r.StepDue = s.StepDue.String()
			}
			if today != 0 {
				n := s.DaysLeft(today)
				r.DaysLeft = &n
			}
		}
		out[i] = r
	}
	return out
}

func (c *cli) dossier(args []string) int {
	if len(args) == 0 {
		return c.usageError("dossier: list | show | requote | advance | return | reject | reappoint")
	}
	switch args[0] {
	case "list":
		return c.dossierList(args[1:])
	case "show":
		return c.dossierShow(args[1:])
	case "requote":
		return c.dossierRequote(args[1:])
	case "advance", "return", "reject", "reappoint":
		return c.dossierAct(app.Action(args[0]), args[1:])
	}
	return c.usageError("dossier: %q: list | show | requote | advance | return | reject | reappoint", args[0])
}

func (c *cli) dossierList(args []string) int {
	fset := c.flagSet("dossier list")
	dueToday := fset.Bool("due-today", false, "pending dossiers due today")
	overdue := fset.Bool("overdue", false, "pending dossiers past their appointment")
	step := fset.String("step", "", "open dossiers at a workflow step")
	handler := fset.String("handler", "", "pending dossiers last handled by an account")
	search := fset.String("search", "", "a name (with or without diacritics), a dossier code, or 4+ digits of a personal ID")
	limit := fset.Int("limit", 0, "at most N rows (0: all; searches: 50)")
	quoteChanged := fset.Bool("quote-changed", false, "dossiers waiting for payment whose amount changed under the rules in force")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("dossier list: %v", firstErr(err, pos))
	}
	if *quoteChanged {
		if *dueToday || *overdue || *step != "" || *handler != "" || *search != "" {
			return c.usageError("dossier list: %s", c.t("cli.one_list"))
		}
		return c.quoteChanges(*asJSON)
	}
	req := intake.ListRequest{Kind: intake.ListPending, Limit: *limit}
	n := 0
	for _, k := range []struct {
		set  bool
		kind intake.ListKind
		val  string
	}{{*dueToday, intake.ListDueToday, ""}, {*overdue, intake.ListOverdue, ""}, {*step != "", intake.ListStep, *step},
		{*handler != "", intake.ListHandler, *handler}, {*search != "", intake.ListSearch, *search}} {
		if k.set {
			req.Kind, req.Value = k.kind, k.val
			n++
		}
	}
	if n > 1 {
		return c.usageError("dossier list: %s", c.t("cli.one_list"))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	list, err := d.Intake.List(sess, req)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	out := rows(list, d.Intake.Today())
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(out))
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stdout, c.t("cli.no_dossiers"))
		return c.closeDesk(d, code)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range out {
		due, _ := calendar.ParseDate(r.Due)
		left := ""
		if r.DaysLeft != nil {
			left = c.daysLeft(*r.DaysLeft)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.PersonalID, c.stateLabel(r.State, r.Step, sess), due.VNString(), left)
	}
	return c.closeDesk(d, max(code, flushCode(tw.Flush())))
}

func (c *cli) daysLeft(n int) string {
	switch {
	case n < 0:
		return c.t("cli.days_overdue", "days", fmt.Sprint(-n))
	case n == 0:
		return c.t("cli.due_today")
	}
	return c.t("cli.days_left", "days", fmt.Sprint(n))
}

// stateLabel is the state, or the step's name for an open dossier.
func (c *cli) stateLabel(s app.State, step string, sess *app.Session) string {
	if s == app.StateOpen && step != "" {
		wf := c.ref.Workflows.For(sess.Office.Province)
		if i := wf.Index(step); i >= 0 {
			return wf.Steps[i].Name(c.lang)
		}
		return step
	}
	return c.t("state." + string(s))
}

func (c *cli) dossierShow(args []string) int {
	fset := c.flagSet("dossier show")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("dossier show DOSSIER: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	dos, err := d.Intake.Dossier(sess, pos[0])
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(app.DossierPayload.To(dos)))
	}
	c.printDossier(dos)
	if ch, changed := d.Intake.QuoteChanged(dos); changed {
		fmt.Fprintln(c.stdout, "⚠ "+c.quoteChangeText(ch))
	}
	return c.closeDesk(d, code)
}

// quoteChanges lists the dossiers whose amount changed under the rules in force.
func (c *cli) quoteChanges(asJSON bool) int {
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	changes, err := d.Intake.QuoteChanges(sess)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, asJSON))
	}
	if asJSON {
		if changes == nil {
			changes = []intake.QuoteChange{}
		}
		return c.closeDesk(d, c.writeJSON(changes))
	}
	if len(changes) == 0 {
		fmt.Fprintln(c.stdout, c.t("cli.no_dossiers"))
		return c.closeDesk(d, code)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, ch := range changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ch.Dossier.Code, ch.Dossier.Name, c.quoteChangeText(ch))
	}
	return c.closeDesk(d, max(code, flushCode(tw.Flush())))
}

// quoteChangeText says how a dossier's amount changed, or why it cannot be computed now.
func (c *cli) quoteChangeText(ch intake.QuoteChange) string {
	if ch.Problem != nil {
		return c.t("quote.changed_refused", "problem", c.ref.Catalog.Message(c.lang, ch.Problem))
	}
	return c.t("quote.changed", "was", ch.Was.Payable.String(), "now", ch.Now.Payable.String())
}

// dossierRequote gives the citizen the amount under the rules in force.
func (c *cli) dossierRequote(args []string) int {
	fset := c.flagSet("dossier requote")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("dossier requote DOSSIER: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	dos, err := d.Intake.Requote(sess, strings.ToUpper(strings.TrimSpace(pos[0])))
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(app.DossierPayload.To(dos)))
	}
	fmt.Fprintln(c.stdout, c.t("ui.dossier.requoted", "payable", dos.Quote.Payable.String()))
	return c.closeDesk(d, code)
}

func (c *cli) printDossier(dos app.Dossier) {
	f := dos.Form
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	line := func(key, val string) { fmt.Fprintf(tw, "%s\t%s\n", c.t(key), val) }
	line("cli.f.code", dos.Code)
	line("cli.f.name", f.FullName)
	line("cli.f.personal_id", f.PersonalID)
	birth := f.BirthDate
	if b, err := app.ParseBirthDate(f.BirthDate); err == nil {
		birth = b.VNString()
	}
	line("cli.f.birth_date", birth)
	line("cli.f.phone", f.Phone)
	line("cli.f.state", c.t("state."+string(dos.State)))
	stepName := func(id string) string {
		for _, s := range dos.Steps {
			if s.ID == id {
				return s.Name(c.lang)
			}
		}
		return id
	}
	if dos.Step != "" {
		line("cli.f.step", stepName(dos.Step)+" ("+c.t("cli.until", "date", dos.StepDue.VNString())+")")
	}
	line("cli.f.received", dos.Received.Format("15:04 02/01/2006"))
	line("cli.f.due", dos.Due.VNString())
	line("cli.f.payable", dos.Quote.Payable.String())
	if len(dos.Missing) > 0 {
		line("cli.f.missing", strings.Join(dos.Missing, "; "))
	}
	if dos.Reason != "" {
		line("cli.f.reason", dos.Reason)
	}
	_ = tw.Flush()
	fmt.Fprintln(c.stdout, c.t("cli.timeline"))
	for _, e := range dos.Timeline {
		s := fmt.Sprintf("  %s  %-12s %s", e.At.In(calendar.VN).Format("15:04 02/01/2006"), e.User, c.t("action."+string(e.Action)))
		switch {
		case e.FromStep != "" && e.ToStep != "" && e.FromStep != e.ToStep:
			s += fmt.Sprintf(" [%s → %s]", stepName(e.FromStep), stepName(e.ToStep))
		case e.ToStep != "":
			s += fmt.Sprintf(" [%s]", stepName(e.ToStep))
		case e.FromStep != "":
			s += fmt.Sprintf(" [%s]", stepName(e.FromStep))
		}
		if e.Reason != "" {
			s += " — " + e.Reason
		}
		if len(e.Missing) > 0 {
			s += " — " + strings.Join(e.Missing, "; ")
		}
		fmt.Fprintln(c.stdout, s)
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, "; ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (c *cli) dossierAct(action app.Action, args []string) int {
	fset := c.flagSet("dossier " + string(action))
	reason := fset.String("reason", "", "the reason (reject, reappoint) or, for return, the missing items separated by ';'")
	var missing stringList
	fset.Var(&missing, "missing", "an item the citizen must add (return; repeatable)")
	dateS := fset.String("date", "", "the new appointment date YYYY-MM-DD (reappoint)")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("dossier %s DOSSIER: %v", action, firstErr(err, pos))
	}
	req := intake.ActRequest{Action: action, Reason: *reason, Missing: missing}
	if action == app.ActReturn && len(missing) == 0 && *reason != "" {
		req.Missing = strings.Split(*reason, ";")
	}
	if *dateS != "" {
		if req.Date, err = calendar.ParseDate(*dateS); err != nil {
			return c.usageError("dossier %s: --date %q: %s", action, *dateS, c.t("cli.bad_date"))
		}
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	dos, err := d.Intake.Act(sess, strings.ToUpper(strings.TrimSpace(pos[0])), req)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		r := rows([]app.Summary{dos.Summary()}, d.Intake.Today())[0]
		last := app.EventPayload.To(dos.Timeline[len(dos.Timeline)-1])
		return c.closeDesk(d, c.writeJSON(map[string]any{"ok": true, "dossier": r, "event": last}))
	}
	last := dos.Timeline[len(dos.Timeline)-1]
	fmt.Fprintln(c.stdout, c.t("cli.acted", "code", dos.Code, "action", c.t("action."+string(last.Action)),
		"state", c.stateLabel(dos.State, dos.Step, sess), "due", dos.Due.VNString()))
	return c.closeDesk(d, code)
}
