package sync_test

import (
	"context"
	"net/http"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
)

// pushLog records the size of every push the centre applied and counts the sync requests; it
// can refuse the next ones with 503 before they reach the centre.
type pushLog struct {
	mu       gosync.Mutex
	sizes    []int
	requests int
	refuse   int
}

func (p *pushLog) wrap(h httpHandler) httpHandler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == central.PathSync {
			p.mu.Lock()
			p.requests++
			refuse := p.refuse > 0
			if refuse {
				p.refuse--
			}
			p.mu.Unlock()
			if refuse {
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func (p *pushLog) onPush(_ context.Context, _ string, ops, _ int) {
	p.mu.Lock()
	p.sizes = append(p.sizes, ops)
	p.mu.Unlock()
}

func (p *pushLog) get() ([]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.sizes...), p.requests
}

func TestEngineSendsAFullLastBatchWithoutAnEmptyRoundTrip(t *testing.T) {
	var log pushLog
	c := newCentre(t, log.wrap)
	c.Service.OnPush = log.onPush
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	o.register(t, 1, 100)

	rep, err := o.engine(t, c.Server.URL, 50, 0).Round(context.Background())
	require.NoError(t, err)
	sizes, requests := log.get()
	assert.Equal(t, []int{50, 50}, sizes)
	assert.Equal(t, 2, requests, "two batches, two round trips: the second was known to be the last")
	assert.Equal(t, 100, rep.Pushed)
	assert.Zero(t, rep.Pending)
}

func TestEngineHalvesTheBatchAfterAFailedPushAndGrowsItBack(t *testing.T) {
	log := pushLog{refuse: 1}
	c := newCentre(t, log.wrap)
	c.Service.OnPush = log.onPush
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	o.register(t, 1, 100)
	e := o.engine(t, c.Server.URL, 40, 0)

	_, err := e.Round(context.Background())
	require.Error(t, err)
	assert.Equal(t, app.Transient, app.KindOf(err))
	rep, err := e.Round(context.Background())
	require.NoError(t, err)
	sizes, requests := log.get()
	assert.Equal(t, []int{20, 40, 40}, sizes, "half after the failure, then back to the full batch")
	assert.Equal(t, 4, requests)
	assert.Equal(t, 100, rep.Pushed)
}

func TestEngineTakesTheCentresLargestBatchByDefault(t *testing.T) {
	var log pushLog
	c := newCentre(t, log.wrap)
	c.Service.OnPush = log.onPush
	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	o.register(t, 1, 600)

	e := o.engine(t, c.Server.URL, 0, 0)
	rep, err := e.Round(context.Background())
	require.NoError(t, err)
	_, requests := log.get()
	assert.Equal(t, 1, requests, "600 operations in one round trip")
	assert.Equal(t, 600, rep.Applied)
	assert.Len(t, c.dossiers(t), 600)
}
