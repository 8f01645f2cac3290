package desk_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/storage"
)

// haNoiOther publishes support for everyone else in Hà Nội (a province's own decision, as data).
const haNoiOther = `{"table":"local_support","entries":[
 {"province":"01","group":"poor","from":"2026-01","value":{},"share":5000,"source":"NQ 19/2025/NQ-HĐND","status":"confirmed"},
 {"province":"01","group":"near-poor","from":"2026-01","value":{},"share":6000,"source":"NQ 19/2025/NQ-HĐND","status":"confirmed"},
 {"province":"01","group":"other","from":"2027-01","value":{},"share":2000,"source":"NQ của HĐND thành phố (thử)","status":"confirmed"}]}`

// openOffice starts an office as bhxh-desk does: the reference data through desk.LoadReference.
func openOffice(t *testing.T, dir string, now func() time.Time) *desk.Office {
	t.Helper()
	ref, err := desk.LoadReference(dir)
	require.NoError(t, err)
	cfg := storage.Config{Dir: dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: now, CacheMB: 16}
	o := desk.NewOffice(cfg, ref)
	t.Cleanup(func() { _ = o.Close() })
	return o
}

func quote2027(t *testing.T, o *desk.Office) app.Quote {
	t.Helper()
	q, err := o.Ref().Get().Rules.Quote(app.QuoteRequest{Income: 2_200_000, Method: app.Method{Kind: app.Monthly, Months: 1},
		Month: app.MonthOf(2027, time.January), Province: "01"})
	require.NoError(t, err)
	return q
}

func TestTheDeskAppliesWhatTheProvincePublishes(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	token := ctr.Enroll(t, "01001", "K7")
	dir := filepath.Join(t.TempDir(), "bhxh-desk")
	now := func() time.Time { return time.Date(2026, 12, 10, 9, 0, 0, 0, calendar.VN) }
	o := openOffice(t, dir, now)
	office := app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}
	_, err := o.Init(office, app.User{Name: "admin", FullName: "Quản trị"}, officePassword)
	require.NoError(t, err)
	_, sess, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	_, syncSvc := o.Services()
	require.NoError(t, syncSvc.SetCentral(sess, ctr.URL(), token))
	before := quote2027(t, o)
	assert.Equal(t, app.Money(0), before.LocalSupport)
	assert.Equal(t, app.Money(387_200), before.Payable)

	// The province publishes its support for everyone else from 2027, and a broken poverty
	// line (a gap) that must not be applied.
	ctx := context.Background()
	require.NoError(t, ctr.Service.PublishFile(ctx, app.RuleFile{Path: "rules/local_support.json", Data: []byte(haNoiOther)}))
	require.NoError(
		t,
		ctr.Service.PublishFile(ctx, app.RuleFile{Path: "rules/poverty_line.json", Data: []byte(`{"table":"poverty_line","entries":[
		{"from":"2016-01","to":"2021-12","value":700000,"source":"QĐ 59/2015","status":"confirmed"},
		{"from":"2023-01","value":1500000,"source":"NĐ 07/2021","status":"confirmed"}]}`)}),
	)
	version := o.Ref().Version()
	require.NoError(t, o.StartSync(ctx))
	deadline := time.Now().Add(30 * time.Second)
	for o.Ref().Version() == version && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.Greater(t, o.Ref().Version(), version, "the sync brought the file and the desk put it in force")
	after := quote2027(t, o)
	assert.Equal(t, app.Money(96_800), after.LocalSupport, "20% × 22% × 2,200,000, without a restart")
	assert.Equal(t, app.Money(290_400), after.Payable)
	assert.Equal(t, app.Money(2_200_000), after.Floor, "the broken poverty line was refused")

	// The refusal is a notice for a person, with the file's name.
	notices, err := syncSvc.Notices(sess, true)
	require.NoError(t, err)
	var refused []app.Notice
	for _, n := range notices {
		if n.Kind == "rule_file_refused" {
			refused = append(refused, n)
		}
	}
	require.Len(t, refused, 1)
	assert.Equal(t, "rules/poverty_line.json", refused[0].Entity)
	assert.Contains(t, o.Ref().Get().Catalog.Message(app.VI, &app.Error{Kind: app.Invalid, Code: refused[0].Reason, Args: refused[0].Args}),
		"rules/poverty_line.json")

	// The next start reads the published file through the same path, and starts.
	require.NoError(t, o.Close())
	again := openOffice(t, dir, now)
	assert.Equal(t, app.Money(96_800), quote2027(t, again).LocalSupport)
}

// TestWorkPutInTheOutboxWakesTheEngine: a workflow adjustment made through the service — no
// screen asking for a sync afterwards — reaches the centre at once, because the store wakes the
// engine whenever something goes into the outbox (the adjustment used to wait for the next
// timed round).
func TestWorkPutInTheOutboxWakesTheEngine(t *testing.T) {
	ctr := centraltest.Start(t, centraltest.Options{})
	token := ctr.Enroll(t, "01001", "K7")
	o := openOffice(t, filepath.Join(t.TempDir(), "bhxh-desk"), time.Now)
	_, err := o.Init(app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"},
		app.User{Name: "admin", FullName: "Quản trị"}, officePassword)
	require.NoError(t, err)
	in, sess, err := o.Open("admin", officePassword)
	require.NoError(t, err)
	sess.Idle = -1
	_, syncSvc := o.Services()
	require.NoError(t, syncSvc.SetCentral(sess, ctr.URL(), token))
	require.NoError(t, o.StartSync(context.Background()))
	waitFor(t, "the first round", func() bool { return o.SyncStatus().State == "uptodate" })

	_, err = in.AdjustWorkflow(
		sess,
		intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1, "finance": 2}, Reason: "Quyết định số 12/QĐ-BHXH"},
	)
	require.NoError(t, err)
	waitFor(t, "the adjustment at the centre", func() bool {
		var adj *contract.WorkflowAdjustmentV1
		_ = ctr.Store.View(context.Background(), func(tx central.Tx) error {
			of, ok, err := tx.Office("01001")
			if ok {
				adj = of.Workflow
			}
			return err
		})
		return adj != nil && adj.Days["check"] == 1
	})
}

// waitFor polls cond for up to 10 seconds (a timed round of the engine is minutes away).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
