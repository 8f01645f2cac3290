//go:build windows

package desk

import (
	"os"
	"path/filepath"
)

// dataDirs: %LocalAppData%\bhxh-desk, and the roaming %AppData%\bhxh-desk of earlier versions.
func dataDirs() (dir, legacy string, err error) {
	local, err := os.UserCacheDir() // %LocalAppData%
	if err != nil {
		return "", "", err
	}
	if roaming, err := os.UserConfigDir(); err == nil { // %AppData%
		legacy = filepath.Join(roaming, "bhxh-desk")
	}
	return filepath.Join(local, "bhxh-desk"), legacy, nil
}
