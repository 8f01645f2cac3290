package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"bhxhdesk/app"
	"bhxhdesk/intake"
)

func init() {
	register(command{"workflow", "workflow  show [--json]\n" +
		"            adjust [--days STEP=N]… [--role STEP=ROLE]… --reason TEXT [--json]   (administrator, where the province allows)\n" +
		"            reset --reason TEXT [--json]", (*cli).workflow})
}

// workflowView is the JSON answer of the workflow commands.
type workflowView struct {
	ID              string                  `json:"id"`
	Province        string                  `json:"province"`
	OfficeMayAdjust bool                    `json:"office_may_adjust"`
	Days            int                     `json:"days"`
	Steps           []app.Step              `json:"steps"`
	Adjustment      *app.WorkflowAdjustment `json:"adjustment,omitempty"`
	SetAside        bool                    `json:"adjustment_set_aside,omitempty"`
}

func (c *cli) workflow(args []string) int {
	if len(args) == 0 {
		return c.usageError("workflow: show | adjust | reset")
	}
	fset := c.flagSet("workflow " + args[0])
	asJSON := fset.Bool("json", false, "print JSON")
	var days, roles stringList
	reason := ""
	switch args[0] {
	case "show":
	case "adjust":
		fset.Var(&days, "days", "STEP=N: the step's working days (repeatable)")
		fset.Var(&roles, "role", "STEP=ROLE: helpdesk, officer or supervisor (repeatable)")
		fallthrough
	case "reset":
		fset.StringVar(&reason, "reason", "", "the basis: a decision number or the reason")
	default:
		return c.usageError("workflow: %q: show | adjust | reset", args[0])
	}
	if pos, err := parseInterspersed(fset, args[1:]); err != nil || len(pos) > 0 {
		return c.usageError("workflow %s: %v", args[0], firstErr(err, pos))
	}
	req := intake.AdjustWorkflowRequest{Reason: reason, Days: map[string]int{}, Roles: map[string]app.Role{}}
	for _, d := range days {
		step, n, ok := strings.Cut(d, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return c.usageError("workflow adjust: --days %q: STEP=N", d)
		}
		req.Days[step] = v
	}
	for _, r := range roles {
		step, role, ok := strings.Cut(r, "=")
		if !ok {
			return c.usageError("workflow adjust: --role %q: STEP=ROLE", r)
		}
		req.Roles[step] = app.Role(role)
	}
	if args[0] == "adjust" && len(days)+len(roles) == 0 {
		return c.usageError(
			"workflow adjust: thiếu --days hoặc --role / give --days or --role (workflow reset: về quy trình của tỉnh / back to the province's)",
		)
	}
	d, sess, code := c.signIn()
	if d == nil {
		return code
	}
	var (
		wf  *app.Workflow
		err error
	)
	if args[0] == "show" {
		wf, err = d.Intake.OfficeWorkflow(sess)
	} else {
		wf, err = d.Intake.AdjustWorkflow(sess, req)
	}
	if err != nil {
		return c.closeDesk(d, c.refusal(err, *asJSON))
	}
	base := d.Intake.Ref.Get().Workflows.For(sess.Office.Province)
	setAside := wf.SetAside != nil
	if *asJSON {
		id := wf.Province
		if id == "" {
			id = "default"
		}
		return c.closeDesk(d, c.writeJSON(workflowView{ID: id + "@" + wf.Version, Province: wf.Province, OfficeMayAdjust: base.OfficeMayAdjust,
			Days: wf.Days(), Steps: wf.Steps, Adjustment: wf.Adjustment, SetAside: setAside}))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for i, st := range wf.Steps {
		fmt.Fprintf(
			tw,
			"%d\t%s\t%s\t%s\t%s\n",
			i+1,
			st.ID,
			st.Name(c.lang),
			c.t("role."+string(st.Role)),
			c.t("ui.admin.days", "days", strconv.Itoa(st.Days)),
		)
	}
	code = flushCode(tw.Flush())
	fmt.Fprintln(c.stdout, c.t("ui.admin.total_days")+": "+c.t("ui.admin.days", "days", strconv.Itoa(wf.Days())))
	if a := wf.Adjustment; a != nil {
		fmt.Fprintln(
			c.stdout,
			c.t(
				"ui.admin.workflow_adjusted",
			)+": "+c.t(
				"ui.admin.workflow_adjusted_value",
				"reason",
				a.Reason,
				"user",
				a.By,
				"time",
				a.At.Format("15:04 02/01/2006"),
			),
		)
	}
	if setAside {
		fmt.Fprintln(c.stdout, c.t("ui.admin.workflow_set_aside"))
	}
	return c.closeDesk(d, code)
}
