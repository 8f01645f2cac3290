package intake_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/intake"
	"bhxhdesk/internal/desktest"
)

func TestAnAdministratorAdjustsTheWorkflowWhereTheProvinceAllows(t *testing.T) {
	d := newDesk(t)
	helpdesk := d.Login(t, "motcua")
	before, err := d.Intake.Register(helpdesk, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)

	// Only the administrator adjusts.
	req := intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1, "finance": 2}, Roles: map[string]app.Role{"return": app.Officer},
		Reason: "Quyết định 12/QĐ-BHXH của Giám đốc BHXH cơ sở"}
	for _, user := range []string{"motcua", "canbo", "truongphong"} {
		_, err := d.Intake.AdjustWorkflow(d.Login(t, user), req)
		assert.Equal(t, app.Forbidden, app.KindOf(err), user)
	}

	// What is refused leaves the workflow as it was, with the field named.
	for _, c := range []struct {
		req         intake.AdjustWorkflowRequest
		field, code string
	}{
		{intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1}}, "reason", "required"},
		{intake.AdjustWorkflowRequest{Days: map[string]int{"check": 4}, Reason: "x"}, "", "workflow_over_total"},
		{intake.AdjustWorkflowRequest{Days: map[string]int{"check": -1}, Reason: "x"}, "days", "workflow_step_days"},
		{intake.AdjustWorkflowRequest{Days: map[string]int{"archive": 1}, Reason: "x"}, "step", "workflow_unknown_step"},
		{intake.AdjustWorkflowRequest{Roles: map[string]app.Role{"check": app.Admin}, Reason: "x"}, "role", "workflow_step_role"},
		{intake.AdjustWorkflowRequest{Roles: map[string]app.Role{"check": "boss"}, Reason: "x"}, "role", "workflow_step_role"},
		{intake.AdjustWorkflowRequest{Roles: map[string]app.Role{"check": "ADMIN"}, Reason: "x"}, "role", "workflow_step_role"},
		{intake.AdjustWorkflowRequest{Days: map[string]int{"check": 0, "finance": 0, "book": 0, "return": 0}, Reason: "x"}, "",
			"workflow_no_days"},
	} {
		_, err := d.Intake.AdjustWorkflow(d.Admin, c.req)
		var e *app.Error
		require.ErrorAs(t, err, &e, c.code)
		assert.Equal(t, app.Invalid, e.Kind, c.code)
		assert.Equal(t, c.code, e.Code)
		assert.Equal(t, c.field, e.Field, c.code)
	}
	wf, err := d.Intake.OfficeWorkflow(helpdesk)
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment)

	wf, err = d.Intake.AdjustWorkflow(d.Admin, req)
	require.NoError(t, err)
	require.NotNil(t, wf.Adjustment)
	assert.Equal(t, []int{1, 2, 1, 1}, []int{wf.Steps[0].Days, wf.Steps[1].Days, wf.Steps[2].Days, wf.Steps[3].Days})
	assert.Equal(t, app.Officer, wf.Steps[3].Role)
	assert.Equal(t, "payment", wf.Steps[1].Completes, "what completes a step stays the province's")
	assert.Equal(t, 5, wf.Days())

	// New dossiers follow it (a session opened before the change too); the one received before
	// keeps its steps.
	after, err := d.Intake.Register(helpdesk, intake.RegisterRequest{Form: otherPerson()})
	require.NoError(t, err)
	assert.Equal(t, calendar.Of(2026, 1, 6), after.Dossier.StepDue, "the check step now takes 1 day")
	assert.Equal(t, calendar.Of(2026, 1, 10), after.Dossier.Due, "the total is still 5 working days")
	assert.Equal(t, app.Officer, after.Dossier.Steps[3].Role)
	assert.Contains(t, after.Dossier.Workflow, "default@2025-07-01+01001.")
	old, err := d.Intake.Dossier(helpdesk, before.Dossier.Code)
	require.NoError(t, err)
	assert.Equal(t, 2, old.Steps[0].Days)
	assert.Equal(t, "default@2025-07-01", old.Workflow)

	// It survives a reopen, and is in the audit log with the reason.
	require.NoError(t, d.Close())
	d2 := desktest.Reopen(t, d)
	wf, err = d2.Intake.OfficeWorkflow(d2.Login(t, "canbo"))
	require.NoError(t, err)
	require.NotNil(t, wf.Adjustment)
	assert.Equal(t, "admin", wf.Adjustment.By)
	var found bool
	for _, e := range auditEntries(t, d2) {
		if e.Action == "workflow.adjust" {
			found = true
			assert.Equal(t, "check.days=1,finance.days=2,return.role=officer; Quyết định 12/QĐ-BHXH của Giám đốc BHXH cơ sở", e.Detail)
		}
	}
	assert.True(t, found)

	// A role as typed is stored as the role's name.
	wf, err = d2.Intake.AdjustWorkflow(
		d2.Login(t, "admin"),
		intake.AdjustWorkflowRequest{Roles: map[string]app.Role{"book": " Supervisor "}, Reason: "QĐ 13"},
	)
	require.NoError(t, err)
	assert.Equal(t, app.Supervisor, wf.Steps[2].Role)
	assert.Equal(t, map[string]app.Role{"book": app.Supervisor}, wf.Adjustment.Roles)

	// Back to the province's: an adjustment equal to it is no adjustment.
	admin2 := d2.Login(t, "admin")
	wf, err = d2.Intake.AdjustWorkflow(admin2, intake.AdjustWorkflowRequest{Reason: "Trở lại quy trình của tỉnh"})
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment)
	assert.Equal(t, "2025-07-01", wf.Version)
}

func TestAWorkflowAdjustmentNeedsTheProvincesLeaveAndItsCurrentVersion(t *testing.T) {
	d := newDesk(t)
	_, err := d.Intake.AdjustWorkflow(d.Admin, intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1, "book": 2}, Reason: "QĐ 1"})
	require.NoError(t, err)

	// The province publishes a new version: the office's adjustment is set aside, not applied
	// to steps it was not made for.
	newer := fstest.MapFS{
		"workflows/default.json": {Data: []byte(`{"province":"","version":"2027-01-01","source":"test","office_may_adjust":true,
		"steps":[{"id":"check","name_vi":"Kiểm tra","role":"officer","days":3},{"id":"return","name_vi":"Trả kết quả","role":"helpdesk",
			"days":2}]}`)},
	}
	wfs, err := app.LoadWorkflows(assets.FS, "workflows", newer)
	require.NoError(t, err)
	setWorkflows(d.Intake, wfs)
	s := d.Login(t, "motcua")
	wf, err := d.Intake.OfficeWorkflow(s)
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment)
	assert.Equal(t, 3, wf.Steps[0].Days)
	assert.NotNil(t, wf.SetAside, "the adjustment is kept, set aside")

	// A province that does not allow it: refused, and any earlier adjustment no longer applies.
	fixed := fstest.MapFS{"workflows/default.json": {Data: []byte(`{"province":"","version":"2025-07-01","source":"test",
		"steps":[{"id":"check","name_vi":"Kiểm tra","role":"officer","days":2},
		{"id":"finance","name_vi":"Kế toán","role":"officer","days":1,"completes":"payment"},
		{"id":"book","name_vi":"Cấp sổ","role":"officer","days":1,"completes":"cover"},{"id":"return","name_vi":"Trả kết quả",
			"role":"helpdesk","days":1}]}`)}}
	wfs, err = app.LoadWorkflows(assets.FS, "workflows", fixed)
	require.NoError(t, err)
	setWorkflows(d.Intake, wfs)
	_, err = d.Intake.AdjustWorkflow(d.Admin, intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1}, Reason: "QĐ 2"})
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	// Clearing the set-aside adjustment is always allowed.
	wf, err = d.Intake.AdjustWorkflow(d.Admin, intake.AdjustWorkflowRequest{Reason: "Tỉnh không cho điều chỉnh"})
	require.NoError(t, err)
	assert.Nil(t, wf.SetAside)
	assert.Nil(t, wf.Adjustment)
	res, err := d.Intake.Register(s, intake.RegisterRequest{Form: validForm()})
	require.NoError(t, err)
	assert.Equal(t, calendar.Of(2026, 1, 7), res.Dossier.StepDue, "the province's 2 days for the check step")
}

// setWorkflows puts the provinces' workflows wfs in force, as a sync that brought them would.
func setWorkflows(s *intake.Service, wfs *app.Workflows) {
	r := *s.Ref.Get()
	r.Workflows = wfs
	s.Ref.Set(&r)
}
