package intake

import (
	"encoding/json"
	"time"

	"bhxhdesk/app"
)

// Draft is a registration form an officer was filling in and has not saved (tờ khai đang nhập
// dở): kept in the encrypted store, one per account, so that quitting, a crash, a power cut
// or the lock screen never loses what a citizen dictated. Saving the registration removes it.
type Draft struct {
	Form app.RegistrationForm `json:"form"`
	// Touched are the fields the officer has left (their problems show again).
	Touched map[string]bool `json:"touched,omitempty"`
	Saved   time.Time       `json:"saved"`
}

// SaveDraft keeps the account's form in progress, replacing its previous draft; an empty form
// removes it.
func (s *Service) SaveDraft(sess *app.Session, form app.RegistrationForm, touched map[string]bool) error {
	if err := sess.Require(app.PermRegister); err != nil {
		return err
	}
	if form.Empty() {
		return s.DropDraft(sess)
	}
	b, err := json.Marshal(Draft{Form: form, Touched: touched, Saved: s.Now.Time()})
	if err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error { return tx.PutDraft(sess.User.Name, b) })
}

// Draft returns the account's form in progress, if any.
func (s *Service) Draft(sess *app.Session) (Draft, bool, error) {
	if err := sess.Require(app.PermRegister); err != nil {
		return Draft{}, false, err
	}
	var (
		d  Draft
		ok bool
	)
	err := s.Store.View(func(tx Tx) error {
		b, found, err := tx.Draft(sess.User.Name)
		if err != nil || !found {
			return err
		}
		ok = true
		return json.Unmarshal(b, &d)
	})
	return d, ok, err
}

// DropDraft removes the account's form in progress (saved, or discarded by the officer).
func (s *Service) DropDraft(sess *app.Session) error {
	if err := sess.Require(app.PermRegister); err != nil {
		return err
	}
	return s.Store.Update(func(tx Tx) error { return tx.DeleteDraft(sess.User.Name) })
}
