package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

// roundTrip reads a golden payload into the domain through its mapping and writes it back.
func roundTrip[D, P any](t *testing.T, p app.Payload[D, P], name string) D {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
	require.NoError(t, err)
	d, err := p.Unmarshal(want)
	require.NoError(t, err, name)
	got, err := json.MarshalIndent(p.To(d), "", " ")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got)+"\n", "%s: the payload does not read back into the domain whole", name)
	return d
}

// TestEveryPayloadReadsBackWhole: what a desk or the centre reads from the protocol is what
// was sent — every field of every golden payload survives the trip into the domain and back.
func TestEveryPayloadReadsBackWhole(t *testing.T) {
	d := roundTrip(t, app.DossierPayload, contract.OpDossierCreate)
	assert.Equal(t, calendar.Of(2026, 1, 12), d.Due)
	assert.Equal(t, app.MonthOf(2026, 1), d.Quote.FromMonth)
	assert.Equal(t, app.Money(242000), d.Quote.Payable)
	assert.Equal(t, app.Amount("2200000"), d.Form.Income)
	assert.Equal(t, app.StateOpen, d.State)
	roundTrip(t, app.DossierEventPayload, contract.OpDossierEvent)
	v := roundTrip(t, app.VoucherPayload, contract.OpVoucherAdd)
	assert.Equal(t, calendar.Of(2026, 1, 6), v.PaidOn)
	assert.Equal(t, app.KindPayment, v.Kind)
	pe := roundTrip(t, app.PeriodPayload, contract.OpPeriodAdd)
	assert.Equal(t, app.Money(242000), pe.Paid)
	c := roundTrip(t, app.CoverPayload, contract.OpCoverIssue)
	assert.Equal(t, app.CoverIssued, c.Status)
	roundTrip(t, app.CoverPayload, contract.OpCoverCreate)
	roundTrip(t, app.PrintPayload, contract.OpCoverPrint)
	r := roundTrip(t, app.ReviewPayload, contract.OpIdentityResolve)
	require.NotNil(t, r.Resolved)
	assert.Equal(t, "01001", r.Resolved.Office)
	roundTrip(t, app.ReviewPayload, "change.review")
	w := roundTrip(t, app.OfficeWorkflowPayload, contract.OpOfficeWorkflow)
	require.NotNil(t, w.Adjustment)
	assert.Equal(t, app.Officer, w.Adjustment.Roles["check"])
	rep := roundTrip(t, app.ReportPayload, contract.OpReportMonthly)
	assert.Equal(t, app.MonthOf(2026, 11), rep.Month)
	assert.Equal(t, app.Money(3_630_000), rep.Groups[0].StateSupport)
	p := roundTrip(t, app.ParticipantPayload, "participant")
	require.Len(t, p.Periods, 1)
	assert.Equal(t, app.MonthOf(2026, 1), p.Periods[0].From)
}

// TestAPayloadThatDoesNotReadSaysWhichField: a sender's date in another format is an error
// naming the field, never a zero date taken silently; a field an older sender left out reads
// as zero.
func TestAPayloadThatDoesNotReadSaysWhichField(t *testing.T) {
	_, err := app.VoucherPayload.Unmarshal([]byte(`{"id":"v1","kind":"payment","paid_on":"06/01/2026","from_month":"2026-01"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "paid_on")
	_, err = app.DossierPayload.Unmarshal([]byte(`{"code":"X","quote":{"from_month":"2026-13"}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "quote.from_month")
	old, err := app.DossierPayload.Unmarshal([]byte(`{"code":"X","office":"01001","version":1}`))
	require.NoError(t, err)
	assert.Equal(t, calendar.Date(0), old.Due)
	assert.Equal(t, app.Amount(""), old.Form.Income)
	assert.Nil(t, old.Timeline)
	in, err := app.FeedVoucherPayload.Unmarshal([]byte(`{"receipt_no":"BL-1","amount":"1.500.000","paid_on":"2026-01-06"}`))
	require.NoError(t, err)
	assert.Equal(t, app.Amount("1.500.000"), in.Amount, "an amount as the collector typed it stays text")
}
