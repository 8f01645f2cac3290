package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/internal/desktest"
)

// TestAParticipantsLifeInTheRealWindow: an office set up with the command line has one
// participant who paid a quarter from this month; in the real window the officer opens the person's book,
// changes the income from next month and saves the confirmation, records a refund on moving to
// compulsory insurance and saves its calculation, then prints list D05-TS of the month from
// the Reports tab as PDF and as a workbook — each read back, and the store read with the
// command line.
func TestAParticipantsLifeInTheRealWindow(t *testing.T) {
	root := t.TempDir()
	home, data := filepath.Join(root, "home"), filepath.Join(root, "data")
	_, _ = binaries(t)
	code, out := CLI(t, data, "quantri", "", "init", "--province", "01", "--commune", "00004", "--agency", "01001", "--admin", "quantri",
		"--name", "Bảo hiểm xã hội cơ sở Ba Đình", "--device", "K7", "--json")
	require.Equal(t, 0, code, out)
	code, out = CLI(t, data, "quantri", "", "user", "add", "canbo", "--role", "officer")
	require.Equal(t, 0, code, out)

	now := time.Now().In(time.FixedZone("ICT", 7*3600))
	month := now.Format("2006-01")
	const pid = "001190012345"
	form := fmt.Sprintf(`{"full_name": "Nguyễn Thị Hồng Anh", "gender": "female", "birth_date": "1990-03-15", "nationality": "VN",
		"ethnicity": "01", "personal_id": %q, "phone": "0912345678", "birth_registration": {"province": "01", "commune": "00004"},
		"address": {"province": "01", "commune": "00004", "detail": "Số 12 ngõ 34 phố Kim Mã"}, "income": 2500000, "method": "3-months",
		"start_month": %q, "support_group": "other"}`, pid, month)
	code, out = CLI(t, data, "canbo", form, "register", "-", "--json")
	require.Equal(t, 0, code, out)
	var reg struct {
		Payable int64 `json:"payable"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &reg), out)
	payable := reg.Payable
	require.Positive(t, payable)
	csv := "Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Ngày nộp,Từ tháng,Số tháng,Nhân viên thu\r\n" +
		fmt.Sprintf("BL-%s-000001,%s,Nguyễn Thị Hồng Anh,%d,%s,%s,3,Đại lý thu phường Ba Đình\r\n", now.Format("2006"), pid, payable,
			now.Format("02/01/2006"), now.Format("01/2006"))
	list := filepath.Join(root, "bang-ke.csv")
	require.NoError(t, os.WriteFile(list, []byte(csv), 0o600))
	code, out = CLI(t, data, "canbo", "", "voucher", "import", list)
	require.Equal(t, 0, code, out)

	d := Start(t, home, data)
	docs := filepath.Join(home, "Documents")
	d.WaitTitle("Đăng nhập")
	d.Wait(500)
	d.Type("canbo") // the first start: the cursor is in the user name
	d.Key("Tab")
	d.Type(Password)
	d.Key("Return")
	d.WaitTitle("Trang chủ", " · canbo")
	d.Key("ctrl+5")
	d.WaitTitle("Sổ & bìa")
	d.Wait(500)

	t.Run("the book: a change of income from next month, its confirmation saved", func(t *testing.T) {
		d.t = t
		d.Click(660, 134) // the personal ID field of the book
		d.Type(pid)
		d.Key("Return")
		d.Wait(800)
		d.Shot("life-book")
		d.Click(318, 326) // Điều chỉnh mức đóng…
		d.Wait(600)
		d.Shot("life-change-dialog")
		d.Key("ctrl+a") // the income, focused
		d.Type("3000000")
		d.Wait(300)
		d.Shot("life-change-filled")
		before := ListFiles(docs, ".pdf")
		d.Key("Return")
		d.Wait(900) // recorded; the save dialog, with the name proposed
		d.Shot("life-change-save")
		d.Key("Return")
		f := WaitNewFile(t, docs, ".pdf", before)
		assert.Contains(t, filepath.Base(f), "xac-nhan-dieu-chinh-"+pid)
		text := PDFText(t, f)
		assert.Contains(t, text, "XÁC NHẬN ĐIỀU CHỈNH MỨC ĐÓNG")
		assert.Contains(t, text, "NGUYỄN THỊ HỒNG ANH")
		assert.Contains(t, text, "3.000.000")
		d.Wait(300)
		d.Shot("life-change-saved")
	})

	t.Run("the book: a refund on moving to compulsory insurance, its calculation saved", func(t *testing.T) {
		d.t = t
		d.Click(876, 326) // Hoàn trả…
		d.Wait(600)
		d.Shot("life-refund-dialog")
		before := ListFiles(docs, ".pdf")
		d.Key("Return") // from this month, the quarter paid: Enter goes to "Ghi nhận hoàn trả"…
		d.Wait(300)
		d.Shot("life-refund-confirm")
		d.Key("Return") // …which records it
		d.Wait(900)
		d.Shot("life-refund-save")
		d.Key("Return")
		f := WaitNewFile(t, docs, ".pdf", before)
		assert.Contains(t, filepath.Base(f), "bang-tinh-hoan-tra-"+pid)
		text := PDFText(t, f)
		assert.Contains(t, text, "BẢNG TÍNH HOÀN TRẢ TIỀN ĐÓNG BHXH TỰ NGUYỆN")
		assert.Contains(t, text, "Chuyển sang tham gia BHXH bắt buộc")
		assert.Contains(t, text, "BL-"+now.Format("2006")+"-000001")
		d.Wait(300)
		d.Shot("life-refund-saved")
	})

	t.Run("the Reports tab: list D05-TS of the month printed", func(t *testing.T) {
		d.t = t
		d.Click(487, 95) // the tab "Báo cáo"
		d.Wait(500)
		d.Shot("life-reports")
		d.Click(600, 240) // the month
		d.Key("ctrl+a")
		d.Type(now.Format("01/2006"))
		before := ListFiles(docs, ".pdf")
		d.Click(428, 318) // Lưu D05-TS (PDF)
		d.Wait(900)
		d.Shot("life-d05-save")
		d.Key("Return")
		f := WaitNewFile(t, docs, ".pdf", before)
		text := PDFText(t, f)
		assert.Contains(t, text, "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN")
		assert.Contains(t, text, "Nguyễn Thị Hồng Anh")
		assert.True(t, strings.Contains(text, "D05-TS"), text)
		d.Shot("life-d05-saved")

		// The same list as a workbook (written row by row): the person's row, read back.
		beforeX := ListFiles(docs, ".xlsx")
		d.Click(260, 318) // Lưu D05-TS (Excel)
		d.Wait(900)
		d.Shot("life-d05-xlsx-save")
		d.Key("Return")
		all := desktest.SheetText(t, WaitNewFile(t, docs, ".xlsx", beforeX), "D05-TS")
		assert.Contains(t, all, "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN")
		assert.Contains(t, all, "Nguyễn Thị Hồng Anh")
		d.Shot("life-d05-xlsx-saved")
		d.Quit()
	})

	// What the window said is in the store.
	code, out = CLI(t, data, "canbo", "", "participant", "status", pid, "--json")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, `"income": 3000000`, "the change")
	assert.Contains(t, out, `"state": "left"`, "the refund")
	assert.Equal(t, 2, strings.Count(out, `"by": "canbo"`), "two decisions, by the officer\n%s", out)
}
