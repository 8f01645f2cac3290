package app

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// readDataFolder reads every *.json file of folder dir in base, then of the folder with the
// same name in each override (an administrator's --rules folder, or the files the centre sent):
// a file with the same name replaces the earlier one. The base folder must exist; an override
// may lack it.
func ReadDataFolder(base fs.FS, dir string, overrides []fs.FS) (map[string][]byte, error) {
	name := path.Base(dir)
	files := map[string][]byte{}
	read := func(f fs.FS, d string, must bool) error {
		entries, err := fs.ReadDir(f, d)
		if err != nil {
			if must {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := fs.ReadFile(f, path.Join(d, e.Name()))
			if err != nil {
				return fmt.Errorf("%s/%s: %w", name, e.Name(), err)
			}
			files[e.Name()] = b
		}
		return nil
	}
	if err := read(base, dir, true); err != nil {
		return nil, err
	}
	for _, o := range overrides {
		if err := read(o, name, false); err != nil {
			return nil, err
		}
	}
	return files, nil
}
