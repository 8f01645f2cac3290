package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/ui"
	"bhxhdesk/ui/intakeui"
)

// The keyboard of these tests: what an officer presses, through the window's canvas only.

// press presses a shortcut, as Fyne does for a key pressed anywhere in the window (the main
// menu's shortcuts run whatever has the focus).
func (d *storeDesk) press(t *testing.T, sc fyne.Shortcut) {
	t.Helper()
	require.True(t, d.TypedShortcut(sc), "%s is a shortcut of the menu", sc.ShortcutName())
	d.Wait()
}

// typeKeys types text into whatever has the focus, as the driver hands typed characters on.
func (d *storeDesk) typeKeys(t *testing.T, text string) {
	t.Helper()
	f := d.win.Canvas().Focused()
	require.NotNil(t, f, "something has the focus")
	for _, r := range text {
		f.TypedRune(r)
	}
	d.Wait()
}

// key presses a key on whatever has the focus; Space also types its character, as the driver
// sends both.
func (d *storeDesk) key(t *testing.T, name fyne.KeyName) {
	t.Helper()
	f := d.win.Canvas().Focused()
	require.NotNil(t, f, "something has the focus")
	f.TypedKey(&fyne.KeyEvent{Name: name})
	if name == fyne.KeySpace {
		f.TypedRune(' ')
	}
	d.Wait()
}

// tab presses Tab n times.
func (d *storeDesk) tab(n int) {
	for range n {
		d.win.Canvas().FocusNext()
	}
}

// tabTo presses Tab until target has the focus, failing after 40 presses: it proves the target
// is in the tab order after what had the focus.
func (d *storeDesk) tabTo(t *testing.T, target fyne.Focusable) {
	t.Helper()
	for range 40 {
		if d.win.Canvas().Focused() == target {
			return
		}
		d.win.Canvas().FocusNext()
	}
	t.Fatalf("Tab never reached %T", target)
}

// TestHelpDeskWalkInToReceiptWithTheKeyboardOnly follows a citizen at the one-stop desk with
// nothing but the keyboard: the pre-check answers as the birth date is typed, the support group
// picked with Tab and Space, the quote printed for the citizen (Ctrl+P), the registration opened
// with what was typed (Ctrl+N), the TK1-TS filled in with Tab and type-ahead lists, saved
// (Ctrl+S), and the receipt printed (Ctrl+P). The stored dossier and both PDFs are checked.
func TestHelpDeskWalkInToReceiptWithTheKeyboardOnly(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "motcua")
	require.Equal(t, ui.PageWalkIn, d.Page(), "the help desk starts on the walk-in page")
	w := d.WalkIn()
	require.Equal(t, w.BirthDate, d.win.Canvas().Focused(), "the cursor waits in the birth date")

	preCheckWithTheKeyboard(t, d, w)
	pickTheGroupThenPrintTheQuote(t, d, w)
	code := registerWithTheKeyboard(t, d)

	// What the store holds.
	in, sup := d.service(t, "truongphong")
	dos, err := in.Dossier(sup, code)
	require.NoError(t, err)
	f := dos.Form
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", f.FullName)
	assert.Equal(t, "female", f.Gender)
	assert.Equal(t, "1990-05-17", f.BirthDate)
	assert.Equal(t, "01", f.Ethnicity)
	assert.Equal(t, "001190012345", f.PersonalID)
	assert.Equal(t, "poor", f.SupportGroup)
	assert.Equal(t, "monthly", f.Method)
	assert.Equal(t, "01", f.BirthRegistration.Province)
	assert.Equal(t, "00004", f.Address.Commune)
	// Hà Nội adds 50% for the poor on top of the state's 50% (Resolution 19/2025).
	assert.Equal(t, app.Money(165_000), dos.Quote.StateSupport)
	assert.Equal(t, app.Money(165_000), dos.Quote.LocalSupport)
	assert.Equal(t, app.Money(0), dos.Quote.Payable)
	assert.Equal(t, calendar.Of(2026, 1, 10), dos.Due)

	// The receipt.
	d.press(t, ui.ShortcutPrint)
	require.Len(t, d.saved, 2)
	receipt := pdfText(t, d.saved[1])
	assert.Contains(t, receipt, code)
	assert.Contains(t, receipt, "10/01/2026")
	assert.Contains(t, receipt, "Số tiền phải nộp: 0 ₫")
	assert.True(t, strings.HasSuffix(d.saved[1], code+".pdf"))
}

// preCheckWithTheKeyboard types the citizen's birth date on the walk-in page and answers the
// pre-check with the keyboard.
func preCheckWithTheKeyboard(t *testing.T, d *storeDesk, w *intakeui.WalkInScreen) {
	// Ctrl+N before the birth date: the question is still open, said beside it, with the
	// cursor back in it (not "not eligible", and not at the bottom of the page).
	d.win.Canvas().Focus(w.Vietnamese)
	d.press(t, ui.ShortcutNew)
	assert.Equal(t, ui.PageWalkIn, d.Page())
	assert.Equal(t, "Nhập ngày sinh của người dân để kiểm tra điều kiện trước khi lập tờ khai.", w.Problem.Text)
	assert.Equal(t, w.BirthDate, d.win.Canvas().Focused())

	// The pre-check answers as the officer types.
	d.typeKeys(t, "05/2012")
	assert.False(t, w.Problem.Visible(), "the message goes once the birth date is typed")
	answers, ok := w.Eligibility()
	assert.False(t, ok)
	assert.Equal(t, "Chưa đủ 15 tuổi: có thể đăng ký từ tháng 05/2027.", answers[0].Text)
	assert.Equal(t, "Chưa thể đăng ký: xem lý do dưới đây.", w.Verdict.Text)
	d.press(t, ui.ShortcutNew)
	assert.Equal(t, ui.PageWalkIn, d.Page(), "no registration for a citizen the pre-check turns away")
	assert.Equal(t, "Người dân chưa đủ điều kiện tham gia; chưa lập tờ khai.", w.Problem.Text)
	w.BirthDate.SetText("")
	d.typeKeys(t, "17/05/1990")
	answers, ok = w.Eligibility()
	require.True(t, ok)
	assert.Equal(t, "Đủ tuổi: 35 tuổi vào tháng 01/2026 (từ 15 tuổi trở lên).", answers[0].Text)
	assert.Equal(t, "Có thể đăng ký tham gia.", w.Verdict.Text)
	d.tab(1)
	require.Equal(t, w.Vietnamese, d.win.Canvas().Focused())
	d.key(t, fyne.KeySpace)
	_, ok = w.Eligibility()
	assert.False(t, ok, "a foreign national may not join")
	d.key(t, fyne.KeySpace)
	_, ok = w.Eligibility()
	assert.True(t, ok)
}

// pickTheGroupThenPrintTheQuote picks the support group with Tab and Space, which lists the
// documents to bring for it, and prints the quote for the citizen (Ctrl+P).
func pickTheGroupThenPrintTheQuote(t *testing.T, d *storeDesk, w *intakeui.WalkInScreen) {
	d.tabTo(t, w.Quote.Method)
	d.tab(1) // the number of months is skipped: it applies to ahead and missing-time payments only
	d.key(t, fyne.KeySpace)
	assert.Equal(t, "Hộ nghèo", w.Quote.Group.Selected, "Space picks the first group")
	assert.Contains(t, w.Documents.Text, "Giấy chứng nhận hộ nghèo")
	assert.Equal(t, "0 ₫", w.Quote.Payable.Text, "poor household in Hà Nội (the office's province): the state's 50% and the city's 50%")
	d.shot(t, "walkin")

	// The quote the citizen takes home, a row per method.
	d.press(t, ui.ShortcutPrint)
	require.Len(t, d.saved, 1)
	assert.Contains(t, w.Status.Text, "Đã lưu phiếu báo mức đóng: ")
	quote := pdfText(t, d.saved[0])
	for _, s := range []string{"PHIẾU BÁO MỨC ĐÓNG BHXH TỰ NGUYỆN", "Hằng tháng", "3 tháng một lần", "6 tháng một lần", "12 tháng một lần",
		"330.000 ₫", "990.000 ₫", "1.980.000 ₫", "Hộ nghèo", "Bảo hiểm xã hội cơ sở Ba Đình", "Thành phố Hà Nội",
		"Tỉnh/thành phố hỗ trợ thêm 50%"} {
		assert.Contains(t, quote, s)
	}
}

// registerWithTheKeyboard opens the registration with what was typed on the walk-in page
// (Ctrl+N), fills in the TK1-TS with Tab and type-ahead lists and saves it (Ctrl+S); it
// returns the dossier's code.
func registerWithTheKeyboard(t *testing.T, d *storeDesk) string {
	d.press(t, ui.ShortcutNew)
	require.Equal(t, ui.PageRegister, d.Page())
	r := d.Register()
	assert.Equal(t, "17/05/1990", r.BirthDate.Text)
	assert.Equal(t, "Hộ nghèo", r.Group.Selected)
	assert.Equal(t, "1.500.000", r.Income.Text)
	require.Equal(t, r.FullName, d.win.Canvas().Focused(), "the cursor waits in [01]")
	d.typeKeys(t, "Nguyễn Thị Hồng Ánh")
	d.tab(2) // [02] Nam, Nữ
	d.key(t, fyne.KeySpace)
	assert.Equal(t, "Nữ", r.Gender.Selected)
	d.tabTo(t, r.Ethnicity)
	d.typeKeys(t, "kinh")
	assert.Equal(t, "01 · Kinh", r.Ethnicity.Selected, "type-ahead in the list")
	d.tabTo(t, r.PersonalID)
	d.typeKeys(t, "001190012345")
	d.tabTo(t, r.Phone)
	d.typeKeys(t, "0912345678")
	d.tabTo(t, r.BirthPlace.Province)
	d.typeKeys(t, "ha noi")
	assert.Equal(t, "Thành phố Hà Nội", r.BirthPlace.Province.Selected, "marks are not needed")
	d.tabTo(t, r.BirthPlace.Commune)
	d.typeKeys(t, "ba dinh")
	assert.Equal(t, "Phường Ba Đình", r.BirthPlace.Commune.Selected)
	d.tabTo(t, r.Address.Province)
	d.typeKeys(t, "ha noi")
	d.tabTo(t, r.Address.Commune)
	d.typeKeys(t, "ba dinh")
	d.tabTo(t, r.AddressDetail)
	d.typeKeys(t, "Số 5 ngõ 12 phố Đội Cấn")
	d.tabTo(t, r.Requests)
	d.tab(1)
	assert.Equal(t, r.Save, d.win.Canvas().Focused(), "[18] is the last field before Save")
	d.shot(t, "register-keyboard")
	d.press(t, ui.ShortcutSave)
	require.NotNil(t, r.SavedCode, "saved: %s %s", r.Problem.Text, r.General.Text)
	code := r.SavedCode.Text
	assert.Equal(t, r.Print, d.win.Canvas().Focused(), "the receipt's Print button has the focus")
	return code
}

// TestLoginHasTheFocusAtStart: typing as soon as the window shows goes to the user name.
func TestLoginHasTheFocusAtStart(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	require.NoError(t, o.Close())
	d := openDesk(t, o, c)
	d.FocusIn(d.win.Canvas()) // as main does, before the first frame
	l := d.Login()
	require.NotNil(t, l)
	d.typeKeys(t, "canbo")
	assert.Equal(t, "canbo", l.User.Text)
	d.key(t, fyne.KeyReturn)
	assert.Equal(t, l.Password, d.win.Canvas().Focused(), "Enter moves to the password")
	d.typeKeys(t, password)
	d.key(t, fyne.KeyReturn)
	require.Nil(t, d.Login(), "signed in with the keyboard")
	assert.Equal(t, ui.PageHome, d.Page())
}

// TestShortcutsFollowTheRole: the menu offers only what the role may do, and its sections
// open with Ctrl+1 … Ctrl+7.
func TestShortcutsFollowTheRole(t *testing.T) {
	o, c := newOffice(t)
	setUp(t, o)
	d := openDesk(t, o, c)
	d.signIn(t, "admin")
	assert.False(t, d.TypedShortcut(ui.ShortcutNew), "the administrator registers nobody")
	for _, p := range []ui.Page{ui.PageWalkIn, ui.PageRegister, ui.PageVouchers, ui.PageRecords} {
		assert.Nil(t, d.Nav(p), "the administrator does not see %s", p)
	}
	for _, p := range []ui.Page{ui.PageHome, ui.PageQueue, ui.PageSearch, ui.PageSync, ui.PageAdmin, ui.PageAccounts, ui.PagePrivacy} {
		assert.NotNil(t, d.Nav(p), "the administrator sees %s", p)
	}
	d.press(t, ui.ShortcutSearch)
	assert.Equal(t, ui.PageSearch, d.Page())
	assert.Equal(t, d.Search().Query, d.win.Canvas().Focused())
	d.signOut(t)
	d.signIn(t, "motcua")
	assert.Nil(t, d.Nav(ui.PagePrivacy), "the help desk does not see the data-protection page")
	assert.Nil(t, d.Nav(ui.PageAccounts))
	assert.NotNil(t, d.Nav(ui.PageAdmin), "but its own settings")
	for i, sec := range ui.Sections {
		if sec == ui.SecVouchers {
			assert.False(t, d.TypedShortcut(sectionKey(i)), "no vouchers for the help desk")
			continue
		}
		d.press(t, sectionKey(i))
	}
	assert.Equal(t, ui.PageAdmin, d.Page(), "Ctrl+7 is the administration")
	d.press(t, ui.ShortcutLock)
	require.NotNil(t, d.Locked())
	assert.Equal(t, d.Locked().Password, d.win.Canvas().Focused())
}

// sectionKey is Ctrl+1 … Ctrl+7.
func sectionKey(i int) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(string(rune('1' + i))), Modifier: fyne.KeyModifierShortcutDefault}
}
