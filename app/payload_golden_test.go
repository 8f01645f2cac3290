package app_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of the sync payloads")

// TestTheSyncPayloadsKeepTheirFormat pins the JSON of every payload the desk pushes and of the
// change payloads it reads (testdata/golden): desks in the field and the centre speak these
// formats, so renaming a field or changing a type breaks them — this test fails first. After a
// deliberate, compatible change: go test ./app -run TestTheSyncPayloads -update, and review the
// diff.
func TestTheSyncPayloadsKeepTheirFormat(t *testing.T) {
	at := time.Date(2026, 1, 5, 8, 30, 0, 0, calendar.VN)
	m := app.MonthOf(2026, time.January)
	form := app.RegistrationForm{
		FullName:          "Nguyễn Thị Hồng Ánh",
		Gender:            "female",
		BirthDate:         "1990-05-17",
		Nationality:       "VN",
		Ethnicity:         "01",
		PersonalID:        "001190012345",
		Phone:             "0912345678",
		BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"},
		Address:           app.AddressForm{Province: "01", Commune: "00004", Detail: "Số 1 phố Đội Cấn"},
		Income:            "2200000",
		Method:            "monthly",
		StartMonth:        "2026-01",
		SupportGroup:      "poor",
		LocalGroups:       []string{"ha-noi-poor"},
		Requests:          "Nhận kết quả tại nhà",
	}
	quote := app.Quote{Method: "monthly", Months: 1, FromMonth: m, ToMonth: m, Income: 2200000, MonthlyGross: 484000, Gross: 484000,
		Group: app.Poor, SupportMonths: 1, MonthlySupport: 242000, StateSupport: 242000, Payable: 242000, Deadline: calendar.Of(2026, 1, 31)}
	event := app.Event{At: at, User: "motcua", Action: app.ActReceive, ToStep: "check", Due: calendar.Of(2026, 1, 12)}
	dossier := app.Dossier{Code: "01001-260105-K70001", Office: "01001", Form: form, Quote: quote, Received: at, Due: calendar.Of(2026, 1, 12),
		StepDue: calendar.Of(2026, 1, 7), State: app.StateOpen, Step: "check", Workflow: "default@2025-07-01", Handler: "motcua",
		Timeline: []app.Event{event}, Version: 1}
	voucher := app.Voucher{
		ID:         "019b8bab-0680-776d-b09b-3770a69fd31b",
		Kind:       app.KindPayment,
		ReceiptNo:  "BL-2026-000101",
		PersonalID: "001190012345",
		FullName:   "Nguyễn Thị Hồng Ánh",
		Amount:     242000,
		PaidOn:     calendar.Of(2026, 1, 6),
		FromMonth:  m,
		Months:     1,
		Collector:  "Đại lý thu xã Yên Định",
		Source:     app.SourceImport,
		File:       "dot-1.xlsx",
		Line:       3,
		Created:    at,
		By:         "canbo",
	}
	period := app.Period{From: m, To: m, Method: "monthly", Income: 2200000, Rate: 2200, Gross: 484000, StateSupport: 242000, Paid: 242000,
		SupportMonths: 1, Voucher: voucher.ID, ReceiptNo: voucher.ReceiptNo, PaidOn: voucher.PaidOn, Recorded: at}
	cover := app.BookCover{BookNo: "001190012345", PersonalID: "001190012345", FullName: "Nguyễn Thị Hồng Ánh", BirthDate: "1990-05-17",
		Gender: "female", Nationality: "VN", Ethnicity: "01", BirthRegistration: app.PlaceForm{Province: "01", Commune: "00004"}, Office: "01001",
		Dossier: dossier.Code, Voucher: voucher.ID, Status: app.CoverIssued, Created: at, IssuedAt: at}
	record := app.IdentityRecord{
		Office:    "01001",
		Dossier:   dossier.Code,
		FullName:  "Nguyễn Thị Hồng Ánh",
		BirthDate: "1990-05-17",
		Gender:    "female",
	}
	review := app.IdentityReview{
		ID:         "R-001190012345",
		PersonalID: "001190012345",
		Differs:    []string{"full_name"},
		Created:    at,
		Decider:    "01001",
		Records: []app.IdentityRecord{
			record,
			{Office: "79001", Dossier: "79001-260106-Q10003", FullName: "Nguyễn Thị Hồng", BirthDate: "1990-05-17", Gender: "female"},
		},
	}
	decided := review
	decided.Resolved, decided.By = &record, "truongphong"
	payloads := map[string]any{
		contract.OpDossierCreate: app.DossierPayload.To(dossier),
		contract.OpDossierEvent: app.DossierEventPayload.To(app.DossierEvent{
			Event:   app.Event{At: at, User: "canbo", Action: app.ActAdvance, FromStep: "check", ToStep: "finance"},
			State:   app.StateOpen,
			Step:    "finance",
			Version: 2,
			Prev:    app.EventKey(event),
		}),
		contract.OpVoucherAdd:      app.VoucherPayload.To(voucher),
		contract.OpPeriodAdd:       app.PeriodPayload.To(period),
		contract.OpCoverCreate:     app.CoverPayload.To(cover),
		contract.OpCoverIssue:      app.CoverPayload.To(cover),
		contract.OpCoverPrint:      app.PrintPayload.To(app.PrintRecord{At: at, By: "canbo", Final: false, Reason: "Giấy in bị nhòe"}),
		contract.OpIdentityResolve: app.ReviewPayload.To(decided),
		contract.OpOfficeWorkflow: app.OfficeWorkflowPayload.To(app.OfficeWorkflowChange{Device: "K7", Adjustment: &app.WorkflowAdjustment{
			Base: "default@2025-07-01", Days: map[string]int{"check": 2}, Roles: map[string]app.Role{"check": app.Officer},
			Reason: "Quyết định số 12/QĐ-BHXH", By: "admin", At: at}}),
		contract.OpReportMonthly: app.ReportPayload.To(app.MonthlyReport{Office: "01001", Month: app.MonthOf(2026, 11),
			Total: app.ReportLine{AtStart: 120, AtEnd: 124, New: 5, Back: 1, Stopped: 2, Payments: 80, Gross: 38_720_000,
				StateSupport: 9_680_000, Collected: 29_040_000},
			Groups: []app.ReportGroup{{Group: app.Poor, ReportLine: app.ReportLine{AtStart: 20, AtEnd: 21, New: 1, Payments: 15,
				Gross: 7_260_000, StateSupport: 3_630_000, Collected: 3_630_000}}}}),
		contract.OpParticipantEvent: app.LifeEventPayload.To(app.LifeEvent{ID: "019b8bab-0680-776d-b09b-3770a69fd31c", Kind: app.EventRefund,
			From: app.MonthOf(2027, 3), Reason: app.ReasonCompulsory, Note: "Quyết định chuyển sang BHXH bắt buộc", At: at, By: "canbo",
			Office: "01001", Refund: &app.Refund{Reason: app.ReasonCompulsory, From: app.MonthOf(2027, 3), Months: 1, SupportMonths: 1,
				Contribution: 484_000, StateSupport: 96_800, Amount: 387_200, Lines: []app.RefundLine{{Voucher: "V1", ReceiptNo: "BL0001",
					Method: "3-months", From: app.MonthOf(2027, 3), To: app.MonthOf(2027, 3), Months: 1, SupportMonths: 1, Contribution: 484_000,
					StateSupport: 96_800, Amount: 387_200}}}}),
		"op": contract.Op{
			OpID:        "019b8bab-0680-776d-b09b-3770a69fd31b",
			DeviceSeq:   7,
			HLC:         123456789,
			Kind:        contract.OpVoucherAdd,
			EntityID:    voucher.ID,
			BaseVersion: 0,
			Payload:     json.RawMessage(`{}`),
			Created:     at,
		},
		"op_result": contract.OpResult{
			OpID:          "019b8bab-0680-776d-b09b-3770a69fd31b",
			Status:        contract.OpConflict,
			Reason:        "version_moved",
			Args:          map[string]string{"code": dossier.Code},
			ServerVersion: 3,
		},
		"change": contract.Change{
			Seq:     42,
			Kind:    contract.ChangeIdentityReview,
			Entity:  "001190012345",
			Payload: json.RawMessage(`{}`),
			At:      at,
		},
		"change.review":        app.ReviewPayload.To(review),
		"change.office_record": contract.OfficeRecordV1{Kind: "dossier", Record: json.RawMessage(`{"code":"01001-260105-K70001"}`)},
		"participant": app.ParticipantPayload.To(app.Participant{
			PersonalID: "001190012345",
			FullName:   "Nguyễn Thị Hồng Ánh",
			Gender:     "female",
			BirthDate:  "1990-05-17",
			Income:     2200000,
			Method:     "monthly",
			Dossier:    dossier.Code,
			Periods:    []app.Period{period},
			Version:    2,
		}),
		"audit_anchor": contract.AnchorRequest{Head: contract.AuditAnchor{Seq: 120, Hash: "ab12"}, PrevSeq: 100, PrevHash: "cd34"},
		"state_page":   contract.StatePage{Part: "vouchers", Items: []json.RawMessage{json.RawMessage(`{}`)}, Next: "v0000042", Cursor: 42},
	}
	for name, v := range payloads {
		got, err := json.MarshalIndent(v, "", " ")
		require.NoError(t, err, name)
		got = append(got, '\n')
		path := filepath.Join("testdata", "golden", name+".json")
		if *updateGolden {
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "%s: no golden file (go test ./app -run TestTheSyncPayloads -update)", name)
		assert.Equal(t, string(want), string(got), "%s: the format of a sync payload changed", name)
	}
	for _, k := range contract.OpKinds {
		assert.Contains(t, payloads, k, "every operation kind has its payload pinned")
	}
}
