package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
	"bhxhdesk/records"
	"bhxhdesk/sheet"
	"bhxhdesk/storage"
)

func init() {
	register(
		command{"voucher", "voucher   add [FILE|-] [--json] | import FILE.csv|FILE.xlsx [--json] | exceptions [--json]\n" +
			"            resolve VOUCHER_ID --void --reason TEXT | --correct FILE|- --reason TEXT [--json]", (*cli).voucher},
		command{
			"person",
			"person    show PERSONAL_ID [--json] | export PERSONAL_ID --out FILE | open-export FILE   (BHXH_EXPORT_PASSWORD)",
			(*cli).person,
		},
		command{"cover", "cover     list [--to-issue|--issued|--confirmed|--issued-on YYYY-MM-DD] [--json] | issue PERSONAL_ID… [--json]\n" +
			"            print PERSONAL_ID…|--issued-today --out FILE.pdf [--reason TEXT]", (*cli).cover},
	)
}

func (c *cli) voucher(args []string) int {
	if len(args) == 0 {
		return c.usageError("voucher: add | import | exceptions | resolve")
	}
	switch args[0] {
	case "add":
		return c.voucherAdd(args[1:])
	case "import":
		return c.voucherImport(args[1:])
	case "exceptions":
		return c.voucherExceptions(args[1:])
	case "resolve":
		return c.voucherResolve(args[1:])
	}
	return c.usageError("voucher: %q: add | import | exceptions | resolve", args[0])
}

// decodeVouchers reads one voucher input or a JSON array of them.
func decodeVouchers(data []byte) ([]app.VoucherInput, bool, error) {
	records, isArray, err := splitRecords(data)
	if err != nil {
		return nil, false, err
	}
	out := make([]app.VoucherInput, len(records))
	for i, rec := range records {
		dec := json.NewDecoder(bytes.NewReader(rec))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, false, err
		}
	}
	return out, isArray, nil
}

func (c *cli) jsonError(cmd string, err error) int {
	detailVI, detailEN := jsonProblem(err)
	return c.usageError("%s: %s", cmd, c.t("err.json", "detail", map[app.Lang]string{app.VI: detailVI, app.EN: detailEN}[c.lang]))
}

// voucherRow is a stored voucher as the command line prints it.
type voucherRow struct {
	ID         string            `json:"id"`
	Kind       app.VoucherKind   `json:"kind"`
	Refers     string            `json:"refers,omitempty"`
	ReceiptNo  string            `json:"receipt_no"`
	PersonalID string            `json:"personal_id"`
	FullName   string            `json:"full_name"`
	Amount     app.Money         `json:"amount"`
	PaidOn     string            `json:"paid_on"`
	FromMonth  string            `json:"from_month"`
	Months     int               `json:"months"`
	Source     app.VoucherSource `json:"source"`
	Status     app.VoucherStatus `json:"status"`
	Exception  string            `json:"exception,omitempty"`
	MessageVI  string            `json:"message_vi,omitempty"`
	MessageEN  string            `json:"message_en,omitempty"`
	Dossier    string            `json:"dossier,omitempty"`
	File       string            `json:"file,omitempty"`
	Line       int               `json:"line,omitempty"`
}

func (c *cli) voucherRows(vs []app.VoucherView) []voucherRow {
	out := make([]voucherRow, len(vs))
	for i, v := range vs {
		r := voucherRow{ID: v.ID, Kind: v.Kind, Refers: v.Refers, ReceiptNo: v.ReceiptNo, PersonalID: app.PersonalID(v.PersonalID).Masked(),
			FullName: v.FullName, Amount: v.Amount, PaidOn: v.PaidOn.String(), FromMonth: v.FromMonth.String(), Months: v.Months,
			Source: v.Source, Status: v.State.Status, Exception: v.State.Exception, Dossier: v.State.Dossier, File: v.File, Line: v.Line}
		if r.Exception != "" {
			p := app.FieldProblem{Code: r.Exception, Args: v.State.Args}
			r.MessageVI, r.MessageEN = c.ref.Catalog.T(
				app.VI,
				"err."+p.Code,
				flatArgs(p.Args)...), c.ref.Catalog.T(
				app.EN,
				"err."+p.Code,
				flatArgs(p.Args)...)
		}
		out[i] = r
	}
	return out
}

func flatArgs(m map[string]string) []string {
	out := make([]string, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

func (c *cli) voucherAdd(args []string) int {
	data, asJSON, code := c.jsonInput("voucher add", args)
	if code != 0 {
		return code
	}
	ins, _, err := decodeVouchers(data)
	if err != nil {
		return c.jsonError("voucher add", err)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	rows := make([]app.VoucherRow, len(ins))
	for i, in := range ins {
		rows[i] = app.VoucherRow{Line: i + 1, Input: in}
	}
	// Typed vouchers are recorded one by one like at the desk: the import path reports each.
	res, err := d.Records.ImportVouchers(sess, "", rows, nil, nil)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	return c.closeDesk(d, c.printImport(d.Records, sess, res, *asJSON))
}

func (c *cli) voucherImport(args []string) int {
	fset := c.flagSet("voucher import")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 {
		return c.usageError("voucher import FILE: %v", firstErr(err, pos))
	}
	rows, problems, err := c.readVoucherFile(pos[0])
	if err != nil {
		return c.usageError("voucher import %s: %s", pos[0], c.ref.Catalog.Message(c.lang, err))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	res, err := d.Records.ImportVouchers(sess, baseName(pos[0]), rows, problems, nil)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	return c.closeDesk(d, c.printImport(d.Records, sess, res, *asJSON))
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// importLine is one reported row: its line and the reason in both languages.
type importLine struct {
	Line      int    `json:"line"`
	Field     string `json:"field,omitempty"`
	Code      string `json:"code"`
	Reason    string `json:"reason"`
	MessageVI string `json:"message_vi"`
	MessageEN string `json:"message_en"`
}

func (c *cli) lines(ps []app.RowProblem) []importLine {
	out := make([]importLine, len(ps))
	for i, p := range ps {
		vi, en := c.ref.Catalog.Problem(app.VI, p.Problem), c.ref.Catalog.Problem(app.EN, p.Problem)
		if p.Problem.Field == "" {
			vi, en = c.ref.Catalog.T(
				app.VI,
				"err."+p.Problem.Code,
				flatArgs(p.Problem.Args)...), c.ref.Catalog.T(
				app.EN,
				"err."+p.Problem.Code,
				flatArgs(p.Problem.Args)...)
		}
		reason := vi
		if c.lang == app.EN {
			reason = en
		}
		out[i] = importLine{Line: p.Line, Field: p.Problem.Field, Code: p.Problem.Code, Reason: reason, MessageVI: vi, MessageEN: en}
	}
	return out
}

// printImport prints an import's outcome: exit 0 when every row was matched, 1 when some rows
// were refused or set aside (they are listed; nothing is lost).
func (c *cli) printImport(rec *records.Service, sess *app.Session, res records.ImportResult, asJSON bool) int {
	code := exitOK
	if len(res.Rejected) > 0 || len(res.Exceptions) > 0 {
		code = exitInvalid
	}
	if asJSON {
		return max(code, c.writeJSON(map[string]any{
			"accepted": res.Accepted, "matched": res.Matched, "exceptions": c.lines(res.Exceptions),
			"rejected": c.lines(res.Rejected), "already_recorded": c.lines(res.Already), "vouchers": res.Vouchers, "covers_created": len(res.Covers),
		}))
	}
	fmt.Fprintln(c.stdout, c.t("cli.import_summary", "accepted", fmt.Sprint(res.Accepted), "matched", fmt.Sprint(res.Matched),
		"exceptions", fmt.Sprint(len(res.Exceptions)), "rejected", fmt.Sprint(len(res.Rejected)), "already", fmt.Sprint(len(res.Already)),
		"covers", fmt.Sprint(len(res.Covers))))
	for _, group := range []struct {
		key string
		ps  []app.RowProblem
	}{{"cli.import_rejected", res.Rejected}, {"cli.import_exceptions", res.Exceptions}, {"cli.import_already", res.Already}} {
		if len(group.ps) == 0 {
			continue
		}
		fmt.Fprintln(c.stdout, c.t(group.key))
		for _, l := range c.lines(group.ps) {
			if l.Line > 0 {
				fmt.Fprintf(c.stdout, "  %s %d: %s\n", c.t("cli.line"), l.Line, l.Reason)
			} else {
				fmt.Fprintf(c.stdout, "  %s\n", l.Reason)
			}
		}
	}
	return code
}

func (c *cli) voucherExceptions(args []string) int {
	fset := c.flagSet("voucher exceptions")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("voucher exceptions: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	vs, err := d.Records.Exceptions(sess, 0)
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	rows := c.voucherRows(vs)
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(rows))
	}
	if len(rows) == 0 {
		fmt.Fprintln(c.stdout, c.t("cli.no_exceptions"))
		return c.closeDesk(d, code)
	}
	for _, r := range rows {
		msg := r.MessageVI
		if c.lang == app.EN {
			msg = r.MessageEN
		}
		fmt.Fprintf(c.stdout, "%s  %s  %s  %s  %s  %s\n    %s\n", r.ID, r.ReceiptNo, r.PersonalID, r.FullName, r.Amount, r.FromMonth, msg)
	}
	return c.closeDesk(d, code)
}

func (c *cli) voucherResolve(args []string) int {
	fset := c.flagSet("voucher resolve")
	void := fset.Bool("void", false, "cancel the voucher (a void record refers to it)")
	correct := fset.String("correct", "", "a JSON file (or -) with the corrected voucher")
	reason := fset.String("reason", "", "why (required)")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) != 1 || (*void == (*correct != "")) {
		return c.usageError("voucher resolve VOUCHER_ID --void | --correct FILE --reason TEXT: %v", firstErr(err, pos))
	}
	req := records.ResolveRequest{Action: "void", Reason: *reason}
	if *correct != "" {
		data, err := c.readInput([]string{*correct})
		if err != nil {
			return c.usageError("voucher resolve: %v", err)
		}
		ins, isArray, err := decodeVouchers(data)
		if err != nil || isArray {
			return c.jsonError("voucher resolve", firstErr(err, []string{"[…]"}))
		}
		req.Action, req.Correction = "correct", ins[0]
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	vv, err := d.Records.Resolve(sess, pos[0], req)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	row := c.voucherRows([]app.VoucherView{vv})[0]
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(row))
	}
	fmt.Fprintln(c.stdout, c.t("cli.resolved", "id", pos[0], "new", vv.ID, "status", c.t("voucher.status."+string(vv.State.Status))))
	return c.closeDesk(d, code)
}

func (c *cli) person(args []string) int {
	if len(args) > 0 && args[0] == "export" {
		return c.personExport(args[1:])
	}
	if len(args) > 0 && args[0] == "open-export" {
		return c.personOpen(args[1:])
	}
	if len(args) == 0 || args[0] != "show" {
		return c.usageError("person: show PERSONAL_ID | export PERSONAL_ID --out FILE | open-export FILE")
	}
	fset := c.flagSet("person show")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args[1:])
	if err != nil || len(pos) != 1 {
		return c.usageError("person show PERSONAL_ID: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	pv, err := d.Records.Person(sess, pos[0])
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		identity := app.ParticipantPayload.To(pv.Participant)
		var cover *contract.CoverV1
		if pv.Cover != nil {
			cv := app.CoverPayload.To(*pv.Cover)
			cover = &cv
		}
		return c.closeDesk(d, c.writeJSON(map[string]any{
			"identity": identity, "known": pv.Known, "periods": identity.Periods, "totals": pv.Totals,
			"cover": cover, "vouchers": c.voucherRows(pv.Vouchers), "dossiers": rows(pv.Dossiers, 0)}))
	}
	p := pv.Participant
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	line := func(key, val string) { fmt.Fprintf(tw, "%s\t%s\n", c.t(key), val) }
	line("cli.f.name", app.UpperName(p.FullName))
	line("cli.f.personal_id", p.PersonalID)
	if b, err := app.ParseBirthDate(p.BirthDate); err == nil {
		line("cli.f.birth_date", b.VNString())
	}
	line("cli.f.income", p.Income.String())
	line("cli.f.method", c.methodLabel(p.Method))
	if pv.Cover != nil {
		line("cli.f.cover", c.t("cover.status."+string(pv.Cover.Status)))
	}
	_ = tw.Flush()
	fmt.Fprintln(c.stdout, c.t("cli.periods"))
	tw = tabwriter.NewWriter(c.stdout, 0, 4, 2, tabPad, tabwriter.AlignRight)
	fmt.Fprintf(
		tw,
		"%s\t%s\t%s\t%s\t%s\t%s\t\n",
		c.t("cli.col.from_to"),
		c.t("cli.col.income"),
		c.t("cli.col.gross"),
		c.t("cli.col.support"),
		c.t("cli.col.paid"),
		c.t("cli.col.receipt"),
	)
	for _, pe := range p.Periods {
		fmt.Fprintf(tw, "%s–%s\t%s\t%s\t%s\t%s\t%s\t\n", pe.From.VNString(), pe.To.VNString(), pe.Income.Grouped(), pe.Gross.Grouped(),
			(pe.StateSupport + pe.LocalSupport).Grouped(), pe.Paid.Grouped(), pe.ReceiptNo)
	}
	t := pv.Totals
	fmt.Fprintf(
		tw,
		"%s\t\t%s\t%s\t%s\t\t\n",
		c.t("cli.total_months", "months", fmt.Sprint(t.Months)),
		t.Gross.Grouped(),
		(t.StateSupport + t.LocalSupport).Grouped(),
		t.Paid.Grouped(),
	)
	_ = tw.Flush()
	return c.closeDesk(d, code)
}

const tabPad = ' '

func (c *cli) cover(args []string) int {
	if len(args) == 0 {
		return c.usageError("cover: list | issue | print")
	}
	switch args[0] {
	case "list":
		return c.coverList(args[1:])
	case "issue":
		return c.coverIssue(args[1:])
	case "print":
		return c.coverPrint(args[1:])
	}
	return c.usageError("cover: %q: list | issue | print", args[0])
}

// coverRow is a cover as lists print it.
type coverRow struct {
	BookNo     string          `json:"book_no"`
	PersonalID string          `json:"personal_id"`
	FullName   string          `json:"full_name"`
	BirthDate  string          `json:"birth_date"`
	Status     app.CoverStatus `json:"status"`
	Created    string          `json:"created"`
	IssuedAt   string          `json:"issued_at,omitempty"`
	IssuedBy   string          `json:"issued_by,omitempty"`
	Prints     int             `json:"prints"`
	Dossier    string          `json:"dossier"`
}

func coverRows(cs []app.BookCover) []coverRow {
	out := make([]coverRow, len(cs))
	for i, cv := range cs {
		r := coverRow{BookNo: cv.BookNo, PersonalID: cv.PersonalID, FullName: cv.FullName, BirthDate: cv.BirthDate, Status: cv.Status,
			Created: cv.Created.Format(time.RFC3339), IssuedBy: cv.IssuedBy, Prints: len(cv.Prints), Dossier: cv.Dossier}
		if !cv.IssuedAt.IsZero() {
			r.IssuedAt = cv.IssuedAt.Format(time.RFC3339)
		}
		out[i] = r
	}
	return out
}

func (c *cli) coverList(args []string) int {
	fset := c.flagSet("cover list")
	toIssue := fset.Bool("to-issue", false, "covers waiting to be issued (default)")
	issued := fset.Bool("issued", false, "covers issued, not yet confirmed by the centre")
	confirmed := fset.Bool("confirmed", false, "covers confirmed by the centre")
	issuedOn := fset.String("issued-on", "", "covers issued on a day, YYYY-MM-DD")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("cover list: %v", firstErr(err, pos))
	}
	_ = toIssue // the default
	status := app.CoverCreated
	switch {
	case *issued:
		status = app.CoverIssued
	case *confirmed:
		status = app.CoverConfirmed
	}
	var day calendar.Date
	if *issuedOn != "" {
		var err error
		if day, err = calendar.ParseDate(*issuedOn); err != nil {
			return c.usageError("cover list: --issued-on %q: %s", *issuedOn, c.t("cli.bad_date"))
		}
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	var cs []app.BookCover
	var err error
	if day != 0 {
		cs, err = d.Records.CoversIssuedOn(sess, day)
	} else {
		cs, err = d.Records.Covers(sess, status, 0)
	}
	if err != nil {
		return c.closeDesk(d, c.fail(err))
	}
	out := coverRows(cs)
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(out))
	}
	if len(out) == 0 {
		fmt.Fprintln(c.stdout, c.t("cli.no_covers"))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.BookNo, r.FullName, r.BirthDate, c.t("cover.status."+string(r.Status)), r.Prints)
	}
	return c.closeDesk(d, max(code, flushCode(tw.Flush())))
}

func (c *cli) coverIssue(args []string) int {
	fset := c.flagSet("cover issue")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args)
	if err != nil || len(pos) == 0 {
		return c.usageError("cover issue PERSONAL_ID…: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	var issued []app.BookCover
	for _, pid := range pos {
		cv, err := d.Records.IssueCover(sess, pid)
		if err != nil {
			fmt.Fprintln(c.stderr, "bhxh: "+pid+": "+c.ref.Catalog.Message(c.lang, err))
			code = max(code, exitInvalid)
			continue
		}
		issued = append(issued, cv)
		if !*asJSON {
			fmt.Fprintln(c.stdout, c.t("cli.cover_issued", "book", cv.BookNo, "name", cv.FullName))
		}
	}
	if *asJSON {
		return c.closeDesk(d, max(code, c.writeJSON(coverRows(issued))))
	}
	return c.closeDesk(d, code)
}

// readVoucherFile reads a collection agent's CSV or XLSX file.
func (c *cli) readVoucherFile(path string) ([]app.VoucherRow, []app.RowProblem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return sheet.ReadVouchers(baseName(path), f)
}

func (c *cli) coverPrint(args []string) int {
	fset := c.flagSet("cover print")
	out := fset.String("out", "", "PDF file to write (one page per cover)")
	reason := fset.String("reason", "", "why a cover is printed again (required for a reprint)")
	today := fset.Bool("issued-today", false, "print every cover issued today")
	pos, err := parseInterspersed(fset, args)
	if err != nil || *out == "" || (len(pos) == 0) == !*today {
		return c.usageError("cover print PERSONAL_ID…|--issued-today --out FILE.pdf [--reason TEXT]: %v", firstErr(err, pos))
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	if *today {
		cs, err := d.Records.CoversIssuedOn(sess, d.Intake.Today())
		if err != nil {
			return c.closeDesk(d, c.fail(err))
		}
		for _, cv := range cs {
			pos = append(pos, cv.PersonalID)
		}
		if len(pos) == 0 {
			fmt.Fprintln(c.stdout, c.t("cli.no_covers"))
			return c.closeDesk(d, exitInvalid)
		}
	}
	err = storage.CreateFileAtomic(*out, func(f io.Writer) error { return d.WriteCovers(sess, pos, *reason, c.lang, f) })
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			return c.closeDesk(d, c.fail(err))
		}
		return c.closeDesk(d, c.usageError("cover print: %v", err))
	}
	fmt.Fprintln(c.stdout, c.t("cli.covers_printed", "count", fmt.Sprint(len(pos)), "file", *out))
	return c.closeDesk(d, code)
}

// methodLabel names a payment method in the user's language ("ahead:12" → "… (12 tháng)").
func (c *cli) methodLabel(m string) string { return c.ref.Catalog.MethodName(c.lang, m) }
