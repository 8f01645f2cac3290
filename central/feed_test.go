package central_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
)

// feedRun writes at least total changes for one office from concurrent writers whose
// transactions commit out of the order they started, while pollers pull continuously through
// the service as desks do, then lets the pollers catch up. It returns, for each poller, how
// many written changes it never received.
func feedRun(t *testing.T, store central.Store, total int) []int {
	t.Helper()
	svc := &central.Service{Store: store}
	dev := central.Device{ID: "01001/K7", Office: "01001", Name: "K7"}
	const writers, pollers = 8, 4
	var (
		written  sync.Map
		count    atomic.Int64
		finished atomic.Bool
		wg       sync.WaitGroup
	)
	ctx := context.Background()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; count.Load() < int64(total); i++ {
				n := 1 + rand.IntN(5)
				var ids []string
				err := store.Update(ctx, func(tx central.Tx) error {
					ids = ids[:0]
					for j := range n {
						id := fmt.Sprintf("w%d-%d-%d", w, i, j)
						ids = append(ids, id)
						if err := tx.AppendChange(dev.Office, contract.Change{Kind: "test", Entity: id, Payload: []byte(`{}`),
							At: time.Now()}); err != nil {
							return err
						}
					}
					// Commits come out of the order the changes were written in.
					time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
					return nil
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				for _, id := range ids {
					written.Store(id, true)
				}
				count.Add(int64(n))
			}
		}()
	}
	seen := make([]map[string]bool, pollers)
	var pwg sync.WaitGroup
	for p := range pollers {
		seen[p] = map[string]bool{}
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			cursor, idle := uint64(0), 0
			for idle < 20 {
				page, err := svc.Pull(ctx, dev, cursor, 500)
				if err != nil {
					t.Errorf("poller %d: %v", p, err)
					return
				}
				for _, c := range page.Changes {
					seen[p][c.Entity] = true
				}
				if finished.Load() && len(page.Changes) == 0 && page.Cursor == cursor {
					idle++
					time.Sleep(10 * time.Millisecond)
				}
				cursor = page.Cursor
			}
		}()
	}
	wg.Wait()
	finished.Store(true)
	pwg.Wait()
	missing := make([]int, pollers)
	n := 0
	written.Range(func(k, _ any) bool {
		n++
		for p := range pollers {
			if !seen[p][k.(string)] {
				missing[p]++
			}
		}
		return true
	})
	require.GreaterOrEqual(t, n, total)
	t.Logf("%d changes written; missing per poller: %v", n, missing)
	return missing
}

// TestNoChangeIsLostWhenCommitsComeOutOfOrder: on PostgreSQL, with writers whose transactions
// commit in another order than they wrote and desks pulling all the while, every desk receives
// every one of at least 50,000 changes — and the same run with the change numbered by a plain
// sequence when it is written (the design the sequencer replaces) loses some, so this test can
// fail.
func TestNoChangeIsLostWhenCommitsComeOutOfOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 changes")
	}
	safe := centraltest.OpenPostgres(t, central.PostgresConfig{SequenceEvery: 5 * time.Millisecond})
	for p, m := range feedRun(t, safe, 50_000) {
		assert.Zero(t, m, "poller %d lost changes", p)
	}
	plain := centraltest.OpenPostgres(t, central.PostgresConfig{PlainSequence: true})
	lost := 0
	for _, m := range feedRun(t, plain, 10_000) {
		lost += m
	}
	assert.Positive(t, lost, "a plain sequence loses changes that commit late: the run must be able to show it")
}
