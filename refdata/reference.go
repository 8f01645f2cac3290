package refdata

import (
	"sync"
	"sync/atomic"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/catalog"
	"bhxhdesk/seal"
)

// Reference is the reference data a desk applies (dữ liệu quy định): the rule tables, the
// working-day calendars, the code lists of places and ethnic groups, the message catalogue, the
// provinces' workflows and the keys that seal printed covers. Read-only once loaded.
type Reference struct {
	Rules     *app.Rules
	Calendars *calendar.Book
	Places    *app.Places
	Catalog   *catalog.Catalog
	Workflows *app.Workflows
	// Keys are the device public keys that seal printed book-cover confirmations: what
	// `bhxh verify` trusts.
	Keys *seal.TrustedKeys
}

// Source is where the services read the reference data in force. The desk replaces it
// whole when the centre publishes a rule file, a calendar or a workflow, so a quote or a
// deadline never mixes two versions: a service reads Get once per use. Safe for concurrent use.
type Source struct {
	cur atomic.Pointer[refState]
	now func() time.Time

	mu        sync.Mutex // serialises Set, so Version grows with each replacement
	listeners []func(*Reference)
}

type refState struct {
	ref     *Reference
	val     *app.Validator
	version uint64
}

// NewSource holds ref. now is the clock of the validator it builds (time.Now when nil).
func NewSource(ref *Reference, now func() time.Time) *Source {
	if now == nil {
		now = time.Now
	}
	s := &Source{now: now}
	s.cur.Store(&refState{ref: ref, val: app.NewValidator(ref.Rules, ref.Places, now), version: 1})
	return s
}

// Get returns the reference data in force.
func (s *Source) Get() *Reference { return s.cur.Load().ref }

// Validator returns the TK1-TS validator of the reference data in force.
func (s *Source) Validator() *app.Validator { return s.cur.Load().val }

// Version counts the replacements: 1 for the data the source was made with.
func (s *Source) Version() uint64 { return s.cur.Load().version }

// Set replaces the reference data in force and tells the listeners (on the caller's
// goroutine).
func (s *Source) Set(ref *Reference) {
	s.mu.Lock()
	st := &refState{ref: ref, val: app.NewValidator(ref.Rules, ref.Places, s.now), version: s.cur.Load().version + 1}
	s.cur.Store(st)
	ls := append([]func(*Reference){}, s.listeners...)
	s.mu.Unlock()
	for _, f := range ls {
		f(ref)
	}
}

// OnChange calls f with the new reference data after each Set (the screens repaint a quote).
func (s *Source) OnChange(f func(*Reference)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, f)
}

// Outlook lists what the reference data lacks or only guesses (see the function Outlook).
func (ref *Reference) Outlook(today calendar.Date, province string) []app.RuleNotice {
	return app.Outlook(ref.Rules, ref.Calendars, today, province)
}
