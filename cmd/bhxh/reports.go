package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/printout"
	"bhxhdesk/storage"
)

func init() {
	register(command{"report", "report    d05 --month YYYY-MM --out FILE.xlsx|FILE.pdf [--json] | monthly --month YYYY-MM --out FILE.xlsx|FILE.pdf [--send] [--json]",
		(*cli).officeReport})
}

// officeReport writes an office report: list D05-TS or the monthly report, in the format its file's
// name says; --json prints the report's data too.
func (c *cli) officeReport(args []string) int {
	if len(args) == 0 || (args[0] != "d05" && args[0] != "monthly") {
		return c.usageError("report: d05 | monthly")
	}
	kind := args[0]
	fset := c.flagSet("report " + kind)
	month := fset.String("month", "", "the month, YYYY-MM")
	out := fset.String("out", "", "the file to write: .xlsx or .pdf")
	asJSON := fset.Bool("json", false, "print the report's data as JSON")
	send := fset.Bool("send", false, "monthly: send the report to the centre at the next sync, where the province sums its offices")
	if pos, err := parseInterspersed(fset, args[1:]); err != nil || len(pos) > 0 {
		return c.usageError("report %s: %v", kind, firstErr(err, pos))
	}
	m, err := app.ParseMonth(strings.TrimSpace(*month))
	if err != nil {
		return c.usageError("report %s --month %q: %s", kind, *month, c.t("cli.bad_month"))
	}
	format, ok := printout.ReportFormat(*out)
	if !ok {
		return c.usageError("report %s --out %q: %s", kind, *out, c.t("cli.report_format"))
	}
	if *send && kind != "monthly" {
		return c.usageError("report %s: --send is for the monthly report", kind)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	if *send {
		if err := d.Records.Sendable(m); err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
	}
	var data any
	var sendable *app.MonthlyReport
	var write func(io.Writer) error
	switch kind {
	case "d05":
		l, err := d.Records.D05(sess, m)
		if err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		data = l
		write = func(w io.Writer) error { return printout.WriteD05(d.Ref(), l, format, w, c.now()) }
	default:
		r, err := d.Records.MonthlyReport(sess, m)
		if err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		data = r
		write = func(w io.Writer) error {
			return printout.WriteMonthly(d.Ref(), sess.Office, r, c.lang, format, w, c.now())
		}
	}
	if err := storage.CreateFileAtomic(*out, write); err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		return c.closeDesk(d, c.usageError("report %s: %v", kind, err))
	}
	if *send && sendable != nil {
		// Sent only once its file is written (a report that could not be kept is not sent), and
		// the report written, not made a second time.
		if err := d.Records.SendReport(sess, *sendable); err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(data))
	}
	fmt.Fprintln(c.stdout, c.t("cli.report_written", "file", *out))
	if *send {
		fmt.Fprintln(c.stdout, c.t("cli.report_queued"))
	}
	return c.closeDesk(d, code)
}
