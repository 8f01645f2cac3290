package sync_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/records"
)

// TestAParticipantsLifeReachesTheCentreAndTheOfficesOtherDesk: the officer's desk records a
// change of income for one participant and a refund for another; after sync the centre holds
// both with the people, the help desk sees the new income and the person who left, and every
// desk's digest equals the centre's. Then the national records say one person is under
// compulsory insurance: the desks learn it with the person's record, and a new registration of
// someone the records exclude is kept but the office is told, with the reason.
func TestAParticipantsLifeReachesTheCentreAndTheOfficesOtherDesk(t *testing.T) {
	c, a, b, sync := twoDesks(t)
	made := a.register(t, 11, 3)
	// The second pays a quarter at once: what a refund gives back (Decree 159/2025 art. 8).
	quarterly := fake.New(12, ref.Places).Form()
	quarterly.Method = "3-months"
	q, err := a.Intake.Register(a.helpdesk, intake.RegisterRequest{Form: quarterly, NotDuplicate: true})
	require.NoError(t, err)
	made[1] = q.Dossier
	sync(a)
	var vs []app.VoucherInput
	for i, d := range made[:2] {
		vs = append(vs, app.VoucherInput{ID: fmt.Sprint("feed-", i), ReceiptNo: fmt.Sprint("BL-", i), PersonalID: d.Form.PersonalID,
			FullName: d.Form.FullName, Amount: app.Amount(fmt.Sprint(d.Quote.Payable)), PaidOn: "2026-01-06",
			FromMonth: d.Quote.FromMonth.String(), Months: d.Quote.Months})
	}
	_, err = c.Service.PostVouchers(t.Context(), vs)
	require.NoError(t, err)
	for range 2 {
		sync(a)
		sync(b)
	}

	// A change at the officer's desk, from the month after the paid period.
	first := made[0]
	pv, err := b.Records.Person(b.officer, first.Form.PersonalID)
	require.NoError(t, err)
	require.Len(t, pv.Participant.Periods, 1)
	next := pv.Participant.LastPaid().Add(1)
	newIncome := pv.Participant.Income + 500_000
	ch, err := b.Records.Decide(b.officer, first.Form.PersonalID, records.LifeInput{Kind: app.EventChange, Income: newIncome,
		Method: "12-months", From: next})
	require.NoError(t, err)
	require.NotNil(t, ch.Quote)
	assert.Equal(t, 12, ch.Quote.Months)

	// A refund at the officer's desk for the second person, from the first month paid.
	second := made[1]
	pv2, err := b.Records.Person(b.officer, second.Form.PersonalID)
	require.NoError(t, err)
	rf, err := b.Records.Decide(b.officer, second.Form.PersonalID, records.LifeInput{Kind: app.EventRefund, Reason: app.ReasonCompulsory,
		From: pv2.Participant.Periods[0].From})
	require.NoError(t, err)
	require.NotNil(t, rf.Event.Refund)
	assert.Equal(t, pv2.Participant.Periods[0].Months(), rf.Event.Refund.Months)

	sync(b)
	sync(a)
	day := calendar.Of(2026, 1, 5)
	got, err := a.Records.Person(a.officer, first.Form.PersonalID)
	require.NoError(t, err)
	assert.Equal(t, newIncome, got.Participant.Income, "the help desk has the new income")
	assert.Equal(t, "12-months", got.Participant.Method)
	require.Len(t, got.Participant.Events, 1)
	got2, err := a.Records.Person(a.officer, second.Form.PersonalID)
	require.NoError(t, err)
	assert.Equal(t, app.StandingLeft, got2.Participant.StandingOn(day).State, "the help desk sees the person left")
	require.NotNil(t, got2.Participant.Exit())
	assert.Equal(t, rf.Event.Refund.Amount, got2.Participant.Exit().Refund.Amount)

	// Recorded once, whatever the retries: the centre holds one event per decision.
	for _, pid := range []string{first.Form.PersonalID, second.Form.PersonalID} {
		var p central.Person
		require.NoError(t, c.Store.View(t.Context(), func(tx central.Tx) error {
			var err error
			p, _, err = tx.Person(pid)
			return err
		}))
		assert.Len(t, p.Events, 1)
	}
	// A second refund for the same person from the other desk is refused there, before any sync.
	_, err = a.Records.Decide(a.officer, second.Form.PersonalID, records.LifeInput{Kind: app.EventRefund, Reason: app.ReasonDeath,
		From: pv2.Participant.Periods[0].From})
	assert.Equal(t, app.CodeLifeLeft, app.CodeOf(err))

	centre, _, err := c.Service.Digest(t.Context(), "01001")
	require.NoError(t, err)
	for _, o := range []*office{a, b} {
		mine, _, err := o.Sync.Digest()
		require.NoError(t, err)
		assert.Equal(t, centre, mine, "desk %s holds what the centre holds for the office", o.Desk.Dir)
	}

	// The national records: the first person has 150 months and is now under compulsory
	// insurance; the third, registered but not paying, receives a pension.
	third := made[2]
	res, err := c.Service.SetHistory(t.Context(), []central.HistoryRecord{
		{PersonalID: first.Form.PersonalID, Months: 150, FirstJoined: "2012-01", CompulsoryFrom: "2026-01"},
		{PersonalID: third.Form.PersonalID, Months: 0, Pension: true},
		{PersonalID: "12", Months: 5},
	})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Updated)
	assert.Contains(t, res.Refused, "3", "a bad line is refused alone")
	sync(a)
	got, err = a.Records.Person(a.officer, first.Form.PersonalID)
	require.NoError(t, err)
	require.NotNil(t, got.Participant.History, "the desk has the person's history from the centre")
	assert.Equal(t, 150, got.Participant.History.Months)
	assert.Equal(t, app.CodeExcludedCompulsory, got.Participant.History.Exclusion(app.MonthOf(2026, 2)))
	assert.Equal(t, newIncome, got.Participant.Income, "the change stays with the history")

	// A new dossier for the person with a pension: the centre keeps it and tells the office why.
	other := newOffice(t, "48001", "48", "20194", "D1")
	c.enrol(t, other, c.Server.URL)
	reg, err := other.Intake.Register(other.helpdesk, intake.RegisterRequest{Form: third.Form, NotDuplicate: true})
	require.NoError(t, err)
	_, _, err = converge(other.engine(t, c.Server.URL, 100, 0), 5)
	require.NoError(t, err)
	notices, err := other.Sync.Notices(other.super, true)
	require.NoError(t, err)
	found := false
	for _, n := range notices {
		if n.Kind == app.CodeExcludedPension {
			found = true
			assert.Equal(t, reg.Dossier.Code, n.Args["dossier"])
			assert.Contains(t, ref.Catalog.T(app.VI, "err."+n.Reason, "value", n.Args["value"], "dossier", n.Args["dossier"]),
				"đang hưởng lương hưu")
		}
	}
	assert.True(t, found, "the office is told the person receives a pension: %+v", notices)

	// At a desk that holds the person's record with the history: refused at registration, with
	// the reason, before any sync.
	form := fake.New(99, ref.Places).Form()
	require.NoError(t, a.Records.Store.Update(func(tx records.Tx) error {
		return tx.PutParticipant(app.Participant{PersonalID: form.PersonalID, FullName: form.FullName,
			History: &app.CentralHistory{Pension: true}})
	}))
	_, err = a.Intake.Register(a.helpdesk, intake.RegisterRequest{Form: form, NotDuplicate: true})
	assert.Equal(t, app.CodeExcludedPension, app.CodeOf(err))
	assert.Equal(t, "personal_id", app.FieldOf(err))
}

// TestTwoRefundsOfflineAreToldNotDoubled: both desks of an office record a refund for the same
// person while offline. The first to sync is applied; the second is refused at the centre as a
// conflict, taken off the person at its desk, and a notice tells the officer — the person ends
// with one refund at both desks, and the centre's digest equals each desk's.
func TestTwoRefundsOfflineAreToldNotDoubled(t *testing.T) {
	c, a, b, sync := twoDesks(t)
	f := fake.New(21, ref.Places).Form()
	f.Method = "6-months"
	reg, err := a.Intake.Register(a.helpdesk, intake.RegisterRequest{Form: f, NotDuplicate: true})
	require.NoError(t, err)
	q := reg.Dossier.Quote
	sync(a)
	_, err = c.Service.PostVouchers(t.Context(), []app.VoucherInput{{ID: "feed-r", ReceiptNo: "BL-R", PersonalID: f.PersonalID,
		FullName: f.FullName, Amount: app.Amount(fmt.Sprint(q.Payable)), PaidOn: "2026-01-06", FromMonth: q.FromMonth.String(), Months: q.Months}})
	require.NoError(t, err)
	for range 2 {
		sync(a)
		sync(b)
	}
	from := q.FromMonth.Add(2)
	_, err = a.Records.Decide(a.officer, f.PersonalID, records.LifeInput{Kind: app.EventRefund, Reason: app.ReasonCompulsory, From: from})
	require.NoError(t, err)
	_, err = b.Records.Decide(b.officer, f.PersonalID, records.LifeInput{Kind: app.EventRefund, Reason: app.ReasonDeath, From: from})
	require.NoError(t, err)
	sync(a)
	sync(b)
	sync(a)
	for _, o := range []*office{a, b} {
		pv, err := o.Records.Person(o.officer, f.PersonalID)
		require.NoError(t, err)
		refunds := 0
		for _, e := range pv.Participant.Events {
			if e.Kind == app.EventRefund {
				refunds++
				assert.Equal(t, app.ReasonCompulsory, e.Reason, "the refund the centre applied, at desk %s", o.Desk.Dir)
			}
		}
		assert.Equal(t, 1, refunds, "one refund at desk %s", o.Desk.Dir)
	}
	notices, err := b.Sync.Notices(b.super, true)
	require.NoError(t, err)
	told := false
	for _, n := range notices {
		told = told || (n.Reason == app.CodeLifeLeft && n.Entity == f.PersonalID)
	}
	assert.True(t, told, "the officer whose refund was refused is told: %+v", notices)
	centre, _, err := c.Service.Digest(t.Context(), "01001")
	require.NoError(t, err)
	for _, o := range []*office{a, b} {
		mine, _, err := o.Sync.Digest()
		require.NoError(t, err)
		assert.Equal(t, centre, mine)
	}
}
