package storebench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// The goals of the store (issues "Speed" and "Speed where people wait").
const (
	GoalRegisterFloor = 2.0                    // durable registration p50 ≤ 2 × the preallocated fsync floor's p50
	GoalRegisterPeer  = 0.75                   // … and ≤ 0.75 × native SQLite's
	GoalLookup        = 200 * time.Microsecond // lookup by personal ID p50
	GoalSearch        = 10 * time.Millisecond  // folded-name search, first 50 with summaries, p50
	GoalDueToday      = 50 * time.Millisecond  // the whole due-today list
	GoalOpen          = 30 * time.Millisecond  // opening the store until the first query, less the password's key derivation
	GoalRSS           = 200 << 20              // resident memory after a working session
)

// Run is the measurements of every store on one data set.
type Run struct {
	Data Dataset
	// Stores are the stores measured, ours first, and Results their measurements: the
	// alternated timings (Alternate), the fresh processes' opens (OpenOnce) and a working
	// session's memory and size (Measure).
	Stores  []string
	Results map[string]Result
	Alt     Alternation
	// Loaded is how long loading the stores took; zero when they came from the cache.
	Loaded time.Duration
}

// Disagree lists the answers on which the stores differ (none when they agree).
func (r Run) Disagree() []string {
	var out []string
	for _, k := range []string{"lookup", "search", "due_today", "counts", "register"} {
		for _, kind := range r.Stores[1:] {
			if r.Results[Ours].Digests[k] != r.Results[kind].Digests[k] {
				out = append(out, k+" ("+kind+")")
			}
		}
	}
	return out
}

// row is one line of the table: the metric, its goal, a cell per store, ours against native
// SQLite and the verdict.
type row struct {
	metric, goal string
	cells        []string
	ratio, pass  string
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// spread is a p50 with the range of its rounds' p50s.
func spread(s Stats) string {
	if s.Lo == 0 || s.Hi == 0 {
		return ms(s.P50)
	}
	return fmt.Sprintf("%s (%s–%s)", ms(s.P50), ms(s.Lo), ms(s.Hi))
}

func memory(m Memory) string {
	if m.RSS == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (%s / %s; %s)", mb(m.RSS), mb(m.Anon), mb(m.File), mb(m.GoHeap))
}

func mb(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "**fail**"
}

// native is the result ours is held against: native SQLite, or the pure-Go one in a build
// without it.
func (r Run) native() Result {
	if res, ok := r.Results[Native]; ok {
		return res
	}
	return r.Results[PureGo]
}

// timing is a row of p50s with their spread; the goal is an absolute limit (0: none) and no
// slower than native SQLite.
func (r Run) timing(metric string, get func(Result) Stats, goal time.Duration) row {
	x := row{metric: metric}
	for _, k := range r.Stores {
		x.cells = append(x.cells, spread(get(r.Results[k])))
	}
	o, p := get(r.Results[Ours]).P50, get(r.native()).P50
	x.ratio = ratio(float64(o), float64(p))
	x.goal = "≤ SQLite"
	ok := p == 0 || o <= p
	if goal > 0 {
		x.goal = "< " + ms(goal) + ", ≤ SQLite"
		ok = ok && o < goal
	}
	x.pass = verdict(ok)
	return x
}

// report is a row without a goal.
func (r Run) report(metric string, get func(Result) string, ratioOf func(Result) float64) row {
	x := row{metric: metric, goal: "—", ratio: "—", pass: "—"}
	for _, k := range r.Stores {
		x.cells = append(x.cells, get(r.Results[k]))
	}
	if ratioOf != nil {
		x.ratio = ratio(ratioOf(r.Results[Ours]), ratioOf(r.native()))
	}
	return x
}

// rows is the table of one run.
func (r Run) rows() []row {
	o, p := r.Results[Ours], r.native()
	fa, fp := r.Alt.FsyncAppend, r.Alt.FsyncPrealloc
	regLimit := time.Duration(GoalRegisterFloor * float64(fp.P50))
	reg := r.timing("durable registration (intake.Service.Register) p50 (rounds' p50s)", func(x Result) Stats { return x.Register }, 0)
	for i, k := range r.Stores {
		if v := r.Results[k].Register.P50; v > 0 && fp.P50 > 0 {
			reg.cells[i] += fmt.Sprintf("; %.1f× the preallocated floor", float64(v)/float64(fp.P50))
		}
	}
	reg.goal = fmt.Sprintf("≤ %.0f × preallocated fsync p50 = %s, ≤ %.2f × native SQLite", GoalRegisterFloor, ms(regLimit), GoalRegisterPeer)
	reg.pass = verdict(o.Register.P50 <= regLimit && (p.Register.P50 == 0 || float64(o.Register.P50) <= GoalRegisterPeer*float64(p.Register.P50)))
	floorCells := func(s Stats) []string {
		c := []string{ms(s.P50) + " / " + ms(s.P99)}
		for range r.Stores[1:] {
			c = append(c, "(the same disk)")
		}
		return c
	}
	openRow := r.timing("open the store until its first query, fresh process, less the password's key derivation (p50 of the processes, lowest–highest)",
		func(x Result) Stats { return x.Opens }, GoalOpen)
	openRow.goal = "< " + ms(GoalOpen)
	openRow.pass = verdict(o.Opens.P50 > 0 && o.Opens.P50 < GoalOpen)
	rows := []row{
		{metric: "fsync floor: append 4 KiB to a file + fsync, p50 / p99 (one round before each registration)", goal: "—",
			cells: floorCells(fa), ratio: "—", pass: "—"},
		{metric: "fsync floor: 4 KiB into a preallocated file (data only), p50 / p99", goal: "—",
			cells: floorCells(fp), ratio: "—", pass: "—"},
		reg,
		r.report("durable registration p99", func(x Result) string { return ms(x.Register.P99) },
			func(x Result) float64 { return float64(x.Register.P99) }),
		r.timing("lookup by personal ID p50 (list rows of the person)", func(x Result) Stats { return x.Lookup }, GoalLookup),
		r.report("lookup by personal ID p99", func(x Result) string { return ms(x.Lookup.P99) },
			func(x Result) float64 { return float64(x.Lookup.P99) }),
		r.timing(fmt.Sprintf("folded-name search \"%s\", first %d with summaries, p50", r.searchText(), o.SearchRows),
			func(x Result) Stats { return x.Search }, GoalSearch),
		r.timing(fmt.Sprintf("whole due-today list (%d rows) p50", o.DueRows), func(x Result) Stats { return x.DueToday }, GoalDueToday),
		r.report("search through intake.Service.List p50 (rounds' p50s; writes its audit entry durably, so about one fsync)",
			func(x Result) string { return spread(x.ListSearch) }, func(x Result) float64 { return float64(x.ListSearch.P50) }),
		openRow,
		r.report("unlocking the keyring at the benchmark's argon2id cost (not in the open time)",
			func(x Result) string { return ms(x.Unlock) }, nil),
		r.report("sign-in key derivation at the product's cost (argon2id, storage.DefaultKDF)",
			func(x Result) string { return ms(x.DefaultKDF) }, nil),
		r.report("resident memory (VmRSS) after open + queries (anonymous / mapped files; Go heap in use)",
			func(x Result) string { return memory(x.Memory) }, func(x Result) float64 { return float64(x.Memory.RSS) }),
	}
	after := r.report(fmt.Sprintf("VmRSS after %d registrations and %d searches through the desk (anonymous / mapped files; Go heap in use)",
		o.SessionRegistrations, o.SessionSearches), func(x Result) string { return memory(x.AfterWrites) },
		func(x Result) float64 { return float64(x.AfterWrites.RSS) })
	after.goal, after.pass = "< "+mb(GoalRSS), verdict(o.AfterWrites.RSS > 0 && o.AfterWrites.RSS < GoalRSS)
	rows = append(rows, after,
		r.report("store size on disk", func(x Result) string { return mb(uint64(x.DiskBytes)) },
			func(x Result) float64 { return float64(x.DiskBytes) }))
	return rows
}

func (r Run) searchText() string {
	if t := r.Results[Ours].SearchText; t != "" {
		return t
	}
	return DefaultWorkload.SearchText
}

// storeNames are the table's headings of the stores.
var storeNames = map[string]string{Ours: "ours", Native: "SQLite, native", PureGo: "SQLite, pure Go"}

// WriteMarkdown writes the table of one run.
func (r Run) WriteMarkdown(w io.Writer) {
	d := r.Data
	states := make([]string, 0, len(d.Counts))
	for s, n := range d.Counts {
		states = append(states, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(states)
	loaded := "from the cache"
	if r.Loaded > 0 {
		loaded = "loaded in " + r.Loaded.Round(time.Second).String()
	}
	fmt.Fprintf(w, "#### %s dossiers\n\n", grouped(d.N))
	fmt.Fprintf(w, "Seed %d, received %s … %s, today %s: %d due today (%.2f %%); %s; %s. ",
		d.Seed, d.From, d.Today.AddDays(-1), d.Today, d.DueToday, 100*float64(d.DueToday)/float64(d.N), strings.Join(states, ", "), loaded)
	fmt.Fprintf(w, "Timings alternated in one process, %d rounds; load average %.2f before, %.2f after.\n\n",
		r.Alt.Rounds, r.Alt.Load[0], r.Alt.Load[1])
	heads := make([]string, len(r.Stores))
	for i, k := range r.Stores {
		heads[i] = storeNames[k]
	}
	nativeName := storeNames[Native]
	if _, ok := r.Results[Native]; !ok {
		nativeName = storeNames[PureGo] + " (no native build)"
	}
	fmt.Fprintf(w, "| metric | goal | %s | ours / %s | pass |\n", strings.Join(heads, " | "), nativeName)
	fmt.Fprintf(w, "|---|---|%s---|---|\n", strings.Repeat("---|", len(heads)))
	for _, x := range r.rows() {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", x.metric, x.goal, strings.Join(x.cells, " | "), x.ratio, x.pass)
	}
	agree := "the same rows from every store (lookups, search, due-today list, state counts, registrations)"
	if bad := r.Disagree(); len(bad) > 0 {
		agree = "**the stores disagree on: " + strings.Join(bad, ", ") + "**"
	}
	fmt.Fprintf(w, "\nAnswers: %s. %d registrations timed per store (%d people refused as pending duplicates, not timed).\n\n",
		agree, r.Results[Ours].Registered, r.Results[Ours].Refused)
}

// Failed lists the rows that failed.
func (r Run) Failed() []string {
	var out []string
	for _, x := range r.rows() {
		if strings.Contains(x.pass, "fail") {
			out = append(out, x.metric)
		}
	}
	return out
}

func grouped(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Machine describes the computer the benchmark ran on.
func Machine(dir string) string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			var kb uint64
			if _, err := fmt.Sscanf(l, "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	osName := runtime.GOOS
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				osName = strings.Trim(v, `"`)
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", kernel " + strings.TrimSpace(string(b))
	}
	disk := ""
	if free, total, ok := diskSpace(dir); ok {
		disk = fmt.Sprintf("; disk: %.0f GiB free of %.0f GiB", float64(free)/(1<<30), float64(total)/(1<<30))
	}
	return fmt.Sprintf("%s, %d cores%s; %s%s; %s %s/%s%s", cpu, runtime.NumCPU(), mem, osName, kernel,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, disk)
}
