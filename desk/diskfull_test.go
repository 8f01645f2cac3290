//go:build linux

package desk_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

const (
	envFullDir  = "BHXH_FULL_DIR"
	envFullSeed = "BHXH_FULL_SEED"
	envFullMin  = "BHXH_FULL_MIN_MB"
)

// TestDiskFullChild registers people until the store refuses, printing ACK for each saved
// registration and REFUSED with the error and how long the refusal took.
func TestDiskFullChild(t *testing.T) {
	dir := os.Getenv(envFullDir)
	if dir == "" {
		t.Skip("started by TestDiskFullLosesNothing")
	}
	seed, _ := strconv.ParseUint(os.Getenv(envFullSeed), 10, 64)
	minMB, _ := strconv.ParseInt(os.Getenv(envFullMin), 10, 64)
	cfg := storage.Config{Dir: dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 8, MinFreeMB: minMB}
	d, sess, err := desk.Open(cfg, backupRef, "truongphong", bpass)
	if err != nil {
		fmt.Printf("REFUSED %s 0\n", codeOfErr(err))
		return
	}
	sess.Idle = -1
	g := fake.New(seed, backupRef.Places)
	for i := 0; i < 20000; i++ {
		start := time.Now()
		res, err := d.Intake.Register(sess, intake.RegisterRequest{Form: g.Form(), NotDuplicate: true})
		if app.KindOf(err) == app.Conflict {
			continue
		}
		if err != nil {
			fmt.Printf("REFUSED %s %d\n", codeOfErr(err), time.Since(start).Milliseconds())
			_ = d.Close()
			return
		}
		fmt.Printf("ACK %s %s\n", res.Dossier.Code, res.Dossier.Form.PersonalID)
	}
	_ = d.Close()
}

// TestDiskFullLosesNothing fills a small file system at 50 points — around the store's
// free-space guard, and with the guard off so that the disk really runs out — and checks that
// the desk says so within a second and that, once space is freed, every registration it
// reported as saved is there.
func TestDiskFullLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes on a small file system")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting the small tmpfs file system needs root (CI runs as root)")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })

	b := newBackupDesk(t)
	require.NoError(t, b.Close())
	dir := filepath.Join(mnt, "store")
	require.NoError(t, copyDir(b.cfg.Dir, dir))
	ballast := filepath.Join(mnt, "ballast")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 5))
	t.Logf("seed %d", seed)
	const guardMB = 48 // more than a memtable and a value-log file: Badger's mmap writes never meet a full disk
	acked := map[string]string{}
	outcomes := map[string]int{}
	for point := 0; point < 50; point++ {
		require.NoError(t, os.RemoveAll(ballast))
		free := freeBytes(t, mnt)
		guard := int64(guardMB)
		target := int64(guardMB<<20) + rng.Int64N(2<<20) // a little room above the guard
		if point%10 == 9 {
			guard = -1 // guard off: the file system itself runs out
			target = int64(rng.IntN(512) << 10)
		}
		if fill := int64(free) - target; fill > 0 {
			require.NoError(t, fillFile(ballast, fill))
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestDiskFullChild$", "-test.count=1", "-test.v")
		cmd.Env = append(
			os.Environ(),
			envFullDir+"="+dir,
			envFullSeed+"="+strconv.Itoa(point+int(seed%1000)*100),
			envFullMin+"="+strconv.FormatInt(guard, 10),
		)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		refused := ""
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 3 && f[0] == "ACK":
				acked[f[1]] = f[2]
			case len(f) == 3 && f[0] == "REFUSED":
				refused = f[1]
				ms, _ := strconv.Atoi(f[2])
				assert.Less(t, ms, 1000, "point %d: the refusal took %d ms", point, ms)
			}
		}
		switch {
		case refused != "":
			outcomes[refused]++
		case err != nil:
			outcomes["killed by the full disk"]++ // allowed: what it reported saved must still be there
		default:
			outcomes["never full"]++
		}
		// Space is freed: everything acknowledged is there, and the store opens and works.
		require.NoError(t, os.RemoveAll(ballast))
		d, _, err := desk.Open(storage.Config{Dir: dir, KDF: storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 8, MinFreeMB: 1},
			backupRef, "truongphong", bpass)
		require.NoError(t, err, "point %d: the store opens once space is freed", point)
		missing := 0
		for code, pid := range acked {
			if !hasDossier(d, code, pid) {
				missing++
			}
		}
		assert.Zero(t, missing, "point %d: registrations reported saved are missing", point)
		rep, err := d.DB.VerifyAudit()
		require.NoError(t, err)
		assert.True(t, rep.OK, "point %d: audit chain", point)
		require.NoError(t, d.Close())
	}
	t.Logf("%d registrations acknowledged; outcomes %v", len(acked), outcomes)
	assert.NotZero(t, outcomes["disk_low"], "the guard refused new work before the disk filled")
	assert.Zero(t, outcomes["never full"], "every point reached a full disk")
}

func hasDossier(d *desk.Desk, code, pid string) bool {
	found := false
	_ = d.DB.View(func(tx app.Tx) error {
		dos, ok, err := tx.Dossier(code)
		found = err == nil && ok && dos.Form.PersonalID == pid
		return err
	})
	return found
}

func freeBytes(t *testing.T, dir string) uint64 {
	t.Helper()
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &st))
	return st.Bavail * uint64(st.Bsize)
}

func fillFile(path string, n int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.Write(buf[:k]); err != nil {
			break // the file system is full: as full as it gets
		}
		n -= k
	}
	return f.Close()
}
