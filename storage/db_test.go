package storage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/storage"
)

// A process killed while Badger creates a write-ahead (.mem) or value-log (.vlog) file leaves
// that file empty. The store must still open, with everything written before.
func TestOpenAfterACrashLeftAnEmptyLogFile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"an empty write-ahead log", []string{"00042.mem"}},
		{"an empty value log", []string{"000042.vlog"}},
		{"both", []string{"00043.mem", "000043.vlog"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := newConfig(t)
			db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
			require.NoError(t, err)
			require.NoError(t, db.Put([]byte("k"), []byte("001190012345 Nguyễn Thị Hồng Ánh")))
			require.NoError(t, db.Close())
			for _, f := range tc.files {
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

// TestAnOpenStoreHoldsLittleDisk: Badger pre-sizes its log files, and NTFS does not make them
// sparse, so what an open store of a new office holds is the sum of its files' apparent sizes.
func TestAnOpenStoreHoldsLittleDisk(t *testing.T) {
	cfg, _ := newConfig(t)
	db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db.Put([]byte("k"), []byte("v")))
	defer func() { require.NoError(t, db.Close()) }()
	var total int64
	files := map[string]int64{}
	require.NoError(t, filepath.WalkDir(cfg.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		files[filepath.Base(p)] = st.Size()
		total += st.Size()
		return nil
	}))
	t.Logf("an open new store holds %.1f MiB: %v", float64(total)/(1<<20), files)
	assert.Less(t, total, int64(40<<20), "under 40 MiB of apparent size while open")
}

// TestASecondProgramIsToldTheStoreIsInUse: the desk holds the store, and the command line (or a
// second desk window) is told it is in use, not that it is damaged.
func TestASecondProgramIsToldTheStoreIsInUse(t *testing.T) {
	cfg, _ := newConfig(t)
	db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	_, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	var e *app.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "store_in_use", e.Code, "%v", err)
	assert.Equal(t, app.Unavailable, e.Kind)
}
