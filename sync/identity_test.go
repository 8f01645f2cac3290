package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/fake"
)

// oldTones writes a name with the old tone placement on oa/oe/uy ("Hòa" → "Hoà", "Thủy" →
// "Thuỷ"), as some keyboards and older records do.
func oldTones(name string) (string, bool) {
	pairs := map[string]string{"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ọe": "oẹ",
		"ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
	out := name
	for from, to := range pairs {
		out = strings.ReplaceAll(out, from, to)
	}
	return out, out != name
}

func (c *centre) people(t testing.TB) map[string]central.Person {
	t.Helper()
	return centraltest.People(t, c.Store)
}

func syncOnce(t testing.TB, o *office, url string) {
	t.Helper()
	_, _, err := converge(o.engine(t, url, 200, 30*time.Second), 3)
	require.NoError(t, err)
}

// TestSamePersonAtTwoOfficesIsOnePersonAndDifferencesGoToReview registers 1,000 people offline
// at two offices — the second time with the name in NFD, with old tone marks, with a birth-date
// typo, or identical — and checks that the centre keeps exactly one person per personal ID, links
// every pair, and sends every pair that really differs to review without merging anything.
func TestSamePersonAtTwoOfficesIsOnePersonAndDifferencesGoToReview(t *testing.T) {
	c := newCentre(t, nil)
	a, b := newOffice(t, "01001", "01", "00004", "K7"), newOffice(t, "48001", "48", "20194", "D1")
	c.enrol(t, a, c.Server.URL)
	c.enrol(t, b, c.Server.URL)
	g := fake.New(2026, ref.Places)
	type pair struct {
		pid     string
		variant string
		differs bool
	}
	var pairs []pair
	seen := map[string]bool{}
	for len(pairs) < 1000 {
		f := g.Form()
		if seen[f.PersonalID] {
			continue
		}
		seen[f.PersonalID] = true
		v := f
		p := pair{pid: f.PersonalID}
		switch len(pairs) % 4 {
		case 0:
			v.FullName, p.variant = norm.NFD.String(f.FullName), "nfd"
		case 1:
			if old, ok := oldTones(f.FullName); ok {
				v.FullName, p.variant = old, "old-tones"
			} else {
				v.FullName, p.variant = strings.ToUpper(f.FullName), "upper-case"
			}
		case 2:
			day := f.BirthDate[8:]
			if day == "01" {
				day = "02"
			} else {
				day = fmt.Sprintf("%02d", int(day[0]-'0')*10+int(day[1]-'0')-1)
			}
			v.BirthDate, p.variant, p.differs = f.BirthDate[:8]+day, "birth-date typo", true
		case 3:
			p.variant = "identical"
		}
		_, err := a.Intake.Register(a.helpdesk, intake.RegisterRequest{Form: f, NotDuplicate: true})
		require.NoError(t, err)
		_, err = b.Intake.Register(b.helpdesk, intake.RegisterRequest{Form: v, NotDuplicate: true})
		require.NoError(t, err, p.variant)
		pairs = append(pairs, p)
	}
	syncOnce(t, a, c.Server.URL)
	syncOnce(t, b, c.Server.URL)
	syncOnce(t, a, c.Server.URL) // a hears of the reviews b's registrations opened

	people := c.people(t)
	assert.Len(t, people, 1000, "exactly one person per personal ID")
	var reviews []app.IdentityReview
	require.NoError(t, c.Store.View(context.Background(), func(tx central.Tx) error {
		var err error
		reviews, err = tx.Reviews(false)
		return err
	}))
	inReview := map[string]app.IdentityReview{}
	for _, r := range reviews {
		inReview[r.PersonalID] = r
	}
	differing := 0
	for _, p := range pairs {
		per := people[p.pid]
		require.Len(t, per.Records, 2, "%s (%s): both registrations linked", p.pid, p.variant)
		assert.Equal(t, []string{"01001", "48001"}, per.Offices)
		assert.Equal(t, "01001", per.Identity.Office, "nothing merged: the first identity stays in force")
		r, ok := inReview[p.pid]
		assert.Equal(t, p.differs, ok, "%s (%s) in review", p.pid, p.variant)
		if p.differs {
			differing++
			assert.Equal(t, []string{"birth_date"}, r.Differs)
			assert.Equal(t, r.ID, per.Review)
		}
	}
	assert.Equal(t, 250, differing)
	assert.Len(t, reviews, 250, "only the pairs that differ are in review")

	// Both offices see every review as a notice.
	for _, o := range []*office{a, b} {
		ns, err := o.Sync.Notices(o.super, false)
		require.NoError(t, err)
		n := 0
		for _, x := range ns {
			if x.Kind == "identity_review" {
				n++
			}
		}
		assert.Equal(t, 250, n, "office %s", o.agency)
	}

	// b registered second: its reviews hold only its own records (nothing of a's citizen's
	// record), and a, the office of the first registration, decides.
	ns, err := b.Sync.Notices(b.super, false)
	require.NoError(t, err)
	var theirs app.Notice
	for _, n := range ns {
		if n.Kind == "identity_review" {
			theirs = n
			break
		}
	}
	require.NotNil(t, theirs.Review)
	assert.Equal(t, "01001", theirs.Review.Decider)
	for _, r := range theirs.Review.Records {
		assert.Equal(t, "48001", r.Office, "no record of the other office")
	}
	assert.Equal(t, "review_other_office", codeOf(b.Sync.ResolveIdentity(b.super, theirs.ID, 0, "")), "the first office decides")

	// A supervisor at a decides it: a's birth date was right. The decision reaches both.
	target, ok, err := noticeOf(a, theirs.ID)
	require.NoError(t, err)
	require.True(t, ok)
	choice := -1
	for i, r := range target.Review.Records {
		if r.Office == "01001" {
			choice = i
		}
	}
	require.GreaterOrEqual(t, choice, 0)
	assert.Equal(t, app.Forbidden, app.KindOf(a.Sync.ResolveIdentity(a.helpdesk, target.ID, choice, "")), "supervisors decide")
	require.NoError(t, a.Sync.ResolveIdentity(a.super, target.ID, choice, "Đối chiếu CCCD bản gốc"))
	syncOnce(t, a, c.Server.URL)
	syncOnce(t, b, c.Server.URL)
	per := c.people(t)[target.Entity]
	assert.Empty(t, per.Review)
	assert.Equal(t, "01001", per.Identity.Office)
	for _, o := range []*office{a, b} {
		n, ok, err := noticeOf(o, target.ID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, n.Resolved, "office %s closed the review", o.agency)
	}
}

func noticeOf(o *office, id string) (app.Notice, bool, error) {
	var (
		n  app.Notice
		ok bool
	)
	err := o.DB.View(func(tx app.Tx) error {
		var err error
		n, ok, err = tx.Notice(id)
		return err
	})
	return n, ok, err
}

// TestProvisionalCoverBecomesFinalAndFeedVouchersMatch follows a first-time participant: a
// voucher from the central accounting feed posted before the registration reached the centre
// waits, then is routed to the office and matched there; the cover issued and printed offline is
// provisional until the centre confirms it, after which prints are final.
func TestProvisionalCoverBecomesFinalAndFeedVouchersMatch(t *testing.T) {
	c := newCentre(t, nil)
	a := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, a, c.Server.URL)
	f := fake.New(9, ref.Places).Form()
	f.Method, f.SupportGroup, f.Income, f.Ethnicity = "monthly", "other", "1500000", "01"
	res, err := a.Intake.Register(a.helpdesk, intake.RegisterRequest{Form: f})
	require.NoError(t, err)

	// The feed posts the payment before the office has synced: the centre keeps it waiting.
	ids, err := c.Service.PostVouchers(context.Background(), []app.VoucherInput{{ReceiptNo: "KTTT-26-0001", PersonalID: f.PersonalID,
		FullName: f.FullName, Amount: "264000", PaidOn: "2026-01-06", FromMonth: "2026-01", Months: 1, Collector: "Kế toán tập trung"}})
	require.NoError(t, err)
	syncOnce(t, a, c.Server.URL) // pushes the dossier; the waiting voucher is routed and pulled at once
	syncOnce(t, a, c.Server.URL)
	pv, err := a.Records.Person(a.officer, f.PersonalID)
	require.NoError(t, err)
	require.Len(t, pv.Participant.Periods, 1, "the feed voucher was matched at the office")
	assert.Equal(t, ids[0], pv.Participant.Periods[0].Voucher)
	require.NotNil(t, pv.Cover)
	d, err := a.Intake.Dossier(a.officer, res.Dossier.Code)
	require.NoError(t, err)
	assert.True(t, d.Has(app.ActPayment), "the payment is on the dossier's timeline")

	_, err = a.Records.IssueCover(a.officer, f.PersonalID)
	require.NoError(t, err)
	prints, err := a.Records.PrintCovers(a.officer, []string{f.PersonalID}, "")
	require.NoError(t, err)
	assert.False(t, prints[0].Final, "offline: provisional")

	syncOnce(t, a, c.Server.URL)
	pv, err = a.Records.Person(a.officer, f.PersonalID)
	require.NoError(t, err)
	assert.Equal(t, app.CoverConfirmed, pv.Cover.Status)
	prints, err = a.Records.PrintCovers(a.officer, []string{f.PersonalID}, "")
	require.NoError(t, err, "the first official print is no reprint: no reason asked")
	assert.True(t, prints[0].Final, "after the centre confirmed: final")
	assert.Equal(t, 0, prints[0].Reprint, "not stamped as a reprint")
	_, err = a.Records.PrintCovers(a.officer, []string{f.PersonalID}, "")
	var ae *app.Error
	require.ErrorAs(t, err, &ae, "the second official print is a reprint")
	assert.Equal(t, "reprint_reason_required", ae.Code)
	prints, err = a.Records.PrintCovers(a.officer, []string{f.PersonalID}, "Bản chính thức bị nhòe")
	require.NoError(t, err)
	assert.Equal(t, 1, prints[0].Reprint)

	local, _, err := a.Sync.Digest()
	require.NoError(t, err)
	remote, _, err := c.Service.Digest(context.Background(), "01001")
	require.NoError(t, err)
	assert.Equal(t, local, remote)
}

// TestClockJumpsDoNotReorderOperations sets the desk's clock back an hour and forward a day
// between changes: the outbox keeps the order of the changes (device sequence) and its hybrid
// clock never goes back, and the centre applies them in that order.
func TestClockJumpsDoNotReorderOperations(t *testing.T) {
	c := newCentre(t, nil)
	a := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, a, c.Server.URL)
	ds := a.register(t, 5, 1)
	a.clock.add(-time.Hour)
	_, err := a.Intake.Act(a.officer, ds[0].Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	a.clock.add(25 * time.Hour)
	_, err = a.Intake.Act(a.officer, ds[0].Code, intake.ActRequest{Action: app.ActReturn, Missing: []string{"Giấy xác nhận hộ nghèo"}})
	require.NoError(t, err)
	a.clock.add(-30 * time.Minute)
	_, err = a.Intake.Act(a.officer, ds[0].Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	ops, err := a.Sync.Outbox(0)
	require.NoError(t, err)
	require.Len(t, ops, 4)
	for i := 1; i < len(ops); i++ {
		assert.Equal(t, ops[i-1].DeviceSeq+1, ops[i].DeviceSeq)
		assert.Less(t, ops[i-1].HLC, ops[i].HLC, "the hybrid clock never goes back")
	}
	syncOnce(t, a, c.Server.URL)
	var body app.Dossier
	require.NoError(t, json.Unmarshal(c.dossiers(t)[ds[0].Code].Body, &body))
	assert.Equal(t, 4, body.Version)
	var acts []app.Action
	for _, e := range body.Timeline {
		acts = append(acts, e.Action)
	}
	assert.Equal(t, []app.Action{app.ActReceive, app.ActAdvance, app.ActReturn, app.ActResubmit}, acts)
}

func codeOf(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
