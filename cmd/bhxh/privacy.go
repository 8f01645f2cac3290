package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/privacy"
	"bhxhdesk/storage"
)

func init() {
	register(
		command{
			"purge",
			"purge     --before YYYY-MM-DD [--dry-run] [--json]   (personal data of closed dossiers the centre confirmed)",
			(*cli).purge,
		},
	)
}

// auditMore handles `audit log` and `audit report` (verify is in store.go).
func (c *cli) auditMore(args []string) (int, bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case "log":
		return c.auditLog(args[1:]), true
	case "report":
		return c.auditReport(args[1:]), true
	}
	return 0, false
}

func (c *cli) auditLog(args []string) int {
	fset := c.flagSet("audit log")
	person := fset.String("person", "", "the personal ID whose accesses to list")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 || *person == "" {
		return c.usageError("audit log --person PERSONAL_ID: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	entries, err := d.Privacy.AccessLog(sess, *person)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if *asJSON {
		if entries == nil {
			entries = []app.AuditEntry{}
		}
		return c.closeDesk(d, c.writeJSON(entries))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.At.In(calendar.VN).Format("15:04:05 02/01/2006"), e.User, e.Action, e.Entity)
	}
	return c.closeDesk(d, max(code, flushCode(tw.Flush())))
}

func (c *cli) auditReport(args []string) int {
	fset := c.flagSet("audit report")
	since := fset.String("since", "", "report accesses from this day, YYYY-MM-DD (default: 30 days ago)")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("audit report [--since YYYY-MM-DD]: %v", firstErr(err, pos))
	}
	from := c.now().AddDate(0, 0, -30)
	if *since != "" {
		day, err := calendar.ParseDate(*since)
		if err != nil {
			return c.usageError("audit report: --since %q: %s", *since, c.t("cli.bad_date"))
		}
		from = day.Time()
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	r, err := d.Privacy.Report(sess, from)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(r))
	}
	total := 0
	for _, n := range r.Dossiers {
		total += n
	}
	fmt.Fprintln(
		c.stdout,
		c.t(
			"cli.report_head",
			"agency",
			r.Office.Agency,
			"device",
			r.Office.Device,
			"when",
			r.Generated.In(calendar.VN).Format("15:04 02/01/2006"),
		),
	)
	fmt.Fprintln(
		c.stdout,
		c.t("cli.report_held", "people", fmt.Sprint(r.People), "dossiers", fmt.Sprint(total), "purged", fmt.Sprint(r.Purged),
			"vouchers", fmt.Sprint(r.Vouchers), "covers", fmt.Sprint(r.Covers)),
	)
	fmt.Fprintln(c.stdout, c.t("cli.report_categories", "list", strings.Join(r.Categories, ", ")))
	last := "—"
	if !r.LastSync.IsZero() {
		last = r.LastSync.In(calendar.VN).Format("15:04 02/01/2006")
	}
	fmt.Fprintln(c.stdout, c.t("cli.report_unsynced", "count", fmt.Sprint(r.Unsynced), "last", last))
	fmt.Fprintln(c.stdout, c.t("cli.report_since", "since", from.In(calendar.VN).Format("02/01/2006"), "people", fmt.Sprint(r.PeopleSeen)))
	actions := make([]string, 0, len(r.Accesses))
	for a := range r.Accesses {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, a := range actions {
		fmt.Fprintf(tw, "  %s\t%d\n", a, r.Accesses[a])
	}
	_ = tw.Flush()
	fmt.Fprintln(c.stdout, c.t("cli.report_accounts"))
	tw = tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, a := range r.Accounts {
		lastUse := "—"
		if !a.Last.IsZero() {
			lastUse = a.Last.In(calendar.VN).Format("15:04 02/01/2006")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", a.User, c.t("role."+string(a.Role)), lastUse, a.Actions)
	}
	_ = tw.Flush()
	if !r.AuditIntact {
		fmt.Fprintln(c.stdout, c.t("cli.report_audit_broken"))
	}
	return c.closeDesk(d, code)
}

func (c *cli) personExport(args []string) int {
	fset := c.flagSet("person export")
	out := fset.String("out", "", "the encrypted file to write (password from BHXH_EXPORT_PASSWORD)")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 || *out == "" {
		return c.usageError("person export PERSONAL_ID --out FILE: %v", firstErr(err, pos))
	}
	pass, err := c.secret("BHXH_EXPORT_PASSWORD", c.t("cli.prompt_export_password"))
	if err != nil {
		return c.usageError("person export: %v", err)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	e, err := d.Privacy.ExportPerson(sess, pos[0])
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	raw, err := privacy.MarshalExport(e)
	if err != nil {
		return c.closeDesk(d, c.usageError("%v", err))
	}
	sealed, err := privacy.SealExport(raw, pass)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if err := storage.CreateFileAtomic(*out, func(f io.Writer) error { _, err := f.Write(sealed); return err }); err != nil {
		return c.closeDesk(d, c.usageError("%v", err))
	}
	fmt.Fprintln(c.stdout, c.t("cli.exported_person", "file", *out))
	return c.closeDesk(d, code)
}

func (c *cli) personOpen(args []string) int {
	fset := c.flagSet("person open-export")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("person open-export FILE: %v", firstErr(err, pos))
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return c.usageError("%v", err)
	}
	pass, err := c.secret("BHXH_EXPORT_PASSWORD", c.t("cli.prompt_export_password"))
	if err != nil {
		return c.usageError("%v", err)
	}
	plain, err := privacy.OpenExport(data, pass)
	if err != nil {
		return c.fail(err)
	}
	_, err = c.stdout.Write(plain)
	return flushCode(err)
}

func (c *cli) purge(args []string) int {
	fset := c.flagSet("purge")
	before := fset.String("before", "", "purge dossiers closed before this day, YYYY-MM-DD")
	dry := fset.Bool("dry-run", false, "only say what would be purged")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 || *before == "" {
		return c.usageError("purge --before YYYY-MM-DD: %v", firstErr(err, pos))
	}
	day, err := calendar.ParseDate(*before)
	if err != nil {
		return c.usageError("purge: --before %q: %s", *before, c.t("cli.bad_date"))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	res, err := d.Privacy.Purge(sess, day.Time(), *dry)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(res))
	}
	key := "cli.purged"
	if *dry {
		key = "cli.purge_dry"
	}
	fmt.Fprintln(
		c.stdout,
		c.t(key, "count", fmt.Sprint(len(res.Purged)), "unconfirmed", fmt.Sprint(res.Unconfirmed), "recent", fmt.Sprint(res.Recent)),
	)
	return c.closeDesk(d, code)
}
