package records_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/intake"
	"bhxhdesk/records"
)

func TestMatchedVoucherRecordsThePeriodCreatesTheCoverOnceAndMovesTheDossier(t *testing.T) {
	d := newDesk(t)
	officer, dos := registered(t, d, validForm())
	_, err := d.Intake.Act(officer, dos.Code, intake.ActRequest{Action: app.ActAdvance}) // check → finance
	require.NoError(t, err)

	d.Clock.Add(2 * time.Hour)
	vv, err := d.Records.AddVoucher(officer, voucherFor("BL-2026-000001", "2026-01", 264000))
	require.NoError(t, err)
	assert.Equal(t, app.VoucherMatched, vv.State.Status)
	assert.Equal(t, dos.Code, vv.State.Dossier)

	pv, err := d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	require.True(t, pv.Known)
	require.Len(t, pv.Participant.Periods, 1)
	pe := pv.Participant.Periods[0]
	assert.Equal(t, "2026-01", pe.From.String())
	assert.Equal(t, "2026-01", pe.To.String())
	assert.Equal(t, app.Money(330000), pe.Gross)
	assert.Equal(t, app.Money(66000), pe.StateSupport)
	assert.Equal(t, app.Money(264000), pe.Paid)
	assert.Equal(t, app.Rate(2200), pe.Rate)
	assert.Equal(t, 1, pe.SupportMonths)
	require.NotNil(t, pv.Cover, "a first-time participant gets book-cover data")
	assert.Equal(t, app.CoverCreated, pv.Cover.Status)
	assert.Equal(t, "001190012345", pv.Cover.BookNo)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", pv.Cover.FullName)
	assert.Equal(t, "01001", pv.Cover.Office)

	moved, err := d.Intake.Dossier(officer, dos.Code)
	require.NoError(t, err)
	assert.Equal(t, "book", moved.Step, "the matched payment completes the finance step")
	last := moved.Timeline[len(moved.Timeline)-1]
	assert.Equal(t, app.ActPayment, last.Action)
	assert.Equal(t, "finance", last.FromStep)
	assert.Equal(t, "book", last.ToStep)

	// The next month: another period, no second cover.
	_, err = d.Records.AddVoucher(officer, voucherFor("BL-2026-000002", "2026-02", 264000))
	require.NoError(t, err)
	pv, err = d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	assert.Len(t, pv.Participant.Periods, 2)
	assert.Equal(t, 2, pv.Totals.Months)
	assert.Equal(t, app.Money(528000), pv.Totals.Paid)
	covers, err := d.Records.Covers(officer, app.CoverCreated, 0)
	require.NoError(t, err)
	assert.Len(t, covers, 1, "covers are never created twice for one person")

	// Issuing: recorded on the timeline, completes the book step.
	c, err := d.Records.IssueCover(officer, "001190012345")
	require.NoError(t, err)
	assert.Equal(t, app.CoverIssued, c.Status)
	_, err = d.Records.IssueCover(officer, "001190012345")
	assert.Equal(t, app.Conflict, app.KindOf(err))
	moved, err = d.Intake.Dossier(officer, dos.Code)
	require.NoError(t, err)
	assert.Equal(t, "return", moved.Step)
	assert.Equal(t, app.ActCover, moved.Timeline[len(moved.Timeline)-1].Action)
	today, err := d.Records.CoversIssuedOn(officer, d.Intake.Today())
	require.NoError(t, err)
	assert.Len(t, today, 1)

	// Printing: counted; a reprint needs a reason; provisional until the centre confirms.
	prints, err := d.Records.PrintCovers(officer, []string{"001190012345"}, "")
	require.NoError(t, err)
	require.Len(t, prints, 1)
	assert.False(t, prints[0].Final)
	assert.Equal(t, 0, prints[0].Reprint)
	_, err = d.Records.PrintCovers(officer, []string{"001190012345"}, "")
	assert.Equal(t, "reprint_reason_required", codeOf(err))
	// The centre's confirmation arrives by sync.
	confirmed, err := json.Marshal(map[string]time.Time{"confirmed_at": d.Clock.Now()})
	require.NoError(t, err)
	require.NoError(
		t,
		d.Sync.ApplyPage(
			contract.Page{
				Cursor:  1,
				Changes: []contract.Change{{Seq: 1, Kind: app.ChangeCoverConfirmed, Entity: "001190012345", Payload: confirmed}},
			},
		),
	)
	// The first official print is not a reprint of the provisional one.
	plan, err := d.Records.PlanCoverPrints(officer, []string{"001190012345"}, "")
	require.NoError(t, err)
	assert.True(t, plan[0].Final)
	assert.Equal(t, 0, plan[0].Reprint)
	pv, err = d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 1, "a plan (the preview) counts nothing")
	// Printed elsewhere meanwhile: the planned PDF would say the wrong print.
	prints, err = d.Records.PrintCovers(officer, []string{"001190012345"}, "")
	require.NoError(t, err)
	assert.True(t, prints[0].Final)
	assert.Equal(t, 0, prints[0].Reprint)
	assert.Equal(t, "cover_changed", codeOf(d.Records.RecordCoverPrints(officer, plan, "")))
	prints, err = d.Records.PrintCovers(officer, []string{"001190012345"}, "Giấy in bị nhòe")
	require.NoError(t, err)
	assert.Equal(t, 1, prints[0].Reprint, "the second official print is a reprint")
	pv, err = d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	require.Len(t, pv.Cover.Prints, 3)
	assert.Empty(t, pv.Cover.Prints[1].Reason)
	assert.Equal(t, "Giấy in bị nhòe", pv.Cover.Prints[2].Reason)
	assert.Equal(t, "canbo", pv.Cover.Prints[2].By)

	helpdesk := d.Login(t, "motcua")
	_, err = d.Records.AddVoucher(helpdesk, voucherFor("BL-2026-000003", "2026-03", 264000))
	assert.Equal(t, app.Forbidden, app.KindOf(err), "the one-stop desk does not record payments")
	_, err = d.Records.IssueCover(helpdesk, "001190012345")
	assert.Equal(t, app.Forbidden, app.KindOf(err))

	ops, err := d.DB.Outbox(0)
	require.NoError(t, err)
	kinds := map[string]int{}
	for _, op := range ops {
		kinds[op.Kind]++
	}
	assert.Equal(t, map[string]int{"dossier.create": 1, "dossier.event": 3, "voucher.add": 2, "period.add": 2,
		"cover.create": 1, "cover.issue": 1, "cover.print": 3}, kinds)
	rep, err := d.DB.VerifyAudit()
	require.NoError(t, err)
	assert.True(t, rep.OK)
}

func TestVouchersThatDoNotMatchGoToTheExceptionsQueue(t *testing.T) {
	d := newDesk(t)
	officer, _ := registered(t, d, validForm())
	_, err := d.Records.AddVoucher(officer, voucherFor("BL-1", "2026-01", 264000))
	require.NoError(t, err)

	wrongName := voucherFor("BL-7", "2026-07", 264000)
	wrongName.FullName = "Trần Văn Bình"
	threeMonths := voucherFor("BL-5", "2026-05", 792000)
	threeMonths.Months = 3
	late := voucherFor("BL-8", "2026-08", 264000)
	late.PaidOn = "2026-09-02"
	stranger := voucherFor("BL-9", "2026-01", 264000)
	stranger.PersonalID = "038085067891"
	tests := []struct {
		name string
		in   app.VoucherInput
		code string
	}{
		{"less than due", voucherFor("BL-2", "2026-02", 200000), app.ExcUnderpaid},
		{"more than due", voucherFor("BL-3", "2026-03", 300000), app.ExcOverpaid},
		{"months already paid", voucherFor("BL-4", "2026-01", 264000), app.ExcOverlap},
		{"another payment under a used receipt number", voucherFor("BL-1", "2026-06", 264000), app.ExcDuplicateReceipt},
		{"months that are not the registered method's", threeMonths, app.ExcMonths},
		{"a name that is not the registered one", wrongName, app.ExcNameMismatch},
		{"paid after the last day to pay", late, records.ExcLate},
		{"a person unknown to the office", stranger, app.ExcUnknownPerson},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vv, err := d.Records.AddVoucher(officer, tt.in)
			require.NoError(t, err)
			assert.Equal(t, app.VoucherException, vv.State.Status)
			assert.Equal(t, tt.code, vv.State.Exception)
			assert.NotEmpty(t, ref.Catalog.T(app.VI, "err."+tt.code, flat(vv.State.Args)...))
		})
	}
	exc, err := d.Records.Exceptions(officer, 0)
	require.NoError(t, err)
	assert.Len(t, exc, len(tests), "every exception waits for a decision")
	pv, err := d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	assert.Len(t, pv.Participant.Periods, 1, "no exception recorded a period")

	// The same payment recorded twice (a file imported again) is not stored twice.
	_, err = d.Records.AddVoucher(officer, voucherFor("BL-1", "2026-01", 264000))
	assert.Equal(t, "voucher_already_recorded", codeOf(err))

	// Field problems name the field; nothing is stored.
	bad := voucherFor("", "2026-13", -1)
	bad.PersonalID = "11900123"
	_, err = d.Records.AddVoucher(officer, bad)
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
	}
	assert.Equal(t, map[string]bool{"receipt_no": true, "personal_id": true, "amount": true, "from_month": true, "paid_on": true}, fields)
}

func flat(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

func TestResolvingAnExceptionAppendsACorrectionOrAVoidAndNeverEdits(t *testing.T) {
	d := newDesk(t)
	officer, dos := registered(t, d, validForm())
	typo := voucherFor("BL-1", "2026-01", 264000)
	typo.PersonalID = "001190012354" // two digits swapped by the collector
	vv, err := d.Records.AddVoucher(officer, typo)
	require.NoError(t, err)
	require.Equal(t, app.ExcUnknownPerson, vv.State.Exception)

	_, err = d.Records.Resolve(officer, vv.ID, records.ResolveRequest{Action: "correct", Correction: voucherFor("BL-1", "2026-01", 264000)})
	assert.Equal(t, "reason_required", codeOf(err))
	fixed, err := d.Records.Resolve(
		officer,
		vv.ID,
		records.ResolveRequest{Action: "correct", Correction: voucherFor("BL-1", "2026-01", 264000),
			Reason: "Đại lý ghi nhầm số định danh"},
	)
	require.NoError(t, err)
	assert.Equal(t, app.KindCorrection, fixed.Kind)
	assert.Equal(t, vv.ID, fixed.Refers)
	assert.Equal(t, app.VoucherMatched, fixed.State.Status)
	assert.Equal(t, dos.Code, fixed.State.Dossier)

	var orig app.VoucherView
	require.NoError(t, d.DB.View(func(tx app.Tx) error { orig, _, err = tx.Voucher(vv.ID); return err }))
	assert.Equal(t, "001190012354", orig.PersonalID, "the original is never edited")
	assert.Equal(t, app.VoucherResolved, orig.State.Status)
	assert.Equal(t, fixed.ID, orig.State.Resolved.Voucher)

	over, err := d.Records.AddVoucher(officer, voucherFor("BL-2", "2026-02", 500000))
	require.NoError(t, err)
	voided, err := d.Records.Resolve(officer, over.ID, records.ResolveRequest{Action: "void", Reason: "Hoàn trả tiền thừa cho người nộp"})
	require.NoError(t, err)
	assert.Equal(t, app.KindVoid, voided.Kind)
	assert.Equal(t, app.VoucherVoid, voided.State.Status)
	_, err = d.Records.Resolve(officer, over.ID, records.ResolveRequest{Action: "void", Reason: "lần nữa"})
	assert.Equal(t, app.Conflict, app.KindOf(err), "a decided exception is not decided again")
	exc, err := d.Records.Exceptions(officer, 0)
	require.NoError(t, err)
	assert.Empty(t, exc)
	// After the void the receipt number is free again for the right payment.
	again, err := d.Records.AddVoucher(officer, voucherFor("BL-2", "2026-02", 264000))
	require.NoError(t, err)
	assert.Equal(t, app.VoucherMatched, again.State.Status)
}

func TestStateSupportStopsAfter120Months(t *testing.T) {
	d := newDesk(t)
	f := validForm()
	// 2,200,000 is above the floor of every year from 2026 (1,500,000, then 2,200,000 from 2027).
	// Living in Cao Bằng, which adds no support of its own (Hà Nội would pay the rest).
	f.Method, f.SupportGroup, f.Income = "12-months", "poor", "2200000"
	f.Address = app.AddressForm{Province: "04", Commune: "01273", Detail: "Tổ 1"}
	officer, _ := registered(t, d, f)
	used := 0
	for year := 2026; year <= 2036; year++ {
		m, err := app.ParseMonth(fmt.Sprintf("%d-01", year))
		require.NoError(t, err)
		method, err := app.ParseMethod("12-months")
		require.NoError(t, err)
		q, err := ref.Rules.Quote(
			app.QuoteRequest{
				Income:            2200000,
				Method:            method,
				Groups:            []app.SupportGroup{app.Poor},
				Month:             m,
				Province:          "04",
				SupportMonthsUsed: used,
			},
		)
		require.NoError(t, err)
		in := voucherFor(fmt.Sprintf("BL-%d", year), m.String(), int(q.Payable))
		in.Months, in.PaidOn = 12, fmt.Sprintf("%d-02-01", year)
		vv, err := d.Records.AddVoucher(officer, in)
		require.NoError(t, err)
		require.Equal(t, app.VoucherMatched, vv.State.Status, "year %d: %v", year, vv.State)
		used += q.SupportMonths
	}
	pv, err := d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	assert.Equal(t, 120, pv.Totals.SupportMonths, "the lifetime cap across periods")
	last := pv.Participant.Periods[len(pv.Participant.Periods)-1]
	assert.Equal(t, 0, last.SupportMonths)
	assert.Equal(t, app.Money(0), last.StateSupport)
	assert.Equal(t, 132, pv.Totals.Months)
}

func TestNoCoverForSomeoneWhoAlreadyHasABook(t *testing.T) {
	d := newDesk(t)
	f := validForm()
	f.OldSICode = "0123456789"
	officer, _ := registered(t, d, f)
	res, err := d.Records.ImportVouchers(
		officer,
		"dot-1.csv",
		[]app.VoucherRow{{Line: 2, Input: voucherFor("BL-1", "2026-01", 264000)}},
		nil,
		nil,
	)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Matched)
	assert.Empty(t, res.Covers)
	_, err = d.Records.IssueCover(officer, "001190012345")
	assert.Equal(t, app.NotFound, app.KindOf(err))

	// The old 10-digit code finds the same person.
	byOld := voucherFor("BL-2", "2026-02", 264000)
	byOld.PersonalID = "0123456789"
	vv, err := d.Records.AddVoucher(officer, byOld)
	require.NoError(t, err)
	assert.Equal(t, app.VoucherMatched, vv.State.Status)
}

func TestImportReportsEveryRowAndCentralVouchersApplyOnce(t *testing.T) {
	d := newDesk(t)
	officer, _ := registered(t, d, validForm())
	bad := voucherFor("BL-3", "2026-03", 264000)
	bad.PaidOn = "31/02/2026"
	rows := []app.VoucherRow{
		{Line: 2, Input: voucherFor("BL-1", "2026-01", 264000)},
		{Line: 3, Input: voucherFor("BL-2", "2026-02", 100000)},
		{Line: 4, Input: bad},
		{Line: 5, Input: voucherFor("BL-1", "2026-01", 264000)},
	}
	res, err := d.Records.ImportVouchers(
		officer,
		"dot-1.xlsx",
		rows,
		[]app.RowProblem{{Line: 6, Problem: app.FieldProblem{Field: "amount", Code: "formula_cell"}}},
		nil,
	)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Accepted)
	assert.Equal(t, 1, res.Matched)
	require.Len(t, res.Exceptions, 1)
	assert.Equal(t, 3, res.Exceptions[0].Line)
	require.Len(t, res.Rejected, 2)
	assert.ElementsMatch(t, []int{4, 6}, []int{res.Rejected[0].Line, res.Rejected[1].Line})
	require.Len(t, res.Already, 1)
	assert.Equal(t, 5, res.Already[0].Line)

	feed := voucherFor("KTTT-2026-77", "2026-02", 264000)
	feed.ID = "0195a3c0-0000-7000-8000-000000000077"
	for i := 0; i < 2; i++ {
		res, err = d.Records.ApplyCentralVouchers("sync", []app.VoucherInput{feed})
		require.NoError(t, err)
	}
	assert.Equal(t, 0, res.Accepted)
	require.Len(t, res.Already, 1, "a feed voucher pulled twice is applied once")
	pv, err := d.Records.Person(officer, "001190012345")
	require.NoError(t, err)
	assert.Len(t, pv.Participant.Periods, 2)
	sources := map[app.VoucherSource]int{}
	for _, v := range pv.Vouchers {
		sources[v.Source]++
	}
	assert.Equal(t, map[app.VoucherSource]int{app.SourceImport: 2, app.SourceCentral: 1}, sources)
}

// TestAStoppedImportKeepsWhatItRecorded: the officer stops a long import; the batches recorded
// stay, the result says which lines were not reached, and importing the file again records
// those and only those.
func TestAStoppedImportKeepsWhatItRecorded(t *testing.T) {
	d := newDesk(t)
	officer, _ := registered(t, d, validForm())
	var rows []app.VoucherRow
	for i := range 100 {
		rows = append(rows, app.VoucherRow{Line: i + 2, Input: voucherFor(fmt.Sprintf("BL-%03d", i), "2026-01", 264000)})
	}
	var seen [][2]int64
	var p *app.Progress
	p = app.NewProgress(0, func(done, total int64) {
		seen = append(seen, [2]int64{done, total})
		if done >= 40 {
			p.Stop()
		}
	})
	res, err := d.Records.ImportVouchers(officer, "dot-1.csv", rows, nil, p)
	require.NoError(t, err)
	assert.Equal(t, [][2]int64{{40, 100}}, seen, "told after each transaction")
	assert.Equal(t, 40, res.Accepted)
	assert.Equal(t, 60, res.NotReached)
	assert.Equal(t, 42, res.StoppedAt, "the first line not recorded")

	again, err := d.Records.ImportVouchers(officer, "dot-1.csv", rows, nil, nil)
	require.NoError(t, err)
	assert.Len(t, again.Already, 40)
	assert.Equal(t, 60, again.Accepted)
	assert.Zero(t, again.NotReached)
}

// TestAVoucherCellOfMegabytesIsRefused: an imported row whose name cell holds 45 MB is refused
// with the field and the limit, and the problem does not carry the cell back.
func TestAVoucherCellOfMegabytesIsRefused(t *testing.T) {
	in := voucherFor("BL-1", "2026-01", 264000)
	in.FullName = strings.Repeat("Ánh ", 45<<20/5)
	in.PersonalID = strings.Repeat("9", 1<<20)
	_, err := app.ParseVoucher(in)
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]app.FieldProblem{}
	for _, p := range ve.Problems {
		fields[p.Field] = p
	}
	assert.Equal(t, app.FieldProblem{Field: "full_name", Code: "too_long", Args: map[string]string{"param": "100"}}, fields["full_name"])
	assert.Less(t, len(fields["personal_id"].Args["value"]), 64, "the value echoed is clipped")
	assert.Less(t, len(fmt.Sprint(ve.Problems)), 1000)
}

// TestAnotherOfficesCoverComesAsANotice: the centre's word that another office made a cover
// for a person this office issues is a notice for a person, once, and changes no cover.
func TestAnotherOfficesCoverComesAsANotice(t *testing.T) {
	d := newDesk(t)
	payload := json.RawMessage(`{"office":"79001","dossier":"79001-260105-Q10001"}`)
	for seq := uint64(1); seq <= 2; seq++ {
		require.NoError(t, d.Sync.ApplyPage(contract.Page{Cursor: seq, Changes: []contract.Change{{Seq: seq, Kind: app.ChangeCoverConflict,
			Entity: "001190012345", Payload: payload}}}))
	}
	ns, err := d.Sync.Notices(d.Login(t, "truongphong"), false)
	require.NoError(t, err)
	require.Len(t, ns, 1, "the same word twice is one notice")
	assert.Equal(t, "cover_conflict", ns[0].Kind)
	assert.Equal(t, "79001", ns[0].Args["office"])
}

// TestTheVoucherLeavesBeforeThePeriodItBrings: the centre records a period only from a voucher
// it holds, so in the outbox a matched voucher comes before the period and the cover data it
// creates (the other way round, the centre refused the period as "period_without_voucher").
func TestTheVoucherLeavesBeforeThePeriodItBrings(t *testing.T) {
	d := newDesk(t)
	officer, _ := registered(t, d, validForm())
	vv, err := d.Records.AddVoucher(officer, voucherFor("BL-2026-000001", "2026-01", 264000))
	require.NoError(t, err)
	require.Equal(t, app.VoucherMatched, vv.State.Status)
	ops, err := d.Sync.Outbox(100)
	require.NoError(t, err)
	var kinds []string
	for _, op := range ops {
		kinds = append(kinds, op.Kind)
	}
	assert.Equal(t, []string{contract.OpDossierCreate, contract.OpVoucherAdd, contract.OpPeriodAdd, contract.OpCoverCreate,
		contract.OpDossierEvent}, kinds)
}
