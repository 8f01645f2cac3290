package central_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
)

// pullAll is every change a desk receives from the start of the log.
func pullAll(t *testing.T, c *central.Client) []contract.Change {
	t.Helper()
	var out []contract.Change
	cursor := uint64(0)
	for {
		page, err := c.Pull(context.Background(), cursor, 2)
		require.NoError(t, err)
		out = append(out, page.Changes...)
		cursor = page.Cursor
		if !page.More {
			return out
		}
	}
}

// TestAnOfficesDesksShareItsRecords: what one desk of an office registers and records — the
// dossier, the voucher, the period, the cover — reaches the office's other desks as changes,
// and an officer's desk that moves the dossier on sends it back to the help desk at its new
// version; the desk that made a record is not sent it again, another office gets nothing, and
// the device a change came from never crosses the wire.
func TestAnOfficesDesksShareItsRecords(t *testing.T) {
	s := newServer(t)
	helpdesk := s.client(t, "01001", "K7")
	officer := s.client(t, "01001", "K8")
	elsewhere := s.client(t, "79001", "Q1")
	code := "01001-260105-K70001"
	m := app.MonthOf(2026, time.January)
	voucher := app.Voucher{ID: "v-a-1", Kind: app.KindPayment, ReceiptNo: "BL-1", PersonalID: servedPID,
		FullName: "Nguyễn Thị Hồng Ánh",
		Amount:   330000, FromMonth: m, Months: 1}
	period := app.Period{From: m, To: m, Method: "monthly", Income: 1500000, Gross: 330000, Paid: 330000, Voucher: "v-a-1", ReceiptNo: "BL-1"}
	cover := app.BookCover{BookNo: servedPID, PersonalID: servedPID, FullName: "Nguyễn Thị Hồng Ánh", BirthDate: "1990-05-17",
		Gender: "female", Office: "01001", Dossier: code, Voucher: "v-a-1", Status: app.CoverCreated}
	for _, r := range push(t, helpdesk, dossierOp(t, "01001", code, servedPID, 1), op(t, "voucher.add", "v-a-1", 0, voucher),
		op(t, "period.add", servedPID, 0, period), op(t, "cover.create", servedPID, 0, cover)) {
		require.Equal(t, app.OpApplied, r.Status, "%+v", r)
	}

	got := pullAll(t, officer)
	kinds := []string{}
	for _, c := range got {
		assert.Empty(t, c.Origin, "the origin stays at the centre")
		k := c.Kind
		if c.Kind == contract.ChangeOfficeRecord {
			var rec contract.OfficeRecordV1
			require.NoError(t, json.Unmarshal(c.Payload, &rec))
			k += ":" + rec.Kind
			if rec.Kind == "dossier" {
				d, err := app.DossierPayload.Unmarshal(rec.Record)
				require.NoError(t, err)
				assert.Equal(t, code, d.Code)
			}
		}
		kinds = append(kinds, k)
	}
	assert.Equal(t, []string{"office.record:dossier", "office.record:voucher", "participant", "office.record:cover"}, kinds)
	assert.Empty(t, pullAll(t, helpdesk), "the help desk is not sent its own records")
	assert.Empty(t, pullAll(t, elsewhere), "another office gets nothing")

	// The officer moves the dossier on; the help desk receives it at version 2.
	event := app.DossierEvent{Event: app.Event{Action: app.ActAdvance, ToStep: "approve"}, State: app.StateOpen, Step: "approve", Version: 2}
	require.Equal(t, app.OpApplied, push(t, officer, op(t, "dossier.event", code, 1, event))[0].Status)
	back := pullAll(t, helpdesk)
	require.Len(t, back, 1)
	var rec contract.OfficeRecordV1
	require.NoError(t, json.Unmarshal(back[0].Payload, &rec))
	d, err := app.DossierPayload.Unmarshal(rec.Record)
	require.NoError(t, err)
	assert.Equal(t, 2, d.Version)
	assert.Equal(t, "approve", d.Step)
	assert.Empty(t, pullAll(t, elsewhere), "another office still gets nothing")

	// A desk of an earlier version, which does not say it takes office records, is not sent
	// them (it would keep a notice for each): its cursor moves past them.
	req, err := http.NewRequest(http.MethodGet, s.url+"/v1/sync/pull?cursor=0&limit=100", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.tokens["01001/K8"])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page contract.Page
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	for _, c := range page.Changes {
		assert.NotEqual(t, contract.ChangeOfficeRecord, c.Kind)
	}
	assert.NotZero(t, page.Cursor)

	// The help desk's machine is lost: revoked, and a new machine enrolled under its name
	// starts from nothing — it receives what the old machine sent.
	_, err = s.svc.Revoke(context.Background(), "01001", "K7")
	require.NoError(t, err)
	again := pullAll(t, s.client(t, "01001", "K7"))
	entities := map[string]bool{}
	for _, c := range again {
		entities[c.Entity] = true
	}
	assert.True(t, entities[code], "the new machine receives its predecessor's dossier")
	assert.True(t, entities["v-a-1"], "and voucher")
}

// TestManyDesksOfAnOfficePushingAtOnceAllSucceed: twelve desks of one office push at the same
// time while the accounting feed posts vouchers for the office's people. Every change of the
// log is written by all of them; none fails for another's write (on Badger concurrent writers
// of the change counter conflicted at commit and, under this load, ran out of attempts).
func TestManyDesksOfAnOfficePushingAtOnceAllSucceed(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for d := range 12 {
		dev, _, err := s.svc.Enroll(ctx, "01001", fmt.Sprintf("K%d", 10+d), central.RoleDesk)
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range 5 {
				var ops []contract.Op
				for i := range 10 {
					n := (d*5+b)*10 + i
					ops = append(ops, dossierOp(t, "01001", fmt.Sprintf("01001-260105-K%d%04d", 10+d, n), fmt.Sprintf("0011900%05d", n), uint64(b*10+i+1)))
				}
				res, err := s.svc.Push(ctx, dev, ops)
				if err != nil {
					errs <- err
					return
				}
				for _, r := range res {
					if r.Status != app.OpApplied {
						errs <- fmt.Errorf("%+v", r)
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 60 {
			pid := fmt.Sprintf("0011900%05d", i)
			if _, err := s.svc.PostVouchers(ctx, []app.VoucherInput{{ID: fmt.Sprintf("feed-%d", i), ReceiptNo: fmt.Sprintf("BL-%d", i),
				PersonalID: pid, FullName: "Nguyễn Thị Hồng Ánh", Amount: "330000", PaidOn: "2026-02-05", FromMonth: "2026-02",
				Months: 1}}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
