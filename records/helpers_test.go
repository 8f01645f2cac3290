package records_test

import (
	"testing"

	"bhxhdesk/app"
	"bhxhdesk/internal/desktest"
)

// The test desk and forms shared with the other services' tests (internal/desktest).
type testDesk = desktest.Desk

var (
	ref        = desktest.Ref
	codeOf     = desktest.CodeOf
	voucherFor = desktest.VoucherFor
	registered = desktest.Registered
)

func newDesk(t *testing.T) *testDesk { return desktest.New(t) }

func validForm() app.RegistrationForm { return desktest.ValidForm() }
