//go:build linux

package storage

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// walSync makes committed transactions durable with one fdatasync of Badger's write-ahead log.
// Badger's own SyncWrites msyncs the value log and then the write-ahead log after every commit:
// two flushes of the disk's cache, although the value log holds nothing here — every value this
// store writes is far below the value threshold and lives in the LSM tree, and a transaction
// that writes a bigger one syncs the value log too (Tx.vlog). On the reference machine this took
// a registration's commit from about 2.4× to about 1.3× the disk's fsync floor (cmd/storebench).
//
// Badger keeps each memtable's write-ahead log in "<fid>.mem", fids counting up, and deletes a
// memtable's file only after writing the memtable to a synced table file. So syncing every .mem
// file that still exists makes every commit so far durable. Should Badger ever name its files
// otherwise, no .mem file is found and sync reports it, and the caller falls back to Badger's
// own Sync.
type walSync struct {
	dir    string
	mu     sync.Mutex
	files  []walFile // oldest first
	maxFid int
}

type walFile struct {
	fid int
	f   *os.File
}

func (wf walFile) name() string { return wf.f.Name() }

// walSyncSupported: on Linux the store syncs the write-ahead log itself (see walSync).
const walSyncSupported = true

func newWALSync(dir string) *walSync { return &walSync{dir: dir, maxFid: -1} }

// flush makes one log file's writes durable.
func (w *walSync) flush(wf *walFile) error { return fdatasync(wf.f) }

// gone reports whether the file was deleted (written to a table file first).
func (wf walFile) gone() bool { return unlinked(wf.f) }

func (wf walFile) close() error { return wf.f.Close() }

// openLog opens a log file to sync; ok is false when it was deleted since the listing.
func openLog(m memFile) (wf walFile, ok bool, err error) {
	f, err := os.Open(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return wf, false, nil
	}
	if err != nil {
		return wf, false, err
	}
	return walFile{fid: m.fid, f: f}, true, nil
}

func unlinked(f *os.File) bool {
	var st syscall.Stat_t
	return syscall.Fstat(int(f.Fd()), &st) == nil && st.Nlink == 0
}

func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

// releaseLogViews does nothing on Linux: a mapped file can be truncated (see openBadgerDB).
func releaseLogViews(string) {}
