package ui_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/desk"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/officesync"
	"bhxhdesk/ui"
	"bhxhdesk/ui/syncui"
)

// centre is the reference central server on loopback, with a device token for the test
// office.
type centre struct {
	srv    *httptest.Server
	token  string
	other  string       // the token of another desk of the office
	pushed atomic.Int64 // operations the centre took in
}

func newCentre(t *testing.T) *centre {
	t.Helper()
	c := &centre{}
	ctr := centraltest.Start(t, centraltest.Options{OnPush: func(_ context.Context, _ string, ops, _ int) { c.pushed.Add(int64(ops)) }})
	c.srv, c.token = ctr.Server, ctr.Enroll(t, testOffice.Agency, testOffice.Device)
	c.other = ctr.Enroll(t, testOffice.Agency, "k9") // another desk of the office, typed in lower case
	return c
}

// startSync starts the office's sync engine as the program does after sign-in.
func startSync(t *testing.T, o *desk.Office) {
	t.Helper()
	require.NoError(t, o.StartSync(context.Background()))
}

// TestSyncBarFollowsTheEngine shows the engine's states on the status bar: offline before
// enrolment, up to date after a round, offline when the centre is gone, an error a person must
// fix when the token is refused.
func TestSyncBarFollowsTheEngine(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	ctr := newCentre(t)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	startSync(t, o)
	bar := d.SyncBar()
	require.NotNil(t, bar)
	offlineBeforeEnrolment(t, d, bar)

	registerMonthly(t, o, 41)
	_, sync := o.Services()
	_, admin := d.service(t, "admin")
	require.NoError(t, sync.SetCentral(admin, ctr.srv.URL, ctr.token))
	test.Tap(bar.SyncNow)
	d.waitFor(t, "up to date", func() bool { return bar.Status().State == app.SyncUpToDate })
	assert.Equal(t, "Đã đồng bộ", bar.State.Text)
	assert.Equal(t, widget.SuccessImportance, bar.State.Importance)
	assert.Equal(t, "Đồng bộ lần cuối: 08:00 05/01/2026", bar.Last.Text, "the office's clock, HH:MM dd/mm/yyyy")
	assert.Equal(t, "Chờ gửi: 0", bar.Pending.Text)
	d.shot(t, "syncbar-uptodate")

	// The dossier detail says it was sent.
	d.open(t, ui.PageQueue)
	d.Queue().Reload()
	d.Wait()
	d.Queue().Rows.List.Select(0)
	d.Wait()
	assert.True(t, strings.HasPrefix(d.DossierSync().State.Text, "Đồng bộ: đã gửi lên trung tâm ("), d.DossierSync().State.Text)

	// The centre is gone: new work waits, and the bar says why.
	ctr.srv.Close()
	registerMonthly(t, o, 42)
	test.Tap(bar.SyncNow)
	d.waitFor(t, "offline, centre unreachable", func() bool {
		return bar.Status().State == app.SyncOffline && bar.Status().Pending > 0
	})
	assert.Equal(t, "Ngoại tuyến", bar.State.Text)
	test.Tap(bar.Why)
	assert.Contains(t, dialogText(d.win), "Ngoại tuyến — Không kết nối được hệ thống trung tâm (máy chủ không nhận kết nối",
		"the reason in Vietnamese, not Go's")
	assert.NotContains(t, dialogText(d.win), "))", "no parenthesis inside a parenthesis")
	closeDialogs(d.win)
	assert.Equal(t, "Chờ gửi: 1", bar.Pending.Text)
	assert.Equal(t, "Đồng bộ lần cuối: 08:00 05/01/2026", bar.Last.Text, "the last success stays")

	// A refused token is an error for a person to fix.
	ctr2 := newCentre(t)
	require.NoError(t, sync.SetCentral(admin, ctr2.srv.URL, "mã-sai"))
	test.Tap(bar.SyncNow)
	d.waitFor(t, "failed on the token", func() bool { return bar.Status().State == app.SyncFailed })
	assert.Equal(t, "Đồng bộ lỗi", bar.State.Text)
	test.Tap(bar.Why)
	assert.Contains(t, dialogText(d.win), "Đồng bộ lỗi: Mã máy không đúng hoặc đã bị thu hồi; quản trị viên cần đăng ký lại máy.")
	closeDialogs(d.win)
	assert.Equal(t, widget.DangerImportance, bar.State.Importance)
	d.shot(t, "syncbar-failed")

	// A long first sync says how far it is.
	bar.Set(app.SyncStatus{State: app.SyncSyncing, ToSend: 5000, Sent: 1200, Received: 300})
	assert.Equal(t, "Đã gửi 1.200/5.000 · đã nhận 300", bar.Pending.Text)

	// English on the fly.
	d.SetLang(app.EN)
	d.Wait()
	assert.Equal(t, "Sync failed", d.SyncBar().State.Text)
	d.shot(t, "syncbar-en")
}

// offlineBeforeEnrolment waits for the status bar of a desk not enrolled: offline, with the
// whole reason one click away; "Đồng bộ ngay" says what to do.
func offlineBeforeEnrolment(t *testing.T, d *recDesk, bar *syncui.SyncBar) {
	d.waitFor(t, "offline before enrolment", func() bool { return bar.Status().State == app.SyncOffline && bar.Status().Reason != nil })
	assert.Equal(t, "Ngoại tuyến — máy chưa đăng ký", bar.State.Text, "short enough for the bar at 1024 px")
	assert.Equal(t, widget.WarningImportance, bar.State.Importance)
	assert.Equal(t, "Chưa đồng bộ lần nào", bar.Last.Text)
	require.True(t, bar.Why.Visible())
	test.Tap(bar.Why)
	assert.Contains(t, dialogText(d.win), "Máy chưa đăng ký với hệ thống trung tâm (thiếu địa chỉ hoặc mã máy)",
		"the whole reason, one click away")
	closeDialogs(d.win)
	test.Tap(bar.SyncNow)
	d.Wait()
	assert.Contains(t, dialogText(d.win), "Chưa đồng bộ được: máy chưa đăng ký với hệ thống trung tâm")
	closeDialogs(d.win)
}

// TestIdentityReviewResolvedBySupervisor shows an identity review pulled from the centre side
// by side, with the differing name highlighted; an officer may only look, a supervisor chooses.
func TestIdentityReviewResolvedBySupervisor(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 51)
	f := dos.Form
	other := pullAnIdentityReview(t, o, c, dos)

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	test.Tap(d.Nav(ui.PageSync))
	d.Wait()
	s := d.Sync()
	require.NotNil(t, s)
	assert.Nil(t, s.URL, "only administrators enrol the device")
	s.Show(syncui.TabNotices)
	require.Len(t, s.NoticesShown(), 1)
	s.SelectNotice(0)
	assert.Nil(t, s.Resolve, "an officer may not decide")
	d.signOut(t)

	d.signIn(t, "truongphong")
	test.Tap(d.Nav(ui.PageSync))
	d.Wait()
	s = d.Sync()
	s.Show(syncui.TabNotices)
	require.Len(t, s.NoticesShown(), 1)
	assert.Equal(t, "Cần xử lý (1)", s.Tabs.Selected().Text)
	s.SelectNotice(0)
	require.NotNil(t, s.Resolve)
	require.Len(t, s.Cells["full_name"], 2)
	assert.Equal(t, f.FullName, s.Cells["full_name"][0].Text)
	assert.Equal(t, other.FullName, s.Cells["full_name"][1].Text)
	assert.Equal(t, widget.DangerImportance, s.Cells["full_name"][1].Importance, "the differing name is highlighted")
	assert.NotEqual(t, widget.DangerImportance, s.Cells["birth_date"][0].Importance)
	assert.NotEqual(t, widget.DangerImportance, s.Cells["gender"][1].Importance)
	d.shot(t, "sync-review")
	test.Tap(s.Resolve)
	d.Wait()
	assert.Equal(t, "Hãy chọn một trong các thông tin trước khi xác nhận.", s.Status.Text)
	s.Choice.SetSelected(s.Choice.Options[1])
	test.Type(s.Note, "Đã đối chiếu căn cước công dân")
	test.Tap(s.Resolve)
	d.Wait()
	assert.Empty(t, s.NoticesShown(), "decided notices leave the list")
	assert.Contains(t, s.Status.Text, other.Dossier)

	sync, sup := theDecisionWaitsToBeSent(t, d, s, o, dos, other)
	closeAConflictWithANote(t, d, s, sync, sup, dos, c.now())
}

// pullAnIdentityReview applies a page from the centre with a review of dos's personal ID: the
// same person registered at another office under another name, which it returns.
func pullAnIdentityReview(t *testing.T, o *desk.Office, c *clock, dos app.Dossier) app.IdentityRecord {
	t.Helper()
	f := dos.Form
	other := app.IdentityRecord{Office: "79002", Dossier: "79002-260104-K1-0003", FullName: f.FullName + " Hồng", BirthDate: f.BirthDate,
		Gender: f.Gender}
	mine := app.IdentityRecord{Office: testOffice.Agency, Dossier: dos.Code, FullName: f.FullName, BirthDate: f.BirthDate, Gender: f.Gender}
	review := app.IdentityReview{ID: "r-1", PersonalID: f.PersonalID, Created: c.now(), Differs: []string{"full_name"},
		Records: []app.IdentityRecord{mine, other}}
	payload, err := json.Marshal(review)
	require.NoError(t, err)
	_, sync := o.Services()
	change := contract.Change{Seq: 1, Kind: app.ChangeIdentityReview, Entity: f.PersonalID, Payload: payload, At: c.now()}
	require.NoError(t, sync.ApplyPage(contract.Page{Cursor: 1, Changes: []contract.Change{change}}))
	return other
}

// theDecisionWaitsToBeSent checks the supervisor's decision in the store, chosen record
// included, and among the pending operations of the sync screen s, which name the citizen. It
// returns the sync service and the supervisor's session.
func theDecisionWaitsToBeSent(t *testing.T, d *recDesk, s *syncui.SyncScreen, o *desk.Office, dos app.Dossier,
	other app.IdentityRecord) (*officesync.Service, *app.Session) {
	f := dos.Form
	_, sup := d.service(t, "truongphong")
	_, sync := o.Services() // the store was reopened at the supervisor's sign-in
	all, err := sync.Notices(sup, true)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.True(t, all[0].Resolved)
	assert.Equal(t, "truongphong", all[0].By)
	assert.Equal(t, "Đã đối chiếu căn cước công dân", all[0].Decision)
	require.NotNil(t, all[0].Review.Resolved)
	assert.Equal(t, other.FullName, all[0].Review.Resolved.FullName)
	var kinds []string
	for _, op := range s.OpsShown() {
		kinds = append(kinds, op.Kind)
	}
	assert.Contains(t, kinds, "identity.resolve", "the decision waits to be sent to the centre")
	s.Show(syncui.TabPending)
	d.shot(t, "sync-pending")
	rows := strings.Join(visibleTexts(s.Ops), "\n")
	assert.Contains(t, rows, f.FullName+" — "+dos.Code, "a dossier's operation names the citizen and the code, not an id alone")
	assert.Contains(t, rows, "— "+f.PersonalID, "a person's operation names the person")
	return sync, sup
}

// closeAConflictWithANote pulls a conflict the centre found later on dos: it is closed from the
// sync screen s with a note, which is required.
func closeAConflictWithANote(t *testing.T, d *recDesk, s *syncui.SyncScreen, sync *officesync.Service, sup *app.Session, dos app.Dossier,
	now time.Time) {
	f := dos.Form
	payload := json.RawMessage(`{"status":"conflict","reason":"version_moved","args":{"code":"` + dos.Code + `","server":"3","base":"1"}}`)
	require.NoError(
		t,
		sync.ApplyPage(contract.Page{Cursor: 2, Changes: []contract.Change{{Seq: 2, Kind: app.ChangeOpConflict, Entity: dos.Code,
			Payload: payload, At: now}}}),
	)
	s.Reload()
	d.Wait()
	s.Show(syncui.TabNotices)
	require.Len(t, s.NoticesShown(), 1)
	s.SelectNotice(0)
	assert.Contains(t, visibleTexts(s.Tabs), f.FullName+" — "+dos.Code, "the notice says whose dossier")
	require.NotNil(t, s.CloseNotice)
	test.Tap(s.CloseNotice)
	d.Wait()
	assert.Equal(t, "Lý do: phải ghi lý do.", s.Status.Text)
	test.Type(s.Note, "Đã gọi điện thống nhất với BHXH tỉnh")
	test.Tap(s.CloseNotice)
	d.Wait()
	assert.Empty(t, s.NoticesShown())
	all, err := sync.Notices(sup, true)
	require.NoError(t, err)
	closed := 0
	for _, n := range all {
		if n.Kind == "op_conflict" {
			closed++
			assert.True(t, n.Resolved)
			assert.Equal(t, "Đã gọi điện thống nhất với BHXH tỉnh", n.Decision)
		}
	}
	assert.Equal(t, 1, closed)
}

// TestEnrolSettingsSavedAndSynced lets an administrator enrol the device from the sync screen:
// bad input is refused under its field, the saved enrolment starts a round.
func TestEnrolSettingsSavedAndSynced(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	ctr := newCentre(t)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "motcua")
	assert.Nil(t, d.Nav(ui.PageVouchers), "the help desk records no vouchers")
	assert.NotNil(t, d.Nav(ui.PageRecords), "but looks at books and prints covers")
	assert.NotNil(t, d.Nav(ui.PageSync))
	d.signOut(t)

	d.signIn(t, "admin")
	assert.Nil(t, d.Nav(ui.PageVouchers))
	assert.Nil(t, d.Nav(ui.PageRecords))
	startSync(t, o)
	test.Tap(d.Nav(ui.PageSync))
	d.Wait()
	s := d.Sync()
	require.NotNil(t, s.URL)
	s.Show(syncui.TabSettings)
	d.Wait()
	assert.Equal(t, "Máy chưa đăng ký với hệ thống trung tâm.", s.Central.Text)
	test.Type(s.URL, "dongbo-tinh")
	test.Tap(s.SaveCentral)
	d.Wait()
	assert.Equal(t, `Địa chỉ hệ thống trung tâm: địa chỉ hệ thống trung tâm "dongbo-tinh" không hợp lệ.`, s.Msg("central_url"))
	assert.Equal(t, "Mã đăng ký máy (do BHXH tỉnh cấp): bắt buộc phải nhập.", s.Msg("token"))
	d.shot(t, "sync-settings")

	// The connection is tested before anything is kept: an address where nothing answers, a
	// token the centre refuses, a token of another desk.
	_, sync := o.Services()
	notKept := func(what string) {
		t.Helper()
		u, _, err := sync.Central()
		require.NoError(t, err)
		assert.Empty(t, u, "%s: nothing kept", what)
		assert.Equal(t, "Máy chưa đăng ký với hệ thống trung tâm.", s.Central.Text, what)
	}
	replace(s.URL, "http://127.0.0.1:1")
	test.Type(s.Token, ctr.token)
	test.Tap(s.SaveCentral)
	d.waitFor(t, "the check of a dead address", func() bool { return s.Msg("central_url") != "" })
	assert.Contains(t, s.Msg("central_url"), "máy chủ không nhận kết nối")
	notKept("dead address")
	replace(s.URL, ctr.srv.URL)
	replace(s.Token, "mã-sai")
	test.Tap(s.SaveCentral)
	d.waitFor(t, "the check of a wrong token", func() bool { return s.Msg("token") != "" })
	assert.Contains(t, s.Msg("token"), "không nhận mã đăng ký này")
	notKept("wrong token")
	replace(s.Token, ctr.other)
	test.Tap(s.SaveCentral)
	d.waitFor(t, "the check of another desk's token", func() bool { return s.Msg("token") != "" })
	assert.Contains(t, s.Msg("token"), "mã đăng ký này thuộc đơn vị 01001, máy K9")
	notKept("another desk's token")
	s.Token.SetText("")
	replace(s.URL, ctr.srv.URL)
	test.Type(s.Token, ctr.token)
	test.Tap(s.SaveCentral)
	d.Wait()
	assert.Empty(t, s.Msg("central_url"))
	assert.Empty(t, s.Token.Text, "the token is not kept on screen")
	assert.Equal(t, "Máy đã đăng ký với hệ thống trung tâm: "+ctr.srv.URL, s.Central.Text)
	u, tok, err := sync.Central()
	require.NoError(t, err)
	assert.Equal(t, ctr.srv.URL, u)
	assert.Equal(t, ctr.token, tok)
	bar := d.SyncBar()
	d.waitFor(t, "the round the enrolment started", func() bool { return bar.Status().State == app.SyncUpToDate })

	// Saving again with the token left empty keeps the stored one.
	test.Tap(s.SaveCentral)
	d.Wait()
	assert.Empty(t, s.Msg("token"))
	_, tok, err = sync.Central()
	require.NoError(t, err)
	assert.Equal(t, ctr.token, tok)
}

// TestWorkflowAdjustedOnAnotherDeskIsShownInWords: the notice that another desk of the office
// adjusted the workflow names the desk, the officer and what changed, in Vietnamese.
func TestWorkflowAdjustedOnAnotherDeskIsShownInWords(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	adj := app.WorkflowAdjustment{Base: "default@2025-07-01", Days: map[string]int{"check": 1, "finance": 2},
		Reason: "Quyết định 12/QĐ-BHXH", By: "quantri2", At: c.now()}
	payload, err := json.Marshal(app.OfficeWorkflowChange{Adjustment: &adj, Device: "K8"})
	require.NoError(t, err)
	_, sync := o.Services()
	require.NoError(t, sync.ApplyPage(contract.Page{Cursor: 1, Changes: []contract.Change{{Seq: 1, Kind: app.ChangeOfficeWorkflow,
		Entity: testOffice.Agency, Payload: payload, At: c.now()}}}))

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "truongphong")
	test.Tap(d.Nav(ui.PageSync))
	d.Wait()
	s := d.Sync()
	s.Show(syncui.TabNotices)
	require.Len(t, s.NoticesShown(), 1)
	s.SelectNotice(0)
	d.Wait()
	texts := strings.Join(visibleTexts(d.win.Content()), "\n")
	assert.Contains(t, texts, "Quy trình được điều chỉnh trên máy khác")
	assert.Contains(t, texts, "Máy K8 (quantri2) đã điều chỉnh số ngày và bộ phận phụ trách các bước trong quy trình của đơn vị, "+
		"căn cứ: Quyết định 12/QĐ-BHXH.")
	d.shot(t, "sync-workflow-notice")
}

// TestAnActionOnADossierIsSentAtOnce: advancing a dossier asks the engine for a round, so the
// action reaches the centre without waiting for the timer or the "Sync now" button.
func TestAnActionOnADossierIsSentAtOnce(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	ctr := newCentre(t)
	registerMonthly(t, o, 43)
	_, sync := o.Services()
	d := openRecordsDesk(t, o, c)
	_, admin := d.service(t, "admin")
	require.NoError(t, sync.SetCentral(admin, ctr.srv.URL, ctr.token))
	d.signIn(t, "canbo")
	startSync(t, o)
	bar := d.SyncBar()
	d.waitFor(t, "the registration sent", func() bool { return ctr.pushed.Load() >= 1 && bar.Status().Pending == 0 })
	before := ctr.pushed.Load()

	d.open(t, ui.PageQueue)
	d.Queue().Reload()
	d.Wait()
	d.Queue().Rows.List.Select(0)
	d.Wait()
	test.Tap(d.Dossier().Advance)
	// The round that sent it ends before the bar stops showing its progress (sent 1/1).
	d.waitFor(t, "the action sent", func() bool {
		st := bar.Status()
		return ctr.pushed.Load() > before && st.Pending == 0 && st.State != app.SyncSyncing
	})
	assert.Equal(t, "Chờ gửi: 0", bar.Pending.Text)
}

// reportingOffice is an office whose sync status the test sets and reports, as the engine
// does from its goroutine.
type reportingOffice struct {
	*desk.Office
	mu      sync.Mutex
	st      app.SyncStatus
	changed func()
}

func (o *reportingOffice) SyncStatus() app.SyncStatus {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.st
}

func (o *reportingOffice) OnSyncStatus(f func()) {
	o.mu.Lock()
	o.changed = f
	o.mu.Unlock()
}

// report sets the status and tells the desk, as the engine does after each change.
func (o *reportingOffice) report(st app.SyncStatus) {
	o.mu.Lock()
	o.st = st
	f := o.changed
	o.mu.Unlock()
	f()
}

// TestTheBarKeepsTheLastStatusWhateverOrderItsPaintsArriveIn: each change of the engine's
// status is read on a goroutine of its own, and those goroutines reach the UI thread in any
// order. A round's "syncing" painted after its "up to date" must not stay on the bar (it did,
// until the next round two minutes later: seen as a flaky TestAnActionOnADossierIsSentAtOnce).
func TestTheBarKeepsTheLastStatusWhateverOrderItsPaintsArriveIn(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	ro := &reportingOffice{Office: o, st: app.SyncStatus{State: app.SyncUpToDate, Rounds: 1}}
	sd := openDeskOn(t, ro, o, c)
	sd.signIn(t, "canbo")
	bar := sd.SyncBar()
	require.NotNil(t, bar)
	queued := func(n int) {
		require.Eventually(t, func() bool {
			sd.mu.Lock()
			defer sd.mu.Unlock()
			return len(sd.paints) >= n
		}, 5*time.Second, time.Millisecond)
	}
	ro.report(app.SyncStatus{State: app.SyncSyncing, Rounds: 1, ToSend: 1})
	queued(1)
	ro.report(app.SyncStatus{State: app.SyncUpToDate, Rounds: 2, Sent: 1})
	queued(2)
	sd.mu.Lock()
	paints := sd.paints
	sd.paints = nil
	sd.mu.Unlock()
	for i := len(paints) - 1; i >= 0; i-- { // the later read first
		paints[i]()
	}
	sd.Wait()
	assert.Equal(t, app.SyncUpToDate, bar.Status().State)
	assert.Equal(t, 2, bar.Status().Rounds)
	assert.Equal(t, "Đã đồng bộ", bar.State.Text)
}

// dialogText is the text of the dialog on top of the window ("" when none).
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(visibleTexts(top), "\n")
}

// closeDialogs closes every dialog over the window.
func closeDialogs(w fyne.Window) {
	for top := w.Canvas().Overlays().Top(); top != nil; top = w.Canvas().Overlays().Top() {
		w.Canvas().Overlays().Remove(top)
	}
}

// TestAReviewAnotherOfficeDecidesIsShownNotDecided: a review the office of the first
// registration decides shows this office's own record and says who decides, without the
// choice; the centre's word that another office made a cover is a notice with its reason.
func TestAReviewAnotherOfficeDecidesIsShownNotDecided(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	dos := registerMonthly(t, o, 52)
	f := dos.Form
	review := app.IdentityReview{ID: "R-" + f.PersonalID, PersonalID: f.PersonalID, Created: c.now(), Differs: []string{"full_name"},
		Decider: "79001", Records: []app.IdentityRecord{{Office: testOffice.Agency, Dossier: dos.Code, FullName: f.FullName,
			BirthDate: f.BirthDate, Gender: f.Gender}}}
	payload, err := json.Marshal(review)
	require.NoError(t, err)
	_, sync := o.Services()
	require.NoError(t, sync.ApplyPage(contract.Page{Cursor: 2, Changes: []contract.Change{
		{Seq: 1, Kind: app.ChangeIdentityReview, Entity: f.PersonalID, Payload: payload, At: c.now()},
		{Seq: 2, Kind: app.ChangeCoverConflict, Entity: f.PersonalID,
			Payload: json.RawMessage(`{"office":"79001","dossier":"79001-260106-Q10003"}`), At: c.now()},
	}}))

	d := openRecordsDesk(t, o, c)
	d.signIn(t, "truongphong")
	test.Tap(d.Nav(ui.PageSync))
	d.Wait()
	s := d.Sync()
	s.Show(syncui.TabNotices)
	require.Len(t, s.NoticesShown(), 2)
	for i, n := range s.NoticesShown() {
		s.SelectNotice(i)
		d.Wait()
		texts := strings.Join(visibleTexts(s.Tabs), "\n")
		switch n.Kind {
		case "identity_review":
			assert.Contains(t, texts, "Cơ quan 79001 (nơi người này đăng ký đầu tiên) sẽ đối chiếu và quyết định")
			assert.Nil(t, s.Choice, "no choice for an office that does not decide")
			d.shot(t, "sync-review-other-decides")
		case "cover_conflict":
			assert.Contains(t, texts, "cơ quan 79001 cũng đã đăng ký người này (hồ sơ 79001-260106-Q10003)")
			require.NotNil(t, s.CloseNotice, "closed with a note, like other notices")
			d.shot(t, "sync-cover-conflict")
		}
	}
}
