package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/internal/centraltest"
)

// benchOnce runs the bench at a tiny size and reads its figures.
func benchOnce(t *testing.T, args ...string) report {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(args, "--persons", "600", "--offices", "6", "--desks", "6", "--duration", "2s",
		"--batch", "30", "--every", "1", "--check", "6", "--json", out), &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	var r report
	require.NoError(t, json.Unmarshal(raw, &r))
	return r
}

// TestTheBenchChecksEveryOfficesDigest: a short run on each store applies operations, measures
// each kind of request, and finds every checked office's digest at the centre equal to what it
// seeded and pushed.
func TestTheBenchChecksEveryOfficesDigest(t *testing.T) {
	stores := [][]string{{"--store", "badger"}}
	if os.Getenv(centraltest.EnvPostgres) != "" {
		stores = append(stores, []string{"--store", "postgres", "--replicas", "2"})
	}
	for _, args := range stores {
		r := benchOnce(t, args...)
		assert.Positive(t, r.Applied, args)
		assert.Zero(t, r.Rejected, args)
		assert.Equal(t, 6, r.Checked, args)
		assert.Zero(t, r.Mismatches, args)
		assert.Positive(t, r.PushP95, args)
		assert.Positive(t, r.Digests, args)
	}
}
