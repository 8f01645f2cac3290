//go:build unix

package desk_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
)

// The crash proof of issue 3: a child process (this test binary, re-executed to run only
// TestCrashChild) registers citizens and moves their dossiers through the workflow, printing a
// line for every change only after the service acknowledged it. The parent kills it with SIGKILL
// at a random moment — during start-up, while the store opens, between and during writes — then
// reopens the store and checks that everything acknowledged is there, intact and consistently
// indexed. Environment:
//
//	BHXH_CRASH_RUNS  number of child runs (kill points), 200 when unset
//	BHXH_CRASH_SEED  the seed of every random choice, logged on each run to reproduce a failure
const (
	crashChildDir  = "BHXH_CRASH_CHILD_DIR"  // the store folder: set only in the child
	crashChildSeed = "BHXH_CRASH_CHILD_SEED" // the child's own seed (people and actions)
	crashChildBase = "BHXH_CRASH_CHILD_BASE" // the child's clock start, Unix milliseconds
)

// The child's protocol, one line each on stdout:
//
//	START                                      the test function began (before the store opens)
//	OPEN                                       the store is open and both accounts signed in
//	TRY R                                      Register is called
//	TRY A <code> <action>                      Act is called
//	ACK <code> <pid> <version> <state> <form hash> <dossier hash>
//	                                           the call returned nil: the change is acknowledged
//	NACK <error code>                          the call was refused (a duplicate): nothing written
//
// Hashes are SHA-256 of the JSON of the form and of the whole dossier the service returned.

// crashSum is the hash the protocol carries.
func crashSum(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:12])
}

// crashAckLine is the acknowledgement of a dossier as the service returned it.
func crashAckLine(d app.Dossier) string {
	return fmt.Sprintf("ACK %s %s %d %s %s %s", d.Code, d.Form.PersonalID, d.Version, d.State, crashSum(d.Form), crashSum(d))
}

// TestCrashChild is the writing process of TestCrashSafety; it does nothing on its own.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildDir)
	if dir == "" {
		t.Skip("run by TestCrashSafety as a child process")
	}
	say := func(format string, args ...any) {
		// os.Stdout is unbuffered: the line is in the pipe before the next statement runs.
		if _, err := fmt.Fprintf(os.Stdout, format+"\n", args...); err != nil {
			os.Exit(4)
		}
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "crash child: "+format+"\n", args...)
		os.Exit(3)
	}
	say("START")
	seed, err := strconv.ParseUint(os.Getenv(crashChildSeed), 10, 64)
	if err != nil {
		fail("seed: %v", err)
	}
	baseMs, err := strconv.ParseInt(os.Getenv(crashChildBase), 10, 64)
	if err != nil {
		fail("base: %v", err)
	}
	// The office clock starts at base and runs with real time.
	base, started := time.UnixMilli(baseMs).In(calendar.VN), time.Now()
	now := func() time.Time { return base.Add(time.Since(started)) }

	desk, help, err := desk.Open(proofConfig(dir, now), proofRef(), "motcua", proofPassword)
	if err != nil {
		fail("open: %v", err)
	}
	sup, err := desk.Intake.Login("truongphong", proofPassword)
	if err != nil {
		fail("login: %v", err)
	}
	say("OPEN")
	ack := func(d app.Dossier) { say("%s", crashAckLine(d)) }

	gen := fake.New(seed, proofRef().Places)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var (
		pending []string
		state   = map[string]app.State{}
		// waits holds the open dossiers at a step that only its event (payment, cover) passes:
		// the child returns or rejects them instead.
		waits = map[string]bool{}
	)
	waiting := func(d app.Dossier) bool {
		i := d.StepIndex()
		return d.State == app.StateOpen && i >= 0 && d.Steps[i].Completes != ""
	}
	for i := 0; i < 100000; i++ {
		if len(pending) == 0 || rng.IntN(100) < 55 {
			say("TRY R")
			res, err := desk.Intake.Register(help, intake.RegisterRequest{Form: gen.Form()})
			if err != nil {
				var ae *app.Error
				if errors.As(err, &ae) && ae.Kind == app.Conflict {
					say("NACK %s", ae.Code) // a generated twin of an earlier person
					continue
				}
				fail("register: %v", err)
			}
			ack(res.Dossier)
			pending = append(pending, res.Dossier.Code)
			state[res.Dossier.Code] = res.Dossier.State
			waits[res.Dossier.Code] = waiting(res.Dossier)
			continue
		}
		k := rng.IntN(len(pending))
		code := pending[k]
		req := intake.ActRequest{Action: app.ActAdvance}
		switch r := rng.IntN(100); {
		case state[code] == app.StateReturned:
			// advance on a returned dossier: the citizen brought the missing papers
		case r < 20 || (waits[code] && r < 90):
			req = intake.ActRequest{Action: app.ActReturn, Missing: []string{"Bản sao giấy xác nhận hộ nghèo"}}
		case waits[code]:
			req = intake.ActRequest{Action: app.ActReject, Reason: "Người tham gia đề nghị hủy"}
		case r < 25:
			req = intake.ActRequest{Action: app.ActReject, Reason: "Người tham gia đề nghị hủy"}
		}
		say("TRY A %s %s", code, req.Action)
		d, err := desk.Intake.Act(sup, code, req)
		if err != nil {
			fail("act %s %s: %v", code, req.Action, err)
		}
		ack(d)
		state[code] = d.State
		waits[code] = waiting(d)
		if d.State.Closed() {
			pending = slices.Delete(pending, k, k+1)
		}
	}
	fail("ran out of work before being killed")
}

// crashKnown is what the parent knows of one dossier: the last acknowledged version, or a
// version found committed although the child died before acknowledging it.
type crashKnown struct {
	pid, formHash, dosHash string
	version                int
	acked                  bool
}

// crashRun is one child run and how it ended.
type crashRun struct {
	n        int
	strategy string        // startup, open, write
	delay    time.Duration // the random wait before the kill
	waitAcks int           // acknowledgements waited for (write)
	lines    []string
	stderr   string
	status   string
	stalled  bool // the awaited line did not come within 30 s
}

// TestCrashSafety kills a writing process at ≥200 random points; after each kill the store
// reopens, and every acknowledged registration and workflow change is present and intact:
// the dossier and its form, its indexes, the state counts, the audit chain and the outbox.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash proof takes about a minute")
	}
	runs := 200
	if s := os.Getenv("BHXH_CRASH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "BHXH_CRASH_RUNS")
		runs = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("BHXH_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "BHXH_CRASH_SEED")
		seed = n
	}
	t.Logf("BHXH_CRASH_SEED=%d BHXH_CRASH_RUNS=%d", seed, runs)
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))

	dir := t.TempDir()
	clockAt := proofStart()
	initProofStore(t, proofConfig(dir, func() time.Time { return clockAt }))

	known := map[string]*crashKnown{}
	var (
		stats = map[string]int{}
		// the time from spawn to START and from START to OPEN, measured, to aim the early kills
		toStart, toOpen = 40 * time.Millisecond, 40 * time.Millisecond
		began           = time.Now()
		checking        time.Duration
	)
	for n := 1; n <= runs; n++ {
		clockAt = clockAt.Add(time.Minute) // each run is a later minute of the same office day
		run := &crashRun{n: n}
		switch r := rng.IntN(100); {
		case r < 15:
			run.strategy, run.delay = "startup", time.Duration(rng.Int64N(int64(toStart+toOpen)))
		case r < 40:
			run.strategy, run.delay = "open", time.Duration(rng.Int64N(int64(toOpen)))
		default:
			run.strategy, run.waitAcks, run.delay = "write", rng.IntN(17), time.Duration(rng.Int64N(int64(3*time.Millisecond)))
		}
		childSeed := rng.Uint64()
		st, op := crashOnce(t, run, dir, childSeed, clockAt)
		if st > 0 {
			toStart = (toStart*3 + st) / 4
		}
		if op > 0 {
			toOpen = (toOpen*3 + op) / 4
		}
		if run.status == "killed" {
			stats["kills"]++
			stats["killed_"+crashPhase(run.lines)]++
		}

		problems := crashApply(run, known, stats)
		clockAt = clockAt.Add(time.Minute)
		checkStart := time.Now()
		problems = append(problems, crashVerify(t, dir, func() time.Time { return clockAt }, known, run, stats)...)
		checking += time.Since(checkStart)
		if len(problems) > 0 {
			t.Errorf(
				"run %d (seed %d, child seed %d, %s, delay %v, after %d acks) — %d problems:\n  %s\nchild output:\n  %s\nchild stderr: %s\nstore "+
					"files: %s",
				n,
				seed,
				childSeed,
				run.strategy,
				run.delay,
				run.waitAcks,
				len(problems),
				strings.Join(problems, "\n  "),
				strings.Join(run.lines, "\n  "),
				run.stderr,
				crashListing(dir),
			)
			break
		}
	}
	t.Logf("%d kills in %v (%v of it checking the reopened store): by phase %s", stats["kills"], time.Since(began).Round(time.Millisecond),
		checking.Round(time.Millisecond), crashStats(stats, "killed_"))
	t.Logf("reopened after every kill; %d times a kill had left an empty Badger log file", stats["empty_log_files"])
	t.Logf(
		"acknowledged: %d registrations, %d workflow changes; committed while in flight (unacknowledged, kept): %d registrations, %d changes; "+
			"not committed when in flight: %d",
		stats["acked_register"],
		stats["acked_act"],
		stats["inflight_committed_register"],
		stats["inflight_committed_act"],
		stats["inflight_lost"],
	)
	t.Logf("after every reopen: %d dossiers checked in total (%d at the end, states %s); lost %d, corrupt %d",
		stats["checked"], stats["dossiers"], crashStats(stats, "state_"), stats["lost"], stats["corrupt"])
	require.GreaterOrEqual(t, stats["kills"], min(runs, 200))
	require.Zero(t, stats["lost"], "acknowledged changes lost")
	require.Zero(t, stats["corrupt"], "corrupt dossiers, indexes, counts, outbox or audit chain")
}

// crashListing lists the files of the store folder with their sizes, for a failure report.
func crashListing(dir string) string {
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				rel, _ := filepath.Rel(dir, path)
				out = append(out, fmt.Sprintf("%s (%d)", rel, info.Size()))
			}
		}
		return nil
	})
	return strings.Join(out, ", ")
}

func crashStats(stats map[string]int, prefix string) string {
	var parts []string
	for k, v := range stats {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			parts = append(parts, fmt.Sprintf("%s=%d", rest, v))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// crashPhase names where the child was when it died, from the last line it wrote.
func crashPhase(lines []string) string {
	last := ""
	for _, l := range lines {
		if crashProtocolLine(l) {
			last = l
		}
	}
	switch {
	case last == "":
		return "starting"
	case last == "START":
		return "opening_store"
	case strings.HasPrefix(last, "TRY R"):
		return "registering"
	case strings.HasPrefix(last, "TRY A"):
		return "acting"
	}
	return "between_writes"
}

func crashProtocolLine(l string) bool {
	for _, p := range []string{"START", "OPEN", "TRY ", "ACK ", "NACK "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// crashOnce starts a child, kills it with SIGKILL as the run's strategy says and collects its
// output. It returns the observed spawn→START and START→OPEN times (0 when not seen).
func crashOnce(t *testing.T, run *crashRun, dir string, seed uint64, base time.Time) (toStart, toOpen time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildDir+"="+dir, crashChildSeed+"="+strconv.FormatUint(seed, 10),
		crashChildBase+"="+strconv.FormatInt(base.UnixMilli(), 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	type line struct {
		text string
		at   time.Time
	}
	lines := make(chan line, 1024)
	spawned := time.Now()
	require.NoError(t, cmd.Start())
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- line{sc.Text(), time.Now()}
		}
	}()

	var started, opened time.Time
	acks := 0
	exited := false
	// next receives the next line; false when the child's output ended (it exited by itself).
	next := func(timeout <-chan time.Time) (line, bool) {
		select {
		case l, ok := <-lines:
			if !ok {
				exited = true
				return l, false
			}
			run.lines = append(run.lines, l.text)
			switch {
			case l.text == "START":
				started = l.at
			case l.text == "OPEN":
				opened = l.at
			case strings.HasPrefix(l.text, "ACK "):
				acks++
			}
			return l, true
		case <-timeout:
			return line{}, false
		}
	}
	waitFor := func(ok func() bool) {
		deadline := time.After(30 * time.Second)
		for !ok() && !exited {
			if _, more := next(deadline); !more {
				run.stalled = !exited
				return
			}
		}
	}
	switch run.strategy {
	case "startup":
		time.Sleep(run.delay)
	case "open":
		waitFor(func() bool { return !started.IsZero() })
		time.Sleep(run.delay)
	case "write":
		waitFor(func() bool { return !opened.IsZero() && acks >= run.waitAcks })
		time.Sleep(run.delay)
	}
	killErr := cmd.Process.Signal(syscall.SIGKILL)
	for !exited {
		next(nil)
	}
	werr := cmd.Wait()
	run.stderr = stderr.String()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
		run.status = "killed"
	default:
		run.status = fmt.Sprintf("exited by itself: %v (kill: %v)", werr, killErr)
	}
	if !started.IsZero() {
		toStart = started.Sub(spawned)
		if !opened.IsZero() {
			toOpen = opened.Sub(started)
		}
	}
	return toStart, toOpen
}

// crashApply folds a run's acknowledgements into what the parent knows, and returns the
// protocol problems (a child that was not killed, an acknowledgement going backwards).
func crashApply(run *crashRun, known map[string]*crashKnown, stats map[string]int) []string {
	var problems []string
	if run.status != "killed" {
		problems = append(problems, "the child "+run.status)
	}
	if run.stalled {
		problems = append(problems, "the child wrote nothing for 30 s before it was killed")
	}
	for _, l := range run.lines {
		f := strings.Fields(l)
		if len(f) != 7 || f[0] != "ACK" {
			continue
		}
		v, err := strconv.Atoi(f[3])
		if err != nil {
			problems = append(problems, "unreadable acknowledgement: "+l)
			continue
		}
		k := known[f[1]]
		switch {
		case k == nil && v == 1:
			known[f[1]] = &crashKnown{pid: f[2], version: 1, formHash: f[5], dosHash: f[6], acked: true}
			stats["acked_register"]++
		case k != nil && v == k.version+1 && k.formHash == f[5] && k.pid == f[2]:
			k.version, k.dosHash, k.acked = v, f[6], true
			stats["acked_act"]++
		default:
			problems = append(problems, "acknowledgement out of order: "+l)
		}
	}
	return problems
}
