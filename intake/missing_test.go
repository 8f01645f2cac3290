package intake_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/records"
)

// TestMissingTimeIsCheckedAgainstTheCentresHistory (Decree 159/2025 art. 7): a man born 08/1964
// (retirement age reached 11/2025) registers to pay for missing time from 01/2026. Without the
// centre's history the desk registers him and says it could not check; with it, 80 months short
// is refused (more than 60), asking for more months than are short is refused, 30 of 30 is taken.
func TestMissingTimeIsCheckedAgainstTheCentresHistory(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "motcua")
	form := func(pid, method string) app.RegistrationForm {
		f := validForm()
		f.FullName, f.Gender, f.BirthDate, f.PersonalID = "Trần Văn Bình", "male", "1964-08-10", pid
		f.Method, f.StartMonth, f.Income = method, "2026-01", "1500000"
		return f
	}
	history := func(pid string, months int) {
		require.NoError(t, d.Records.Store.Update(func(tx records.Tx) error {
			return tx.PutParticipant(app.Participant{PersonalID: pid, FullName: "Trần Văn Bình", History: &app.CentralHistory{Months: months}})
		}))
	}

	res, err := d.Intake.Register(s, intake.RegisterRequest{Form: form("001064012345", "missing:30"), NotDuplicate: true})
	require.NoError(t, err, "the centre's records decide later")
	assert.Contains(t, res.Warnings, app.CodeMissingHistoryUnknown)
	assert.Contains(t, ref.Catalog.Warning(app.VI, app.CodeMissingHistoryUnknown), "chưa kiểm tra được số tháng còn thiếu")

	history("001064012346", 100)
	_, err = d.Intake.Register(s, intake.RegisterRequest{Form: form("001064012346", "missing:60"), NotDuplicate: true})
	assert.Equal(t, app.CodeMissingTooShort, app.CodeOf(err), "80 months short")
	assert.Equal(t, "method", app.FieldOf(err))

	history("001064012347", 150)
	_, err = d.Intake.Register(s, intake.RegisterRequest{Form: form("001064012347", "missing:40"), NotDuplicate: true})
	assert.Equal(t, app.CodeMissingMoreThanShort, app.CodeOf(err), "30 short, 40 asked")
	res, err = d.Intake.Register(s, intake.RegisterRequest{Form: form("001064012347", "missing:30"), NotDuplicate: true})
	require.NoError(t, err)
	assert.NotContains(t, res.Warnings, app.CodeMissingHistoryUnknown)
}
