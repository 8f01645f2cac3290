package contract

import (
	"encoding/json"
	"time"
)

// The payloads the operations and changes carry, version 1. They are the protocol's own types:
// the domain (app) maps its values to and from them in one place (app/payload.go), so a field
// renamed in the domain does not change what desks in the field send and read. Dates are
// "YYYY-MM-DD", months "YYYY-MM", amounts whole đồng. A change that old desks or an old centre
// cannot read gets a new type (DossierV2) and a new kind; adding an optional field does not.

// PlaceV1 is a place of the country: a province and a commune code (form TK1-TS [09]).
type PlaceV1 struct {
	Province string `json:"province"`
	Commune  string `json:"commune"`
}

// AddressV1 is a place with the street address (TK1-TS [11]).
type AddressV1 struct {
	Province string `json:"province"`
	Commune  string `json:"commune"`
	Detail   string `json:"detail"`
}

// FormV1 is form TK1-TS as the citizen declared it (tờ khai), in DESIGN §4's keys. Income is
// the amount as typed: a JSON number, or a string when it does not read as one.
type FormV1 struct {
	FullName          string          `json:"full_name"`
	Gender            string          `json:"gender"`
	BirthDate         string          `json:"birth_date"`
	Nationality       string          `json:"nationality"`
	Ethnicity         string          `json:"ethnicity"`
	PersonalID        string          `json:"personal_id"`
	OldSICode         string          `json:"old_si_code"`
	Phone             string          `json:"phone"`
	Email             string          `json:"email"`
	BirthRegistration PlaceV1         `json:"birth_registration"`
	Address           AddressV1       `json:"address"`
	Income            json.RawMessage `json:"income"`
	Method            string          `json:"method"`
	StartMonth        string          `json:"start_month"`
	SupportGroup      string          `json:"support_group"`
	LocalGroups       []string        `json:"local_groups,omitempty"`
	Requests          string          `json:"other_requests,omitempty"`
}

// RuleVersionV1 names the entry of a rule table a quote used.
type RuleVersionV1 struct {
	Table  string `json:"table"`
	From   string `json:"from"` // month
	Source string `json:"source"`
	Status string `json:"status"`
}

// QuoteV1 is a contribution quote (số tiền phải đóng) and how it was reached.
type QuoteV1 struct {
	Method         string          `json:"method"`
	Months         int             `json:"months"`
	FromMonth      string          `json:"from_month"`
	ToMonth        string          `json:"to_month"`
	Income         int64           `json:"income"`
	MonthlyGross   int64           `json:"monthly_gross"`
	Gross          int64           `json:"gross"`
	Group          string          `json:"group"`
	LocalGroup     string          `json:"local_group,omitempty"`
	SupportShare   int64           `json:"support_share"` // basis points
	SupportMonths  int             `json:"support_months"`
	MonthlySupport int64           `json:"monthly_support"`
	StateSupport   int64           `json:"state_support"`
	LocalSupport   int64           `json:"local_support"`
	Discount       int64           `json:"discount"`
	Interest       int64           `json:"interest"`
	Payable        int64           `json:"payable"`
	Deadline       string          `json:"deadline"` // date
	PovertyLine    int64           `json:"poverty_line"`
	Floor          int64           `json:"floor"`
	Ceiling        int64           `json:"ceiling"`
	FundRate       string          `json:"fund_rate,omitempty"`
	Rules          []RuleVersionV1 `json:"rules"`
	Warnings       []string        `json:"warnings"`
}

// StepV1 is a step of a workflow as a dossier received it.
type StepV1 struct {
	ID        string `json:"id"`
	NameVI    string `json:"name_vi"`
	NameEN    string `json:"name_en"`
	Role      string `json:"role"`
	Days      int    `json:"days"`
	Completes string `json:"completes,omitempty"`
}

// EventV1 is an event of a dossier's timeline.
type EventV1 struct {
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Action   string    `json:"action"`
	FromStep string    `json:"from_step,omitempty"`
	ToStep   string    `json:"to_step,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Missing  []string  `json:"missing,omitempty"`
	Due      string    `json:"due,omitempty"` // date
	Skipped  []string  `json:"skipped,omitempty"`
	Quote    *QuoteV1  `json:"quote,omitempty"`
}

// PurgeV1 records that a dossier's personal data was removed after the retention period.
type PurgeV1 struct {
	At   time.Time `json:"at"`
	Hash string    `json:"hash"`
}

// DossierV1 is a registration dossier (hồ sơ), the payload of OpDossierCreate and an item of
// an office's state.
type DossierV1 struct {
	Code           string    `json:"code"`
	Office         string    `json:"office"`
	Form           FormV1    `json:"form"`
	Quote          QuoteV1   `json:"quote"`
	Received       time.Time `json:"received"`
	Due            string    `json:"due"`      // date
	StepDue        string    `json:"step_due"` // date
	State          string    `json:"state"`
	Step           string    `json:"step"`
	Workflow       string    `json:"workflow"`
	Steps          []StepV1  `json:"steps"`
	Handler        string    `json:"handler"`
	Missing        []string  `json:"missing,omitempty"`
	Reason         string    `json:"reason,omitempty"`
	NotDuplicateOf []string  `json:"not_duplicate_of,omitempty"`
	Timeline       []EventV1 `json:"timeline"`
	Purged         *PurgeV1  `json:"purged,omitempty"`
	// Channel is "online" for a dossier a citizen declared on the portal (public service 602e).
	Channel string `json:"channel,omitempty"`
	Version int    `json:"version"`
}

// DossierEventV1 is the payload of OpDossierEvent: a step of the workflow and where it left
// the dossier.
type DossierEventV1 struct {
	Event   EventV1 `json:"event"`
	State   string  `json:"state"`
	Step    string  `json:"step"`
	Version int     `json:"version"`
	// Prev names the timeline's last event before this one (app.EventKey); empty from desks
	// before 2026-12, whose events the centre applies on the version alone.
	Prev string `json:"prev,omitempty"`
}

// VoucherV1 is a payment voucher (biên lai, chứng từ nộp tiền), the payload of OpVoucherAdd.
type VoucherV1 struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Refers     string `json:"refers,omitempty"`
	ReceiptNo  string `json:"receipt_no"`
	PersonalID string `json:"personal_id"`
	FullName   string `json:"full_name"`
	Amount     int64  `json:"amount"`
	PaidOn     string `json:"paid_on"` // date
	FromMonth  string `json:"from_month"`
	Months     int    `json:"months"`
	Collector  string `json:"collector,omitempty"`
	// OtherSupport: paid by an organisation or a person beside Amount (absent before 2026-12).
	OtherSupport int64     `json:"other_support,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Source       string    `json:"source"`
	File         string    `json:"file,omitempty"`
	Line         int       `json:"line,omitempty"`
	Created      time.Time `json:"created"`
	By           string    `json:"by"`
}

// FeedVoucherV1 is a voucher from the central accounting feed (ChangeVoucher): a voucher as
// its source wrote it, Amount a JSON number or a string.
type FeedVoucherV1 struct {
	ReceiptNo  string          `json:"receipt_no"`
	PersonalID string          `json:"personal_id"`
	FullName   string          `json:"full_name"`
	Amount     json.RawMessage `json:"amount"`
	PaidOn     string          `json:"paid_on"`
	FromMonth  string          `json:"from_month"`
	Months     int             `json:"months"`
	Collector  string          `json:"collector"`
	ID         string          `json:"id,omitempty"`
	// OtherSupport: paid by an organisation or a person beside Amount, a number or a string.
	OtherSupport json.RawMessage `json:"other_support,omitempty"`
}

// PeriodV1 is a participation period (quá trình tham gia), the payload of OpPeriodAdd.
type PeriodV1 struct {
	From          string    `json:"from"`
	To            string    `json:"to"`
	Method        string    `json:"method"`
	Income        int64     `json:"income"`
	Rate          int64     `json:"rate"`
	Gross         int64     `json:"gross"`
	StateSupport  int64     `json:"state_support"`
	LocalSupport  int64     `json:"local_support"`
	Discount      int64     `json:"discount"`
	Interest      int64     `json:"interest"`
	Paid          int64     `json:"paid"`
	OtherSupport  int64     `json:"other_support,omitempty"`
	SupportMonths int       `json:"support_months"`
	FundRate      string    `json:"fund_rate,omitempty"`
	Voucher       string    `json:"voucher"`
	ReceiptNo     string    `json:"receipt_no"`
	PaidOn        string    `json:"paid_on"` // date
	Recorded      time.Time `json:"recorded"`
}

// PrintV1 is a printed confirmation, the payload of OpCoverPrint.
type PrintV1 struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Final  bool      `json:"final"`
	Reason string    `json:"reason,omitempty"`
}

// CoverV1 is a book cover's data (dữ liệu bìa sổ), the payload of OpCoverCreate and
// OpCoverIssue.
type CoverV1 struct {
	BookNo            string    `json:"book_no"`
	PersonalID        string    `json:"personal_id"`
	FullName          string    `json:"full_name"`
	BirthDate         string    `json:"birth_date"`
	Gender            string    `json:"gender"`
	Nationality       string    `json:"nationality"`
	Ethnicity         string    `json:"ethnicity"`
	BirthRegistration PlaceV1   `json:"birth_registration"`
	Office            string    `json:"office"`
	Dossier           string    `json:"dossier"`
	Voucher           string    `json:"voucher"`
	Status            string    `json:"status"`
	Created           time.Time `json:"created"`
	IssuedAt          time.Time `json:"issued_at,omitzero"`
	IssuedBy          string    `json:"issued_by,omitempty"`
	ConfirmedAt       time.Time `json:"confirmed_at,omitzero"`
	Prints            []PrintV1 `json:"prints,omitempty"`
	Version           int       `json:"version"`
}

// CoverConfirmedV1 is the payload of ChangeCoverConfirmed.
type CoverConfirmedV1 struct {
	ConfirmedAt time.Time `json:"confirmed_at"`
}

// CoverConflictV1 is the payload of ChangeCoverConflict: the other office that made a cover
// for the person, and its dossier.
type CoverConflictV1 struct {
	Dossier string `json:"dossier"`
	Office  string `json:"office"`
}

// OfficeRecordV1 is the payload of ChangeOfficeRecord: a record as the centre holds it after
// another desk of the office made or changed it, in the form of the office's state (Kind
// "dossier": a DossierV1, "voucher": a VoucherV1 or a feed voucher, "cover": a CoverV1).
// Desks of one office share their dossiers this way: the help desk registers, an officer's
// desk moves the dossier on.
type OfficeRecordV1 struct {
	Kind   string          `json:"kind"`
	Record json.RawMessage `json:"record"`
	// Replace is set when the record comes back to the desk whose operation on it conflicted:
	// the desk takes the office's record in place of its own, whatever the versions (its own
	// work stays in the conflict's notice for a person).
	Replace bool `json:"replace,omitempty"`
}

// ParticipantV1 is a participant (người tham gia) of an office's area: the identity in force
// and the periods, the payload of ChangeParticipant and the people of an office's state.
type ParticipantV1 struct {
	PersonalID        string     `json:"personal_id"`
	OldSICode         string     `json:"old_si_code,omitempty"`
	FullName          string     `json:"full_name"`
	Gender            string     `json:"gender"`
	BirthDate         string     `json:"birth_date"`
	Nationality       string     `json:"nationality"`
	Ethnicity         string     `json:"ethnicity"`
	Phone             string     `json:"phone,omitempty"`
	BirthRegistration PlaceV1    `json:"birth_registration"`
	Address           AddressV1  `json:"address"`
	Income            int64      `json:"income"`
	Method            string     `json:"method"`
	SupportGroup      string     `json:"support_group"`
	LocalGroups       []string   `json:"local_groups,omitempty"`
	Dossier           string     `json:"dossier"`
	HasBook           bool       `json:"has_book"`
	Periods           []PeriodV1 `json:"periods"`
	Created           time.Time  `json:"created"`
	Version           int        `json:"version"`
	// Events are the offices' decisions on the person (changes, stops, refunds, evidence);
	// History what the central records hold beyond the periods. Both absent from senders
	// before 2026-12.
	Events  []LifeEventV1 `json:"events,omitempty"`
	History *HistoryV1    `json:"history,omitempty"`
	// TermsAt: when Income and Method were chosen (absent before 2026-12).
	TermsAt time.Time `json:"terms_at,omitzero"`
}

// LifeEventV1 is a decision on a participant, the payload of OpParticipantEvent.
type LifeEventV1 struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"` // change | stop | refund | evidence
	From      string    `json:"from"` // month
	Income    int64     `json:"income,omitempty"`
	Method    string    `json:"method,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Note      string    `json:"note,omitempty"`
	Year      int       `json:"year,omitempty"`
	Reference string    `json:"reference,omitempty"`
	Refund    *RefundV1 `json:"refund,omitempty"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	Office    string    `json:"office,omitempty"`
}

// RefundV1 is a refund's calculation (Decree 159/2025 art. 8).
type RefundV1 struct {
	Reason        string         `json:"reason"`
	From          string         `json:"from"`
	Lines         []RefundLineV1 `json:"lines"`
	Months        int            `json:"months"`
	SupportMonths int            `json:"support_months"`
	Contribution  int64          `json:"contribution"`
	StateSupport  int64          `json:"state_support"`
	LocalSupport  int64          `json:"local_support"`
	Amount        int64          `json:"amount"`
	Warnings      []string       `json:"warnings,omitempty"`
}

// RefundLineV1 is the refund of one period.
type RefundLineV1 struct {
	Voucher       string `json:"voucher"`
	ReceiptNo     string `json:"receipt_no"`
	Method        string `json:"method"`
	From          string `json:"from"`
	To            string `json:"to"`
	Months        int    `json:"months"`
	SupportMonths int    `json:"support_months"`
	Contribution  int64  `json:"contribution"`
	StateSupport  int64  `json:"state_support"`
	LocalSupport  int64  `json:"local_support"`
	Amount        int64  `json:"amount"`
	FundRate      string `json:"fund_rate,omitempty"`
}

// HistoryV1 is what the central records hold of a person beyond the office's periods.
type HistoryV1 struct {
	Months         int       `json:"months"`
	FirstJoined    string    `json:"first_joined,omitempty"`
	CompulsoryFrom string    `json:"compulsory_from,omitempty"`
	CompulsoryTo   string    `json:"compulsory_to,omitempty"`
	Pension        bool      `json:"pension,omitempty"`
	AsOf           time.Time `json:"as_of"`
	Source         string    `json:"source,omitempty"`
}

// IdentityRecordV1 is one office's record of a person's identity.
type IdentityRecordV1 struct {
	Office    string `json:"office"`
	Dossier   string `json:"dossier"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"`
	Gender    string `json:"gender"`
}

// IdentityReviewV1 is a personal ID known with differing identities (ChangeIdentityReview);
// decided (Resolved set) it is the payload of OpIdentityResolve and ChangeIdentityFixed.
type IdentityReviewV1 struct {
	ID         string             `json:"id"`
	PersonalID string             `json:"personal_id"`
	Records    []IdentityRecordV1 `json:"records"`
	Differs    []string           `json:"differs"`
	Resolved   *IdentityRecordV1  `json:"resolved,omitempty"`
	By         string             `json:"by,omitempty"`
	Created    time.Time          `json:"created"`
	Decider    string             `json:"decider,omitempty"`
}

// WorkflowAdjustmentV1 is an office's adjustment of the province's workflow: days and roles
// by step id.
type WorkflowAdjustmentV1 struct {
	Base   string            `json:"base"`
	Days   map[string]int    `json:"days,omitempty"`
	Roles  map[string]string `json:"roles,omitempty"`
	Reason string            `json:"reason"`
	By     string            `json:"by"`
	At     time.Time         `json:"at"`
}

// OfficeWorkflowV1 is the payload of OpOfficeWorkflow and ChangeOfficeWorkflow: the office's
// adjustment (nil when it went back to the province's) and the desk that made it.
type OfficeWorkflowV1 struct {
	Adjustment *WorkflowAdjustmentV1 `json:"adjustment"`
	Device     string                `json:"device"`
}

// RuleFileV1 is the payload of ChangeRuleFile: a file of the reference data by its path under
// the rules folder (e.g. "rules/reference_level.json", "calendar/2028.json").
type RuleFileV1 struct {
	Path string          `json:"path"`
	Data json.RawMessage `json:"data"`
}

// MonthlyReportV1 is the payload of OpReportMonthly: an office's report for a month (who took
// part, joined, came back, stopped; what was collected and the support in it), by support
// group. The entity is "OFFICE/YYYY-MM"; a report sent again for the month replaces the last.
type MonthlyReportV1 struct {
	Office string          `json:"office"`
	Month  string          `json:"month"` // YYYY-MM
	Total  ReportLineV1    `json:"total"`
	Groups []ReportGroupV1 `json:"groups"`
}

// ReportLineV1 is one line of a monthly report: counts of participants and amounts in đồng.
type ReportLineV1 struct {
	AtStart      int   `json:"at_start"`
	AtEnd        int   `json:"at_end"`
	New          int   `json:"new"`
	Back         int   `json:"back"`
	Stopped      int   `json:"stopped"`
	Payments     int   `json:"payments"`
	Gross        int64 `json:"gross"`
	StateSupport int64 `json:"state_support"`
	LocalSupport int64 `json:"local_support"`
	Discount     int64 `json:"discount"`
	Interest     int64 `json:"interest"`
	Collected    int64 `json:"collected"`
}

// ReportGroupV1 is a support group's line of a monthly report.
type ReportGroupV1 struct {
	Group string `json:"group"`
	ReportLineV1
}

// Payload is every payload struct an operation carries; the outbox takes only these.
type Payload interface {
	DossierV1 | DossierEventV1 | VoucherV1 | PeriodV1 | CoverV1 | PrintV1 | IdentityReviewV1 | OfficeWorkflowV1 | MonthlyReportV1 |
		LifeEventV1
}
