package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
)

// loadConfig is one month-end run.
type loadConfig struct {
	Desks    int           // simulated desks, spread over the offices
	Duration time.Duration // how long they work
	Batch    int           // operations a push carries (three per person: dossier, voucher, period)
	Think    time.Duration // a desk's pause between rounds (a random share of it)
	Every    int           // a desk asks its office's digest and state every Every rounds
}

// samples are the durations of one kind of request.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

// pct is the p-th percentile (0 < p ≤ 100), 0 with no samples.
func (s *samples) pct(p float64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.d) == 0 {
		return 0
	}
	sort.Slice(s.d, func(i, j int) bool { return s.d[i] < s.d[j] })
	i := int(float64(len(s.d))*p/100+0.5) - 1
	return s.d[min(max(i, 0), len(s.d)-1)]
}

func (s *samples) n() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d)
}

// loadResult is what a run measured.
type loadResult struct {
	Applied, Rejected, Failed int64
	Elapsed                   time.Duration
	// Steady is how many operations were applied once every desk had started (after the first
	// pause) and before the end, in Window.
	Steady                    int64
	Window                    time.Duration
	Push, Pull, Digest, State samples
}

// runLoad runs cfg.Desks desks against the replicas' URLs (desk i uses replica i mod R, and
// the next one when its replica does not answer) until cfg.Duration has passed.
func runLoad(ctx context.Context, svc *central.Service, urls []string, w *world, cfg loadConfig) (*loadResult, error) {
	type desk struct {
		office  string
		name    string
		clients []*central.Client
	}
	desks := make([]desk, cfg.Desks)
	for i := range desks {
		office := w.offices[i%len(w.offices)]
		name := fmt.Sprintf("B%d", i)
		_, tok, err := svc.Enroll(ctx, office, name, central.RoleDesk)
		if err != nil {
			return nil, fmt.Errorf("enrol %s/%s: %w", office, name, err)
		}
		d := desk{office: office, name: name}
		for r := range urls {
			c, err := central.NewClient(central.ClientConfig{BaseURL: urls[(i+r)%len(urls)], Token: tok, Timeout: time.Minute})
			if err != nil {
				return nil, err
			}
			d.clients = append(d.clients, c)
		}
		desks[i] = d
	}
	res := &loadResult{}
	deadline := time.Now().Add(cfg.Duration)
	start := time.Now()
	steadyFrom := start.Add(cfg.Think)
	res.Window = deadline.Sub(steadyFrom)
	var wg sync.WaitGroup
	for i := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := desks[i]
			cursor, round, seq := uint64(0), 0, 0
			if cfg.Think > 0 {
				// Desks are not in step: each starts somewhere in its first pause.
				time.Sleep(time.Duration(rand.Int64N(int64(cfg.Think))))
			}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				round++
				var people []person
				var ops []contract.Op
				now := time.Now()
				for len(ops)+3 <= cfg.Batch {
					n := atomic.AddInt64(&w.next, 1)
					seq++
					// Four digits a day, as a desk numbers them; a busy bench desk moves to the next day.
					code := fmt.Sprintf("%s-2612%02d-%s%04d", d.office, 7+seq/10000, d.name, seq%10000)
					p := makePerson(n, d.office, code, now)
					people = append(people, p)
					ops = append(ops, opOf(contract.OpDossierCreate, code, app.DossierPayload.To(p.dossier), now),
						opOf(contract.OpVoucherAdd, p.voucher.ID, app.VoucherPayload.To(p.voucher), now),
						opOf(contract.OpPeriodAdd, p.dossier.Form.PersonalID, app.PeriodPayload.To(p.period), now))
				}
				// As a desk's outbox does, the same operations go again until the centre
				// answers: one that committed but whose answer was lost comes back a duplicate.
				var (
					results []contract.OpResult
					err     error
				)
				for {
					results, err = retry(ctx, d.clients, func(c *central.Client) ([]contract.OpResult, error) {
						t0 := time.Now()
						r, err := c.Push(ctx, ops)
						if err == nil {
							res.Push.add(time.Since(t0))
						}
						return r, err
					})
					if err == nil || ctx.Err() != nil || time.Now().After(deadline.Add(2*time.Minute)) {
						break
					}
				}
				if err != nil {
					atomic.AddInt64(&res.Failed, int64(len(ops)))
					w.uncertain(d.office)
					continue
				}
				steady := time.Now().After(steadyFrom) && time.Now().Before(deadline)
				for j, r := range results {
					switch r.Status {
					case contract.OpApplied, contract.OpDuplicate:
						atomic.AddInt64(&res.Applied, 1)
						if steady {
							atomic.AddInt64(&res.Steady, 1)
						}
					default:
						atomic.AddInt64(&res.Rejected, 1)
						if atomic.LoadInt64(&res.Rejected) < 5 {
							fmt.Printf("rejected %s %s: %s %v\n", ops[j].Kind, ops[j].EntityID, r.Reason, r.Args)
						}
					}
				}
				for _, p := range people {
					w.expect(d.office, p.dossier.Code, p.dossier.Form.PersonalID, p.voucher.ID, p.period)
				}
				for more := true; more; {
					page, err := retry(ctx, d.clients, func(c *central.Client) (contract.Page, error) {
						t0 := time.Now()
						pg, err := c.Pull(ctx, cursor, 500)
						if err == nil {
							res.Pull.add(time.Since(t0))
						}
						return pg, err
					})
					if err != nil {
						break
					}
					cursor, more = page.Cursor, page.More
				}
				if cfg.Every > 0 && round%cfg.Every == i%cfg.Every {
					if _, err := retry(ctx, d.clients, func(c *central.Client) (int, error) {
						t0 := time.Now()
						_, n, err := c.Digest(ctx)
						if err == nil {
							res.Digest.add(time.Since(t0))
						}
						return n, err
					}); err == nil {
						_, _ = retry(ctx, d.clients, func(c *central.Client) (int, error) {
							t0 := time.Now()
							st, err := c.OfficeState(ctx)
							if err == nil {
								res.State.add(time.Since(t0))
							}
							return len(st.Dossiers), err
						})
					}
				}
				if cfg.Think > 0 {
					time.Sleep(time.Duration(rand.Int64N(int64(cfg.Think))))
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, nil
}

// retry runs fn on the desk's replica, then on the others while a replica does not answer
// (a desk's client tries again later; the bench tries the next replica at once).
func retry[T any](ctx context.Context, clients []*central.Client, fn func(*central.Client) (T, error)) (T, error) {
	var (
		out T
		err error
	)
	for attempt := range 3 * len(clients) {
		out, err = fn(clients[attempt%len(clients)])
		if err == nil || app.KindOf(err) != app.Transient && !errors.Is(err, http.ErrHandlerTimeout) {
			return out, err
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		}
	}
	return out, err
}

var opSeq atomic.Uint64

func opOf[P contract.Payload](kind contract.OpKind, entity string, p P, now time.Time) contract.Op {
	b, err := jsonMarshal(p)
	if err != nil {
		panic(err) // the payload structs always encode
	}
	n := opSeq.Add(1)
	return contract.Op{OpID: app.NewUUIDv7(now), DeviceSeq: n, HLC: n, Kind: kind, EntityID: entity, Payload: b, Created: now}
}
