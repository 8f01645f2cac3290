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
	// Patience is how long after the end a desk keeps sending a push the centre has not
	// answered (a real desk's outbox never gives up); it must outlast an injected outage.
	Patience time.Duration
	// FeedRate is how many vouchers a second the central accounting feed posts for people the
	// centre holds; each becomes a change every desk of the person's office must receive.
	FeedRate int
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
	// Posted is how many feed vouchers the accounting feed posted; Undelivered how many changes
	// a desk of a checked office never received — a feed voucher of its office, or a dossier
	// another desk of its office sent (a desk and a change counted once per pair).
	Posted, Undelivered int64
	// PerMinute is the operations applied in each minute of the run (the answer's minute).
	perMinute   []int64
	perMinuteMu sync.Mutex
	start       time.Time
}

// count adds n applied operations to the current minute.
func (r *loadResult) count(n int64) {
	m := int(time.Since(r.start) / time.Minute)
	r.perMinuteMu.Lock()
	defer r.perMinuteMu.Unlock()
	for len(r.perMinute) <= m {
		r.perMinute = append(r.perMinute, 0)
	}
	r.perMinute[m] += n
}

// runLoad runs cfg.Desks desks against the replicas' URLs (desk i uses replica i mod R, and
// the next one when its replica does not answer) until cfg.Duration has passed.
func runLoad(ctx context.Context, svc *central.Service, urls []string, w *world, cfg loadConfig) (*loadResult, error) {
	type desk struct {
		office  string
		name    string
		clients []*central.Client
		seen    map[string]bool // feed vouchers received, in checked offices
		cursor  uint64
	}
	desks := make([]desk, cfg.Desks)
	for i := range desks {
		office := w.offices[i%w.working]
		name := fmt.Sprintf("B%d", i)
		_, tok, err := svc.Enroll(ctx, office, name, central.RoleDesk)
		if err != nil {
			return nil, fmt.Errorf("enrol %s/%s: %w", office, name, err)
		}
		d := desk{office: office, name: name}
		if w.checked[office] {
			d.seen = map[string]bool{}
		}
		for r := range urls {
			c, err := central.NewClient(central.ClientConfig{BaseURL: urls[(i+r)%len(urls)], Token: tok, Timeout: time.Minute})
			if err != nil {
				return nil, err
			}
			d.clients = append(d.clients, c)
		}
		desks[i] = d
	}
	start := time.Now()
	res := &loadResult{start: start}
	deadline := start.Add(cfg.Duration)
	steadyFrom := start.Add(cfg.Think)
	res.Window = deadline.Sub(steadyFrom)
	until := deadline.Add(max(cfg.Patience, 10*time.Second))
	var wg sync.WaitGroup
	if cfg.FeedRate > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); postFeed(ctx, svc, w, cfg.FeedRate, deadline, until, res) }()
	}
	// pull takes a desk's changes after its cursor until there are no more.
	pull := func(d *desk, until time.Time) error {
		for more := true; more; {
			page, err := retry(ctx, d.clients, until, func(c *central.Client) (contract.Page, error) {
				t0 := time.Now()
				pg, err := c.Pull(ctx, d.cursor, 500)
				if err == nil {
					res.Pull.add(time.Since(t0))
				}
				return pg, err
			})
			if err != nil {
				return err
			}
			for _, ch := range page.Changes {
				if d.seen != nil && (ch.Kind == contract.ChangeVoucher || ch.Kind == contract.ChangeOfficeRecord) {
					d.seen[ch.Entity] = true
				}
			}
			d.cursor, more = page.Cursor, page.More
		}
		return nil
	}
	for i := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &desks[i]
			round, seq := 0, 0
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
				results, err = retry(ctx, d.clients, until, func(c *central.Client) ([]contract.OpResult, error) {
					t0 := time.Now()
					r, err := c.Push(ctx, ops)
					if err == nil {
						res.Push.add(time.Since(t0))
					}
					return r, err
				})
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
						res.count(1)
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
					w.sent(d.office, d.name, p.dossier.Code)
				}
				_ = pull(d, time.Now().Add(time.Minute)) // the next round goes on from the cursor
				if cfg.Every > 0 && round%cfg.Every == i%cfg.Every {
					if _, err := retry(ctx, d.clients, time.Now().Add(time.Minute), func(c *central.Client) (int, error) {
						t0 := time.Now()
						_, n, err := c.Digest(ctx)
						if err == nil {
							res.Digest.add(time.Since(t0))
						}
						return n, err
					}); err == nil {
						_, _ = retry(ctx, d.clients, time.Now().Add(time.Minute), func(c *central.Client) (int, error) {
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
					// A pause that would end after the deadline ends the desk's work there.
					time.Sleep(min(time.Duration(rand.Int64N(int64(cfg.Think))), time.Until(deadline)))
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	// Every desk of a checked office takes what is left and must then hold every feed voucher
	// of its office.
	for i := range desks {
		d := &desks[i]
		if d.seen == nil {
			continue
		}
		if err := pull(d, time.Now().Add(cfg.Patience+time.Minute)); err != nil {
			return nil, fmt.Errorf("desk %s: the last pull: %w", d.name, err)
		}
		for _, id := range w.feedOf(d.office) {
			if !d.seen[id] {
				res.Undelivered++
			}
		}
		// … and every dossier the office's other desks sent (office.record).
		for _, s := range w.sentIn(d.office) {
			if s.desk != d.name && !d.seen[s.code] {
				res.Undelivered++
			}
		}
	}
	return res, nil
}

// retry runs fn on the desk's replica, then on the others while none answers, until one does
// or until is reached (a desk's outbox tries again later; the bench goes on at once, then
// backs off up to 5 s with jitter — after an outage every desk is back within those 5 s).
func retry[T any](ctx context.Context, clients []*central.Client, until time.Time, fn func(*central.Client) (T, error)) (T, error) {
	var (
		out T
		err error
	)
	for attempt := 0; ; attempt++ {
		out, err = fn(clients[attempt%len(clients)])
		if err == nil || app.KindOf(err) != app.Transient && !errors.Is(err, http.ErrHandlerTimeout) || time.Now().After(until) {
			return out, err
		}
		if attempt%len(clients) != len(clients)-1 {
			continue // the next replica at once
		}
		wait := min(5*time.Second, 100*time.Millisecond<<min(attempt/len(clients), 6))
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(wait/2 + rand.N(wait/2+1)):
		}
	}
}

// postFeed posts vouchers from the central accounting feed for people the centre holds, rate a
// second until the deadline, each until the centre takes it.
func postFeed(ctx context.Context, svc *central.Service, w *world, rate int, deadline, until time.Time, res *loadResult) {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for n := int64(0); time.Now().Before(deadline); n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// A person seeded at the start, spread over every office.
		i := (n * 7919) % w.seeded
		office := w.offices[i%int64(len(w.offices))]
		in := app.VoucherInput{ID: app.NewUUIDv7(time.Now()), ReceiptNo: fmt.Sprintf("TT-%d", n), PersonalID: personID(i),
			FullName: nameOf(i), Amount: "435600", PaidOn: "2026-12-07", FromMonth: "2026-12", Months: 1, Collector: "Đại lý thu 01"}
		if err := postUntil(ctx, svc, in, until); err != nil {
			w.uncertain(office)
			continue
		}
		atomic.AddInt64(&res.Posted, 1)
		w.posted(office, in.ID)
	}
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

// postUntil posts one feed voucher, again while the centre is unavailable, until the time
// given (the feed has the voucher's id: posting it twice stores it once).
func postUntil(ctx context.Context, svc *central.Service, in app.VoucherInput, until time.Time) error {
	for {
		_, err := svc.PostVouchers(ctx, []app.VoucherInput{in})
		if err == nil || app.KindOf(err) != app.Transient || time.Now().After(until) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Second)
	}
}
