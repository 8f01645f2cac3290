//go:build linux

// Command syncbench measures the desk's sync over an emulated poor link and compares it with
// PouchDB replicating the same documents into pouchdb-server over the same link (issue 5,
// `make bench-sync`; the method is in the README, "Sync over a poor link").
//
//	syncbench run [flags]   the whole benchmark; needs root. Prints a markdown table on stdout.
//	syncbench desk          a desk worker: run starts it inside namespace lnA
//
// `run` opens the link (internal/lossynet: namespaces lnA and lnB joined by a TUN pair with delay,
// rate limit and seeded loss), starts `centrald serve` with TLS in lnB and a desk worker in lnA,
// registers realistic dossiers through the desk's real intake path, and times the sync engine's
// rounds while reading the link's counters (the bytes on the wire) around each. Then it starts
// pouchdb-server in lnB and bench/pouch/replicate.js in lnA and replays the same documents.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `syncbench — đồng bộ qua đường truyền kém / sync over a poor link %s

  syncbench run [--sizes 1000,10000] [--pouch-sizes 1000] [--initial-reps 11] [--reps 10]
                [--rtt 300ms] [--kbit 256] [--loss 0.05] [--qbytes 32768] [--seed 7] [--cc cubic]
                [--centrald bin/centrald] [--pouch bench/pouch] [--node node]
                [--work DIR] [--keep] [--json FILE] [--md FILE]
  syncbench desk     (started by run inside namespace lnA)
`

func mainArgs(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, version)
		return 2
	}
	switch args[0] {
	case "desk":
		if err := runDesk(stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "syncbench desk:", err)
			return 1
		}
		return 0
	case "run":
	default:
		fmt.Fprintf(stderr, usage, version)
		return 2
	}
	self, _ := os.Executable()
	fs := flag.NewFlagSet("syncbench run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg runConfig
	fs.StringVar(&cfg.Centrald, "centrald", filepath.Join(filepath.Dir(self), "centrald"), "the centrald binary")
	fs.StringVar(&cfg.PouchDir, "pouch", "bench/pouch", "folder of replicate.js and its node_modules")
	fs.StringVar(&cfg.Node, "node", "node", "the node binary")
	fs.StringVar(&cfg.Work, "work", "", "scratch folder (a new temporary one when empty)")
	keep := fs.Bool("keep", false, "keep the scratch folder (stores, logs, documents)")
	sizes := fs.String("sizes", "1000,10000", "dossiers of the initial syncs; the first office also runs the small cases")
	pouchSizes := fs.String(
		"pouch-sizes",
		"1000",
		`initial syncs replayed with PouchDB ("none": no PouchDB; 10,000 takes PouchDB about 25 minutes)`,
	)
	fs.IntVar(&cfg.Batch, "batch", 0, "the desk engine's batch size (0: the engine's default)")
	fs.IntVar(&cfg.InitialReps, "initial-reps", 11, "initial syncs of the first size, ours (the median is reported; PouchDB runs one)")
	fs.IntVar(&cfg.Reps, "reps", 10, "repetitions of the one-dossier and no-op cases (the median is reported)")
	fs.DurationVar(&cfg.Link.RTT, "rtt", 300*time.Millisecond, "round-trip time of the link")
	fs.Float64Var(&cfg.Link.Kbit, "kbit", 256, "rate of each direction, kbit/s")
	fs.Float64Var(&cfg.Link.Loss, "loss", 0.05, "packet loss per direction")
	fs.IntVar(&cfg.Link.QueueBytes, "qbytes", 32<<10, "drop-tail queue of each direction, bytes")
	fs.Uint64Var(&cfg.Link.Seed, "seed", 7, "seed of the losses")
	fs.StringVar(&cfg.Link.Congestion, "cc", "cubic", `TCP congestion control across the link ("" keeps the kernel's)`)
	jsonOut := fs.String("json", "", "write every sample as JSON to this file")
	mdOut := fs.String("md", "", "write the markdown report to this file too")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var err error
	if cfg.Sizes, err = parseSizes(*sizes); err != nil || len(cfg.Sizes) == 0 {
		fmt.Fprintln(stderr, "syncbench: --sizes:", *sizes)
		return 2
	}
	if cfg.PouchSizes, err = parseSizes(*pouchSizes); err != nil {
		fmt.Fprintln(stderr, "syncbench: --pouch-sizes:", *pouchSizes)
		return 2
	}
	if len(cfg.PouchSizes) > 0 && cfg.PouchSizes[0] != cfg.Sizes[0] {
		fmt.Fprintln(stderr, "syncbench: --pouch-sizes must start with the first of --sizes (its office runs the small cases)")
		return 2
	}
	if cfg.Reps < 1 {
		cfg.Reps = 1
	}
	tempWork := cfg.Work == ""
	if tempWork {
		if cfg.Work, err = os.MkdirTemp("", "syncbench-"); err != nil {
			fmt.Fprintln(stderr, "syncbench:", err)
			return 2
		}
	} else if err := os.MkdirAll(cfg.Work, 0o700); err != nil {
		fmt.Fprintln(stderr, "syncbench:", err)
		return 2
	}
	// The children run in the work folder and take paths inside it.
	if cfg.Work, err = filepath.Abs(cfg.Work); err != nil {
		fmt.Fprintln(stderr, "syncbench:", err)
		return 2
	}
	if cfg.Centrald, err = filepath.Abs(cfg.Centrald); err != nil {
		fmt.Fprintln(stderr, "syncbench:", err)
		return 2
	}
	if len(cfg.PouchSizes) > 0 {
		cfg.PouchDir, _ = filepath.Abs(cfg.PouchDir)
		if _, err := os.Stat(filepath.Join(cfg.PouchDir, "node_modules", "pouchdb-server")); err != nil {
			fmt.Fprintf(stderr, "syncbench: %s/node_modules has no pouchdb-server: run npm ci there (make bench-sync does)\n", cfg.PouchDir)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, cfg, stderr)
	if res != nil {
		res.Versions["syncbench"] = version
		if *jsonOut != "" {
			b, _ := json.MarshalIndent(res, "", "  ")
			if werr := os.WriteFile(*jsonOut, b, 0o644); werr != nil {
				fmt.Fprintln(stderr, "syncbench:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "syncbench:", err)
		fmt.Fprintln(stderr, "syncbench: stores and logs kept in", cfg.Work)
		return 1
	}
	if tempWork && !*keep {
		defer os.RemoveAll(cfg.Work)
	}
	md := report(res)
	fmt.Fprint(stdout, md)
	if *mdOut != "" {
		if err := os.WriteFile(*mdOut, []byte(md), 0o644); err != nil {
			fmt.Fprintln(stderr, "syncbench:", err)
			return 1
		}
	}
	return 0
}

func parseSizes(s string) ([]int, error) {
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func goVersion() string { return runtime.Version() }
func numCPU() int       { return runtime.NumCPU() }
