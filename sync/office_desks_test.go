package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/intake"
	"bhxhdesk/officesync"
	"bhxhdesk/records"
)

// twoDesks is a centre and two desks of one office (K7 and K8) enrolled with it, and how a
// desk syncs until nothing is pending.
func twoDesks(t *testing.T) (c *centre, a, b *office, sync func(o *office)) {
	t.Helper()
	c = newCentre(t, nil)
	a, b = newOffice(t, "01001", "01", "00004", "K7"), newOffice(t, "01001", "01", "00004", "K8")
	c.enrol(t, a, c.Server.URL)
	tok := c.Enroll(t, b.agency, "K8")
	b.token = tok
	require.NoError(t, b.Sync.SetCentral(b.login(t, "admin"), c.Server.URL, tok))
	sync = func(o *office) {
		t.Helper()
		_, _, err := converge(o.engine(t, c.Server.URL, 100, 0), 5)
		require.NoError(t, err)
	}
	return c, a, b, sync
}

// TestAnOfficesDesksWorkOnOneDossier: the help desk registers walk-ins; after both desks sync,
// the officer's desk holds them, moves one on, and the help desk sees it at its new step after
// its next sync — each desk's digest then equals the centre's for the office. A duplicate
// walk-in at the second desk is caught there, not at the centre. Another office holds none of
// it.
func TestAnOfficesDesksWorkOnOneDossier(t *testing.T) {
	c, a, b, sync := twoDesks(t)
	other := newOffice(t, "48001", "48", "20194", "D1")
	c.enrol(t, other, c.Server.URL)

	made := a.register(t, 3, 4)
	sync(a)
	sync(b)
	sync(other)
	for _, d := range made {
		got, err := b.Intake.Dossier(b.officer, d.Code)
		require.NoError(t, err, "the officer's desk holds the help desk's dossier %s", d.Code)
		assert.Equal(t, d.Version, got.Version)
		_, err = other.Intake.Dossier(other.officer, d.Code)
		assert.Error(t, err, "another office does not")
	}

	// A second walk-in of the same person at the other desk is refused there.
	_, err := b.Intake.Register(b.helpdesk, intake.RegisterRequest{Form: made[0].Form, NotDuplicate: true})
	require.Equal(t, app.Conflict, app.KindOf(err), "%v", err)

	moved, err := b.Intake.Act(b.officer, made[0].Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	sync(b)
	sync(a)
	back, err := a.Intake.Dossier(a.officer, made[0].Code)
	require.NoError(t, err)
	assert.Equal(t, moved.Version, back.Version)
	assert.Equal(t, moved.Step, back.Step, "the help desk sees where the officer's desk moved it")

	// The accounting feed's voucher for a person reaches both desks: the help desk that
	// registered the person credits it, the officer's desk receives the voucher, the period, the
	// cover data and the paid dossier from it.
	f := made[1].Form
	_, err = c.Service.PostVouchers(t.Context(), []app.VoucherInput{{ID: "feed-1", ReceiptNo: "BL-9", PersonalID: f.PersonalID,
		FullName: f.FullName, Amount: app.Amount(fmt.Sprint(made[1].Quote.Payable)), PaidOn: "2026-01-06",
		FromMonth: made[1].Quote.FromMonth.String(), Months: made[1].Quote.Months}})
	require.NoError(t, err)
	for range 2 {
		sync(a)
		sync(b)
	}
	for _, o := range []*office{a, b} {
		p, err := o.Records.Person(o.officer, f.PersonalID)
		require.NoError(t, err)
		assert.Len(t, p.Participant.Periods, 1, "one period at desk %s", o.Desk.Dir)
		assert.NotNil(t, p.Cover, "the cover data at desk %s", o.Desk.Dir)
		require.Len(t, p.Vouchers, 1)
		assert.Equal(t, app.VoucherMatched, p.Vouchers[0].State.Status, "desk %s: %+v", o.Desk.Dir, p.Vouchers[0].State)
		// Only the desk that registered the person credited the payment: no desk holds a
		// conflict for a person to look at.
		notices, err := o.Sync.Notices(o.super, true)
		require.NoError(t, err)
		for _, n := range notices {
			assert.NotEqual(t, "op_conflict", n.Kind, "desk %s: %+v", o.Desk.Dir, n)
		}
		d, err := o.Intake.Dossier(o.officer, made[1].Code)
		require.NoError(t, err)
		assert.True(t, d.Has(app.ActPayment), "desk %s sees the dossier paid", o.Desk.Dir)
	}

	centre, _, err := c.Service.Digest(t.Context(), "01001")
	require.NoError(t, err)
	for _, o := range []*office{a, b} {
		mine, _, err := o.Sync.Digest()
		require.NoError(t, err)
		assert.Equal(t, centre, mine, "desk %s holds what the centre holds for the office", o.Desk.Dir)
	}
}

// TestADeskFromBeforeSharingTakesBackItsOfficesRecordsOnce: a desk whose store pulled before
// the office's desks shared their records (its cursor is past the other desk's work, which it
// never received) takes back the office's state at its next sync, once; a desk that pulls from
// the start needs no such download.
func TestADeskFromBeforeSharingTakesBackItsOfficesRecordsOnce(t *testing.T) {
	c, a, b, sync := twoDesks(t)
	sync(b)
	need, err := b.Sync.NeedsReconcile()
	require.NoError(t, err)
	require.False(t, need, "a desk that pulled from the start holds what is shared")

	made := a.register(t, 5, 2)
	sync(a)
	// B as a desk of the earlier version left it: its cursor past A's work, never received.
	require.NoError(t, b.Sync.Store.Update(func(tx officesync.Tx) error {
		var cur uint64
		if err := c.Store.View(context.Background(), func(ctx central.Tx) error {
			var err error
			cur, err = ctx.LastChange()
			return err
		}); err != nil {
			return err
		}
		if err := tx.PutSetting(app.SettingCursor, []byte(strconv.FormatUint(cur, 10))); err != nil {
			return err
		}
		return tx.PutSetting("sync/office_records", []byte("0"))
	}))
	need, err = b.Sync.NeedsReconcile()
	require.NoError(t, err)
	require.True(t, need)
	sync(b)
	for _, d := range made {
		_, err := b.Intake.Dossier(b.officer, d.Code)
		require.NoError(t, err, "taken back from the office's state")
	}
	need, err = b.Sync.NeedsReconcile()
	require.NoError(t, err)
	require.False(t, need, "once")
}

// TestAnExceptionResolvedAtOneDeskIsResolvedAtTheOthers: a voucher a desk recorded for nobody
// the office knows waits in its exceptions queue, and in the other desk's; voided at the first
// desk, it leaves both queues — no officer resolves it twice.
func TestAnExceptionResolvedAtOneDeskIsResolvedAtTheOthers(t *testing.T) {
	_, a, b, sync := twoDesks(t)
	made := a.register(t, 9, 1)[0]
	v, err := a.Records.AddVoucher(a.officer, app.VoucherInput{ReceiptNo: "BL-77", PersonalID: made.Form.PersonalID,
		FullName: made.Form.FullName, Amount: "1000", PaidOn: "2026-01-05", FromMonth: made.Quote.FromMonth.String(), Months: 1})
	require.NoError(t, err)
	require.Equal(t, app.VoucherException, v.State.Status, "an amount far below the quote")
	sync(a)
	sync(b)
	exc, err := b.Records.Exceptions(b.officer, 0)
	require.NoError(t, err)
	require.Len(t, exc, 1, "the other desk sees it waiting")

	_, err = a.Records.Resolve(a.officer, v.ID, records.ResolveRequest{Action: "void", Reason: "Nhập nhầm số tiền"})
	require.NoError(t, err)
	sync(a)
	sync(b)
	for _, o := range []*office{a, b} {
		exc, err := o.Records.Exceptions(o.officer, 0)
		require.NoError(t, err)
		assert.Empty(t, exc, "desk %s", o.Desk.Dir)
	}
}

// TestTwoDesksMovingOneDossierOfflineAreToldNotMerged: both desks of an office move the same
// dossier from the same version while offline (one advances it, the other returns it for
// completion). The first to sync wins; the second is told (a conflict notice with its own
// action), takes back the office's dossier in place of its own — never a history that is half
// one desk's and half the other's — and its next action applies on the office's version. Both
// desks then hold what the centre holds.
func TestTwoDesksMovingOneDossierOfflineAreToldNotMerged(t *testing.T) {
	c, a, b, sync := twoDesks(t)
	d := a.register(t, 11, 1)[0]
	sync(a)
	sync(b)

	advanced, err := a.Intake.Act(a.officer, d.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	_, err = b.Intake.Act(b.officer, d.Code, intake.ActRequest{Action: app.ActReturn, Reason: "Thiếu giấy tờ",
		Missing: []string{"Bản sao CCCD"}})
	require.NoError(t, err)
	sync(a)
	sync(b)

	got, err := b.Intake.Dossier(b.officer, d.Code)
	require.NoError(t, err)
	assert.Equal(t, advanced.Step, got.Step, "the second desk took back the office's dossier")
	assert.Equal(t, advanced.Version, got.Version)
	assert.Equal(t, advanced.Timeline[len(advanced.Timeline)-1].Action, got.Timeline[len(got.Timeline)-1].Action)
	notices, err := b.Sync.Notices(b.super, true)
	require.NoError(t, err)
	conflicts := 0
	for _, n := range notices {
		if n.Kind == "op_conflict" && n.Entity == d.Code {
			conflicts++
		}
	}
	assert.Equal(t, 1, conflicts, "the second desk is told, with its own action kept for a person")

	// Its next action is on the office's version (waiting at the payment step), and applies.
	_, err = b.Intake.Act(b.super, d.Code, intake.ActRequest{Action: app.ActReject, Reason: "Người tham gia đề nghị hủy"})
	require.NoError(t, err)
	sync(b)
	sync(a)
	centre, _, err := c.Service.Digest(t.Context(), "01001")
	require.NoError(t, err)
	for _, o := range []*office{a, b} {
		mine, _, err := o.Sync.Digest()
		require.NoError(t, err)
		assert.Equal(t, centre, mine, "desk %s", o.Desk.Dir)
	}
	cd, ok := c.dossiers(t)[d.Code]
	require.True(t, ok)
	centreDossier, err := app.DossierPayload.Unmarshal(cd.Body)
	require.NoError(t, err)
	for _, ev := range centreDossier.Timeline {
		assert.NotEqual(t, app.ActReturn, ev.Action, "the returned-for-completion history was not merged in")
	}
}

// TestASentBackDossierNeverRollsBackADeskThatWentOnFromIt: the office's dossier sent back after
// a conflict replaces the desk's own when the histories differ, but not when the desk already
// holds that history and went on from it (a store restored from backup that took back its
// office's state, then pulls the old change again).
func TestASentBackDossierNeverRollsBackADeskThatWentOnFromIt(t *testing.T) {
	_, a, _, _ := twoDesks(t)
	d := a.register(t, 13, 1)[0]
	moved, err := a.Intake.Act(a.officer, d.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	sendBack := func(seq uint64, rec app.Dossier) {
		t.Helper()
		body, err := app.DossierPayload.Marshal(rec)
		require.NoError(t, err)
		payload, err := json.Marshal(contract.OfficeRecordV1{Kind: "dossier", Record: body, Replace: true})
		require.NoError(t, err)
		require.NoError(t, a.Sync.ApplyPage(contract.Page{Cursor: seq, Changes: []contract.Change{{Seq: seq,
			Kind: contract.ChangeOfficeRecord, Entity: rec.Code, Payload: payload}}}))
	}
	sendBack(1, d) // the version the desk went on from
	got, err := a.Intake.Dossier(a.officer, d.Code)
	require.NoError(t, err)
	assert.Equal(t, moved.Version, got.Version, "kept: the desk holds that history and went on from it")
	assert.Equal(t, moved.Step, got.Step)

	other := moved
	other.Timeline = append(append([]app.Event{}, d.Timeline...), app.Event{At: moved.Timeline[1].At, User: "truongphong",
		Action: app.ActReturn, FromStep: d.Step, ToStep: d.Step})
	other.Step = d.Step
	sendBack(2, other) // another history at the same version
	got, err = a.Intake.Dossier(a.officer, d.Code)
	require.NoError(t, err)
	assert.Equal(t, app.ActReturn, got.Timeline[len(got.Timeline)-1].Action, "replaced: another history")
}
