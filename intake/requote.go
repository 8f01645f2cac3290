package intake

import (
	"encoding/json"
	"errors"

	"bhxhdesk/app"
)

// ActRequote records a new quote given to the citizen after the rules changed (báo lại số tiền
// phải nộp): the event carries the quote.
const ActRequote app.Action = "requote"

// QuoteChange is a dossier waiting for its first payment whose quote under the rules in force
// differs from the one the citizen was given (số tiền phải nộp đã thay đổi): a new poverty line,
// reference level or support from the month it starts. Now is the new quote, or Problem says
// why there is none (the chosen income is now below the floor: the citizen must choose again).
type QuoteChange struct {
	Dossier app.Summary `json:"dossier"`
	Was     app.Quote   `json:"was"`
	Now     *app.Quote  `json:"now,omitempty"`
	Problem *app.Error  `json:"problem,omitempty"`
}

// settingQuoteCheck keeps the last check of open dossiers against the rules: the rules'
// fingerprint and the dossiers found changed (a local setting, not synced).
const settingQuoteCheck = "intake/quote_check"

type quoteCheck struct {
	Rules string   `json:"rules"`
	Codes []string `json:"codes"`
}

// QuoteNow is a dossier's quote under the rules in force: for the month it starts, paid today.
func (s *Service) QuoteNow(d app.Dossier) (app.Quote, error) {
	reg, err := s.Ref.Validator().Validate(d.Form)
	if err != nil {
		return app.Quote{}, err
	}
	return s.Ref.Get().Rules.Quote(
		app.QuoteRequest{Income: reg.Income, Method: reg.Method, Groups: reg.SupportGroups(), LocalGroups: reg.LocalGroups,
			Month: reg.StartMonth, Province: reg.Address.Province, Paid: s.Today()},
	)
}

// quoteChange compares a dossier's quote with the rules in force; ok is false when nothing the
// citizen pays changed, or the dossier no longer waits for its first payment.
func (s *Service) quoteChange(d app.Dossier) (QuoteChange, bool) {
	if d.State.Closed() || d.Has(app.ActPayment) || d.Purged != nil {
		return QuoteChange{}, false
	}
	c := QuoteChange{Dossier: d.Summary(), Was: d.Quote}
	q, err := s.QuoteNow(d)
	if err != nil {
		e := problemOf(err)
		c.Problem = &e
		return c, true
	}
	if q.Payable == d.Quote.Payable && q.Gross == d.Quote.Gross && q.StateSupport == d.Quote.StateSupport &&
		q.LocalSupport == d.Quote.LocalSupport {
		return QuoteChange{}, false
	}
	c.Now = &q
	return c, true
}

// problemOf turns a quote or validation error into one coded problem.
func problemOf(err error) app.Error {
	var ve *app.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		p := ve.Problems[0]
		return app.Error{Kind: app.Invalid, Code: p.Code, Field: p.Field, Args: p.Args}
	}
	var e *app.Error
	if errors.As(err, &e) {
		return app.Error{Kind: e.Kind, Code: e.Code, Field: e.Field, Args: e.Args}
	}
	return app.Error{Kind: app.Internal, Code: app.CodeInternal}
}

// QuoteChanges lists the dossiers waiting for their first payment whose quote changed under
// the rules in force, for the officer to tell the citizen (and print the new quote). The open
// dossiers are checked once per version of the rules (the first call after the rules changed
// reads them all); later calls check only the dossiers found then.
func (s *Service) QuoteChanges(sess *app.Session) ([]QuoteChange, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	fp := s.Ref.Get().Rules.Fingerprint()
	var check quoteCheck
	if err := s.Store.View(func(tx Tx) error {
		b, ok, err := tx.Setting(settingQuoteCheck)
		if err != nil || !ok {
			return err
		}
		return json.Unmarshal(b, &check)
	}); err != nil {
		return nil, err
	}
	var out []QuoteChange
	codes := check.Codes
	if check.Rules != fp {
		codes = nil
		if err := s.Store.View(func(tx Tx) error {
			for _, st := range []app.State{app.StateOpen, app.StateReturned} {
				cs, err := tx.DossiersInState(st)
				if err != nil {
					return err
				}
				codes = append(codes, cs...)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	var still []string
	for _, code := range codes {
		var d app.Dossier
		var ok bool
		if err := s.Store.View(func(tx Tx) error {
			var err error
			d, ok, err = tx.Dossier(code)
			return err
		}); err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if c, changed := s.quoteChange(d); changed {
			out = append(out, c)
			still = append(still, code)
		}
	}
	b, err := json.Marshal(quoteCheck{Rules: fp, Codes: still})
	if err != nil {
		return nil, err
	}
	if check.Rules != fp || len(still) != len(check.Codes) {
		if err := s.Store.Update(func(tx Tx) error { return tx.PutSetting(settingQuoteCheck, b) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// QuoteChanged reports whether one dossier's quote changed under the rules in force (the
// dossier page shows it).
func (s *Service) QuoteChanged(d app.Dossier) (QuoteChange, bool) { return s.quoteChange(d) }

// Requote gives the citizen the quote under the rules in force: the dossier's quote is
// replaced, and the timeline records the new one (with the old payable as its reason), in the
// outbox and the audit log. A dossier whose income is now refused by the rules is an Invalid
// error naming the income: the officer returns it for the citizen to choose again.
func (s *Service) Requote(sess *app.Session, code string) (app.Dossier, error) {
	var d app.Dossier
	if err := sess.Require(app.PermProcess); err != nil {
		return d, err
	}
	now := s.Now.Time()
	err := s.Store.Update(func(tx Tx) error {
		cur, ok, err := tx.Dossier(code)
		if err != nil {
			return err
		}
		if !ok {
			return &app.Error{Kind: app.NotFound, Code: app.CodeDossierNotFound, Field: "dossier", Args: map[string]string{"code": code}}
		}
		c, changed := s.quoteChange(cur)
		if !changed {
			return &app.Error{Kind: app.Conflict, Code: app.CodeQuoteUnchanged, Field: "dossier", Args: map[string]string{"code": code}}
		}
		if c.Problem != nil {
			return c.Problem
		}
		prev := cur
		d = cur
		d.Timeline = append([]app.Event(nil), cur.Timeline...)
		d.Quote = *c.Now
		d.Handler = sess.User.Name
		ev := app.Event{At: app.Stamp(now), User: sess.User.Name, Action: ActRequote, FromStep: cur.Step, ToStep: cur.Step,
			Reason: cur.Quote.Payable.String() + " → " + c.Now.Payable.String(), Quote: c.Now}
		if err := app.SaveEvent(tx, &d, &prev, ev, now); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "dossier." + string(ActRequote), Entity: d.Code,
			Detail: "payable=" + c.Now.Payable.String(), PersonalID: d.Form.PersonalID})
	})
	return d, err
}
