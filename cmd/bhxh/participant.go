package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/printout"
	"bhxhdesk/records"
	"bhxhdesk/storage"
)

func init() {
	register(command{"participant", "participant change|stop|refund|evidence|status|benefits PERSONAL_ID …, participant list [--state S,…] (README \"The participant's life\")",
		(*cli).participant})
}

const participantUsage = `participant change   PERSONAL_ID --income N --method M --from YYYY-MM [--note T] [--out FILE.pdf] [--json]
participant stop     PERSONAL_ID --from YYYY-MM --reason own|compulsory|lump_sum|death|pension [--note T] [--out FILE.pdf] [--json]
participant refund   PERSONAL_ID --from YYYY-MM --reason compulsory|lump_sum|death|pension [--note T] [--out FILE.pdf] [--json]
participant evidence PERSONAL_ID --group G --year YYYY --ref TEXT [--json]
participant status   PERSONAL_ID [--json]
participant benefits PERSONAL_ID [--month YYYY-MM] [--out FILE.pdf] [--json]
participant print    PERSONAL_ID --out FILE.pdf [--event ID]      (a decision's confirmation printed again)
participant list     [--state registered,active,due,suspended,stopped,left] [--json]`

// participant records and shows what happens to a participant after registration: a change of
// income or method, a stop, a refund, the evidence of a support group; where they stand; what
// they may receive.
func (c *cli) participant(args []string) int {
	if len(args) == 0 {
		return c.usageError("%s", participantUsage)
	}
	sub := args[0]
	if sub == "list" {
		return c.participantList(args[1:])
	}
	fset := c.flagSet("participant " + sub)
	income := fset.String("income", "", "change: the new chosen income, đồng")
	method := fset.String("method", "", "change: monthly | 3-months | 6-months | 12-months | ahead:N")
	from := fset.String("from", "", "the first month under the new terms, not taken part, or refunded (YYYY-MM)")
	reason := fset.String("reason", "", "stop, refund: own | compulsory | lump_sum | death | pension")
	note := fset.String("note", "", "a note kept with the decision")
	group := fset.String("group", "", "evidence: poor | near-poor | a province's own group")
	year := fset.Int("year", 0, "evidence: the list's year")
	refText := fset.String("ref", "", "evidence: the commune's decision or list")
	monthF := fset.String("month", "", "benefits: as of this month (this month when absent)")
	eventID := fset.String("event", "", "print: the decision to print again (the last one when absent)")
	out := fset.String("out", "", "print the decision or the information to this PDF")
	asJSON := fset.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fset, args[1:])
	if err != nil || len(pos) != 1 {
		return c.usageError("participant %s PERSONAL_ID: %v\n%s", sub, firstErr(err, pos), participantUsage)
	}
	if *out != "" && !strings.HasSuffix(strings.ToLower(*out), ".pdf") {
		return c.usageError("participant %s --out %q: %s", sub, *out, c.t("cli.pdf_only"))
	}
	// The decision is recorded before it is printed: a folder that cannot take the file is
	// refused first, so nothing is recorded without its paper.
	if *out != "" {
		if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
			return c.usageError("participant %s --out %q: %s", sub, *out, c.t("cli.no_folder", "folder", filepath.Dir(*out)))
		}
	}
	pid := pos[0]
	in := records.LifeInput{Kind: app.LifeEventKind(sub), Reason: strings.TrimSpace(*reason), Note: *note}
	month := func(s string) (app.Month, bool) {
		m, err := app.ParseMonth(strings.TrimSpace(s))
		return m, err == nil
	}
	switch sub {
	case "change", "stop", "refund":
		m, ok := month(*from)
		if !ok {
			return c.usageError("participant %s --from %q: %s", sub, *from, c.t("cli.bad_month"))
		}
		in.From = m
		if sub == "change" {
			if in.Income, err = app.ParseMoney(strings.TrimSpace(*income)); err != nil {
				return c.refusal(&app.Error{Kind: app.Invalid, Code: app.CodeMoneyFormat, Field: "income"}, *asJSON)
			}
			in.Method = *method
		} else if in.Reason == "" {
			return c.refusal(&app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "reason"}, *asJSON)
		}
	case "evidence":
		in.Reason, in.Year, in.Ref = strings.TrimSpace(*group), *year, *refText
	case "status", "benefits", "print":
	default:
		return c.usageError("%s", participantUsage)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	today := calendar.DateOf(c.now().In(calendar.VN))
	switch sub {
	case "print":
		// A decision printed again: the last one (not evidence), or the one --event names.
		if *out == "" {
			return c.closeDesk(d, c.usageError("participant print PERSONAL_ID --out FILE.pdf [--event ID]"))
		}
		pv, err := d.Records.Person(sess, pid)
		if err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		p := pv.Participant
		var ev *app.LifeEvent
		for i := range p.Events {
			if e := p.Events[i]; e.Kind != app.EventEvidence && (*eventID == "" || e.ID == *eventID) {
				ev = &p.Events[i]
			}
		}
		if ev == nil {
			return c.closeDesk(d, c.refusal(&app.Error{Kind: app.NotFound, Code: app.CodeLifeNoDecision, Field: "event",
				Args: map[string]string{"value": app.Clip(*eventID, 40)}}, *asJSON))
		}
		var q *app.Quote
		if ev.Kind == app.EventChange {
			if m, err := app.ParseMethod(ev.Method); err == nil {
				if qq, err := d.Ref().Rules.Quote(app.QuoteRequest{Income: ev.Income, Method: m, Groups: p.Groups(), Month: ev.From,
					Province: p.Address.Province, LocalGroups: p.LocalGroups, Paid: calendar.DateOf(ev.At.In(calendar.VN))}); err == nil {
					q = &qq
				}
			}
		}
		o := sess.Office
		if err := storage.CreateFileAtomic(*out, func(w io.Writer) error {
			return printout.WriteLifeEvent(d.Ref(), o, p, *ev, q, c.lang, c.now(), w)
		}); err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		fmt.Fprintln(c.stdout, c.t("cli.file_written", "file", *out))
		return c.closeDesk(d, code)
	case "status":
		pv, err := d.Records.Person(sess, pid)
		if err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		p := pv.Participant
		st := p.StandingOn(today)
		lapsed := p.EvidenceLapsed(today)
		if *asJSON {
			return c.closeDesk(d, c.writeJSON(map[string]any{"personal_id": p.PersonalID, "standing": st, "evidence_lapsed": lapsed,
				"events": app.ParticipantPayload.To(p).Events, "history": app.ParticipantPayload.To(p).History, "income": p.Income,
				"method": p.Method}))
		}
		fmt.Fprintln(c.stdout, c.standingText(st))
		for _, g := range lapsed {
			fmt.Fprintln(c.stdout, c.t("life.evidence_lapsed", "group", c.groupLabel(p, g), "year", strconv.Itoa(today.Year())))
		}
		if p.History == nil {
			fmt.Fprintln(c.stdout, c.t("life.history_unknown"))
		} else if why := p.History.Exclusion(app.MonthOfDate(today)); why != "" {
			fmt.Fprintln(c.stdout, c.t("err."+why, "value", app.PersonalID(p.PersonalID).Masked()))
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, e := range p.Events {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.At.In(calendar.VN).Format("02/01/2006"), c.t("life.kind."+string(e.Kind)), c.eventText(p, e), e.By)
		}
		_ = tw.Flush()
		return c.closeDesk(d, code)
	case "benefits":
		m := app.MonthOfDate(today)
		if *monthF != "" {
			var ok bool
			if m, ok = month(*monthF); !ok {
				return c.closeDesk(d, c.usageError("participant benefits --month %q: %s", *monthF, c.t("cli.bad_month")))
			}
		}
		bs, mc, p, err := d.Records.Benefits(sess, pid, m)
		if err != nil {
			return c.closeDesk(d, c.refusal(err, *asJSON))
		}
		if *out != "" {
			if err := storage.CreateFileAtomic(*out, func(w io.Writer) error {
				return printout.WriteBenefits(d.Ref(), sess.Office, p, bs, mc, m, c.lang, c.now(), w)
			}); err != nil {
				return c.closeDesk(d, c.refusal(err, *asJSON))
			}
		}
		if *asJSON {
			return c.closeDesk(d, c.writeJSON(map[string]any{"benefits": bs, "missing_time": mc}))
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, b := range bs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.t("benefit."+b.Kind), printout.BenefitText(d.Ref(), c.lang, b),
				printout.BenefitAmount(d.Ref(), c.lang, b), b.Basis)
		}
		fmt.Fprintf(tw, "%s\t%s\t\t%s\n", c.t("benefit.missing"), c.t("missing."+mc.Code, "short", strconv.Itoa(mc.Short),
			"max", strconv.Itoa(mc.Max), "required", strconv.Itoa(mc.Required), "retirement", mc.Retirement.VNString()), mc.Basis)
		_ = tw.Flush()
		if *out != "" {
			fmt.Fprintln(c.stdout, c.t("cli.file_written", "file", *out))
		}
		return c.closeDesk(d, code)
	}
	res, err := d.Records.Decide(sess, pid, in)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *out != "" && in.Kind != app.EventEvidence {
		if err := storage.CreateFileAtomic(*out, func(w io.Writer) error {
			return printout.WriteLifeEvent(d.Ref(), res.Office, res.Participant, res.Event, res.Quote, c.lang, c.now(), w)
		}); err != nil {
			// Recorded all the same: say so, and how to print it again.
			fmt.Fprintln(c.stderr, "bhxh: "+c.t("life.recorded_not_printed", "file", *out, "id", pid, "detail", c.ref.Catalog.Message(c.lang, err)))
			return c.closeDesk(d, exitInvalid)
		}
	}
	if *asJSON {
		return c.closeDesk(d, c.writeJSON(map[string]any{"ok": true, "event": app.LifeEventPayload.To(res.Event), "quote": res.Quote,
			"standing": res.Standing}))
	}
	fmt.Fprintln(c.stdout, c.t("life.recorded."+sub, "name", app.UpperName(res.Participant.FullName)))
	fmt.Fprintln(c.stdout, "  "+c.eventText(res.Participant, res.Event))
	if q := res.Quote; q != nil {
		fmt.Fprintln(c.stdout, "  "+c.t("life.first_payment", "from", q.FromMonth.VNString(), "to", q.ToMonth.VNString(),
			"amount", q.Payable.String(), "deadline", q.Deadline.VNString()))
	}
	if r := res.Event.Refund; r != nil {
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, tabPad, tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", c.t("cli.col.receipt"), c.t("cli.col.from_to"), c.t("life.print.col.contribution"),
			c.t("life.print.col.state"), c.t("life.print.col.local"), c.t("life.print.col.amount"))
		for _, l := range r.Lines {
			fmt.Fprintf(tw, "%s\t%s–%s\t%s\t%s\t%s\t%s\t\n", l.ReceiptNo, l.From.VNString(), l.To.VNString(), l.Contribution.Grouped(),
				l.StateSupport.Grouped(), l.LocalSupport.Grouped(), l.Amount.Grouped())
		}
		_ = tw.Flush()
	}
	fmt.Fprintln(c.stdout, "  "+c.standingText(res.Standing))
	if *out != "" {
		fmt.Fprintln(c.stdout, c.t("cli.file_written", "file", *out))
	}
	return c.closeDesk(d, code)
}

// groupLabel names a support group: the state's by the catalogue, a province's own by its data.
func (c *cli) groupLabel(p app.Participant, g string) string {
	if lg, ok := c.ref.Rules.LocalGroup(p.Address.Province, g); ok {
		if c.lang == app.EN {
			return lg.NameEN
		}
		return lg.NameVI
	}
	return c.t("group." + g)
}

// participantList lists the participants by where they stand: who must pay soon, who missed a
// deadline, who stopped or left.
func (c *cli) participantList(args []string) int {
	fset := c.flagSet("participant list")
	states := fset.String("state", "", "only these states, comma-separated: registered, active, due, suspended, stopped, left")
	asJSON := fset.Bool("json", false, "print JSON")
	if pos, err := parseInterspersed(fset, args); err != nil || len(pos) > 0 {
		return c.usageError("participant list: %v", firstErr(err, pos))
	}
	var want []string
	for _, s := range strings.Split(*states, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if c.t("standing."+s) == "standing."+s {
			return c.refusal(&app.Error{Kind: app.Invalid, Code: app.CodeLifeBadState, Field: "state", Args: map[string]string{"value": app.Clip(s, 20)}},
				*asJSON)
		}
		want = append(want, s)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	rows, err := d.Records.Standings(sess, calendar.DateOf(c.now().In(calendar.VN)), want...)
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	if *asJSON {
		if rows == nil {
			rows = []records.StandingRow{}
		}
		return c.closeDesk(d, c.writeJSON(rows))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.PersonalID, app.UpperName(r.FullName), r.Phone, c.t("standing."+r.Standing.State),
			c.standingText(r.Standing))
	}
	_ = tw.Flush()
	fmt.Fprintln(c.stdout, c.t("life.list_count", "count", strconv.Itoa(len(rows))))
	return c.closeDesk(d, code)
}

// standingText says where a participant stands, in words.
func (c *cli) standingText(st app.Standing) string { return c.ref.Catalog.StandingText(c.lang, st) }

// eventText is one decision in words.
func (c *cli) eventText(p app.Participant, e app.LifeEvent) string {
	return c.ref.Catalog.LifeEventText(c.lang, e, c.groupLabel(p, e.Reason))
}
