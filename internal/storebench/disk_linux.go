//go:build linux

package storebench

import "syscall"

// diskSpace is the free and total bytes of the file system holding dir.
func diskSpace(dir string) (free, total uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), true
}

// SettleDisk writes every file's dirty pages to the disk and waits for it (sync(2)), so that
// the writing-back of working copies just made does not fall on the measurements after them.
func SettleDisk() { syscall.Sync() }
