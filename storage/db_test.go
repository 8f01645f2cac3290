package storage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/storage"
)

// A process killed while Badger creates a write-ahead (.mem) or value-log (.vlog) file leaves
// that file empty. The store must still open, with everything written before.
func TestOpenAfterACrashLeftAnEmptyLogFile(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"an empty write-ahead log", "00042.mem"},
		{"an empty value log", "000042.vlog"},
		{"both", "00043.mem:000043.vlog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := newConfig(t)
			db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
			require.NoError(t, err)
			require.NoError(t, db.Put([]byte("k"), []byte("001190012345 Nguyễn Thị Hồng Ánh")))
			require.NoError(t, db.Close())
			for _, f := range filepath.SplitList(tc.file) {
				require.NoError(t, os.WriteFile(filepath.Join(cfg.Dir, "db", f), nil, 0o600))
			}
			for i := 0; i < 2; i++ {
				db, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
				require.NoError(t, err, "open %d", i+1)
				v, ok, err := db.Get([]byte("k"))
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, "001190012345 Nguyễn Thị Hồng Ánh", string(v))
				require.NoError(t, db.Put([]byte{byte(i)}, []byte("v")))
				require.NoError(t, db.Close())
			}
		})
	}
}
