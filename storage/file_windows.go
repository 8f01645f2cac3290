//go:build windows

package storage

import "golang.org/x/sys/windows"

// replaceFile renames from to to, replacing it, and returns only once the rename is on the
// disk (MOVEFILE_WRITE_THROUGH). Windows refuses to open a folder for a flush ("Access is
// denied"), so the folder itself is never synced here: NTFS journals the rename.
func replaceFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}

// syncDir does nothing on Windows: see replaceFile.
func syncDir(string) error { return nil }
