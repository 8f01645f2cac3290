//go:build linux || windows

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// memExt is the extension of Badger's memtable files: its write-ahead log.
const memExt = ".mem"

// memFile is one memtable file of the store's folder.
type memFile struct {
	fid  int
	path string
}

// unknownMemFiles lists the memtable files of dir whose file id known does not hold.
func unknownMemFiles(dir string, known func(fid int) bool) ([]memFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []memFile
	for _, e := range entries {
		fid, err := strconv.Atoi(strings.TrimSuffix(e.Name(), memExt))
		if !strings.HasSuffix(e.Name(), memExt) || err != nil || known(fid) {
			continue
		}
		out = append(out, memFile{fid: fid, path: filepath.Join(dir, e.Name())})
	}
	return out, nil
}

// nextMemExists reports whether Badger has started the memtable after file maxFid.
func nextMemExists(dir string, maxFid int) bool {
	_, err := os.Stat(filepath.Join(dir, fmt.Sprintf("%05d%s", maxFid+1, memExt)))
	return err == nil
}

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
		if wf.gone() {
			_ = wf.close()
			continue
		}
		if err := w.flush(&wf); err != nil {
			return false, fmt.Errorf("flush %s: %w", filepath.Base(wf.name()), err)
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
	return w.files[len(w.files)-1].gone()
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
		wf, ok, err := openLog(m)
		if err != nil {
			return err
		}
		if ok {
			w.files = append(w.files, wf)
			w.maxFid = max(w.maxFid, wf.fid)
		}
	}
	slices.SortFunc(w.files, func(a, b walFile) int { return a.fid - b.fid })
	return nil
}

func (w *walSync) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for _, wf := range w.files {
		errs = append(errs, wf.close())
	}
	w.files = nil
	return errors.Join(errs...)
}
