package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/continuity"
	"bhxhdesk/desk"
	"bhxhdesk/storage"
)

func init() {
	register(
		command{"backup", "backup    --out FILE | --to-folder DIR [--keep N]   (an encrypted snapshot of the store)", (*cli).backup},
		command{
			"restore",
			"restore   FILE [--device D] [--recovery]   (into an empty --data folder; BHXH_RECOVERY with --recovery)",
			(*cli).restore,
		},
		command{"recover", "recover   USER   (sets USER's password from BHXH_NEW_PASSWORD, opening with BHXH_RECOVERY)", (*cli).recover},
	)
}

func (c *cli) backup(args []string) int {
	fset := c.flagSet("backup")
	out := fset.String("out", "", "the backup file to write")
	folder := fset.String("to-folder", "", "write a new dated backup into this folder, keeping the newest --keep")
	keep := fset.Int("keep", 7, "backups to keep in --to-folder")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 || (*out == "") == (*folder == "") {
		return c.usageError("backup --out FILE | --to-folder DIR: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	path := *out
	err := continuity.MayBackup(sess)
	switch {
	case err != nil:
	case *folder != "":
		path, err = d.Continuity.BackupTo(*folder, *keep)
	default:
		err = d.Continuity.BackupFile(sess, *out)
	}
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(map[string]string{"file": path}))
	}
	fmt.Fprintln(c.stdout, c.t("cli.backup_done", "file", path))
	return c.closeDesk(d, code)
}

// credentials are the officer's (BHXH_USER, BHXH_PASSWORD) or, with recovery, the province's
// secret (BHXH_RECOVERY).
func (c *cli) credentials(recovery bool) (storage.Credentials, error) {
	if recovery {
		s, err := c.secret("BHXH_RECOVERY", c.t("cli.prompt_recovery"))
		return storage.Credentials{Password: s}, err
	}
	user := c.getenv("BHXH_USER")
	if user == "" {
		return storage.Credentials{}, fmt.Errorf("BHXH_USER: %s", c.t("cli.secret_missing", "name", "BHXH_USER"))
	}
	pass, err := c.secret("BHXH_PASSWORD", c.t("cli.prompt_password"))
	return storage.Credentials{User: user, Password: pass}, err
}

func (c *cli) restore(args []string) int {
	fset := c.flagSet("restore")
	device := fset.String("device", "", "the desk's new code in dossier codes (default: the old one moved on)")
	recovery := fset.Bool("recovery", false, "open the backup with the province's recovery secret (BHXH_RECOVERY)")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("restore FILE: %v", firstErr(err, pos))
	}
	cfg, err := c.storeConfig()
	if err != nil {
		return c.usageError("%v", err)
	}
	if storage.Exists(cfg.Dir) {
		return c.usageError("restore: %s", c.t("cli.store_exists", "dir", cfg.Dir))
	}
	cred, err := c.credentials(*recovery)
	if err != nil {
		return c.usageError("restore: %v", err)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return c.usageError("restore: %v", err)
	}
	defer f.Close()
	d, err := desk.Restore(cfg, c.ref, f, cred, *device)
	if err != nil {
		return c.fail(err)
	}
	o, err := d.Office()
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	pending, _ := d.Sync.Pending()
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(map[string]any{"office": o.Agency, "device": o.Device, "pending": pending, "data": cfg.Dir}))
	}
	fmt.Fprintln(c.stdout, c.t("cli.restored", "agency", o.Agency, "device", o.Device, "pending", fmt.Sprint(pending)))
	return c.closeDesk(d, exitOK)
}

func (c *cli) recover(args []string) int {
	fset := c.flagSet("recover")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("recover USER: %v", firstErr(err, pos))
	}
	cfg, err := c.storeConfig()
	if err != nil {
		return c.usageError("%v", err)
	}
	secret, err := c.secret("BHXH_RECOVERY", c.t("cli.prompt_recovery"))
	if err != nil {
		return c.usageError("recover: %v", err)
	}
	pass, err := c.secret("BHXH_NEW_PASSWORD", c.t("cli.prompt_new_password", "user", pos[0]))
	if err != nil {
		return c.usageError("recover: %v", err)
	}
	db, err := storage.OpenRecovery(cfg, secret)
	if err != nil {
		return c.fail(err)
	}
	err = db.SetCredential(pos[0], pass)
	if err == nil {
		err = db.Update(func(tx app.Tx) error {
			return tx.Audit(app.AuditEntry{User: "recovery", Action: "user.password", Entity: pos[0], Detail: "recovery secret"})
		})
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.t("cli.recovered", "user", pos[0]))
	return exitOK
}

func init() {
	register(
		command{"enrol", "enrol     --token T [--central URL]   (administrators: the desk's token from `centrald enroll`)", (*cli).enrol},
		command{
			"export-sync",
			"export-sync --out FILE   (every pending operation in one encrypted, numbered file for the centre)",
			(*cli).exportSync,
		},
		command{"import-sync", "import-sync FILE   (the centre's answer file: acknowledgements and changes)", (*cli).importSync},
	)
}

func (c *cli) enrol(args []string) int {
	fset := c.flagSet("enrol")
	url := fset.String("central", "", "the central services' URL; empty for a desk that only exchanges files")
	token := fset.String(
		"token",
		"",
		"the token `centrald enroll` printed for this desk; - reads it from standard input (default: $BHXH_TOKEN)",
	)
	pos, err := parseInterspersed(fset, args)
	if err == nil && len(pos) == 0 {
		*token, err = c.tokenArg(*token)
	}
	if err != nil || len(pos) > 0 || *token == "" {
		return c.usageError("enrol --token T|- [--central URL] (or BHXH_TOKEN): %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	if err := d.Enrol(context.Background(), sess, *url, *token); err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	fmt.Fprintln(c.stdout, c.t("cli.enrolled"))
	return c.closeDesk(d, code)
}

func (c *cli) exportSync(args []string) int {
	fset := c.flagSet("export-sync")
	out := fset.String("out", "", "the transfer file to write")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 || *out == "" {
		return c.usageError("export-sync --out FILE: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	file, n, err := d.ExportTransfer(sess)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if err := storage.CreateFileAtomic(*out, func(f io.Writer) error { _, err := f.Write(file); return err }); err != nil {
		return c.closeDesk(d, c.usageError("export-sync: %v", err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(map[string]any{"file": *out, "operations": n}))
	}
	fmt.Fprintln(c.stdout, c.t("cli.exported", "count", fmt.Sprint(n), "file", *out))
	return c.closeDesk(d, code)
}

func (c *cli) importSync(args []string) int {
	fset := c.flagSet("import-sync")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("import-sync FILE: %v", firstErr(err, pos))
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return c.usageError("import-sync: %v", err)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	body, err := d.ImportTransferAnswer(sess, data)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	pending, _ := d.Sync.Pending()
	if *asJSON {
		return c.closeDesk(
			d,
			c.writeJSON(map[string]any{"acknowledged": len(body.Results), "pulled": len(body.Page.Changes), "pending": pending}),
		)
	}
	fmt.Fprintln(
		c.stdout,
		c.t(
			"cli.imported_answer",
			"acked",
			fmt.Sprint(len(body.Results)),
			"pulled",
			fmt.Sprint(len(body.Page.Changes)),
			"pending",
			fmt.Sprint(pending),
		),
	)
	return c.closeDesk(d, code)
}

// tokenArg is a device token given as --token T, read from standard input with --token -, or
// taken from $BHXH_TOKEN: a token on the command line is seen by every user of the machine in
// its process list, the other two are not.
func (c *cli) tokenArg(flagValue string) (string, error) {
	switch flagValue {
	case "-":
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("no token on standard input: %w", err)
		}
		return strings.TrimSpace(line), nil
	case "":
		return strings.TrimSpace(c.getenv("BHXH_TOKEN")), nil
	}
	return flagValue, nil
}
