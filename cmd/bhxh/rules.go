package main

import (
	"bytes"
	"encoding/json"
	"errors"
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
	fset := c.flagSet("calc")
	income := fset.String("income", "", "chosen income in đồng (1500000 or 1.500.000)")
	methodS := fset.String("method", "monthly", "monthly | 3-months | 6-months | 12-months | ahead:N | missing:N")
	groupS := fset.String("group", "other", "poor | near-poor | island | ethnic-minority | other (comma-separated: highest wins)")
	monthS := fset.String("month", "", "first month paid, YYYY-MM (default: this month)")
	province := fset.String("province", "", "current 2-digit province code, for local support")
	used := fset.Int("support-used", 0, "months of state support already received")
	localS := fset.String(
		"local-group",
		"",
		"the province's own support groups the person belongs to (comma-separated ids, e.g. 48:average-income)",
	)
	paidS := fset.String(
		"paid-on",
		"",
		"the day the payment is made, YYYY-MM-DD (default: today): its year − 1 picks the fund rate of ahead and missing-time payments",
	)
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
		return c.usageError("calc: --support-used %d: không được âm / must not be negative", *used)
	}
	paid := calendar.DateOf(c.now().In(calendar.VN))
	if *paidS != "" {
		if paid, err = calendar.ParseDate(*paidS); err != nil {
			return c.usageError("calc: --paid-on %q: %s", *paidS, c.t("err.bad_date", "value", *paidS))
		}
	}
	var local []string
	for _, g := range strings.Split(*localS, ",") {
		if g = strings.TrimSpace(g); g != "" {
			if _, ok := c.ref.Rules.LocalGroup(*province, g); !ok {
				return c.usageError("calc: --local-group %q: %s", g, c.t("err.local_group_unknown", "value", g, "province", *province))
			}
			local = append(local, g)
		}
	}
	q, err := c.ref.Rules.Quote(
		app.QuoteRequest{Income: tn, Method: m, Groups: groups, Month: month, Province: *province, SupportMonthsUsed: *used,
			LocalGroups: local, Paid: paid},
	)
	if err != nil {
		return c.refused(err, *asJSON)
	}
	if *asJSON {
		return c.writeJSON(app.QuotePayload.To(q))
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
		fmt.Fprintln(c.stdout, c.ref.Catalog.Warning(c.lang, wn))
	}
	fmt.Fprintln(c.stdout, c.t("quote.rules")+":")
	for _, v := range q.Rules {
		fmt.Fprintf(c.stdout, "  %s (%s, %s): %s\n", c.t("table."+v.Table), v.From.VNString(), c.t("ui.admin.status."+string(v.Status)), v.Source)
	}
	return exitOK
}

// rules lists the rule tables' entries in force between two months, with their sources and
// status, and what the data lacks for the coming months (the outlook): as text, JSON, or the
// Markdown table of the README's rules section.
func (c *cli) rules(args []string) int {
	fset := c.flagSet("rules")
	fromS := fset.String("from", "2025-01", "first month, YYYY-MM")
	toS := fset.String("to", "2027-12", "last month, YYYY-MM")
	province := fset.String("province", "", "the office's province, for the outlook of its own support")
	markdown := fset.Bool("markdown", false, "print the README's Markdown table")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("rules: %v", firstErr(err, pos))
	}
	from, err := app.ParseMonth(*fromS)
	if err != nil {
		return c.usageError("rules: --from %q: %s", *fromS, c.ref.Catalog.Message(c.lang, err))
	}
	to, err := app.ParseMonth(*toS)
	if err != nil || to < from {
		return c.usageError("rules: --to %q: %s", *toS, c.t("err.month_format"))
	}
	entries := c.ref.Rules.List(from, to)
	outlook := c.ref.Outlook(calendar.DateOf(c.now().In(calendar.VN)), *province)
	switch {
	case *asJSON:
		if outlook == nil {
			outlook = []app.RuleNotice{}
		}
		return c.writeJSON(map[string]any{"entries": entries, "outlook": outlook})
	case *markdown:
		fmt.Fprint(c.stdout, RulesMarkdown(entries))
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Table, monthsText(e.From, e.To), e.Value, c.t("ui.admin.status."+string(e.Status)), e.Source)
	}
	if err := tw.Flush(); err != nil {
		return c.usageError("%v", err)
	}
	if len(outlook) > 0 {
		fmt.Fprintln(c.stdout, c.t("outlook.title")+":")
	}
	for _, n := range outlook {
		fmt.Fprintln(c.stdout, "  ⚠ "+c.ref.Catalog.Outlook(c.lang, n))
	}
	return exitOK
}

// monthsText is "MM/YYYY – MM/YYYY", or "from MM/YYYY" for an open-ended entry.
func monthsText(from, to app.Month) string {
	if to == 0 {
		return from.VNString() + " –"
	}
	return from.VNString() + " – " + to.VNString()
}

// RulesMarkdown is the README's table of rule entries: one row each, generated from the data
// (a test keeps the README equal to it).
func RulesMarkdown(entries []app.RuleEntry) string {
	var b strings.Builder
	b.WriteString("| table | from – to | value | status | source |\n|---|---|---|---|---|\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", e.Table, monthsText(e.From, e.To), e.Value, e.Status,
			strings.ReplaceAll(e.Source, "|", "/"))
	}
	return b.String()
}

// refused reports a refusal by the rules (exit 1): an invalid value, or a month or year the
// rule data does not cover yet. Anything else is an internal failure (exit 2).
func (c *cli) refused(err error, asJSON bool) int {
	kind := app.KindOf(err)
	ps := c.problems(err)
	if asJSON {
		if code := c.writeJSON(map[string]any{"valid": false, "errors": ps}); code != exitOK {
			return code
		}
	} else {
		header := "cli.invalid"
		if kind != app.Invalid {
			header = "quote.error"
		}
		fmt.Fprintln(c.stdout, c.t(header))
		c.printProblems(ps)
	}
	if kind == app.Invalid || kind == app.Unavailable {
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
	data, asJSON, code := c.jsonInput("validate", args)
	if code != 0 {
		return code
	}
	records, isArray, err := splitRecords(data)
	if err != nil {
		detailVI, detailEN := jsonProblem(err)
		if *asJSON {
			_ = c.writeJSON(map[string]any{"valid": false, "errors": []problem{{"", "json",
				c.ref.Catalog.T(app.VI, "err.json", "detail", detailVI), c.ref.Catalog.T(app.EN, "err.json", "detail", detailEN)}}})
		} else {
			fmt.Fprintln(c.stderr, "bhxh: "+c.t("err.json", "detail", map[app.Lang]string{app.VI: detailVI, app.EN: detailEN}[c.lang]))
		}
		return exitUsage
	}
	v := app.NewValidator(c.ref.Rules, c.ref.Places, c.now)
	results := make([]validationResult, len(records))
	code = exitOK
	for i, rec := range records {
		r := validationResult{Valid: true, Errors: []problem{}}
		if isArray {
			n := i + 1
			r.Index = &n
		}
		f, err := decodeForm(rec)
		if err == nil {
			_, err = v.Validate(f)
		}
		if err != nil {
			if k := app.KindOf(err); k != app.Invalid && k != app.Unavailable {
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
			prefix = c.t("cli.record", "index", strconv.Itoa(i+1)) + ": "
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

// splitRecords reads one JSON object or an array of objects (records numbered from 1), with
// nothing after it; a byte-order mark (Excel, Notepad) is skipped.
func splitRecords(data []byte) ([]json.RawMessage, bool, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return nil, false, errEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return nil, false, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, errTrailing
	}
	switch first[0] {
	case '{':
		return []json.RawMessage{first}, false, nil
	case '[':
		var recs []json.RawMessage
		if err := json.Unmarshal(first, &recs); err != nil {
			return nil, true, err
		}
		if len(recs) == 0 {
			return nil, true, errEmpty
		}
		for _, r := range recs {
			if len(r) == 0 || r[0] != '{' {
				return nil, true, errNotObject
			}
		}
		return recs, true, nil
	}
	return nil, false, errNotObject
}

var (
	errEmpty     = errors.New("empty")
	errTrailing  = errors.New("trailing")
	errNotObject = errors.New("not an object")
)

// decodeForm decodes one record, refusing unknown keys so a misspelt field is not silently
// ignored; a wrong type is reported as that field's problem.
func decodeForm(rec json.RawMessage) (app.RegistrationForm, error) {
	var f app.RegistrationForm
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.DisallowUnknownFields()
	err := dec.Decode(&f)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return f, nil
	case errors.As(err, &te):
		return f, &app.ValidationError{
			Problems: []app.FieldProblem{{Field: te.Field, Code: app.CodeJsonType, Args: map[string]string{"type": te.Value}}},
		}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return f, &app.ValidationError{
			Problems: []app.FieldProblem{{Field: name, Code: app.CodeJsonUnknownField, Args: map[string]string{"name": name}}},
		}
	}
	return f, &app.ValidationError{Problems: []app.FieldProblem{{Code: app.CodeJsonType, Args: map[string]string{"type": err.Error()}}}}
}

// jsonProblem explains an unreadable file in both languages.
func jsonProblem(err error) (vi, en string) {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, errEmpty):
		return "tệp rỗng", "the file is empty"
	case errors.Is(err, errTrailing):
		return "có dữ liệu thừa sau giá trị JSON", "there is data after the JSON value"
	case errors.Is(err, errNotObject):
		return "cần một tờ khai (đối tượng JSON) hoặc một mảng tờ khai", "want one registration (a JSON object) or an array of them"
	case errors.As(err, &se):
		return fmt.Sprintf("lỗi cú pháp ở byte %d", se.Offset), fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "tệp bị cắt cụt", "the file is truncated"
	}
	return err.Error(), err.Error()
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
	fset := c.flagSet("deadline")
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
		return c.usageError("deadline: --days %d: từ 0 đến 365 / from 0 to 365", *days)
	}
	if *province != "" {
		if _, ok := c.ref.Places.Province(*province); !ok {
			return c.usageError("deadline: --province %q: %s", *province, c.t("err.province_unknown"))
		}
	}
	cal := c.ref.Calendars.For(*province)
	due, err := calendar.DueDate(received, *days, cal)
	var nc *calendar.NoCalendarError
	if errors.As(err, &nc) {
		year := strconv.Itoa(nc.Year)
		var ys []string
		for _, y := range c.ref.Calendars.Years() {
			ys = append(ys, strconv.Itoa(y))
		}
		return c.refused(
			&app.Error{
				Kind:  app.Unavailable,
				Code:  app.CodeCalendarMissing,
				Field: "received",
				Args:  map[string]string{"year": year + " (" + strings.Join(ys, ", ") + ")"},
			},
			*asJSON,
		)
	}
	if err != nil {
		return c.usageError("deadline: %v", err)
	}
	statuses := map[string]string{}
	warnings := []string{}
	for _, d := range append([]calendar.Date{due.Start}, due.Counted...) {
		y := strconv.Itoa(d.Year())
		if st, ok := c.ref.Calendars.YearStatus(d.Year()); ok && statuses[y] == "" {
			statuses[y] = st
			if st != "official" {
				warnings = append(warnings, "calendar_"+st+":"+y)
			}
		}
	}
	if *asJSON {
		counted := make([]string, len(due.Counted))
		for i, d := range due.Counted {
			counted[i] = d.String()
		}
		return c.writeJSON(map[string]any{
			"received": due.Received.Format(time.RFC3339), "start": due.Start.String(), "days": due.Days,
			"due": due.Date.String(), "working_days": counted, "calendar_status": statuses, "warnings": warnings,
		})
	}
	fmt.Fprintln(c.stdout, c.t("cli.due", "due", due.Date.VNString(), "days", strconv.Itoa(due.Days), "start", due.Start.VNString()))
	for _, w := range warnings {
		status, year, _ := strings.Cut(w, ":")
		fmt.Fprintln(c.stdout, c.t("cli.warning_"+status, "year", year))
	}
	for i, d := range due.Counted {
		name := ""
		if sp, ok := cal.Special(d); ok {
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

// firstErr is what was wrong with a command's arguments: the flag error, or the positional
// arguments that do not fit its usage (none given, or too many), in both languages like the
// other usage errors.
func firstErr(err error, pos []string) error {
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("thiếu đối số / missing arguments")
	}
	return fmt.Errorf("đối số không đúng cách dùng / arguments do not fit the usage: %q", pos)
}
