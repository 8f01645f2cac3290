package storage

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
	"bhxhdesk/internal/testtmp"
)

// bulkDossiers are n realistic dossiers of one day in every state, some with an old code.
func bulkDossiers(t *testing.T, n int) []app.Dossier {
	t.Helper()
	ref := assets.MustLoad()
	g := fake.New(7, ref.Places)
	wf := ref.Workflows.For("01")
	states := []app.State{app.StateOpen, app.StateReturned, app.StateDone, app.StateRejected, app.StateOpen}
	out := make([]app.Dossier, n)
	for i := range out {
		f := g.Form()
		if i%3 == 0 {
			f.OldSICode = fmt.Sprintf("01%08d", i)
		}
		received := time.Date(2026, 1, 5, 8, i%60, 0, 0, calendar.VN)
		d := app.Dossier{
			Code: fmt.Sprintf("01001-260105-K7%04d", i+1), Office: "01001", Form: f, Received: received,
			Due: calendar.Of(2026, 1, 10), StepDue: calendar.Of(2026, 1, 7), State: states[i%len(states)],
			Step: "check", Workflow: "default@2025-07-01", Steps: wf.Steps, Handler: []string{"motcua", "canbo"}[i%2],
			Quote:    app.Quote{Payable: app.Money(264000 + 1000*i)},
			Timeline: []app.Event{{At: received, User: "motcua", Action: app.ActReceive, ToStep: "check", Due: calendar.Of(2026, 1, 10)}},
			Version:  1,
		}
		if d.State.Closed() {
			d.Step, d.StepDue = "", 0
		}
		out[i] = d
	}
	return out
}

// dump is every key and value of the store.
func dump(t *testing.T, db *DB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	require.NoError(t, db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(it.Item().KeyCopy(nil))] = v
		}
		return nil
	}))
	return out
}

func newBulkDB(t *testing.T) *DB {
	t.Helper()
	db, _, err := Create(Config{Dir: testtmp.Dir(t), KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// putOne stores a dossier the way a registration does: its code's counter, then the dossier.
func putOne(t *testing.T, db *DB, d *app.Dossier) {
	t.Helper()
	require.NoError(t, db.Update(func(tx app.Tx) error {
		if _, err := tx.NextSeq("dossier/260105"); err != nil {
			return err
		}
		return tx.PutDossier(d, nil)
	}))
}

func TestBulkLoadWritesWhatTransactionsWrite(t *testing.T) {
	const before, loaded = 4, 40
	ds := bulkDossiers(t, before+loaded)
	perTx, bulk := newBulkDB(t), newBulkDB(t)
	for i := range ds[:before] { // both stores already hold some dossiers and counts
		putOne(t, perTx, &ds[i])
		putOne(t, bulk, &ds[i])
	}
	for i := range ds[before:] {
		putOne(t, perTx, &ds[before+i])
	}
	l, err := bulk.NewLoader()
	require.NoError(t, err)
	for i := range ds[before:] {
		require.NoError(t, l.PutDossier(&ds[before+i]))
	}
	l.SetSeq("dossier/260105", before+loaded)
	l.SetSeq("dossier/260105", 3) // a counter never goes back
	require.NoError(t, l.Flush())

	want, got := dump(t, perTx), dump(t, bulk)
	prefixes := map[string]int{}
	for k := range want {
		for _, p := range [][]byte{prefixDossier, prefixPID, prefixPIDRev, prefixOld, prefixName, prefixDue, prefixStep, prefixHandler,
			prefixState, prefixOffice, prefixCount, prefixSeq, prefixWord, prefixPhone, prefixPhoneR, prefixCode} {
			if bytes.HasPrefix([]byte(k), p) {
				prefixes[string(p)]++
			}
		}
	}
	assert.Len(t, prefixes, 16, "the data set writes every kind of key: %v", prefixes)
	assert.Equal(t, len(want), len(got), "same number of keys")
	for k, v := range want {
		assert.Equal(t, v, got[k], "key %q", k)
	}
	for k := range got {
		_, ok := want[k]
		assert.True(t, ok, "extra key %q", k)
	}

	require.NoError(t, bulk.View(func(tx app.Tx) error {
		c, err := tx.Counts()
		assert.Equal(t, map[app.State]int{app.StateOpen: 17, app.StateReturned: 9, app.StateDone: 9, app.StateRejected: 9}, c)
		return err
	}))
}

func TestBulkLoadedDossiersAreFoundAndNumberedOn(t *testing.T) {
	ds := bulkDossiers(t, 12)
	db := newBulkDB(t)
	l, err := db.NewLoader()
	require.NoError(t, err)
	for i := range ds {
		require.NoError(t, l.PutDossier(&ds[i]))
	}
	l.SetSeq("dossier/260105", uint64(len(ds)))
	require.NoError(t, l.Flush())
	require.NoError(t, db.Update(func(tx app.Tx) error {
		found, err := tx.ByPersonalID(ds[5].Form.PersonalID)
		require.NoError(t, err)
		require.Len(t, found, 1)
		assert.Equal(t, ds[5].Summary(), found[0])
		due, err := tx.Due(calendar.Of(2026, 1, 10), calendar.Of(2026, 1, 10), 0)
		require.NoError(t, err)
		assert.Len(t, due, 8, "only the open and returned ones are pending")
		next, err := tx.NextSeq("dossier/260105")
		assert.Equal(t, uint64(13), next, "the day's next code follows the loaded ones")
		return err
	}))
}

func TestBulkLoadRefusesWhenTheDiskIsNearlyFull(t *testing.T) {
	db := newBulkDB(t)
	db.disk.free = func(string) (uint64, error) { return 10 << 20, nil }
	_, err := db.NewLoader()
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "disk_low", ae.Code)
}
