package central_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

const (
	servedPID = "001190012345" // registered at office A (01001)
	otherPID  = "079088001234" // registered at office B (79001)
)

// op builds an operation of kind on entity with payload.
func op(t *testing.T, kind, entity string, base int, payload any) contract.Op {
	t.Helper()
	b, err := json.Marshal(payload)
	require.NoError(t, err)
	return contract.Op{OpID: app.NewUUIDv7(time.Now()), Kind: kind, EntityID: entity, BaseVersion: base, Payload: b}
}

func push(t *testing.T, c *central.Client, ops ...contract.Op) []contract.OpResult {
	t.Helper()
	res, err := c.Push(context.Background(), ops)
	require.NoError(t, err)
	require.Len(t, res, len(ops))
	return res
}

// stateOf is what the centre serves an office: its state and its change log, as JSON.
func stateOf(t *testing.T, c *central.Client) string {
	t.Helper()
	st, err := c.OfficeState(context.Background())
	require.NoError(t, err)
	page, err := c.Pull(context.Background(), 0, 1000)
	require.NoError(t, err)
	for i := range page.Changes {
		page.Changes[i].At = time.Time{}
	}
	st.Cursor = 0
	b, err := json.Marshal(struct {
		State   contract.OfficeData
		Changes []contract.Change
	}{st, page.Changes})
	require.NoError(t, err)
	return string(b)
}

// TestAnotherOfficeCannotChangeAnOfficesCitizens: office B's desk, with its own valid token,
// tries every kind of operation on office A's citizen and dossier; each is refused, and what the
// centre serves A afterwards is what it served before (not only the status code). Inside an
// office, a desk cannot take another desk's dossier codes.
func TestAnotherOfficeCannotChangeAnOfficesCitizens(t *testing.T) {
	s := newServer(t)
	a := s.client(t, "01001", "K7")
	b := s.client(t, "79001", "Q1")
	code := "01001-260105-K70001"

	// A registers its citizen, records a payment with its period, and creates the cover.
	dos := dossierOp(t, "01001", code, servedPID, 1)
	m := app.MonthOf(2026, time.January)
	voucher := app.Voucher{ID: "v-a-1", Kind: app.KindPayment, ReceiptNo: "BL-1", PersonalID: servedPID, FullName: "Nguyễn Thị Hồng Ánh",
		Amount: 330000, FromMonth: m, Months: 1}
	period := app.Period{From: m, To: m, Method: "monthly", Income: 1500000, Gross: 330000, Paid: 330000, Voucher: "v-a-1", ReceiptNo: "BL-1"}
	cover := app.BookCover{
		BookNo:     servedPID,
		PersonalID: servedPID,
		FullName:   "Nguyễn Thị Hồng Ánh",
		BirthDate:  "1990-05-17",
		Gender:     "female",
		Office:     "01001",
		Dossier:    code,
		Voucher:    "v-a-1",
		Status:     app.CoverCreated,
	}
	for _, r := range push(t, a, dos, op(t, "voucher.add", "v-a-1", 0, voucher), op(t, "period.add", servedPID, 0, period),
		op(t, "cover.create", servedPID, 0, cover)) {
		require.Equal(t, app.OpApplied, r.Status, "%+v", r)
	}
	// B registers its own citizen, whose identity differs from nobody's.
	require.Equal(t, app.OpApplied, push(t, b, dossierOp(t, "79001", "79001-260105-Q10001", otherPID, 1))[0].Status)
	before := stateOf(t, a)

	// Every kind of operation B may try on A's citizen and dossier.
	invented := app.Period{
		From:    m.Add(-12),
		To:      m.Add(-1),
		Method:  "monthly",
		Income:  1500000,
		Gross:   3960000,
		Paid:    3960000,
		Voucher: "v-b-x",
	}
	resolved := app.IdentityRecord{FullName: "Kẻ Mạo Danh", BirthDate: "1980-01-01", Gender: "male"}
	forgedCover := cover
	forgedCover.Office, forgedCover.FullName = "79001", "Kẻ Mạo Danh"
	event := app.DossierEvent{Event: app.Event{Action: app.ActReject, Reason: "x"}, State: app.StateRejected, Version: 2}
	theirs := dossierOp(t, "79001", "79001-260105-K70002", "079088005678", 2) // A's device code under B's agency
	stolen := dossierOp(t, "01001", "01001-260105-K70002", servedPID, 3)      // A's next code
	attacks := []struct {
		name   string
		op     contract.Op
		reason string
	}{
		{"period for A's citizen", op(t, "period.add", servedPID, 0, invented), "not_your_person"},
		{
			"identity decision for A's citizen",
			op(t, "identity.resolve", servedPID, 0, app.IdentityReview{ID: "R-" + servedPID, PersonalID: servedPID, Resolved: &resolved}),
			"not_your_person",
		},
		{"cover created for A's citizen", op(t, "cover.create", servedPID, 0, forgedCover), "not_your_person"},
		{"cover issued for A's citizen", op(t, "cover.issue", servedPID, 0, forgedCover), "not_your_person"},
		{"cover printed for A's citizen", op(t, "cover.print", servedPID, 1, map[string]any{}), "cover_other_office"},
		{"A's next dossier code", stolen, "not_your_office"},
		{"an event on A's dossier", op(t, "dossier.event", code, 1, event), "not_your_office"},
		{"A's workflow", op(t, app.OpOfficeWorkflow, "01001", 0, app.OfficeWorkflowChange{}), "not_your_office"},
		{"A's monthly report", op(t, app.OpReportMonthly, "01001/2026-11", 0,
			app.ReportPayload.To(app.MonthlyReport{Office: "01001", Month: app.MonthOf(2026, 11)})), "not_your_office"},
		{"a refund for A's citizen", op(t, app.OpParticipantEvent, servedPID, 0, app.LifeEventPayload.To(app.LifeEvent{ID: "e-b-1",
			Kind: app.EventRefund, From: m, Reason: app.ReasonDeath, Refund: &app.Refund{Reason: app.ReasonDeath, From: m, Months: 1,
				Amount: 330000}})), "not_your_person"},
		{"a change of A's citizen's income", op(t, app.OpParticipantEvent, servedPID, 0, app.LifeEventPayload.To(app.LifeEvent{ID: "e-b-2",
			Kind: app.EventChange, From: m.Add(1), Income: 46_800_000, Method: "monthly"})), "not_your_person"},
	}
	for _, at := range attacks {
		r := push(t, b, at.op)[0]
		assert.Equal(t, app.OpRejected, r.Status, "%s: %+v", at.name, r)
		assert.Equal(t, at.reason, r.Reason, at.name)
	}
	// B's own code with another device code than its own is refused too, once Q1 is claimed by
	// B's desk — B's first code claimed Q1; K7 under 79001 is free, so B's desk may claim it,
	// but then no other desk of 79001 can use it.
	require.Equal(t, app.OpApplied, push(t, b, theirs)[0].Status)
	b2 := s.client(t, "79001", "Q2")
	r := push(t, b2, dossierOp(t, "79001", "79001-260105-Q10009", "079088009999", 1))[0]
	assert.Equal(t, "dossier_code_not_yours", r.Reason, "another desk's codes")

	// A voucher B records for A's citizen stays B's: nothing reaches A.
	assert.Equal(
		t,
		app.OpApplied,
		push(t, b, op(t, "voucher.add", "v-b-1", 0, app.Voucher{ID: "v-b-1", PersonalID: servedPID, ReceiptNo: "X"}))[0].Status,
	)
	assert.Equal(t, before, stateOf(t, a), "what the centre serves A is unchanged")

	// The accounting feed still routes the citizen's next voucher to A alone.
	_, err := s.svc.PostVouchers(context.Background(), []app.VoucherInput{{ID: "feed-1", ReceiptNo: "BL-2", PersonalID: servedPID,
		FullName: "Nguyễn Thị Hồng Ánh", Amount: "330000", PaidOn: "2026-02-05", FromMonth: "2026-02", Months: 1}})
	require.NoError(t, err)
	assert.Contains(t, stateOf(t, a), "feed-1", "routed to A")
	assert.NotContains(t, stateOf(t, b), "feed-1", "not to B")
}

// TestTheCentreChecksWhatItStores: a registration with a name of 100,000 letters, a birth date
// that is not one or a gender that is not one is refused; a review's decision must choose one of
// the identities recorded, each of which the desk's form would take.
func TestTheCentreChecksWhatItStores(t *testing.T) {
	s := newServer(t)
	a := s.client(t, "01001", "K7")
	bad := func(mut func(*app.RegistrationForm)) contract.Op {
		m := app.MonthOf(2026, time.January)
		d := app.Dossier{
			Code:    "01001-260105-K70009",
			Office:  "01001",
			Version: 1,
			State:   app.StateOpen,
			Quote:   app.Quote{FromMonth: m, ToMonth: m},
			Form:    app.RegistrationForm{FullName: "Nguyễn Thị Hồng Ánh", Gender: "female", BirthDate: "1990-05-17", PersonalID: servedPID},
		}
		mut(&d.Form)
		return op(t, "dossier.create", d.Code, 0, d)
	}
	for name, mut := range map[string]func(*app.RegistrationForm){
		"long name":                func(f *app.RegistrationForm) { f.FullName = strings.Repeat("a", 100000) },
		"not a date":               func(f *app.RegistrationForm) { f.BirthDate = "not-a-date" },
		"robot":                    func(f *app.RegistrationForm) { f.Gender = "robot" },
		"an address of a megabyte": func(f *app.RegistrationForm) { f.Address.Detail = strings.Repeat("Thôn ", 200000) },
		"a phone of a megabyte":    func(f *app.RegistrationForm) { f.Phone = strings.Repeat("9", 1<<20) },
	} {
		r := push(t, a, bad(mut))[0]
		assert.Equal(t, app.OpRejected, r.Status, name)
		assert.Equal(t, "bad_identity", r.Reason, name)
	}

	// Two registrations of one ID with differing names open a review at the centre.
	b := s.client(t, "79001", "Q1")
	require.Equal(t, app.OpApplied, push(t, a, dossierOp(t, "01001", "01001-260105-K70001", servedPID, 1))[0].Status)
	other := dossierOp(t, "79001", "79001-260105-Q10001", servedPID, 1)
	other.Payload = []byte(strings.Replace(string(other.Payload), "Hồng Ánh", "Hồng", 1))
	require.Equal(t, app.OpApplied, push(t, b, other)[0].Status)
	decide := func(c *central.Client, name string) contract.OpResult {
		rec := app.IdentityRecord{FullName: name, BirthDate: "1990-05-17", Gender: "female"}
		return push(t, c, op(t, "identity.resolve", servedPID, 0, app.IdentityReview{ID: "R-" + servedPID, PersonalID: servedPID,
			Resolved: &rec}))[0]
	}
	assert.Equal(t, "identity_not_recorded", decide(a, "Tên Bịa Ra").Reason, "only an identity an office recorded")
	assert.Equal(t, "bad_payload", decide(a, strings.Repeat("b", 101)).Reason)
	outsider := s.client(t, "48001", "D1")
	assert.Equal(t, "not_your_person", decide(outsider, "Nguyễn Thị Hồng Ánh").Reason)
	// B registered the same ID under another name: it cannot make its version the person's,
	// and the review it receives shows nothing of A's record.
	assert.Equal(t, "review_other_office", decide(b, "Nguyễn Thị Hồng").Reason)
	page, err := b.Pull(context.Background(), 0, 100)
	require.NoError(t, err)
	var seen int
	for _, ch := range page.Changes {
		if ch.Kind == app.ChangeIdentityReview {
			seen++
			assert.NotContains(t, string(ch.Payload), "Hồng Ánh", "A's record is not B's to see")
			assert.NotContains(t, string(ch.Payload), "01001-260105-K70001")
		}
	}
	assert.Equal(t, 1, seen)
	assert.Equal(t, app.OpApplied, decide(a, "Nguyễn Thị Hồng Ánh").Status)
}

// TestAKeyIsOneDevicesAndAKeysFileListsItOnce: a desk cannot register another office's public
// key as its own (the keys file every office trusts would list it twice), and an administrator
// cannot publish a keys file that lists a key for two offices.
func TestAKeyIsOneDevicesAndAKeysFileListsItOnce(t *testing.T) {
	s := newServer(t)
	a := s.client(t, "01001", "K7")
	b := s.client(t, "79001", "Q1")
	ctx := context.Background()
	k, err := seal.GenerateSigningKey(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, a.RegisterKey(ctx, k.Trusted("01001", "K7", time.Now())))
	err = b.RegisterKey(ctx, k.Trusted("79001", "Q1", time.Now()))
	assert.Equal(t, app.Forbidden, app.KindOf(err), "A's key is A's")

	published := publishedKeys(t, a)
	require.Len(t, published, 1)
	assert.Equal(t, "01001", published[0].Office)

	twice, err := json.Marshal([]seal.TrustedKey{k.Trusted("01001", "K7", time.Now()), k.Trusted("79001", "Q1", time.Now())})
	require.NoError(t, err)
	err = s.svc.PublishFile(ctx, app.RuleFile{Path: "keys/extra.json", Data: twice})
	assert.Equal(t, app.Invalid, app.KindOf(err), "a key listed for two offices is not published")
}

// TestRevocationAndReenrolmentTakeEffectAtTheNextRequest: a lost desk is revoked — its very
// next request is refused and its key is published as revoked; a desk whose token leaked gets
// a new one — the old token is refused at once, the new one works, and its dossier codes stay
// its own; a revoked desk enrolled again keeps its old key listed as revoked.
func TestRevocationAndReenrolmentTakeEffectAtTheNextRequest(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	lost := s.client(t, "01001", "K7")
	k, err := seal.GenerateSigningKey(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, lost.RegisterKey(ctx, k.Trusted("01001", "K7", time.Now())))
	require.Equal(t, app.OpApplied, push(t, lost, dossierOp(t, "01001", "01001-260105-K70001", servedPID, 1))[0].Status)

	dev, err := s.svc.Revoke(ctx, "01001", "k7")
	require.NoError(t, err)
	assert.False(t, dev.Revoked.IsZero())
	_, err = lost.Push(ctx, []contract.Op{dossierOp(t, "01001", "01001-260105-K70002", otherPID, 2)})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "refused at the next request")
	other := s.client(t, "01001", "K8")
	keys := publishedKeys(t, other)
	require.Len(t, keys, 1)
	assert.False(t, keys[0].Revoked.IsZero(), "its key is published as revoked")

	// The same name enrolled again (a new machine): the old key stays listed, revoked.
	_, tok, err := s.svc.Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)
	again, err := central.NewClient(central.ClientConfig{BaseURL: s.url, Token: tok})
	require.NoError(t, err)
	require.Equal(t, app.OpApplied, push(t, again, dossierOp(t, "01001", "01001-260105-K70002", otherPID, 1))[0].Status,
		"the device's codes are still its own")
	err = again.RegisterKey(ctx, k.Trusted("01001", "K7", time.Now()))
	assert.Equal(t, app.Forbidden, app.KindOf(err), "a revoked key is not taken back")
	keys = publishedKeys(t, other)
	require.Len(t, keys, 1)
	assert.False(t, keys[0].Revoked.IsZero())

	// A leaked token is replaced: the old one is refused at once, the new one works.
	_, fresh, err := s.svc.Reenrol(ctx, "01001", "K8")
	require.NoError(t, err)
	_, err = other.Pull(ctx, 0, 10)
	assert.Equal(t, app.Forbidden, app.KindOf(err), "the old token")
	renewed, err := central.NewClient(central.ClientConfig{BaseURL: s.url, Token: fresh})
	require.NoError(t, err)
	_, err = renewed.Pull(ctx, 0, 10)
	assert.NoError(t, err, "the new token")
	_, _, err = s.svc.Reenrol(ctx, "01001", "K9")
	assert.Equal(t, app.NotFound, app.KindOf(err))
}

// publishedKeys is the keys file the centre last published, as a desk pulls it.
func publishedKeys(t *testing.T, c *central.Client) []seal.TrustedKey {
	t.Helper()
	page, err := c.Pull(context.Background(), 0, 1000)
	require.NoError(t, err)
	var keys []seal.TrustedKey
	for _, ch := range page.Changes {
		if ch.Kind == app.ChangeRuleFile && ch.Entity == "keys/devices.json" {
			var f app.RuleFile
			require.NoError(t, json.Unmarshal(ch.Payload, &f))
			keys, err = seal.ParseTrustedKeys(f.Data)
			require.NoError(t, err)
		}
	}
	return keys
}

// TestASecondOfficesCoverIsAConflictForAPerson: a person registered at A, then at B (moved);
// B's desk makes a cover on the first payment it records. The centre keeps A as the issuing
// office, tells B which, and gives A a notice to look at it with B.
func TestASecondOfficesCoverIsAConflictForAPerson(t *testing.T) {
	s := newServer(t)
	a := s.client(t, "01001", "K7")
	b := s.client(t, "79001", "Q1")
	require.Equal(t, app.OpApplied, push(t, a, dossierOp(t, "01001", "01001-260105-K70001", servedPID, 1))[0].Status)
	require.Equal(t, app.OpApplied, push(t, b, dossierOp(t, "79001", "79001-260105-Q10001", servedPID, 1))[0].Status)
	cover := app.BookCover{
		BookNo:     servedPID,
		PersonalID: servedPID,
		FullName:   "Nguyễn Thị Hồng Ánh",
		BirthDate:  "1990-05-17",
		Gender:     "female",
		Office:     "79001",
		Dossier:    "79001-260105-Q10001",
		Status:     app.CoverCreated,
	}
	r := push(t, b, op(t, "cover.create", servedPID, 0, cover))[0]
	assert.Equal(t, "cover_other_office", r.Reason)
	assert.Equal(t, "01001", r.Args["office"])
	page, err := a.Pull(context.Background(), 0, 100)
	require.NoError(t, err)
	var conflict *contract.Change
	for i, ch := range page.Changes {
		if ch.Kind == app.ChangeCoverConflict {
			conflict = &page.Changes[i]
		}
	}
	require.NotNil(t, conflict, "A is told")
	assert.Contains(t, string(conflict.Payload), "79001-260105-Q10001")
}

// TestARolloutOfDesksSendsTheKeysFileOncePerInterval: while hundreds of desks enrol, each new
// key would send every desk a new keys file over its slow link. With KeysEvery the first key
// goes out at once, the next ones wait and go out together; a revocation never waits.
func TestARolloutOfDesksSendsTheKeysFileOncePerInterval(t *testing.T) {
	s := newServer(t)
	s.svc.KeysEvery = time.Hour
	now := time.Now()
	s.svc.Now = func() time.Time { return now }
	ctx := context.Background()
	var clients []*central.Client
	for i, office := range []string{"01001", "79001", "48001"} {
		c := s.client(t, office, fmt.Sprintf("K%d", i))
		k, err := seal.GenerateSigningKey(rand.Reader)
		require.NoError(t, err)
		require.NoError(t, c.RegisterKey(ctx, k.Trusted(office, fmt.Sprintf("K%d", i), time.Now())))
		clients = append(clients, c)
	}
	assert.Len(t, publishedKeys(t, clients[0]), 1, "the first key at once; the others wait")
	now = now.Add(30 * time.Minute)
	done, err := s.svc.PublishPendingKeys(ctx)
	require.NoError(t, err)
	assert.False(t, done, "not before the interval has passed")
	now = now.Add(31 * time.Minute)
	done, err = s.svc.PublishPendingKeys(ctx)
	require.NoError(t, err)
	assert.True(t, done)
	assert.Len(t, publishedKeys(t, clients[0]), 3, "the waiting keys together")
	done, err = s.svc.PublishPendingKeys(ctx)
	require.NoError(t, err)
	assert.False(t, done, "nothing waits")

	_, err = s.svc.Revoke(ctx, "79001", "K1")
	require.NoError(t, err)
	revoked := 0
	for _, k := range publishedKeys(t, clients[0]) {
		if !k.Revoked.IsZero() {
			revoked++
		}
	}
	assert.Equal(t, 1, revoked, "a revocation goes out at once")
}

// TestTwoDesksWhoseCodesShareAPrefixKeepTheirOwnDossiers: device codes are two to four
// letters or digits, so an office may have K7 and K70. A dossier K700001 is K70's (four
// digits follow the device code), and K7's desk cannot take it.
func TestTwoDesksWhoseCodesShareAPrefixKeepTheirOwnDossiers(t *testing.T) {
	s := newServer(t)
	k7 := s.client(t, "01001", "K7")
	k70 := s.client(t, "01001", "K70")
	require.Equal(t, app.OpApplied, push(t, k7, dossierOp(t, "01001", "01001-260105-K70001", servedPID, 1))[0].Status)
	r := push(t, k70, dossierOp(t, "01001", "01001-260105-K700001", "001190054321", 1))[0]
	assert.Equal(t, app.OpApplied, r.Status, "%+v", r)
	r = push(t, k7, dossierOp(t, "01001", "01001-260105-K700002", "001190054322", 2))[0]
	assert.Equal(t, "dossier_code_not_yours", r.Reason, "K70's codes are K70's")
	r = push(t, k70, dossierOp(t, "01001", "01001-260105-K70002", "001190054323", 2))[0]
	assert.Equal(t, "dossier_code_not_yours", r.Reason, "and K7's are K7's")
}
