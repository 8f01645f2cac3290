package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/intake"
)

type httpHandler = http.Handler

// faultProxy is an HTTP proxy on loopback that forwards to upstream and injects faults: it
// drops requests, drops responses after the server committed, resets connections mid-body,
// truncates bodies, stalls past the client's timeout, and answers 5xx before or after
// forwarding.
type faultProxy struct {
	upstream string
	client   *http.Client
	stall    time.Duration

	mu     gosync.Mutex
	rng    *rand.Rand
	rate   float64
	counts map[string]int
	total  atomic.Int64
}

var faultKinds = []string{"drop_request", "drop_response", "reset_mid_body", "truncate_body", "stall", "503_before", "502_after",
	"drop_request", "drop_response", "reset_mid_body", "truncate_body", "503_before"}

func (p *faultProxy) pick() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rng.Float64() >= p.rate {
		return ""
	}
	k := faultKinds[p.rng.IntN(len(faultKinds))]
	p.counts[k]++
	p.total.Add(1)
	return k
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := p.pick()
	abort := func() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	switch fault {
	case "drop_request":
		abort()
		return
	case "503_before":
		http.Error(w, "upstream overloaded", http.StatusServiceUnavailable)
		return
	case "stall":
		time.Sleep(p.stall) // the client gives up; the request still goes through afterwards
	}
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequestWithContext(context.Background(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// From here on the central server has committed whatever the request did.
	switch fault {
	case "drop_response":
		abort()
		return
	case "502_after":
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(resp.StatusCode)
	switch fault {
	case "reset_mid_body":
		_, _ = w.Write(data[:len(data)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	case "truncate_body":
		_, _ = w.Write(data[:len(data)/3])
		return // shorter than Content-Length: the client reads an unexpected EOF
	}
	_, _ = w.Write(data)
}

// TestChaosEveryOperationExactlyOnce pushes 10,000 operations from two offices through a
// proxy that injects at least 1,000 faults, then checks that the centre applied each exactly
// once (by operation id and by business key), both outboxes are empty and the digests agree.
func TestChaosEveryOperationExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos test takes about a minute")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	c := newCentre(t, nil)
	proxy := &faultProxy{upstream: c.Server.URL, client: &http.Client{Timeout: 30 * time.Second}, stall: 300 * time.Millisecond,
		rng: rand.New(rand.NewPCG(seed, 7)), rate: 0.78, counts: map[string]int{}}
	ps := httptest.NewServer(proxy)
	defer ps.Close()

	offices := []*office{newOffice(t, "01001", "01", "00004", "K7"), newOffice(t, "79001", "79", "25747", "Q1")}
	const perOffice = 5000 // 2,500 registrations and 2,500 workflow steps
	want := map[string]map[string]bool{}
	for i, o := range offices {
		c.enrol(t, o, ps.URL)
		dossiers := o.register(t, uint64(100+i), perOffice/2)
		for _, d := range dossiers {
			_, err := o.Intake.Act(o.officer, d.Code, intake.ActRequest{Action: app.ActAdvance})
			require.NoError(t, err)
		}
		ops, err := o.Sync.Outbox(0)
		require.NoError(t, err)
		require.Len(t, ops, perOffice)
		want["DESK-"+o.agency] = map[string]bool{}
		for _, op := range ops {
			want["DESK-"+o.agency][op.OpID] = true
		}
	}

	var wg gosync.WaitGroup
	errs := make([]error, len(offices))
	for i, o := range offices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := o.engine(t, ps.URL, 25, 250*time.Millisecond)
			rounds, failures, err := converge(e, 20000)
			t.Logf("office %s: %d rounds, %d failed", o.agency, rounds, failures)
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	t.Logf("faults injected: %d %v", proxy.total.Load(), proxy.counts)
	require.GreaterOrEqual(t, proxy.total.Load(), int64(1000), "the proxy injected at least 1,000 faults")

	// Exactly once by operation id.
	got := c.ops(t)
	for _, o := range offices {
		dev := o.agency + "/DESK-" + o.agency
		assert.Len(t, got[dev], perOffice, "every operation of %s stored once", o.agency)
		for id := range want["DESK-"+o.agency] {
			assert.Equal(t, 1, got[dev][id], "operation %s", id)
		}
		n, err := o.Sync.Pending()
		require.NoError(t, err)
		assert.Zero(t, n, "outbox of %s empty", o.agency)
	}
	// Exactly once by business key: one dossier per code, with every step once.
	dossiers := c.dossiers(t)
	assert.Len(t, dossiers, perOffice)
	for _, o := range offices {
		list, err := o.Intake.List(o.officer, intake.ListRequest{Kind: intake.ListStep, Value: "finance"})
		require.NoError(t, err)
		require.Len(t, list, perOffice/2)
		for _, s := range list {
			d, ok := dossiers[s.Code]
			require.True(t, ok, s.Code)
			assert.Equal(t, 2, d.Version, "%s: created once and advanced once", s.Code)
		}
		local, nl, err := o.Sync.Digest()
		require.NoError(t, err)
		remote, nr, err := c.Service.Digest(context.Background(), o.agency)
		require.NoError(t, err)
		assert.Equal(t, nl, nr)
		assert.Equal(t, local, remote, "office %s and the centre hold the same", o.agency)
	}
}
