package storage

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// tableAdvice keeps the store's table files, which Badger maps into memory whole, from
// filling the process's resident memory. A read maps what it touches and the kernel maps the
// pages around it that it holds (64 KiB windows), so each 16 KiB block a lookup reads left
// 64–128 KiB of the file resident, and a newly written table all of its pages: a million-dossier
// store held 120 MB of table pages after a morning's lookups and registrations. Every table is
// advised MADV_RANDOM when first seen (no read-around when a read goes to the disk; RocksDB
// advises the same for its table files) and, at each call, released from the process with
// MADV_DONTNEED: the data stays in the kernel's page cache — as the pages SQLite reads with
// pread do — and a later read maps its page again (a minor fault, microseconds). A release
// costs a walk of the page tables: a tenth of a millisecond for a gigabyte of tables.
type tableAdvice struct {
	mu   sync.Mutex
	seen map[uintptr]bool // mapping starts already advised
}

// advise advises the table files of dir mapped in this process that it has not seen yet and
// releases every one of them. Errors are ignored: advice only saves memory.
func (a *tableAdvice) advise(dir string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[uintptr]bool{}
	}
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	dir = filepath.Clean(dir) + string(filepath.Separator)
	live := map[uintptr]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || !strings.HasPrefix(f[5], dir) || !strings.HasSuffix(f[5], ".sst") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		addr, size := uintptr(start), uintptr(end-start)
		live[addr] = true
		if !a.seen[addr] {
			a.seen[addr] = true
			madvise(addr, size, unix.MADV_RANDOM)
		}
		madvise(addr, size, unix.MADV_DONTNEED)
	}
	for s := range a.seen {
		if !live[s] {
			delete(a.seen, s) // a table removed by a compaction; its address may be reused
		}
	}
}

// madvise is the system call on an address range of this process's mappings (no Go memory is
// touched, so no unsafe pointer is made).
func madvise(addr, length uintptr, advice int) {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, addr, length, uintptr(advice))
}
