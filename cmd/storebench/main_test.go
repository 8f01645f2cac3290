package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary stand in for the program when run spawns a worker.
func TestMain(m *testing.M) {
	if slices.Contains(os.Args, "--worker") {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// fingerprint hashes every file under dir with its path.
func fingerprint(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		fmt.Fprintln(h, path)
		_, err = io.Copy(h, f)
		return err
	}))
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestRunMeasuresEveryStoreAndKeepsTheCacheAsLoaded(t *testing.T) {
	cache := t.TempDir()
	args := []string{"--n", "2000", "--cache", cache, "--registrations", "40", "--lookups", "40", "--fsyncs", "20", "--rounds", "3", "--opens", "2"}
	var out, errs bytes.Buffer
	require.Equal(t, 0, run(args, &out, &errs), errs.String())
	table := out.String()
	assert.Contains(t, table, "Machine: ")
	assert.Contains(t, table, "#### 2,000 dossiers")
	assert.Contains(t, table, "| durable registration (intake.Service.Register) p50 (rounds' p50s) |")
	assert.Contains(t, table, "| SQLite, pure Go |")
	assert.Contains(t, table, "Timings alternated in one process, 3 rounds")
	assert.Contains(t, table, "the same rows from every store")
	assert.Contains(t, errs.String(), "loading ours and sqlite")

	sets, err := filepath.Glob(filepath.Join(cache, "n2000-*"))
	require.NoError(t, err)
	require.Len(t, sets, 1)
	before := fingerprint(t, sets[0])
	out.Reset()
	errs.Reset()
	require.Equal(t, 0, run(args, &out, &errs), errs.String())
	assert.Contains(t, errs.String(), "cached in")
	assert.Contains(t, out.String(), "from the cache")
	assert.Equal(t, before, fingerprint(t, sets[0]), "a run measures a copy: the cached stores stay as loaded")
	_, err = os.Stat(filepath.Join(sets[0], "run"))
	assert.True(t, os.IsNotExist(err), "the working copies are removed")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--n", "10"}, {"--n", "abc"}, {"--rounds", "0"}, {"--today", "15/04/2026"}, {"extra"}} {
		var out, errs bytes.Buffer
		assert.Equal(t, 2, run(args, &out, &errs), strings.Join(args, " "))
		assert.NotEmpty(t, errs.String())
	}
}
