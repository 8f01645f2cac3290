package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/storage"
	"bhxhdesk/wire"
)

func init() {
	register(
		command{"init", "init      --province P --commune C --agency CODE --admin USER [--name TEXT] [--device D] [--json]", (*cli).init},
		command{"user", "user      add USER --role helpdesk|officer|supervisor|admin [--name TEXT] | list [--json]", (*cli).user},
		command{"register", "register  [FILE|-] [--received RFC3339] [--not-duplicate] [--json]", (*cli).register},
		command{"receipt", "receipt   DOSSIER --out FILE.pdf", (*cli).receipt},
		command{"dossier", "dossier   list [--due-today|--overdue|--step S|--handler U|--search TEXT|--quote-changed] [--limit N] [--json]\n" +
			"            show DOSSIER [--json]\n" +
			"            requote DOSSIER [--json]\n" +
			"            advance|return|reject|reappoint DOSSIER [--reason TEXT] [--missing ITEM]… [--date YYYY-MM-DD] [--json]", (*cli).dossier},
		command{"audit", "audit     verify [--json] | log --person PERSONAL_ID [--json] | report [--since YYYY-MM-DD] [--json]", (*cli).audit},
	)
}

// storeConfig is the store folder and clock of this invocation.
func (c *cli) storeConfig() (storage.Config, error) {
	if c.storeErr != nil {
		return storage.Config{}, c.storeErr
	}
	return storage.Config{Dir: c.storeDir, Now: c.now, KDF: c.kdf}, nil
}

// secret reads a password from the environment variable, or asks for it on a terminal.
func (c *cli) secret(envName, prompt string) (string, error) {
	if v := c.getenv(envName); v != "" {
		return v, nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", fmt.Errorf("%s: %s", envName, c.t("cli.secret_missing", "name", envName))
	}
	fmt.Fprint(c.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	return string(b), err
}

// signIn opens the office's store with the officer's credentials (BHXH_USER, BHXH_PASSWORD).
// On failure it prints the reason and returns the exit status to use.
func (c *cli) signIn() (*wire.Desk, *app.Session, int) {
	cfg, err := c.storeConfig()
	if err != nil {
		return nil, nil, c.usageError("%v", err)
	}
	if !storage.Exists(cfg.Dir) {
		return nil, nil, c.usageError("%s", c.t("cli.no_store", "dir", cfg.Dir))
	}
	user := c.getenv("BHXH_USER")
	if user == "" {
		f, ok := c.stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, nil, c.usageError("BHXH_USER: %s", c.t("cli.secret_missing", "name", "BHXH_USER"))
		}
		fmt.Fprint(c.stderr, c.t("cli.prompt_user"))
		if _, err := fmt.Fscanln(f, &user); err != nil {
			return nil, nil, c.usageError("%v", err)
		}
	}
	pass, err := c.secret("BHXH_PASSWORD", c.t("cli.prompt_password"))
	if err != nil {
		return nil, nil, c.usageError("%v", err)
	}
	d, sess, err := wire.Open(cfg, c.ref, user, pass)
	if err != nil {
		return nil, nil, c.fail(err)
	}
	d.RulesDirs = c.rulesDirs
	sess.Idle = -1 // one command, no idle lock
	return d, sess, exitOK
}

// fail prints an app error in the user's language and returns its exit status: refusals by a
// rule or a permission are 1, anything else 2.
func (c *cli) fail(err error) int {
	fmt.Fprintln(c.stderr, "bhxh: "+c.ref.Catalog.Message(c.lang, err))
	c.unexpected(err)
	return exitFor(err)
}

// unexpected says what an unexpected error was, on the error output (personal numbers masked)
// and in the desk's log, whose path it names: "unexpected error" alone helps no one.
func (c *cli) unexpected(err error) {
	if app.KindOf(err) != app.Internal {
		return
	}
	fmt.Fprintln(c.stderr, "  "+app.MaskDigits(err.Error()))
	if c.storeDir == "" {
		return
	}
	if logger, _, lerr := wire.OpenLog(c.storeDir); lerr == nil {
		logger.Error("unexpected error", "err", err)
		fmt.Fprintln(c.stderr, "  "+c.t("err.internal_log", "path", wire.LogPath(c.storeDir)))
	}
}

// exitFor is a store command's exit status for an error: 1 for a refusal by a rule or a
// permission, 2 for anything else.
func exitFor(err error) int {
	switch app.KindOf(err) {
	case app.Invalid, app.Conflict, app.Forbidden, app.NotFound:
		return exitInvalid
	}
	return exitUsage
}

// closeDesk closes the store and folds a close error into the exit status: a write that is
// not flushed must not be reported as success.
func (c *cli) closeDesk(d *wire.Desk, code int) int {
	if err := d.Close(); err != nil {
		fmt.Fprintln(c.stderr, "bhxh: "+c.ref.Catalog.Message(c.lang, err))
		return max(code, exitUsage)
	}
	return code
}

func (c *cli) init(args []string) int {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	province := fset.String("province", "", "current 2-digit province code of the office")
	commune := fset.String("commune", "", "5-digit commune code of the office")
	agency := fset.String("agency", "", "agency code (mã cơ quan BHXH), starts every dossier code")
	admin := fset.String("admin", "", "login name of the first administrator (password from BHXH_PASSWORD)")
	name := fset.String("name", "", "office name as printed, e.g. \"Bảo hiểm xã hội cơ sở Ba Đình\"")
	address := fset.String("address", "", "office address, printed on documents")
	phone := fset.String("phone", "", "office phone, printed on documents")
	device := fset.String("device", "", "this desk's 2–4 character code in dossier codes (default: random)")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("init: %v", firstErr(err, pos))
	}
	if *province == "" || *commune == "" || *agency == "" || *admin == "" {
		return c.usageError("init: %s", c.t("cli.init_required"))
	}
	cfg, err := c.storeConfig()
	if err != nil {
		return c.usageError("%v", err)
	}
	if storage.Exists(cfg.Dir) {
		return c.usageError("init: %s", c.t("cli.store_exists", "dir", cfg.Dir))
	}
	pass, err := c.secret("BHXH_PASSWORD", c.t("cli.prompt_new_password", "user", *admin))
	if err != nil {
		return c.usageError("init: %v", err)
	}
	if *device == "" {
		*device = randomDevice()
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return c.usageError("init: %v", err)
	}
	o := app.Office{Agency: *agency, Name: *name, Province: *province, Commune: *commune, Address: *address, Phone: *phone, Device: *device}
	d, secret, err := wire.Init(cfg, c.ref, o, app.User{Name: *admin}, pass)
	if err != nil {
		return c.refusal(err, *asJSON)
	}
	office, _ := d.Office()
	code := exitOK
	if *asJSON {
		code = c.writeJSON(map[string]any{"office": office, "admin": strings.ToLower(*admin), "data": cfg.Dir, "recovery_secret": secret})
	} else {
		fmt.Fprintln(c.stdout, c.t("cli.init_done", "agency", office.Agency, "device", office.Device, "dir", cfg.Dir))
		fmt.Fprintln(c.stdout, c.t("cli.recovery_secret", "secret", secret))
	}
	return c.closeDesk(d, code)
}

// randomDevice is a 3-character device code from an alphabet without look-alikes.
func randomDevice() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// refusal prints an error with its field problems (JSON or text) and returns its exit status.
func (c *cli) refusal(err error, asJSON bool) int {
	code := exitFor(err)
	if asJSON {
		c.writeJSON(map[string]any{"ok": false, "errors": c.problems(err)})
		return code
	}
	fmt.Fprintln(c.stderr, "bhxh: "+c.t("cli.refused"))
	for _, p := range c.problems(err) {
		msg := p.MessageVI
		if c.lang == app.EN {
			msg = p.MessageEN
		}
		fmt.Fprintln(c.stderr, "  - "+msg)
	}
	c.unexpected(err)
	return code
}

func (c *cli) user(args []string) int {
	if len(args) == 0 {
		return c.usageError("user: add | list")
	}
	switch args[0] {
	case "add":
		return c.userAdd(args[1:])
	case "list":
		return c.userList(args[1:])
	}
	return c.usageError("user: %q: add | list", args[0])
}

func (c *cli) userAdd(args []string) int {
	fset := flag.NewFlagSet("user add", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	role := fset.String("role", "", "helpdesk | officer | supervisor | admin")
	name := fset.String("name", "", "full name, as printed on documents")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("user add USER --role R: %v", firstErr(err, pos))
	}
	r, err := app.ParseRole(*role)
	if err != nil {
		return c.usageError("user add: --role %q: %s", *role, c.ref.Catalog.Message(c.lang, err))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	pass, err := c.secret("BHXH_NEW_PASSWORD", c.t("cli.prompt_new_password", "user", pos[0]))
	if err != nil {
		return c.closeDesk(d, c.usageError("user add: %v", err))
	}
	u := app.User{Name: pos[0], FullName: *name, Role: r}
	if err := d.Intake.AddUser(sess, u, pass); err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		code = c.writeJSON(map[string]any{"ok": true, "user": strings.ToLower(pos[0]), "role": r})
	} else {
		fmt.Fprintln(c.stdout, c.t("cli.user_added", "user", strings.ToLower(pos[0]), "role", c.t("role."+string(r))))
	}
	return c.closeDesk(d, code)
}

func (c *cli) userList(args []string) int {
	fset := flag.NewFlagSet("user list", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("user list: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	us, err := d.Intake.Users(sess)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(us))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, u := range us {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, c.t("role."+string(u.Role)), u.FullName)
	}
	return c.closeDesk(d, max(code, flushCode(tw.Flush())))
}

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
	fset := flag.NewFlagSet("register", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
	fset := flag.NewFlagSet("receipt", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
	fset := flag.NewFlagSet("dossier list", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
	fset := flag.NewFlagSet("dossier show", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
		return c.closeDesk(d, c.writeJSON(dos))
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
	fset := flag.NewFlagSet("dossier requote", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
		return c.closeDesk(d, c.writeJSON(dos))
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
	fset := flag.NewFlagSet("dossier "+string(action), flag.ContinueOnError)
	fset.SetOutput(c.stderr)
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
		return c.closeDesk(d, c.writeJSON(map[string]any{"ok": true, "dossier": r, "event": dos.Timeline[len(dos.Timeline)-1]}))
	}
	last := dos.Timeline[len(dos.Timeline)-1]
	fmt.Fprintln(c.stdout, c.t("cli.acted", "code", dos.Code, "action", c.t("action."+string(last.Action)),
		"state", c.stateLabel(dos.State, dos.Step, sess), "due", dos.Due.VNString()))
	return c.closeDesk(d, code)
}

func (c *cli) audit(args []string) int {
	if code, ok := c.auditMore(args); ok {
		return code
	}
	if len(args) == 0 || args[0] != "verify" {
		return c.usageError("audit: verify | log --person PID | report [--since DATE]")
	}
	fset := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args[1:]); err != nil || len(pos) > 0 {
		return c.usageError("audit verify: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	// The centre's anchor for this desk, when the desk is enrolled and the centre answers: a
	// chain rewritten here, with the desk's own copy of the anchors, still fails against it.
	var extra []app.AuditAnchor
	checked := false
	if url, token, err := d.Sync.Central(); err == nil && url != "" && token != "" {
		if remote, err := d.Client(url, token); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			if a, err := remote.LastAnchor(ctx); err == nil {
				extra, checked = []app.AuditAnchor{a}, true
			}
			cancel()
		}
	}
	rep, err := d.Intake.VerifyAuditAgainst(sess, extra)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if !rep.OK {
		code = exitInvalid
	}
	if *asJSON {
		return c.closeDesk(d, max(code, c.writeJSON(struct {
			app.AuditReport
			CheckedCentre bool `json:"checked_centre"`
		}{rep, checked})))
	}
	if rep.OK {
		fmt.Fprintln(c.stdout, c.t("cli.audit_ok", "entries", fmt.Sprint(rep.Entries)))
		if checked {
			fmt.Fprintln(c.stdout, c.t("cli.audit_anchored", "seq", fmt.Sprint(rep.Anchored)))
		} else {
			fmt.Fprintln(c.stdout, c.t("cli.audit_not_anchored"))
		}
	} else {
		fmt.Fprintln(c.stdout, c.t("cli.audit_broken", "seq", fmt.Sprint(rep.FirstBroken), "reason", c.t("audit.reason."+rep.Reason)))
	}
	return c.closeDesk(d, code)
}
