// Package testtmp gives tests a temporary folder that is removed when the test ends, as
// testing.T.TempDir does, and that also works when the Windows test binaries run under Wine:
// Go 1.26's os.RemoveAll deletes with FileDispositionInformationEx, which Wine 8 rejects
// ("Invalid function"), so every TempDir cleanup would fail a test that passed. Under Wine
// (detected by its ntdll export wine_get_version, never on real Windows) exactly that error is
// tolerated: the folder is emptied file by file instead, and what cannot be removed is left.
package testtmp

import (
	"os"
	"testing"
)

// Dir returns a new temporary folder for the test, removed when it ends.
func Dir(tb testing.TB) string {
	tb.Helper()
	if !underWine() {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("", "bhxh-test-")
	if err != nil {
		tb.Fatalf("testtmp: %v", err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil && !wineRefusal(err) {
			tb.Errorf("testtmp: remove %s: %v", dir, err)
		} else if err != nil {
			removeEach(dir)
		}
	})
	return dir
}

// UnderWine reports whether the program runs under Wine.
func UnderWine() bool { return underWine() }
