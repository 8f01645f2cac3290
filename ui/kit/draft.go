package kit

import (
	"maps"
	"sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/intake"
)

// draftDelay is how long after the last keystroke the form in progress is written to the
// store: a few writes a minute while an officer types, never one per key.
const draftDelay = 1500 * time.Millisecond

// draftKeeper writes the registration form in progress to the encrypted store
// (Intake.SaveDraft) shortly after each change, off the UI thread, so that quitting, a crash
// or a power cut loses at most the last second and a half of typing.
type draftKeeper struct {
	Intake *intake.Service
	Sess   *app.Session
	onErr  func(error) // called off the UI thread

	mu      sync.Mutex // held while a draft is written, so that close waits for it
	form    app.RegistrationForm
	touched map[string]bool
	dirty   bool
	closed  bool
	timer   *time.Timer
}

func NewDraftKeeper(in *intake.Service, sess *app.Session, onErr func(error)) *draftKeeper {
	return &draftKeeper{Intake: in, Sess: sess, onErr: onErr}
}

// Note records the form as it now is; it is written after draftDelay.
func (k *draftKeeper) Note(form app.RegistrationForm, touched map[string]bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return
	}
	k.form, k.touched, k.dirty = form, maps.Clone(touched), true
	if k.timer == nil {
		k.timer = time.AfterFunc(draftDelay, func() {
			if err := k.Flush(); err != nil && k.onErr != nil {
				k.onErr(err)
			}
		})
	}
}

// Flush writes the form noted last, if it has not been written yet.
func (k *draftKeeper) Flush() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	if !k.dirty || k.closed {
		return nil
	}
	k.dirty = false
	return k.Intake.SaveDraft(k.Sess, k.form, k.touched)
}

// Drop forgets what was noted and not written (the registration is being saved, which removes
// the draft); a write in progress finishes first.
func (k *draftKeeper) Drop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	k.dirty = false
}

// Close writes what is pending and stops: the store is about to close (sign-out, quit).
func (k *draftKeeper) Close() error {
	err := k.Flush()
	k.mu.Lock()
	k.closed = true
	k.mu.Unlock()
	return err
}
