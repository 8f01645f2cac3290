//go:build !linux

package storage

// walSyncSupported: elsewhere Badger syncs every commit itself (SyncWrites), as file deletion
// and flushing differ (an open file cannot be deleted on Windows).
const walSyncSupported = false

// walSync is not used on this system (see walsync_linux.go).
type walSync struct{}

func newWALSync(string) *walSync { return nil }

func (*walSync) sync(bool) (bool, error) { return false, nil }

func (*walSync) close() error { return nil }
