package intake

import (
	"errors"
	"strconv"

	"bhxhdesk/app"
)

// AdjustWorkflowRequest sets the office's days and roles for the steps of its province's
// workflow. Steps not named keep the province's values; an empty request (no days, no roles)
// goes back to the province's workflow.
type AdjustWorkflowRequest struct {
	Days   map[string]int      `json:"days,omitempty"`
	Roles  map[string]app.Role `json:"roles,omitempty"`
	Reason string              `json:"reason"`
}

// OfficeWorkflow is the workflow the signed-in office works by (its province's, adjusted if the
// office has done so) and whether the administrator may adjust it.
func (s *Service) OfficeWorkflow(sess *app.Session) (*app.Workflow, error) {
	if err := sess.Require(app.PermView); err != nil {
		return nil, err
	}
	o, err := s.office()
	if err != nil {
		return nil, err
	}
	return s.Ref.Get().Workflows.ForOffice(o), nil
}

// office reads the office profile as stored (a session's copy may predate an adjustment).
func (s *Service) office() (app.Office, error) {
	var o app.Office
	err := s.Store.View(func(tx Tx) (err error) { o, err = officeOf(tx); return err })
	return o, err
}

// officeOf reads the office profile; a store without one has lost data (store_damaged, which
// leads the desk to the restore path).
func officeOf(tx Tx) (app.Office, error) {
	o, ok, err := tx.Office()
	if err == nil && !ok {
		err = &app.Error{Kind: app.Internal, Code: app.CodeStoreDamaged, Err: errors.New("no office profile")}
	}
	return o, err
}

// AdjustWorkflow records the office's own days and roles for its province's steps, where the
// province allows it (Workflow.OfficeMayAdjust). The steps, their order and what completes them
// stay the province's; the total may not pass the province's (the statutory time). Dossiers
// already received keep the steps they were received with; new ones follow the adjustment.
// The change, its audit entry and the operation that takes it to the office's other desks are
// written in one transaction. The session's copy of the office is left alone (a screen updates
// it on its own thread); Register reads the stored office.
func (s *Service) AdjustWorkflow(sess *app.Session, req AdjustWorkflowRequest) (*app.Workflow, error) {
	if err := sess.Require(app.PermWorkflow); err != nil {
		return nil, err
	}
	req.Reason = app.NormalizeText(req.Reason)
	if req.Reason == "" {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeRequired, Field: "reason"}
	}
	var adjusted *app.Workflow
	err := s.Store.Update(func(tx Tx) error {
		o, err := officeOf(tx)
		if err != nil {
			return err
		}
		base := s.Ref.Get().Workflows.For(o.Province)
		reset := len(req.Days) == 0 && len(req.Roles) == 0
		var a *app.WorkflowAdjustment
		switch {
		case reset:
			// Going back to the province's workflow is always allowed: it also clears an
			// adjustment set aside by a new version or a province that no longer allows one.
		case !base.OfficeMayAdjust:
			return app.Errorf(app.Forbidden, app.CodeWorkflowNotAdjustable, "province", o.Province)
		default:
			if a, err = checkAdjustment(base, req); err != nil {
				return err
			}
		}
		now := s.Now.Time()
		if a != nil {
			a.Reason, a.By, a.At = req.Reason, sess.User.Name, app.Stamp(now)
		}
		o.Workflow = a
		if err := tx.PutOffice(o); err != nil {
			return err
		}
		if err := tx.Audit(app.AuditEntry{User: sess.User.Name, Action: "workflow.adjust", Entity: o.Agency,
			Detail: a.Summary() + "; " + req.Reason, At: now}); err != nil {
			return err
		}
		// The office's other desks take it from the centre (ChangeOfficeWorkflow).
		change := app.OfficeWorkflowPayload.To(app.OfficeWorkflowChange{Adjustment: a, Device: o.Device})
		if err := app.Enqueue(tx, app.OpOfficeWorkflow, o.Agency, 0, change, now); err != nil {
			return err
		}
		adjusted = s.Ref.Get().Workflows.ForOffice(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return adjusted, nil
}

// checkAdjustment validates a request against the province's workflow and returns the
// adjustment to store: nil when nothing differs from the province's.
func checkAdjustment(base *app.Workflow, req AdjustWorkflowRequest) (*app.WorkflowAdjustment, error) {
	a := &app.WorkflowAdjustment{Base: app.WorkflowID(base), Days: map[string]int{}, Roles: map[string]app.Role{}}
	total := 0
	for _, st := range base.Steps {
		days, role := st.Days, st.Role
		if d, ok := req.Days[st.ID]; ok {
			if d < 0 || d > base.Days() {
				return nil, &app.Error{Kind: app.Invalid, Code: app.CodeWorkflowStepDays, Field: "days",
					Args: map[string]string{"step": st.Name(app.VI), "max": strconv.Itoa(base.Days())}}
			}
			days = d
		}
		if r, ok := req.Roles[st.ID]; ok {
			parsed, err := app.ParseRole(string(r))
			if err != nil || parsed == app.Admin {
				return nil, &app.Error{Kind: app.Invalid, Code: app.CodeWorkflowStepRole, Field: "role",
					Args: map[string]string{"step": st.Name(app.VI)}}
			}
			role = parsed
		}
		if days != st.Days {
			a.Days[st.ID] = days
		}
		if role != st.Role {
			a.Roles[st.ID] = role
		}
		total += days
	}
	for id := range req.Days {
		if base.Index(id) < 0 {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeWorkflowUnknownStep, Field: "step", Args: map[string]string{"step": id}}
		}
	}
	for id := range req.Roles {
		if base.Index(id) < 0 {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeWorkflowUnknownStep, Field: "step", Args: map[string]string{"step": id}}
		}
	}
	if total > base.Days() {
		return nil, app.Errorf(app.Invalid, app.CodeWorkflowOverTotal, "total", strconv.Itoa(total), "max", strconv.Itoa(base.Days()))
	}
	if total == 0 {
		return nil, app.Errorf(app.Invalid, app.CodeWorkflowNoDays)
	}
	if len(a.Days) == 0 && len(a.Roles) == 0 {
		return nil, nil
	}
	return a, nil
}
