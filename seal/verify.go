package seal

import (
	"crypto/ed25519"
	"errors"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/catalog"
)

// Outcome is the verdict on a printed seal.
type Outcome string

// The verdicts. Only OutcomeValid may be trusted; Verification.Seal.Status then says whether
// the printout is provisional or final.
const (
	OutcomeValid      Outcome = "valid"
	OutcomeForged     Outcome = "forged"      // the signature does not match (altered or made up), or the key signed what it may not
	OutcomeUnknownKey Outcome = "unknown_key" // signed by a key the verifier does not trust
	OutcomeRevoked    Outcome = "revoked"     // the key was withdrawn
	OutcomeExpired    Outcome = "expired"     // issued outside the key's validity
	OutcomeMalformed  Outcome = "malformed"   // not a seal of this program, or damaged
)

// Verification is the answer of TrustedKeys.Verify. Reason is a stable code: for a refusal the
// catalog's message is "err.<Reason>" with Args (Err returns it as an *Error), for a valid seal
// "verify.<Reason>". Seal is filled when the text decoded (Decoded), Key when the key is known.
type Verification struct {
	Outcome  Outcome
	Reason   string
	Args     map[string]string
	Decoded  bool
	Seal     Seal
	KeyKnown bool
	Key      TrustedKey
}

// Valid reports whether the seal may be trusted.
func (v Verification) Valid() bool { return v.Outcome == OutcomeValid }

// Err returns a refusal as an Invalid *Error keyed by the reason, nil when the seal is valid.
func (v Verification) Err() error {
	if v.Valid() {
		return nil
	}
	return &app.Error{Kind: app.Invalid, Code: v.Reason, Args: v.Args}
}

// Message renders the verdict's reason for a person.
func (v Verification) Message(c *catalog.Catalog, l app.Lang) string {
	if v.Valid() {
		return c.T(l, "verify."+v.Reason)
	}
	return c.Message(l, v.Err())
}

func (v Verification) refuse(o Outcome, e *app.Error) Verification {
	v.Outcome, v.Reason, v.Args = o, e.Code, e.Args
	return v
}

// futureSkew is how far ahead of the verifier's clock an issue time may be: office PCs' clocks
// drift, but a printout dated days ahead was not made by an honest device.
const futureSkew = 24 * time.Hour

// Verify checks a seal's QR text offline at now: its form, that a trusted key of the office it
// names signed exactly this content, that the key was valid at the issue time and is not
// revoked, and that the issue time is not in the future. A valid seal's Reason is
// "valid_final" or "valid_provisional".
func (ks *TrustedKeys) Verify(text string, now time.Time) Verification {
	var v Verification
	s, payload, sig, err := Parse(text)
	if err != nil {
		var e *app.Error
		if !errors.As(err, &e) {
			e = app.Errorf(app.Invalid, app.CodeSealEncoding)
		}
		return v.refuse(OutcomeMalformed, e)
	}
	v.Seal, v.Decoded = s, true
	k, ok := ks.Lookup(s.Key)
	if !ok {
		return v.refuse(OutcomeUnknownKey, app.Errorf(app.Invalid, app.CodeSealUnknownKey, "key", s.Key.String()))
	}
	v.Key, v.KeyKnown = k, true
	day := func(t time.Time) string { return t.In(calendar.VN).Format("02/01/2006") }
	switch {
	case !ed25519.Verify(k.Public, signedMessage(payload), sig):
		return v.refuse(OutcomeForged, app.Errorf(app.Invalid, app.CodeSealBadSignature))
	case !k.Revoked.IsZero():
		return v.refuse(OutcomeRevoked, app.Errorf(app.Invalid, app.CodeSealKeyRevoked, "key", k.ID.String(), "date", day(k.Revoked)))
	case s.Office != k.Office:
		return v.refuse(OutcomeForged, app.Errorf(app.Invalid, app.CodeSealOfficeMismatch, "office", s.Office, "key_office", k.Office))
	case s.Issued.Before(k.ValidFrom):
		return v.refuse(OutcomeExpired, app.Errorf(app.Invalid, app.CodeSealKeyNotYetValid, "key", k.ID.String(), "date", day(k.ValidFrom)))
	case !k.ValidUntil.IsZero() && s.Issued.After(k.ValidUntil):
		return v.refuse(OutcomeExpired, app.Errorf(app.Invalid, app.CodeSealKeyExpired, "key", k.ID.String(), "date", day(k.ValidUntil)))
	case s.Issued.After(now.Add(futureSkew)):
		return v.refuse(OutcomeForged, app.Errorf(app.Invalid, app.CodeSealFuture, "date", day(s.Issued)))
	}
	v.Outcome, v.Reason = OutcomeValid, "valid_provisional"
	if s.Status == Final {
		v.Reason = "valid_final"
	}
	return v
}
