package storebench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// The two stores of the benchmark.
const (
	Ours = "ours"
	Peer = "sqlite"
)

// PeerFile is the SQLite database's file name inside a store folder.
const PeerFile = "intake.db"

// Stats are the percentiles of a series of timings.
type Stats struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
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
	// Open is from opening the store (ours: unlocking the keyring with BenchKDF too) until the
	// first lookup has answered, in a fresh process; Unlock is the keyring's part, timed apart.
	Open   time.Duration `json:"open"`
	Unlock time.Duration `json:"unlock"`
	// FsyncAppend and FsyncPrealloc are the disk's floor (see Floor), one round of each just
	// before each registration, so that they see the same disk.
	FsyncAppend   Stats `json:"fsync_append"`
	FsyncPrealloc Stats `json:"fsync_prealloc"`
	Lookup        Stats `json:"lookup"`
	Search        Stats `json:"search"`
	// SearchBTree is the SQLite peer's search through the B-tree index instead of FTS5.
	SearchBTree Stats `json:"search_btree"`
	DueToday    Stats `json:"due_today"`
	Register    Stats `json:"register"`
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
	store intake.Store
	close func() error
	peer  *SQLite // the SQLite peer, nil for ours
}

func open(kind, dir string, now func() time.Time) (opened, error) {
	switch kind {
	case Ours:
		db, err := storage.Open(OursConfig(dir, now), Accounts[0].Name, Password)
		if err != nil {
			return opened{}, err
		}
		return opened{store: app.TxStore[intake.Tx]{Store: db}, close: db.Close}, nil
	case Peer:
		p, err := OpenSQLite(PeerConfig(filepath.Join(dir, PeerFile), now))
		if err != nil {
			return opened{}, err
		}
		return opened{store: p, close: p.Close, peer: p}, nil
	}
	return opened{}, fmt.Errorf("unknown store %q", kind)
}

// Measure runs the workload on one store — kind Ours or Peer — in dir, a working copy of the
// data set ds, and returns its measurements. It is meant to run alone in a fresh process, so
// that the open time and the memory are the store's.
func Measure(ref *assets.Reference, kind, dir string, ds Dataset, w Workload) (Result, error) {
	if len(ds.SamplePIDs) == 0 {
		return Result{}, fmt.Errorf("data set without sample personal IDs")
	}
	y, m, d := ds.Today.Parts()
	r := &measurement{ref: ref, kind: kind, dir: dir, ds: ds, w: w, res: Result{Store: kind, Digests: map[string]string{}},
		morning: time.Date(y, m, d, 7, 55, 0, 0, calendar.VN)}
	r.clk = &benchClock{t: r.morning}
	if err := r.open(); err != nil {
		return r.res, err
	}
	closed := false
	defer func() {
		if !closed {
			_ = r.st.close()
		}
	}()
	for _, phase := range []func() error{r.lookups, r.searches, r.dueToday, r.counts, r.memory, r.registrations, r.listSearches} {
		if err := phase(); err != nil {
			return r.res, err
		}
	}
	r.res.AfterWrites = ReadMemory()
	closed = true
	if err := r.st.close(); err != nil {
		return r.res, err
	}
	var err error
	if kind == Ours {
		if r.res.Unlock, err = timeUnlock(dir, BenchKDF); err != nil {
			return r.res, err
		}
		if r.res.DefaultKDF, err = timeDefaultKDF(dir); err != nil {
			return r.res, err
		}
	}
	r.res.DiskBytes, err = DiskUsage(dir)
	return r.res, err
}

// measurement is one run of Measure.
type measurement struct {
	ref     *assets.Reference
	kind    string
	dir     string
	ds      Dataset
	w       Workload
	morning time.Time // the benchmark's today, before the office opens
	clk     *benchClock
	st      opened
	in      *intake.Service // after registrations
	sess    *app.Session    // the help-desk account's session
	res     Result
}

// open times opening the store until its first lookup has answered.
func (r *measurement) open() error {
	start := time.Now()
	var err error
	if r.st, err = open(r.kind, r.dir, r.clk.now); err != nil {
		return fmt.Errorf("open %s: %w", r.kind, err)
	}
	err = r.st.store.View(func(tx intake.Tx) error {
		found, err := tx.ByPersonalID(r.ds.SamplePIDs[0])
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("stored personal ID not found after open")
		}
		return err
	})
	r.res.Open = time.Since(start)
	return err
}

// view times one read transaction.
func (r *measurement) view(fn func(intake.Tx) error) (time.Duration, error) {
	t := time.Now()
	err := r.st.store.View(fn)
	return time.Since(t), err
}

// lookups times lookups by personal ID: the list rows of every dossier of the person.
func (r *measurement) lookups() error {
	h := sha256.New()
	times := make([]time.Duration, 0, r.w.Lookups)
	for i := 0; i < r.w.Lookups; i++ {
		pid := r.ds.SamplePIDs[i%len(r.ds.SamplePIDs)]
		var found []app.Summary
		dt, err := r.view(func(tx intake.Tx) (err error) { found, err = tx.ByPersonalID(pid); return err })
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return fmt.Errorf("lookup %s: stored personal ID not found", pid)
		}
		if i < len(r.ds.SamplePIDs) {
			digest(h, found)
		}
		times = append(times, dt)
	}
	r.res.Lookup, r.res.Digests["lookup"] = StatsOf(times), hex.EncodeToString(h.Sum(nil))
	return nil
}

// searches times the folded-name prefix search, first rows with their summaries; on the SQLite
// peer through FTS5 and through the B-tree index, which must agree.
func (r *measurement) searches() error {
	key := app.FoldKey(r.w.SearchText)
	search := func() (Stats, []app.Summary, error) {
		var found []app.Summary
		times := make([]time.Duration, 0, r.w.Searches)
		for i := 0; i < r.w.Searches; i++ {
			dt, err := r.view(func(tx intake.Tx) (err error) { found, err = tx.SearchName(key, r.w.SearchLimit); return err })
			if err != nil {
				return Stats{}, nil, err
			}
			times = append(times, dt)
		}
		return StatsOf(times), found, nil
	}
	var (
		found []app.Summary
		err   error
	)
	if r.res.Search, found, err = search(); err != nil {
		return err
	}
	r.res.SearchRows, r.res.Digests["search"] = len(found), digestOf(found)
	if p := r.st.peer; p != nil {
		p.cfg.Search = SearchBTree
		defer func() { p.cfg.Search = SearchFTS }()
		if r.res.SearchBTree, found, err = search(); err != nil {
			return err
		}
		if digestOf(found) != r.res.Digests["search"] {
			return fmt.Errorf("the SQLite peer's two searches disagree")
		}
	}
	return nil
}

// dueToday times reading the whole due-today list.
func (r *measurement) dueToday() error {
	times := make([]time.Duration, 0, r.w.DueLists)
	var due []app.Summary
	for i := 0; i < r.w.DueLists; i++ {
		dt, err := r.view(func(tx intake.Tx) (err error) { due, err = tx.Due(r.ds.Today, r.ds.Today, 0); return err })
		if err != nil {
			return err
		}
		times = append(times, dt)
	}
	r.res.DueToday, r.res.DueRows, r.res.Digests["due_today"] = StatsOf(times), len(due), digestOf(due)
	if len(due) != r.ds.DueToday {
		return fmt.Errorf("due today: %d rows, the data set has %d", len(due), r.ds.DueToday)
	}
	return nil
}

func (r *measurement) counts() error {
	var counts map[app.State]int
	err := r.st.store.View(func(tx intake.Tx) (err error) { counts, err = tx.Counts(); return err })
	r.res.Digests["counts"] = digestOf(counts)
	return err
}

func (r *measurement) memory() error {
	r.res.Memory = ReadMemory()
	return nil
}

// registrations times durable registrations through intake.Service, each just after a round of
// both fsync floors so that they see the same disk.
func (r *measurement) registrations() error {
	floors := make([]*Floor, 2)
	for i, pre := range []bool{false, true} {
		var err error
		if floors[i], err = NewFloor(r.dir, pre); err != nil {
			return err
		}
		defer func() { _ = floors[i].Close() }()
	}
	floorTimes := make([][]time.Duration, 2)
	floorRound := func() error {
		for i, fl := range floors {
			dt, err := fl.Round()
			if err != nil {
				return err
			}
			floorTimes[i] = append(floorTimes[i], dt)
		}
		return nil
	}
	in := desk.NewIntake(r.st.store, r.ref, r.clk.now)
	r.clk.set(r.morning)
	sess, err := in.Login(Accounts[0].Name, Password)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	sess.Idle = -1
	r.in, r.sess = in, sess
	g := fake.New(r.ds.Seed^0xbe9c_a11e, r.ref.Places)
	g.StartMonth = r.morning.Format("2006-01")
	h := sha256.New()
	times := make([]time.Duration, 0, r.w.Registrations)
	for i := 0; len(times) < r.w.Registrations; i++ {
		r.clk.set(r.morning.Add(5*time.Minute + time.Duration(i)*10*time.Second))
		req := intake.RegisterRequest{Form: g.Form(), NotDuplicate: true}
		if err := floorRound(); err != nil {
			return err
		}
		t := time.Now()
		res, err := in.Register(sess, req)
		dt := time.Since(t)
		if ae := (*app.Error)(nil); errors.As(err, &ae) && ae.Code == "duplicate_personal_id" {
			r.res.Refused++
			continue
		}
		if err != nil {
			return fmt.Errorf("register %d: %w", i, err)
		}
		fmt.Fprintln(h, res.Dossier.Code, res.Dossier.Due, res.Dossier.Quote.Payable, len(res.PossibleDuplicates))
		if i >= r.w.Warmup {
			times = append(times, dt)
		}
	}
	for len(floorTimes[0]) < r.w.FsyncSamples {
		if err := floorRound(); err != nil {
			return err
		}
	}
	r.res.FsyncAppend, r.res.FsyncPrealloc = StatsOf(floorTimes[0]), StatsOf(floorTimes[1])
	r.res.Register, r.res.Registered, r.res.Digests["register"] = StatsOf(times), len(times), hex.EncodeToString(h.Sum(nil))
	return nil
}

// listSearches times the search as the desk runs it: intake.Service.List, which writes an audit
// entry each time.
func (r *measurement) listSearches() error {
	times := make([]time.Duration, 0, r.w.Searches)
	for i := 0; i < min(r.w.Searches, 200); i++ {
		t := time.Now()
		if _, err := r.in.List(r.sess, intake.ListRequest{Kind: intake.ListSearch, Value: r.w.SearchText}); err != nil {
			return err
		}
		times = append(times, time.Since(t))
	}
	r.res.ListSearch = StatsOf(times)
	return nil
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
