package records_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/records"
)

// TestARegistrationAfterARefundKeepsThePersonsHistory: a person paid a quarter from 11/2025
// and moved to compulsory insurance from 12/2025 (refunded); a voucher for them before they
// register again is set aside; they register again and pay: the refund, the centre's history
// and the refunded months stay on the record, the new payment reopens participation, and the
// months refunded may be paid again.
func TestARegistrationAfterARefundKeepsThePersonsHistory(t *testing.T) {
	d := newDesk(t)
	pid := validForm().PersonalID
	rec := calendar.Of(2025, 11, 3).Time()
	require.NoError(t, d.Records.Store.Update(func(tx records.Tx) error {
		return tx.PutParticipant(app.Participant{PersonalID: pid, FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17",
			SupportGroup: "other", Method: "3-months", Income: 1_500_000, Address: app.AddressForm{Province: "01", Commune: "00004"},
			History: &app.CentralHistory{Months: 40},
			Periods: []app.Period{{From: app.MonthOf(2025, 11), To: app.MonthOf(2026, 1), Method: "3-months", Income: 1_500_000,
				Gross: 990_000, StateSupport: 198_000, Paid: 792_000, SupportMonths: 3, PaidOn: calendar.Of(2025, 11, 3), Voucher: "V-1",
				ReceiptNo: "BL-1", Recorded: rec}}})
	}))
	officer := d.Login(t, "canbo")
	officer.Idle = -1
	res, err := d.Records.Decide(officer, pid, records.LifeInput{Kind: app.EventRefund, Reason: app.ReasonCompulsory,
		From: app.MonthOf(2025, 12)})
	require.NoError(t, err)
	assert.Equal(t, app.Money(2*264_000), res.Event.Refund.Amount)

	// Before registering again: set aside, with the reason.
	v, err := d.Records.AddVoucher(officer, voucherFor("BL-2", "2026-01", 264_000))
	require.NoError(t, err)
	assert.Equal(t, app.VoucherException, v.State.Status)
	assert.Equal(t, app.CodeVoucherPersonLeft, v.State.Exception)

	// Registered again from 01/2026, monthly: the month refunded is paid again.
	d.Clock.Add(time.Hour)
	form := validForm()
	form.Method, form.StartMonth, form.Income = "monthly", "2026-01", "1500000"
	_, dos := registered(t, d, form)
	v, err = d.Records.AddVoucher(officer, voucherFor("BL-3", "2026-01", int(dos.Quote.Payable)))
	require.NoError(t, err)
	require.Equal(t, app.VoucherMatched, v.State.Status, "%+v", v.State)
	pv, err := d.Records.Person(officer, pid)
	require.NoError(t, err)
	p := pv.Participant
	require.Len(t, p.Events, 1, "the refund stays on the record")
	require.NotNil(t, p.History, "so does the centre's history")
	assert.Nil(t, p.Exit(), "paying again")
	assert.Equal(t, app.StandingActive, p.StandingOn(calendar.Of(2026, 1, 20)).State)
	assert.Equal(t, "monthly", p.Method)
}
