package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
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
	base := []string{"--persons", "600", "--offices", "6", "--desks", "12", "--duration", "2s", "--batch", "30", "--every", "1",
		"--check", "6", "--json", out}
	code := run(context.Background(), append(base, args...), &stdout, &stderr)
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
	stores := [][]string{{"--store", "badger", "--real-desks", "2"}}
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
		assert.Zero(t, r.Undelivered, args)
		assert.Zero(t, r.RealMismatch, args)
	}
}

// TestTheBenchSurvivesKilledReplicasAndAnOutage: on PostgreSQL with two centrald processes,
// one killed in turn and then both stopped for an outage, the desks' pushes are answered once
// the replicas are back, every checked office's digest matches, every change reaches every desk
// of a checked office, and the real desk stores hold what the centre holds.
func TestTheBenchSurvivesKilledReplicasAndAnOutage(t *testing.T) {
	if os.Getenv(centraltest.EnvPostgres) == "" {
		t.Skip("no PostgreSQL cluster (scripts/pg-test.sh)")
	}
	bin := filepath.Join(t.TempDir(), "centrald")
	out, err := exec.Command("go", "build", "-o", bin, "bhxhdesk/cmd/centrald").CombinedOutput()
	require.NoError(t, err, "%s", out)
	r := benchOnce(t, "--store", "postgres", "--centrald", bin, "--replicas", "2", "--real-desks", "2", "--feed", "20",
		"--kill-every", "2s", "--kill-down", "500ms", "--outage-at", "3s", "--outage", "2s", "--duration", "7s", "--think", "500ms")
	assert.Positive(t, r.Applied)
	assert.Zero(t, r.Rejected)
	assert.Zero(t, r.Mismatches)
	assert.Zero(t, r.Undelivered)
	assert.Positive(t, r.Posted)
	assert.Positive(t, r.Killed)
	assert.Equal(t, 2.0, r.Outage)
	assert.Equal(t, 2, r.RealChecked)
	assert.Zero(t, r.RealMismatch)
}
