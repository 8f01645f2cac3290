package intake_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/intake"
	"bhxhdesk/refdata"
)

// staleRef is the reference data as shipped before the 2027 line was confirmed: Decree
// 351/2025's line listed as proposed, so 2027 was quoted on the 1,500,000 line.
func staleRef(t *testing.T) *refdata.Reference {
	t.Helper()
	r, err := assets.Load(fstest.MapFS{"rules/poverty_line.json": {Data: []byte(`{"table":"poverty_line","entries":[
		{"from":"2016-01","value":700000,"source":"QĐ 59/2015","status":"confirmed","to":"2021-12"},
		{"from":"2022-01","value":1500000,"source":"NĐ 07/2021","status":"confirmed"},
		{"from":"2027-01","value":2200000,"source":"NĐ 351/2025","status":"proposed"}]}`)}})
	require.NoError(t, err)
	return r
}

// A person in Cao Bằng (no province support), starting in 01/2027.
func form2027(id, name, income string) app.RegistrationForm {
	f := validForm()
	f.PersonalID, f.FullName, f.Income, f.StartMonth = id, name, app.Amount(income), "2027-01"
	f.Address = app.AddressForm{Province: "04", Commune: "01273", Detail: "Tổ 1"}
	return f
}

func TestARuleChangeInFlight(t *testing.T) {
	d := newDesk(t)
	d.Clock.Set(vnTime(2026, 12, 10, 9, 0))
	helpdesk := d.Login(t, "motcua")
	helpdesk.Idle = -1

	// A desk that still had the stale data took two registrations for 2027 on the old line.
	d.Src.Set(staleRef(t))
	a, err := d.Intake.Register(helpdesk, intake.RegisterRequest{Form: form2027("001190012347", "Lê Thị Cúc", "1500000")})
	require.NoError(t, err)
	assert.Contains(t, a.Warnings, "rule_pending:poverty_line:2027-01", "the stale quote said a new line was pending")
	b, err := d.Intake.Register(helpdesk, intake.RegisterRequest{Form: form2027("001190012348", "Phạm Văn Dũng", "2200000")})
	require.NoError(t, err)
	assert.Equal(t, app.Money(484_000-66_000), b.Dossier.Quote.Payable)
	none, err := d.Intake.QuoteChanges(helpdesk)
	require.NoError(t, err)
	assert.Empty(t, none)

	// The confirmed 2027 line arrives: both open dossiers are flagged for the officer.
	d.Src.Set(ref)
	// Received in December 2026 for a start in 2027: quoted with 2027's rules.
	res, err := d.Intake.Register(helpdesk, intake.RegisterRequest{Form: form2027("001190012345", "Nguyễn Thị Hồng Ánh", "2200000")})
	require.NoError(t, err)
	assert.Equal(t, app.Money(2_200_000), res.Dossier.Quote.Floor)
	assert.Equal(t, app.Money(484_000-96_800), res.Dossier.Quote.Payable)
	_, err = d.Intake.Register(helpdesk, intake.RegisterRequest{Form: form2027("001190012346", "Trần Văn Bình", "1500000")})
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("income", "income_below_floor"), "1,500,000 is below the 2027 floor")
	changes, err := d.Intake.QuoteChanges(helpdesk)
	require.NoError(t, err)
	require.Len(t, changes, 2)
	byCode := map[string]intake.QuoteChange{}
	for _, c := range changes {
		byCode[c.Dossier.Code] = c
	}
	ca := byCode[a.Dossier.Code]
	require.NotNil(t, ca.Problem, "1,500,000 cannot be quoted any more")
	assert.Equal(t, "income_below_floor", ca.Problem.Code)
	assert.Nil(t, ca.Now)
	cb := byCode[b.Dossier.Code]
	require.NotNil(t, cb.Now)
	assert.Equal(t, app.Money(418_000), cb.Was.Payable)
	assert.Equal(t, app.Money(387_200), cb.Now.Payable)

	// The officer gives the citizen the new amount: recorded, sent to the centre, no longer
	// flagged. The one whose income is refused must choose again: Requote says why.
	officer := d.Login(t, "canbo")
	officer.Idle = -1
	done, err := d.Intake.Requote(officer, b.Dossier.Code)
	require.NoError(t, err)
	assert.Equal(t, app.Money(387_200), done.Quote.Payable)
	last := done.Timeline[len(done.Timeline)-1]
	assert.Equal(t, intake.ActRequote, last.Action)
	require.NotNil(t, last.Quote)
	_, err = d.Intake.Requote(officer, a.Dossier.Code)
	assert.Equal(t, "income_below_floor", codeOf(err))
	changes, err = d.Intake.QuoteChanges(helpdesk)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	assert.Equal(t, a.Dossier.Code, changes[0].Dossier.Code)
	ops, err := d.Sync.Outbox(100)
	require.NoError(t, err)
	assert.Equal(t, "dossier.event", ops[len(ops)-1].Kind, "the new quote travels to the centre")

	// A voucher paying 01/2027 is matched against 2027's amounts.
	v := voucherFor("BL-2027-1", "2027-01", 387_200)
	v.PersonalID, v.FullName = "001190012348", "Phạm Văn Dũng"
	vv, err := d.Records.AddVoucher(officer, v)
	require.NoError(t, err)
	assert.Equal(t, app.VoucherMatched, vv.State.Status, "%+v", vv.State)
	changes, err = d.Intake.QuoteChanges(helpdesk)
	require.NoError(t, err)
	assert.Len(t, changes, 1, "a paid dossier is not flagged")
}

func TestAVoucherForMonthsUnderANewFloorSaysSo(t *testing.T) {
	d := newDesk(t)
	d.Clock.Set(vnTime(2026, 12, 1, 9, 0))
	f := validForm()
	f.StartMonth = "2026-12"
	f.Address = app.AddressForm{Province: "04", Commune: "01273", Detail: "Tổ 1"}
	officer, _ := registered(t, d, f)
	vv, err := d.Records.AddVoucher(officer, voucherFor("BL-1", "2026-12", 264_000))
	require.NoError(t, err)
	require.Equal(t, app.VoucherMatched, vv.State.Status)
	// January 2027 at the registered 1,500,000: the floor is now 2,200,000.
	vv, err = d.Records.AddVoucher(officer, voucherFor("BL-2", "2027-01", 264_000))
	require.NoError(t, err)
	assert.Equal(t, app.VoucherException, vv.State.Status)
	assert.Equal(t, app.ExcIncomeBelowFloor, vv.State.Exception)
	assert.Equal(t, map[string]string{"month": "01/2027", "income": "1.500.000 ₫", "min": "2.200.000 ₫"}, vv.State.Args)
}
