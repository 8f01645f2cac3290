package app

import (
	"encoding/json"
	"fmt"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// Payload maps a domain value D to and from the protocol's payload struct P (contract's
// payloads, version 1). Every payload the desk pushes or reads, and every record the centre
// keeps and sends, goes through one of the mappings below: the only place where the domain
// meets the protocol's formats.
type Payload[D any, P any] struct {
	to   func(D) P
	from func(*unpack, P) D
}

// To is d's payload struct.
func (p Payload[D, P]) To(d D) P { return p.to(d) }

// From is the domain value of a payload struct; an error names the first field that does not
// read (a date or month in another format).
func (p Payload[D, P]) From(v P) (D, error) {
	var u unpack
	d := p.from(&u, v)
	return d, u.err
}

// Marshal is the JSON of d's payload struct.
func (p Payload[D, P]) Marshal(d D) (json.RawMessage, error) { return json.Marshal(p.to(d)) }

// Unmarshal reads the JSON of a payload struct into a domain value.
func (p Payload[D, P]) Unmarshal(b []byte) (D, error) {
	var v P
	if err := fastjson.Unmarshal(b, &v); err != nil {
		var zero D
		return zero, err
	}
	return p.From(v)
}

// The mappings of the protocol's payloads; the command line's --json output of a dossier, quote,
// person or cover is the same interchange (DESIGN §4).
var (
	DossierPayload        = Payload[Dossier, contract.DossierV1]{dossierToV1, dossierFromV1}
	DossierEventPayload   = Payload[DossierEvent, contract.DossierEventV1]{dossierEventToV1, dossierEventFromV1}
	EventPayload          = Payload[Event, contract.EventV1]{eventToV1, eventFromV1}
	QuotePayload          = Payload[Quote, contract.QuoteV1]{quoteToV1, quoteFromV1}
	FormPayload           = Payload[RegistrationForm, contract.FormV1]{formToV1, formFromV1}
	VoucherPayload        = Payload[Voucher, contract.VoucherV1]{voucherToV1, voucherFromV1}
	FeedVoucherPayload    = Payload[VoucherInput, contract.FeedVoucherV1]{feedVoucherToV1, feedVoucherFromV1}
	PeriodPayload         = Payload[Period, contract.PeriodV1]{periodToV1, periodFromV1}
	CoverPayload          = Payload[BookCover, contract.CoverV1]{coverToV1, coverFromV1}
	PrintPayload          = Payload[PrintRecord, contract.PrintV1]{printToV1, printFromV1}
	ReportPayload         = Payload[MonthlyReport, contract.MonthlyReportV1]{reportToV1, reportFromV1}
	LifeEventPayload      = Payload[LifeEvent, contract.LifeEventV1]{lifeEventToV1, lifeEventFromV1}
	ParticipantPayload    = Payload[Participant, contract.ParticipantV1]{participantToV1, participantFromV1}
	ReviewPayload         = Payload[IdentityReview, contract.IdentityReviewV1]{reviewToV1, reviewFromV1}
	OfficeWorkflowPayload = Payload[OfficeWorkflowChange, contract.OfficeWorkflowV1]{officeWorkflowToV1, officeWorkflowFromV1}
	AdjustmentPayload     = Payload[*WorkflowAdjustment, *contract.WorkflowAdjustmentV1]{adjustmentToV1, adjustmentFromV1}
)

// unpack keeps the first error met while reading a payload struct.
type unpack struct{ err error }

func (u *unpack) fail(field, value string, err error) {
	if u.err == nil {
		u.err = fmt.Errorf("payload field %s: %q: %w", field, value, err)
	}
}

// date reads a date; "" (a field an older sender left out) is the zero date.
func (u *unpack) date(field, s string) calendar.Date {
	if s == "" {
		return 0
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		u.fail(field, s, err)
	}
	return d
}

// month reads a month; "" and "0000-01" are the zero month.
func (u *unpack) month(field, s string) Month {
	if s == "" {
		return 0
	}
	var m Month
	if err := m.UnmarshalText([]byte(s)); err != nil {
		u.fail(field, s, err)
	}
	return m
}

// amount reads an amount as typed: a JSON number or string.
func (u *unpack) amount(field string, raw json.RawMessage) Amount {
	var a Amount
	if len(raw) == 0 {
		return a
	}
	if err := a.UnmarshalJSON(raw); err != nil {
		u.fail(field, string(raw), err)
	}
	return a
}

func amountJSON(a Amount) json.RawMessage {
	b, _ := a.MarshalJSON() // a string or a number: never fails
	return b
}

// optDate is a date for a field left out when zero.
func optDate(d calendar.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func formToV1(f RegistrationForm) contract.FormV1 {
	return contract.FormV1{
		FullName: f.FullName, Gender: f.Gender, BirthDate: f.BirthDate, Nationality: f.Nationality, Ethnicity: f.Ethnicity,
		PersonalID: f.PersonalID, OldSICode: f.OldSICode, Phone: f.Phone, Email: f.Email,
		BirthRegistration: contract.PlaceV1(f.BirthRegistration), Address: contract.AddressV1(f.Address),
		Income: amountJSON(f.Income), Method: f.Method, StartMonth: f.StartMonth, SupportGroup: f.SupportGroup,
		LocalGroups: f.LocalGroups, Requests: f.Requests,
	}
}

func formFromV1(u *unpack, f contract.FormV1) RegistrationForm {
	return RegistrationForm{
		FullName: f.FullName, Gender: f.Gender, BirthDate: f.BirthDate, Nationality: f.Nationality, Ethnicity: f.Ethnicity,
		PersonalID: f.PersonalID, OldSICode: f.OldSICode, Phone: f.Phone, Email: f.Email,
		BirthRegistration: PlaceForm(f.BirthRegistration), Address: AddressForm(f.Address),
		Income: u.amount("form.income", f.Income), Method: f.Method, StartMonth: f.StartMonth, SupportGroup: f.SupportGroup,
		LocalGroups: f.LocalGroups, Requests: f.Requests,
	}
}

func quoteToV1(q Quote) contract.QuoteV1 {
	rules := mapSlice(q.Rules, func(r Version) contract.RuleVersionV1 {
		return contract.RuleVersionV1{Table: r.Table, From: r.From.String(), Source: r.Source, Status: string(r.Status)}
	})
	return contract.QuoteV1{
		Method: q.Method, Months: q.Months, FromMonth: q.FromMonth.String(), ToMonth: q.ToMonth.String(),
		Income: int64(q.Income), MonthlyGross: int64(q.MonthlyGross), Gross: int64(q.Gross),
		Group: string(q.Group), LocalGroup: string(q.LocalGroup), SupportShare: int64(q.SupportShare),
		SupportMonths: q.SupportMonths, MonthlySupport: int64(q.MonthlySupport), StateSupport: int64(q.StateSupport),
		LocalSupport: int64(q.LocalSupport), Discount: int64(q.Discount), Interest: int64(q.Interest), Payable: int64(q.Payable),
		Deadline: q.Deadline.String(), PovertyLine: int64(q.PovertyLine), Floor: int64(q.Floor), Ceiling: int64(q.Ceiling),
		FundRate: q.FundRate, Rules: rules, Warnings: q.Warnings,
	}
}

func quoteFromV1(u *unpack, q contract.QuoteV1) Quote {
	rules := mapSlice(q.Rules, func(r contract.RuleVersionV1) Version {
		return Version{Table: r.Table, From: u.month("quote.rules.from", r.From), Source: r.Source, Status: Status(r.Status)}
	})
	return Quote{
		Method: q.Method, Months: q.Months, FromMonth: u.month("quote.from_month", q.FromMonth), ToMonth: u.month("quote.to_month", q.ToMonth),
		Income: Money(q.Income), MonthlyGross: Money(q.MonthlyGross), Gross: Money(q.Gross),
		Group: SupportGroup(q.Group), LocalGroup: SupportGroup(q.LocalGroup), SupportShare: Rate(q.SupportShare),
		SupportMonths: q.SupportMonths, MonthlySupport: Money(q.MonthlySupport), StateSupport: Money(q.StateSupport),
		LocalSupport: Money(q.LocalSupport), Discount: Money(q.Discount), Interest: Money(q.Interest), Payable: Money(q.Payable),
		Deadline: u.date("quote.deadline", q.Deadline), PovertyLine: Money(q.PovertyLine), Floor: Money(q.Floor),
		Ceiling: Money(q.Ceiling), FundRate: q.FundRate, Rules: rules, Warnings: q.Warnings,
	}
}

func eventToV1(e Event) contract.EventV1 {
	out := contract.EventV1{At: e.At, User: e.User, Action: string(e.Action), FromStep: e.FromStep, ToStep: e.ToStep, Reason: e.Reason,
		Missing: e.Missing, Due: optDate(e.Due), Skipped: e.Skipped}
	if e.Quote != nil {
		q := quoteToV1(*e.Quote)
		out.Quote = &q
	}
	return out
}

func eventFromV1(u *unpack, e contract.EventV1) Event {
	out := Event{At: e.At, User: e.User, Action: Action(e.Action), FromStep: e.FromStep, ToStep: e.ToStep, Reason: e.Reason,
		Missing: e.Missing, Due: u.date("event.due", e.Due), Skipped: e.Skipped}
	if e.Quote != nil {
		q := quoteFromV1(u, *e.Quote)
		out.Quote = &q
	}
	return out
}

func dossierToV1(d Dossier) contract.DossierV1 {
	out := contract.DossierV1{
		Code: d.Code, Office: d.Office, Form: formToV1(d.Form), Quote: quoteToV1(d.Quote), Received: d.Received,
		Due: d.Due.String(), StepDue: d.StepDue.String(), State: string(d.State), Step: d.Step, Workflow: d.Workflow,
		Handler: d.Handler, Missing: d.Missing, Reason: d.Reason, NotDuplicateOf: d.NotDuplicateOf, Version: d.Version,
		Channel: d.Channel,
	}
	out.Steps = mapSlice(d.Steps, func(s Step) contract.StepV1 {
		return contract.StepV1{ID: s.ID, NameVI: s.NameVI, NameEN: s.NameEN, Role: string(s.Role), Days: s.Days, Completes: s.Completes}
	})
	out.Timeline = mapSlice(d.Timeline, eventToV1)
	if d.Purged != nil {
		out.Purged = &contract.PurgeV1{At: d.Purged.At, Hash: d.Purged.Hash}
	}
	return out
}

func dossierFromV1(u *unpack, d contract.DossierV1) Dossier {
	out := Dossier{
		Code: d.Code, Office: d.Office, Form: formFromV1(u, d.Form), Quote: quoteFromV1(u, d.Quote), Received: d.Received,
		Due: u.date("due", d.Due), StepDue: u.date("step_due", d.StepDue), State: State(d.State), Step: d.Step, Workflow: d.Workflow,
		Handler: d.Handler, Missing: d.Missing, Reason: d.Reason, NotDuplicateOf: d.NotDuplicateOf, Version: d.Version,
		Channel: d.Channel,
	}
	out.Steps = mapSlice(d.Steps, func(s contract.StepV1) Step {
		return Step{ID: s.ID, NameVI: s.NameVI, NameEN: s.NameEN, Role: Role(s.Role), Days: s.Days, Completes: s.Completes}
	})
	out.Timeline = mapSlice(d.Timeline, func(e contract.EventV1) Event { return eventFromV1(u, e) })
	if d.Purged != nil {
		out.Purged = &Purge{At: d.Purged.At, Hash: d.Purged.Hash}
	}
	return out
}

func dossierEventToV1(e DossierEvent) contract.DossierEventV1 {
	return contract.DossierEventV1{Event: eventToV1(e.Event), State: string(e.State), Step: e.Step, Version: e.Version, Prev: e.Prev}
}

func dossierEventFromV1(u *unpack, e contract.DossierEventV1) DossierEvent {
	return DossierEvent{Event: eventFromV1(u, e.Event), State: State(e.State), Step: e.Step, Version: e.Version, Prev: e.Prev}
}

func voucherToV1(v Voucher) contract.VoucherV1 {
	return contract.VoucherV1{
		ID: v.ID, Kind: string(v.Kind), Refers: v.Refers, ReceiptNo: v.ReceiptNo, PersonalID: v.PersonalID, FullName: v.FullName,
		Amount: int64(v.Amount), PaidOn: v.PaidOn.String(), FromMonth: v.FromMonth.String(), Months: v.Months, Collector: v.Collector,
		OtherSupport: int64(v.OtherSupport), Reason: v.Reason, Source: string(v.Source), File: v.File, Line: v.Line, Created: v.Created, By: v.By,
	}
}

func voucherFromV1(u *unpack, v contract.VoucherV1) Voucher {
	return Voucher{
		ID: v.ID, Kind: VoucherKind(v.Kind), Refers: v.Refers, ReceiptNo: v.ReceiptNo, PersonalID: v.PersonalID, FullName: v.FullName,
		Amount: Money(v.Amount), PaidOn: u.date("paid_on", v.PaidOn), FromMonth: u.month("from_month", v.FromMonth), Months: v.Months,
		Collector: v.Collector, OtherSupport: Money(v.OtherSupport), Reason: v.Reason, Source: VoucherSource(v.Source), File: v.File, Line: v.Line, Created: v.Created, By: v.By,
	}
}

func feedVoucherToV1(v VoucherInput) contract.FeedVoucherV1 {
	out := contract.FeedVoucherV1{ReceiptNo: v.ReceiptNo, PersonalID: v.PersonalID, FullName: v.FullName, Amount: amountJSON(v.Amount),
		PaidOn: v.PaidOn, FromMonth: v.FromMonth, Months: v.Months, Collector: v.Collector, ID: v.ID}
	if v.OtherSupport != "" {
		out.OtherSupport = amountJSON(v.OtherSupport)
	}
	return out
}

func feedVoucherFromV1(u *unpack, v contract.FeedVoucherV1) VoucherInput {
	out := VoucherInput{ReceiptNo: v.ReceiptNo, PersonalID: v.PersonalID, FullName: v.FullName, Amount: u.amount("amount", v.Amount),
		PaidOn: v.PaidOn, FromMonth: v.FromMonth, Months: v.Months, Collector: v.Collector, ID: v.ID}
	if len(v.OtherSupport) > 0 {
		out.OtherSupport = u.amount("other_support", v.OtherSupport)
	}
	return out
}

func periodToV1(p Period) contract.PeriodV1 {
	return contract.PeriodV1{
		From: p.From.String(), To: p.To.String(), Method: p.Method, Income: int64(p.Income), Rate: int64(p.Rate), Gross: int64(p.Gross),
		StateSupport: int64(p.StateSupport), LocalSupport: int64(p.LocalSupport), Discount: int64(p.Discount),
		Interest: int64(p.Interest), Paid: int64(p.Paid), OtherSupport: int64(p.OtherSupport), SupportMonths: p.SupportMonths, FundRate: p.FundRate, Voucher: p.Voucher, ReceiptNo: p.ReceiptNo,
		PaidOn: p.PaidOn.String(), Recorded: p.Recorded,
	}
}

func periodFromV1(u *unpack, p contract.PeriodV1) Period {
	return Period{
		From: u.month("from", p.From), To: u.month("to", p.To), Method: p.Method, Income: Money(p.Income), Rate: Rate(p.Rate),
		Gross: Money(p.Gross), StateSupport: Money(p.StateSupport), LocalSupport: Money(p.LocalSupport), Discount: Money(p.Discount),
		Interest: Money(p.Interest), Paid: Money(p.Paid), OtherSupport: Money(p.OtherSupport), SupportMonths: p.SupportMonths, FundRate: p.FundRate, Voucher: p.Voucher, ReceiptNo: p.ReceiptNo,
		PaidOn: u.date("paid_on", p.PaidOn), Recorded: p.Recorded,
	}
}

func printToV1(p PrintRecord) contract.PrintV1 { return contract.PrintV1(p) }

func printFromV1(_ *unpack, p contract.PrintV1) PrintRecord { return PrintRecord(p) }

func coverToV1(c BookCover) contract.CoverV1 {
	return contract.CoverV1{
		BookNo: c.BookNo, PersonalID: c.PersonalID, FullName: c.FullName, BirthDate: c.BirthDate, Gender: c.Gender,
		Nationality: c.Nationality, Ethnicity: c.Ethnicity, BirthRegistration: contract.PlaceV1(c.BirthRegistration), Office: c.Office,
		Dossier: c.Dossier, Voucher: c.Voucher, Status: string(c.Status), Created: c.Created, IssuedAt: c.IssuedAt,
		IssuedBy: c.IssuedBy, ConfirmedAt: c.ConfirmedAt, Prints: mapSlice(c.Prints, printToV1), Version: c.Version,
	}
}

func coverFromV1(_ *unpack, c contract.CoverV1) BookCover {
	return BookCover{
		BookNo: c.BookNo, PersonalID: c.PersonalID, FullName: c.FullName, BirthDate: c.BirthDate, Gender: c.Gender,
		Nationality: c.Nationality, Ethnicity: c.Ethnicity, BirthRegistration: PlaceForm(c.BirthRegistration), Office: c.Office,
		Dossier: c.Dossier, Voucher: c.Voucher, Status: CoverStatus(c.Status), Created: c.Created, IssuedAt: c.IssuedAt,
		IssuedBy: c.IssuedBy, ConfirmedAt: c.ConfirmedAt,
		Prints: mapSlice(c.Prints, func(p contract.PrintV1) PrintRecord { return PrintRecord(p) }), Version: c.Version,
	}
}

func participantToV1(p Participant) contract.ParticipantV1 {
	return contract.ParticipantV1{
		PersonalID: p.PersonalID, OldSICode: p.OldSICode, FullName: p.FullName, Gender: p.Gender, BirthDate: p.BirthDate,
		Nationality: p.Nationality, Ethnicity: p.Ethnicity, Phone: p.Phone, BirthRegistration: contract.PlaceV1(p.BirthRegistration),
		Address: contract.AddressV1(p.Address), Income: int64(p.Income), Method: p.Method, SupportGroup: p.SupportGroup,
		LocalGroups: p.LocalGroups, Dossier: p.Dossier, HasBook: p.HasBook, Periods: mapSlice(p.Periods, periodToV1),
		Created: p.Created, Version: p.Version, Events: mapSlice(p.Events, lifeEventToV1), History: historyToV1(p.History),
		TermsAt: p.TermsAt,
	}
}

func participantFromV1(u *unpack, p contract.ParticipantV1) Participant {
	return Participant{
		PersonalID: p.PersonalID, OldSICode: p.OldSICode, FullName: p.FullName, Gender: p.Gender, BirthDate: p.BirthDate,
		Nationality: p.Nationality, Ethnicity: p.Ethnicity, Phone: p.Phone, BirthRegistration: PlaceForm(p.BirthRegistration),
		Address: AddressForm(p.Address), Income: Money(p.Income), Method: p.Method, SupportGroup: p.SupportGroup,
		LocalGroups: p.LocalGroups, Dossier: p.Dossier, HasBook: p.HasBook,
		Periods: mapSlice(p.Periods, func(pe contract.PeriodV1) Period { return periodFromV1(u, pe) }),
		Created: p.Created, Version: p.Version,
		Events:  mapSlice(p.Events, func(e contract.LifeEventV1) LifeEvent { return lifeEventFromV1(u, e) }),
		History: historyFromV1(u, p.History),
		TermsAt: p.TermsAt,
	}
}

func reviewToV1(r IdentityReview) contract.IdentityReviewV1 {
	out := contract.IdentityReviewV1{ID: r.ID, PersonalID: r.PersonalID, Differs: r.Differs, By: r.By, Created: r.Created, Decider: r.Decider,
		Records: mapSlice(r.Records, func(i IdentityRecord) contract.IdentityRecordV1 { return contract.IdentityRecordV1(i) })}
	if r.Resolved != nil {
		rec := contract.IdentityRecordV1(*r.Resolved)
		out.Resolved = &rec
	}
	return out
}

func reviewFromV1(_ *unpack, r contract.IdentityReviewV1) IdentityReview {
	out := IdentityReview{ID: r.ID, PersonalID: r.PersonalID, Differs: r.Differs, By: r.By, Created: r.Created, Decider: r.Decider,
		Records: mapSlice(r.Records, func(i contract.IdentityRecordV1) IdentityRecord { return IdentityRecord(i) })}
	if r.Resolved != nil {
		rec := IdentityRecord(*r.Resolved)
		out.Resolved = &rec
	}
	return out
}

func adjustmentToV1(a *WorkflowAdjustment) *contract.WorkflowAdjustmentV1 {
	if a == nil {
		return nil
	}
	out := &contract.WorkflowAdjustmentV1{Base: a.Base, Days: a.Days, Reason: a.Reason, By: a.By, At: a.At}
	if a.Roles != nil {
		out.Roles = make(map[string]string, len(a.Roles))
		for k, r := range a.Roles {
			out.Roles[k] = string(r)
		}
	}
	return out
}

func adjustmentFromV1(_ *unpack, a *contract.WorkflowAdjustmentV1) *WorkflowAdjustment {
	if a == nil {
		return nil
	}
	out := &WorkflowAdjustment{Base: a.Base, Days: a.Days, Reason: a.Reason, By: a.By, At: a.At}
	if a.Roles != nil {
		out.Roles = make(map[string]Role, len(a.Roles))
		for k, r := range a.Roles {
			out.Roles[k] = Role(r)
		}
	}
	return out
}

// WorkflowAdjustmentOf is an office's workflow adjustment as the centre keeps it.
func WorkflowAdjustmentOf(a *contract.WorkflowAdjustmentV1) *WorkflowAdjustment {
	return adjustmentFromV1(nil, a)
}

func officeWorkflowToV1(c OfficeWorkflowChange) contract.OfficeWorkflowV1 {
	return contract.OfficeWorkflowV1{Adjustment: adjustmentToV1(c.Adjustment), Device: c.Device}
}

func officeWorkflowFromV1(u *unpack, c contract.OfficeWorkflowV1) OfficeWorkflowChange {
	return OfficeWorkflowChange{Adjustment: adjustmentFromV1(u, c.Adjustment), Device: c.Device}
}

// mapSlice maps every element; nil stays nil (the payloads keep "null" and "[]" apart).
func mapSlice[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

func reportToV1(r MonthlyReport) contract.MonthlyReportV1 {
	out := contract.MonthlyReportV1{Office: r.Office, Month: r.Month.String(), Total: contract.ReportLineV1(r.Total.v1())}
	for _, g := range r.Groups {
		out.Groups = append(out.Groups, contract.ReportGroupV1{Group: string(g.Group), ReportLineV1: g.v1()})
	}
	return out
}

func reportFromV1(u *unpack, r contract.MonthlyReportV1) MonthlyReport {
	out := MonthlyReport{Office: r.Office, Month: u.month("month", r.Month), Total: lineFromV1(r.Total)}
	for _, g := range r.Groups {
		out.Groups = append(out.Groups, ReportGroup{Group: SupportGroup(g.Group), ReportLine: lineFromV1(g.ReportLineV1)})
	}
	return out
}

func (l ReportLine) v1() contract.ReportLineV1 {
	return contract.ReportLineV1{AtStart: l.AtStart, AtEnd: l.AtEnd, New: l.New, Back: l.Back, Stopped: l.Stopped, Payments: l.Payments,
		Gross: int64(l.Gross), StateSupport: int64(l.StateSupport), LocalSupport: int64(l.LocalSupport), Discount: int64(l.Discount),
		Interest: int64(l.Interest), Collected: int64(l.Collected)}
}

func lineFromV1(l contract.ReportLineV1) ReportLine {
	return ReportLine{AtStart: l.AtStart, AtEnd: l.AtEnd, New: l.New, Back: l.Back, Stopped: l.Stopped, Payments: l.Payments,
		Gross: Money(l.Gross), StateSupport: Money(l.StateSupport), LocalSupport: Money(l.LocalSupport), Discount: Money(l.Discount),
		Interest: Money(l.Interest), Collected: Money(l.Collected)}
}

func monthV1(m Month) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

func lifeEventToV1(e LifeEvent) contract.LifeEventV1 {
	out := contract.LifeEventV1{ID: e.ID, Kind: string(e.Kind), From: monthV1(e.From), Income: int64(e.Income), Method: e.Method,
		Reason: e.Reason, Note: e.Note, Year: e.Year, Reference: e.Reference, At: e.At, By: e.By, Office: e.Office}
	if r := e.Refund; r != nil {
		out.Refund = &contract.RefundV1{Reason: r.Reason, From: monthV1(r.From), Months: r.Months, SupportMonths: r.SupportMonths,
			Contribution: int64(r.Contribution), StateSupport: int64(r.StateSupport), LocalSupport: int64(r.LocalSupport),
			Amount: int64(r.Amount), Warnings: r.Warnings, Lines: mapSlice(r.Lines, func(l RefundLine) contract.RefundLineV1 {
				return contract.RefundLineV1{Voucher: l.Voucher, ReceiptNo: l.ReceiptNo, Method: l.Method, From: monthV1(l.From),
					To: monthV1(l.To), Months: l.Months, SupportMonths: l.SupportMonths, Contribution: int64(l.Contribution),
					StateSupport: int64(l.StateSupport), LocalSupport: int64(l.LocalSupport), Amount: int64(l.Amount), FundRate: l.FundRate}
			})}
	}
	return out
}

func lifeEventFromV1(u *unpack, e contract.LifeEventV1) LifeEvent {
	out := LifeEvent{ID: e.ID, Kind: LifeEventKind(e.Kind), From: u.month("from", e.From), Income: Money(e.Income), Method: e.Method,
		Reason: e.Reason, Note: e.Note, Year: e.Year, Reference: e.Reference, At: e.At, By: e.By, Office: e.Office}
	if r := e.Refund; r != nil {
		out.Refund = &Refund{Reason: r.Reason, From: u.month("refund.from", r.From), Months: r.Months, SupportMonths: r.SupportMonths,
			Contribution: Money(r.Contribution), StateSupport: Money(r.StateSupport), LocalSupport: Money(r.LocalSupport),
			Amount: Money(r.Amount), Warnings: r.Warnings, Lines: mapSlice(r.Lines, func(l contract.RefundLineV1) RefundLine {
				return RefundLine{Voucher: l.Voucher, ReceiptNo: l.ReceiptNo, Method: l.Method, From: u.month("line.from", l.From),
					To: u.month("line.to", l.To), Months: l.Months, SupportMonths: l.SupportMonths, Contribution: Money(l.Contribution),
					StateSupport: Money(l.StateSupport), LocalSupport: Money(l.LocalSupport), Amount: Money(l.Amount), FundRate: l.FundRate}
			})}
	}
	return out
}

func historyToV1(h *CentralHistory) *contract.HistoryV1 {
	if h == nil {
		return nil
	}
	return &contract.HistoryV1{Months: h.Months, FirstJoined: monthV1(h.FirstJoined), CompulsoryFrom: monthV1(h.CompulsoryFrom),
		CompulsoryTo: monthV1(h.CompulsoryTo), Pension: h.Pension, AsOf: h.AsOf, Source: h.Source}
}

func historyFromV1(u *unpack, h *contract.HistoryV1) *CentralHistory {
	if h == nil {
		return nil
	}
	return &CentralHistory{Months: h.Months, FirstJoined: u.month("first_joined", h.FirstJoined),
		CompulsoryFrom: u.month("compulsory_from", h.CompulsoryFrom), CompulsoryTo: u.month("compulsory_to", h.CompulsoryTo),
		Pension: h.Pension, AsOf: h.AsOf, Source: h.Source}
}
