//go:build !windows

package desk

import (
	"os"
	"path/filepath"
)

// dataDirs: the user's configuration folder (~/.config/bhxh-desk); there is no earlier place.
func dataDirs() (dir, legacy string, err error) {
	config, err := os.UserConfigDir()
	if err != nil {
		return "", "", err
	}
	return filepath.Join(config, "bhxh-desk"), "", nil
}
