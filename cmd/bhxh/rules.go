package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// calc prints the quote for one payment.
func (c *cli) calc(args []string) int {
	fset := flag.NewFlagSet("calc", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	income := fset.String("income", "", "chosen income in đồng (1500000 or 1.500.000)")
	methodS := fset.String("method", "monthly", "monthly | 3-months | 6-months | 12-months | ahead:N | missing:N")
	groupS := fset.String("group", "other", "poor | near-poor | island | ethnic-minority | other (comma-separated: highest wins)")
	monthS := fset.String("month", "", "first month paid, YYYY-MM (default: this month)")
	province := fset.String("province", "", "current 2-digit province code, for local support")
	used := fset.Int("support-used", 0, "months of state support already received")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("calc: %v", firstErr(err, pos))
	}
	if *income == "" {
		return c.usageError("calc: --income là bắt buộc / --income is required")
	}
	tn, err := app.ParseMoney(*income)
	if err != nil {
		return c.usageError("calc: --income %q: %s", *income, c.ref.Catalog.Message(c.lang, err))
	}
	m, err := app.ParseMethod(*methodS)
	if err != nil {
		return c.usageError("calc: --method %q: %s", *methodS, c.ref.Catalog.Message(c.lang, err))
	}
	var groups []app.SupportGroup
	for _, g := range strings.Split(*groupS, ",") {
		sg, err := app.ParseSupportGroup(g)
		if err != nil {
			return c.usageError("calc: --group %q: %s", g, c.ref.Catalog.Message(c.lang, err))
		}
		groups = append(groups, sg)
	}
	month := app.MonthOfDate(calendar.DateOf(c.now()))
	if *monthS != "" {
		if month, err = app.ParseMonth(*monthS); err != nil {
			return c.usageError("calc: --month %q: %s", *monthS, c.ref.Catalog.Message(c.lang, err))
		}
	}
	if *province != "" {
		if _, ok := c.ref.Places.Province(*province); !ok {
			return c.usageError("calc: --province %q: %s", *province, c.t("err.province_unknown"))
		}
	}
	if *used < 0 {
		return c.usageError("calc: --support-used must not be negative")
	}
	q, err := c.ref.Rules.Quote(app.QuoteRequest{Income: tn, Method: m, Groups: groups, Month: month, Province: *province, SupportMonthsUsed: *used})
	if err != nil {
		return c.refused(err, *asJSON)
	}
	if *asJSON {
		return c.writeJSON(q)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintf(w, "%s\t%s → %s (%d)\n", c.t("quote.period"), q.FromMonth.VNString(), q.ToMonth.VNString(), q.Months)
	fmt.Fprintf(w, "%s\t%s\n", c.t("quote.monthly_gross"), q.MonthlyGross)
	fmt.Fprintf(w, "%s\t%s\n", c.t("quote.gross"), q.Gross)
	fmt.Fprintf(w, "%s\t−%s\n", c.t("quote.state_support"), q.StateSupport)
	if q.LocalSupport > 0 {
		fmt.Fprintf(w, "%s\t−%s\n", c.t("quote.local_support"), q.LocalSupport)
	}
	if q.Discount > 0 {
		fmt.Fprintf(w, "%s\t−%s\n", c.t("quote.discount"), q.Discount)
	}
	if q.Interest > 0 {
		fmt.Fprintf(w, "%s\t+%s\n", c.t("quote.interest"), q.Interest)
	}
	fmt.Fprintf(w, "%s\t%s\n", c.t("quote.payable"), q.Payable)
	fmt.Fprintf(w, "%s\t%s\n", c.t("quote.deadline"), q.Deadline.VNString())
	if err := w.Flush(); err != nil {
		return c.usageError("%v", err)
	}
	for _, wn := range q.Warnings {
		_, table, _ := strings.Cut(wn, ":")
		fmt.Fprintln(c.stdout, c.t("quote.warning_reported", "table", c.t("table."+table)))
	}
	return exitOK
}

// refused reports an error from a rule: exit 1 for Invalid, 2 for anything else (missing rule
// data is not the citizen's fault, but the command could not answer).
func (c *cli) refused(err error, asJSON bool) int {
	ps := c.problems(err)
	if asJSON {
		if code := c.writeJSON(map[string]any{"valid": false, "errors": ps}); code != exitOK {
			return code
		}
	} else {
		fmt.Fprintln(c.stdout, c.t("cli.invalid"))
		c.printProblems(ps)
	}
	if app.KindOf(err) == app.Invalid {
		return exitInvalid
	}
	return exitUsage
}

// validationResult is the JSON answer for one registration.
type validationResult struct {
	Index  *int      `json:"index,omitempty"`
	Valid  bool      `json:"valid"`
	Errors []problem `json:"errors"`
}

// validate checks one registration or an array of them.
func (c *cli) validate(args []string) int {
	fset := flag.NewFlagSet("validate", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) > 1 {
		return c.usageError("validate: %v", firstErr(err, pos))
	}
	data, err := c.readInput(pos)
	if err != nil {
		return c.usageError("validate: %v", err)
	}
	forms, isArray, err := decodeForms(data)
	if err != nil {
		msg := c.t("err.json", "detail", err.Error())
		if *asJSON {
			_ = c.writeJSON(map[string]any{"valid": false, "errors": []problem{{"", "json", c.ref.Catalog.T(app.VI, "err.json", "detail", err.Error()), c.ref.Catalog.T(app.EN, "err.json", "detail", err.Error())}}})
		} else {
			fmt.Fprintln(c.stderr, "bhxh: "+msg)
		}
		return exitUsage
	}
	v := app.NewValidator(c.ref.Rules, c.ref.Places, c.now)
	results := make([]validationResult, len(forms))
	code := exitOK
	for i, f := range forms {
		r := validationResult{Valid: true, Errors: []problem{}}
		if isArray {
			r.Index = &i
		}
		if _, err := v.Validate(f); err != nil {
			if app.KindOf(err) != app.Invalid {
				return c.usageError("validate: %v", err)
			}
			r.Valid, r.Errors, code = false, c.problems(err), exitInvalid
		}
		results[i] = r
	}
	if *asJSON {
		if isArray {
			return max(code, c.writeJSON(results))
		}
		return max(code, c.writeJSON(results[0]))
	}
	for i, r := range results {
		prefix := ""
		if isArray {
			prefix = c.t("cli.record", "index", strconv.Itoa(i)) + ": "
		}
		if r.Valid {
			fmt.Fprintln(c.stdout, prefix+c.t("cli.valid"))
			continue
		}
		fmt.Fprintln(c.stdout, prefix+c.t("cli.invalid"))
		c.printProblems(r.Errors)
	}
	return code
}

// decodeForms reads one registration object or an array of them, refusing unknown keys so a
// misspelt field is not silently ignored.
func decodeForms(data []byte) ([]app.RegistrationForm, bool, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) // Excel and Notepad add a BOM
	strict := func(b []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return err
		}
		if dec.More() {
			return errors.New("trailing data after the JSON value")
		}
		return nil
	}
	if len(data) > 0 && data[0] == '[' {
		var fs []app.RegistrationForm
		if err := strict(data, &fs); err != nil {
			return nil, true, err
		}
		if len(fs) == 0 {
			return nil, true, errors.New("empty array")
		}
		return fs, true, nil
	}
	var f app.RegistrationForm
	if err := strict(data, &f); err != nil {
		return nil, false, err
	}
	return []app.RegistrationForm{f}, false, nil
}

// readInput reads the named file, or standard input for "-" or no name.
func (c *cli) readInput(pos []string) ([]byte, error) {
	if len(pos) == 0 || pos[0] == "-" {
		return io.ReadAll(io.LimitReader(c.stdin, 64<<20))
	}
	return os.ReadFile(pos[0])
}

// deadline prints the appointment date for a dossier received at a given time.
func (c *cli) deadline(args []string) int {
	fset := flag.NewFlagSet("deadline", flag.ContinueOnError)
	fset.SetOutput(c.stderr)
	receivedS := fset.String("received", "", "time received, RFC 3339 (2025-04-24T09:00:00+07:00)")
	province := fset.String("province", "", "current 2-digit province code (its calendar and cut-off)")
	days := fset.Int("days", 5, "working days of processing (statutory: 5)")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("deadline: %v", firstErr(err, pos))
	}
	if *receivedS == "" {
		return c.usageError("deadline: --received là bắt buộc / --received is required")
	}
	received, err := time.Parse(time.RFC3339, *receivedS)
	if err != nil {
		return c.usageError("deadline: --received %q: cần RFC 3339, ví dụ / want RFC 3339, e.g. 2025-04-24T09:00:00+07:00", *receivedS)
	}
	if *days < 0 || *days > 365 {
		return c.usageError("deadline: --days %d: 0..365", *days)
	}
	if *province != "" {
		if _, ok := c.ref.Places.Province(*province); !ok {
			return c.usageError("deadline: --province %q: %s", *province, c.t("err.province_unknown"))
		}
	}
	due, err := calendar.DueDate(received, *days, c.ref.Calendars.For(*province))
	if errors.Is(err, calendar.ErrNoCalendar) {
		year := strconv.Itoa(calendar.DateOf(received).Year())
		var ys []string
		for _, y := range c.ref.Calendars.Years() {
			ys = append(ys, strconv.Itoa(y))
		}
		return c.refused(&app.Error{Kind: app.Unavailable, Code: "calendar_missing", Field: "received", Args: map[string]string{"year": year + " (" + strings.Join(ys, ", ") + ")"}}, *asJSON)
	}
	if err != nil {
		return c.usageError("deadline: %v", err)
	}
	statuses := map[string]string{}
	for _, d := range append([]calendar.Date{due.Start}, due.Counted...) {
		if st, ok := c.ref.Calendars.YearStatus(d.Year()); ok {
			statuses[strconv.Itoa(d.Year())] = st
		}
	}
	if *asJSON {
		counted := make([]string, len(due.Counted))
		for i, d := range due.Counted {
			counted[i] = d.String()
		}
		return c.writeJSON(map[string]any{
			"received": due.Received.Format(time.RFC3339), "start": due.Start.String(), "days": due.Days,
			"due": due.Date.String(), "working_days": counted, "calendar_status": statuses,
		})
	}
	fmt.Fprintln(c.stdout, c.t("cli.due", "due", due.Date.VNString(), "days", strconv.Itoa(due.Days), "start", due.Start.VNString()))
	for i, d := range due.Counted {
		name := ""
		if sp, ok := c.ref.Calendars.For(*province).Special(d); ok {
			name = " — " + sp.NameVI
			if c.lang == app.EN {
				name = " — " + sp.NameEN
			}
		}
		fmt.Fprintf(c.stdout, "  %d. %s %s%s\n", i+1, weekdayVI(d.Weekday(), c.lang), d.VNString(), name)
	}
	return exitOK
}

func weekdayVI(w time.Weekday, l app.Lang) string {
	if l == app.EN {
		return w.String()[:3]
	}
	return [...]string{"CN", "T2", "T3", "T4", "T5", "T6", "T7"}[w]
}

func (c *cli) writeJSON(v any) int {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.stderr, "bhxh: %v\n", err)
		return exitUsage
	}
	return exitOK
}

func firstErr(err error, extra []string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("unexpected arguments %q", extra)
}
