//go:build !linux && !windows

package storage

// walSyncSupported: elsewhere (macOS, the BSDs) Badger syncs every commit itself (SyncWrites);
// Linux and Windows have their own walSync.
const walSyncSupported = false

// walSync is not used on this system (see walsync_linux.go).
type walSync struct{}

func newWALSync(string) *walSync { return nil }

func (*walSync) sync(bool) (bool, error) { return false, nil }

func (*walSync) close() error { return nil }

// releaseLogViews does nothing here (see openBadgerDB).
func releaseLogViews(string) {}
