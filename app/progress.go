package app

import (
	"sync"
	"sync/atomic"
	"time"
)

// Progress follows long work for the person waiting on it (tiến độ): how many units of a total
// are done, and whether they asked to stop. Work reports through Step and asks Stopped only
// where stopping loses nothing (between transactions, before anything is counted). A nil
// *Progress reports nothing and never stops, so callers without a screen pass nil.
type Progress struct {
	report  func(done, total int64)
	every   time.Duration
	stopped atomic.Bool

	mu   sync.Mutex
	last time.Time
}

// NewProgress reports to report at most every interval (and always the last unit); report is
// called from the working goroutine.
func NewProgress(interval time.Duration, report func(done, total int64)) *Progress {
	return &Progress{report: report, every: interval}
}

// Step says done of total units are done.
func (p *Progress) Step(done, total int64) {
	if p == nil || p.report == nil {
		return
	}
	p.mu.Lock()
	now := time.Now()
	due := done >= total || now.Sub(p.last) >= p.every
	if due {
		p.last = now
	}
	p.mu.Unlock()
	if due {
		p.report(done, total)
	}
}

// Stop asks the work to stop at its next safe point.
func (p *Progress) Stop() {
	if p != nil {
		p.stopped.Store(true)
	}
}

// Stopped reports whether Stop was asked.
func (p *Progress) Stopped() bool { return p != nil && p.stopped.Load() }

// ErrStopped is the work stopped at the person's request; what was done before stays done.
var ErrStopped = &Error{Kind: Conflict, Code: CodeStopped}
