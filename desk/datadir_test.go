package desk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAStoreInTheRoamingFolderMovesOnce(t *testing.T) {
	root := t.TempDir()
	legacy := filepath.Join(root, "Roaming", "bhxh-desk")
	local := filepath.Join(root, "Local", "bhxh-desk")
	require.NoError(t, os.MkdirAll(filepath.Join(legacy, "db"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(legacy, "keyring.json"), []byte("{}"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(legacy, "db", "000001.sst"), []byte("data"), 0o600))

	assert.Equal(t, local, chooseDataDir(local, legacy))
	b, err := os.ReadFile(filepath.Join(local, "db", "000001.sst"))
	require.NoError(t, err)
	assert.Equal(t, "data", string(b), "the whole folder moved")
	_, err = os.Stat(legacy)
	assert.True(t, os.IsNotExist(err))

	// A store in both places: the local one is used, the roaming one left alone.
	require.NoError(t, os.MkdirAll(legacy, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(legacy, "keyring.json"), []byte("{}"), 0o600))
	assert.Equal(t, local, chooseDataDir(local, legacy))
	_, err = os.Stat(filepath.Join(legacy, "keyring.json"))
	assert.NoError(t, err, "never deleted")

	// Nothing in the roaming folder: the local one.
	other := filepath.Join(root, "Local2", "bhxh-desk")
	assert.Equal(t, other, chooseDataDir(other, filepath.Join(root, "none")))
}

func TestTheLogRotatesAndHoldsNoFileOpen(t *testing.T) {
	dir := t.TempDir()
	logger, _, err := OpenLog(dir)
	require.NoError(t, err)
	logger.Error("unexpected error", "err", "open store: 001190012345 Nguyễn Thị Hồng Ánh")
	b, err := os.ReadFile(LogPath(dir))
	require.NoError(t, err)
	assert.Contains(t, string(b), "unexpected error")
	assert.NotContains(t, string(b), "001190012345", "personal numbers are masked")
	// The folder moves aside while the program runs (a damaged store set aside on Windows).
	require.NoError(t, os.Rename(dir, dir+".aside"))
	require.NoError(t, os.Rename(dir+".aside", dir))
	line := strings.Repeat("x", 1<<20)
	for range 12 {
		logger.Info(line)
	}
	st, err := os.Stat(LogPath(dir))
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Size(), int64(logMax))
	_, err = os.Stat(LogPath(dir) + ".1")
	assert.NoError(t, err, "rotated")
}
