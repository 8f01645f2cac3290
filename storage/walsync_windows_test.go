//go:build windows

package storage

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/testtmp"
)

// TestEveryAcknowledgedCommitFlushesTheLogOnWindows: Badger's own sync of its memory-mapped
// write-ahead log does nothing on Windows, so the store flushes Badger's view of the log and
// the file's buffers after every commit it acknowledges. The counters are the seam: a commit
// that returned without both flushes fails here.
func TestEveryAcknowledgedCommitFlushesTheLogOnWindows(t *testing.T) {
	cfg := Config{Dir: testtmp.Dir(t), KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
	db, _, err := Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	require.NotNil(t, db.wal)
	assert.False(t, db.bdb.Opts().SyncWrites, "Badger's own sync is an msync that does nothing here")
	before := db.wal.fileFlushes.Load()
	views := db.wal.viewFlushes.Load()
	const commits = 50
	for i := 0; i < commits; i++ {
		require.NoError(t, db.Update(func(tx app.Tx) error { return tx.(*Tx).set([]byte(fmt.Sprintf("k/%03d", i)), []byte("001190012345")) }))
		assert.GreaterOrEqual(t, db.wal.fileFlushes.Load()-before, int64(i+1), "commit %d: FlushFileBuffers", i)
		assert.GreaterOrEqual(t, db.wal.viewFlushes.Load()-views, int64(i+1), "commit %d: FlushViewOfFile of Badger's view", i)
	}
	require.NotEmpty(t, db.wal.files)
	newest := db.wal.files[len(db.wal.files)-1]
	assert.NotZero(t, newest.view, "Badger's view of %s was found", filepath.Base(newest.path))
	assert.True(t, mapsFile(newest.view, newest.path))
}
