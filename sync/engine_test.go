package sync_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/officesync"
	"bhxhdesk/sync"
)

// flaky is a Remote that fails while down is true.
type flaky struct {
	mu    gosync.Mutex
	down  bool
	calls int
}

func (f *flaky) Sync(_ context.Context, ops []contract.Op, cursor uint64, _ int) ([]contract.OpResult, contract.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return nil, contract.Page{}, &app.Error{Kind: app.Transient, Code: "central_unreachable", Err: errors.New("connection refused")}
	}
	res := make([]contract.OpResult, len(ops))
	for i, op := range ops {
		res[i] = contract.OpResult{OpID: op.OpID, Status: app.OpApplied}
	}
	return res, contract.Page{Cursor: cursor}, nil
}

func (f *flaky) Known(context.Context, []string) ([]contract.OpResult, error) { return nil, nil }
func (f *flaky) OfficeState(context.Context) (contract.OfficeData, error) {
	return contract.OfficeData{}, nil
}

func (f *flaky) set(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }
func (f *flaky) n() int        { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

// timers hands out timer channels the test fires by hand, and records the waits asked for.
type timers struct {
	mu    gosync.Mutex
	waits []time.Duration
	chans []chan time.Time
}

func (tm *timers) after(d time.Duration) <-chan time.Time {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	c := make(chan time.Time, 1)
	tm.waits = append(tm.waits, d)
	tm.chans = append(tm.chans, c)
	return c
}

func (tm *timers) fireLast() {
	tm.mu.Lock()
	c := tm.chans[len(tm.chans)-1]
	tm.mu.Unlock()
	c <- time.Now()
}

func (tm *timers) count() int { tm.mu.Lock(); defer tm.mu.Unlock(); return len(tm.chans) }

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestEngineBacksOffWhileOfflineAndSyncsWhenKickedOrBack(t *testing.T) {
	o := newOffice(t, "01001", "01", "00004", "K7")
	o.register(t, 1, 3)
	remote := &flaky{down: true}
	tm := &timers{}
	var statuses []app.SyncState
	var smu gosync.Mutex
	e := &sync.Engine{Local: o.Sync, Remote: func() (sync.Remote, error) { return remote, nil }, After: tm.after, Now: o.clock.now,
		MinBackoff: time.Second, MaxBackoff: 8 * time.Second, Interval: time.Minute,
		OnStatus: func(s app.SyncStatus) { smu.Lock(); statuses = append(statuses, s.State); smu.Unlock() }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()

	// app.SyncOffline: every failed round waits a jittered, doubling, capped backoff.
	for i := 1; i <= 6; i++ {
		waitFor(t, "a wait", func() bool { return tm.count() == i })
		st := e.Status()
		assert.Equal(t, app.SyncOffline, st.State)
		assert.Equal(t, "central_unreachable", st.Reason.(*app.Error).Code)
		assert.Equal(t, 3, st.Pending)
		tm.fireLast()
	}
	waitFor(t, "seventh wait", func() bool { return tm.count() == 7 })
	tm.mu.Lock()
	for i, w := range tm.waits {
		limit := time.Second << i
		if limit > 8*time.Second {
			limit = 8 * time.Second
		}
		assert.LessOrEqual(t, w, limit, "wait %d is capped", i+1)
		assert.GreaterOrEqual(t, w, 500*time.Millisecond, "wait %d never below half the minimum", i+1)
	}
	tm.mu.Unlock()

	// The link is back: "Sync now" runs a round at once, without waiting for the timer.
	remote.set(false)
	calls := remote.n()
	e.Kick()
	waitFor(t, "the kicked round", func() bool { return e.Status().State == app.SyncUpToDate })
	assert.Equal(t, calls+1, remote.n())
	st := e.Status()
	assert.Zero(t, st.Pending)
	assert.Equal(t, o.clock.now(), st.LastSuccess)
	waitFor(t, "the interval wait", func() bool { return tm.count() == 8 })
	tm.mu.Lock()
	assert.Equal(t, time.Minute, tm.waits[7], "all well: the regular interval")
	tm.mu.Unlock()
	last, err := o.Sync.LastSync()
	require.NoError(t, err)
	assert.Equal(t, o.clock.now(), last.In(o.clock.now().Location()))

	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	smu.Lock()
	assert.Contains(t, statuses, app.SyncSyncing)
	smu.Unlock()
}

func TestEngineNotEnrolledSaysSo(t *testing.T) {
	o := newOffice(t, "01001", "01", "00004", "K7")
	e := o.Engine()
	_, err := e.Round(context.Background())
	assert.Equal(t, "not_enrolled", err.(*app.Error).Code)
	assert.Equal(t, app.SyncOffline, e.Status().State)
	assert.Contains(t, ref.Catalog.Message(app.VI, err), "chưa đăng ký với hệ thống trung tâm")
}

// TestTheStatusCountsALongRound: while a round sends batch after batch, the status says how
// many operations were waiting when it began, how many are sent and how many changes came
// back, for the status bar of a long first sync.
func TestTheStatusCountsALongRound(t *testing.T) {
	c := newCentre(t, nil)
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	o.register(t, 7, 30)
	e := o.engine(t, c.Server.URL, 10, 0)
	var seen []app.SyncStatus
	e.OnStatus = func(st app.SyncStatus) { seen = append(seen, st) }
	_, err := e.Round(context.Background())
	require.NoError(t, err)
	var sent []int
	for _, st := range seen {
		if st.State == app.SyncSyncing {
			assert.Equal(t, 30, st.ToSend)
			sent = append(sent, st.Sent)
		}
	}
	assert.Equal(t, []int{0, 10, 20, 30}, sent, "told after each batch")
	assert.Equal(t, app.SyncUpToDate, seen[len(seen)-1].State)
}

// rewrittenChain is the desk's chain as a program that rewrote it would present it: the same
// length, other hashes.
type rewrittenChain struct{ app.AuditChain }

func (c rewrittenChain) AuditHashAt(seq uint64) (string, bool, error) {
	h, ok, err := c.AuditChain.AuditHashAt(seq)
	if ok {
		h = strings.Repeat("0", len(h))
	}
	return h, ok, err
}

// rewrittenDesk is an office whose audit chain was rewritten after the centre anchored it.
type rewrittenDesk struct{ *officesync.Service }

func (d rewrittenDesk) AuditChain() (app.AuditChain, bool) {
	c, ok := d.Service.AuditChain()
	return rewrittenChain{c}, ok
}

// TestEachRoundAnchorsTheAuditChain: after a round the centre holds the head of the desk's
// audit chain and the desk keeps it; a later head that does not continue the anchored one (a
// chain rewritten behind it) is refused, recorded on the device at the centre, and becomes a
// notice for a person at the desk.
func TestEachRoundAnchorsTheAuditChain(t *testing.T) {
	c := newCentre(t, nil)
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	o.register(t, 3, 2)
	e := o.engine(t, c.Server.URL, 10, 0)
	_, err := e.Round(context.Background())
	require.NoError(t, err)
	chain, ok := o.Sync.AuditChain()
	require.True(t, ok)
	head, err := chain.AuditHead()
	require.NoError(t, err)
	dev, ok, err := deviceOf(t, c, "01001/DESK-01001")
	require.NoError(t, err)
	require.True(t, ok)
	require.NotNil(t, dev.Anchor, "the centre anchored the head")
	assert.Equal(t, head.Seq, dev.Anchor.Seq)
	assert.Equal(t, head.Hash, dev.Anchor.Hash)
	kept, err := o.Sync.Anchors()
	require.NoError(t, err)
	require.Len(t, kept, 1)
	assert.Equal(t, head.Seq, kept[0].Seq)

	// More work, another round: the head moves on from the anchored one.
	o.register(t, 4, 1)
	_, err = e.Round(context.Background())
	require.NoError(t, err)
	kept, err = o.Sync.Anchors()
	require.NoError(t, err)
	require.Len(t, kept, 2)
	assert.Greater(t, kept[1].Seq, kept[0].Seq)

	// The chain rewritten behind the anchor: refused, recorded, told.
	o.register(t, 5, 1)
	rewritten := &sync.Engine{Local: rewrittenDesk{o.Sync}, Remote: e.Remote, Batch: 10, PageSize: 100}
	_, err = rewritten.Round(context.Background())
	require.NoError(t, err, "a refused anchor does not fail the round")
	dev, _, err = deviceOf(t, c, "01001/DESK-01001")
	require.NoError(t, err)
	assert.Equal(t, "audit_rewritten", dev.AuditBroken)
	assert.Equal(t, kept[1].Seq, dev.Anchor.Seq, "the centre keeps the anchor the chain broke from")
	notices, err := o.Sync.Notices(o.login(t, "admin"), false)
	require.NoError(t, err)
	require.Len(t, notices, 1)
	assert.Equal(t, "audit_broken", notices[0].Kind)
	assert.Equal(t, "audit_rewritten", notices[0].Reason)
}

// requestLog notes every request a centre is sent ("POST /v1/sync").
type requestLog struct {
	mu  gosync.Mutex
	log []string
}

func (l *requestLog) wrap(h httpHandler) httpHandler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.log = append(l.log, r.Method+" "+r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// take returns the requests noted since the last call.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.log
	l.log = nil
	return out
}

// TestTheAnchorTakesNoRoundTripOfItsOwn: once the centre has said it takes the anchor of the
// audit chain in a sync request, a round with new work is that one request. Before (the
// engine's first request to it) the anchor follows the round, against the last head the desk
// kept, without asking the centre for its own first. When the centre holds another head (the
// desk lost an answer, or its list of heads) it says so with its own and the desk sends again
// against that one; nothing is taken for a broken chain.
func TestTheAnchorTakesNoRoundTripOfItsOwn(t *testing.T) {
	var reqs requestLog
	c := newCentre(t, reqs.wrap)
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	e := o.engine(t, c.Server.URL, 10, 0)
	for i, want := range [][]string{{syncRequest, anchorRequest}, {syncRequest}, {syncRequest}} {
		o.register(t, uint64(3+i), 2)
		_, err := e.Round(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want, reqs.take(), "round %d", i+1)
		assertAnchored(t, c, o)
	}
	_, err := e.Round(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{syncRequest}, reqs.take(), "nothing new: nothing to anchor")

	// The desk forgets the heads the centre acknowledged.
	require.NoError(t, o.DB.Update(func(tx app.Tx) error { return tx.PutSetting(app.SettingAnchors, []byte("[]")) }))
	o.register(t, 9, 1)
	_, err = e.Round(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{syncRequest, anchorRequest}, reqs.take(), "stale in the sync request, then against the centre's anchor")
	assertAnchored(t, c, o)
	kept, err := o.Sync.Anchors()
	require.NoError(t, err)
	assert.Len(t, kept, 1)
}

// TestAnEarlierCentreIsAnchoredAfterTheRound: a centre that does not announce the anchor in
// sync requests (an earlier version, which refuses a field it does not know) is never sent
// one; the desk anchors after each round with new work, in one request.
func TestAnEarlierCentreIsAnchoredAfterTheRound(t *testing.T) {
	var reqs requestLog
	c := newCentre(t, func(h httpHandler) httpHandler { return reqs.wrap(earlierCentre(h)) })
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	e := o.engine(t, c.Server.URL, 10, 0)
	for i := range 3 {
		o.register(t, uint64(3+i), 2)
		_, err := e.Round(context.Background())
		require.NoError(t, err)
		assert.Equal(t, []string{syncRequest, anchorRequest}, reqs.take(), "round %d", i+1)
		assertAnchored(t, c, o)
	}
	require.NoError(t, o.DB.Update(func(tx app.Tx) error { return tx.PutSetting(app.SettingAnchors, []byte("[]")) }))
	o.register(t, 9, 1)
	_, err := e.Round(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{syncRequest, anchorRequest, anchorRequest}, reqs.take(), "stale, then against the centre's anchor")
	assertAnchored(t, c, o)
}

const (
	syncRequest   = "POST " + central.PathSync
	anchorRequest = "POST " + central.PathAnchor
)

// earlierCentre announces only what centres announced before the anchor rode with the sync.
func earlierCentre(h httpHandler) httpHandler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(featuresWriter{w}, r)
	})
}

type featuresWriter struct{ http.ResponseWriter }

func (w featuresWriter) WriteHeader(status int) {
	if w.Header().Get("Sync-Features") != "" {
		w.Header().Set("Sync-Features", central.FeatureCompact)
	}
	w.ResponseWriter.WriteHeader(status)
}

// assertAnchored checks that the centre holds the head of the office's audit chain, unbroken,
// and that the office kept it.
func assertAnchored(t *testing.T, c *centre, o *office) {
	t.Helper()
	chain, ok := o.Sync.AuditChain()
	require.True(t, ok)
	head, err := chain.AuditHead()
	require.NoError(t, err)
	dev, _, err := deviceOf(t, c, "01001/DESK-"+o.agency)
	require.NoError(t, err)
	require.NotNil(t, dev.Anchor)
	assert.Equal(t, head.Seq, dev.Anchor.Seq, "the centre holds the head")
	assert.Equal(t, head.Hash, dev.Anchor.Hash)
	assert.Empty(t, dev.AuditBroken)
	kept, err := o.Sync.Anchors()
	require.NoError(t, err)
	require.NotEmpty(t, kept)
	assert.Equal(t, head.Seq, kept[len(kept)-1].Seq, "the desk kept it")
}

func deviceOf(t *testing.T, c *centre, id string) (central.Device, bool, error) {
	t.Helper()
	var (
		d  central.Device
		ok bool
	)
	err := c.Store.View(context.Background(), func(tx central.Tx) error {
		var err error
		d, ok, err = tx.Device(id)
		return err
	})
	return d, ok, err
}

// fullDisk is an office whose store cannot be written.
type fullDisk struct{ *officesync.Service }

func (fullDisk) Outbox(int) ([]contract.Op, error) {
	return nil, &app.Error{Kind: app.Unavailable, Code: "disk_full"}
}

// TestOfflineMeansTheLink: a round that fails on the way to the centre is "offline" and tried
// again; one that fails at the desk itself — a full disk — is a failure with its reason, not
// "offline".
func TestOfflineMeansTheLink(t *testing.T) {
	c := newCentre(t, nil)
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	dead := o.engine(t, "http://127.0.0.1:1", 10, time.Second)
	_, err := dead.Round(context.Background())
	require.Error(t, err)
	assert.Equal(t, app.SyncOffline, dead.Status().State, "no answer: offline")

	full := o.engine(t, c.Server.URL, 10, 0)
	full.Local = fullDisk{o.Sync}
	_, err = full.Round(context.Background())
	require.Error(t, err)
	assert.Equal(t, app.SyncFailed, full.Status().State, "a full disk is not offline")
	assert.Equal(t, "disk_full", codeOf(full.Status().Reason))
}
