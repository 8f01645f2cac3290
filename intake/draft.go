package intake

import (
	"bhxhdesk/app"
)

// SaveDraft keeps the account's form in progress, replacing its previous draft; an empty form
// removes it.
func (s *Service) SaveDraft(sess *app.Session, form app.RegistrationForm, touched map[string]bool) error {
	if err := sess.Require(app.PermRegister); err != nil {
		return err
	}
	if form.Empty() {
		return s.DropDraft(sess)
	}
	d := app.Draft{Form: form, Touched: touched, Saved: s.Now.Time()}
	return s.Store.Update(func(tx Tx) error { return tx.PutDraft(sess.User.Name, d) })
}

// Draft returns the account's form in progress, if any.
func (s *Service) Draft(sess *app.Session) (app.Draft, bool, error) {
	if err := sess.Require(app.PermRegister); err != nil {
		return app.Draft{}, false, err
	}
	var (
		d  app.Draft
		ok bool
	)
	err := s.Store.View(func(tx Tx) (err error) {
		d, ok, err = tx.Draft(sess.User.Name)
		return err
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
