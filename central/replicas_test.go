package central_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
)

// TestTwoReplicasApplyEachOperationOnce: two centrald replicas on one PostgreSQL database
// receive the same batches at the same time (a desk that timed out and sent again through
// the load balancer): each operation is applied once, every other delivery is answered
// "duplicate", and the centre holds each once. The time recorded is the database's, the
// same whichever replica answered.
func TestTwoReplicasApplyEachOperationOnce(t *testing.T) {
	url := centraltest.NewDatabase(t)
	ctx := context.Background()
	var svcs []*central.Service
	for range 2 {
		store, err := central.OpenPostgres(ctx, central.PostgresConfig{URL: url})
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		svcs = append(svcs, &central.Service{Store: store})
	}
	dev, _, err := svcs[0].Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)
	var ops []contract.Op
	for i := range 40 {
		v := app.Voucher{ID: fmt.Sprintf("v-%02d", i), Kind: app.KindPayment, ReceiptNo: fmt.Sprintf("BL-%02d", i), PersonalID: servedPID,
			FullName: "Nguyễn Thị Hồng Ánh", Amount: 264000, FromMonth: app.MonthOf(2026, 1), Months: 1, Source: app.SourceDesk,
			Created: time.Now(), By: "canbo"}
		ops = append(ops, op(t, contract.OpVoucherAdd, v.ID, 0, app.VoucherPayload.To(v)))
	}
	applied := map[string]int{}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := svcs[i%2].Push(ctx, dev, ops)
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range res {
				switch r.Status {
				case contract.OpApplied:
					applied[r.OpID]++
				case contract.OpDuplicate:
				default:
					t.Errorf("op %s: %s %s", r.OpID, r.Status, r.Reason)
				}
			}
		}()
	}
	wg.Wait()
	require.Len(t, applied, len(ops))
	for id, n := range applied {
		assert.Equal(t, 1, n, "op %s applied %d times", id, n)
	}
	ops2 := centraltest.StoredOps(t, svcs[1].Store)
	assert.Len(t, ops2[dev.ID], len(ops))
	var stamps []time.Time
	require.NoError(t, svcs[0].Store.View(ctx, func(tx central.Tx) error {
		for _, o := range ops {
			stored, ok, err := tx.OpResult(o.OpID)
			if err != nil || !ok {
				return fmt.Errorf("op %s: %v %v", o.OpID, ok, err)
			}
			stamps = append(stamps, stored.Applied)
		}
		return nil
	}))
	for _, s := range stamps {
		assert.WithinDuration(t, time.Now(), s, time.Minute, "the database's clock")
	}
}
