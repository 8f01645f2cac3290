//go:build linux || windows

package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/testtmp"
)

// memFiles lists the write-ahead log files Badger has in the store's folder, by name.
func memFiles(t *testing.T, db *DB) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(db.cfg.Dir, "db"))
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		if strings.HasSuffix(e.Name(), memExt) {
			out = append(out, e.Name())
		}
	}
	return out
}

func syncedFiles(db *DB) []string {
	var out []string
	for _, wf := range db.wal.files {
		out = append(out, filepath.Base(wf.name()))
	}
	return out
}

func TestCommitsSyncTheWriteAheadLogThroughMemtableChanges(t *testing.T) {
	dir := testtmp.Dir(t)
	cfg := Config{Dir: dir, KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
	db, _, err := Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NotNil(t, db.wal, "on Linux and Windows the store syncs the write-ahead log itself")
	assert.False(t, db.bdb.Opts().SyncWrites)

	// 60 commits of 600 KB fill the 12 MB memtable twice over.
	value := bytes.Repeat([]byte("dữ liệu "), 600_000/len("dữ liệu "))
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		require.NoError(t, db.Update(func(t app.Tx) error { return t.(*Tx).set([]byte(fmt.Sprintf("big/%03d", i)), value) }))
		mems := memFiles(t, db)
		require.NotEmpty(t, mems)
		newest := slices.Max(mems)
		seen[newest] = true
		assert.Contains(t, syncedFiles(db), newest, "commit %d: the memtable written to is synced", i)
		assert.LessOrEqual(t, len(syncedFiles(db)), 3, "flushed memtables' files are let go")
	}
	assert.GreaterOrEqual(t, len(seen), 3, "the commits went through several memtables")

	// A value for the value log syncs it too.
	huge := bytes.Repeat([]byte{7}, valueThreshold+10)
	require.NoError(t, db.Update(func(t app.Tx) error { return t.(*Tx).set([]byte("huge"), huge) }))
	require.NoError(t, db.Put([]byte("raw"), []byte("giá trị")))
	require.NoError(t, db.Delete([]byte("big/000")))
	require.NoError(t, db.Close())

	db, err = Open(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	for k, want := range map[string][]byte{"big/059": value, "huge": huge, "raw": []byte("giá trị")} {
		got, ok, err := db.Get([]byte(k))
		require.NoError(t, err)
		require.True(t, ok, k)
		assert.Equal(t, want, got, k)
	}
	_, ok, err := db.Get([]byte("big/000"))
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestWALSyncReportsWhenItFindsNoLog(t *testing.T) {
	w := newWALSync(testtmp.Dir(t))
	ok, err := w.sync(false)
	require.NoError(t, err)
	assert.False(t, ok, "no write-ahead log: the store falls back to Badger's Sync")
	require.NoError(t, w.close())
}
