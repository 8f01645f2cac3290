// Package sync is the desk's synchronisation engine: it pushes the outbox to the central
// services in order and pulls their changes after a stored cursor, in rounds — on a timer, when
// the network comes back, and when someone presses "Sync now" — with capped exponential backoff
// and jitter after failures, and a status the screens show.
package sync

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/officesync"
)

// Remote is the central services as the engine needs them (central.Client implements it): one
// round trip pushes a batch and returns a page of changes after the cursor.
type Remote interface {
	Sync(ctx context.Context, ops []contract.Op, cursor uint64, limit int) ([]contract.OpResult, contract.Page, error)
	// Known returns the stored results of the operations the centre already applied among ids
	// (nothing for the others), without their payloads crossing the link again.
	Known(ctx context.Context, ids []string) ([]contract.OpResult, error)
	// OfficeState downloads everything the centre holds for the office.
	OfficeState(ctx context.Context) (contract.OfficeData, error)
}

// Local is the office's side (officesync.Service implements it).
type Local interface {
	Outbox(limit int) ([]contract.Op, error)
	Acknowledge(ops []contract.Op, results []contract.OpResult) error
	Cursor() (uint64, error)
	ApplyPage(p contract.Page) error
	Pending() (int, error)
	MarkSynced(at time.Time) error
	LastSync() (time.Time, error)
	NeedsReconcile() (bool, error)
	Reconciled() error
	RestoreFromCentre(data contract.OfficeData) error
}

var _ Local = (*officesync.Service)(nil)

// Anchorer is a centre that anchors the desk's audit chain (central.Client): it keeps the last
// head it acknowledged for the device, so a chain cut or rewritten behind it shows. An anchor
// that names another last head than the centre's is answered "anchor_stale" with the centre's.
type Anchorer interface {
	Anchor(ctx context.Context, req contract.AnchorRequest) (contract.AnchorAnswer, error)
}

// AnchorKeeper is the desk's side of anchoring (officesync.Service): its chain, and the heads the centre
// acknowledged.
type AnchorKeeper interface {
	AuditChain() (app.AuditChain, bool)
	Anchors() ([]contract.AuditAnchor, error)
	KeepAnchor(a contract.AuditAnchor) error
	AnchorRefused(ans contract.AnchorAnswer) error
}

var _ AnchorKeeper = (*officesync.Service)(nil)

// AnchoringRemote is a Remote that can anchor the desk's audit chain in a sync request
// (central.Client, with a centre that announced it): the round with new work is then one
// round trip, not two. The answer is nil when the anchor was not carried (a centre of an
// earlier version) or not answered; the engine then anchors after the round (Anchorer).
type AnchoringRemote interface {
	SyncAnchored(
		ctx context.Context,
		ops []contract.Op,
		cursor uint64,
		limit int,
		anchor *contract.AnchorRequest,
	) ([]contract.OpResult, contract.Page, *contract.AnchorAnswer, error)
}

// Report says what one round moved.
type Report struct {
	Pushed    int `json:"pushed"`
	Applied   int `json:"applied"`
	Duplicate int `json:"duplicate"`
	Conflicts int `json:"conflicts"`
	Rejected  int `json:"rejected"`
	Pulled    int `json:"pulled"`
	Pending   int `json:"pending"`
	Batches   int `json:"batches"`
}

// Engine runs sync rounds. Set the fields, then call Run; Kick asks for a round now.
type Engine struct {
	Local Local
	// Remote returns the central client, or an error (Unavailable) when the desk is not
	// enrolled yet; it is asked at each round so that enrolment takes effect at once.
	Remote func() (Remote, error)
	// Interval between rounds when all is well; 2 minutes when zero.
	Interval time.Duration
	// Batch is the most operations pushed per round trip; 1000 when zero (the most the centre
	// takes in one request: 1,000 dossiers are about 110 kB compressed, 4 s at 256 kbit/s).
	// Each round trip costs a full RTT with the link idle, so on a slow, distant link fewer,
	// larger batches are faster. After a push fails for a transient reason the next one is half
	// as large (down to minBatch), and it doubles back after each success: a link that drops
	// long requests still makes progress, and a crash re-sends at most one batch.
	Batch int
	// PageSize is the most changes pulled per round trip; 1000 when zero (the centre's most).
	PageSize int
	// MinBackoff and MaxBackoff bound the wait after a failure (doubling, with full jitter);
	// 5 s and 5 min when zero.
	MinBackoff, MaxBackoff time.Duration
	// WatchNetwork, when set, kicks a round when the machine's network interfaces change (a
	// cable plugged in, Wi-Fi back); it is polled every NetPoll (5 s when zero).
	WatchNetwork bool
	NetPoll      time.Duration
	// Now is the clock; time.Now when nil. After makes timers (time.After when nil): tests
	// drive time without sleeping.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// OnStatus is called (from the engine's goroutine) whenever the status changes.
	OnStatus func(app.SyncStatus)
	// Log, when set, receives a line per round (use a masking handler: app.NewLogHandler).
	Log *slog.Logger

	mu     gosync.Mutex
	status app.SyncStatus
	batch  int // the size of the next push (guarded by round)
	kick   chan struct{}
	once   gosync.Once
	round  gosync.Mutex // one round at a time (Run and a manual Round)
}

func (e *Engine) init() {
	e.once.Do(func() {
		e.kick = make(chan struct{}, 1)
		if e.Interval == 0 {
			e.Interval = 2 * time.Minute
		}
		if e.Batch == 0 {
			e.Batch = 1000
		}
		e.batch = e.Batch
		if e.PageSize == 0 {
			e.PageSize = 1000
		}
		if e.MinBackoff == 0 {
			e.MinBackoff = 5 * time.Second
		}
		if e.MaxBackoff == 0 {
			e.MaxBackoff = 5 * time.Minute
		}
		if e.NetPoll == 0 {
			e.NetPoll = 5 * time.Second
		}
		if e.Now == nil {
			e.Now = time.Now
		}
		if e.After == nil {
			e.After = time.After
		}
	})
}

// Kick asks for a round as soon as possible ("Sync now", new work saved).
func (e *Engine) Kick() {
	e.init()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Status returns the current status.
func (e *Engine) Status() app.SyncStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *Engine) setStatus(f func(*app.SyncStatus)) {
	e.mu.Lock()
	f(&e.status)
	st := e.status
	e.mu.Unlock()
	if e.OnStatus != nil {
		e.OnStatus(st)
	}
}

// Run syncs until ctx ends: a round at start, then after every Interval, Kick, or network
// change; after a failure it waits a capped, jittered, doubling backoff (a Kick still starts a
// round at once). It returns ctx's error.
func (e *Engine) Run(ctx context.Context) error {
	e.init()
	if last, err := e.Local.LastSync(); err == nil {
		e.setStatus(func(s *app.SyncStatus) { s.LastSuccess = last })
	}
	var netChanged <-chan struct{}
	if e.WatchNetwork {
		netChanged = watchNetwork(ctx, e.NetPoll, e.After)
	}
	failures := 0
	for {
		_, err := e.Round(ctx)
		wait := e.Interval
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failures++
			wait = e.backoff(failures)
			next := e.Now().Add(wait)
			e.setStatus(func(s *app.SyncStatus) { s.NextTry = next })
		} else {
			failures = 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-e.kick:
		case <-netChanged:
		case <-e.After(wait):
		}
	}
}

// backoff is the wait after n failures in a row: full jitter over min·2ⁿ⁻¹, capped.
func (e *Engine) backoff(n int) time.Duration {
	d := e.MinBackoff
	for i := 1; i < n && d < e.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.MaxBackoff)
	// Full jitter keeps fifty offices that lost the same link from returning in step, but
	// never waits less than half the minimum.
	return max(e.MinBackoff/2, time.Duration(rand.Int64N(int64(d)+1)))
}

// Round runs one complete round: push the outbox batch by batch (each acknowledged locally
// before the next is sent, so a crash re-sends at most one batch) while pulling pages of
// changes, until nothing is left to send and no page is left to fetch.
func (e *Engine) Round(ctx context.Context) (Report, error) {
	e.init()
	e.round.Lock()
	defer e.round.Unlock()
	var rep Report
	toSend, _ := e.Local.Pending()
	e.setStatus(func(s *app.SyncStatus) {
		s.State, s.Reason, s.ToSend, s.Sent, s.Received = app.SyncSyncing, nil, toSend, 0, 0
	})
	var anchor roundAnchor
	if keeper, chain, req, ok := e.anchorRequest(); ok {
		anchor = roundAnchor{keeper: keeper, chain: chain, req: &req}
	}
	err := e.round1(ctx, &rep, &anchor)
	pending, perr := e.Local.Pending()
	rep.Pending = pending
	if e.Log != nil {
		if err != nil {
			e.Log.Warn("sync round failed", "err", err, "pushed", rep.Pushed, "pulled", rep.Pulled, "pending", pending)
		} else {
			e.Log.Info("sync round", "pushed", rep.Pushed, "applied", rep.Applied, "duplicate", rep.Duplicate, "conflicts", rep.Conflicts,
				"rejected", rep.Rejected, "pulled", rep.Pulled, "pending", pending, "round_trips", rep.Batches)
		}
	}
	now := e.Now()
	if err == nil && perr == nil {
		err = e.Local.MarkSynced(now)
	}
	if err == nil {
		e.anchor(ctx, &anchor)
	}
	e.setStatus(func(s *app.SyncStatus) {
		s.Pending = pending
		switch {
		case err == nil:
			s.State, s.Reason, s.LastSuccess, s.NextTry = app.SyncUpToDate, nil, now, time.Time{}
			if pending > 0 {
				s.State = app.SyncWaiting
			}
			s.Rounds++
		case offline(err):
			s.State, s.Reason = app.SyncOffline, err
		default:
			s.State, s.Reason = app.SyncFailed, err
		}
	})
	return rep, err
}

func (e *Engine) round1(ctx context.Context, rep *Report, anchor *roundAnchor) error {
	remote, err := e.Remote()
	if err != nil {
		return err
	}
	if err := e.reconcile(ctx, remote, rep); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// One more than the batch tells whether another batch follows, so a round whose last
		// batch is exactly full does not need an empty round trip to find out.
		ops, err := e.Local.Outbox(e.batch + 1)
		if err != nil {
			return err
		}
		more := len(ops) > e.batch
		if more {
			ops = ops[:e.batch]
		}
		cursor, err := e.Local.Cursor()
		if err != nil {
			return err
		}
		var (
			results []contract.OpResult
			page    contract.Page
		)
		if ar, ok := remote.(AnchoringRemote); ok && anchor.req != nil && !anchor.answered {
			var ans *contract.AnchorAnswer
			results, page, ans, err = ar.SyncAnchored(ctx, ops, cursor, e.PageSize, anchor.req)
			if err == nil && ans != nil {
				e.anchorAnswered(anchor, *ans)
			}
		} else {
			results, page, err = remote.Sync(ctx, ops, cursor, e.PageSize)
		}
		if err != nil {
			if len(ops) > 1 && offline(err) {
				e.batch = max(min(minBatch, e.Batch), e.batch/2)
			}
			return err
		}
		e.batch = min(e.Batch, e.batch*2)
		rep.Batches++
		if len(ops) > 0 {
			if err := e.Local.Acknowledge(ops, results); err != nil {
				return err
			}
			rep.Pushed += len(ops)
			for _, r := range results {
				switch r.Status {
				case app.OpApplied:
					rep.Applied++
				case app.OpDuplicate:
					rep.Duplicate++
				case app.OpConflict:
					rep.Conflicts++
				case app.OpRejected:
					rep.Rejected++
				}
			}
		}
		if err := e.Local.ApplyPage(page); err != nil {
			return err
		}
		rep.Pulled += len(page.Changes)
		e.setStatus(func(s *app.SyncStatus) { s.Sent, s.Received = rep.Pushed, rep.Pulled })
		if !more && !page.More {
			return nil
		}
	}
}

// roundAnchor is a round's anchor of the audit chain: the head when the round started, carried
// by the round's first request to a centre that takes it there, and what the centre answered.
type roundAnchor struct {
	keeper AnchorKeeper
	chain  app.AuditChain
	// req is the anchor to carry; nil when there is nothing to anchor.
	req *contract.AnchorRequest
	// answered is set once a sync request carried it and the centre answered.
	answered bool
	// refused is set when the centre found the chain cut or rewritten: not sent again this round.
	refused bool
	// against is the centre's last anchor when it answered that the desk named another one.
	against *uint64
}

// anchorAnswered keeps the centre's answer to an anchor carried by a sync request.
func (e *Engine) anchorAnswered(a *roundAnchor, ans contract.AnchorAnswer) {
	a.answered = true
	if ans.Reason == anchorStale {
		seq := ans.Last.Seq
		a.against = &seq
		return
	}
	a.refused = !ans.Accepted && ans.Reason != ""
	if err := e.anchored(a.keeper, ans); err != nil && e.Log != nil {
		e.Log.Warn("audit anchor not kept", "err", err)
	}
}

// anchor anchors the head of the desk's audit chain at the centre after a round, with the hash
// the chain holds at the centre's last anchor, when the head moved since the last one
// acknowledged — not when the round's first request anchored it and the round added nothing
// to the chain. A centre that finds the chain cut or rewritten behind its anchor says so, and
// the desk keeps a notice for a person; a failure to anchor never fails the round (the next
// one tries again).
func (e *Engine) anchor(ctx context.Context, a *roundAnchor) {
	if a.refused {
		return
	}
	keeper, chain, req, ok := e.anchorRequest()
	if !ok {
		return
	}
	remote, err := e.Remote()
	if err != nil {
		return
	}
	centre, ok := remote.(Anchorer)
	if !ok {
		return
	}
	err = func() error {
		if a.against != nil {
			// The round's request named another last anchor than the centre's: against that one.
			if req, err = anchorAfter(chain, req.Head, *a.against); err != nil {
				return err
			}
		}
		ans, err := centre.Anchor(ctx, req)
		if err == nil && ans.Reason == anchorStale && a.against == nil {
			// The centre holds another anchor than the last the desk kept (its answer was lost
			// on the way, or the store was restored from a backup): once more against that one.
			if req, err = anchorAfter(chain, req.Head, ans.Last.Seq); err != nil {
				return err
			}
			ans, err = centre.Anchor(ctx, req)
		}
		if err != nil {
			return err
		}
		return e.anchored(keeper, ans)
	}()
	if err != nil && e.Log != nil {
		e.Log.Warn("audit anchor not sent", "err", err)
	}
}

// anchorStale is the centre's answer to an anchor that names another last anchor than the one
// it holds; the answer carries the one it holds.
const anchorStale = "anchor_stale"

// anchorRequest is the anchor of the chain's head against the last head the centre
// acknowledged, as the desk kept it; ok is false when there is nothing to anchor (no chain, an
// empty one, or a head already acknowledged).
func (e *Engine) anchorRequest() (keeper AnchorKeeper, chain app.AuditChain, req contract.AnchorRequest, ok bool) {
	keeper, ok = e.Local.(AnchorKeeper)
	if !ok {
		return nil, nil, req, false
	}
	chain, ok = keeper.AuditChain()
	if !ok {
		return nil, nil, req, false
	}
	head, err := chain.AuditHead()
	if err != nil || head.Seq == 0 {
		return nil, nil, req, false
	}
	kept, _ := keeper.Anchors()
	var last uint64
	if n := len(kept); n > 0 {
		if kept[n-1].Seq == head.Seq && kept[n-1].Hash == head.Hash {
			return nil, nil, req, false
		}
		last = kept[n-1].Seq
	}
	if req, err = anchorAfter(chain, head, last); err != nil {
		return nil, nil, req, false
	}
	return keeper, chain, req, true
}

// anchorAfter is the anchor of head against the centre's anchor at seq (none when 0), with the
// hash the chain holds there: empty when the chain no longer reaches it (the centre then finds
// it cut).
func anchorAfter(chain app.AuditChain, head contract.AuditAnchor, seq uint64) (contract.AnchorRequest, error) {
	req := contract.AnchorRequest{Head: head, PrevSeq: seq}
	if seq > 0 {
		var err error
		if req.PrevHash, _, err = chain.AuditHashAt(seq); err != nil {
			return req, err
		}
	}
	return req, nil
}

// anchored keeps what the centre answered to an anchor: the head it acknowledged, or a notice
// when it found the chain cut or rewritten behind its anchor.
func (e *Engine) anchored(keeper AnchorKeeper, ans contract.AnchorAnswer) error {
	switch {
	case ans.Accepted:
		return keeper.KeepAnchor(ans.Last)
	case ans.Reason == "audit_rewritten" || ans.Reason == "audit_truncated":
		if e.Log != nil {
			e.Log.Error("the centre found the audit log cut or rewritten", "reason", ans.Reason, "anchored", ans.Last.Seq)
		}
		return keeper.AnchorRefused(ans)
	}
	return nil
}

// reconcile, after a restore from backup, asks the centre which operations of the outbox it
// already applied and acknowledges them locally, so that none is pushed twice, then takes back
// what the office recorded after the backup was made and the centre holds.
func (e *Engine) reconcile(ctx context.Context, remote Remote, rep *Report) error {
	need, err := e.Local.NeedsReconcile()
	if err != nil || !need {
		return err
	}
	ops, err := e.Local.Outbox(0)
	if err != nil {
		return err
	}
	for start := 0; start < len(ops); start += 1000 {
		batch := ops[start:min(start+1000, len(ops))]
		ids := make([]string, len(batch))
		for i, op := range batch {
			ids[i] = op.OpID
		}
		known, err := remote.Known(ctx, ids)
		if err != nil {
			return err
		}
		if err := e.Local.Acknowledge(batch, known); err != nil {
			return err
		}
		rep.Duplicate += len(known)
		rep.Batches++
	}
	data, err := remote.OfficeState(ctx)
	if err != nil {
		return err
	}
	rep.Batches++
	if err := e.Local.RestoreFromCentre(data); err != nil {
		return err
	}
	return e.Local.Reconciled()
}

// watchNetwork signals when the set of the machine's up, non-loopback interface addresses
// changes.
func watchNetwork(ctx context.Context, every time.Duration, after func(time.Duration) <-chan time.Time) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		last := netSignature()
		for {
			select {
			case <-ctx.Done():
				return
			case <-after(every):
			}
			if sig := netSignature(); sig != last {
				last = sig
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}()
	return ch
}

func netSignature() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return ""
	}
	var parts []string
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			parts = append(parts, ifc.Name+"="+a.String())
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// minBatch is the smallest push the engine shrinks to after failures.
const minBatch = 10

// ErrNotEnrolled is returned by a Remote func when the desk has no central URL or token.
var ErrNotEnrolled = &app.Error{Kind: app.Unavailable, Code: app.CodeNotEnrolled}

// offline reports whether a round's error is the link's — a Transient error (the network, a
// centre busy or failing) or the desk not being enrolled yet — or the round's time running out.
// Other errors — a full disk, rules missing — are failures a person must see for what they are.
func offline(err error) bool {
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Kind == app.Transient || ae.Code == ErrNotEnrolled.Code
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
