package intake_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/desktest"
)

// The test desk and forms shared with the other services' tests (internal/desktest).
type testDesk = desktest.Desk

var (
	ref        = desktest.Ref
	testOffice = desktest.Office
	vnTime     = desktest.VNTime
	codeOf     = desktest.CodeOf
	voucherFor = desktest.VoucherFor
	registered = desktest.Registered
)

func newDesk(t *testing.T) *testDesk { return desktest.New(t) }

func validForm() app.RegistrationForm { return desktest.ValidForm() }

// dossier reads a dossier as it is stored now, as sess sees it.
func dossier(t *testing.T, d *testDesk, sess *app.Session, code string) app.Dossier {
	t.Helper()
	dos, err := d.Intake.Dossier(sess, code)
	require.NoError(t, err)
	return dos
}
