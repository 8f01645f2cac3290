package storage

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/internal/testtmp"
)

func newAuditDB(t *testing.T, n int) *DB {
	t.Helper()
	clk := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	db, _, err := Create(
		Config{Dir: testtmp.Dir(t), KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, Now: func() time.Time { return clk }, CacheMB: 16},
		"admin",
		"mật-khẩu-đủ-dài",
	)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	for i := 1; i <= n; i++ {
		require.NoError(t, db.update(func(tx *Tx) error {
			if err := tx.set([]byte(fmt.Sprintf("dossier/%d", i)), []byte("x")); err != nil {
				return err
			}
			return tx.Audit(AuditEntry{User: "admin", Action: "dossier.create", Entity: fmt.Sprintf("D-%d", i), Detail: "001190******"})
		}))
	}
	return db
}

func rawEntry(t *testing.T, db *DB, seq uint64) AuditEntry {
	t.Helper()
	var e AuditEntry
	require.NoError(t, db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get(auditKey(seq))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &e) })
	}))
	return e
}

func rawSet(t *testing.T, db *DB, key []byte, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(key, data) }))
}

func rawDelete(t *testing.T, db *DB, key []byte) {
	t.Helper()
	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete(key) }))
}

func TestAuditChainVerifies(t *testing.T) {
	db := newAuditDB(t, 20)
	rep, err := db.VerifyAudit()
	require.NoError(t, err)
	assert.Equal(t, AuditReport{OK: true, Entries: 20}, rep)
	assert.Equal(t, rawEntry(t, db, 4).Hash, rawEntry(t, db, 5).Prev)
}

func TestAuditTamperingIsDetected(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *DB)
		broken uint64
		reason string
	}{
		{"an edited entry", func(t *testing.T, db *DB) {
			e := rawEntry(t, db, 7)
			e.User = "someone-else"
			rawSet(t, db, auditKey(7), e)
		}, 7, "edited"},
		{"an edited entry with its hash recomputed", func(t *testing.T, db *DB) {
			e := rawEntry(t, db, 7)
			e.Action = "person.view"
			e.Hash = AuditHash(e)
			rawSet(t, db, auditKey(7), e)
		}, 8, "chain_broken"},
		{"a deleted entry", func(t *testing.T, db *DB) { rawDelete(t, db, auditKey(9)) }, 9, "missing"},
		{"a cut tail", func(t *testing.T, db *DB) { rawDelete(t, db, auditKey(20)) }, 20, "tail_cut"},
		{"two entries swapped", func(t *testing.T, db *DB) {
			a, b := rawEntry(t, db, 3), rawEntry(t, db, 4)
			rawSet(t, db, auditKey(3), b)
			rawSet(t, db, auditKey(4), a)
		}, 3, "reordered"},
		{"an entry inserted after the head", func(t *testing.T, db *DB) {
			last := rawEntry(t, db, 20)
			e := AuditEntry{Seq: 21, At: last.At, User: "admin", Action: "dossier.create", Entity: "D-forged", Prev: last.Hash}
			e.Hash = AuditHash(e)
			rawSet(t, db, auditKey(21), e)
		}, 21, "inserted"},
		{"an entry inserted in the middle, renumbering the rest", func(t *testing.T, db *DB) {
			// Shift entries 11..20 to 12..21 and forge 11: the shifted ones no longer chain.
			for seq := uint64(20); seq >= 11; seq-- {
				e := rawEntry(t, db, seq)
				e.Seq++
				rawSet(t, db, auditKey(seq+1), e)
			}
			prev := rawEntry(t, db, 10)
			e := AuditEntry{Seq: 11, At: prev.At, User: "admin", Action: "x", Entity: "forged", Prev: prev.Hash}
			e.Hash = AuditHash(e)
			rawSet(t, db, auditKey(11), e)
		}, 12, "chain_broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newAuditDB(t, 20)
			tt.tamper(t, db)
			rep, err := db.VerifyAudit()
			require.NoError(t, err)
			assert.False(t, rep.OK)
			assert.Equal(t, tt.broken, rep.FirstBroken)
			assert.Equal(t, tt.reason, rep.Reason)
		})
	}
}

func TestAuditIsInTheSameTransaction(t *testing.T) {
	db := newAuditDB(t, 1)
	err := db.update(func(tx *Tx) error {
		if err := tx.set([]byte("dossier/2"), []byte("x")); err != nil {
			return err
		}
		if err := tx.Audit(AuditEntry{User: "admin", Action: "dossier.create", Entity: "D-2"}); err != nil {
			return err
		}
		return fmt.Errorf("validation failed after writing")
	})
	require.Error(t, err)
	_, ok, err := db.Get([]byte("dossier/2"))
	require.NoError(t, err)
	assert.False(t, ok, "the change was rolled back")
	rep, err := db.VerifyAudit()
	require.NoError(t, err)
	assert.Equal(t, uint64(1), rep.Entries, "and so was its audit entry")
}

// TestAnAnchoredHeadCatchesAChainRewrittenWholeOrCut: a program with an officer's password can
// cut the log's tail and move the head back, or rewrite entries and every hash after them — the
// chain then verifies on its own. Against a head the centre acknowledged it does not.
func TestAnAnchoredHeadCatchesAChainRewrittenWholeOrCut(t *testing.T) {
	anchorAt := func(db *DB, seq uint64) []contract.AuditAnchor {
		return []contract.AuditAnchor{{Seq: seq, Hash: rawEntry(t, db, seq).Hash}}
	}
	t.Run("the tail cut and the head moved back", func(t *testing.T) {
		db := newAuditDB(t, 20)
		anchors := anchorAt(db, 18)
		for seq := uint64(16); seq <= 20; seq++ {
			rawDelete(t, db, auditKey(seq))
		}
		last := rawEntry(t, db, 15)
		rawSet(t, db, keyAuditHead, auditHead{Seq: 15, Hash: last.Hash})
		rep, err := db.VerifyAudit()
		require.NoError(t, err)
		require.True(t, rep.OK, "on its own the cut chain verifies")
		rep, err = app.CheckAnchors(rep, db, anchors)
		require.NoError(t, err)
		assert.Equal(t, app.AuditReport{Entries: 15, FirstBroken: 16, Reason: "audit_truncated", Anchored: 18}, rep)
	})
	t.Run("entries rewritten with every hash after them", func(t *testing.T) {
		db := newAuditDB(t, 20)
		anchors := anchorAt(db, 20)
		prev := rawEntry(t, db, 9).Hash
		for seq := uint64(10); seq <= 20; seq++ {
			e := rawEntry(t, db, seq)
			if seq == 12 {
				e.Action, e.Entity = "dossier.view", "D-khac"
			}
			e.Prev = prev
			e.Hash = AuditHash(e)
			rawSet(t, db, auditKey(seq), e)
			prev = e.Hash
		}
		rawSet(t, db, keyAuditHead, auditHead{Seq: 20, Hash: prev})
		rep, err := db.VerifyAudit()
		require.NoError(t, err)
		require.True(t, rep.OK, "on its own the rewritten chain verifies")
		rep, err = app.CheckAnchors(rep, db, anchors)
		require.NoError(t, err)
		assert.Equal(t, "audit_rewritten", rep.Reason)
		assert.False(t, rep.OK)
	})
	t.Run("an intact chain past its anchor", func(t *testing.T) {
		db := newAuditDB(t, 20)
		rep, err := db.VerifyAudit()
		require.NoError(t, err)
		rep, err = app.CheckAnchors(rep, db, anchorAt(db, 12))
		require.NoError(t, err)
		assert.Equal(t, app.AuditReport{OK: true, Entries: 20, Anchored: 12}, rep)
		head, err := db.AuditHead()
		require.NoError(t, err)
		assert.Equal(t, contract.AuditAnchor{Seq: 20, Hash: rawEntry(t, db, 20).Hash}, head)
	})
}
