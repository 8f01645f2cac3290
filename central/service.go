// Package central holds both ends of the sync protocol (DESIGN §3): the HTTP client the desk's
// sync engine uses, and the reference central server — intake (dossiers), records
// (participants, periods, covers) and the accounting feed (payment vouchers) — with its store.
package central

import (
	"context"
	"time"
)

// Service is the central services' logic over a Store: it applies pushed operations exactly
// once, keeps one person per personal ID, routes feed vouchers to offices and keeps the change
// log offices pull.
type Service struct {
	Store Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// OnPush, when set, is told of every push after it committed: the request's context, the
	// device, how many operations it carried and how many were repeats (tests and metrics).
	OnPush func(ctx context.Context, device string, ops, repeats int)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
