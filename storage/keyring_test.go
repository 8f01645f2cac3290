package storage_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/storage"
)

// cheapKDF keeps tests fast; the real cost is storage.DefaultKDF.
var cheapKDF = storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newConfig(t *testing.T) (storage.Config, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)}
	return storage.Config{Dir: testtmp.Dir(t), KDF: cheapKDF, Now: c.now, CacheMB: 16}, c
}

func TestCreateReopenAndWrongPassword(t *testing.T) {
	cfg, _ := newConfig(t)
	db, secret, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}-[0-9A-HJKMNP-TV-Z*~$=U]$`, secret,
		"32 characters of Crockford's base 32 in groups of four, then the check character")
	require.NoError(t, db.Put([]byte("k"), []byte("001190012345 Nguyễn Thị Hồng Ánh")))
	require.NoError(t, db.Close())

	_, err = storage.Open(cfg, "admin", "sai mật khẩu rồi")
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	assert.ErrorIs(t, err, storage.ErrBadCredentials)
	_, err = storage.Open(cfg, "nobody", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Forbidden, app.KindOf(err), "an unknown user looks like a wrong password")

	db, err = storage.Open(cfg, " ADMIN ", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	v, ok, err := db.Get([]byte("k"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "001190012345 Nguyễn Thị Hồng Ánh", string(v))
	_, ok, err = db.Get([]byte("missing"))
	assert.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, db.Close())

	_, _, err = storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Conflict, app.KindOf(err), "never overwrite an existing store")
}

func TestNoPlaintextOnDisk(t *testing.T) {
	cfg, _ := newConfig(t)
	db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	secrets := [][]byte{[]byte("038085012345"), []byte("0912345678"), []byte("Trần Văn Bình")}
	for i := 0; i < 300; i++ {
		require.NoError(t, db.Put([]byte{byte(i), byte(i >> 8)}, bytes.Join(secrets, []byte("|"))))
	}
	require.NoError(t, db.Close())
	err = filepath.WalkDir(cfg.Dir, func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, s := range secrets {
			assert.False(t, bytes.Contains(data, s), "%s holds %q in the clear", path, s)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestFailedLoginsBackOffPerAccount(t *testing.T) {
	cfg, clk := newConfig(t)
	db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	key := mustKey(t, db)
	require.NoError(t, db.Keyring.AddUser(key, "helpdesk1", "một mật khẩu khác"))
	require.NoError(t, db.Close())

	for i := 0; i < 3; i++ {
		_, err := storage.Open(cfg, "admin", "wrong password!")
		require.Equal(t, app.Forbidden, app.KindOf(err))
	}
	_, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Unavailable, app.KindOf(err), "the fourth attempt must wait")
	var e *app.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "login_backoff", e.Code)

	other, err := storage.Open(cfg, "helpdesk1", "một mật khẩu khác")
	require.NoError(t, err, "other accounts are not locked out")
	require.NoError(t, other.Close())

	// The clock set back a day after the failures: the wait is no longer than the back-off.
	saved := clk.t
	clk.t = clk.t.Add(-24 * time.Hour)
	db, err = storage.Open(cfg, "helpdesk1", "một mật khẩu khác")
	require.NoError(t, err)
	assert.LessOrEqual(t, db.Keyring.Delay("admin"), 2*time.Second, "not the length of the jump")
	require.NoError(t, db.Close())
	clk.t = saved

	clk.t = clk.t.Add(3 * time.Second)
	db, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err, "after the wait the right password works and resets the count")
	assert.Zero(t, db.Keyring.Delay("admin"))
	require.NoError(t, db.Close())
}

func TestPasswordChangeAndRecovery(t *testing.T) {
	cfg, _ := newConfig(t)
	db, secret, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db.Put([]byte("k"), []byte("v")))
	key := mustKey(t, db)
	assert.Equal(t, app.Invalid, app.KindOf(db.Keyring.SetPassword(key, "admin", "short")))
	assert.Equal(t, app.Invalid, app.KindOf(db.Keyring.SetPassword(key, "admin", "admin-1234567")), "no user name in the password")
	require.NoError(t, db.Keyring.SetPassword(key, "admin", "mật khẩu mới 2026"))
	require.NoError(t, db.Close())

	_, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Forbidden, app.KindOf(err))
	db, err = storage.Open(cfg, "admin", "mật khẩu mới 2026")
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = storage.OpenRecovery(cfg, "AAAA-BBBB")
	assert.Equal(t, "recovery_secret_format", codeOf(err), "a secret too short says so")
	db, err = storage.OpenRecovery(cfg, " "+secret[:10]+" "+secret[10:]+" ")
	require.NoError(t, err, "the recovery secret opens the store when every password is lost")
	v, ok, err := db.Get([]byte("k"))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", string(v))
	require.NoError(t, db.Close())
}

func TestTamperedKeyslotOpensNothing(t *testing.T) {
	cfg, _ := newConfig(t)
	db, _, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	path := filepath.Join(cfg.Dir, "keyring.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	// Rename the slot's user: the slot is bound to its user name, so it no longer opens.
	require.NoError(t, os.WriteFile(path, bytes.Replace(data, []byte(`"user": "admin"`), []byte(`"user": "eve"`), 1), 0o600))
	_, err = storage.Open(cfg, "eve", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Forbidden, app.KindOf(err))

	require.NoError(t, os.WriteFile(path, []byte("{not json"), 0o600))
	_, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	assert.Equal(t, app.Internal, app.KindOf(err))

	// A slot edited to ask the KDF for 4 GiB and a billion passes is refused at once, not
	// computed for hours.
	huge := regexp.MustCompile(`"time": \d+`).ReplaceAll(data, []byte(`"time": 1000000000`))
	huge = regexp.MustCompile(`"memory_kib": \d+`).ReplaceAll(huge, []byte(`"memory_kib": 4194304`))
	require.NoError(t, os.WriteFile(path, huge, 0o600))
	start := time.Now()
	_, err = storage.Open(cfg, "admin", "mật-khẩu-đủ-dài")
	assert.Equal(t, "keyring_damaged", codeOf(err))
	assert.Less(t, time.Since(start), 10*time.Second)
}

func mustKey(t *testing.T, db *storage.DB) []byte {
	t.Helper()
	key, err := db.Keyring.Unlock("admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	return key
}

func codeOf(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestTheRecoverySecretIsReadOffPaper: the secret avoids letters that read like digits, takes
// their look-alikes typed instead, says what is wrong with a mistyped one, and still reads the
// secrets of stores made before.
func TestTheRecoverySecretIsReadOffPaper(t *testing.T) {
	cfg, _ := newConfig(t)
	db, secret, err := storage.Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	assert.NotRegexp(t, `[ILOU]`, secret[:len(secret)-1], "no I, L, O or U in the secret")

	// Typed in lower case, 0 as O and 1 as I or L: the same secret.
	typed := strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(secret))
	db, err = storage.OpenRecovery(cfg, typed)
	require.NoError(t, err, "look-alikes are read as what they look like: %s", typed)
	require.NoError(t, db.Close())

	// One character changed: a typing mistake, caught by the check character.
	runes := []rune(secret)
	if runes[0] == '7' {
		runes[0] = '8'
	} else {
		runes[0] = '7'
	}
	_, err = storage.OpenRecovery(cfg, string(runes))
	assert.Equal(t, "recovery_secret_typo", codeOf(err))
	_, err = storage.OpenRecovery(cfg, "U"+secret[1:])
	assert.Equal(t, "recovery_secret_char", codeOf(err))

	// Another store's secret, well formed: not this store's.
	other, _ := newConfig(t)
	db2, secret2, err := storage.Create(other, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db2.Close())
	_, err = storage.OpenRecovery(cfg, secret2)
	assert.Equal(t, "recovery_secret_wrong", codeOf(err))
	assert.Equal(t, app.Forbidden, app.KindOf(err))
}
