package central_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/contract"
)

// TestABadgerCentreFromBeforeTheOfficeIndexesIsIndexedWhenOpened: a centre store written before
// the office indexes existed holds records but no index; opening it files every record under
// its office once, and each office's digest and state are what they were.
func TestABadgerCentreFromBeforeTheOfficeIndexesIsIndexedWhenOpened(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := central.OpenBadger(dir, "")
	require.NoError(t, err)
	svc := &central.Service{Store: store}
	devA, _, err := svc.Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)
	devB, _, err := svc.Enroll(ctx, "79001", "Q1", central.RoleDesk)
	require.NoError(t, err)
	for _, p := range []struct {
		dev  central.Device
		code string
		pid  string
	}{{devA, "01001-260105-K70001", servedPID}, {devB, "79001-260105-Q10001", otherPID}} {
		res, err := svc.Push(ctx, p.dev, []contract.Op{dossierOp(t, p.dev.Office, p.code, p.pid, 1)})
		require.NoError(t, err)
		require.Equal(t, app.OpApplied, res[0].Status, "%+v", res[0])
	}
	officeView := func(svc *central.Service, dev central.Device) (string, int, string) {
		digest, n, err := svc.Digest(ctx, dev.Office)
		require.NoError(t, err)
		st, err := svc.OfficeState(ctx, dev)
		require.NoError(t, err)
		b, err := json.Marshal(st)
		require.NoError(t, err)
		return digest, n, string(b)
	}
	digestA, nA, stateA := officeView(svc, devA)
	require.Positive(t, nA)
	_, nB, _ := officeView(svc, devB)
	require.Positive(t, nB)

	require.NoError(t, central.DropIndexes(store))
	_, n, _ := officeView(svc, devA)
	assert.Zero(t, n, "without its index an office finds nothing: the reopening below is what brings them back")
	require.NoError(t, store.Close())

	store, err = central.OpenBadger(dir, "")
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc = &central.Service{Store: store}
	digest, n, state := officeView(svc, devA)
	assert.Equal(t, digestA, digest)
	assert.Equal(t, nA, n)
	assert.Equal(t, stateA, state)
	_, n, _ = officeView(svc, devB)
	assert.Equal(t, nB, n)
	require.NoError(t, store.View(ctx, func(tx central.Tx) error {
		devs, err := tx.DevicesOf("01001")
		assert.Len(t, devs, 1)
		return err
	}))
}
