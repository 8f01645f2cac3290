package app

import (
	"sort"
	"strings"

	"bhxhdesk/app/calendar"
)

// MonthlyReport is what an office reports upward for a month (báo cáo tháng về người tham gia
// BHXH tự nguyện): who took part at the month's start and end, who joined, came back or
// stopped, what was collected in the month and the support in it, by support group.
//
// A person takes part in a month when a paid period covers it. "At the start" is the month
// before; "new" took part in the month and never before; "back" took part in the month, not in
// the month before, but earlier; "stopped" took part in the month before and not in this one.
// Amounts are those of the periods paid (voucher's day) within the month.
type MonthlyReport struct {
	Office string        `json:"office"`
	Month  Month         `json:"month"`
	Total  ReportLine    `json:"total"`
	Groups []ReportGroup `json:"groups"` // by support group (GroupOf), in SupportGroups order
}

// ReportGroup is one support group's line of the report.
type ReportGroup struct {
	Group SupportGroup `json:"group"`
	ReportLine
}

// ReportLine holds a report's counts and amounts.
type ReportLine struct {
	AtStart      int   `json:"at_start"`
	AtEnd        int   `json:"at_end"`
	New          int   `json:"new"`
	Back         int   `json:"back"`
	Stopped      int   `json:"stopped"`
	Payments     int   `json:"payments"` // periods paid in the month
	Gross        Money `json:"gross"`
	StateSupport Money `json:"state_support"`
	LocalSupport Money `json:"local_support"`
	Discount     Money `json:"discount"`
	Interest     Money `json:"interest"`
	Collected    Money `json:"collected"` // what the participants paid
}

// Plus is the sum of two lines (an office's groups, a province's offices).
func (l ReportLine) Plus(o ReportLine) ReportLine {
	return ReportLine{AtStart: l.AtStart + o.AtStart, AtEnd: l.AtEnd + o.AtEnd, New: l.New + o.New, Back: l.Back + o.Back,
		Stopped: l.Stopped + o.Stopped, Payments: l.Payments + o.Payments, Gross: l.Gross + o.Gross,
		StateSupport: l.StateSupport + o.StateSupport, LocalSupport: l.LocalSupport + o.LocalSupport, Discount: l.Discount + o.Discount,
		Interest: l.Interest + o.Interest, Collected: l.Collected + o.Collected}
}

func (l *ReportLine) add(o ReportLine) { *l = l.Plus(o) }

// ReportBuilder makes a MonthlyReport from the office's participants, one at a time, so that an
// office of any size is reported in one pass without holding them all.
type ReportBuilder struct {
	office string
	month  Month
	groups map[SupportGroup]*ReportLine
	// Local, when set, says whether a period was paid at this office: amounts count only those
	// (a participant known to two offices carries the other's periods too).
	Local func(Period) bool
}

// NewReportBuilder starts the report of an office for a month.
func NewReportBuilder(office string, m Month) *ReportBuilder {
	return &ReportBuilder{office: office, month: m, groups: map[SupportGroup]*ReportLine{}}
}

// TakesPart reports whether a participant takes part in month m: a paid period covers it, or the
// next period after the last one may still be paid after the month's end (a quarterly payer may
// pay a quarter until its last day, Decree 134/2015 art. 9 as Deadline encodes it), so a report
// does not count as stopped someone who is not yet late.
func TakesPart(p Participant, m Month) bool {
	if e := p.Exit(); e != nil && m >= e.From {
		return false // left the scheme with a refund (Decree 159/2025 art. 8)
	}
	for i := len(p.Events) - 1; i >= 0; i-- {
		// Stopped by decision from a month no payment covers.
		if e := p.Events[i]; e.Kind == EventStop && m >= e.From && p.LastPaid() < e.From && !p.paidFor(m) {
			return false
		}
	}
	var last *Period
	periods := p.Effective() // months refunded are not taken part in
	for i := range periods {
		pe := &periods[i]
		if pe.From <= m && m <= pe.To {
			return true
		}
		if pe.To < m && (last == nil || pe.To > last.To) {
			last = pe
		}
	}
	if last == nil {
		return false
	}
	method, err := ParseMethod(last.Method)
	if err != nil || (method.Kind != Monthly && method.Kind != Quarter && method.Kind != Half && method.Kind != Yearly) {
		return false
	}
	next := last.To.Add(1)
	return next <= m && m < next.Add(method.Months) && Deadline(method, next) > m.LastDay()
}

// GroupOf is the support group a participant is reported under: the group whose state share
// applies, as the quote chooses it — the declared poor, near-poor or island group, else an
// ethnic minority (any ethnicity but 01 Kinh), else other.
func GroupOf(p Participant) SupportGroup {
	g, err := ParseSupportGroup(p.SupportGroup)
	if err == nil && (g == Poor || g == NearPoor || g == Island) {
		return g
	}
	if e := strings.TrimSpace(p.Ethnicity); e != "" && e != "01" {
		return EthnicMinority
	}
	if err == nil {
		return g
	}
	return Other
}

// Add counts one participant.
func (b *ReportBuilder) Add(p Participant) {
	var l ReportLine
	m, prev := b.month, b.month.Add(-1)
	in, before := TakesPart(p, m), TakesPart(p, prev)
	earlier := false
	for _, pe := range p.Periods {
		if pe.From < prev {
			earlier = true
		}
		if MonthOfDate(pe.PaidOn) == m && (b.Local == nil || b.Local(pe)) {
			l.Payments++
			l.Gross += pe.Gross
			l.StateSupport += pe.StateSupport
			l.LocalSupport += pe.LocalSupport
			l.Discount += pe.Discount
			l.Interest += pe.Interest
			l.Collected += pe.Paid
		}
	}
	switch {
	case in && before:
	case in && earlier:
		l.Back = 1
	case in:
		l.New = 1
	case before:
		l.Stopped = 1
	}
	if in {
		l.AtEnd = 1
	}
	if before {
		l.AtStart = 1
	}
	if l == (ReportLine{}) {
		return
	}
	g := GroupOf(p)
	if b.groups[g] == nil {
		b.groups[g] = &ReportLine{}
	}
	b.groups[g].add(l)
}

// Report is the report of what was added.
func (b *ReportBuilder) Report() MonthlyReport {
	r := MonthlyReport{Office: b.office, Month: b.month}
	order := map[SupportGroup]int{}
	for i, g := range SupportGroups {
		order[g] = i
	}
	for g, l := range b.groups {
		r.Groups = append(r.Groups, ReportGroup{Group: g, ReportLine: *l})
		r.Total.add(*l)
	}
	sort.Slice(r.Groups, func(i, j int) bool {
		oi, iok := order[r.Groups[i].Group]
		oj, jok := order[r.Groups[j].Group]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return r.Groups[i].Group < r.Groups[j].Group
	})
	return r
}

// D05Row is one line of list D05-TS (danh sách người tham gia BHXH tự nguyện): one payment
// recorded in the month, in the columns of the form (QĐ 490/QĐ-BHXH of 28/03/2023): the
// person, the receipt, the income and method, what is due, what the participant paid and the
// shares and amounts of the state's, the province's and other support.
type D05Row struct {
	FullName     string        `json:"full_name"`
	SICode       string        `json:"si_code"`     // mã số BHXH: the personal ID since 2025, or the old code
	PersonalID   string        `json:"personal_id"` // số CCCD/ĐDCN
	Address      string        `json:"address"`
	ReceiptDate  calendar.Date `json:"receipt_date"`
	ReceiptNo    string        `json:"receipt_no"`
	Income       Money         `json:"income"`
	Months       int           `json:"months"`
	From         Month         `json:"from"`
	Due          Money         `json:"due"`  // số tiền phải đóng theo quy định
	Paid         Money         `json:"paid"` // người tham gia đóng
	StatePercent Rate          `json:"state_percent"`
	StateSupport Money         `json:"state_support"`
	LocalPercent Rate          `json:"local_percent"`
	LocalSupport Money         `json:"local_support"`
	OtherSupport Money         `json:"other_support"`
	Collector    string        `json:"collector,omitempty"`
	Group        SupportGroup  `json:"group"` // the support group, printed in the note
	New          bool          `json:"new"`   // the person's first payment (tăng mới), else đóng tiếp
	// Refund is the reason of a refund on a decrease row (giảm: hoàn trả), "" on a payment.
	Refund string `json:"refund,omitempty"`
}

// D05List is the list of an office for a month: rows that increase (payments) and rows that
// decrease (refunds), with their totals and the number of books to issue.
type D05List struct {
	Office    Office   `json:"office"`
	Month     Month    `json:"month"`
	Increases []D05Row `json:"increases"`
	Decreases []D05Row `json:"decreases"`
	Books     int      `json:"books"` // tổng số sổ BHXH đề nghị cấp
}

// SupportPercent is a support's share of 22 % × the poverty line over its months, in basis
// points: what the list prints as "tỷ lệ %" from the amounts recorded.
func SupportPercent(amount Money, months int, base Money) Rate {
	if amount <= 0 || months <= 0 || base <= 0 {
		return 0
	}
	per := int64(base) * int64(months)
	return Rate((int64(amount)*10000 + per/2) / per)
}

// TrendPoint is one month of the office's trend (the dashboard's chart): the participants at
// the month's end and what was collected in it.
type TrendPoint struct {
	Month        Month `json:"month"`
	Participants int   `json:"participants"`
	Collected    Money `json:"collected"`
}

// TrendBuilder counts the n months up to a month, one participant at a time.
type TrendBuilder struct {
	from   Month
	points []TrendPoint
}

// NewTrendBuilder starts the trend of the n months that end with to.
func NewTrendBuilder(to Month, n int) *TrendBuilder {
	b := &TrendBuilder{from: to.Add(1 - n), points: make([]TrendPoint, n)}
	for i := range b.points {
		b.points[i].Month = b.from.Add(i)
	}
	return b
}

// Add counts one participant.
func (b *TrendBuilder) Add(p Participant) {
	n := len(b.points)
	in := make([]bool, n)
	for _, pe := range p.Periods {
		for m := max(pe.From, b.from); m <= pe.To && int(m-b.from) < n; m++ {
			in[m-b.from] = true
		}
		if i := int(MonthOfDate(pe.PaidOn) - b.from); i >= 0 && i < n {
			b.points[i].Collected += pe.Paid
		}
	}
	for i, ok := range in {
		if ok {
			b.points[i].Participants++
		}
	}
}

// Points are the months counted, oldest first.
func (b *TrendBuilder) Points() []TrendPoint { return b.points }
