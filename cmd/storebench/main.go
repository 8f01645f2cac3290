// Command storebench measures the office store against SQLite — native (mattn/go-sqlite3, when
// built with cgo and the sqlite_fts5 tag) and the pure-Go port — at 100,000 and 1,000,000 stored
// dossiers (`make bench-store`) and prints the Markdown table of the README: durable
// registration against the disk's fsync floor, lookup by personal ID, folded-name search, the
// whole due-today list, open time and resident memory, every store with its goal and the ratio
// of ours to native SQLite.
//
//	storebench [--n 100000,1000000] [--seed 1] [--today 2026-04-15] [--cache DIR] [--rounds 10] [--opens 5]
//
// The data sets are generated once and kept in the cache folder, keyed by size, seed, day and
// format; each run measures fresh copies, so the cached stores stay as loaded. The timings are
// taken in one process that holds every store open and runs the workload on them in turns
// (--rounds), so that they see the same machine; the open time (--opens fresh processes per
// store, in turns) and the memory after a working session are each taken in a fresh process of
// the store's own (the same program, with --worker). The exit status is 1 when the stores
// answer differently (and, with --strict, when a goal is missed), 2 on a usage or set-up error.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/internal/storebench"
	"bhxhdesk/storage"
)

// The formats of the cached data sets: the generator's (dataset.json), our store's and the
// SQLite peer's. Raise one when what it names changes, so that only that part is made again.
const (
	datasetVersion = "v1"
	oursVersion    = "v9" // 9: presence keys (personal ID, name and year, name and birth date)
	peerVersion    = "v6" // 6: covering indexes, the name index in the query's order
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type options struct {
	sizes    []int
	seed     uint64
	today    calendar.Date
	cache    string
	keep     bool
	strict   bool
	workload storebench.Workload
	rounds   int
	opens    int
	// worker mode: measure in this process (a store's session, its open, or the alternation).
	worker, dir, dataset   string
	openOnly               bool
	cpuProfile, memProfile string
}

func parse(args []string, stderr io.Writer) (options, error) {
	o := options{workload: storebench.DefaultWorkload}
	fl := flag.NewFlagSet("storebench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sizes := fl.String("n", "100000,1000000", "data set sizes, comma-separated")
	fl.Uint64Var(&o.seed, "seed", 1, "seed of the fake people")
	today := fl.String("today", "2026-04-15", "the benchmark's today (YYYY-MM-DD, a working day)")
	fl.StringVar(&o.cache, "cache", filepath.Join(os.TempDir(), "bhxh-storebench"), "folder of the cached data sets")
	fl.BoolVar(&o.keep, "keep", false, "keep the working copies after the run")
	fl.BoolVar(&o.strict, "strict", false, "exit with status 1 when a goal is missed")
	fl.IntVar(&o.workload.Registrations, "registrations", o.workload.Registrations, "durable registrations timed per store")
	fl.IntVar(&o.workload.Lookups, "lookups", o.workload.Lookups, "lookups by personal ID per store")
	fl.IntVar(&o.workload.FsyncSamples, "fsyncs", o.workload.FsyncSamples, "rounds of each fsync floor")
	fl.IntVar(&o.rounds, "rounds", 10, "rounds of the alternated timings")
	fl.IntVar(&o.opens, "opens", 5, "fresh processes that open each store")
	fl.StringVar(&o.worker, "worker", "", "internal: measure in this process (ours|sqlite|sqlite-go|alternate) and print JSON")
	fl.BoolVar(&o.openOnly, "open-only", false, "internal: with --worker STORE, time one open")
	fl.StringVar(&o.dir, "dir", "", "internal: the store's working copy")
	fl.StringVar(&o.dataset, "dataset", "", "internal: the data set's description (JSON)")
	fl.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of each store's measurement to FILE.<store>")
	fl.StringVar(&o.memProfile, "memprofile", "", "write a heap profile at the end of each store's measurement to FILE.<store>")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	if fl.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fl.Args())
	}
	if o.rounds < 1 || o.opens < 1 {
		return o, fmt.Errorf("--rounds and --opens must be at least 1")
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(s, "_", "")))
		if err != nil || n < 1000 {
			return o, fmt.Errorf("--n: %q is not a size of at least 1000", s)
		}
		o.sizes = append(o.sizes, n)
	}
	d, err := calendar.ParseDate(*today)
	if err != nil {
		return o, fmt.Errorf("--today: %w", err)
	}
	o.today = d
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "storebench:", err)
		}
		return 2
	}
	ref, err := assets.Load()
	if err != nil {
		fmt.Fprintln(stderr, "storebench:", err)
		return 2
	}
	if o.worker != "" {
		// Every store's process runs with the limit the desk's programs set.
		storage.LimitMemory(0)
		return worker(ref, o, stdout, stderr)
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	if err := os.MkdirAll(o.cache, 0o700); err != nil {
		fmt.Fprintln(stderr, "storebench:", err)
		return 2
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "Machine: %s.\n\n", storebench.Machine(o.cache))
	failed := false
	for _, n := range o.sizes {
		r, err := measure(ref, o, n, logf)
		if err != nil {
			fmt.Fprintf(stderr, "storebench: %d dossiers: %v\n", n, err)
			return 2
		}
		r.WriteMarkdown(&out)
		if len(r.Disagree()) > 0 || (o.strict && len(r.Failed()) > 0) {
			failed = true
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return 2
	}
	if failed {
		return 1
	}
	return 0
}

// measure makes (or finds) the data set of n dossiers and measures both stores on a copy.
func measure(ref *assets.Reference, o options, n int, logf func(string, ...any)) (storebench.Run, error) {
	spec := storebench.Spec{N: n, Seed: o.seed, Today: o.today}
	dir := filepath.Join(o.cache, fmt.Sprintf("n%d-seed%d-%s-%s", n, o.seed, o.today, datasetVersion))
	meta := filepath.Join(dir, "dataset.json")
	stores := map[string]string{storebench.Ours: filepath.Join(dir, storebench.Ours+"-"+oursVersion),
		storebench.Peer: filepath.Join(dir, storebench.Peer+"-"+peerVersion)}
	r := storebench.Run{}
	var cached storebench.Dataset
	haveMeta := false
	if b, err := os.ReadFile(meta); err == nil && json.Unmarshal(b, &cached) == nil && cached.Spec == spec {
		haveMeta = true
	}
	// A store's folder counts only with its "loaded" mark, written last: without it the folder
	// is an interrupted load.
	missing := map[string]string{}
	for kind, d := range stores {
		if _, err := os.Stat(filepath.Join(d, "loaded")); err != nil || !haveMeta {
			if err := os.RemoveAll(d); err != nil {
				return r, err
			}
			missing[kind] = d
		}
	}
	if len(missing) == 0 {
		r.Data = cached
		logf("%d dossiers: cached in %s", n, dir)
	} else {
		names := slices.Sorted(maps.Keys(missing))
		logf("%d dossiers: loading %s into %s", n, strings.Join(names, " and "), dir)
		start := time.Now()
		oursDir, peerPath := missing[storebench.Ours], missing[storebench.Peer]
		if peerPath != "" {
			peerPath = filepath.Join(peerPath, storebench.PeerFile)
		}
		ds, err := storebench.Load(ref, spec, oursDir, peerPath, logf)
		if err != nil {
			return r, err
		}
		r.Data, r.Loaded = ds, time.Since(start)
		b, err := json.Marshal(ds)
		if err != nil {
			return r, err
		}
		if err := os.WriteFile(meta, b, 0o600); err != nil {
			return r, err
		}
		for _, d := range missing {
			if err := os.WriteFile(filepath.Join(d, "loaded"), nil, 0o600); err != nil {
				return r, err
			}
		}
		logf("%d dossiers: loaded in %s", n, r.Loaded.Round(time.Second))
	}
	work := filepath.Join(dir, "run")
	if !o.keep {
		defer func() { _ = os.RemoveAll(work) }()
	}
	r.Stores, r.Results = storebench.Kinds(), map[string]storebench.Result{}
	dirs := map[string]string{}
	for _, kind := range r.Stores {
		copyDir, from := filepath.Join(work, kind), stores[storebench.Ours]
		if kind != storebench.Ours {
			from = stores[storebench.Peer]
		}
		if err := os.RemoveAll(copyDir); err != nil {
			return r, err
		}
		if err := workingCopy(from, copyDir); err != nil {
			return r, fmt.Errorf("copy %s: %w", kind, err)
		}
		dirs[kind] = copyDir
	}
	// The copies (gigabytes at a million dossiers) reach the disk before anything is timed.
	storebench.SettleDisk()
	// The opens first, on the copies as loaded; the stores in turns.
	opens := map[string][]time.Duration{}
	unlocks := map[string][]time.Duration{}
	logf("%d dossiers: opening each store in %d fresh processes", n, o.opens)
	for round := 0; round < o.opens; round++ {
		for k := range r.Stores {
			kind := r.Stores[(k+round)%len(r.Stores)]
			var res storebench.Result
			if err := spawn(&res, "--worker", kind, "--open-only", "--dir", dirs[kind], "--dataset", meta); err != nil {
				return r, fmt.Errorf("open %s: %w", kind, err)
			}
			opens[kind], unlocks[kind] = append(opens[kind], res.Open), append(unlocks[kind], res.Unlock)
		}
	}
	// A working session in a process of each store's own, for its memory.
	sessions := map[string]storebench.Result{}
	for _, kind := range r.Stores {
		logf("%d dossiers: a working session on %s", n, kind)
		var res storebench.Result
		if err := spawn(&res, sessionArgs(o, kind, dirs[kind], meta)...); err != nil {
			return r, fmt.Errorf("%s: %w", kind, err)
		}
		sessions[kind] = res
	}
	logf("%d dossiers: timing the stores in turns, %d rounds", n, o.rounds)
	args := append([]string{"--worker", "alternate", "--dir", work, "--dataset", meta, "--rounds", fmt.Sprint(o.rounds)}, workloadArgs(o)...)
	if o.cpuProfile != "" {
		args = append(args, "--cpuprofile", o.cpuProfile)
	}
	if err := spawn(&r.Alt, args...); err != nil {
		return r, err
	}
	for _, kind := range r.Stores {
		res, s := r.Alt.Results[kind], sessions[kind]
		res.Memory, res.AfterWrites, res.DiskBytes, res.DefaultKDF = s.Memory, s.AfterWrites, s.DiskBytes, s.DefaultKDF
		res.SessionRegistrations, res.SessionSearches = s.SessionRegistrations, s.SessionSearches
		each := make([][]time.Duration, len(opens[kind]))
		for i, d := range opens[kind] {
			each[i] = []time.Duration{d}
		}
		res.Opens = storebench.Spread(each)
		res.Open, res.Unlock = res.Opens.P50, storebench.StatsOf(unlocks[kind]).P50
		r.Results[kind] = res
	}
	return r, nil
}

func workloadArgs(o options) []string {
	w := o.workload
	return []string{"--registrations", fmt.Sprint(w.Registrations), "--lookups", fmt.Sprint(w.Lookups), "--fsyncs", fmt.Sprint(w.FsyncSamples)}
}

func sessionArgs(o options, kind, dir, meta string) []string {
	args := append([]string{"--worker", kind, "--dir", dir, "--dataset", meta}, workloadArgs(o)...)
	if o.memProfile != "" {
		args = append(args, "--memprofile", o.memProfile+"."+kind)
	}
	return args
}

// workingCopy copies a cached store, every file: Badger truncates a table file before deleting
// it, so a hard link would empty the cached copy's table too.
func workingCopy(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		return copyFile(path, to)
	})
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// spawn runs this program with args (a worker) and reads the JSON it prints into v.
func spawn(v any, args ...string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return err
	}
	return json.Unmarshal(out.Bytes(), v)
}

// worker measures one store in this process and prints its result as JSON.
func worker(ref *assets.Reference, o options, stdout, stderr io.Writer) int {
	var ds storebench.Dataset
	b, err := os.ReadFile(o.dataset)
	if err == nil {
		err = json.Unmarshal(b, &ds)
	}
	if err != nil {
		fmt.Fprintln(stderr, "storebench worker:", err)
		return 2
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "storebench worker:", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	var res any
	switch {
	case o.worker == "alternate":
		dirs := map[string]string{}
		for _, kind := range storebench.Kinds() {
			dirs[kind] = filepath.Join(o.dir, kind)
		}
		res, err = storebench.Alternate(ref, storebench.Kinds(), dirs, ds, o.workload, o.rounds)
	case o.openOnly:
		var r storebench.Result
		r.Open, r.Unlock, err = storebench.OpenOnce(o.worker, o.dir, ds.SamplePIDs[0])
		res = r
	default:
		res, err = storebench.Measure(ref, o.worker, o.dir, ds, o.workload)
	}
	if err == nil && o.memProfile != "" {
		var f *os.File
		if f, err = os.Create(o.memProfile); err == nil {
			err = errors.Join(pprof.WriteHeapProfile(f), f.Close())
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "storebench worker:", err)
		return 2
	}
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}
