package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkflowAdjustThroughTheCommandLine(t *testing.T) {
	o := newOffice(t)

	o.staff("canbo")
	code, out, errOut := o.run("", "workflow", "show")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Kiểm tra, nhập dữ liệu hồ sơ (Tổ quản lý thu)")
	assert.Contains(t, out, "Thời hạn giải quyết: 5 ngày làm việc")
	code, out, _ = o.run("", "workflow", "adjust", "--days", "check=1", "--reason", "QĐ 12", "--json")
	assert.Equal(t, 1, code, "an officer does not adjust")
	assert.Contains(t, out, "not_permitted")

	o.as("quantri", adminPass)
	code, out, _ = o.run("", "workflow", "adjust", "--days", "check=4", "--reason", "QĐ 12", "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "workflow_over_total")
	code, _, errOut = o.run("", "workflow", "adjust", "--days", "check", "--reason", "QĐ 12")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "STEP=N")
	code, out, errOut = o.run("", "workflow", "adjust", "--days", "check=1", "--days", "finance=2", "--role", "return=officer",
		"--reason", "Quyết định 12/QĐ-BHXH", "--json")
	require.Equal(t, 0, code, errOut+out)
	m := decode(t, out)
	assert.EqualValues(t, 5, m["days"])
	assert.Equal(t, true, m["office_may_adjust"])
	assert.Regexp(t, `^default@2025-07-01\+01001\.`, m["id"])
	adj := m["adjustment"].(map[string]any)
	assert.Equal(t, map[string]any{"check": 1.0, "finance": 2.0}, adj["days"])
	assert.Equal(t, "quantri", adj["by"])

	// The next registration follows it.
	o.staff("motcua")
	code, out, errOut = o.run(anh, "register", "-", "--json")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "2026-01-06", decode(t, out)["step_due"], "the check step now takes 1 working day")

	o.as("quantri", adminPass)
	code, out, errOut = o.run("", "workflow", "reset", "--reason", "Trở lại quy trình của tỉnh")
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, "Điều chỉnh của đơn vị")
	code, out, _ = o.run("", "audit", "verify", "--json")
	assert.Equal(t, 0, code, out)
}
