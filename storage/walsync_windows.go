//go:build windows

package storage

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/windows"
)

// walSync makes committed transactions durable on Windows. Badger writes each memtable's
// write-ahead log ("<fid>.mem") through a memory-mapped view and "syncs" it with an msync that
// is an empty function on Windows (ristretto's z.Msync): with Badger's own SyncWrites nothing
// of the log reaches the disk until Windows writes the pages back when it pleases.
//
// So after each commit the store flushes every .mem file that still exists, the way Windows
// documents for a mapped file: FlushViewOfFile on the view Badger mapped (its dirty pages are
// marked in that view's page table, so only a flush of that view writes them) and then
// FlushFileBuffers on a handle of the file (the data and the file's metadata to the disk's
// platter). The view is found once per file by walking this process's address space for the
// mapped region whose file is the .mem file (GetMappedFileNameW). The handle shares delete
// access, so Badger still deletes a memtable's file after writing it to a table file; a file
// pending deletion is let go.
type walSync struct {
	dir    string
	mu     sync.Mutex
	files  []walFile // oldest first
	maxFid int

	// viewFlushes and fileFlushes count the flushes done, for the tests (the seam that shows
	// every acknowledged commit was flushed).
	viewFlushes, fileFlushes atomic.Int64
}

type walFile struct {
	fid  int
	path string
	h    windows.Handle
	view uintptr // the base of Badger's view of the file; 0 until found
}

func (wf walFile) name() string { return wf.path }

// walSyncSupported: on Windows the store flushes the write-ahead log itself (see walSync).
const walSyncSupported = true

func newWALSync(dir string) *walSync { return &walSync{dir: dir, maxFid: -1} }

// flush writes one log file's dirty pages and buffers to the disk.
func (w *walSync) flush(wf *walFile) error {
	if wf.view == 0 || !mapsFile(wf.view, wf.path) {
		wf.view = findView(wf.path)
	}
	if wf.view != 0 {
		if err := windows.FlushViewOfFile(wf.view, 0); err != nil {
			return err
		}
		w.viewFlushes.Add(1)
	}
	if err := windows.FlushFileBuffers(wf.h); err != nil {
		return err
	}
	w.fileFlushes.Add(1)
	return nil
}

// gone reports whether the file is pending deletion (written to a table file first).
func (wf walFile) gone() bool { return deletePending(wf.h) }

func (wf walFile) close() error { return windows.CloseHandle(wf.h) }

// openLog opens a log file to flush; ok is false when it was deleted, or is pending deletion,
// since the listing.
func openLog(m memFile) (wf walFile, ok bool, err error) {
	h, err := openShared(m.path)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return wf, false, nil
	}
	if err != nil {
		return wf, false, err
	}
	return walFile{fid: m.fid, path: m.path, h: h}, true, nil
}

// openShared opens a file for flushing (FlushFileBuffers needs write access) while letting
// Badger read, write and delete it.
func openShared(path string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	return windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, windows.OPEN_EXISTING,
		windows.FILE_ATTRIBUTE_NORMAL, 0)
}

// deletePending reports whether the file was deleted (its last handle, ours, keeps it).
func deletePending(h windows.Handle) bool {
	var info struct {
		AllocationSize int64
		EndOfFile      int64
		NumberOfLinks  uint32
		DeletePending  bool
		Directory      bool
	}
	err := windows.GetFileInformationByHandleEx(h, windows.FileStandardInfo, (*byte)(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	return err == nil && (info.DeletePending || info.NumberOfLinks == 0)
}

var procGetMappedFileName = windows.NewLazySystemDLL("kernel32.dll").NewProc("K32GetMappedFileNameW")

// mappedName is the file mapped at addr in this process, as the system names it
// ("\Device\HarddiskVolume3\…"), lower-case with back slashes; "" when none.
func mappedName(addr uintptr) string {
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, _, _ := procGetMappedFileName.Call(uintptr(windows.CurrentProcess()), addr, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if n == 0 {
		return ""
	}
	return strings.ToLower(strings.ReplaceAll(windows.UTF16ToString(buf[:n]), "/", `\`))
}

// pathTail is a path without its volume ("\Users\…\db\00001.mem"), lower-case: the part the
// system's name of a mapped file ends with, whatever it calls the volume.
func pathTail(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return strings.ToLower(strings.TrimPrefix(path, filepath.VolumeName(path)))
}

// mapsFile reports whether the view at base still maps path.
func mapsFile(base uintptr, path string) bool {
	var mbi windows.MemoryBasicInformation
	if windows.VirtualQuery(base, &mbi, unsafe.Sizeof(mbi)) != nil || mbi.AllocationBase != base || mbi.Type != memMapped {
		return false
	}
	return strings.HasSuffix(mappedName(base), pathTail(path))
}

// memMapped is MEM_MAPPED: a region that maps a view of a section.
const memMapped = 0x40000

// findView walks this process's address space for a view of path and returns its base, or 0.
func findView(path string) uintptr {
	tail := pathTail(path)
	var mbi windows.MemoryBasicInformation
	for addr := uintptr(0); ; {
		if windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)) != nil {
			return 0
		}
		if mbi.Type == memMapped && mbi.BaseAddress == mbi.AllocationBase && mbi.State == windows.MEM_COMMIT &&
			strings.HasSuffix(mappedName(mbi.BaseAddress), tail) {
			return mbi.BaseAddress
		}
		next := mbi.BaseAddress + mbi.RegionSize
		if next <= addr {
			return 0
		}
		addr = next
	}
}

// releaseLogViews unmaps the views of the folder's write-ahead and value-log files that a
// failed open left in this process (see openBadgerDB). Only called while no store of the
// folder is open here.
func releaseLogViews(dir string) {
	prefix := pathTail(dir) + `\`
	var mbi windows.MemoryBasicInformation
	for addr := uintptr(0); ; {
		if windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)) != nil {
			return
		}
		if mbi.Type == memMapped && mbi.BaseAddress == mbi.AllocationBase {
			name := mappedName(mbi.BaseAddress)
			if i := strings.LastIndex(name, prefix); i >= 0 && (strings.HasSuffix(name, memExt) || strings.HasSuffix(name, ".vlog")) &&
				!strings.Contains(name[i+len(prefix):], `\`) {
				_ = windows.UnmapViewOfFile(mbi.BaseAddress)
			}
		}
		next := mbi.BaseAddress + mbi.RegionSize
		if next <= addr {
			return
		}
		addr = next
	}
}
