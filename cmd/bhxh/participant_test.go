package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/testtmp"
)

// TestAParticipantsLifeFromTheCommandLine: on the sample office (the collection agent's
// vouchers of 09/2025, today 05/01/2026), a change of income is refused mid-period and
// recorded from the next month with its first payment; a refund on moving to compulsory
// insurance gives back the unused month net of support, printed; the person's standing and
// the benefits say what the desk knows and what it cannot; a bad input names its field and
// changes nothing.
func TestAParticipantsLifeFromTheCommandLine(t *testing.T) {
	o := newOffice(t)
	o.staff("canbo")
	people, err := os.ReadFile("../../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	code, _, errOut := o.run(string(people), "register", "--received", "2025-09-01T08:00:00+07:00", "--json")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = o.run("", "voucher", "import", "../../sheet/testdata/vouchers-sample.csv", "--json")
	require.Equal(t, 1, code, errOut)
	dir := testtmp.Dir(t)

	// Lê Hữu Minh paid 09/2025 monthly: suspended by 05/01/2026 (10/2025 unpaid by 31/10).
	code, out, errOut := o.run("", "participant", "status", "070066237886", "--json")
	require.Equal(t, 0, code, errOut)
	var st struct {
		Standing app.Standing `json:"standing"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	assert.Equal(t, app.StandingSuspended, st.Standing.State)
	assert.Equal(t, app.MonthOf(2025, 9), st.Standing.PaidTo)

	// Who missed a deadline: three of the sample's four paid 09/2025 monthly and are suspended;
	// Phạm Ngọc Thịnh paid 09–11/2025 and may pay the next quarter until 28/02/2026.
	code, out, errOut = o.run("", "participant", "list", "--state", "suspended", "--json")
	require.Equal(t, 0, code, errOut)
	var rows []struct {
		PersonalID string       `json:"personal_id"`
		Standing   app.Standing `json:"standing"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 3)
	assert.Equal(t, "070066237886", rows[0].PersonalID, "same deadline (31/10/2025): by name")
	code, out, errOut = o.run("", "participant", "list", "--state", "due")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "PHẠM NGỌC THỊNH")
	assert.Contains(t, out, "chậm nhất ngày 28/02/2026")
	assert.Contains(t, out, "1 người.")
	code, out, _ = o.run("", "participant", "list", "--state", "late", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"field": "state"`)

	// Mid-period (or for a month gone by): refused, with the field and the months.
	code, _, errOut = o.run("", "participant", "change", "095091931625", "--income", "2000000", "--method", "3-months", "--from", "2025-11")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "đã đóng đến tháng 11/2025")
	assert.Contains(t, errOut, "chọn từ tháng 12/2025")
	code, out, _ = o.run("", "participant", "change", "070066237886", "--income", "abc", "--method", "3-months", "--from", "2026-01", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"field": "income"`)

	// From 01/2026: 3 × (22 % × 2,000,000 − 20 % × 22 % × 1,500,000) = 3 × (440,000 − 66,000).
	confirm := filepath.Join(dir, "dieu-chinh.pdf")
	code, out, errOut = o.run("", "participant", "change", "070066237886", "--income", "2000000", "--method", "3-months", "--from", "2026-01",
		"--out", confirm)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "1.122.000")
	assert.Contains(t, out, "31/03/2026", "the quarter's last day to pay")
	text := pdfText(t, confirm)
	assert.Contains(t, text, "XÁC NHẬN ĐIỀU CHỈNH MỨC ĐÓNG")
	assert.Contains(t, text, "LÊ HỮU MINH")
	assert.Contains(t, text, "2.000.000")
	assert.Contains(t, text, "1.122.000")
	code, out, errOut = o.run("", "person", "show", "070066237886", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"income": 2000000`)
	assert.Contains(t, out, `"method": "3-months"`)

	// Phạm Ngọc Thịnh paid 09–11/2025 (3 months); moved to compulsory insurance from 11/2025:
	// 1 month × (330,000 − 66,000) = 264,000 refunded, the month's support given back.
	refund := filepath.Join(dir, "hoan-tra.pdf")
	code, out, errOut = o.run("", "participant", "refund", "095091931625", "--reason", "compulsory", "--from", "2025-11", "--out", refund,
		"--json")
	require.Equal(t, 0, code, errOut)
	var res struct {
		Event struct {
			Refund struct {
				Amount       int64 `json:"amount"`
				StateSupport int64 `json:"state_support"`
				Months       int   `json:"months"`
			} `json:"refund"`
		} `json:"event"`
		Standing app.Standing `json:"standing"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, int64(264_000), res.Event.Refund.Amount)
	assert.Equal(t, int64(66_000), res.Event.Refund.StateSupport)
	assert.Equal(t, 1, res.Event.Refund.Months)
	assert.Equal(t, app.StandingLeft, res.Standing.State)
	text = pdfText(t, refund)
	assert.Contains(t, text, "BẢNG TÍNH HOÀN TRẢ TIỀN ĐÓNG BHXH TỰ NGUYỆN")
	assert.Contains(t, text, "Chuyển sang tham gia BHXH bắt buộc")
	assert.Contains(t, text, "264.000")
	assert.Contains(t, text, "Nghị định 159/2025/NĐ-CP Điều 8")
	// Once refunded, the person has left: a second refund or a change is refused.
	code, _, errOut = o.run("", "participant", "refund", "095091931625", "--reason", "death", "--from", "2025-11")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "đăng ký lại")

	// List D05-TS of the month the refund was decided (01/2026) lists it as a decrease.
	code, out, errOut = o.run("", "report", "d05", "--month", "2026-01", "--out", filepath.Join(dir, "d05.pdf"), "--json")
	require.Equal(t, 0, code, errOut)
	var l app.D05List
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	require.Len(t, l.Decreases, 1)
	assert.Equal(t, app.Money(-264_000), l.Decreases[0].Paid)
	assert.Equal(t, -1, l.Decreases[0].Months)
	assert.Equal(t, app.ReasonCompulsory, l.Decreases[0].Refund)
	text = pdfText(t, filepath.Join(dir, "d05.pdf"))
	assert.Contains(t, text, "II Giảm II.1 Người tham gia 1 Phạm Ngọc")
	assert.Contains(t, text, "Cộng giảm -330.000 -264.000 -66.000")

	// Evidence is for the poor, near-poor and the province's own groups only.
	code, out, _ = o.run("", "participant", "evidence", "070066237886", "--group", "other", "--year", "2026", "--ref", "x", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"field": "group"`)

	// What the desk can tell, and that it has no history from the centre.
	code, out, errOut = o.run("", "participant", "benefits", "070066237886", "--out", filepath.Join(dir, "che-do.pdf"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Trợ cấp thai sản")
	assert.Contains(t, out, "Chưa được: chỉ đóng từ tháng liền kề trước khi đến tuổi nghỉ hưu (tháng 12/2027)",
		"a man born 03/1966 reaches 61 years 9 months in 12/2027")
	text = pdfText(t, filepath.Join(dir, "che-do.pdf"))
	assert.Contains(t, text, "THÔNG TIN CHẾ ĐỘ BHXH TỰ NGUYỆN")
	assert.Contains(t, text, "Điều 102")
	assert.Contains(t, text, "Chưa có quá trình đóng từ cơ sở dữ liệu trung tâm")

	code, out, errOut = o.run("", "participant", "status", "095091931625")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Đã dừng tham gia từ tháng 11/2025")
	assert.Contains(t, out, "Hoàn trả")
}

// TestOtherSupportIsRecordedApart: a union pays 100,000 of a participant's 264,000 for 09/2025
// (hỗ trợ khác): the agent's list has a column for it; the voucher matches with the two
// together, the period and list D05-TS keep it apart from the state's and the province's
// support, and a payment that with it exceeds what is due is set aside naming the total.
func TestOtherSupportIsRecordedApart(t *testing.T) {
	o := newOffice(t)
	o.staff("canbo")
	people, err := os.ReadFile("../../sheet/testdata/vouchers-sample-people.json")
	require.NoError(t, err)
	code, _, errOut := o.run(string(people), "register", "--received", "2025-09-01T08:00:00+07:00", "--json")
	require.Equal(t, 0, code, errOut)
	dir := testtmp.Dir(t)
	list := filepath.Join(dir, "bang-ke.csv")
	require.NoError(t, os.WriteFile(list, []byte("Số biên lai,Số CCCD/ĐDCN,Họ và tên,Số tiền,Hỗ trợ khác (đồng),Ngày nộp,Từ tháng,Số tháng\r\n"+
		"BL-1,070066237886,Lê Hữu Minh,164.000,100.000,05/09/2025,09/2025,1\r\n"+
		"BL-2,025068077389,Nguyễn Văn Lộc,264.000,100.000,05/09/2025,09/2025,1\r\n"), 0o600))
	code, out, _ := o.run("", "voucher", "import", list)
	assert.Equal(t, 1, code, "one set aside")
	assert.Contains(t, out, "nộp 364.000 ₫, thừa so với số phải nộp 264.000 ₫")

	code, out, errOut = o.run("", "person", "show", "070066237886", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"other_support": 100000`)
	assert.Contains(t, out, `"paid": 164000`)

	code, out, errOut = o.run("", "report", "d05", "--month", "2025-09", "--out", filepath.Join(dir, "d05.xlsx"), "--json")
	require.Equal(t, 0, code, errOut)
	var l app.D05List
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	require.Len(t, l.Increases, 1)
	r := l.Increases[0]
	assert.Equal(t, app.Money(100_000), r.OtherSupport)
	assert.Equal(t, app.Money(164_000), r.Paid)
	assert.Equal(t, app.Money(66_000), r.StateSupport, "the state's support is unchanged by it")
}
