package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnOfficeDayInTheRealWindow follows an office from its first start to the end of the day in
// the real program: set-up and sign-in; at the help desk a walk-in's quote printed, a
// registration saved after a first attempt with problems, its receipt printed; an officer's
// voucher import from a file chosen in the dialog, the cover issued, printed, reprinted with a
// reason and printed in a batch; an administrator's backup to a folder, restored on a new
// machine through the dialog.
func TestAnOfficeDayInTheRealWindow(t *testing.T) {
	root := t.TempDir()
	home, data := filepath.Join(root, "home"), filepath.Join(root, "data")
	d := Start(t, home, data)

	t.Run("first run: the office and its administrator", func(t *testing.T) {
		d.t = t
		d.WaitTitle("Thiết lập máy mới")
		d.Type("01001")
		d.Key("Tab")
		d.Type("K7")
		d.Key("Tab")
		d.Type("Bảo hiểm xã hội cơ sở Ba Đình")
		d.Key("Tab")
		d.Type("ha noi")
		d.Key("Tab")
		d.Type("ba dinh")
		d.Key("Tab")
		d.Type("Số 5 phố Đội Cấn")
		d.Key("Tab")
		d.Type("0243456789")
		d.Key("Tab")
		d.Type("quantri")
		d.Key("Tab")
		d.Type("Nguyễn Văn Quản")
		d.Key("Tab")
		d.Type(Password)
		d.Key("Tab")
		d.Type(Password)
		d.Shot("firstrun-filled")
		d.Key("Return")
		d.WaitTitle("Mã khôi phục")
		d.Shot("firstrun-secret")
		_, err := os.Stat(filepath.Join(data, "keyring.json"))
		require.NoError(t, err, "the store exists")
	})

	t.Run("the secret kept, then the first sign-in", func(t *testing.T) {
		d.t = t
		d.Key("space") // the box "I have copied the secret"
		d.Key("Tab")
		d.Key("space") // Tiếp tục đăng nhập: its space must not land in the password
		d.WaitTitle("Đăng nhập")
		d.Type(Password)
		d.Key("Return")
		d.WaitTitle("Trang chủ", "01001 · quantri")
		d.Shot("admin-home")
	})

	t.Run("the administrator adds the office's accounts", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+7")
		d.WaitTitle("Cài đặt")
		d.ClickNav("Tài khoản")
		d.WaitTitle("Tài khoản")
		for _, a := range []struct{ user, name, role string }{
			{"motcua", "Lê Thị Mai", "bo phan"}, {"canbo", "Trần Văn Đức", "can bo"},
		} {
			d.Type(a.user)
			d.Key("Tab")
			d.Type(a.name)
			d.Key("Tab")
			d.Type(a.role)
			d.Key("Tab")
			d.Type(Password)
			d.Key("Tab")
			d.Type(Password)
			d.Key("Return")
			d.Wait(800)
		}
		d.Shot("accounts")
		d.Key("ctrl+shift+l")
		d.WaitTitle("Đăng nhập")
		code, out := CLI(t, data, "quantri", "", "user", "list", "--json")
		require.Equal(t, 0, code, out)
		assert.Contains(t, out, `"name": "motcua"`)
		assert.Contains(t, out, `"role": "officer"`)
	})

	t.Run("help desk: a walk-in's quote printed", func(t *testing.T) {
		d.t = t
		d.SignIn("motcua", Password)
		d.Key("ctrl+2")
		d.WaitTitle("Tư vấn, báo giá")
		d.Type("15/03/1990") // the cursor starts in the birth date
		for range 4 {
			d.Key("Tab")
		}
		d.Key("ctrl+a")
		d.Type("3000000")
		d.Wait(300)
		d.Shot("walkin")
		d.Key("ctrl+p")
		d.Wait(800) // the save dialog, with the file name proposed and focused
		d.Shot("walkin-save")
		d.Key("Return")
		pdf := filepath.Join(home, "Documents", "phieu-bao-muc-dong-12-2026.pdf")
		WaitFile(t, pdf)
		text := PDFText(t, pdf)
		assert.Contains(t, text, "3.000.000")
		assert.Contains(t, text, "660.000", "22 % of 3,000,000 a month")
		d.Alive()
	})

	t.Run("help desk: a registration with a problem first, saved, its receipt printed", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+s") // from the walk-in to the TK1-TS, with the birth date and the money
		d.WaitTitle("Tiếp nhận hồ sơ")
		d.Type("Nguyễn Thị Hồng Anh")
		d.Key("Tab", "Tab", "space") // Nam, Nữ: chosen
		d.Key("Tab", "Tab")          // the birth date, from the walk-in
		d.Type("kinh")
		d.Key("Tab")
		d.Type("00119001234") // one digit short
		d.Key("Tab")
		d.Type("0912345678")
		d.Key("Tab", "Tab")
		d.Type("ha noi")
		d.Key("Tab")
		d.Type("ba dinh")
		d.Key("Tab")
		d.Type("ha noi")
		d.Key("Tab")
		d.Type("ba dinh")
		d.Key("Tab")
		d.Type("Số 12 ngõ 34 phố Kim Mã")
		d.Key("ctrl+s")
		d.Wait(500)
		d.Shot("register-problem")
		d.Key("ctrl+a") // the cursor was put in the personal ID, the first problem
		d.Type("001190012345")
		d.Key("ctrl+s")
		d.WaitTitle("Tiếp nhận hồ sơ")
		d.Wait(800)
		d.Shot("register-saved")
		docs := filepath.Join(home, "Documents")
		before := ListFiles(docs, ".pdf")
		d.Key("ctrl+p")
		d.Wait(800)
		d.Key("Return")
		receipt := WaitNewFile(t, docs, ".pdf", before)
		text := PDFText(t, receipt)
		assert.Contains(t, text, "Nguyễn Thị Hồng Anh")
		d.Alive()
	})

	t.Run("help desk: Ctrl+Q with a form half-filled asks, and keeps it", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+n")
		d.WaitTitle("Tiếp nhận hồ sơ")
		d.Type("Trần Văn Bình")
		d.Key("ctrl+q")
		d.Wait(600)
		d.Shot("quit-ask")
		d.Alive()
		d.Key("Return") // Tiếp tục nhập: the focused button
		d.Wait(300)
		d.Alive()
	})

	t.Run("officer: queue, dossier, vouchers imported from a file chosen in the dialog", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+shift+l")
		d.SignIn("canbo", Password)
		d.WaitTitle("Trang chủ")
		d.Key("ctrl+3")
		d.WaitTitle("Hàng đợi hồ sơ")
		d.Wait(500)
		d.Shot("officer-queue")
	})
}
