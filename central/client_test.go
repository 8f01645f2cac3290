package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
	"bhxhdesk/internal/jsoncols"
)

// exchange is one request as the recording server saw it.
type exchange struct {
	path, requestEncoding, answerEncoding string
	answer                                []byte // as sent, compressed
}

// recordingServer is the reference server on loopback behind a recorder of every exchange and
// of the connections clients opened.
type recordingServer struct {
	svc   *central.Service
	url   string
	mu    gosync.Mutex
	log   []exchange
	conns int
}

func newRecordingServer(t *testing.T, wrap func(http.Handler) http.Handler) *recordingServer {
	t.Helper()
	store := centraltest.OpenStore(t)
	rs := &recordingServer{svc: &central.Service{Store: store}}
	var h http.Handler = (&central.Server{Service: rs.svc, Catalog: ref.Catalog}).Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		rs.mu.Lock()
		rs.log = append(rs.log, exchange{path: r.URL.Path, requestEncoding: r.Header.Get("Content-Encoding"),
			answerEncoding: rec.Header().Get("Content-Encoding"), answer: rec.Body.Bytes()})
		rs.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			rs.mu.Lock()
			rs.conns++
			rs.mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	rs.url = srv.URL
	return rs
}

func (rs *recordingServer) client(t *testing.T, office, device string) *central.Client {
	t.Helper()
	_, tok, err := rs.svc.Enroll(context.Background(), office, device, central.RoleDesk)
	require.NoError(t, err)
	c, err := central.NewClient(central.ClientConfig{BaseURL: rs.url, Token: tok})
	require.NoError(t, err)
	return c
}

func (rs *recordingServer) exchanges() []exchange {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]exchange(nil), rs.log...)
}

func ops(t *testing.T, office string, from, n int) []contract.Op {
	t.Helper()
	var out []contract.Op
	for i := from; i < from+n; i++ {
		out = append(out, dossierOp(t, office, fmt.Sprintf("%s-260105-K7%04d", office, i), fmt.Sprintf("0011900%05d", i), uint64(i)))
	}
	return out
}

func TestClientSwitchesToZstdAndCompactResultsWhenTheServerAnnouncesThem(t *testing.T) {
	rs := newRecordingServer(t, nil)
	c := rs.client(t, "01001", "k7")
	ctx := context.Background()

	first, second := ops(t, "01001", 1, 3), ops(t, "01001", 4, 3)
	res, _, err := c.Sync(ctx, first, 0, 100)
	require.NoError(t, err)
	res2, _, err := c.Sync(ctx, second, 0, 100)
	require.NoError(t, err)
	for i, r := range append(res, res2...) {
		assert.Equal(t, app.OpApplied, r.Status)
		assert.Equal(t, append(first, second...)[i].OpID, r.OpID, "result %d is for its operation", i)
	}

	log := rs.exchanges()
	require.Len(t, log, 2)
	assert.Equal(t, "gzip", log[0].requestEncoding, "before the server has said what it takes: gzip, which every server reads")
	assert.Equal(t, "x-jsoncols, zstd", log[1].requestEncoding, "then zstd after regrouping the values by field")
	assert.Equal(t, "x-jsoncols, zstd", log[0].answerEncoding, "the client takes such answers from the start")
	body := answerBody(t, log[1])
	for _, op := range second {
		assert.NotContains(t, body, op.OpID, "a compact answer does not echo the operation ids")
	}
	assert.Contains(t, body, central.OpsDigest(second))
	assert.Contains(t, answerBody(t, log[0]), first[0].OpID, "until the client asks for compact results, they carry their ids")

	// Another client of the same server (the desk builds one per round) starts where the first
	// left off: zstd, compact results, and the connection the first opened.
	c2, err := central.NewClient(central.ClientConfig{BaseURL: rs.url, Token: c.Token})
	require.NoError(t, err)
	_, _, err = c2.Sync(ctx, ops(t, "01001", 7, 1), 0, 100)
	require.NoError(t, err)
	log = rs.exchanges()
	assert.Equal(t, "x-jsoncols, zstd", log[2].requestEncoding)
	rs.mu.Lock()
	assert.Equal(t, 1, rs.conns, "one connection for the three requests")
	rs.mu.Unlock()
}

// TestTheAnchorRidesWithASyncRequestOnceAnnounced: the client carries an anchor of the audit
// chain in a sync request only after the server has said it takes it there; the server
// answers it beside the push, and an anchor it cannot take leaves the push applied.
func TestTheAnchorRidesWithASyncRequestOnceAnnounced(t *testing.T) {
	rs := newRecordingServer(t, nil)
	c := rs.client(t, "01001", "k7")
	ctx := context.Background()
	head := contract.AuditAnchor{Seq: 7, Hash: strings.Repeat("ab", 32)}
	_, _, ans, err := c.SyncAnchored(ctx, ops(t, "01001", 1, 1), 0, 100, &contract.AnchorRequest{Head: head})
	require.NoError(t, err)
	assert.Nil(t, ans, "not sent before the server said it takes it")
	last, err := c.LastAnchor(ctx)
	require.NoError(t, err)
	assert.Zero(t, last.Seq)

	res, _, ans, err := c.SyncAnchored(ctx, ops(t, "01001", 2, 1), 0, 100, &contract.AnchorRequest{Head: head})
	require.NoError(t, err)
	assert.Equal(t, app.OpApplied, res[0].Status)
	require.NotNil(t, ans)
	assert.True(t, ans.Accepted)
	last, err = c.LastAnchor(ctx)
	require.NoError(t, err)
	assert.Equal(t, head.Seq, last.Seq)

	res, _, ans, err = c.SyncAnchored(ctx, ops(t, "01001", 3, 1), 0, 100, &contract.AnchorRequest{Head: contract.AuditAnchor{Seq: 9}})
	require.NoError(t, err, "an anchor the centre cannot take does not fail the push")
	assert.Equal(t, app.OpApplied, res[0].Status)
	assert.Nil(t, ans, "no answer: the desk anchors on its own")
}

// answerBody undoes an answer's codings (x-jsoncols, then zstd) by hand.
func answerBody(t *testing.T, e exchange) string {
	t.Helper()
	require.Equal(t, "x-jsoncols, zstd", e.answerEncoding)
	dec, err := zstd.NewReader(bytes.NewReader(e.answer))
	require.NoError(t, err)
	cols, err := io.ReadAll(dec)
	require.NoError(t, err)
	body, err := jsoncols.Decode(cols, 64<<20)
	require.NoError(t, err)
	require.True(t, json.Valid(body))
	return string(body)
}

func TestClientRefusesACompactAnswerForOtherOperations(t *testing.T) {
	var tamper atomic.Bool
	rs := newRecordingServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !tamper.Load() {
				h.ServeHTTP(w, r)
				return
			}
			// A proxy that answers from a cache: a compact answer with another batch's digest.
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprint(
				w,
				`{"results":[{"op_id":"","status":"applied"}],"page":{"changes":[],"cursor":0},"ops_digest":"00000000000000000000000000000000"}`,
			)
		})
	})
	c := rs.client(t, "01001", "k7")
	ctx := context.Background()
	_, _, err := c.Sync(ctx, ops(t, "01001", 1, 1), 0, 100)
	require.NoError(t, err)
	tamper.Store(true)
	_, _, err = c.Sync(ctx, ops(t, "01001", 2, 1), 0, 100)
	require.Error(t, err)
	assert.Equal(t, app.Transient, app.KindOf(err), "the batch is sent again later")
}

func TestServerAppliesALargeBatchInOrderInShortTransactions(t *testing.T) {
	rs := newRecordingServer(t, nil)
	var mu gosync.Mutex
	var sizes []int
	rs.svc.OnPush = func(_ context.Context, _ string, n, _ int) { mu.Lock(); sizes = append(sizes, n); mu.Unlock() }
	c := rs.client(t, "01001", "k7")
	batch := ops(t, "01001", 1, 600)
	res, _, err := c.Sync(context.Background(), batch, 0, 100)
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, []int{250, 250, 100}, sizes, "transactions of at most 250 operations")
	mu.Unlock()
	require.Len(t, res, 600)
	for i, r := range res {
		require.Equal(t, app.OpApplied, r.Status, "operation %d", i)
		require.Equal(t, batch[i].OpID, r.OpID)
	}
	// Sent again (an answer lost on the way): every one is a duplicate, none applied twice.
	res, _, err = c.Sync(context.Background(), batch, 0, 100)
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, app.OpDuplicate, r.Status)
	}
}

func TestServerRefusesABodyLargerThanTheLimitOnceDecompressed(t *testing.T) {
	rs := newRecordingServer(t, nil)
	_, tok, err := rs.svc.Enroll(context.Background(), "01001", "k7", central.RoleDesk)
	require.NoError(t, err)
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	// 65 MB of spaces: valid JSON padding, a few kilobytes compressed.
	bomb := enc.EncodeAll(append([]byte(`{"ops":[],"cursor":0}`), bytes.Repeat([]byte(" "), 65<<20)...), nil)
	require.Less(t, len(bomb), 1<<20)
	req, err := http.NewRequest(http.MethodPost, rs.url+central.PathSync, bytes.NewReader(bomb))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Encoding", "zstd")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	req, err = http.NewRequest(http.MethodPost, rs.url+central.PathSync, bytes.NewReader([]byte("not zstd at all")))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Encoding", "zstd")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a body that is not what it says")
}

// TestABodyWithTooManyFieldsForXJsoncolsGoesAsZstd: a payload with more distinct fields than
// x-jsoncols takes (here an unknown operation kind carrying a map) is sent with zstd alone and
// still answered.
func TestABodyWithTooManyFieldsForXJsoncolsGoesAsZstd(t *testing.T) {
	rs := newRecordingServer(t, nil)
	c := rs.client(t, "01001", "k7")
	ctx := context.Background()
	_, _, err := c.Sync(ctx, ops(t, "01001", 1, 1), 0, 100)
	require.NoError(t, err)
	wide := map[string]int{}
	for i := range 20000 {
		wide[fmt.Sprintf("k%05d", i)] = i
	}
	payload, err := json.Marshal(wide)
	require.NoError(t, err)
	op := ops(t, "01001", 2, 1)[0]
	op.Kind, op.Payload = "note.wide", payload
	res, _, err := c.Sync(ctx, []contract.Op{op}, 0, 100)
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, app.OpRejected, res[0].Status, "an unknown kind is refused, with an answer")
	log := rs.exchanges()
	assert.Equal(t, "zstd", log[len(log)-1].requestEncoding)
}

// TestATokenSaysWhoseItIs: a desk enrolled in lower case ("k7c") is the device K7C, the one its
// dossier codes name; the device endpoint tells the desk whose token it holds, and refuses a
// token it does not know.
func TestATokenSaysWhoseItIs(t *testing.T) {
	rs := newRecordingServer(t, nil)
	dev, _, err := rs.svc.Enroll(context.Background(), "01001", " k7c ", central.RoleDesk)
	require.NoError(t, err)
	assert.Equal(t, "K7C", dev.Name)
	_, _, err = rs.svc.Enroll(context.Background(), "01001", "K7C", central.RoleDesk)
	assert.Equal(t, app.Conflict, app.KindOf(err), "the same device")
	// A device an earlier version kept in lower case is the same device too.
	require.NoError(t, rs.svc.Store.Update(context.Background(), func(tx central.Tx) error {
		return tx.PutDevice(central.Device{ID: "01001/k9", Office: "01001", Name: "k9", TokenHash: "x"})
	}))
	_, _, err = rs.svc.Enroll(context.Background(), "01001", "K9", central.RoleDesk)
	assert.Equal(t, app.Conflict, app.KindOf(err), "k9 enrolled before is K9")
	office, device, err := rs.client(t, "01001", "k8").Device(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"01001", "K8"}, []string{office, device})
	bad, err := central.NewClient(central.ClientConfig{BaseURL: rs.url, Token: "not-a-token"})
	require.NoError(t, err)
	_, _, err = bad.Device(context.Background())
	assert.Equal(t, app.Forbidden, app.KindOf(err))
}

// TestALargeOfficesStateComesInPages: an office of 250,000 vouchers (and another office's,
// which it must not get) takes its state back page by page — every voucher once, no answer
// near the client's 64 MiB limit that a single document of this office went over.
func TestALargeOfficesStateComesInPages(t *testing.T) {
	if testing.Short() {
		t.Skip("a quarter of a million vouchers")
	}
	const n = 250_000
	rs := newRecordingServer(t, nil)
	ctx := context.Background()
	body := func(i int) json.RawMessage {
		return json.RawMessage(
			fmt.Sprintf(
				`{"id":"v%07d","kind":"payment","receipt_no":"BL-%07d","personal_id":"001190%06d","full_name":"Nguyễn Thị Hồng Ánh","amount":330000,
					"paid_on":"2026-01-05","from_month":"2026-01","months":1}`,
				i,
				i,
				i%1000000,
			),
		)
	}
	for start := 0; start < n+1000; start += 10_000 {
		require.NoError(t, rs.svc.Store.Update(ctx, func(tx central.Tx) error {
			for i := start; i < min(start+10_000, n+1000); i++ {
				office := "01001"
				if i >= n {
					office = "79001"
				}
				if err := tx.PutVoucher(central.Voucher{ID: fmt.Sprintf("v%07d", i), Office: office, Body: body(i)}); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	c := rs.client(t, "01001", "K7")
	st, err := c.OfficeState(ctx)
	require.NoError(t, err)
	require.Len(t, st.Vouchers, n, "every voucher of the office, none of the other's")
	seen := map[string]bool{}
	for _, v := range st.Vouchers {
		var id struct{ ID string }
		require.NoError(t, json.Unmarshal(v, &id))
		seen[id.ID] = true
	}
	assert.Len(t, seen, n, "each once")
	largest, pages := 0, 0
	for _, ex := range rs.exchanges() {
		if strings.HasPrefix(ex.path, central.PathStatePage) {
			pages++
			largest = max(largest, len(ex.answer))
		}
	}
	assert.GreaterOrEqual(t, pages, n/5000)
	assert.Less(t, largest, 8<<20, "each answer bounded, far below the client's 64 MiB limit")
}

// TestSmallBodiesThatDecompressLargeStayBounded: four requests of a few kilobytes, each
// decompressing to 60 MiB of twenty million empty operations, sent at once: decoding stops
// past the batch limit (it took 13 GiB and 90 s before) and a few are decoded at a time, so
// the centre's memory stays bounded.
func TestSmallBodiesThatDecompressLargeStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("a few hundred megabytes of decoding")
	}
	rs := newRecordingServer(t, nil)
	_, tok, err := rs.svc.Enroll(context.Background(), "01001", "k7", central.RoleDesk)
	require.NoError(t, err)
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	// A valid request whose ops array holds 60 MiB of empty objects: a few kilobytes sent.
	body := append([]byte(`{"ops":[`), bytes.Repeat([]byte(`{},`), 20<<20)...)
	body = append(body[:len(body)-1], []byte(`],"cursor":0}`)...)
	bomb := enc.EncodeAll(body, nil)
	require.Less(t, len(bomb), 64<<10)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	var wg gosync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, rs.url+central.PathSync, bytes.NewReader(bomb))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Encoding", "zstd")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(stop)
	grown := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("heap grew by %d MiB at most", grown>>20)
	assert.Less(t, grown, int64(700<<20), "four such requests at once are not four times the memory")
}

// TestAClientFallsBackToTheWholeStateOfAnEarlierCentre: a centre of an earlier version has no
// paged state endpoint (its router answers 404 without the centre's error body); the client
// asks for the whole state at once instead of taking the 404 for a link failure.
func TestAClientFallsBackToTheWholeStateOfAnEarlierCentre(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+central.PathState, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"cursor":42,"dossiers":[],"vouchers":[],"people":[],"covers":[]}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := central.NewClient(central.ClientConfig{BaseURL: srv.URL, Token: "x"})
	require.NoError(t, err)
	st, err := c.OfficeState(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(42), st.Cursor)
}
