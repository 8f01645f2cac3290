package centraltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bhxhdesk/central"
	"bhxhdesk/internal/testtmp"
)

// The environment that chooses the store the centre's tests run against.
const (
	// EnvStore is "postgres" to run every test of the centre on PostgreSQL (the conformance
	// run of make test), anything else for the embedded Badger store.
	EnvStore = "BHXH_CENTRAL_STORE"
	// EnvPostgres is the URL of a throw-away PostgreSQL cluster (scripts/pg-test.sh sets it):
	// each store gets a fresh database of its own there, dropped when the test ends.
	EnvPostgres = "BHXH_TEST_POSTGRES"
)

// OpenStore opens the central store a test runs against: Badger in a temporary folder, or,
// with BHXH_CENTRAL_STORE=postgres, a fresh database on the cluster BHXH_TEST_POSTGRES names.
func OpenStore(t testing.TB) central.Store {
	t.Helper()
	if os.Getenv(EnvStore) == "postgres" {
		return OpenPostgres(t, central.PostgresConfig{})
	}
	store, err := central.OpenBadger(testtmp.Dir(t), "")
	if err != nil {
		t.Fatalf("central store: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// OpenPostgres opens a PostgresStore on a fresh database of the test cluster (cfg.URL is set
// here). Without a cluster the test is skipped — except under CI, where it fails: CI always
// starts one (make test).
func OpenPostgres(t testing.TB, cfg central.PostgresConfig) *central.PostgresStore {
	t.Helper()
	cfg.URL = NewDatabase(t)
	store, err := central.OpenPostgres(context.Background(), cfg)
	if err != nil {
		t.Fatalf("central store on PostgreSQL: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// NewDatabase creates an empty database on the test cluster for the test, dropped when it
// ends, and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: make test starts a PostgreSQL cluster for the tests (scripts/pg-test.sh)", EnvPostgres)
		}
		t.Skipf("no PostgreSQL cluster: run through scripts/pg-test.sh (make test does) to set %s", EnvPostgres)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("test cluster %s: %v", base, err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			_, _ = c.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			_ = c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("test cluster URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
