package storage

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
)

// TestTheOfficeProfileIsKeptButNeverStale: every registration reads the office profile, so the
// store keeps the last one read. A change committed is seen by the next transaction; a
// transaction that began before it still sees its own snapshot; what a caller does to the
// profile it got does not change the kept one.
func TestTheOfficeProfileIsKeptButNeverStale(t *testing.T) {
	db := newBulkDB(t)
	office := func() app.Office {
		var o app.Office
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			o, _, err = tx.(*Tx).Office()
			return err
		}))
		return o
	}
	put := func(o app.Office) {
		require.NoError(t, db.Update(func(tx app.Tx) error { return tx.(*Tx).PutOffice(o) }))
	}
	put(app.Office{Agency: "01001", Name: "Ba Đình", Workflow: &app.WorkflowAdjustment{Base: "default@2025-07-01",
		Days: map[string]int{"check": 2}}})
	assert.Equal(t, "Ba Đình", office().Name)
	assert.Equal(t, "Ba Đình", office().Name, "read again from what the store kept")

	got := office()
	got.Workflow.Days["check"] = 9
	got.Name = "changed by a caller"
	assert.Equal(t, 2, office().Workflow.Days["check"], "a caller's change does not reach the kept profile")
	assert.Equal(t, "Ba Đình", office().Name)

	// A transaction that began before a change keeps its snapshot, and the change is seen by
	// every transaction after it.
	started, proceed, done := make(chan struct{}), make(chan struct{}), make(chan string)
	go func() {
		_ = db.View(func(tx app.Tx) error {
			close(started)
			<-proceed
			o, _, err := tx.(*Tx).Office()
			require.NoError(t, err)
			done <- o.Name
			return nil
		})
	}()
	<-started
	put(app.Office{Agency: "01001", Name: "Ba Đình (mới)"})
	close(proceed)
	assert.Equal(t, "Ba Đình", <-done, "the older snapshot's profile")
	assert.Equal(t, "Ba Đình (mới)", office().Name, "the new profile, not the kept old one")
	assert.Nil(t, office().Workflow)
	var inTx string
	require.NoError(t, db.Update(func(t2 app.Tx) error {
		tx := t2.(*Tx)
		if err := tx.PutOffice(app.Office{Agency: "01001", Name: "trong giao dịch"}); err != nil {
			return err
		}
		o, _, err := tx.Office()
		inTx = o.Name
		return err
	}))
	assert.Equal(t, "trong giao dịch", inTx, "a transaction reads its own write")
	assert.Equal(t, "trong giao dịch", office().Name)
}
