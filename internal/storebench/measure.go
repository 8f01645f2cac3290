package storebench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
)

// The stores of the benchmark: ours and the SQLite peer through two drivers on the same file.
const (
	Ours   = "ours"
	Native = "sqlite"    // native SQLite, mattn/go-sqlite3 (cgo)
	PureGo = "sqlite-go" // modernc.org/sqlite, SQLite translated to Go
)

// Peer is the folder of a data set that holds the SQLite file both drivers read.
const Peer = "sqlite"

// PeerFile is the SQLite database's file name inside a store folder.
const PeerFile = "intake.db"

// Kinds are the stores this build can measure: ours, native SQLite when built with cgo and the
// sqlite_fts5 tag, and the pure-Go SQLite.
func Kinds() []string {
	if NativeAvailable() {
		return []string{Ours, Native, PureGo}
	}
	return []string{Ours, PureGo}
}

// Stats are the percentiles of a series of timings; Lo and Hi are the lowest and highest p50 of
// its rounds when it was measured in rounds (Spread).
type Stats struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
	Lo  time.Duration `json:"lo,omitempty"`
	Hi  time.Duration `json:"hi,omitempty"`
}

// Spread is StatsOf all the rounds' timings together, with the range of the rounds' p50s.
func Spread(rounds [][]time.Duration) Stats {
	var all []time.Duration
	var lo, hi time.Duration
	for _, r := range rounds {
		if len(r) == 0 {
			continue
		}
		p := StatsOf(slices.Clone(r)).P50
		if lo == 0 || p < lo {
			lo = p
		}
		hi = max(hi, p)
		all = append(all, r...)
	}
	st := StatsOf(all)
	st.Lo, st.Hi = lo, hi
	return st
}

// StatsOf sorts ds and returns their percentiles (nearest rank).
func StatsOf(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	slices.Sort(ds)
	rank := func(p int) time.Duration { return ds[max((len(ds)*p+99)/100-1, 0)] }
	return Stats{N: len(ds), P50: rank(50), P99: rank(99), Max: ds[len(ds)-1]}
}

// Floor measures the disk's fsync floor: a round writes 4 KiB to a file of its own and fsyncs
// it, appended (the file grows, as a log does when a record is added) or into a preallocated
// 4 MiB file (data only, the cheapest durable write there is).
type Floor struct {
	f        *os.File
	prealloc bool
	n        int
	page     []byte
}

const floorSize = 4 << 20

// NewFloor makes the floor's file in dir.
func NewFloor(dir string, preallocated bool) (*Floor, error) {
	f, err := os.CreateTemp(dir, "fsync-*.tmp")
	if err != nil {
		return nil, err
	}
	fl := &Floor{f: f, prealloc: preallocated, page: bytes.Repeat([]byte{0xa5}, 4096)}
	if preallocated {
		if _, err = f.Write(make([]byte, floorSize)); err == nil {
			err = f.Sync()
		}
	}
	if err != nil {
		return nil, errors.Join(err, fl.Close())
	}
	return fl, nil
}

// Round writes and fsyncs 4 KiB and returns how long it took.
func (fl *Floor) Round() (time.Duration, error) {
	start := time.Now()
	var err error
	if fl.prealloc {
		_, err = fl.f.WriteAt(fl.page, int64(fl.n%(floorSize/4096))*4096)
	} else {
		_, err = fl.f.Write(fl.page)
	}
	if err == nil {
		err = fl.f.Sync()
	}
	fl.n++
	return time.Since(start), err
}

// Close removes the floor's file.
func (fl *Floor) Close() error {
	return errors.Join(fl.f.Close(), os.Remove(fl.f.Name()))
}

// Memory is the process's resident memory (VmRSS, its peak VmHWM, and how much of it is
// anonymous memory or pages of mapped files) and the Go heap in use.
type Memory struct {
	RSS    uint64 `json:"rss"`
	HWM    uint64 `json:"hwm"`
	Anon   uint64 `json:"anon"`
	File   uint64 `json:"file"`
	GoHeap uint64 `json:"go_heap"`
}

// ReadMemory reads /proc/self/status and the Go runtime's statistics.
func ReadMemory() Memory {
	var m Memory
	if f, err := os.Open("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			name, rest, _ := strings.Cut(sc.Text(), ":")
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				continue
			}
			switch name {
			case "VmRSS":
				m.RSS = kb << 10
			case "VmHWM":
				m.HWM = kb << 10
			case "RssAnon":
				m.Anon = kb << 10
			case "RssFile":
				m.File = kb << 10
			}
		}
		_ = f.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.GoHeap = ms.HeapInuse
	return m
}

// Workload is what one measurement run does.
type Workload struct {
	Lookups       int    // lookups by personal ID, over the data set's sample
	Searches      int    // folded-name prefix searches
	SearchText    string // what the officer types ("nguyen thi ho")
	SearchLimit   int    // rows of a search (50)
	DueLists      int    // reads of the whole due-today list
	Registrations int    // durable registrations timed (after Warmup untimed ones)
	Warmup        int
	FsyncSamples  int // rounds of each fsync floor at least (one before each registration)
}

// DefaultWorkload is the workload of `make bench`.
var DefaultWorkload = Workload{Lookups: 2000, Searches: 300, SearchText: "nguyen thi ho", SearchLimit: 50, DueLists: 15,
	Registrations: 1000, Warmup: 30, FsyncSamples: 1000}

// Result is one store's measurements.
type Result struct {
	Store string `json:"store"`
	// Open is from opening the store until the first lookup has answered, in a fresh process,
	// less unlocking the keyring (ours: the password's key derivation, at BenchKDF), which is
	// Unlock. Opens are the fresh processes' opens when measured several times (OpenOnce).
	Open   time.Duration `json:"open"`
	Unlock time.Duration `json:"unlock"`
	Opens  Stats         `json:"opens"`
	// FsyncAppend and FsyncPrealloc are the disk's floor (see Floor), one round of each just
	// before each registration, so that they see the same disk.
	FsyncAppend   Stats `json:"fsync_append"`
	FsyncPrealloc Stats `json:"fsync_prealloc"`
	Lookup        Stats `json:"lookup"`
	Search        Stats `json:"search"`
	DueToday      Stats `json:"due_today"`
	Register      Stats `json:"register"`
	// ListSearch is the search through intake.Service.List, which also writes its audit entry.
	ListSearch Stats `json:"list_search"`
	// DefaultKDF is one sign-in's key derivation at the product's cost (ours only).
	DefaultKDF time.Duration `json:"default_kdf"`
	DueRows    int           `json:"due_rows"`
	SearchRows int           `json:"search_rows"`
	// Registered is the number of registrations timed; Refused those refused as a pending
	// duplicate of a stored person (not timed).
	Registered int `json:"registered"`
	Refused    int `json:"refused"`
	// Memory is after opening and running the queries; AfterWrites after the registrations.
	Memory      Memory `json:"memory"`
	AfterWrites Memory `json:"after_writes"`
	// Digests are hashes of the answers, equal for both stores when they agree.
	Digests map[string]string `json:"digests"`
	// DiskBytes is the size of the store's files after the run.
	DiskBytes int64 `json:"disk_bytes"`
	// SessionRegistrations and SessionSearches are what the working session did before
	// AfterWrites (Measure); SearchText is what its searches looked for.
	SessionRegistrations int    `json:"session_registrations"`
	SessionSearches      int    `json:"session_searches"`
	SearchText           string `json:"search_text"`
}

// benchClock is the settable clock of a measurement.
type benchClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *benchClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *benchClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// opened is a store open for measuring.
type opened struct {
	store  intake.Store
	close  func() error
	unlock time.Duration // ours: unlocking the keyring inside the open
}

func openStore(kind, dir string, now func() time.Time) (opened, error) {
	switch kind {
	case Ours:
		db, err := storage.Open(OursConfig(dir, now), Accounts[0].Name, Password)
		if err != nil {
			return opened{}, err
		}
		return opened{store: app.TxStore[intake.Tx]{Store: db}, close: db.Close, unlock: db.UnlockTime()}, nil
	case Native, PureGo:
		cfg := PeerConfig(filepath.Join(dir, PeerFile), now)
		if kind == Native {
			cfg.Driver = DriverNative
		}
		p, err := OpenSQLite(cfg)
		if err != nil {
			return opened{}, err
		}
		return opened{store: p, close: p.Close}, nil
	}
	return opened{}, fmt.Errorf("unknown store %q", kind)
}

// Measure runs a working session on one store — kind Ours, Native or PureGo — in dir, a
// working copy of the data set ds, and returns what only a process of its own can tell: the
// open time, the resident memory after the queries and after the registrations and the
// searches that follow, and the store's size on disk. It is meant to run alone in a fresh
// process. Its timings are the session's; the compared timings come from Alternate. The
// people it registers are of another seed than Alternate's.
func Measure(ref *assets.Reference, kind, dir string, ds Dataset, w Workload) (Result, error) {
	r, err := start(ref, kind, dir, ds, w, ds.Seed^0x5e55_1015)
	if err != nil {
		return r.res, err
	}
	closed := false
	defer func() {
		if !closed {
			_ = r.st.close()
		}
	}()
	var (
		lookups, searches, due, regs, lists []time.Duration
		floor                               floorPair
	)
	if err := floor.open(dir); err != nil {
		return r.res, err
	}
	defer floor.close()
	for _, phase := range []func() error{
		func() (err error) { lookups, err = r.lookups(0, w.Lookups); return err },
		func() (err error) { searches, err = r.searches(w.Searches); return err },
		func() (err error) { due, err = r.dueToday(w.DueLists); return err },
		r.counts,
		func() error { r.res.Memory = ReadMemory(); return nil },
		func() (err error) { regs, err = r.registrations(w.Registrations, floor.round); return err },
		func() (err error) { lists, err = r.listSearches(min(w.Searches, 200)); return err },
	} {
		if err := phase(); err != nil {
			return r.res, err
		}
	}
	r.finish(StatsOf(lookups), StatsOf(searches), StatsOf(due), StatsOf(regs), StatsOf(lists))
	r.res.SessionRegistrations, r.res.SessionSearches = r.regs, len(lists)
	r.res.FsyncAppend, r.res.FsyncPrealloc = floor.stats()
	r.res.AfterWrites = ReadMemory()
	closed = true
	if err := r.st.close(); err != nil {
		return r.res, err
	}
	if kind == Ours {
		if r.res.DefaultKDF, err = timeDefaultKDF(dir); err != nil {
			return r.res, err
		}
	}
	r.res.DiskBytes, err = DiskUsage(dir)
	return r.res, err
}

// OpenOnce opens the store of kind in dir, answers one lookup of pid and closes it: the open
// time of a fresh process (less the keyring's unlock) and the unlock.
func OpenOnce(kind, dir, pid string) (open, unlock time.Duration, err error) {
	clk := &benchClock{t: time.Now()}
	begin := time.Now()
	st, err := openStore(kind, dir, clk.now)
	if err != nil {
		return 0, 0, fmt.Errorf("open %s: %w", kind, err)
	}
	err = st.store.View(func(tx intake.Tx) error {
		found, err := tx.ByPersonalID(pid)
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("stored personal ID not found after open")
		}
		return err
	})
	open = time.Since(begin) - st.unlock
	return open, st.unlock, errors.Join(err, st.close())
}

// measurement is one store's run: its clock, its intake session and the hashes of its answers.
type measurement struct {
	ref     *assets.Reference
	kind    string
	dir     string
	ds      Dataset
	w       Workload
	morning time.Time // the benchmark's today, before the office opens
	clk     *benchClock
	st      opened
	in      *intake.Service
	sess    *app.Session // the help-desk account's session
	gen     *fake.Generator
	regs    int // registrations tried so far
	lookupH hash.Hash
	regH    hash.Hash
	res     Result
}

// start opens the store (timed until its first lookup has answered) and signs the help-desk
// account in; the people it registers are of seed.
func start(ref *assets.Reference, kind, dir string, ds Dataset, w Workload, seed uint64) (*measurement, error) {
	if len(ds.SamplePIDs) == 0 {
		return &measurement{}, fmt.Errorf("data set without sample personal IDs")
	}
	y, m, d := ds.Today.Parts()
	r := &measurement{ref: ref, kind: kind, dir: dir, ds: ds, w: w,
		res:     Result{Store: kind, Digests: map[string]string{}, SearchText: w.SearchText},
		morning: time.Date(y, m, d, 7, 55, 0, 0, calendar.VN), lookupH: sha256.New(), regH: sha256.New()}
	r.clk = &benchClock{t: r.morning}
	begin := time.Now()
	var err error
	if r.st, err = openStore(kind, dir, r.clk.now); err != nil {
		return r, fmt.Errorf("open %s: %w", kind, err)
	}
	err = r.st.store.View(func(tx intake.Tx) error {
		found, err := tx.ByPersonalID(r.ds.SamplePIDs[0])
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("stored personal ID not found after open")
		}
		return err
	})
	r.res.Open, r.res.Unlock = time.Since(begin)-r.st.unlock, r.st.unlock
	if err == nil {
		r.in = desk.NewIntake(r.st.store, r.ref, r.clk.now)
		r.sess, err = r.in.Login(Accounts[0].Name, Password)
	}
	if err != nil {
		_ = r.st.close()
		return r, err
	}
	r.sess.Idle = -1
	r.gen = fake.New(seed, r.ref.Places)
	r.gen.StartMonth = r.morning.Format("2006-01")
	return r, nil
}

// finish sets the timings and the answers' digests of the result.
func (r *measurement) finish(lookups, searches, due, regs, lists Stats) {
	r.res.Lookup, r.res.Search, r.res.DueToday, r.res.Register, r.res.ListSearch = lookups, searches, due, regs, lists
	r.res.Registered = regs.N
	r.res.Digests["lookup"] = hex.EncodeToString(r.lookupH.Sum(nil))
	r.res.Digests["register"] = hex.EncodeToString(r.regH.Sum(nil))
}

// view times one read transaction.
func (r *measurement) view(fn func(intake.Tx) error) (time.Duration, error) {
	t := time.Now()
	err := r.st.store.View(fn)
	return time.Since(t), err
}

// lookups times n lookups by personal ID from the from-th sample: the list rows of every
// dossier of the person. The answers to the first round of samples are hashed.
func (r *measurement) lookups(from, n int) ([]time.Duration, error) {
	times := make([]time.Duration, 0, n)
	for i := from; i < from+n; i++ {
		pid := r.ds.SamplePIDs[i%len(r.ds.SamplePIDs)]
		var found []app.Summary
		dt, err := r.view(func(tx intake.Tx) (err error) { found, err = tx.ByPersonalID(pid); return err })
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("lookup %s: stored personal ID not found", pid)
		}
		if i < len(r.ds.SamplePIDs) {
			digest(r.lookupH, found)
		}
		times = append(times, dt)
	}
	return times, nil
}

// searches times n folded-name prefix searches, first rows with their summaries.
func (r *measurement) searches(n int) ([]time.Duration, error) {
	if n == 0 {
		return nil, nil
	}
	key := app.FoldKey(r.w.SearchText)
	var found []app.Summary
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		dt, err := r.view(func(tx intake.Tx) (err error) { found, err = tx.SearchName(key, r.w.SearchLimit); return err })
		if err != nil {
			return nil, err
		}
		times = append(times, dt)
	}
	r.res.SearchRows, r.res.Digests["search"] = len(found), digestOf(found)
	return times, nil
}

// dueToday times n reads of the whole due-today list.
func (r *measurement) dueToday(n int) ([]time.Duration, error) {
	if n == 0 {
		return nil, nil
	}
	times := make([]time.Duration, 0, n)
	var due []app.Summary
	for i := 0; i < n; i++ {
		dt, err := r.view(func(tx intake.Tx) (err error) { due, err = tx.Due(r.ds.Today, r.ds.Today, 0); return err })
		if err != nil {
			return nil, err
		}
		times = append(times, dt)
	}
	r.res.DueRows, r.res.Digests["due_today"] = len(due), digestOf(due)
	if len(due) != r.ds.DueToday {
		return nil, fmt.Errorf("due today: %d rows, the data set has %d", len(due), r.ds.DueToday)
	}
	return times, nil
}

func (r *measurement) counts() error {
	var counts map[app.State]int
	err := r.st.store.View(func(tx intake.Tx) (err error) { counts, err = tx.Counts(); return err })
	r.res.Digests["counts"] = digestOf(counts)
	return err
}

// registrations times n durable registrations through intake.Service (the first Warmup of
// the store's untimed), each just after floorRound, so that the store and the disk's floor see
// the same disk. A person refused as a pending duplicate of a stored one is not counted.
func (r *measurement) registrations(n int, floorRound func() error) ([]time.Duration, error) {
	times := make([]time.Duration, 0, n)
	for len(times) < n {
		i := r.regs
		r.regs++
		r.clk.set(r.morning.Add(5*time.Minute + time.Duration(i)*10*time.Second))
		req := intake.RegisterRequest{Form: r.gen.Form(), NotDuplicate: true}
		if err := floorRound(); err != nil {
			return nil, err
		}
		t := time.Now()
		res, err := r.in.Register(r.sess, req)
		dt := time.Since(t)
		if ae := (*app.Error)(nil); errors.As(err, &ae) && ae.Code == "duplicate_personal_id" {
			r.res.Refused++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("register %d: %w", i, err)
		}
		fmt.Fprintln(r.regH, res.Dossier.Code, res.Dossier.Due, res.Dossier.Quote.Payable, len(res.PossibleDuplicates))
		if i >= r.w.Warmup {
			times = append(times, dt)
		}
	}
	return times, nil
}

// listSearches times n searches as the desk runs them: intake.Service.List, which writes an
// audit entry each time.
func (r *measurement) listSearches(n int) ([]time.Duration, error) {
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if _, err := r.in.List(r.sess, intake.ListRequest{Kind: intake.ListSearch, Value: r.w.SearchText}); err != nil {
			return nil, err
		}
		times = append(times, time.Since(t))
	}
	return times, nil
}

// floorPair is both fsync floors (appended and preallocated), one round of each at a time.
type floorPair struct {
	floors [2]*Floor
	times  [2][]time.Duration
}

func (f *floorPair) open(dir string) error {
	for i, pre := range []bool{false, true} {
		var err error
		if f.floors[i], err = NewFloor(dir, pre); err != nil {
			f.close()
			return err
		}
	}
	return nil
}

func (f *floorPair) round() error {
	for i, fl := range f.floors {
		dt, err := fl.Round()
		if err != nil {
			return err
		}
		f.times[i] = append(f.times[i], dt)
	}
	return nil
}

func (f *floorPair) stats() (appended, preallocated Stats) {
	return StatsOf(slices.Clone(f.times[0])), StatsOf(slices.Clone(f.times[1]))
}

func (f *floorPair) close() {
	for _, fl := range f.floors {
		if fl != nil {
			_ = fl.Close()
		}
	}
}

// timeDefaultKDF times unlocking a keyslot made at the product's argon2id cost.
func timeDefaultKDF(dir string) (time.Duration, error) {
	kdir, err := os.MkdirTemp(dir, "kdf-")
	if err != nil {
		return 0, err
	}
	defer func() { _ = os.RemoveAll(kdir) }()
	if _, _, _, err := storage.NewKeyring(kdir, Accounts[0].Name, Password, storage.DefaultKDF, time.Now); err != nil {
		return 0, err
	}
	return timeUnlock(kdir, storage.DefaultKDF)
}

// timeUnlock times reading the keyring of the store in dir and unlocking the help-desk
// account's keyslot (the cost the slot was made with).
func timeUnlock(dir string, kdf storage.KDF) (time.Duration, error) {
	start := time.Now()
	kr, err := storage.OpenKeyring(dir, kdf, time.Now)
	if err == nil {
		_, err = kr.Unlock(Accounts[0].Name, Password)
	}
	return time.Since(start), err
}

func digest(h interface{ Write([]byte) (int, error) }, v any) {
	b, _ := json.Marshal(v)
	_, _ = h.Write(b)
}

func digestOf(v any) string {
	h := sha256.New()
	digest(h, v)
	return hex.EncodeToString(h.Sum(nil))
}

// DiskUsage is the size of the regular files under dir.
func DiskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}
