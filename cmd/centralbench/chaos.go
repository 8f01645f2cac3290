package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// fleet is centrald replicas run as separate processes on one PostgreSQL database, each on a
// loopback port of its own that it keeps across restarts (as a load balancer's backends do).
type fleet struct {
	bin, db string
	logDir  string
	addrs   []string

	mu    sync.Mutex
	procs []*replica
	log   io.Writer // what the fleet did, with times
	t0    time.Time
}

// replica is one running centrald process; done closes when it has exited.
type replica struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// newFleet picks n free ports and starts a replica on each.
func newFleet(ctx context.Context, bin, db string, n int, log io.Writer) (*fleet, error) {
	dir, err := os.MkdirTemp("", "centralbench-fleet-")
	if err != nil {
		return nil, err
	}
	f := &fleet{bin: bin, db: db, logDir: dir, log: log, t0: time.Now(), procs: make([]*replica, n)}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		f.addrs = append(f.addrs, ln.Addr().String())
		_ = ln.Close()
	}
	for i := range n {
		if err := f.start(ctx, i); err != nil {
			f.stopAll()
			return nil, err
		}
	}
	return f, nil
}

func (f *fleet) urls() []string {
	out := make([]string, len(f.addrs))
	for i, a := range f.addrs {
		out[i] = "http://" + a
	}
	return out
}

func (f *fleet) say(format string, args ...any) {
	fmt.Fprintf(f.log, "centralbench: %5.0f s: "+format+"\n", append([]any{time.Since(f.t0).Seconds()}, args...)...)
}

// start runs replica i and waits until its health check answers.
func (f *fleet) start(ctx context.Context, i int) error {
	logf, err := os.OpenFile(filepath.Join(f.logDir, fmt.Sprintf("replica-%d.log", i)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(f.bin, "serve", "--db", f.db, "--addr", f.addrs[i], "--keys-every", "30s")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return err
	}
	r := &replica{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(r.done) }()
	f.mu.Lock()
	f.procs[i] = r
	f.mu.Unlock()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		resp, err := http.Get("http://" + f.addrs[i] + "/v1/health")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("replica %d on %s did not become healthy (log in %s)", i, f.addrs[i], f.logDir)
}

// kill ends replica i at once (SIGKILL: no graceful shutdown, requests in flight are cut).
func (f *fleet) kill(i int) {
	f.mu.Lock()
	r := f.procs[i]
	f.procs[i] = nil
	f.mu.Unlock()
	if r != nil {
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		<-r.done
	}
}

func (f *fleet) stopAll() {
	for i := range f.procs {
		f.kill(i)
	}
}

// chaosPlan is the failures a run injects, each at a time after the desks start.
type chaosPlan struct {
	KillEvery   time.Duration // kill a replica (in turn) this often, and start it again
	KillDown    time.Duration // how long a killed replica stays down
	PGRestartAt time.Duration // restart PostgreSQL at this time (0: never)
	PGRestart   string        // the command that restarts it (scripts/pg-test.sh's BHXH_TEST_PG_RESTART)
	OutageAt    time.Duration // stop every replica at this time (0: never) …
	Outage      time.Duration // … for this long, then start them all at once
	KilledCount int
	PGRestarted bool
	// DBCPULost is the database's CPU-seconds counted up to the restart: the processes that
	// used them are gone after it, so the run's figure adds them back.
	DBCPULost    float64
	OutageServed bool
}

// run injects the plan's failures into the fleet until ctx ends.
func (p *chaosPlan) run(ctx context.Context, f *fleet) {
	start := time.Now()
	type event struct {
		at time.Duration
		do func()
	}
	var events []event
	n := 0
	for at := p.KillEvery; p.KillEvery > 0 && at < 24*time.Hour; at += p.KillEvery {
		i := n % len(f.addrs)
		n++
		events = append(events, event{at, func() {
			f.say("killing replica %d (SIGKILL)", i)
			f.kill(i)
			p.KilledCount++
			sleepCtx(ctx, p.KillDown)
			if err := f.start(context.WithoutCancel(ctx), i); err != nil {
				f.say("replica %d: %v", i, err)
				return
			}
			f.say("replica %d is back", i)
		}})
	}
	if p.PGRestartAt > 0 && p.PGRestart != "" {
		events = append(events, event{p.PGRestartAt, func() {
			f.say("restarting PostgreSQL")
			before := postgresCPU()
			out, err := exec.Command("sh", "-c", p.PGRestart).CombinedOutput()
			if err != nil {
				f.say("PostgreSQL restart failed: %v\n%s", err, out)
				return
			}
			p.PGRestarted, p.DBCPULost = true, before-postgresCPU()
			f.say("PostgreSQL is back")
		}})
	}
	if p.OutageAt > 0 && p.Outage > 0 {
		events = append(events, event{p.OutageAt, func() {
			f.say("outage: every replica stopped for %s", p.Outage)
			f.stopAll()
			sleepCtx(ctx, p.Outage)
			var wg sync.WaitGroup
			for i := range f.addrs {
				wg.Add(1)
				go func() { defer wg.Done(); _ = f.start(context.WithoutCancel(ctx), i) }()
			}
			wg.Wait()
			p.OutageServed = true
			f.say("outage over: every replica is back, every desk reconnects")
		}})
	}
	// One failure at a time, in time order: an event due while another runs waits for it.
	for len(events) > 0 && ctx.Err() == nil {
		next := 0
		for i, e := range events {
			if e.at < events[next].at {
				next = i
			}
		}
		e := events[next]
		events = append(events[:next], events[next+1:]...)
		if !sleepCtx(ctx, time.Until(start.Add(e.at))) {
			return
		}
		e.do()
	}
}

// sleepCtx sleeps for d or until ctx ends, and says whether it slept the whole time.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
