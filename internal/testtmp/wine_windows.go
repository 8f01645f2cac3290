//go:build windows

package testtmp

import (
	"errors"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/windows"
)

// underWine: Wine's ntdll exports wine_get_version; Windows' never does.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// wineRefusal is the error Wine 8 gives Go's RemoveAll: ERROR_INVALID_FUNCTION.
func wineRefusal(err error) bool { return errors.Is(err, windows.ERROR_INVALID_FUNCTION) }

// removeEach removes the files, then the folders deepest first, one call each.
func removeEach(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		pp, _ := windows.UTF16PtrFromString(p)
		_ = windows.DeleteFile(pp)
		return nil
	})
	slices.Reverse(dirs)
	for _, d := range dirs {
		pp, _ := windows.UTF16PtrFromString(d)
		_ = windows.RemoveDirectory(pp)
	}
}
