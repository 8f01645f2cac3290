//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"bhxhdesk/internal/lossynet"
)

// runConfig is what `syncbench run` measures and where.
type runConfig struct {
	Centrald   string // the centrald binary
	PouchDir   string // the folder with package.json, replicate.js and node_modules
	Node       string // the node binary
	Work       string // scratch folder (stores, logs, documents)
	Sizes      []int  // initial syncs, ours; the first is also the office of the small cases
	PouchSizes []int  // initial syncs with PouchDB (a subset of Sizes; none skips PouchDB)
	Reps       int    // repetitions of the one-dossier and no-op cases
	// InitialReps is how many offices of the first size sync from scratch (the median is
	// reported); the larger sizes run once.
	InitialReps int
	Batch       int // the desk engine's batch size; its default when zero
	Link        lossynet.Config
}

const (
	centreAddr = "10.213.0.2:8443"
	pouchAddr  = "10.213.0.2:5984"
)

func run(ctx context.Context, cfg runConfig, logw io.Writer) (*results, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("syncbench run needs root (network namespaces and a TUN device)")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	res := &results{Started: time.Now().UTC(), Machine: describeMachine(), Versions: map[string]any{}}
	link, err := lossynet.Open(cfg.Link)
	if err != nil {
		return nil, err
	}
	defer link.Close()
	lc := link.Config()
	res.Link = linkInfo{
		RTTms:      lc.RTT.Milliseconds(),
		Kbit:       lc.Kbit,
		Loss:       lc.Loss,
		QueueBytes: lc.QueueBytes,
		Seed:       lc.Seed,
		Congestion: lc.Congestion,
	}
	logf := func(format string, args ...any) { fmt.Fprintf(logw, "syncbench: "+format+"\n", args...) }
	logf("link %s(%s) <-> %s(%s): rtt %v, %v kbit/s each way, loss %.1f %%, queue %d B, TCP %s", lc.NSA, lc.IPA, lc.NSB, lc.IPB,
		lc.RTT, lc.Kbit, lc.Loss*100, lc.QueueBytes, lc.Congestion)

	caFile, certFile, keyFile, err := benchCerts(cfg.Work, net.ParseIP(lc.IPB), time.Now())
	if err != nil {
		return nil, err
	}
	// The offices: the first size InitialReps times (its initial sync is short and noisy: the
	// median is reported), the others once. The first office also runs the small cases.
	var offices []*benchOffice
	for i, n := range cfg.Sizes {
		reps := 1
		if i == 0 {
			reps = max(1, cfg.InitialReps)
		}
		for r := 0; r < reps; r++ {
			k := len(offices)
			offices = append(offices, &benchOffice{key: fmt.Sprintf("%d-%d", n, r+1), n: n, rep: r + 1, agency: agencyFor(k),
				device: deviceFor(k), seed: uint64(k + 1), docs: filepath.Join(cfg.Work, fmt.Sprintf("docs-%d-%d.jsonl", n, r+1))})
		}
	}
	centreDir := filepath.Join(cfg.Work, "centre")
	for _, o := range offices {
		cmd := exec.CommandContext(ctx, cfg.Centrald, "enroll", "--data", centreDir, "--office", o.agency, "--device", o.device, "--json")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("centrald enroll: %w: %s", err, strings.TrimSpace(stderr.String()))
		}
		var e struct{ Token string }
		if err := json.Unmarshal(out, &e); err != nil || e.Token == "" {
			return nil, fmt.Errorf("centrald enroll answered %q", out)
		}
		o.token = e.Token
	}
	centre, err := startProc(ctx, cfg.Work, "centrald", lc.NSB, nil, "listening on", cfg.Centrald, "serve", "--data", centreDir,
		"--addr", centreAddr, "--tls-cert", certFile, "--tls-key", keyFile)
	if err != nil {
		return nil, err
	}
	defer centre.stop()
	desk, err := startProc(ctx, cfg.Work, "desk", lc.NSA, []string{"SSL_CERT_FILE=" + caFile}, "", self, "desk")
	if err != nil {
		return nil, err
	}
	defer desk.stop()

	m := &measurer{link: link, rtt: lc.RTT}
	initial := map[int]*benchCase{}
	for _, o := range offices {
		start := time.Now()
		a, err := desk.do(command{Cmd: "prepare", Office: o.key, Dir: filepath.Join(cfg.Work, "desk-"+o.key), Agency: o.agency,
			Device: o.device, N: o.n, Seed: o.seed, URL: "https://" + centreAddr, Token: o.token, Docs: o.docs, Batch: cfg.Batch})
		if err != nil {
			return nil, err
		}
		logf("office %s: %d dossiers registered in %.1f s (documents %d B, gzip %d B)", o.agency, a.Docs,
			time.Since(start).Seconds(), a.DocBytes, a.DocGzip)
		if initial[o.n] == nil {
			initial[o.n] = &benchCase{Key: fmt.Sprintf("initial-%d", o.n), Title: fmt.Sprintf("initial sync, %s dossiers", thousands(int64(o.n))),
				Docs: o.n, DocGzip: a.DocGzip, DocRaw: a.DocBytes}
		}
	}
	small := offices[0]
	oneWarm := &benchCase{Key: "one-warm", Title: "one new dossier, warm connection", Docs: 1}
	oneCold := &benchCase{Key: "one-cold", Title: "one new dossier, new connection", Docs: 1}
	noop := &benchCase{Key: "noop", Title: "no-op sync, warm connection"}
	cases := []*benchCase{initial[small.n], oneWarm, oneCold, noop}
	for _, n := range cfg.Sizes[1:] {
		cases = append(cases, initial[n])
	}
	res.Cases = cases

	// The same script for both: each office's initial sync on a new connection; right after
	// the first one, the small cases on the connection it left open.
	script := func(w *proc, allReps bool, pick func(c *benchCase) *side, prep func(o *benchOffice) error, addOne func() error) error {
		for _, o := range offices {
			c := initial[o.n]
			if pick(c) == nil || (o.rep > 1 && !allReps) {
				continue
			}
			if prep != nil {
				if err := prep(o); err != nil {
					return err
				}
			}
			if _, err := w.do(command{Cmd: "cold", Office: o.key}); err != nil {
				return err
			}
			s, err := m.measure(w, command{Cmd: "sync", Office: o.key})
			if err != nil {
				return err
			}
			pick(c).Samples = append(pick(c).Samples, s)
			logf("  %s: %.1f s, up %d B, down %d B, %d requests, %d connections, %d packets lost, %d dropped by the queue", c.Title,
				s.Seconds, s.UpBytes, s.DownBytes, s.Requests, s.Connections, s.Lost, s.QueueDrops)
			if o != small {
				continue
			}
			for _, sc := range []*benchCase{oneWarm, oneCold, noop} {
				for r := 0; r < cfg.Reps; r++ {
					if sc != noop {
						if err := addOne(); err != nil {
							return err
						}
					}
					if sc == oneCold {
						if _, err := w.do(command{Cmd: "cold", Office: small.key}); err != nil {
							return err
						}
					}
					s, err := m.measure(w, command{Cmd: "sync", Office: small.key})
					if err != nil {
						return err
					}
					pick(sc).Samples = append(pick(sc).Samples, s)
				}
				pick(sc).summarise()
				logf("  %s: median %.2f s, up %d B, down %d B, at most %d requests and %d connections", sc.Title,
					pick(sc).Seconds, pick(sc).UpBytes, pick(sc).DownBytes, pick(sc).Requests, pick(sc).Connections)
			}
		}
		for _, c := range cases {
			if pick(c) != nil {
				pick(c).summarise()
			}
		}
		return nil
	}
	logf("ours: centrald in %s, desk in %s", lc.NSB, lc.NSA)
	if err := script(desk, true, func(c *benchCase) *side { return &c.Ours }, nil, func() error {
		_, err := desk.do(command{Cmd: "add", Office: small.key, N: 1})
		return err
	}); err != nil {
		return res, err
	}
	if err := desk.stop(); err != nil {
		return res, fmt.Errorf("desk: %w", err)
	}
	if err := centre.stop(); err != nil {
		return res, fmt.Errorf("centrald: %w", err)
	}
	if len(cfg.PouchSizes) == 0 {
		return res, nil
	}

	// PouchDB: the same documents, the same cases, the same link.
	pouchSet := map[int]bool{}
	for _, n := range cfg.PouchSizes {
		pouchSet[n] = true
	}
	for _, c := range cases {
		if c.Docs <= 1 || pouchSet[c.Docs] {
			c.Pouch = &side{}
		}
	}
	server, err := startProc(ctx, cfg.Work, "pouchdb-server", lc.NSB, nil, "has started", cfg.Node,
		filepath.Join(cfg.PouchDir, "node_modules", "pouchdb-server", "bin", "pouchdb-server"),
		"--host", lc.IPB, "--port", portOf(pouchAddr), "--dir", filepath.Join(cfg.Work, "pouch-server"),
		"--config", filepath.Join(cfg.Work, "pouch-server.json"), "--no-color")
	if err != nil {
		return res, err
	}
	defer server.stop()
	pw, err := startProc(ctx, cfg.Work, "pouch", lc.NSA, nil, "", cfg.Node, filepath.Join(cfg.PouchDir, "replicate.js"))
	if err != nil {
		return res, err
	}
	defer pw.stop()
	hello, err := pw.do(command{Cmd: "hello"})
	if err != nil {
		return res, err
	}
	res.Versions["pouchdb"] = hello.Info
	logf("PouchDB (%s): pouchdb-server in %s, replicator in %s", hello.Info, lc.NSB, lc.NSA)
	next := small.n // the next extra document in the small office's file
	// One office of each size: at 100 s and more a sync, its spread is small beside the ratios.
	err = script(pw, false, func(c *benchCase) *side { return c.Pouch }, func(o *benchOffice) error {
		_, err := pw.do(command{Cmd: "prepare", Office: o.key, Dir: filepath.Join(cfg.Work, "pouch-desk-"+o.key),
			URL: "http://" + pouchAddr + "/desk-" + o.key, Docs: o.docs, From: 0, N: o.n})
		return err
	}, func() error {
		_, err := pw.do(command{Cmd: "add", Office: small.key, Docs: small.docs, From: next, N: 1})
		next++
		return err
	})
	if err != nil {
		return res, err
	}
	if err := pw.stop(); err != nil {
		return res, fmt.Errorf("pouch replicator: %w", err)
	}
	return res, server.stop()
}

// benchOffice is one office of the run: its own store at the desk, enrolment and documents.
type benchOffice struct {
	key    string // "1000-1": size and repetition
	n      int
	rep    int
	agency string
	device string // the desk's device code, as enrolled at the centre
	seed   uint64
	token  string
	docs   string // the documents file the desk writes and PouchDB replays
}

// agencyFor is the agency code of the i-th office (Hà Nội, province 01).
func agencyFor(i int) string { return fmt.Sprintf("01%03d", i+1) }

// deviceFor is the device code of the i-th office's desk (two to four capitals or digits).
func deviceFor(i int) string { return fmt.Sprintf("D%d", i+1) }

func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// measurer reads the link's counters around a worker's command.
type measurer struct {
	link *lossynet.Link
	rtt  time.Duration
}

// quiet waits until nothing has crossed the link for two round trips (at most 5 s), so that
// the end of one case is not counted in the next; it returns the counters.
func (m *measurer) quiet() (ab, ba lossynet.Counters) {
	ab, ba = m.link.Counters()
	stable := time.Now()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		ab2, ba2 := m.link.Counters()
		if ab2 != ab || ba2 != ba {
			ab, ba, stable = ab2, ba2, time.Now()
			continue
		}
		if time.Since(stable) >= 2*m.rtt {
			break
		}
	}
	return ab, ba
}

func (m *measurer) measure(w *proc, c command) (sample, error) {
	ab0, ba0 := m.quiet()
	a, err := w.do(c)
	if err != nil {
		return sample{}, err
	}
	ab1, ba1 := m.quiet()
	up, down := ab1.Sub(ab0), ba1.Sub(ba0)
	return sample{Seconds: a.Seconds, UpBytes: up.Bytes, DownBytes: down.Bytes, UpPackets: up.Packets, DownPackets: down.Packets,
		Requests: a.Requests, Connections: up.Connections, Lost: up.Lost + down.Lost,
		QueueDrops: up.QueueDropped + down.QueueDropped, Answer: a}, nil
}

func describeMachine() machine {
	m := machine{Go: goVersion(), Cores: numCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`)
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemMB = kb / 1024
		}
	}
	return m
}
