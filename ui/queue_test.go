package ui_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/ui"
	"bhxhdesk/ui/intakeui"
)

func TestQueueBadgesAndSupervisorActions(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	in, help, err := o.Open("motcua", password)
	require.NoError(t, err)
	help.Idle = -1
	forms := []app.RegistrationForm{}
	for _, seed := range []uint64{11, 12} {
		forms = append(forms, fakeForm(t, seed))
	}
	a, err := in.Register(help, intake.RegisterRequest{Form: forms[0]}) // Mon 05/01 → due Sat 10/01
	require.NoError(t, err)
	c.set(time.Date(2026, 1, 6, 8, 0, 0, 0, calendar.VN))
	b, err := in.Register(help, intake.RegisterRequest{Form: forms[1]}) // Tue 06/01 → due Mon 12/01
	require.NoError(t, err)
	require.Equal(t, calendar.Of(2026, 1, 12), b.Dossier.Due)
	c.set(time.Date(2026, 1, 12, 9, 0, 0, 0, calendar.VN))

	d := openDesk(t, o, c)
	d.signIn(t, "canbo")
	d.open(t, ui.PageQueue)
	q := d.Queue()
	require.NotNil(t, q)
	rows := q.Rows.Rows()
	require.Len(t, rows, 2)
	assert.Equal(t, []string{a.Dossier.Code, b.Dossier.Code}, []string{rows[0].Code, rows[1].Code}, "sorted by due date")
	text, col := q.Rows.Badge(rows[0])
	assert.Equal(t, "Quá hạn 2 ngày", text)
	assert.Equal(t, theme.ColorNameError, col, "red when overdue")
	text, col = q.Rows.Badge(rows[1])
	assert.Equal(t, "Hạn hôm nay", text)
	assert.Equal(t, theme.ColorNameWarning, col, "amber on the day")
	d.shot(t, "queue-badges")

	for kind, want := range map[string][]string{"Quá hạn": {a.Dossier.Code}, "Đến hạn hôm nay": {b.Dossier.Code}, "Tôi xử lý": nil} {
		q.Kind.SetSelected(kind)
		d.Wait()
		var got []string
		for _, r := range q.Rows.Rows() {
			got = append(got, r.Code)
		}
		assert.Equal(t, want, got, kind)
	}

	theOfficerReturnsADossier(t, d, q, in, b.Dossier.Code)
	aSupervisorReappointsThenRejects(t, d, a.Dossier.Code, b.Dossier.Code)
}

// theOfficerReturnsADossier returns the dossier code, due today in the queue q, for a missing
// paper: refused until the paper is named; the returned dossier waits for the completed papers
// and then shows under "mine".
func theOfficerReturnsADossier(t *testing.T, d *storeDesk, q *intakeui.QueueScreen, in *intake.Service, code string) {
	q.Kind.SetSelected("Đến hạn hôm nay")
	d.Wait()
	q.Rows.List.Select(0)
	d.Wait()
	det := d.Dossier()
	require.NotNil(t, det.Return)
	test.Tap(det.Return)
	ad := det.Action
	require.NotNil(t, ad)
	test.Tap(ad.Confirm)
	d.Wait()
	assert.Equal(t, "Giấy tờ cần bổ sung: ghi ít nhất một giấy tờ cần bổ sung.", ad.Problem.Text, "the service's refusal shows in the dialog")
	test.Type(ad.Missing, "Bản sao giấy chứng nhận hộ nghèo")
	d.shot(t, "dossier-return")
	test.Tap(ad.Confirm)
	d.Wait()
	assert.Nil(t, d.Dossier().Action, "closed once done")
	_, sup := d.service(t, "truongphong")
	stored, err := in.Dossier(sup, code)
	require.NoError(t, err)
	assert.Equal(t, app.StateReturned, stored.State)
	assert.Equal(t, []string{"Bản sao giấy chứng nhận hộ nghèo"}, stored.Missing)
	require.NotNil(t, d.Dossier().Advance)
	assert.Equal(t, "Nhận hồ sơ bổ sung", d.Dossier().Advance.Text, "a returned dossier waits for the completed papers")
	assert.Nil(t, d.Dossier().Return)

	test.Tap(d.Dossier().Back)
	d.Queue().Kind.SetSelected("Tôi xử lý")
	d.Wait()
	require.Len(t, d.Queue().Rows.Rows(), 1)
	assert.Equal(t, code, d.Queue().Rows.Rows()[0].Code)
}

// aSupervisorReappointsThenRejects signs a supervisor in, who re-appoints the overdue dossier a
// (refused on a day off) and rejects b (refused without a reason).
func aSupervisorReappointsThenRejects(t *testing.T, d *storeDesk, a, b string) {
	d.signOut(t)
	d.signIn(t, "truongphong")
	in, sup := d.service(t, "truongphong")
	d.open(t, ui.PageQueue)
	d.Queue().Kind.SetSelected("Quá hạn")
	d.Wait()
	d.Queue().Rows.List.Select(0)
	d.Wait()
	det := d.Dossier()
	require.NotNil(t, det.Reappoint)
	assert.NotNil(t, det.Advance, "a supervisor may act at any step")
	test.Tap(det.Reappoint)
	ad := det.Action
	test.Type(ad.Date, "17/01/2026")
	test.Type(ad.Reason, "Chờ xác minh hộ nghèo")
	test.Tap(ad.Confirm)
	d.Wait()
	assert.Equal(t, "Ngày hẹn mới: ngày 17/01/2026 không phải ngày làm việc.", ad.Problem.Text)
	replace(ad.Date, "19/1/2026")
	test.Tap(ad.Confirm)
	d.Wait()
	stored, err := in.Dossier(sup, a)
	require.NoError(t, err)
	assert.Equal(t, calendar.Of(2026, 1, 19), stored.Due)
	assert.Equal(t, "Chờ xác minh hộ nghèo", stored.Reason)
	assert.Equal(t, "19/01/2026", d.Dossier().Due.Text)

	d.openByCode(t, b)
	det = d.Dossier()
	require.NotNil(t, det.Reject)
	test.Tap(det.Reject)
	test.Tap(det.Action.Confirm)
	d.Wait()
	assert.Equal(t, "Lý do: phải ghi lý do.", det.Action.Problem.Text)
	test.Type(det.Action.Reason, "Người tham gia đề nghị hủy")
	test.Tap(det.Action.Confirm)
	d.Wait()
	stored, err = in.Dossier(sup, b)
	require.NoError(t, err)
	assert.Equal(t, app.StateRejected, stored.State)
	det = d.Dossier()
	assert.Nil(t, det.Advance, "a closed dossier takes no more actions")
	assert.Nil(t, det.Reject)
	assert.Equal(t, "Từ chối", det.StateLabel.Text)
	d.shot(t, "dossier-rejected")
}

// openByCode finds a dossier by its code on the search screen and opens it.
func (d *storeDesk) openByCode(t *testing.T, code string) {
	t.Helper()
	test.Tap(d.Nav(ui.PageSearch))
	s := d.Search()
	replace(s.Query, code)
	test.Tap(s.Go)
	d.Wait()
	require.Len(t, s.Rows.Rows(), 1)
	s.Rows.List.Select(0)
	d.Wait()
	require.Equal(t, code, d.Dossier().Shown().Code)
}

func fakeForm(t *testing.T, seed uint64) app.RegistrationForm {
	t.Helper()
	g := fake.New(seed, assets.MustLoad().Places)
	g.StartMonth = "2026-01"
	return g.Form()
}
