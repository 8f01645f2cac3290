package sync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/central"
	"bhxhdesk/intake"
)

// TestAWorkflowAdjustmentReachesTheOfficesOtherDesks: two desks of one office; the
// administrator adjusts the workflow on the first; after both sync, the second follows it (its
// next dossier gets the adjusted step days), holds a notice naming the desk that made it, and a
// desk that re-downloads its office from the centre gets it too. Going back to the province's
// workflow travels the same way. Another office is not touched.
func TestAWorkflowAdjustmentReachesTheOfficesOtherDesks(t *testing.T) {
	c := newCentre(t, nil)
	a, b := newOffice(t, "01001", "01", "00004", "K7"), newOffice(t, "01001", "01", "00004", "K8")
	other := newOffice(t, "48001", "48", "20194", "D1")
	enrolAs := func(o *office, device string) *office {
		tok := c.Enroll(t, o.agency, device)
		o.token = tok
		require.NoError(t, o.Sync.SetCentral(o.login(t, "admin"), c.Server.URL, tok))
		return o
	}
	enrolAs(a, "k7")
	enrolAs(b, "k8")
	enrolAs(other, "d1")
	sync := func(o *office) {
		t.Helper()
		_, _, err := converge(o.engine(t, c.Server.URL, 100, 0), 5)
		require.NoError(t, err)
	}

	_, err := a.Intake.AdjustWorkflow(a.login(t, "admin"), intake.AdjustWorkflowRequest{Days: map[string]int{"check": 1, "finance": 2},
		Roles: map[string]app.Role{"return": app.Officer}, Reason: "Quyết định 12/QĐ-BHXH"})
	require.NoError(t, err)
	sync(a)
	sync(b)
	sync(other)

	wf, err := b.Intake.OfficeWorkflow(b.helpdesk)
	require.NoError(t, err)
	require.NotNil(t, wf.Adjustment, "the second desk follows the first's adjustment")
	assert.Equal(t, "Quyết định 12/QĐ-BHXH", wf.Adjustment.Reason)
	dos := b.register(t, 7, 1)[0]
	assert.Equal(t, calendar.Of(2026, 1, 6), dos.StepDue, "the check step takes 1 day at the second desk too")
	assert.Equal(t, app.Officer, dos.Steps[3].Role)
	notices, err := b.Sync.Notices(b.super, true)
	require.NoError(t, err)
	var seen bool
	for _, n := range notices {
		if n.Kind == "workflow_adjusted" {
			seen = true
			assert.Equal(t, "workflow_adjusted_elsewhere", n.Reason)
			assert.Equal(t, "K7", n.Args["device"])
		}
	}
	assert.True(t, seen, "the second desk is told")
	notices, err = a.Sync.Notices(a.super, true)
	require.NoError(t, err)
	for _, n := range notices {
		assert.NotEqual(t, "workflow_adjusted", n.Kind, "the desk that made it is not told of its own change")
	}
	wf, err = other.Intake.OfficeWorkflow(other.helpdesk)
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment, "another office keeps the province's workflow")

	// The centre holds it for a desk that re-downloads its office.
	remote, err := central.NewClient(central.ClientConfig{BaseURL: c.Server.URL, Token: b.token})
	require.NoError(t, err)
	st, err := remote.OfficeState(context.Background())
	require.NoError(t, err)
	require.NotNil(t, st.Workflow)
	assert.Equal(t, map[string]int{"check": 1, "finance": 2}, st.Workflow.Days)
	fresh := newOffice(t, "01001", "01", "00004", "K9")
	_, err = fresh.Sync.Redownload(fresh.login(t, "admin"), st)
	require.NoError(t, err)
	wf, err = fresh.Intake.OfficeWorkflow(fresh.helpdesk)
	require.NoError(t, err)
	require.NotNil(t, wf.Adjustment, "a desk rebuilt from the centre keeps the office's adjustment")

	// Back to the province's, from the second desk this time.
	_, err = b.Intake.AdjustWorkflow(b.login(t, "admin"), intake.AdjustWorkflowRequest{Reason: "Trở lại quy trình của tỉnh"})
	require.NoError(t, err)
	sync(b)
	sync(a)
	wf, err = a.Intake.OfficeWorkflow(a.helpdesk)
	require.NoError(t, err)
	assert.Nil(t, wf.Adjustment)
	assert.Nil(t, wf.SetAside)
}
