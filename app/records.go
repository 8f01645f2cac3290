package app

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"bhxhdesk/app/calendar"
)

// VoucherInput is one payment voucher (chứng từ đóng) as it arrives, before it is checked: typed
// by an officer from a collection agent's receipt, read from a row of a CSV/XLSX file, or pulled
// from the central accounting feed. Its JSON keys are the interchange format of DESIGN §4.
type VoucherInput struct {
	ReceiptNo  string `json:"receipt_no"`  // số biên lai
	PersonalID string `json:"personal_id"` // số định danh cá nhân / CCCD (or the old 10-digit code)
	FullName   string `json:"full_name"`   // họ và tên, as the collector wrote it
	Amount     Amount `json:"amount"`      // số tiền, whole đồng
	PaidOn     string `json:"paid_on"`     // ngày nộp, YYYY-MM-DD
	FromMonth  string `json:"from_month"`  // từ tháng, YYYY-MM
	Months     int    `json:"months"`      // số tháng
	Collector  string `json:"collector"`   // nhân viên / đại lý thu
	// OtherSupport (hỗ trợ khác) is what an organisation or a person paid for the participant
	// beside Amount: with it the voucher pays Amount + OtherSupport. "" or 0 when none.
	OtherSupport Amount `json:"other_support,omitempty"`
	// ID is the voucher's identity when the source gives one (the accounting feed); the desk
	// gives its own otherwise. The same ID is applied once.
	ID string `json:"id,omitempty"`
}

// VoucherRow is an input read from line Line of an imported file (1 = the first line of the
// file, the header included), so a problem can name the line.
type VoucherRow struct {
	Line  int
	Input VoucherInput
}

// RowProblem is why a row of an imported file was not imported (or was set aside as an
// exception): its line and a problem with a code that has vi/en messages ("err.<code>").
type RowProblem struct {
	Line    int          `json:"line"`
	Problem FieldProblem `json:"problem"`
}

// VoucherSource says where a voucher came from.
type VoucherSource string

// The sources of vouchers; all go through the same checks.
const (
	SourceDesk    VoucherSource = "desk"    // typed by an officer
	SourceImport  VoucherSource = "import"  // a file from a collection agent or a bank
	SourceCentral VoucherSource = "central" // the central accounting feed (kế toán tập trung)
)

// VoucherKind says what a voucher record does. Records are never edited: a correction or a void
// is a new record that refers to the original.
type VoucherKind string

// The kinds of voucher records.
const (
	KindPayment    VoucherKind = "payment"
	KindCorrection VoucherKind = "correction" // replaces the original's fields (Refers)
	KindVoid       VoucherKind = "void"       // cancels the original (Refers), e.g. a refund
)

// Voucher is a checked, stored payment voucher (chứng từ đóng): immutable once stored.
type Voucher struct {
	ID         string      `json:"id"`
	Kind       VoucherKind `json:"kind"`
	Refers     string      `json:"refers,omitempty"` // the voucher a correction or void applies to
	ReceiptNo  string      `json:"receipt_no"`
	PersonalID string      `json:"personal_id"`
	FullName   string      `json:"full_name"`
	Amount     Money       `json:"amount"`
	// OtherSupport is what an organisation or a person paid beside Amount (hỗ trợ khác).
	OtherSupport Money         `json:"other_support,omitempty"`
	PaidOn       calendar.Date `json:"paid_on"`
	FromMonth    Month         `json:"from_month"`
	Months       int           `json:"months"`
	Collector    string        `json:"collector,omitempty"`
	Reason       string        `json:"reason,omitempty"` // why a correction or void was made
	Source       VoucherSource `json:"source"`
	File         string        `json:"file,omitempty"` // imported file name
	Line         int           `json:"line,omitempty"` // line in that file
	Created      time.Time     `json:"created"`
	By           string        `json:"by"`
}

// ToMonth is the last month the voucher pays for.
func (v Voucher) ToMonth() Month { return v.FromMonth.Add(v.Months - 1) }

// Same reports whether two vouchers record the same payment (a file imported twice), whatever
// their ids, times and provenance.
func (v Voucher) Same(o Voucher) bool {
	return v.ReceiptNo == o.ReceiptNo && v.PersonalID == o.PersonalID && v.Amount == o.Amount && v.OtherSupport == o.OtherSupport &&
		v.PaidOn == o.PaidOn && v.FromMonth == o.FromMonth && v.Months == o.Months && FoldKey(v.FullName) == FoldKey(o.FullName)
}

// VoucherStatus is where a voucher stands in matching.
type VoucherStatus string

// The statuses of a voucher.
const (
	VoucherMatched   VoucherStatus = "matched"   // a participation period was recorded
	VoucherException VoucherStatus = "exception" // waiting for an officer's decision
	VoucherResolved  VoucherStatus = "resolved"  // an officer corrected or voided it
	VoucherVoid      VoucherStatus = "void"      // a void record (it pays nothing)
)

// VoucherState is the outcome of matching a voucher, kept beside the immutable voucher.
type VoucherState struct {
	ID        string            `json:"id"`
	Status    VoucherStatus     `json:"status"`
	Exception string            `json:"exception,omitempty"` // the problem code while in the exceptions queue
	Args      map[string]string `json:"args,omitempty"`      // the problem's arguments (expected amount…)
	Dossier   string            `json:"dossier,omitempty"`   // the dossier it was matched to
	Period    int               `json:"period,omitempty"`    // 1-based index of the period it created
	Resolved  *Resolution       `json:"resolved,omitempty"`
	Updated   time.Time         `json:"updated"`
}

// Resolution is an officer's decision on an exception.
type Resolution struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Action  string    `json:"action"`  // "correct" or "void"
	Voucher string    `json:"voucher"` // the correction or void record
	Reason  string    `json:"reason"`
}

// VoucherView is a voucher with its state, as lists show it.
type VoucherView struct {
	Voucher
	State VoucherState `json:"state"`
}

// Period is one participation period (quá trình tham gia) recorded from a matched voucher.
type Period struct {
	From          Month  `json:"from"`
	To            Month  `json:"to"`
	Method        string `json:"method"`
	Income        Money  `json:"income"`                  // mức thu nhập lựa chọn
	Rate          Rate   `json:"rate"`                    // 22 %
	Gross         Money  `json:"gross"`                   // months × rate × income
	StateSupport  Money  `json:"state_support"`           // hỗ trợ của Nhà nước
	LocalSupport  Money  `json:"local_support"`           // hỗ trợ của địa phương
	Discount      Money  `json:"discount"`                // paid ahead
	Interest      Money  `json:"interest"`                // missing time
	Paid          Money  `json:"paid"`                    // what the voucher paid
	OtherSupport  Money  `json:"other_support,omitempty"` // hỗ trợ khác: paid by an organisation or a person
	SupportMonths int    `json:"support_months"`          // months of this period that carried state support
	// FundRate is the fund's monthly rate an ahead or missing-time payment used ("0.0031" or
	// "0.0436/12"): a refund values the months given back with it.
	FundRate  string        `json:"fund_rate,omitempty"`
	Voucher   string        `json:"voucher"`
	ReceiptNo string        `json:"receipt_no"`
	PaidOn    calendar.Date `json:"paid_on"`
	Recorded  time.Time     `json:"recorded"`
}

// Months is the number of months of the period.
func (p Period) Months() int { return int(p.To-p.From) + 1 }

// Overlaps reports whether two periods share a month.
func (p Period) Overlaps(o Period) bool { return p.From <= o.To && o.From <= p.To }

// Participant is a person in the voluntary scheme as the office knows them (người tham gia):
// identity from the registration, the income and method they registered, and their periods.
// There is one per personal ID.
type Participant struct {
	PersonalID        string      `json:"personal_id"`
	OldSICode         string      `json:"old_si_code,omitempty"`
	FullName          string      `json:"full_name"`
	Gender            string      `json:"gender"`
	BirthDate         string      `json:"birth_date"`
	Nationality       string      `json:"nationality"`
	Ethnicity         string      `json:"ethnicity"`
	Phone             string      `json:"phone,omitempty"`
	BirthRegistration PlaceForm   `json:"birth_registration"`
	Address           AddressForm `json:"address"`
	Income            Money       `json:"income"`
	Method            string      `json:"method"`
	// TermsAt is when Income and Method were chosen: the registration's receipt, or a change.
	// A change older than the registration does not replace the registration's terms.
	TermsAt      time.Time `json:"terms_at,omitzero"`
	SupportGroup string    `json:"support_group"`
	LocalGroups  []string  `json:"local_groups,omitempty"` // the province's own groups
	Dossier      string    `json:"dossier"`                // the registration it came from
	// HasBook is true when the person already had a social-insurance book (an old code, or a
	// cover issued before): no new cover is made for them.
	HasBook bool     `json:"has_book"`
	Periods []Period `json:"periods"`
	// Events are the office's decisions after registration: changes, stops, refunds, evidence.
	Events []LifeEvent `json:"events,omitempty"`
	// History is what the central records hold of the person beyond the office's periods
	// (nil: the desk has not been told).
	History *CentralHistory `json:"history,omitempty"`
	Created time.Time       `json:"created"`
	Version int             `json:"version"`
}

// SupportMonths is the months of state support the person has had (DOMAIN §3: at most 120).
func (p *Participant) SupportMonths() int {
	n := 0
	for _, pe := range p.Periods {
		n += pe.SupportMonths
	}
	return n
}

// Totals sums the periods: months, what was paid and the support received.
func (p *Participant) Totals() PeriodTotals {
	var t PeriodTotals
	for _, pe := range p.Periods {
		t.Months += pe.Months()
		t.Gross += pe.Gross
		t.StateSupport += pe.StateSupport
		t.LocalSupport += pe.LocalSupport
		t.Paid += pe.Paid
		t.SupportMonths += pe.SupportMonths
	}
	return t
}

// PeriodTotals are the sums shown under the electronic book's periods.
type PeriodTotals struct {
	Months        int   `json:"months"`
	Gross         Money `json:"gross"`
	StateSupport  Money `json:"state_support"`
	LocalSupport  Money `json:"local_support"`
	Paid          Money `json:"paid"`
	SupportMonths int   `json:"support_months"`
}

// CoverStatus is where a book cover stands.
type CoverStatus string

// The statuses of a book cover.
const (
	CoverCreated   CoverStatus = "created"   // data made from the first matched voucher; to issue
	CoverIssued    CoverStatus = "issued"    // issued by an officer at the office; prints are provisional
	CoverConfirmed CoverStatus = "confirmed" // confirmed by the central records service; prints are final
)

// BookCover is the data of a social-insurance book cover (tờ bìa sổ BHXH, DOMAIN §8), made for a
// first-time participant when their first voucher is matched.
type BookCover struct {
	BookNo            string        `json:"book_no"` // the personal ID since 2025-08
	PersonalID        string        `json:"personal_id"`
	FullName          string        `json:"full_name"`
	BirthDate         string        `json:"birth_date"`
	Gender            string        `json:"gender"`
	Nationality       string        `json:"nationality"`
	Ethnicity         string        `json:"ethnicity"`
	BirthRegistration PlaceForm     `json:"birth_registration"`
	Office            string        `json:"office"` // issuing agency code
	Dossier           string        `json:"dossier"`
	Voucher           string        `json:"voucher"` // the voucher whose match created it
	Status            CoverStatus   `json:"status"`
	Created           time.Time     `json:"created"`
	IssuedAt          time.Time     `json:"issued_at,omitzero"`
	IssuedBy          string        `json:"issued_by,omitempty"`
	ConfirmedAt       time.Time     `json:"confirmed_at,omitzero"`
	Prints            []PrintRecord `json:"prints,omitempty"`
	Version           int           `json:"version"`
}

// IssueDate is the day the cover was issued, in Vietnam (0 before it is).
func (c *BookCover) IssueDate() calendar.Date {
	if c.IssuedAt.IsZero() {
		return 0
	}
	return calendar.DateOf(c.IssuedAt.In(calendar.VN))
}

// PrintRecord is one printing of a cover's confirmation: who, when, whether final, and why for
// a reprint.
type PrintRecord struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Final  bool      `json:"final"`
	Reason string    `json:"reason,omitempty"`
}

// The longest collector's name and voucher id a voucher takes (the name: MaxNameRunes).
const (
	maxCollectorRunes = 200
	maxVoucherID      = 64
)

// ParseVoucher checks a voucher input field by field and returns the typed voucher (without
// id, source and times), or a ValidationError naming every bad field.
func ParseVoucher(in VoucherInput) (Voucher, error) {
	ve := &ValidationError{}
	bad := func(field, code string, args ...string) {
		p := FieldProblem{Field: field, Code: code}
		if len(args) > 0 {
			p.Args = map[string]string{}
			for i := 0; i+1 < len(args); i += 2 {
				p.Args[args[i]] = args[i+1]
			}
		}
		ve.Problems = append(ve.Problems, p)
	}
	v := Voucher{Kind: KindPayment, ReceiptNo: strings.TrimSpace(NormalizeText(in.ReceiptNo)), FullName: NormalizeText(in.FullName),
		Collector: NormalizeText(in.Collector), Months: in.Months}
	if v.ReceiptNo == "" || len([]rune(v.ReceiptNo)) > 40 {
		bad("receipt_no", "bad_receipt_no")
	}
	pid := StripSeparators(strings.TrimSpace(in.PersonalID))
	switch {
	case len(pid) == 12 && AllDigits(pid):
		if d := pid[3]; d > '5' {
			bad("personal_id", "personal_id_digit", "digit", string(d))
		}
	case len(pid) == 10 && AllDigits(pid):
		// The old 10-digit social-insurance code: matched through the registrations that gave it.
	case (len(pid) == 9 || len(pid) == 11) && AllDigits(pid):
		bad("personal_id", "id_leading_zeros_lost", "value", pid)
	default:
		bad("personal_id", "bad_voucher_id", "value", truncate(in.PersonalID, 30))
	}
	v.PersonalID = pid
	if v.FullName == "" {
		bad("full_name", "required")
	} else if utf8.RuneCountInString(v.FullName) > MaxNameRunes {
		// A cell of megabytes would ride in every sync batch after it: refused at the door.
		bad("full_name", "too_long", "param", strconv.Itoa(MaxNameRunes))
		v.FullName = ""
	}
	if utf8.RuneCountInString(v.Collector) > maxCollectorRunes {
		bad("collector", "too_long", "param", strconv.Itoa(maxCollectorRunes))
	}
	if len(in.ID) > maxVoucherID {
		bad("id", "too_long", "param", strconv.Itoa(maxVoucherID))
	}
	// Zero is a real amount: state and province support may cover the whole contribution (Hà
	// Nội's poor and near-poor at the floor); matching flags a zero where more is due.
	amount, err := ParseMoney(string(in.Amount))
	if err != nil || amount < 0 {
		bad("amount", "bad_amount", "value", truncate(string(in.Amount), 30))
	}
	v.Amount = amount
	if o := strings.TrimSpace(string(in.OtherSupport)); o != "" {
		other, err := ParseMoney(o)
		if err != nil || other < 0 {
			bad("other_support", "bad_amount", "value", truncate(o, 30))
		}
		v.OtherSupport = other
	}
	if d, err := calendar.ParseDate(strings.TrimSpace(in.PaidOn)); err != nil {
		bad("paid_on", "bad_date", "value", truncate(in.PaidOn, 30))
	} else {
		v.PaidOn = d
	}
	if m, err := ParseMonth(strings.TrimSpace(in.FromMonth)); err != nil {
		bad("from_month", "bad_month", "value", truncate(in.FromMonth, 30))
	} else {
		v.FromMonth = m
	}
	if in.Months < 1 || in.Months > 120 {
		bad("months", "bad_months", "value", strconv.Itoa(in.Months))
	}
	if len(ve.Problems) > 0 {
		return Voucher{}, ve
	}
	return v, nil
}

// Exception codes a matched voucher may end with (err.<code> has the message).
const (
	ExcUnknownPerson    = "voucher_unknown_person"    // no registration nor participant for the ID
	ExcUnderpaid        = "voucher_underpaid"         // less than the amount due
	ExcOverpaid         = "voucher_overpaid"          // more than the amount due
	ExcMonths           = "voucher_months_mismatch"   // months differ from the registered method
	ExcOverlap          = "voucher_period_overlap"    // months already paid
	ExcDuplicateReceipt = "voucher_duplicate_receipt" // the receipt number was used by another payment
	ExcNoQuote          = "voucher_no_quote"          // no rules for the month, or the income is now out of bounds
	// ExcIncomeBelowFloor: the registered income is under the floor in force for the months
	// paid (a new poverty line, as from 2027-01): the participant must choose a new income.
	ExcIncomeBelowFloor = "voucher_income_below_floor"
	ExcNameMismatch     = "voucher_name_mismatch" // the collector's name is another person's
)
