package storage

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
)

// TestAPrefetchedLookupSeesTheTransactionsOwnWrites: a batch reads its receipt numbers and
// persons ahead (Prefetch) and then writes; every later lookup answers what it would without
// the prefetch — what the transaction wrote or deleted under a prefix included. Without the
// prefetch forgetting a prefix written under, a second payment under one receipt number in one
// import would not be seen as a duplicate, nor a person registered earlier in the batch.
func TestAPrefetchedLookupSeesTheTransactionsOwnWrites(t *testing.T) {
	db := newBulkDB(t)
	ds := bulkDossiers(t, 3)
	putOne(t, db, &ds[0])
	at := time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)
	voucher := func(id, receipt, pid string) app.Voucher {
		return app.Voucher{ID: id, Kind: app.KindPayment, ReceiptNo: receipt, PersonalID: pid, Amount: 330_000, Created: at}
	}
	v1 := voucher("v1", "BL-1", ds[0].Form.PersonalID)
	require.NoError(t, db.Update(func(tx app.Tx) error {
		return tx.(*Tx).PutVoucher(v1, app.VoucherState{Status: app.VoucherMatched, Updated: at})
	}))

	pidA, pidB := ds[0].Form.PersonalID, ds[1].Form.PersonalID
	receipts := func(tx *Tx, no string) []string {
		vs, err := tx.VouchersByReceipt(no)
		require.NoError(t, err)
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
		return ids
	}
	persons := func(tx *Tx, pid string) []string {
		out, err := tx.ByPersonalID(pid)
		require.NoError(t, err)
		return codesOf(out)
	}
	for _, prefetch := range []bool{false, true} {
		err := db.Update(func(t0 app.Tx) error {
			tx := t0.(*Tx)
			if prefetch {
				require.NoError(t, tx.Prefetch([]string{"BL-1", "BL-2"}, []string{pidA, pidB}))
			}
			assert.Equal(t, []string{"v1"}, receipts(tx, "BL-1"))
			assert.Empty(t, receipts(tx, "BL-2"))
			assert.Equal(t, []string{ds[0].Code}, persons(tx, pidA))
			assert.Empty(t, persons(tx, pidB))

			// Written in the transaction: seen.
			require.NoError(t, tx.PutVoucher(voucher("v2", "BL-2", pidB), app.VoucherState{Status: app.VoucherMatched, Updated: at}))
			assert.Equal(t, []string{"v2"}, receipts(tx, "BL-2"))
			require.NoError(t, tx.PutDossier(&ds[1], nil))
			assert.Equal(t, []string{ds[1].Code}, persons(tx, pidB))
			second := ds[2]
			second.Form.PersonalID = pidA
			require.NoError(t, tx.PutDossier(&second, nil))
			assert.ElementsMatch(t, []string{ds[0].Code, second.Code}, persons(tx, pidA))

			// Deleted in the transaction: gone.
			require.NoError(t, tx.del(key(prefixReceipt, []byte("BL-1"), sep, []byte("v1"))))
			assert.Empty(t, receipts(tx, "BL-1"))
			return errStop // roll back: the second round starts from the same store
		})
		require.ErrorIs(t, err, errStop, "prefetch=%v", prefetch)
	}
}
