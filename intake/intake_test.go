package intake_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
)

func TestSetupRefusesBadOfficeAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := storage.Config{Dir: dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}}
	bad := testOffice
	bad.Commune, bad.Agency = "99999", "x"
	_, _, err := desk.Init(cfg, ref, bad, app.User{Name: "admin"}, "mật khẩu dài 12")
	var ve *app.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("agency", "bad_agency"))
	assert.True(t, ve.Has("commune", "unknown_commune"))
	assert.False(t, storage.Exists(dir), "a refused set-up leaves no store behind")
}

func TestPermissionsAreEnforcedByTheServices(t *testing.T) {
	d := newDesk(t)
	help := d.Login(t, "motcua")
	err := d.Intake.AddUser(help, app.User{Name: "khac", Role: app.Officer}, "mật khẩu dài 12")
	assert.Equal(t, app.Forbidden, app.KindOf(err), "a help-dk account may not add accounts")

	_, err = d.Intake.Register(d.Admin, intake.RegisterRequest{Form: validForm()})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "the administrator does not register citizens")

	res, err := d.Intake.Register(help, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	_, err = d.Intake.Act(help, res.Dossier.Code, intake.ActRequest{Action: app.ActReject, Reason: "x"})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "help-dk may not reject")
	_, err = d.Intake.Act(help, res.Dossier.Code, intake.ActRequest{Action: app.ActAdvance})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "not_your_step", ae.Code, "the check step belongs to officers")
	officer := d.Login(t, "canbo")
	_, err = d.Intake.Act(officer, res.Dossier.Code, intake.ActRequest{Action: app.ActReappoint, Reason: "x", Date: calendar.Of(2026, 1, 20)})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "only a supervisor re-appoints")

	_, err = d.Intake.Login("canbo", "sai mật khẩu rồi")
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	_, err = d.Intake.Login("motcua", "mật khẩu dài 12")
	assert.NoError(t, err, "one account's failures never lock out the others")
}

func TestSessionLocksAfterIdle(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "canbo")
	d.Clock.Add(app.DefaultIdle - time.Second)
	_, err := d.Intake.List(s, intake.ListRequest{Kind: intake.ListDueToday})
	require.NoError(t, err, "activity keeps it open")
	d.Clock.Add(app.DefaultIdle)
	_, err = d.Intake.List(s, intake.ListRequest{Kind: intake.ListDueToday})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "session_locked", ae.Code)
	assert.Error(t, d.Intake.Unlock(s, "sai mật khẩu rồi"))
	require.NoError(t, d.Intake.Unlock(s, "mật khẩu dài 12"))
	_, err = d.Intake.List(s, intake.ListRequest{Kind: intake.ListDueToday})
	assert.NoError(t, err)
}

func TestRegisterCreatesDossierIndexesOutboxAndAudit(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "motcua")
	res, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	dos := res.Dossier
	assert.Equal(t, "01001-260105-K70001", dos.Code)
	assert.Equal(t, calendar.Of(2026, 1, 10), dos.Due, "Mon 05/01 08:00 + 5 working days, Saturday 10/01 is a make-up day")
	assert.Equal(t, calendar.Of(2026, 1, 7), dos.StepDue, "the check step takes 2 days")
	assert.Equal(t, "check", dos.Step)
	assert.Equal(t, app.Money(264000), dos.Quote.Payable, "22% of 1,500,000 less 20% state support")
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", dos.Form.FullName)

	res2, err := d.Intake.Register(s, intake.RegisterRequest{Form: otherPerson()})
	require.NoError(t, err)
	assert.Equal(t, "01001-260105-K70002", res2.Dossier.Code)

	ops, err := d.DB.Outbox(0)
	require.NoError(t, err)
	require.Len(t, ops, 2)
	assert.Equal(t, "dossier.create", ops[0].Kind)
	assert.Equal(t, dos.Code, ops[0].EntityID)
	assert.Equal(t, uint64(1), ops[0].DeviceSeq)
	assert.Less(t, ops[0].HLC, ops[1].HLC)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, ops[0].OpID)
	var payload app.Dossier
	require.NoError(t, json.Unmarshal(ops[0].Payload, &payload))
	assert.Equal(t, dos.Code, payload.Code)

	// By the name from any word, the personal ID, the phone number, the code or its end.
	for _, q := range []string{"nguyen thi hong anh", "Nguyễn Thị Hồng", "nguyen thi ho", "NGUYỄN THỊ HỒNG ÁNH", "hong anh", "Hồng Ánh", "anh",
		"001190", "12345", "0912345678", "0912 345 678", "+84912345678", "5678", dos.Code, "k70001", "260105-K70001", strings.ToLower(dos.Code)} {
		found, err := d.Intake.List(s, intake.ListRequest{Kind: intake.ListSearch, Value: q})
		require.NoError(t, err, q)
		require.Len(t, found, 1, q)
		assert.Equal(t, dos.Code, found[0].Code, q)
	}
	_, err = d.Intake.List(s, intake.ListRequest{Kind: intake.ListSearch, Value: "12"})
	assert.Equal(t, app.Invalid, app.KindOf(err))
	for _, q := range []string{"le van", "0987654321", "k70009", "thi hong anhx"} {
		found, err := d.Intake.List(s, intake.ListRequest{Kind: intake.ListSearch, Value: q})
		require.NoError(t, err, q)
		assert.Empty(t, found, q)
	}

	rep, err := d.DB.VerifyAudit()
	require.NoError(t, err)
	assert.True(t, rep.OK)
	var creates int
	require.NoError(t, d.DB.View(func(tx app.Tx) error {
		c, err := tx.Counts()
		assert.Equal(t, 2, c[app.StateOpen])
		return err
	}))
	entries := auditEntries(t, d)
	for _, e := range entries {
		if e.Action == "dossier.create" {
			creates++
			assert.Regexp(t, `^personal_id=\d{6}\*{6}$`, e.Detail, "no unmasked personal ID in the audit log")
		}
	}
	assert.Equal(t, 2, creates)
}

func auditEntries(t *testing.T, d *testDesk) []app.AuditEntry {
	t.Helper()
	es, err := d.DB.AuditEntries(0)
	require.NoError(t, err)
	return es
}

func otherPerson() app.RegistrationForm {
	f := validForm()
	f.FullName, f.PersonalID, f.Gender, f.BirthDate, f.Phone = "Trần Văn Bình", "038085067891", "male", "1985-03-02", "0977123456"
	return f
}

func TestRegisterAfterCutoffCountsFromNextWorkingDay(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "motcua")
	res, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm(), Received: vnTime(2026, 1, 2, 16, 30)})
	require.NoError(t, err)
	assert.Equal(t, "01001-260102-K70001", res.Dossier.Code, "the code carries the day of receipt")
	assert.Equal(t, calendar.Of(2026, 1, 10), res.Dossier.Due, "after 16:00 on Friday 02/01 (a swapped day off) counts from Monday 05/01")

	_, err = d.Intake.Register(s, intake.RegisterRequest{Form: otherPerson(), Received: vnTime(2026, 1, 6, 8, 0)})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "received_in_future", ae.Code)
	assert.Equal(t, "received", ae.Field)
}

func TestDuplicates(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "motcua")
	first, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)

	_, err = d.Intake.Register(s, intake.RegisterRequest{Form: validForm()})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "duplicate_personal_id", ae.Code)
	assert.Equal(t, first.Dossier.Code, ae.Args["code"])

	// Same name (typed without marks) and birth date, another personal ID: a possible duplicate.
	twin := validForm()
	twin.FullName, twin.PersonalID = "nguyen thi hong anh", "001190099999"
	res, err := d.Intake.Register(s, intake.RegisterRequest{Form: twin})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "possible_duplicate", ae.Code)
	require.Len(t, res.PossibleDuplicates, 1)
	assert.Equal(t, first.Dossier.Code, res.PossibleDuplicates[0].Code)
	n := 0
	require.NoError(t, d.DB.View(func(tx app.Tx) error { c, err := tx.Counts(); n = c[app.StateOpen]; return err }))
	assert.Equal(t, 1, n, "nothing is created until the officer confirms")

	res, err = d.Intake.Register(s, intake.RegisterRequest{Form: twin, NotDuplicate: true})
	require.NoError(t, err)
	assert.Equal(t, []string{first.Dossier.Code}, res.Dossier.NotDuplicateOf)
	assert.Contains(t, res.Dossier.Timeline[0].Reason, first.Dossier.Code)

	// A rejected dossier does not block a new registration of the same person.
	sup := d.Login(t, "truongphong")
	_, err = d.Intake.Act(sup, first.Dossier.Code, intake.ActRequest{Action: app.ActReject, Reason: "Người tham gia đề nghị hủy"})
	require.NoError(t, err)
	again, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm(), NotDuplicate: true})
	require.NoError(t, err)
	assert.NotEqual(t, first.Dossier.Code, again.Dossier.Code)
}

func TestWorkflowActionsAndQueues(t *testing.T) {
	d := newDesk(t)
	// The clock jumps days ahead: these sessions must not lock while idle.
	help, officer, sup := d.Login(t, "motcua"), d.Login(t, "canbo"), d.Login(t, "truongphong")
	help.Idle, officer.Idle, sup.Idle = -1, -1, -1
	a, err := d.Intake.Register(help, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	d.Clock.Set(vnTime(2026, 1, 6, 9, 0))
	b, err := d.Intake.Register(help, intake.RegisterRequest{Form: otherPerson()})
	require.NoError(t, err)
	code := a.Dossier.Code

	// Return for completion, then the citizen brings the missing paper: counting restarts.
	_, err = d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActReturn})
	assert.Equal(t, app.Invalid, app.KindOf(err), "the missing items are required")
	dos, err := d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActReturn, Missing: []string{"Bản sao giấy xác nhận hộ nghèo", " "}})
	require.NoError(t, err)
	assert.Equal(t, app.StateReturned, dos.State)
	assert.Equal(t, []string{"Bản sao giấy xác nhận hộ nghèo"}, dos.Missing)
	d.Clock.Set(vnTime(2026, 1, 8, 10, 0))
	dos, err = d.Intake.Act(help, code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	assert.Equal(t, app.StateOpen, dos.State)
	assert.Equal(t, app.ActResubmit, dos.Timeline[len(dos.Timeline)-1].Action)
	assert.Equal(t, calendar.Of(2026, 1, 14), dos.Due, "Thu 08/01 + 5 working days (Saturday 10/01 is worked)")

	// Through the steps: check (officer) → finance, passed by the matched payment, not by hand
	// → book, passed by issuing the cover → return (help-desk) → done.
	dos, err = d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	assert.Equal(t, "finance", dos.Step)
	_, err = d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActAdvance})
	assert.Equal(t, string(app.CodeStepWaitsPayment), codeOf(err), "no payment yet: the result would go to someone who never paid")
	_, err = d.Intake.Act(sup, code, intake.ActRequest{Action: app.ActAdvance})
	assert.Equal(t, string(app.CodeStepWaitsPayment), codeOf(err), "not even a supervisor passes it by hand")
	_, err = d.Records.AddVoucher(officer, voucherFor("BL-2026-000001", "2026-01", 264000))
	require.NoError(t, err)
	dos = dossier(t, d, officer, code)
	assert.Equal(t, "book", dos.Step, "the payment passed the finance step")
	_, err = d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActAdvance})
	assert.Equal(t, string(app.CodeStepWaitsCover), codeOf(err), "the cover is made, not issued: the book step waits for it")
	_, err = d.Records.IssueCover(officer, dos.Form.PersonalID)
	require.NoError(t, err)
	dos = dossier(t, d, officer, code)
	assert.Equal(t, "return", dos.Step, "issuing the cover passed the book step")
	_, err = d.Intake.Act(officer, code, intake.ActRequest{Action: app.ActAdvance})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "returning the result is the one-stop dk's step")
	dos, err = d.Intake.Act(help, code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	assert.Equal(t, app.StateDone, dos.State)
	_, err = d.Intake.Act(sup, code, intake.ActRequest{Action: app.ActAdvance})
	assert.Equal(t, app.Conflict, app.KindOf(err), "a closed dossier takes no more actions")
	actions := []app.Action{}
	for _, e := range dos.Timeline {
		actions = append(actions, e.Action)
	}
	assert.Equal(
		t,
		[]app.Action{app.ActReceive, app.ActReturn, app.ActResubmit, app.ActAdvance, app.ActPayment, app.ActCover, app.ActComplete},
		actions,
	)

	// Re-appointment: a later working day with a reason.
	bc := b.Dossier.Code
	_, err = d.Intake.Act(sup, bc, intake.ActRequest{Action: app.ActReappoint, Reason: "Chờ xác minh", Date: calendar.Of(2026, 1, 17)})
	assert.Equal(t, app.Invalid, app.KindOf(err), "Saturday 17/01 is not a working day")
	_, err = d.Intake.Act(sup, bc, intake.ActRequest{Action: app.ActReappoint, Date: calendar.Of(2026, 1, 19)})
	assert.Equal(t, app.Invalid, app.KindOf(err), "the reason is required")
	dos, err = d.Intake.Act(sup, bc, intake.ActRequest{Action: app.ActReappoint, Reason: "Chờ xác minh", Date: calendar.Of(2026, 1, 19)})
	require.NoError(t, err)
	assert.Equal(t, calendar.Of(2026, 1, 19), dos.Due)

	// Queues, sorted by due date.
	c, err := d.Intake.Register(help, intake.RegisterRequest{Form: fakeForm(3)})
	require.NoError(t, err)
	d.Clock.Set(vnTime(2026, 1, 15, 9, 0))
	due, err := d.Intake.List(officer, intake.ListRequest{Kind: intake.ListDueToday})
	require.NoError(t, err)
	assert.Empty(t, due)
	over, err := d.Intake.List(officer, intake.ListRequest{Kind: intake.ListOverdue})
	require.NoError(t, err)
	require.Len(t, over, 1, "c, received Thu 08/01, was due Wed 14/01")
	assert.Equal(t, c.Dossier.Code, over[0].Code)
	pending, err := d.Intake.List(officer, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	require.Len(t, pending, 2)
	assert.Equal(t, []string{c.Dossier.Code, bc}, []string{pending[0].Code, pending[1].Code})
	atCheck, err := d.Intake.List(officer, intake.ListRequest{Kind: intake.ListStep, Value: "check"})
	require.NoError(t, err)
	assert.Len(t, atCheck, 2)
	mine, err := d.Intake.List(officer, intake.ListRequest{Kind: intake.ListHandler, Value: "truongphong"})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, bc, mine[0].Code)
	assert.Equal(t, 4, mine[0].DaysLeft(d.Intake.Today()))

	rep, err := d.Intake.VerifyAudit(sup)
	require.NoError(t, err)
	assert.True(t, rep.OK)
}

func fakeForm(seed uint64) app.RegistrationForm { return fake.New(seed, ref.Places).Form() }

func TestRejectNeedsAReason(t *testing.T) {
	d := newDesk(t)
	res, err := d.Intake.Register(d.Login(t, "motcua"), intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	_, err = d.Intake.Act(d.Login(t, "canbo"), res.Dossier.Code, intake.ActRequest{Action: app.ActReject, Reason: "  "})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "reason", ae.Field)
	assert.Equal(t, "phải ghi lý do.", strings.TrimPrefix(ref.Catalog.Message(app.VI, err), "Lý do: "))
}

func TestProvinceWorkflowFromData(t *testing.T) {
	own := fstest.MapFS{"workflows/01.json": {Data: []byte(`{"province":"01","version":"2026-01-01","source":"test",
		"steps":[{"id":"one-stop","name_vi":"Một cửa kiểm tra","role":"helpdesk","days":1},
		         {"id":"approve","name_vi":"Lãnh đạo duyệt","role":"supervisor","days":2}]}`)}}
	wfs, err := app.LoadWorkflows(assets.FS, "workflows", own)
	require.NoError(t, err)
	assert.Equal(t, 3, wfs.For("01").Days())
	assert.Equal(t, 5, wfs.For("79").Days(), "other provinces keep the default")

	d := newDesk(t)
	setWorkflows(d.Intake, wfs)
	res, err := d.Intake.Register(d.Login(t, "motcua"), intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	assert.Equal(t, "one-stop", res.Dossier.Step)
	assert.Equal(t, calendar.Of(2026, 1, 8), res.Dossier.Due)
	assert.Equal(t, calendar.Of(2026, 1, 6), res.Dossier.StepDue)

	for _, bad := range []string{
		`{"province":"01","version":"v","steps":[]}`,
		`{"province":"01","version":"v","steps":[{"id":"a","name_vi":"A","role":"admin","days":1}]}`,
		`{"province":"01","version":"v","steps":[{"id":"a","name_vi":"A","role":"officer","days":-1}]}`,
		`{"province":"02","version":"v","steps":[{"id":"a","name_vi":"A","role":"officer","days":1}]}`,
	} {
		_, err := app.LoadWorkflows(assets.FS, "workflows", fstest.MapFS{"workflows/01.json": {Data: []byte(bad)}})
		assert.Error(t, err, bad)
	}
}

func TestDiskGuardRefusesNewWorkAndKeepsData(t *testing.T) {
	d := newDesk(t)
	s := d.Login(t, "motcua")
	_, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	require.NoError(t, d.Close())

	cfg := d.Cfg
	free := uint64(50 << 20)
	cfg.FreeBytes = func(string) (uint64, error) { return free, nil }
	dk, _, err := desk.Open(cfg, ref, "motcua", "mật khẩu dài 12")
	var ae *app.Error
	require.ErrorAs(t, err, &ae, "even the login entry is new work")
	assert.Equal(t, "disk_low", ae.Code)
	assert.Contains(t, ref.Catalog.Message(app.VI, err), "còn 50 MB")
	assert.Nil(t, dk)

	free = 10 << 30
	dk, sess, err := desk.Open(cfg, ref, "motcua", "mật khẩu dài 12")
	require.NoError(t, err)
	defer dk.Close()
	free = 100 << 20
	_, err = dk.Intake.Register(sess, intake.RegisterRequest{Form: otherPerson()})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "disk_low", ae.Code)
	free = 10 << 30
	found, err := dk.Intake.List(sess, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	assert.Len(t, found, 1, "the earlier dossier is intact and the refused one was not half-written")
}

func TestAddUserWithAWeakPasswordLeavesNoHalfMadeAccount(t *testing.T) {
	d := newDesk(t)
	err := d.Intake.AddUser(d.Admin, app.User{Name: "ketoan", Role: app.Officer}, "ngắn")
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "password_weak", ae.Code)
	users, err := d.Intake.Users(d.Admin)
	require.NoError(t, err)
	for _, u := range users {
		assert.NotEqual(t, "ketoan", u.Name)
	}
	require.NoError(
		t,
		d.Intake.AddUser(d.Admin, app.User{Name: "ketoan", Role: app.Officer}, "mật khẩu dài 12"),
		"the name is free for a second try",
	)
	_, err = d.Intake.Login("ketoan", "mật khẩu dài 12")
	require.NoError(t, err)
	err = d.Intake.AddUser(d.Admin, app.User{Name: "ketoan", Role: app.Officer}, "mật khẩu dài 13")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "user_exists", ae.Code)
	_, err = d.Intake.Login("ketoan", "mật khẩu dài 12")
	require.NoError(t, err, "a refused second account leaves the first one's password alone")
}

// TestTheBookStepOfSomeoneWithABookIsPassedByHand: a person who already has a book gets no new
// cover from their payment, so the officer passes the book step by hand once the payment is in.
func TestTheBookStepOfSomeoneWithABookIsPassedByHand(t *testing.T) {
	d := newDesk(t)
	f := validForm()
	f.OldSICode = "0123456789"
	officer, dos := registered(t, d, f)
	dos, err := d.Intake.Act(officer, dos.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	require.Equal(t, "finance", dos.Step)
	_, err = d.Records.AddVoucher(officer, voucherFor("BL-2026-000002", "2026-01", 264000))
	require.NoError(t, err)
	dos = dossier(t, d, officer, dos.Code)
	require.Equal(t, "book", dos.Step)
	dos, err = d.Intake.Act(officer, dos.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	assert.Equal(t, "return", dos.Step)
}
