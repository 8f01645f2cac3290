//go:build linux || windows

package storage

import (
	"fmt"
	"os"
	"path/filepath"
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
