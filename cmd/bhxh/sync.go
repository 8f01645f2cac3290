package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/sync"
)

func init() {
	register(
		command{"sync", "sync      [--central URL --token T] [--json]   (one round; an administrator's URL and token are kept)", (*cli).sync},
	)
}

func (c *cli) sync(args []string) int {
	fset := c.flagSet("sync")
	url := fset.String("central", "", "the central services' URL (https://…, or http:// on loopback)")
	token := fset.String(
		"token",
		"",
		"this desk's token from `centrald enroll`; - reads it from standard input (default: $BHXH_TOKEN, then the kept one)",
	)
	redownload := fset.Bool("redownload", false, "first take back what the centre holds for this office (a lost or damaged store)")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err == nil && len(pos) == 0 {
		*token, err = c.tokenArg(*token)
	}
	if err != nil || len(pos) > 0 {
		return c.usageError("sync: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	// With --json a failure is JSON too ({"ok": false, "errors": [...]}), as every command's.
	fail := func(err error) int {
		if *asJSON {
			c.unexpected(err)
			return c.refusal(err, true)
		}
		return c.fail(err)
	}
	if err := sess.Require(app.PermSync); err != nil {
		return c.closeDesk(d, fail(err))
	}
	storedURL, storedToken, err := d.Sync.Central()
	if err != nil {
		return c.closeDesk(d, fail(err))
	}
	if *url == "" {
		*url = storedURL
	}
	if *token == "" {
		*token = storedToken
	}
	if *url == "" || *token == "" {
		return c.closeDesk(d, fail(sync.ErrNotEnrolled))
	}
	if (*url != storedURL || *token != storedToken) && sess.User.Role.Can(app.PermManageUsers) {
		if err := d.Enrol(context.Background(), sess, *url, *token); err != nil {
			return c.closeDesk(d, fail(err))
		}
	}
	remote, err := d.Client(*url, *token)
	if err != nil {
		return c.closeDesk(d, fail(err))
	}
	eng := &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) { return remote, nil }, Now: c.now}
	if logger, closer, err := desk.OpenLog(d.Dir); err == nil {
		eng.Log = logger
		defer closer.Close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	added := 0
	if *redownload {
		data, err := remote.OfficeState(ctx)
		if err != nil {
			return c.closeDesk(d, fail(err))
		}
		if added, err = d.Sync.Redownload(sess, data); err != nil {
			return c.closeDesk(d, fail(err))
		}
	}
	rep, err := eng.Round(ctx)
	if err != nil {
		return c.closeDesk(d, fail(err))
	}
	open, err := d.Sync.Notices(sess, false)
	if err != nil {
		return c.closeDesk(d, fail(err))
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(map[string]any{"pushed": rep.Pushed, "applied": rep.Applied, "duplicate": rep.Duplicate,
			"conflicts": rep.Conflicts, "rejected": rep.Rejected, "pulled": rep.Pulled, "pending": rep.Pending,
			"round_trips": rep.Batches, "notices": len(open), "redownloaded": added}))
	}
	if *redownload {
		fmt.Fprintln(c.stdout, c.t("cli.redownloaded", "count", fmt.Sprint(added)))
	}
	fmt.Fprintln(c.stdout, c.t("cli.sync_done", "pushed", fmt.Sprint(rep.Pushed), "pulled", fmt.Sprint(rep.Pulled),
		"conflicts", fmt.Sprint(rep.Conflicts+rep.Rejected), "pending", fmt.Sprint(rep.Pending)))
	if len(open) > 0 {
		fmt.Fprintln(c.stdout, c.t("cli.sync_notices", "count", fmt.Sprint(len(open))))
	}
	return c.closeDesk(d, code)
}
