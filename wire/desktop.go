package wire

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/pdf"
	"bhxhdesk/storage"
)

// activityLead is how many days before the dashboard's window a dossier may have been
// received and still fall due inside it (5 working days, holidays, re-appointments).
const activityLead = 20

// Activity returns the dossiers received on or after from−20 days, in every state, for the
// dashboard's counts and chart: pending ones from the due-date index, as their list rows say
// them (code, receipt, appointment, state, step: no form, no timeline), closed ones read whole
// when the day their code carries ({agency}-{yymmdd}-{device}{seq}) is recent. PermView. The
// dashboard shows counts only, so nothing is written to the audit log.
func (d *Desk) Activity(sess *app.Session, from calendar.Date) ([]app.Dossier, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	since := from - activityLead
	var out []app.Dossier
	err := d.DB.View(func(tx app.Tx) error {
		pending, err := tx.Due(0, calendar.Date(1<<30), 0)
		if err != nil {
			return err
		}
		// A pending dossier's list row says all the dashboard needs: no dossier is read.
		for _, s := range pending {
			if calendar.DateOf(s.Received.In(calendar.VN)) >= since {
				out = append(out, app.Dossier{Code: s.Code, Received: s.Received, Due: s.Due, StepDue: s.StepDue, State: s.State,
					Step: s.Step, Handler: s.Handler})
			}
		}
		closed, err := closedSince(tx, since)
		out = append(out, closed...)
		return err
	})
	return out, err
}

// closedSince reads the closed dossiers (done, rejected) received on or after since: those
// whose code carries a recent day, read whole, the purged left out.
func closedSince(tx app.Tx, since calendar.Date) ([]app.Dossier, error) {
	var codes []string
	for _, st := range []app.State{app.StateDone, app.StateRejected} {
		closed, err := tx.DossiersInState(st)
		if err != nil {
			return nil, err
		}
		for _, c := range closed {
			if day, ok := codeDay(c); !ok || day >= since {
				codes = append(codes, c)
			}
		}
	}
	var out []app.Dossier
	for _, c := range codes {
		dos, ok, err := tx.Dossier(c)
		if err != nil {
			return nil, err
		}
		if ok && dos.Purged == nil && calendar.DateOf(dos.Received.In(calendar.VN)) >= since {
			out = append(out, dos)
		}
	}
	return out, nil
}

// ReceivedOn lists the dossiers received on day in every state — pending, completed and
// rejected, as the dashboard's "received today" tile counts them — in order of receipt.
// PermView; the list is recorded in the audit log as the queues are.
func (d *Desk) ReceivedOn(sess *app.Session, day calendar.Date) ([]app.Summary, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	var out []app.Summary
	err := d.DB.Update(func(tx app.Tx) error {
		pending, err := tx.Due(0, calendar.Date(1<<30), 0)
		if err != nil {
			return err
		}
		for _, s := range pending {
			if calendar.DateOf(s.Received.In(calendar.VN)) == day {
				out = append(out, s)
			}
		}
		closed, err := closedSince(tx, day-activityLead)
		if err != nil {
			return err
		}
		for _, c := range closed {
			if calendar.DateOf(c.Received.In(calendar.VN)) == day {
				out = append(out, c.Summary())
			}
		}
		slices.SortFunc(out, func(a, b app.Summary) int { return a.Received.Compare(b.Received) })
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier.list", Detail: "received-on=" + day.String()})
	})
	return out, err
}

// codeDay reads the receipt day a dossier code carries.
func codeDay(code string) (calendar.Date, bool) {
	parts := strings.Split(code, "-")
	if len(parts) != 3 || len(parts[1]) != 6 {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return 0, false
	}
	return calendar.Of(2000+n/10000, time.Month(n/100%100), n%100), true
}

// quoteMethods are the methods a printed quote compares, besides the one chosen.
var quoteMethods = []app.MethodKind{app.Monthly, app.Quarter, app.Half, app.Yearly}

// QuoteData is the printed quote for a request (phiếu báo mức đóng), in lang: the request's
// income, group and first month, one row per regular method (and the chosen one when it is
// an ahead or missing-time payment), with the period, the total, the state and local support,
// what the citizen pays and the last day to pay. A request the rules refuse is their error.
func QuoteData(ref *assets.Reference, o app.Office, req app.QuoteRequest, lang app.Lang, now time.Time) (pdf.QuoteData, error) {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	chosen, err := ref.Rules.Quote(req)
	if err != nil {
		return pdf.QuoteData{}, err
	}
	q := pdf.QuoteData{Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now, Title: t("quote.print.title"), Highlight: -1,
		Signer: t("quote.print.signer")}
	group := t("group." + string(chosen.Group))
	q.Facts = [][2]string{
		{t("field.income"), req.Income.String()},
		{t("field.support_group"), group},
		{t("field.start_month"), req.Month.VNString()},
	}
	if p, ok := ref.Places.Province(req.Province); ok {
		q.Facts = append(q.Facts, [2]string{t("field.province"), p.Name})
	}
	q.Columns = []string{t("quote.print.col.method"), t("quote.print.col.period"), t("quote.print.col.gross"),
		t("quote.print.col.support"), t("quote.print.col.payable"), t("quote.print.col.deadline")}
	methods := []app.Method{}
	for _, k := range quoteMethods {
		m, err := app.ParseMethod(string(k))
		if err != nil {
			return pdf.QuoteData{}, err
		}
		methods = append(methods, m)
	}
	if req.Method.Kind == app.Ahead || req.Method.Kind == app.Missing {
		methods = append(methods, req.Method)
	}
	for i, m := range methods {
		r := req
		r.Method = m
		qq, err := ref.Rules.Quote(r)
		if err != nil {
			return pdf.QuoteData{}, err
		}
		name := t("method." + string(m.Kind))
		if m.Kind == app.Ahead || m.Kind == app.Missing {
			name += " (" + t("ui.months", "months", strconv.Itoa(m.Months)) + ")"
		}
		support := qq.StateSupport + qq.LocalSupport
		q.Rows = append(q.Rows, []string{name, qq.FromMonth.VNString() + " – " + qq.ToMonth.VNString(), qq.Gross.String(),
			support.String(), qq.Payable.String(), qq.Deadline.VNString()})
		if m == req.Method {
			q.Highlight = i
		}
	}
	lifetime := ""
	if caps, ok := ref.Rules.Caps.At(req.Month); ok {
		lifetime = strconv.Itoa(caps.Value.SupportMonths)
	}
	q.Notes = []string{
		t("quote.print.note_support", "group", group, "share", chosen.SupportShare.Percent(),
			"line", chosen.PovertyLine.String(), "months", strconv.Itoa(chosen.SupportMonths), "cap", lifetime),
		t("quote.print.note_deadline"),
		t("quote.print.note_rules", "date", now.In(calendar.VN).Format("02/01/2006")),
	}
	if chosen.LocalSupport > 0 {
		for _, l := range ref.Rules.LocalSupport[req.Province] {
			if l.Group == chosen.LocalGroup && l.From <= req.Month && (l.To == 0 || l.To >= req.Month) && l.Status != app.Proposed {
				share := l.Share.Percent()
				if l.Amount > 0 {
					share = l.Amount.String()
				}
				q.Notes = append(q.Notes, t("quote.print.note_local", "share", share, "group", groupName(ref, lang, req.Province, chosen.LocalGroup),
					"source", l.Source))
			}
		}
	}
	q.Notes = append(q.Notes, t("quote.print.rules_used", "rules", RulesUsed(ref.Catalog, lang, chosen)))
	for _, w := range chosen.Warnings {
		// The printed font has no ⚠: a word says it on paper.
		q.Notes = append(q.Notes, t("quote.print.attention")+" "+strings.TrimPrefix(ref.Catalog.Warning(lang, w), "⚠ "))
	}
	return q, nil
}

// groupName names a support group: the state's by the catalogue, a province's own by its data.
func groupName(ref *assets.Reference, lang app.Lang, province string, g app.SupportGroup) string {
	if lg, ok := ref.Rules.LocalGroup(province, string(g)); ok {
		if lang == app.EN {
			return lg.NameEN
		}
		return lg.NameVI
	}
	return ref.Catalog.T(lang, "group."+string(g))
}

// RulesUsed names the rule entries behind a quote, with their legal sources and how sure they
// are: "chuẩn hộ nghèo từ 01/2027: Nghị định 351/2025/NĐ-CP …; …".
func RulesUsed(cat *app.Catalog, lang app.Lang, q app.Quote) string {
	parts := make([]string, 0, len(q.Rules))
	for _, v := range q.Rules {
		part := cat.T(lang, "quote.print.rule", "table", cat.T(lang, "table."+v.Table), "from", v.From.VNString(), "source", v.Source)
		if v.Status != app.Confirmed {
			part += " (" + cat.T(lang, "quote.print.status."+string(v.Status)) + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// pdfOffice is the office as printed, with its place names.
func pdfOffice(cat *app.Catalog, places *app.Places, o app.Office, lang app.Lang) pdf.Office {
	po := pdf.Office{Agency: o.Name, AgencyCode: o.Agency, Address: o.Address, Phone: o.Phone}
	if p, ok := places.Province(o.Province); ok {
		po.Province = p.Name
	}
	if c, ok := places.CommuneName(o.Province, o.Commune); ok {
		po.Commune = c
	}
	if po.Agency == "" {
		po.Agency = cat.T(lang, "receipt.office_default", "agency", o.Agency)
	}
	return po
}

// WriteQuote prints the quote for a request as PDF to w (see QuoteData).
func WriteQuote(ref *assets.Reference, o app.Office, req app.QuoteRequest, lang app.Lang, now time.Time, w io.Writer) error {
	q, err := QuoteData(ref, o, req, lang, now)
	if err != nil {
		return err
	}
	return pdf.Quote(w, q)
}

// SetAside moves a damaged store's folder out of the way, to <dir>.damaged-<UTC time> beside
// it, and returns the new path: nothing is deleted, a specialist may still read it, and the
// data folder is free for a restore or a re-download.
func SetAside(dir string, now time.Time) (string, error) {
	if _, err := os.Stat(dir); err != nil {
		return "", &app.Error{Kind: app.NotFound, Code: "store_missing", Args: map[string]string{"dir": dir}, Err: err}
	}
	to := strings.TrimRight(dir, string(os.PathSeparator)) + ".damaged-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(dir, to); err != nil {
		return "", &app.Error{Kind: app.Unavailable, Code: "set_aside_failed", Args: map[string]string{"dir": dir}, Err: err}
	}
	return to, nil
}

// Redownload makes a new store for an office whose store was lost or damaged: the first-run
// set-up with the office's profile and an administrator, the device's enrolment with the
// centre (URL and token from `centrald enroll`), then everything the centre holds for the office
// taken back (Sync.Redownload, as `bhxh sync --redownload` does). It returns the open desk, the
// administrator's session, the new recovery secret and how many records came back. If the
// centre cannot be reached the new store is removed again, so the officer can retry.
func Redownload(ctx context.Context, cfg storage.Config, ref *assets.Reference, o app.Office, admin app.User, password, url, token string) (*Desk, *app.Session, string, int, error) {
	return redownload(ctx, cfg, source(ref, cfg), o, admin, password, url, token)
}

func redownload(ctx context.Context, cfg storage.Config, src *app.RefSource, o app.Office, admin app.User, password, url, token string) (*Desk, *app.Session, string, int, error) {
	d, secret, err := initDesk(cfg, src, o, admin, password)
	if err != nil {
		return nil, nil, "", 0, err
	}
	undo := func(err error) (*Desk, *app.Session, string, int, error) {
		_ = d.Close()
		_ = storage.Remove(cfg.Dir)
		return nil, nil, "", 0, err
	}
	sess, err := d.Intake.Login(admin.Name, password)
	if err != nil {
		return undo(err)
	}
	if err := d.Sync.SetCentral(sess, url, token); err != nil {
		return undo(err)
	}
	remote, err := d.Client(url, token)
	if err != nil {
		return undo(&app.Error{Kind: app.Invalid, Code: "bad_central_url", Field: "central_url", Args: map[string]string{"value": url}, Err: err})
	}
	data, err := remote.OfficeState(ctx)
	if err != nil {
		return undo(fmt.Errorf("office state: %w", err))
	}
	added, err := d.Sync.Redownload(sess, data)
	if err != nil {
		return undo(err)
	}
	return d, sess, secret, added, nil
}

// WriteRecoverySheet prints the store's recovery secret on a sheet for the province to keep
// (phiếu bàn giao mã khôi phục): the office, the machine, the date, the secret in large type
// and what it is for, with the two signatures of the hand-over.
func WriteRecoverySheet(ref *assets.Reference, o app.Office, secret string, lang app.Lang, now time.Time, w io.Writer) error {
	t := func(key string, args ...string) string { return ref.Catalog.T(lang, key, args...) }
	return pdf.Sheet(w, pdf.SheetData{Lang: string(lang), Office: pdfOffice(ref.Catalog, ref.Places, o, lang), Date: now,
		Title: t("recovery.print.title"),
		Facts: [][2]string{{t("field.agency"), o.Agency + " — " + o.Name}, {t("field.device"), o.Device},
			{t("recovery.print.made"), now.In(calendar.VN).Format("15:04 02/01/2006")}},
		Big:     secret,
		Notes:   []string{t("recovery.print.note_use"), t("recovery.print.note_keep"), t("recovery.print.note_chars")},
		Signers: []string{t("recovery.print.giver"), t("recovery.print.keeper")}})
}
