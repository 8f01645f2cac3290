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
	// Now is the clock; the store's (the database's) or this machine's when nil.
	Now func() time.Time
	// KeysEvery, when set, publishes the trusted-keys file at most that often when desks
	// register new keys (a rollout enrols hundreds of desks a day, and each new file goes to
	// every desk on its slow link); the keys that wait go out with PublishPendingKeys, which
	// centrald serve calls on a timer. A revoked key goes out at once whatever it says. Zero
	// publishes at every registration.
	KeysEvery time.Duration
	// OnPush, when set, is told of every push after it committed: the request's context, the
	// device, how many operations it carried and how many were repeats (tests and metrics).
	OnPush func(ctx context.Context, device string, ops, repeats int)
}

// now is the time the centre records (legal receipt times among them): Now when set, else the
// store's clock when it has one — the database's, one time source for every replica — else
// this machine's.
func (s *Service) now(ctx context.Context) time.Time {
	if s.Now != nil {
		return s.Now()
	}
	if c, ok := s.Store.(clock); ok {
		if t, err := c.Now(ctx); err == nil {
			return t
		}
	}
	return time.Now()
}

// clock is a store with a clock of its own (PostgresStore: the database's).
type clock interface {
	Now(ctx context.Context) (time.Time, error)
}
