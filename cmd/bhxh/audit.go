package main

import (
	"context"
	"fmt"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
)

func (c *cli) audit(args []string) int {
	if code, ok := c.auditMore(args); ok {
		return code
	}
	if len(args) == 0 || args[0] != "verify" {
		return c.usageError("audit: verify | log --person PID | report [--since DATE]")
	}
	fset := c.flagSet("audit verify")
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
	var extra []contract.AuditAnchor
	checked := false
	if url, token, err := d.Sync.Central(); err == nil && url != "" && token != "" {
		if remote, err := d.Client(url, token); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			if a, err := remote.LastAnchor(ctx); err == nil {
				extra, checked = []contract.AuditAnchor{a}, true
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
