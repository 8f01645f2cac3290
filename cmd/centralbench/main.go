// Command centralbench measures the central services under month-end load (issue "the centre on
// PostgreSQL at national scale", `make bench-central`): it seeds a store with people, dossiers
// and vouchers as the centre would hold them, starts centrald replicas on loopback over it, and
// runs simulated desks in offices that push registrations with their vouchers and periods, pull,
// and ask their office's digest and state. At the end every checked office's digest at the
// centre must equal the one the bench expects from what it seeded and what was acknowledged.
//
//	centralbench --store postgres|badger [--db URL] [--persons N] [--offices M] [--desks D]
//	             [--duration 2m] [--batch 249] [--replicas 2] [--json FILE]
//
// On PostgreSQL it reports the database's CPU-seconds, WAL bytes and WAL syncs per applied
// operation besides this process's CPU (the replicas and the load generator share it).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/contract"
)

var jsonMarshal = json.Marshal

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// report is one run's figures (--json).
type report struct {
	Store         string  `json:"store"`
	Persons       int     `json:"persons"`
	Offices       int     `json:"offices"`
	SeedOffices   int     `json:"seed_offices"`
	Desks         int     `json:"desks"`
	Replicas      int     `json:"replicas"`
	SeedSeconds   float64 `json:"seed_seconds"`
	Seconds       float64 `json:"seconds"`
	Applied       int64   `json:"applied"`
	Rejected      int64   `json:"rejected"`
	Failed        int64   `json:"failed"`
	OpsPerSecond  float64 `json:"ops_per_second"`
	SteadyOpsPerS float64 `json:"steady_ops_per_second"`
	PushP50       float64 `json:"push_p50_ms"`
	PushP95       float64 `json:"push_p95_ms"`
	PushP99       float64 `json:"push_p99_ms"`
	PullP95       float64 `json:"pull_p95_ms"`
	DigestP95     float64 `json:"digest_p95_ms"`
	StateP95      float64 `json:"state_p95_ms"`
	Digests       int     `json:"digests"`
	Checked       int     `json:"offices_checked"`
	Mismatches    int     `json:"mismatches"`
	Retries       int64   `json:"retries,omitempty"`
	Posted        int64   `json:"feed_vouchers_posted"`
	Undelivered   int64   `json:"undelivered_changes"`
	RealDesks     int     `json:"real_desks,omitempty"`
	RealChecked   int     `json:"real_desks_checked,omitempty"`
	RealMismatch  int     `json:"real_desk_mismatches,omitempty"`
	Killed        int     `json:"replicas_killed,omitempty"`
	PGRestarted   bool    `json:"postgres_restarted,omitempty"`
	Outage        float64 `json:"outage_seconds,omitempty"`
	// PerMinute is the operations applied in each minute; Sustained the mean operations a
	// second over the minutes when every desk was working and the centre was up (after the
	// first pause, outside an outage and the minute after it).
	PerMinute     []int64 `json:"applied_per_minute"`
	Sustained     float64 `json:"sustained_ops_per_second"`
	ProcessCPU    float64 `json:"process_cpu_seconds"`
	DatabaseCPU   float64 `json:"database_cpu_seconds,omitempty"`
	WALBytesPerOp float64 `json:"wal_bytes_per_op,omitempty"`
	WALSyncsPerOp float64 `json:"wal_syncs_per_op,omitempty"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("centralbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeKind := fs.String("store", "postgres", "postgres or badger")
	db := fs.String("db", os.Getenv("BHXH_TEST_POSTGRES"), "a PostgreSQL cluster; the bench makes its own database there")
	persons := fs.Int("persons", 300_000, "people (each with a dossier, a voucher and a period) in the store before the load")
	offices := fs.Int("offices", 100, "offices where the desks work")
	seedOffices := fs.Int("seed-offices", 0, "offices the seeded people are spread over (--offices when fewer)")
	desks := fs.Int("desks", 200, "simulated desks")
	duration := fs.Duration("duration", 2*time.Minute, "how long the desks work")
	batch := fs.Int("batch", 249, "operations per push")
	think := fs.Duration("think", 0, "a desk's pause between rounds (a random share of it)")
	every := fs.Int("every", 10, "a desk asks its office's digest and state every N rounds")
	replicas := fs.Int("replicas", 2, "centrald replicas on the store (PostgreSQL; Badger has one)")
	checked := fs.Int("check", 10, "offices whose digest is checked at the end")
	txOps := fs.Int("tx-ops", 0, "operations per transaction on PostgreSQL (PostgresConfig.TxOps; its default when 0)")
	jsonOut := fs.String("json", "", "write the figures as JSON here")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process (the desks, the feed and the replicas run in it) from the load's start to FILE")
	feedRate := fs.Int("feed", 10, "vouchers a second the accounting feed posts (each a change for the person's office)")
	patience := fs.Duration("patience", 2*time.Minute, "how long after the end a desk keeps sending an unanswered push")
	realDesks := fs.Int("real-desks", 0, "desk stores (Badger, intake, sync engine) in offices of their own, whose digests are compared")
	centrald := fs.String("centrald", "", "run the replicas as centrald processes from this binary (PostgreSQL; needed for failures)")
	var plan chaosPlan
	fs.DurationVar(&plan.KillEvery, "kill-every", 0, "kill a replica (SIGKILL, in turn) this often (with --centrald)")
	fs.DurationVar(&plan.KillDown, "kill-down", 10*time.Second, "how long a killed replica stays down")
	fs.DurationVar(&plan.PGRestartAt, "pg-restart-at", 0, "restart PostgreSQL this long after the desks start ($BHXH_TEST_PG_RESTART)")
	fs.DurationVar(&plan.OutageAt, "outage-at", 0, "stop every replica this long after the desks start (with --centrald) …")
	fs.DurationVar(&plan.Outage, "outage", 0, "… for this long, then start them all at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rep := report{Store: *storeKind, Persons: *persons, Offices: *offices, SeedOffices: max(*offices, *seedOffices), Desks: *desks}
	if *centrald == "" && (plan.KillEvery > 0 || plan.Outage > 0) || *centrald != "" && *storeKind != "postgres" {
		fmt.Fprintln(stderr, "centralbench: failures need --centrald and --store postgres")
		return 2
	}
	plan.PGRestart = os.Getenv("BHXH_TEST_PG_RESTART")
	if plan.PGRestartAt > 0 && plan.PGRestart == "" {
		fmt.Fprintln(stderr, "centralbench: --pg-restart-at needs BHXH_TEST_PG_RESTART (scripts/pg-test.sh sets it)")
		return 2
	}
	inProcess := *replicas
	if *centrald != "" {
		inProcess = 1 // the bench's own connection: enrolment, the accounting feed, the final check
	}
	stores, cleanup, err := openStores(ctx, *storeKind, *db, inProcess, *txOps)
	if err != nil {
		fmt.Fprintln(stderr, "centralbench:", err)
		return 1
	}
	defer cleanup()
	w := newWorld(*offices, *seedOffices, *checked)
	t0 := time.Now()
	last := time.Now()
	if err := seed(ctx, stores[0], w, *persons, func(done int) {
		if time.Since(last) > 10*time.Second {
			fmt.Fprintf(stderr, "centralbench: seeded %d of %d people (%.0f s)\n", done, *persons, time.Since(t0).Seconds())
			last = time.Now()
		}
	}); err != nil {
		fmt.Fprintln(stderr, "centralbench: seed:", err)
		return 1
	}
	rep.SeedSeconds = time.Since(t0).Seconds()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "centralbench:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	fmt.Fprintf(stderr, "centralbench: %s seeded with %d people in %.0f s\n", *storeKind, *persons, rep.SeedSeconds)

	var (
		urls        []string
		stopServers func()
		fl          *fleet
	)
	if *centrald != "" {
		fl, err = newFleet(ctx, *centrald, benchDB, *replicas, stderr)
		if err == nil {
			urls, stopServers = fl.urls(), fl.stopAll
		}
	} else {
		urls, stopServers, err = serveReplicas(ctx, stores)
	}
	if err != nil {
		fmt.Fprintln(stderr, "centralbench:", err)
		return 1
	}
	rep.Replicas = len(urls)
	defer stopServers()
	before := measure(ctx)
	svc := &central.Service{Store: stores[0]}
	cfg := loadConfig{Desks: *desks, Duration: *duration, Batch: *batch, Think: *think, Every: *every, Patience: *patience,
		FeedRate: *feedRate}
	if plan.Outage > 0 {
		cfg.Patience = max(cfg.Patience, plan.Outage+2*time.Minute)
	}
	deskStores, realDone, closeReal, err := startRealDesks(ctx, svc, urls, w, *realDesks, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "centralbench:", err)
		return 1
	}
	defer closeReal()
	chaosCtx, stopChaos := context.WithCancel(ctx)
	chaosDone := make(chan struct{})
	go func() {
		defer close(chaosDone)
		if fl != nil {
			plan.run(chaosCtx, fl)
		}
	}()
	res, err := runLoad(ctx, svc, urls, w, cfg)
	<-realDone
	stopChaos()
	<-chaosDone
	if err != nil {
		fmt.Fprintln(stderr, "centralbench:", err)
		return 1
	}
	rep.RealDesks = len(deskStores)
	for _, rd := range deskStores {
		if w.unknown[rd.office] {
			continue
		}
		ok, err := rd.settle(ctx, time.Now().Add(cfg.Patience+time.Minute))
		if err != nil {
			fmt.Fprintln(stderr, "centralbench:", err)
		}
		rep.RealChecked++
		if !ok {
			rep.RealMismatch++
		}
	}
	stopServers() // the replicas' CPU counts once they have exited
	after := measure(ctx)
	fill(&rep, res, before, after)
	rep.Killed, rep.PGRestarted = plan.KilledCount, plan.PGRestarted
	if rep.DatabaseCPU != 0 {
		rep.DatabaseCPU += plan.DBCPULost
	}
	if plan.OutageServed {
		rep.Outage = plan.Outage.Seconds()
	}
	rep.PerMinute = res.perMinute
	var ops int64
	minutes := 0
	for m, n := range res.perMinute {
		from, to := time.Duration(m)*time.Minute, time.Duration(m+1)*time.Minute
		down := plan.Outage > 0 && to > plan.OutageAt && from < plan.OutageAt+plan.Outage+time.Minute
		if from >= cfg.Think && to <= cfg.Duration && !down {
			ops += n
			minutes++
		}
	}
	if minutes > 0 {
		rep.Sustained = float64(ops) / float64(minutes*60)
	}
	for _, s := range stores {
		if ps, ok := s.(*central.PostgresStore); ok {
			rep.Retries += ps.Stats().Retries
		}
	}
	rep.Checked, rep.Mismatches = checkDigests(ctx, svc, w, stderr)
	printReport(stdout, rep)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(stderr, "centralbench:", err)
			return 1
		}
	}
	if rep.Mismatches > 0 || rep.Rejected > 0 || rep.Undelivered > 0 || rep.RealMismatch > 0 {
		return 1
	}
	return 0
}

// startRealDesks makes n real desk stores in a temporary folder and sets them working until
// the load's end; done closes when they have all stopped, closeAll closes the stores and
// removes the folder.
func startRealDesks(ctx context.Context, svc *central.Service, urls []string, w *world, n int,
	cfg loadConfig,
) (desks []*realDesk, done <-chan struct{}, closeAll func(), err error) {
	stopped := make(chan struct{})
	if n == 0 {
		close(stopped)
		return nil, stopped, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "centralbench-desks-")
	if err != nil {
		return nil, nil, nil, err
	}
	closeAll = func() {
		for _, rd := range desks {
			_ = rd.Close()
		}
		_ = os.RemoveAll(dir)
	}
	if desks, err = newRealDesks(ctx, svc, urls, dir, n); err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	deadline := time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, rd := range desks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd.work(ctx, svc, w, deadline, max(cfg.Think/4, time.Second), 5, deadline.Add(cfg.Patience))
		}()
	}
	go func() { wg.Wait(); close(stopped) }()
	return desks, stopped, closeAll, nil
}

// checkDigests compares each checked office's digest at the centre with the expected one.
func checkDigests(ctx context.Context, svc *central.Service, w *world, stderr io.Writer) (checked, mismatches int) {
	for office := range w.checked {
		if w.unknown[office] {
			continue
		}
		want := contract.Digest(w.lines[office])
		got, n, err := svc.Digest(ctx, office)
		checked++
		if err != nil || got != want {
			mismatches++
			fmt.Fprintf(stderr, "centralbench: office %s: digest %s (%d lines), expected %s (%d lines) %v\n", office, got, n, want,
				len(w.lines[office]), err)
		}
	}
	return checked, mismatches
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fill(rep *report, res *loadResult, before, after usage) {
	rep.Seconds = res.Elapsed.Seconds()
	rep.Applied, rep.Rejected, rep.Failed = res.Applied, res.Rejected, res.Failed
	rep.OpsPerSecond = float64(res.Applied) / res.Elapsed.Seconds()
	if res.Window > 0 {
		rep.SteadyOpsPerS = float64(res.Steady) / res.Window.Seconds()
	}
	rep.PushP50, rep.PushP95, rep.PushP99 = ms(res.Push.pct(50)), ms(res.Push.pct(95)), ms(res.Push.pct(99))
	rep.PullP95, rep.DigestP95, rep.StateP95 = ms(res.Pull.pct(95)), ms(res.Digest.pct(95)), ms(res.State.pct(95))
	rep.Digests = res.Digest.n()
	rep.ProcessCPU = after.process - before.process
	rep.Posted, rep.Undelivered = res.Posted, res.Undelivered
	if after.wal > 0 && res.Applied > 0 {
		rep.DatabaseCPU = after.database - before.database
		rep.WALBytesPerOp = float64(after.wal-before.wal) / float64(res.Applied)
		rep.WALSyncsPerOp = float64(after.walSyncs-before.walSyncs) / float64(res.Applied)
	}
}

func printReport(w io.Writer, r report) {
	fmt.Fprintf(w, "| store | people (in offices) | offices × desks | replicas | ops/s applied (all desks working) | push p50 / p95 / p99 | "+
		"pull p95 | digest p95 | state p95 | digests checked / mismatches | CPU-s (process / db) | WAL B/op | WAL syncs/op |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(w, "| %s | %d (%d) | %d × %d | %d | %.0f | %.0f / %.0f / %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d / %d | %.0f / %.0f | "+
		"%.0f | %.3f |\n",
		r.Store, r.Persons, r.SeedOffices, r.Offices, r.Desks, r.Replicas, r.SteadyOpsPerS, r.PushP50, r.PushP95, r.PushP99, r.PullP95,
		r.DigestP95,
		r.StateP95, r.Checked, r.Mismatches, r.ProcessCPU, r.DatabaseCPU, r.WALBytesPerOp, r.WALSyncsPerOp)
	fmt.Fprintf(w, "\n%d operations applied in %.0f s (%d rejected, %d without an answer, %d transactions run again); seeded in %.0f s.\n",
		r.Applied, r.Seconds, r.Rejected, r.Failed, r.Retries, r.SeedSeconds)
	fmt.Fprintf(w, "Applied a minute: %v; sustained (every desk working, the centre up): %.0f op/s.\n", r.PerMinute, r.Sustained)
	fmt.Fprintf(w, "%d feed vouchers posted; %d changes (feed vouchers, the other desks' dossiers) "+
		"a desk of a checked office never received.\n",
		r.Posted, r.Undelivered)
	if r.RealDesks > 0 {
		fmt.Fprintf(w, "%d real desk stores: %d compared with the centre, %d digests differ.\n", r.RealDesks, r.RealChecked, r.RealMismatch)
	}
	if r.Killed > 0 || r.PGRestarted || r.Outage > 0 {
		fmt.Fprintf(w, "Failures injected: %d replicas killed, PostgreSQL restarted: %v, outage of %.0f s with every desk reconnecting.\n",
			r.Killed, r.PGRestarted, r.Outage)
	}
}

// openStores opens the store for each replica: on PostgreSQL a new database on the cluster and
// one PostgresStore per replica (as separate processes would), on Badger one store.
func openStores(ctx context.Context, kind, db string, replicas, txOps int) ([]central.Store, func(), error) {
	switch kind {
	case "badger":
		dir, err := os.MkdirTemp("", "centralbench-")
		if err != nil {
			return nil, nil, err
		}
		s, err := central.OpenBadger(dir, "")
		if err != nil {
			return nil, nil, err
		}
		return []central.Store{s}, func() { _ = s.Close(); _ = os.RemoveAll(dir) }, nil
	case "postgres":
		if db == "" {
			return nil, nil, fmt.Errorf("--db (or BHXH_TEST_POSTGRES) names no PostgreSQL cluster")
		}
		url, drop, err := newDatabase(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		var stores []central.Store
		closeAll := func() {
			for _, s := range stores {
				_ = s.Close()
			}
			drop()
		}
		for range max(replicas, 1) {
			s, err := central.OpenPostgres(ctx, central.PostgresConfig{URL: url, MaxConns: 16, TxOps: txOps})
			if err != nil {
				closeAll()
				return nil, nil, err
			}
			stores = append(stores, s)
		}
		return stores, closeAll, nil
	}
	return nil, nil, fmt.Errorf("--store %q: postgres or badger", kind)
}

// serveReplicas serves each store on loopback as one centrald replica.
func serveReplicas(ctx context.Context, stores []central.Store) ([]string, func(), error) {
	ref, err := assets.Load()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var urls []string
	for _, s := range stores {
		ln, err := central.Listen(central.ListenConfig{Addr: "127.0.0.1:0"})
		if err != nil {
			cancel()
			return nil, nil, err
		}
		h := (&central.Server{Service: &central.Service{Store: s}, Catalog: ref.Catalog}).Handler()
		go func() { _ = central.Serve(ctx, ln, h) }()
		urls = append(urls, "http://"+ln.Addr().String())
	}
	return urls, cancel, nil
}
