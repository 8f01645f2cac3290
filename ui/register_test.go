package ui_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/intake"
	"bhxhdesk/ui"
	"bhxhdesk/ui/intakeui"
)

// fillValid types a valid TK1-TS for Nguyễn Thị Hồng Ánh, born 17/05/1990 in Ba Đình, Hà Nội.
func fillValid(t *testing.T, r *intakeui.RegisterScreen) {
	t.Helper()
	test.Type(r.FullName, "Nguyễn Thị Hồng Ánh")
	r.Gender.SetSelected("Nữ")
	test.Type(r.BirthDate, "17/05/1990")
	r.Ethnicity.SetSelected("01 · Kinh")
	test.Type(r.PersonalID, "001190012345")
	test.Type(r.Phone, "0912345678")
	r.BirthPlace.Province.SetSelected("Thành phố Hà Nội")
	r.BirthPlace.Commune.SetSelected("Phường Ba Đình")
	r.Address.Province.SetSelected("Thành phố Hà Nội")
	r.Address.Commune.SetSelected("Phường Ba Đình")
	test.Type(r.AddressDetail, "Số 5 ngõ 12 phố Đội Cấn")
}

func TestRegisterValidatesLiveThenSavesPrintsQueuesAndAdvances(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	require.Equal(t, ui.PageRegister, d.Page())
	r := d.Register()
	require.NotNil(t, r)
	assert.Equal(t, "01/2026", r.StartMonth.Text, "starts this month")
	assert.Equal(t, "1.500.000", r.Income.Text, "on the floor income")
	assert.Equal(t, "264.000 ₫", r.Payable.Text, "the quote beside the form: 22% of 1,500,000 less 20% support")
	assert.Empty(t, r.Msg("full_name"), "an untouched empty form shows no problems yet")

	showTheProblemsAsTheOfficerTypes(t, d, r)
	in, code := saveOnceEveryProblemIsFixed(t, d, r)

	// The receipt goes to the file the officer picks, written off the UI thread.
	test.Tap(r.Print)
	d.Wait()
	require.Len(t, d.saved, 1)
	assert.Equal(t, "Đã lưu giấy tiếp nhận và hẹn trả kết quả: "+d.saved[0], r.PrintStatus.Text)
	text := pdfText(t, d.saved[0])
	assert.Contains(t, text, code)
	assert.Contains(t, text, "10/01/2026")

	theHelpDeskQueuesItForTheOfficers(t, d, in, code)
	anOfficerAdvancesItFromTheQueue(t, d, code)
}

// showTheProblemsAsTheOfficerTypes types a personal ID that does not match the gender, a
// wrong phone, an income below the floor and a child's birth date: each problem shows under
// its field as it is typed, and goes when it is fixed.
func showTheProblemsAsTheOfficerTypes(t *testing.T, d *storeDesk, r *intakeui.RegisterScreen) {
	test.Type(r.FullName, "Nguyễn Thị Hồng Ánh")
	r.Gender.SetSelected("Nam")
	test.Type(r.BirthDate, "17/05/1990")
	test.Type(r.PersonalID, "00119001234")
	assert.Equal(t, "[06] Số định danh cá nhân/CCCD: phải gồm đúng 12 chữ số.", r.Msg("personal_id"), "shown as the officer types")
	test.Type(r.PersonalID, "5")
	assert.Equal(t, "[06] Số định danh cá nhân/CCCD: chữ số thứ 4 (1) không khớp giới tính đã khai (cần 0).", r.Msg("personal_id"))
	d.shot(t, "register-mismatch")
	r.Gender.SetSelected("Nữ")
	assert.Empty(t, r.Msg("personal_id"), "fixed by the gender")

	test.Type(r.Phone, "12345")
	assert.Contains(t, r.Msg("phone"), "[07] Số điện thoại: số di động 10 số")
	replace(r.Phone, "0912345678")
	assert.Empty(t, r.Msg("phone"))

	replace(r.Income, "1.000.000")
	assert.Equal(t, "[15] Mức thu nhập lựa chọn đóng: thấp hơn mức tối thiểu 1.500.000 ₫ (chuẩn hộ nghèo khu vực nông thôn).",
		r.Msg("income"))
	assert.Equal(t, "—", r.Payable.Text, "no quote below the floor")
	test.Tap(r.Raise)
	assert.Equal(t, "1.500.000", r.Income.Text, "+ snaps onto the floor")
	assert.Empty(t, r.Msg("income"))

	replace(r.BirthDate, "2015")
	assert.Equal(t, "[03] Ngày, tháng, năm sinh: chưa đủ 15 tuổi trong tháng bắt đầu đóng; đủ tuổi từ tháng 01/2030.", r.Msg("birth_date"))
	replace(r.BirthDate, "17/05/1990")
	assert.Empty(t, r.Msg("birth_date"))
	d.shot(t, "register-problems")
}

// saveOnceEveryProblemIsFixed saves the form: refused while required fields are empty, saved
// once they are filled in, with the dossier stored as typed and quoted. It returns the intake
// and the dossier's code.
func saveOnceEveryProblemIsFixed(t *testing.T, d *storeDesk, r *intakeui.RegisterScreen) (*intake.Service, string) {
	// Saving shows every remaining problem, including the untouched required fields.
	test.Tap(r.Save)
	d.Wait()
	assert.Equal(t, "[05] Dân tộc: bắt buộc phải nhập.", r.Msg("ethnicity"))
	assert.Equal(t, "[09] Nơi đăng ký khai sinh — tỉnh/thành phố: bắt buộc phải nhập.", r.Msg("birth_registration.province"))
	assert.Contains(t, r.Problem.Text, "chỗ cần sửa")
	in, sup := d.service(t, "truongphong")
	pending, err := in.List(sup, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	assert.Empty(t, pending, "nothing saved while the form has problems")

	r.Ethnicity.SetSelected("01 · Kinh")
	r.BirthPlace.Province.SetSelected("Thành phố Hà Nội")
	r.BirthPlace.Commune.SetSelected("Phường Ba Đình")
	r.Address.Province.SetSelected("Thành phố Hà Nội")
	r.Address.Commune.SetSelected("Phường Ba Đình")
	test.Type(r.AddressDetail, "Số 5 ngõ 12 phố Đội Cấn")
	r.Group.SetSelected("Hộ nghèo")
	assert.Equal(t, "0 ₫", r.Payable.Text, "poor household in Hà Nội: the state's 50% and the city's 50% (Resolution 19/2025)")
	d.shot(t, "register-filled")
	test.Tap(r.Save)
	d.Wait()
	require.NotNil(t, r.SavedCode, "saved: %s", r.Problem.Text)
	code := r.SavedCode.Text
	assert.Equal(t, "01001-260105-K70001", code)
	assert.Equal(t, "Hẹn trả kết quả: 10/01/2026", r.SavedDue.Text)
	d.shot(t, "register-saved")

	dos, err := in.Dossier(sup, code)
	require.NoError(t, err)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", dos.Form.FullName)
	assert.Equal(t, "female", dos.Form.Gender)
	assert.Equal(t, "1990-05-17", dos.Form.BirthDate)
	assert.Equal(t, "001190012345", dos.Form.PersonalID)
	assert.Equal(t, "poor", dos.Form.SupportGroup)
	assert.Equal(t, app.Money(165_000), dos.Quote.StateSupport)
	assert.Equal(t, app.Money(165_000), dos.Quote.LocalSupport)
	assert.Equal(t, app.Money(0), dos.Quote.Payable)
	assert.Equal(t, calendar.Of(2026, 1, 10), dos.Due)
	assert.Equal(t, "motcua", dos.Timeline[0].User)
	return in, code
}

// theHelpDeskQueuesItForTheOfficers finds the dossier code in the help desk's queue; the check
// step is the officers': the help desk may neither advance nor reject it, and the service
// refuses it anyway.
func theHelpDeskQueuesItForTheOfficers(t *testing.T, d *storeDesk, in *intake.Service, code string) {
	test.Tap(d.Nav(ui.PageQueue))
	d.Wait()
	q := d.Queue()
	require.Len(t, q.Rows.Rows(), 1)
	row := q.Rows.Rows()[0]
	assert.Equal(t, code, row.Code)
	badge, _ := q.Rows.Badge(row)
	assert.Equal(t, "Còn 5 ngày", badge)
	d.shot(t, "queue")
	q.Rows.List.Select(0)
	d.Wait()
	require.Equal(t, ui.PageDossier, d.Page())
	det := d.Dossier()
	assert.Equal(t, code, det.Shown().Code)
	assert.Nil(t, det.Advance, "the check step belongs to officers")
	assert.Nil(t, det.Reject, "the help desk may not reject")
	assert.NotNil(t, det.Print)
	_, help := d.service(t, "motcua")
	_, err := in.Act(help, code, intake.ActRequest{Action: app.ActReject, Reason: "thử"})
	assert.Equal(t, app.Forbidden, app.KindOf(err), "and the service refuses it anyway")
}

// anOfficerAdvancesItFromTheQueue signs an officer in, who advances the dossier code from the
// queue to the finance step, where the step's queue lists it.
func anOfficerAdvancesItFromTheQueue(t *testing.T, d *storeDesk, code string) {
	d.signOut(t)
	d.signIn(t, "canbo")
	d.open(t, ui.PageQueue)
	q := d.Queue()
	require.NotNil(t, q)
	d.Wait()
	require.Len(t, q.Rows.Rows(), 1)
	q.Rows.List.Select(0)
	d.Wait()
	det := d.Dossier()
	require.NotNil(t, det.Advance)
	require.NotNil(t, det.Reject)
	assert.Nil(t, det.Reappoint, "only a supervisor re-appoints")
	assert.Equal(t, "Chuyển bước: Đối chiếu số tiền đóng (Kế toán)", det.Advance.Text)
	d.shot(t, "dossier")
	test.Tap(det.Advance)
	d.Wait()
	in, sup := d.service(t, "truongphong") // signing out closed the store
	dos, err := in.Dossier(sup, code)
	require.NoError(t, err)
	assert.Equal(t, "finance", dos.Step, "stored at the next step")
	assert.Equal(t, app.ActAdvance, dos.Timeline[1].Action)
	assert.Equal(t, "canbo", dos.Timeline[1].User)
	assert.Equal(t, "finance", d.Dossier().Shown().Step, "the screen shows the stored dossier")
	assert.Contains(t, d.Dossier().Status.Text, "Đã ghi: Chuyển bước.")

	test.Tap(d.Dossier().Back)
	d.Wait()
	assert.Equal(t, ui.PageQueue, d.Page())
	d.Queue().Step.SetSelected("Đối chiếu số tiền đóng (Kế toán)")
	d.Queue().Kind.SetSelected("Theo bước")
	d.Wait()
	require.Len(t, d.Queue().Rows.Rows(), 1, "the queue of the finance step has it")
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	require.NoError(t, err)
	return norm.NFC.String(string(out))
}

func TestRegisterAsksAboutPossibleDuplicatesAndNamesThePendingDossier(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	r := d.Register()
	fillValid(t, r)
	test.Tap(r.Save)
	d.Wait()
	require.NotNil(t, r.SavedCode, r.Problem.Text)
	first := r.SavedCode.Text

	// The same personal ID again: the pending dossier is named and opens. "Tiếp nhận hồ sơ
	// mới" leaves the cursor in [01], as Ctrl+N does.
	test.Tap(r.New)
	assert.Equal(t, r.FullName, d.win.Canvas().Focused(), "the next citizen's name is typed at once")
	fillValid(t, r)
	test.Tap(r.Save)
	d.Wait()
	assert.Equal(t, "[06] Số định danh cá nhân/CCCD: người này đã có hồ sơ "+first+" đang giải quyết; mở hồ sơ đó thay vì tạo mới.",
		r.Problem.Text)
	require.True(t, r.Existing.Visible())
	test.Tap(r.Existing)
	d.Wait()
	require.Equal(t, ui.PageDossier, d.Page())
	assert.Equal(t, first, d.Dossier().Shown().Code)
	test.Tap(d.Nav(ui.PageRegister))
	require.Same(t, r, d.Register(), "the form is kept while looking at the other dossier")

	// Same folded name and birth date, another personal ID: ask first, save nothing.
	replace(r.FullName, "nguyen thi hong anh")
	replace(r.PersonalID, "001190099999")
	test.Tap(r.Save)
	d.Wait()
	dup := r.Duplicates
	require.NotNil(t, dup, r.Problem.Text)
	require.Len(t, dup.Candidates, 1)
	assert.Equal(t, first, dup.Candidates[0].Code)
	assert.Contains(t, dup.Rows.Text, first+" · Nguyễn Thị Hồng Ánh · sinh 17/05/1990")
	d.shot(t, "duplicate")
	test.Tap(dup.Cancel)
	assert.Nil(t, r.Duplicates)
	in, sup := d.service(t, "truongphong")
	rows, err := in.List(sup, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	require.Len(t, rows, 1, "cancelled: nothing saved")

	test.Tap(r.Save)
	d.Wait()
	require.NotNil(t, r.Duplicates)
	test.Tap(r.Duplicates.Confirm)
	d.Wait()
	require.NotNil(t, r.SavedCode, r.Problem.Text)
	second := r.SavedCode.Text
	dos, err := in.Dossier(sup, second)
	require.NoError(t, err)
	assert.Equal(t, []string{first}, dos.NotDuplicateOf, "the officer's confirmation is stored")
	assert.Equal(t, "nguyen thi hong anh", dos.Form.FullName, "kept as typed")
}

func TestSearchWithoutMarksAndByPartialIDOpensTheDossier(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	fillValid(t, d.Register())
	test.Tap(d.Register().Save)
	d.Wait()
	code := d.Register().SavedCode.Text

	test.Tap(d.Nav(ui.PageSearch))
	s := d.Search()
	require.NotNil(t, s)
	// The name from its start or any word, the personal ID's start or end, the phone number,
	// the end of the code.
	for _, q := range []string{"nguyen thi hong anh", "NGUYỄN THỊ HỒNG", "hong anh", "Ánh", "0012345", "001190", "0912345678", "345678",
		code[len(code)-6:]} {
		replace(s.Query, q)
		s.Query.TypedKey(&fyneKeyReturn)
		d.Wait()
		require.Len(t, s.Rows.Rows(), 1, q)
		assert.Equal(t, code, s.Rows.Rows()[0].Code, q)
		assert.Equal(t, "1 hồ sơ", s.Count.Text)
	}
	d.shot(t, "search")
	replace(s.Query, "tran van binh")
	test.Tap(s.Go)
	d.Wait()
	assert.Empty(t, s.Rows.Rows())
	assert.Equal(t, "Không tìm thấy hồ sơ nào.", s.Count.Text)
	replace(s.Query, "12")
	test.Tap(s.Go)
	d.Wait()
	assert.Equal(t, "Tìm kiếm: nhập ít nhất 2 chữ của họ tên, hoặc 4 số của số định danh hay số điện thoại.", s.Problem.Text)

	replace(s.Query, "nguyen thi hong anh")
	test.Tap(s.Go)
	d.Wait()
	s.Rows.List.Select(0)
	d.Wait()
	require.Equal(t, ui.PageDossier, d.Page())
	assert.Equal(t, code, d.Dossier().Shown().Code)
	test.Tap(d.Dossier().Back)
	assert.Equal(t, ui.PageSearch, d.Page(), "back to the results")
	assert.Len(t, d.Search().Rows.Rows(), 1)
}

func TestLanguageSwitchRebuildsSignedInScreensKeepingState(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	r := d.Register()
	test.Type(r.FullName, "Nguyễn Thị Hồng Ánh")
	test.Type(r.Phone, "12345")
	d.SetLang(app.EN)
	r = d.Register()
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", r.FullName.Text)
	assert.True(t, strings.HasPrefix(r.Msg("phone"), "[07] Phone: "), r.Msg("phone"))
	assert.Equal(t, "Register", d.Nav(ui.PageRegister).Text)
	assert.Equal(t, "Lê Thị Mai (motcua) · One-stop desk", d.UserLabel.Text)
	d.shot(t, "register-en")
	d.SetLang(app.VI)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", d.Register().FullName.Text)
}

// TestAHalfFilledRegistrationSurvivesQuitAndSignOut: Ctrl+Q or closing the window with a
// registration half-filled asks first and keeps an encrypted draft in the store; the next
// sign-in of the account reopens it, saying so; saving it removes the draft; discarding asks.
func TestAHalfFilledRegistrationSurvivesQuitAndSignOut(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.open(t, ui.PageRegister)
	r := d.Register()
	test.Type(r.FullName, "Nguyễn Thị Hồng Ánh")
	test.Type(r.PersonalID, "001190012345")
	quits := 0
	d.RequestQuit(func() { quits++ })
	d.Wait()
	q := d.QuitAsk()
	require.NotNil(t, q, "a half-filled form asks before quitting")
	assert.Equal(t, 0, quits)
	assert.Contains(t, q.Text.Text, "Nguyễn Thị Hồng Ánh")
	in, sess := d.service(t, "motcua")
	dr, ok, err := in.Draft(sess)
	require.NoError(t, err)
	require.True(t, ok, "the draft is in the store before anything else happens")
	assert.Equal(t, "001190012345", dr.Form.PersonalID)
	// The keyboard: the focus is on Tiếp tục nhập; Escape and Enter both stay.
	require.Equal(t, q.Stay, d.win.Canvas().Focused(), "the safe answer has the focus")
	d.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	d.Wait()
	assert.Nil(t, d.QuitAsk(), "Escape closes the question")
	d.RequestQuit(func() { quits++ })
	d.Wait()
	require.NotNil(t, d.QuitAsk())
	d.win.Canvas().Focused().TypedKey(&fyneKeyReturn)
	d.Wait()
	assert.Nil(t, d.QuitAsk(), "Enter presses the focused button")
	assert.Equal(t, 0, quits, "staying does not quit")

	// Typing goes on; signing out keeps the draft, and the next sign-in reopens it.
	test.Type(r.Phone, "0912345678")
	d.signOut(t)
	d.signIn(t, "motcua")
	d.Wait()
	require.Equal(t, ui.PageRegister, d.Page(), "the form left unsaved is reopened")
	r = d.Register()
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", r.FullName.Text)
	assert.Equal(t, "0912345678", r.Phone.Text, "typed just before signing out")
	assert.Contains(t, r.Restored.Text, "Đã mở lại tờ khai đang nhập dở")
	d.shot(t, "register-draft")

	// Another account has its own drafts: none.
	d.signOut(t)
	d.signIn(t, "canbo")
	d.Wait()
	assert.NotEqual(t, ui.PageRegister, d.Page())
	d.signOut(t)

	// Finished and saved: the draft is gone, and quitting asks nothing.
	d.signIn(t, "motcua")
	d.Wait()
	r = d.Register()
	r.Gender.SetSelected("Nữ")
	test.Type(r.BirthDate, "17/05/1990")
	r.Ethnicity.SetSelected("01 · Kinh")
	r.BirthPlace.Province.SetSelected("Thành phố Hà Nội")
	r.BirthPlace.Commune.SetSelected("Phường Ba Đình")
	r.Address.Province.SetSelected("Thành phố Hà Nội")
	r.Address.Commune.SetSelected("Phường Ba Đình")
	test.Type(r.AddressDetail, "Số 5 ngõ 12 phố Đội Cấn")
	test.Tap(r.Save)
	d.Wait()
	require.NotEmpty(t, r.SavedCode.Text, r.Problem.Text)
	time.Sleep(1700 * time.Millisecond) // a write scheduled before the save must not bring it back
	in, sess = d.service(t, "motcua")
	_, ok, err = in.Draft(sess)
	require.NoError(t, err)
	assert.False(t, ok, "saved: the draft is removed with the save")
	d.RequestQuit(func() { quits++ })
	assert.Nil(t, d.QuitAsk())
	assert.Equal(t, 1, quits, "nothing unsaved: quits at once")
}

// TestTheQuoteCountsOneMonthInTheSingular: a monthly payment's period reads "(1 month)" in
// English, not "(1 months)" (it was put together in code, outside the catalogue).
func TestTheQuoteCountsOneMonthInTheSingular(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	d.SetLang(app.EN)
	d.Wait()
	d.open(t, ui.PageRegister)
	r := d.Register()
	replace(r.Income, "1.500.000")
	d.Wait()
	period := ""
	for _, it := range r.Lines.Items {
		if it.Text == "Period" {
			period = it.Widget.(*widget.Label).Text
		}
	}
	assert.Regexp(t, `^01/2026 – 01/2026 \(1 month\)$`, period)
}

// TestTheQueueShowsTheStepWithoutItsUnit: the queue's step column shows the step's own words;
// with the unit in brackets it was cut to "Kiểm tra, nhập dữ liệu hồ sơ (T…" at 1366 px.
func TestTheQueueShowsTheStepWithoutItsUnit(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	registerMonthly(t, o, 61)
	d := openRecordsDesk(t, o, c)
	d.signIn(t, "canbo")
	d.open(t, ui.PageQueue)
	d.Queue().Reload()
	d.Wait()
	rows := d.Queue().Rows
	require.Len(t, rows.Rows(), 1)
	row := rows.List.CreateItem()
	rows.List.UpdateItem(0, row)
	step := row.(*fyne.Container).Objects[2].(*widget.Label).Text
	assert.Equal(t, "Kiểm tra, nhập dữ liệu hồ sơ", step)
}
