// Package app is the domain of the offline voluntary-insurance desk (bàn tiếp nhận BHXH tự nguyện):
// typed values parsed at the edge, effective-dated rules, the contribution calculator and the
// validation of form TK1-TS. It imports no adapter: no store, no network, no window, no PDF.
package app

import (
	"errors"
	"fmt"
)

// Kind classifies an error so callers ask a question instead of parsing text.
type Kind uint8

const (
	// Internal is a bug or an unexpected failure; the user sees a generic message.
	Internal Kind = iota
	// Invalid means the input was understood but breaks a rule; the message is for the user.
	Invalid
	// NotFound means the thing asked for does not exist.
	NotFound
	// Conflict means the change collides with the current state (duplicate, stale version).
	Conflict
	// Forbidden means the signed-in officer's role does not allow the action.
	Forbidden
	// Unavailable means a resource (rule data, a folder, the disk) is missing for now: a person
	// must see it for what it is, and an administrator's action may be needed.
	Unavailable
	// Transient means the failure may pass by itself — the link to the centre, a centre that is
	// busy or failing: the sync engine counts the desk offline, shrinks its batch and tries again.
	Transient
)

// Kinds lists every kind, for the tests that must cover each one.
var Kinds = []Kind{Internal, Invalid, NotFound, Conflict, Forbidden, Unavailable, Transient}

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unavailable", "transient"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is the one error type of the domain. Code is a stable machine code that also keys the
// translated message (see Catalog); Args fill the message's placeholders.
type Error struct {
	Kind  Kind
	Code  string
	Field string
	Args  map[string]string
	Err   error
}

func (e *Error) Error() string {
	s := e.Code
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if len(e.Args) > 0 {
		s += fmt.Sprint(" ", e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error of the given kind and code; args are key, value pairs for the message.
func Errorf(kind Kind, code string, args ...string) *Error {
	e := &Error{Kind: kind, Code: code}
	if len(args) > 0 {
		e.Args = make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[args[i]] = args[i+1]
		}
	}
	return e
}

// KindOf reports the kind of the first *Error in err's chain; Internal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if errors.As(err, new(*ValidationError)) {
		return Invalid
	}
	return Internal
}

// FieldProblem is one broken rule on one field of a form. Field is the interchange JSON path
// ("birth_registration.province"); Code keys the message in the Catalog.
type FieldProblem struct {
	Field string
	Code  string
	Args  map[string]string
}

// ValidationError lists every problem found in one form, in form order. Its kind is Invalid.
type ValidationError struct {
	Problems []FieldProblem
}

func (v *ValidationError) Error() string {
	s := "invalid:"
	for _, p := range v.Problems {
		s += " " + p.Field + "=" + p.Code
	}
	return s
}

// Has reports whether the field has a problem with the given code ("" matches any code).
func (v *ValidationError) Has(field, code string) bool {
	for _, p := range v.Problems {
		if p.Field == field && (code == "" || p.Code == code) {
			return true
		}
	}
	return false
}

// CodeOf is the code of a domain error ("" for nil or another error).
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// FieldOf is the field a domain error names ("" for nil or another error).
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
