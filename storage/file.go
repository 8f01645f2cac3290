package storage

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file through a synced temporary file and a durable rename, so readers
// see the old content or the new one, never half of either, and the new content survives a
// power cut once it returns.
func WriteFileAtomic(path string, data []byte) error {
	return CreateFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// CreateFileAtomic writes a file with write through a temporary file in the same folder (a
// hidden ".bhxh-*.tmp"), synced, then put in place by a durable rename: a failed write (a
// full disk, a pulled USB drive, an error of write) leaves nothing under path and no
// temporary file behind.
func CreateFileAtomic(path string, write func(io.Writer) error) (err error) {
	name := filepath.Base(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bhxh-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", name, err)
		}
	}()
	if err = os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return replaceFile(tmp.Name(), path)
}

// AtomicFiles is CreateFileAtomic for the services that take it as an interface
// (continuity.Files).
type AtomicFiles struct{}

// CreateFileAtomic is the package's CreateFileAtomic.
func (AtomicFiles) CreateFileAtomic(path string, write func(io.Writer) error) error {
	return CreateFileAtomic(path, write)
}
