package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/storage"
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
func (c *cli) signIn() (*desk.Desk, *app.Session, int) {
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
	d, sess, err := desk.Open(cfg, c.ref, user, pass)
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
	if logger, _, lerr := desk.OpenLog(c.storeDir); lerr == nil {
		logger.Error("unexpected error", "err", err)
		fmt.Fprintln(c.stderr, "  "+c.t("err.internal_log", "path", desk.LogPath(c.storeDir)))
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
func (c *cli) closeDesk(d *desk.Desk, code int) int {
	if err := d.Close(); err != nil {
		fmt.Fprintln(c.stderr, "bhxh: "+c.ref.Catalog.Message(c.lang, err))
		return max(code, exitUsage)
	}
	return code
}

func (c *cli) init(args []string) int {
	fset := c.flagSet("init")
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
	d, secret, err := desk.Init(cfg, c.ref, o, app.User{Name: *admin}, pass)
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
