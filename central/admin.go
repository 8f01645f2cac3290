package central

import (
	"context"
	"encoding/json"
	"time"

	"bhxhdesk/app"
)

// AdminRequest is one administrator's command: the same whether centrald runs it on a stopped
// server's folder or sends it to the running server (POST /v1/admin with the admin token).
type AdminRequest struct {
	Cmd    string `json:"cmd"` // enroll | revoke | reenrol | vouchers | publish | reviews | import | office | report | history
	Office string `json:"office,omitempty"`
	// Listing is the office as citizens see it (office): name, address and whether it takes
	// online declarations.
	Listing *OfficeListing  `json:"listing,omitempty"`
	Device  string          `json:"device,omitempty"`
	Feed    bool            `json:"feed,omitempty"`
	Path    string          `json:"path,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	All     bool            `json:"all,omitempty"`
	File    []byte          `json:"file,omitempty"` // a transfer file (import)
	// Province and Month choose a province's monthly report (report).
	Province string `json:"province,omitempty"`
	Month    string `json:"month,omitempty"`
}

// Admin runs an administrator's command and returns its JSON answer.
func (s *Service) Admin(ctx context.Context, req AdminRequest) (any, error) {
	switch req.Cmd {
	case "enroll":
		role := RoleDesk
		if req.Feed {
			role = RoleFeed
		}
		dev, token, err := s.Enroll(ctx, req.Office, req.Device, role)
		if err != nil {
			return nil, err
		}
		return map[string]string{"device": dev.ID, "office": dev.Office, "token": token}, nil
	case "revoke":
		dev, err := s.Revoke(ctx, req.Office, req.Device)
		if err != nil {
			return nil, err
		}
		return map[string]string{"device": dev.ID, "revoked": dev.Revoked.Format(time.RFC3339)}, nil
	case "reenrol":
		dev, token, err := s.Reenrol(ctx, req.Office, req.Device)
		if err != nil {
			return nil, err
		}
		return map[string]string{"device": dev.ID, "office": dev.Office, "token": token}, nil
	case "vouchers":
		var ins []app.VoucherInput
		if err := json.Unmarshal(req.Data, &ins); err != nil {
			var one app.VoucherInput
			if err2 := json.Unmarshal(req.Data, &one); err2 != nil {
				return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadBody, Err: err}
			}
			ins = []app.VoucherInput{one}
		}
		ids, err := s.PostVouchers(ctx, ins)
		if err != nil {
			return nil, err
		}
		return map[string]any{"posted": len(ids), "ids": ids}, nil
	case "publish":
		if req.Path == "" || !json.Valid(req.Data) {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadRuleFile, Args: map[string]string{"path": req.Path}}
		}
		if err := s.PublishFile(ctx, app.RuleFile{Path: req.Path, Data: req.Data}); err != nil {
			return nil, err
		}
		return map[string]string{"published": req.Path}, nil
	case "import":
		answer, err := s.ImportTransfer(ctx, req.File)
		if err != nil {
			return nil, err
		}
		return map[string][]byte{"answer": answer}, nil
	case "report":
		if len(req.Province) != 2 || !digitsOnly(req.Province) {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeUnknownProvince, Field: "province",
				Args: map[string]string{"value": clip(req.Province)}}
		}
		m, err := app.ParseMonth(req.Month)
		if err != nil {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadMonth, Field: "month", Args: map[string]string{"value": clip(req.Month)}}
		}
		return s.ProvinceReport(ctx, req.Province, m)
	case "history":
		var recs []HistoryRecord
		if err := json.Unmarshal(req.Data, &recs); err != nil {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadBody}
		}
		return s.SetHistory(ctx, recs)
	case "office":
		if req.Listing == nil {
			return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadBody}
		}
		return s.SetOfficeListing(ctx, req.Office, *req.Listing)
	case "reviews":
		var rs []app.IdentityReview
		err := s.Store.View(ctx, func(tx Tx) error {
			var err error
			rs, err = tx.Reviews(req.All)
			return err
		})
		if rs == nil {
			rs = []app.IdentityReview{}
		}
		return rs, err
	}
	return nil, &app.Error{Kind: app.Invalid, Code: app.CodeUnknownOp, Args: map[string]string{"kind": req.Cmd}}
}
