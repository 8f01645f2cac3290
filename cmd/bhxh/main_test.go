package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bhxhdesk/internal/testtmp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command line in-process with a fixed clock (2025-11-20 in Vietnam).
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		now:    func() time.Time { return time.Date(2025, 11, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)) },
		getenv: func(string) string { return "" },
	})
	return code, out.String(), errOut.String()
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m), s)
	return m
}

func TestCalcWorkedExample(t *testing.T) {
	code, out, _ := runCLI(t, "", "calc", "--income", "1500000", "--method", "monthly", "--group", "poor", "--month", "2025-09", "--json")
	require.Equal(t, 0, code)
	m := decode(t, out)
	assert.EqualValues(t, 165000, m["payable"])
	for _, k := range []string{"months", "gross", "state_support", "local_support", "discount", "payable", "deadline", "rules"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, "2025-09-30", m["deadline"])

	code, out, _ = runCLI(t, "", "calc", "--income", "1500000", "--method", "monthly", "--group", "poor", "--month", "2024-06", "--json")
	require.Equal(t, 0, code)
	assert.EqualValues(t, 231000, decode(t, out)["payable"])
}

func TestCalcExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"off-step income is refused by a rule", []string{"calc", "--income", "1520000", "--month", "2025-09"}, 1, "bước 50.000"},
		{"income above the ceiling is refused", []string{"calc", "--income", "50.000.000", "--month", "2025-09"}, 1, "mức tối đa 46.800.000"},
		{"unreadable income is a usage error", []string{"calc", "--income", "abc", "--month", "2025-09"}, 2, ""},
		{"missing income is a usage error", []string{"calc", "--month", "2025-09"}, 2, ""},
		{"bad month is a usage error", []string{"calc", "--income", "1500000", "--month", "2025-13"}, 2, ""},
		{"bad group is a usage error", []string{"calc", "--income", "1500000", "--group", "rich"}, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, ""},
		{"no command", []string{}, 2, ""},
		{
			"a method cap names the method field",
			[]string{"calc", "--income", "1500000", "--method", "missing:61", "--month", "2025-07"},
			1,
			"[16] Phương thức đóng: đóng cho thời gian còn thiếu tối đa 60 tháng.",
		},
		{
			"a month without rules names the month field",
			[]string{"calc", "--income", "1500000", "--month", "2015-06"},
			1,
			"Tháng bắt đầu đóng: chưa có quy định",
		},
		{
			"text output in Vietnamese",
			[]string{"calc", "--income", "1.500.000", "--group", "poor", "--month", "2025-09"},
			0,
			"Người tham gia phải nộp",
		},
		{
			"text output in English",
			[]string{"--lang", "en", "calc", "--income", "1500000", "--group", "poor", "--month", "2025-09"},
			0,
			"The participant pays",
		},
		{
			"reported rules print a warning",
			[]string{"calc", "--income", "1500000", "--method", "ahead:24", "--month", "2026-09", "--paid-on", "2026-09-01"},
			0,
			"chưa được xác nhận",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			if tt.want != "" {
				assert.Contains(t, out, tt.want)
			}
		})
	}
}

func TestCalcJSONErrorNamesTheField(t *testing.T) {
	code, out, _ := runCLI(t, "", "calc", "--income", "1400000", "--month", "2025-09", "--json")
	require.Equal(t, 1, code)
	m := decode(t, out)
	assert.Equal(t, false, m["valid"])
	e := m["errors"].([]any)[0].(map[string]any)
	assert.Equal(t, "income", e["field"])
	assert.Equal(t, "income_below_floor", e["code"])
	assert.Contains(t, e["message_vi"], "thấp hơn mức tối thiểu 1.500.000 ₫")
	assert.Contains(t, e["message_en"], "below the minimum")
}

const validJSON = `{
  "full_name": "Nguyễn Thị Hồng Ánh", "gender": "female", "birth_date": "1990-05-17", "nationality": "VN",
  "ethnicity": "01", "personal_id": "001190012345", "old_si_code": "", "phone": "0912345678", "email": "",
  "birth_registration": {"province": "01", "commune": "00004"},
  "address": {"province": "01", "commune": "00004", "detail": "Số 5 ngõ 12 phố Đội Cấn"},
  "income": 1500000, "method": "monthly", "start_month": "2026-01", "support_group": "other"}`

func TestValidate(t *testing.T) {
	code, out, _ := runCLI(t, validJSON, "validate", "--json")
	require.Equal(t, 0, code, out)
	assert.Equal(t, true, decode(t, out)["valid"])

	bad := strings.Replace(validJSON, `"001190012345"`, `"001090012345"`, 1)
	code, out, _ = runCLI(t, bad, "validate", "-", "--json")
	require.Equal(t, 1, code)
	m := decode(t, out)
	e := m["errors"].([]any)[0].(map[string]any)
	assert.Equal(t, "personal_id", e["field"])
	assert.Equal(t, "personal_id_sex", e["code"])

	dir := testtmp.Dir(t)
	file := filepath.Join(dir, "many.json")
	require.NoError(t, os.WriteFile(file, []byte("\xef\xbb\xbf["+validJSON+","+bad+"]"), 0o600))
	code, out, _ = runCLI(t, "", "validate", file, "--json")
	require.Equal(t, 1, code)
	var results []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &results))
	require.Len(t, results, 2)
	assert.Equal(t, true, results[0]["valid"])
	assert.Equal(t, false, results[1]["valid"])
	assert.EqualValues(t, 2, results[1]["index"], "records are numbered from 1, as people count")

	code, out, _ = runCLI(t, bad, "validate")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "[06] Số định danh cá nhân/CCCD: chữ số thứ 4 (0) không khớp giới tính đã khai (cần 1).")
}

func TestValidateUnreadableInput(t *testing.T) {
	code, _, _ := runCLI(t, "{not json", "validate", "--json")
	assert.Equal(t, 2, code)
	code, out, _ := runCLI(t, `{"full_nam": "x"}`, "validate")
	assert.Equal(t, 1, code, "a misspelt key is not silently ignored")
	assert.Contains(t, out, `"full_nam" không có trong tờ khai TK1-TS`)
	code, _, _ = runCLI(t, "", "validate", "/does/not/exist.json")
	assert.Equal(t, 2, code)
	for _, bad := range []string{"", "null", "[null]", "[]", validJSON + "}", validJSON + validJSON, "[" + validJSON + "]]"} {
		code, _, errOut := runCLI(t, bad, "validate")
		assert.Equal(t, 2, code, "input %.20q…", bad)
		assert.Contains(t, errOut, "Tệp không đọc được dưới dạng JSON")
	}
	_, _, errOut := runCLI(t, "", "validate")
	assert.Contains(t, errOut, "tệp rỗng", "the reason is in Vietnamese, not Go's EOF")

	// A wrong type in one record marks that record, not the whole file.
	wrongType := strings.Replace(validJSON, `"full_name": "Nguyễn Thị Hồng Ánh"`, `"full_name": 5`, 1)
	code, out, _ = runCLI(t, "["+validJSON+","+wrongType+"]", "validate", "--json")
	require.Equal(t, 1, code)
	var results []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &results))
	assert.Equal(t, true, results[0]["valid"])
	e := results[1]["errors"].([]any)[0].(map[string]any)
	assert.Equal(t, "full_name", e["field"])
	assert.Equal(t, "json_type", e["code"])
	assert.Contains(t, e["message_vi"], "[01] Họ và tên: giá trị sai kiểu dữ liệu")
}

func TestValidateSexDigitWithUnreadableBirthDate(t *testing.T) {
	bad := strings.Replace(strings.Replace(validJSON, `"001190012345"`, `"001090012345"`, 1), `"1990-05-17"`, `"xx"`, 1)
	code, out, _ := runCLI(t, bad, "validate")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "không khớp giới tính đã khai (cần 1)")
	assert.NotContains(t, out, "{")
}

func TestDeadline(t *testing.T) {
	code, out, _ := runCLI(t, "", "deadline", "--received", "2025-04-24T09:00:00+07:00", "--json")
	require.Equal(t, 0, code)
	m := decode(t, out)
	assert.Equal(t, "2025-05-05", m["due"])
	assert.Len(t, m["working_days"], 5)

	code, out, _ = runCLI(t, "", "deadline", "--received", "2025-04-24T09:00:00+07:00", "--days", "1")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "25/04/2025")

	code, _, _ = runCLI(t, "", "deadline", "--received", "24/04/2025")
	assert.Equal(t, 2, code)
	code, out, _ = runCLI(t, "", "deadline", "--received", "2029-04-24T09:00:00+07:00", "--json")
	assert.Equal(t, 1, code, "no calendar for 2029: refused, not guessed")
	assert.Contains(t, out, "calendar_missing")
	code, out, _ = runCLI(t, "", "deadline", "--received", "2027-12-28T09:00:00+07:00")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "chưa có lịch ngày nghỉ năm 2028", "names the year that is missing")

	code, out, _ = runCLI(t, "", "deadline", "--received", "2027-02-03T09:00:00+07:00")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Lịch ngày nghỉ năm 2027 là dự kiến")
	code, out, _ = runCLI(t, "", "deadline", "--received", "2027-02-03T09:00:00+07:00", "--json")
	require.Equal(t, 0, code)
	assert.Equal(t, []any{"calendar_projected:2027"}, decode(t, out)["warnings"])
}

func TestCalendarOverrideFolder(t *testing.T) {
	dir := testtmp.Dir(t)
	// An administrator publishes 2028 (test data).
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2028.json"), []byte(`{"year":2028,"status":"official","source":"test",
	 "off":[{"date":"2028-01-03","kind":"holiday","name_vi":"Nghỉ bù Tết Dương lịch","name_en":"Compensatory day"}],"workdays":[]}`), 0o600))
	code, out, _ := runCLI(t, "", "--rules", dir, "deadline", "--received", "2027-12-30T09:00:00+07:00", "--days", "2", "--json")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "2028-01-04", decode(t, out)["due"], "31/12 (1), 01/01 and 03/01 off, 04/01 (2)")
}

func TestRulesOverrideFolder(t *testing.T) {
	dir := testtmp.Dir(t)
	// An administrator confirms a higher poverty line from 2026-01 (a test value).
	require.NoError(t, os.WriteFile(filepath.Join(dir, "poverty_line.json"), []byte(`{"entries":[
	 {"from":"2016-01","value":700000,"source":"a","status":"confirmed"},
	 {"from":"2022-01","value":1500000,"source":"b","status":"confirmed"},
	 {"from":"2026-01","value":2000000,"source":"c","status":"confirmed"}]}`), 0o600))
	code, out, _ := runCLI(t, "", "--rules", dir, "calc", "--income", "1500000", "--month", "2026-02", "--json")
	assert.Equal(t, 1, code, out)
	code, _, _ = runCLI(t, "", "--rules", dir, "calc", "--income", "2000000", "--month", "2026-02", "--json")
	assert.Equal(t, 0, code)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "poverty_line.json"), []byte(`{"entries":[
	 {"from":"2016-01","to":"2021-06","value":700000,"source":"a","status":"confirmed"},
	 {"from":"2022-01","value":1500000,"source":"b","status":"confirmed"}]}`), 0o600))
	code, _, stderr := runCLI(t, "", "--rules", dir, "calc", "--income", "1500000", "--month", "2026-02")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "gap", "a gap in a table fails loudly")
}
