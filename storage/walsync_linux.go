//go:build linux

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
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

// sync makes every transaction committed so far durable. ok is false when there was no
// write-ahead log file to sync. rescan looks for new files whatever the signs say (after a
// bulk load, which may have filled several memtables).
func (w *walSync) sync(rescan bool) (ok bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if rescan || w.stale() {
		if err := w.rescan(); err != nil {
			return false, err
		}
	}
	kept := w.files[:0]
	for _, wf := range w.files {
		if unlinked(wf.f) { // written to a synced table, then deleted
			_ = wf.f.Close()
			continue
		}
		if err := fdatasync(wf.f); err != nil {
			return false, fmt.Errorf("sync %s: %w", wf.f.Name(), err)
		}
		kept = append(kept, wf)
	}
	clear(w.files[len(kept):])
	w.files = kept
	return len(kept) > 0, nil
}

// stale reports whether Badger may have started a memtable this walSync does not know: one
// file after the newest known exists, or the newest known was deleted.
func (w *walSync) stale() bool {
	if len(w.files) == 0 {
		return true
	}
	if nextMemExists(w.dir, w.maxFid) {
		return true
	}
	return unlinked(w.files[len(w.files)-1].f)
}

// rescan opens the .mem files of the folder not known yet.
func (w *walSync) rescan() error {
	mems, err := unknownMemFiles(w.dir, func(fid int) bool {
		return slices.ContainsFunc(w.files, func(wf walFile) bool { return wf.fid == fid })
	})
	if err != nil {
		return err
	}
	for _, m := range mems {
		fid := m.fid
		f, err := os.Open(m.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // flushed and deleted since the listing
		}
		if err != nil {
			return err
		}
		w.files = append(w.files, walFile{fid: fid, f: f})
		w.maxFid = max(w.maxFid, fid)
	}
	slices.SortFunc(w.files, func(a, b walFile) int { return a.fid - b.fid })
	return nil
}

func (w *walSync) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for _, wf := range w.files {
		errs = append(errs, wf.f.Close())
	}
	w.files = nil
	return errors.Join(errs...)
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
