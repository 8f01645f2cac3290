//go:build unix

package desk_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
)

const envCorruptDir = "BHXH_CORRUPT_DIR"

// TestCorruptChild opens a (possibly damaged) store the way the desk does and reads all of
// it; it prints OPEN when that worked and DAMAGED <code> when the desk would offer the restore
// path. A panic or a crash is what the parent test counts as a failure.
func TestCorruptChild(t *testing.T) {
	dir := os.Getenv(envCorruptDir)
	if dir == "" {
		t.Skip("started by TestRandomCorruptionNeverCrashes")
	}
	cfg := storage.Config{Dir: dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 8}
	d, sess, err := desk.Open(cfg, backupRef, "truongphong", bpass)
	if err == nil {
		sess.Idle = -1
		_, _, err = d.Sync.Digest()
		if err == nil {
			_, err = d.Intake.List(sess, intake.ListRequest{Kind: intake.ListPending})
		}
		if err == nil {
			_, err = d.DB.VerifyAudit()
		}
		if cerr := d.Close(); err == nil {
			err = cerr
		}
	}
	switch {
	case err == nil:
		fmt.Println("RESULT OPEN")
	default:
		fmt.Printf("RESULT DAMAGED %s %s\n", app.KindOf(err), codeOfErr(err))
		fmt.Printf("MESSAGE %s\n", backupRef.Catalog.Message(app.VI, err))
	}
}

func codeOfErr(err error) string {
	if ae, ok := err.(*app.Error); ok {
		return ae.Code
	}
	return "internal"
}

// TestRandomCorruptionNeverCrashes flips random bytes in the files of a store, 100 times, and
// opens each damaged copy in a child process: every case must end with the store open or with
// a clear "damaged store" error leading to the restore path — never a panic or a crash.
func TestRandomCorruptionNeverCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 100 processes")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	b := newBackupDesk(t)
	b.register(t, fake.New(seed, backupRef.Places), 300)
	require.NoError(t, b.Close())
	var files []string
	require.NoError(t, filepath.WalkDir(b.cfg.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	outcomes := map[string]int{}
	for i := 0; i < 100; i++ {
		dir := filepath.Join(t.TempDir(), "store")
		require.NoError(t, copyDir(b.cfg.Dir, dir))
		victim := files[rng.IntN(len(files))]
		rel, _ := filepath.Rel(b.cfg.Dir, victim)
		data, err := os.ReadFile(filepath.Join(dir, rel))
		require.NoError(t, err)
		if len(data) == 0 {
			i--
			continue
		}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, rel), data, 0o600))

		cmd := exec.Command(os.Args[0], "-test.run=^TestCorruptChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), envCorruptDir+"="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		text := out.String()
		crashed := err != nil || strings.Contains(text, "panic") || !strings.Contains(text, "RESULT ")
		if crashed {
			t.Errorf("case %d (%s): the program crashed:\n%s", i, rel, lastLines(text, 30))
			outcomes["crash"]++
			continue
		}
		result := strings.Fields(text[strings.Index(text, "RESULT ")+7:])
		label := result[0]
		if label == "DAMAGED" {
			label += " " + result[2]
			msg := text[strings.Index(text, "MESSAGE ")+8:]
			msg = msg[:strings.Index(msg, "\n")]
			want := []string{"store_damaged"}
			if kindOfFile(rel) == "keyring" {
				// A damaged key slot cannot be told from a wrong password.
				want = []string{"keyring_damaged", "bad_credentials"}
			}
			assert.Contains(t, want, result[2], "case %d (%s): %s", i, rel, msg)
		}
		outcomes[label+" ("+kindOfFile(rel)+")"]++
	}
	t.Logf("outcomes: %v", outcomes)
	assert.Zero(t, outcomes["crash"])
}

func kindOfFile(rel string) string {
	switch {
	case strings.HasSuffix(rel, ".sst"):
		return "table"
	case strings.HasSuffix(rel, ".vlog"):
		return "value log"
	case strings.HasSuffix(rel, ".mem"):
		return "write-ahead log"
	case strings.Contains(rel, "MANIFEST"):
		return "manifest"
	case strings.Contains(rel, "KEYREGISTRY"):
		return "key registry"
	case strings.HasSuffix(rel, "keyring.json"):
		return "keyring"
	}
	return filepath.Base(rel)
}

func lastLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
