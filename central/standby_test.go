package central_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/central"
	"bhxhdesk/contract"
	"bhxhdesk/internal/centraltest"
)

// TestReadsFromAStreamingStandbyMissNoChange: centrald with --db-read on a real streaming
// standby (scripts/pg-test.sh with PG_TEST_STANDBY=1). One desk of an office registers people
// in batches from several goroutines on the primary while another desk of the office pulls
// from the standby all along, behind by the replay lag: it receives every change once, in
// order, and the office's digest read on the standby comes to equal the primary's. The reads
// really ran on the standby (its transaction count grew; it is in recovery).
func TestReadsFromAStreamingStandbyMissNoChange(t *testing.T) {
	base := os.Getenv("BHXH_TEST_POSTGRES_STANDBY")
	if base == "" {
		if os.Getenv("CI") != "" && os.Getenv(centraltest.EnvStore) == "postgres" {
			t.Fatal("BHXH_TEST_POSTGRES_STANDBY is not set: make test-postgres starts a standby (PG_TEST_STANDBY=1)")
		}
		t.Skip("no streaming standby: run through PG_TEST_STANDBY=1 scripts/pg-test.sh")
	}
	ctx := context.Background()
	primaryURL := centraltest.NewDatabase(t)
	pu, err := url.Parse(primaryURL)
	require.NoError(t, err)
	su, err := url.Parse(base)
	require.NoError(t, err)
	su.Path = pu.Path
	standbyURL := su.String()

	// The new database reaches the standby when its creation is replayed.
	var store *central.PostgresStore
	require.Eventually(t, func() bool {
		store, err = central.OpenPostgres(ctx, central.PostgresConfig{URL: primaryURL, ReadURL: standbyURL})
		return err == nil
	}, 30*time.Second, 100*time.Millisecond, "open with the standby: %v", err)
	t.Cleanup(func() { _ = store.Close() })
	// The schema the primary just migrated reaches the standby when that is replayed too: a pull
	// before it would find no table of changes.
	require.Eventually(t, func() bool {
		c, err := pgx.Connect(ctx, standbyURL)
		if err != nil {
			return false
		}
		defer c.Close(ctx)
		var found bool
		return c.QueryRow(ctx, `SELECT to_regclass('changes') IS NOT NULL`).Scan(&found) == nil && found
	}, 30*time.Second, 100*time.Millisecond, "the standby has the migrated schema")
	svc := &central.Service{Store: store}
	writer, _, err := svc.Enroll(ctx, "01001", "K7", central.RoleDesk)
	require.NoError(t, err)
	reader, _, err := svc.Enroll(ctx, "01001", "K8", central.RoleDesk)
	require.NoError(t, err)
	reader.TakesOfficeRecords = true // as a desk says in its requests

	commits := func() int64 {
		c, err := pgx.Connect(ctx, standbyURL)
		require.NoError(t, err)
		defer c.Close(ctx)
		var n int64
		var recovering bool
		require.NoError(t, c.QueryRow(ctx, `SELECT xact_commit + xact_rollback, pg_is_in_recovery() FROM pg_stat_database
			WHERE datname = current_database()`).Scan(&n, &recovering))
		require.True(t, recovering, "the read URL is a standby")
		return n
	}
	before := commits()

	const writers, batches, perBatch = 4, 10, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				var ops []contract.Op
				for i := range perBatch {
					n := (w*batches+b)*perBatch + i
					ops = append(ops, dossierOp(t, "01001", fmt.Sprintf("01001-260105-K7%04d", n), fmt.Sprintf("0011900%05d", n), uint64(n+1)))
				}
				if _, err := svc.Push(ctx, writer, ops); !assert.NoError(t, err) {
					return
				}
			}
		}()
	}
	seen := map[string]int{}
	cursor := uint64(0)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	want := writers * batches * perBatch
	deadline := time.Now().Add(time.Minute)
	for len(seen) < want && time.Now().Before(deadline) {
		page, err := svc.Pull(ctx, reader, cursor, 50)
		require.NoError(t, err, "a pull on the standby")
		for _, c := range page.Changes {
			require.Greater(t, c.Seq, cursor)
			seen[c.Entity]++
		}
		cursor = page.Cursor
		if !page.More {
			time.Sleep(5 * time.Millisecond)
		}
	}
	<-done
	require.Len(t, seen, want, "every change reached the desk reading the standby")
	for code, n := range seen {
		require.Equal(t, 1, n, "%s delivered once", code)
	}
	assert.Greater(t, commits()-before, int64(50), "the pulls ran on the standby")

	// The digest read on the standby catches up with what the primary holds.
	primary, err := central.OpenPostgres(ctx, central.PostgresConfig{URL: primaryURL})
	require.NoError(t, err)
	defer primary.Close()
	primaryDigest, n, err := (&central.Service{Store: primary}).Digest(ctx, "01001")
	require.NoError(t, err)
	require.Equal(t, want, n)
	require.Eventually(t, func() bool {
		d, _, err := svc.Digest(ctx, "01001")
		return err == nil && d == primaryDigest
	}, 30*time.Second, 50*time.Millisecond)
}
