package desk

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	gosync "sync"

	"bhxhdesk/app"
)

// logMax is the size at which the desk's log is rotated (desk.log → desk.log.1): the two files
// never hold more than twice this.
const logMax = 5 << 20

// LogPath is where the desk's log of a data folder is kept.
func LogPath(dataDir string) string { return filepath.Join(dataDir, "logs", "desk.log") }

// OpenLog opens the desk's log, dataDir/logs/desk.log, through the masking handler: no line
// carries a personal number. The program built for Windows without a console (-H windowsgui)
// has nowhere else to say what went wrong, and its error screens name this file. Close the
// returned closer when the program ends.
func OpenLog(dataDir string) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(LogPath(dataDir)), 0o700); err != nil {
		return nil, nil, err
	}
	w := &rotating{path: LogPath(dataDir)}
	return slog.New(app.NewLogHandler(w, slog.LevelInfo)), w, nil
}

// rotating appends each line to its file, opened for the write only (a damaged store's folder
// can then be moved aside while the program runs, which Windows refuses for an open file), and
// moves the file aside past logMax.
type rotating struct {
	path string
	mu   gosync.Mutex
}

func (r *rotating) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, err := os.Stat(r.path); err == nil && st.Size()+int64(len(p)) > logMax {
		_ = os.Remove(r.path + ".1") // Windows does not rename over an existing file
		_ = os.Rename(r.path, r.path+".1")
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o700); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Close does nothing: the file is closed after each line.
func (r *rotating) Close() error { return nil }
