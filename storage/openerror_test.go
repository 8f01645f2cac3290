package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	"bhxhdesk/app"
)

// TestAFullDiskIsNotADamagedStore: a store that cannot open because the disk is full or the
// folder is read-only is said as such — nothing is lost, and the damaged store's re-download
// (which strands the work not sent) is not offered; what Badger cannot read is damage.
func TestAFullDiskIsNotADamagedStore(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code string
	}{
		{fmt.Errorf("create MANIFEST: %w", syscall.ENOSPC), "disk_full"},
		{fmt.Errorf("open vlog: %w", &fs.PathError{Op: "open", Path: "db/000001.vlog", Err: syscall.EROFS}), "store_unwritable"},
		{fmt.Errorf("open vlog: %w", fs.ErrPermission), "store_unwritable"},
		{fmt.Errorf("manifest has bad magic"), "store_damaged"},
	} {
		assert.Equal(t, tc.code, codeOfErr(openError(tc.err)), tc.err.Error())
	}
	assert.Equal(t, "disk_full", codeOfErr(translate("commit", fmt.Errorf("write: %w", syscall.ENOSPC))))
	assert.Equal(t, app.Unavailable, app.KindOf(openError(syscall.ENOSPC)), "not Internal: the desk does not call it damage")
}

func codeOfErr(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
