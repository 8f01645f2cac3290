package wire

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	gosync "sync"

	"bhxhdesk/app"
)

// logMax is the size at which the desk's log is rotated (desk.log → desk.log.1).
const logMax = 5 << 20

// OpenLog opens the desk's log, dataDir/logs/desk.log, through the masking handler: no line
// carries a personal number. Close the returned closer when the program ends.
func OpenLog(dataDir string) (*slog.Logger, io.Closer, error) {
	dir := filepath.Join(dataDir, "logs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	w := &rotating{path: filepath.Join(dir, "desk.log")}
	if err := w.open(); err != nil {
		return nil, nil, err
	}
	return slog.New(app.NewLogHandler(w, slog.LevelInfo)), w, nil
}

// rotating is an append-only file that moves itself aside past logMax.
type rotating struct {
	path string
	mu   gosync.Mutex
	f    *os.File
	size int64
}

func (r *rotating) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return err
	}
	r.f, r.size = f, st.Size()
	return nil
}

func (r *rotating) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.size+int64(len(p)) > logMax {
		_ = r.f.Close()
		_ = os.Rename(r.path, r.path+".1")
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

func (r *rotating) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}
