package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	var payable string // the receipt's amount, paid by the voucher

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
		m := regexp.MustCompile(`Số tiền phải nộp: ([0-9.]+) ₫`).FindStringSubmatch(text)
		require.NotNil(t, m, "the receipt says the amount to pay")
		payable = m[1]
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
		d.Click(450, 178) // the first row: the dossier just received
		d.WaitTitle("Hồ sơ")
		d.Wait(500)
		d.Shot("officer-dossier")
		d.Key("ctrl+4")
		d.WaitTitle("Chứng từ")
		d.Wait(500)
		d.Shot("officer-vouchers")
		// The collection agent's list of the day, in the officer's Documents.
		now := time.Now().In(time.FixedZone("ICT", 7*3600))
		csv := "Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Ngày nộp,Từ tháng,Số tháng,Nhân viên thu\r\n" +
			"BL-" + now.Format("2006") + "-000001,001190012345,Nguyễn Thị Hồng Anh," + payable + "," + now.Format("02/01/2006") + "," +
			now.Format("01/2006") + ",1,Đại lý thu phường Ba Đình\r\n"
		// And the rest of the agent's month: 8,000 payments of people registered elsewhere,
		// set aside for an officer — long enough for the import to show its progress.
		for i := range 8000 {
			csv += fmt.Sprintf("BL-%s-1%05d,0791900%05d,Trần Văn Bình,%s,%s,%s,1,Đại lý thu phường Ba Đình\r\n", now.Format("2006"), i, i,
				payable, now.Format("02/01/2006"), now.Format("01/2006"))
		}
		require.NoError(t, os.WriteFile(filepath.Join(home, "Documents", "bang-ke-dai-ly.csv"), []byte("\ufeff"+csv), 0o600))
		d.Click(390, 95) // the tab "Nhập từ tệp"
		d.Wait(400)
		d.Shot("officer-import")
		d.Click(265, 184) // Chọn tệp CSV/XLSX…
		d.Wait(800)
		d.Shot("officer-open-dialog")
		d.DoubleClick(368, 200) // the agent's list, the only CSV in Documents: opens it
		d.Wait(1000)
		d.Shot("officer-import-preview")
		d.Click(928, 184) // Ghi nhận 8001 chứng từ
		d.Wait(900)
		d.Shot("officer-import-progress") // the progress dialog: a bar, the lines counted, "Dừng"
		d.WaitProgress(300, 335, 60*time.Second)
		d.Wait(500)
		d.Shot("officer-import-done")
	})

	t.Run("officer: the cover issued, printed, reprinted with a reason, the day's batch", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+5")
		d.WaitTitle("Sổ & bìa")
		d.Wait(500)
		d.Shot("officer-records")
		d.Click(385, 95) // the tab "Tờ bìa sổ"
		d.Wait(600)
		d.Shot("officer-covers")
		d.Click(450, 257) // the row: ticked
		d.Click(700, 173) // Cấp tờ bìa đã chọn
		d.Wait(800)
		d.Shot("officer-cover-issued")
		d.Click(410, 134) // the list "Đã cấp"
		d.Wait(600)
		d.Click(450, 257) // the row: ticked
		d.Wait(300)
		d.Shot("officer-issued-list")
		docs := filepath.Join(home, "Documents")
		before := ListFiles(docs, ".pdf")
		d.Click(690, 173) // In các tờ bìa đã chọn
		d.Wait(1500)      // the PDF made and rendered for the preview
		d.Shot("officer-cover-preview")
		d.Key("Return") // Lưu thành…, which has the focus
		d.Wait(800)
		d.Key("Return") // the save dialog, with the name proposed
		cover := WaitNewFile(t, docs, ".pdf", before)
		text := PDFText(t, cover)
		assert.Contains(t, text, "NGUYỄN THỊ HỒNG ANH")
		assert.NotContains(t, text, "Bản in lại")
		d.Wait(300)
		d.Shot("officer-cover-saved")
		d.Key("Escape") // closes the preview

		// Printed again: only with a reason, and stamped as a reprint.
		reprint := func(shot, reason string) string {
			before := ListFiles(docs, ".pdf")
			d.Wait(800)
			d.Shot(shot + "-ask")
			d.Type(reason)      // the cursor is in the reason
			d.Key("Tab", "Tab") // Hủy, then In lại
			d.Key("Return")
			d.Wait(1500)
			d.Key("Return") // Lưu thành…
			d.Wait(800)
			d.Key("Return")
			f := WaitNewFile(t, docs, ".pdf", before)
			d.Shot(shot)
			d.Key("Escape")
			return PDFText(t, f)
		}
		d.Click(450, 257) // the row again
		d.Click(690, 173) // In các tờ bìa đã chọn
		text = reprint("officer-cover-reprint", "Giấy kẹt trong máy in")
		assert.Contains(t, text, "NGUYỄN THỊ HỒNG ANH")
		assert.Contains(t, text, "Bản in lại lần 1")

		// The day's batch: every cover issued today.
		d.Click(900, 173) // In tất cả tờ bìa cấp hôm nay
		text = reprint("officer-cover-batch", "In lại cả lô cuối ngày")
		assert.Contains(t, text, "Bản in lại lần 2")
		d.Alive()
	})

	t.Run("administrator: a backup to a folder", func(t *testing.T) {
		d.t = t
		d.Key("ctrl+shift+l")
		d.SignIn("quantri", Password)
		d.Key("ctrl+7")
		d.WaitTitle("Cài đặt")
		d.Wait(500)
		d.Shot("admin-settings")
		d.Click(258, 390) // Sao lưu
		d.Wait(500)
		d.Shot("admin-backup")
		backups := filepath.Join(home, "Documents", "sao-luu") // a USB drive would do as well
		require.NoError(t, os.MkdirAll(backups, 0o700))
		d.Click(600, 264) // the folder
		d.Type(backups)
		d.Key("ctrl+s")
		d.Wait(500)
		d.Shot("admin-backup-saved")
		d.Click(770, 378) // Sao lưu ngay
		file := WaitNewFile(t, backups, ".bak", nil)
		d.Shot("admin-backup-done")
		assert.Contains(t, filepath.Base(file), time.Now().In(time.FixedZone("ICT", 7*3600)).Format("20060102"), "named with the office's date")
		d.Quit()
	})

	t.Run("a new machine: the backup restored through the dialog on an empty data folder", func(t *testing.T) {
		data2 := filepath.Join(root, "data-new")
		d2 := Start(t, home, data2)
		d2.WaitTitle("Thiết lập máy mới")
		d2.Shot("restore-firstrun")
		for range 12 {
			d2.Key("Tab")
		}
		d2.Key("space") // Khôi phục từ bản sao lưu
		d2.WaitTitle("Khôi phục")
		d2.Wait(400)
		d2.Shot("restore-screen")
		d2.Click(828, 283) // Chọn tệp…
		d2.Wait(800)
		d2.DoubleClick(368, 200) // the folder sao-luu, beside the printouts
		d2.Wait(600)
		d2.Shot("restore-dialog")
		d2.DoubleClick(368, 200) // the backup, the only .bak there
		d2.Wait(600)
		d2.Click(324, 431) // Tên đăng nhập
		d2.Type("canbo")
		d2.Key("Tab")
		d2.Type(Password)
		d2.Shot("restore-filled")
		d2.Click(830, 471) // Khôi phục
		d2.WaitTitle("Đăng nhập")
		d2.Wait(1000)
		d2.Shot("restore-login")
		d2.Key("Return") // the notice: restored, with the new device code
		d2.SignIn("canbo", Password)
		d2.WaitTitle("Trang chủ")
		d2.Wait(500)
		d2.Shot("restore-signed-in")
		d2.Quit()

		// What the screens said is in the stores: the restored one holds the day's work.
		for _, dir := range []string{data, data2} {
			code, out := CLI(t, dir, "canbo", "", "dossier", "list", "--json")
			require.Equal(t, 0, code, out)
			assert.Contains(t, out, "Nguyễn Thị Hồng Anh", dir)
			code, out = CLI(t, dir, "canbo", "", "person", "show", "001190012345", "--json")
			require.Equal(t, 0, code, out)
			assert.Equal(t, 3, strings.Count(out, `"by": "canbo"`), "three prints counted: the first, the reprint, the batch\n%s", out)
			assert.Contains(t, out, "Giấy kẹt trong máy in")
		}
	})
}
