package storage

import (
	"fmt"

	"bhxhdesk/app"
)

// diskGuard refuses new work when the store's disk is nearly full, so that the officer reads
// "disk almost full" before starting a registration instead of a write failing half-way. It
// asks the file system before every write transaction: a statfs costs a few microseconds, far
// below the fsync that follows.
type diskGuard struct {
	dir  string
	min  int64
	free func(string) (uint64, error)
}

func (db *DB) checkDisk() error {
	g := &db.disk
	if g.min <= 0 {
		return nil
	}
	free, err := g.free(g.dir)
	if err != nil {
		return nil // an unknown file system is not a reason to stop the office
	}
	if free < uint64(g.min) {
		return &app.Error{Kind: app.Unavailable, Code: app.CodeDiskLow,
			Args: map[string]string{"free_mb": fmt.Sprint(free >> 20), "need_mb": fmt.Sprint(g.min >> 20)}}
	}
	return nil
}
