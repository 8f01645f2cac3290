package sheet

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/unicode/norm"
)

func TestHeaderKeyMatchesVariants(t *testing.T) {
	for _, tc := range []struct {
		name, header, key string
	}{
		{"the Vietnamese header of DESIGN §4", "Số CCCD/ĐDCN", "personal_id"},
		{"upper case without marks", "SO CCCD/DDCN", "personal_id"},
		{"decomposed marks (NFD) and a no-break space", norm.NFD.String("Số\u00a0định danh"), "personal_id"},
		{"the old social-insurance code header", "Mã số BHXH", "personal_id"},
		{"a unit in parentheses", "Số tiền (đồng)", "amount"},
		{"a required-column star", "Ngày nộp tiền *", "paid_on"},
		{"the interchange key", "from_month", "from_month"},
		{"months paid", "Số tháng đóng", "months"},
		{"the agent instead of the collector", "Đại lý thu", "collector"},
		{"the person who collected", "Người thu", "collector"},
		{"old tone placement", "Họ và tên", "full_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, ok := byHeader[headerKey(tc.header)]
			if assert.True(t, ok, "header %q → %q not recognised", tc.header, headerKey(tc.header)) {
				assert.Equal(t, tc.key, columns[i].key)
			}
		})
	}
	for _, h := range []string{"Số tiền bằng chữ", "STT", "Ghi chú", "Số điện thoại", ""} {
		_, ok := byHeader[headerKey(h)]
		assert.False(t, ok, "%q is not a voucher column", h)
	}
}

func TestFormulaLike(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"=1+1", true},
		{"=HYPERLINK(\"http://x\",\"y\")", true},
		{"@SUM(A1:A2)", true},
		{"+cmd|' /C calc'!A0", true},
		{"-2+3", true},
		{"-264000", false},
		{"-264.000 đ", false},
		{"+264,000", false},
		{"-", false},
		{"Nguyễn Văn A", false},
		{"264000", false},
	} {
		assert.Equal(t, tc.want, formulaLike(tc.in), "%q", tc.in)
	}
}

func TestDateAndMonthTexts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"05/09/2025", "2025-09-05"},
		{"5/9/2025", "2025-09-05"},
		{"2025-09-05", "2025-09-05"},
		{"05-09-2025", "2025-09-05"},
		{"05.09.2025 10:30", "2025-09-05"},
		{"2025-09-05T00:00:00Z", "2025-09-05"},
		{"31/02/2025", "31/02/2025"}, // no such day: handed on as written
		{"05/09/25", "05/09/25"},     // two-digit year: not guessed
		{"hôm qua", "hôm qua"},
	} {
		assert.Equal(t, tc.want, dateText(cell{text: tc.in}), "paid_on %q", tc.in)
	}
	for _, tc := range []struct{ in, want string }{
		{"09/2025", "2025-09"},
		{"9/2025", "2025-09"},
		{"2025-09", "2025-09"},
		{"T9/2025", "2025-09"},
		{"t09/2025", "2025-09"},
		{"Tháng 9/2025", "2025-09"},
		{"tháng 9 năm 2025", "2025-09"},
		{"01/09/2025", "2025-09"},
		{"13/2025", "13/2025"},
		{"9", "9"},
	} {
		assert.Equal(t, tc.want, monthText(cell{text: tc.in}), "from_month %q", tc.in)
	}
	// Serial 45905 is 2025-09-05 in the 1900 date system.
	assert.Equal(t, "2025-09-05", dateText(cell{kind: dateCell, value: 45905}))
	assert.Equal(t, "2025-09", monthText(cell{kind: dateCell, value: 45901.5}))
	assert.Equal(t, "45905", dateText(cell{kind: numberCell, text: "45905", value: 45905}), "a number without a date format is not a date")
}

func TestAmountAndMonths(t *testing.T) {
	for _, tc := range []struct {
		c    cell
		want string
	}{
		{cell{text: "264.000"}, "264000"},
		{cell{text: "264,000"}, "264000"},
		{cell{text: "264 000 đ"}, "264000"},
		{cell{text: "264.000 VNĐ"}, "264000"},
		{cell{text: "264000₫"}, "264000"},
		{cell{text: "264.00"}, "264.00"},
		{cell{text: "hai trăm"}, "hai trăm"},
		{cell{kind: numberCell, text: "264000", value: 264000}, "264000"},
		{cell{kind: numberCell, text: "2.64E+5", value: 264000}, "264000"},
		{cell{kind: numberCell, text: "264000.5", value: 264000.5}, "264000.5"},
	} {
		assert.Equal(t, tc.want, amountText(tc.c), "%+v", tc.c)
	}
	for _, tc := range []struct {
		c    cell
		want int
		ok   bool
	}{
		{cell{text: "3"}, 3, true},
		{cell{text: "3 tháng"}, 3, true},
		{cell{text: ""}, 0, true},
		{cell{kind: numberCell, text: "12", value: 12}, 12, true},
		{cell{kind: numberCell, text: "1.5", value: 1.5}, 0, false},
		{cell{text: "ba"}, 0, false},
		{cell{text: "-1"}, 0, false},
	} {
		n, ok := monthsValue(tc.c)
		assert.Equal(t, tc.ok, ok, "%+v", tc.c)
		assert.Equal(t, tc.want, n, "%+v", tc.c)
	}
}

func TestIsDateCode(t *testing.T) {
	for code, want := range map[string]bool{
		"dd/mm/yyyy":              true,
		"mm/yyyy":                 true,
		"[$-42A]d mmmm yyyy":      true,
		`"Ngày "dd`:               true,
		"#,##0":                   false,
		`#,##0 "đ"`:               false,
		"hh:mm":                   false,
		`[Red]0;"day"`:            false,
		"000000000000":            false,
		`_("₫"* #,##0_);_(@_)`:    false,
		"General":                 false,
		"yyyy-mm-dd;@":            true,
		`\d0`:                     false,
		"mm:ss":                   false,
		"[h]:mm:ss":               false,
		"d-mmm-yy":                true,
		"m/d/yy h:mm":             true,
		`"year" 0`:                false,
		"[$-vi-VN]dddd, dd/mm/yy": true,
	} {
		assert.Equal(t, want, isDateCode(code), "%q", code)
	}
}
