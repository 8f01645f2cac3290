package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"bhxhdesk/app"
)

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
	fset := c.flagSet("user add")
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
	fset := c.flagSet("user list")
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
