//go:build unix

package sync_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/central"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
	"bhxhdesk/sync"
)

// The kill child's environment: the store folder, the centre's URL, the device token, a run id.
const (
	envKillDir   = "BHXH_KILL_DIR"
	envKillURL   = "BHXH_KILL_URL"
	envKillToken = "BHXH_KILL_TOKEN"
	envKillRun   = "BHXH_KILL_RUN"
	killBatch    = 10
	runHeader    = "X-Test-Run"
)

// runTagger adds the child's run id to every request, so the centre can tell runs apart.
type runTagger struct {
	next http.RoundTripper
	run  string
}

func (r runTagger) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(runHeader, r.run)
	return r.next.RoundTrip(req)
}

// TestKillChild is the syncing process the kill test starts and kills; it does nothing when
// run on its own.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(envKillDir)
	if dir == "" {
		t.Skip("started by TestKillSyncingClient")
	}
	d, sess, err := desk.Open(storage.Config{Dir: dir, KDF: cheapKDF, CacheMB: 16}, ref, "canbo", pass)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	sess.Idle = -1
	c, err := central.NewClient(
		central.ClientConfig{BaseURL: os.Getenv(envKillURL), Token: os.Getenv(envKillToken), Timeout: 10 * time.Second},
	)
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP.Transport = runTagger{next: c.HTTP.Transport, run: os.Getenv(envKillRun)}
	e := &sync.Engine{Local: d.Sync, Remote: func() (sync.Remote, error) { return c, nil }, Batch: killBatch, PageSize: 50}
	if _, _, err := converge(e, 50); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestKillSyncingClient kills the syncing desk with SIGKILL at ≥100 random moments while new
// work keeps arriving between runs. Afterwards every operation is applied exactly once at the
// centre, the outbox is empty, the digests agree, and no run re-sent more than one batch (the
// one whose acknowledgement the kill lost).
func TestKillSyncingClient(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill test takes about a minute")
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 11))
	t.Logf("seed %d", seed)

	type push struct{ ops, repeats int }
	var mu gosync.Mutex
	pushes := map[string][]push{} // by run id, in order
	c := newCentre(t, func(h httpHandler) httpHandler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), runKey{}, r.Header.Get(runHeader))))
		})
	})
	c.Service.OnPush = func(ctx context.Context, _ string, ops, repeats int) {
		run, _ := ctx.Value(runKey{}).(string)
		mu.Lock()
		pushes[run] = append(pushes[run], push{ops, repeats})
		mu.Unlock()
	}

	o := newOffice(t, "01001", "01", "00004", "K7")
	c.enrol(t, o, c.Server.URL)
	dir := o.cfg.Dir
	g := fake.New(seed, ref.Places)
	wantOps := map[string]bool{}
	addWork := func(n int) {
		t.Helper()
		d, sess, err := desk.Open(o.cfg, ref, "truongphong", pass)
		require.NoError(t, err)
		sess.Idle = -1
		for added := 0; added < n; {
			res, err := d.Intake.Register(sess, intake.RegisterRequest{Form: g.Form(), NotDuplicate: true})
			if app.KindOf(err) == app.Conflict {
				continue
			}
			require.NoError(t, err)
			added++
			if rng.IntN(3) == 0 {
				_, err = d.Intake.Act(sess, res.Dossier.Code, intake.ActRequest{Action: app.ActReturn, Missing: []string{"Bản sao CCCD"}})
				require.NoError(t, err)
			}
		}
		ops, err := d.Sync.Outbox(0)
		require.NoError(t, err)
		for _, op := range ops {
			wantOps[op.OpID] = true
		}
		require.NoError(t, d.Close())
	}
	require.NoError(t, o.Close())
	addWork(200)

	runChild := func(run string, kill time.Duration) (killed bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envKillDir+"="+dir, envKillURL+"="+c.Server.URL, envKillToken+"="+o.token, envKillRun+"="+run)
		require.NoError(t, cmd.Start())
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kill == 0 {
			require.NoError(t, <-done, "the last run syncs to the end")
			return false
		}
		select {
		case err := <-done:
			require.NoError(t, err, "run %s", run)
			return false
		case <-time.After(kill):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return true
		}
	}
	kills, runs := 0, 0
	for kills < 100 {
		runs++
		if runChild(strconv.Itoa(runs), time.Duration(20+rng.IntN(400))*time.Millisecond) {
			kills++
		}
		if runs%3 == 0 {
			addWork(5 + rng.IntN(10))
		}
	}
	runs++
	runChild(strconv.Itoa(runs), 0)
	t.Logf("%d runs, %d killed, %d operations", runs, kills, len(wantOps))

	// Exactly once, nothing left behind, the same data on both sides.
	d, sess, err := desk.Open(o.cfg, ref, "canbo", pass)
	require.NoError(t, err)
	defer d.Close()
	sess.Idle = -1
	pending, err := d.Sync.Pending()
	require.NoError(t, err)
	assert.Zero(t, pending)
	got := c.ops(t)["01001/DESK-01001"]
	assert.Len(t, got, len(wantOps))
	for id := range wantOps {
		assert.Equal(t, 1, got[id], "operation %s applied once", id)
	}
	local, _, err := d.Sync.Digest()
	require.NoError(t, err)
	remote, _, err := c.Service.Digest(context.Background(), "01001")
	require.NoError(t, err)
	assert.Equal(t, local, remote)

	// No run re-sent more than one batch, and only its first.
	mu.Lock()
	defer mu.Unlock()
	resent := 0
	for run, ps := range pushes {
		for i, p := range ps {
			if i > 0 {
				assert.Zero(t, p.repeats, "run %s push %d re-sent operations", run, i+1)
			}
			assert.LessOrEqual(t, p.repeats, killBatch, "run %s re-sent more than a batch", run)
			resent += p.repeats
		}
	}
	t.Logf("operations re-sent after kills: %d", resent)
}

type runKey struct{}
