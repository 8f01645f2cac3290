package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{"text output in Vietnamese", []string{"calc", "--income", "1.500.000", "--group", "poor", "--month", "2025-09"}, 0, "Người tham gia phải nộp"},
		{"text output in English", []string{"--lang", "en", "calc", "--income", "1500000", "--group", "poor", "--month", "2025-09"}, 0, "The participant pays"},
		{"reported rules print a warning", []string{"calc", "--income", "1500000", "--month", "2026-09"}, 0, "chưa được xác nhận"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, out, tt.want)
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

	dir := t.TempDir()
	file := filepath.Join(dir, "many.json")
	require.NoError(t, os.WriteFile(file, []byte("\xef\xbb\xbf["+validJSON+","+bad+"]"), 0o600))
	code, out, _ = runCLI(t, "", "validate", file, "--json")
	require.Equal(t, 1, code)
	var results []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &results))
	require.Len(t, results, 2)
	assert.Equal(t, true, results[0]["valid"])
	assert.Equal(t, false, results[1]["valid"])
	assert.EqualValues(t, 1, results[1]["index"])

	code, out, _ = runCLI(t, bad, "validate")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "[06] Số định danh cá nhân/CCCD: chữ số thứ 4 (0) không khớp giới tính đã khai (cần 1).")
}

func TestValidateUnreadableInput(t *testing.T) {
	code, _, _ := runCLI(t, "{not json", "validate", "--json")
	assert.Equal(t, 2, code)
	code, _, _ = runCLI(t, `{"full_nam": "x"}`, "validate")
	assert.Equal(t, 2, code, "a misspelt key is not silently ignored")
	code, _, _ = runCLI(t, "", "validate", "/does/not/exist.json")
	assert.Equal(t, 2, code)
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
	assert.Equal(t, 2, code, "no calendar for 2029")
	assert.Contains(t, out, "calendar_missing")
}

func TestRulesOverrideFolder(t *testing.T) {
	dir := t.TempDir()
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
