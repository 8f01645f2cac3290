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

// The goals of issue 3 ("Speed").
const (
	GoalRegisterFsync = 3.0                    // durable registration p50 ≤ 3 × fsync p50
	GoalLookup        = 200 * time.Microsecond // lookup by personal ID p50
	GoalSearch        = 10 * time.Millisecond  // folded-name search, first 50 with summaries, p50
	GoalDueToday      = 50 * time.Millisecond  // the whole due-today list
	GoalOpen          = 2 * time.Second        // opening the store until the first query
	GoalRSS           = 200 << 20              // resident memory with the store open
)

// Run is the measurements of both stores on one data set.
type Run struct {
	Data Dataset
	Ours Result
	Peer Result
	// Loaded is how long loading both stores took; zero when they came from the cache.
	Loaded time.Duration
}

// Agree lists the answers on which the two stores differ (none when they agree).
func (r Run) Disagree() []string {
	var out []string
	for _, k := range []string{"lookup", "search", "due_today", "counts", "register"} {
		if r.Ours.Digests[k] != r.Peer.Digests[k] {
			out = append(out, k)
		}
	}
	return out
}

// row is one line of the table.
type row struct {
	metric, ours, peer, ratio, goal, pass string
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

func memory(m Memory) string {
	return fmt.Sprintf("%s (%s / %s; %s)", mb(m.RSS), mb(m.Anon), mb(m.File), mb(m.GoHeap))
}

func mb(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// verdict is "pass" when ok and ours is no slower than the peer (when faster matters).
func verdict(ok bool, ours, peer float64, faster bool) string {
	switch {
	case !ok:
		return "**fail**"
	case faster && peer > 0 && ours > peer:
		return "**fail** (slower than SQLite)"
	}
	return "pass"
}

// speed is a timing row: goal 0 means no absolute goal, only "no slower than SQLite".
func speed(metric string, ours, peer, goal time.Duration, goalText string) row {
	ok := goal == 0 || ours < goal
	if goalText == "" {
		goalText = "< " + ms(goal)
	}
	return row{metric, ms(ours), ms(peer), ratio(float64(ours), float64(peer)), goalText + ", ≤ SQLite",
		verdict(ok, float64(ours), float64(peer), true)}
}

// openRow is the open time; ours includes unlocking the keyring, shown apart too.
func openRow(o, p Result) row {
	r := speed("open the store until its first query (fresh process)", o.Open, p.Open, GoalOpen, "")
	r.ours += fmt.Sprintf(" (keyring unlock %s)", ms(o.Unlock))
	return r
}

// Rows is the table of one run.
func (r Run) rows() []row {
	o, p := r.Ours, r.Peer
	floor := o.FsyncAppend.P50
	regLimit := time.Duration(GoalRegisterFsync * float64(floor))
	reg := speed("durable registration (intake.Service.Register) p50", o.Register.P50, p.Register.P50, regLimit,
		fmt.Sprintf("≤ 3 × fsync p50 = %s", ms(regLimit)))
	times := func(r Result) string {
		return fmt.Sprintf(" (%.1f× fsync; %.1f× preallocated)", float64(r.Register.P50)/float64(r.FsyncAppend.P50),
			float64(r.Register.P50)/float64(r.FsyncPrealloc.P50))
	}
	reg.ours += times(o)
	reg.peer += times(p)
	rssOK := o.Memory.RSS < GoalRSS
	rows := []row{
		{
			"fsync floor: append 4 KiB to a file + fsync, p50 / p99 (one round before each registration)",
			ms(o.FsyncAppend.P50) + " / " + ms(o.FsyncAppend.P99),
			ms(p.FsyncAppend.P50) + " / " + ms(p.FsyncAppend.P99),
			"—",
			"—",
			"—",
		},
		{"fsync, 4 KiB into a preallocated file (data only), p50 / p99", ms(o.FsyncPrealloc.P50) + " / " + ms(o.FsyncPrealloc.P99),
			ms(p.FsyncPrealloc.P50) + " / " + ms(p.FsyncPrealloc.P99), "—", "—", "—"},
		reg,
		speed("durable registration p99", o.Register.P99, p.Register.P99, 0, "report"),
		speed("lookup by personal ID p50 (list rows of the person)", o.Lookup.P50, p.Lookup.P50, GoalLookup, ""),
		speed("lookup by personal ID p99", o.Lookup.P99, p.Lookup.P99, 0, "report"),
		speed(fmt.Sprintf("folded-name search \"nguyen thi ho\", first %d with summaries, p50 (SQLite: FTS5)", o.SearchRows),
			o.Search.P50, p.Search.P50, GoalSearch, ""),
		speed(
			"the same search, SQLite through its B-tree index on the folded name instead of FTS5",
			o.Search.P50,
			p.SearchBTree.P50,
			GoalSearch,
			"",
		),
		speed(fmt.Sprintf("whole due-today list (%d rows) p50", o.DueRows), o.DueToday.P50, p.DueToday.P50, GoalDueToday, ""),
		openRow(o, p),
		{"resident memory (VmRSS) after open + queries (anonymous / mapped files; Go heap in use)", memory(o.Memory),
			memory(p.Memory), ratio(float64(o.Memory.RSS), float64(p.Memory.RSS)), "< " + mb(GoalRSS), verdict(rssOK, 0, 0, false)},
		{
			fmt.Sprintf(
				"VmRSS after %d registrations and %d more searches (anonymous / mapped files; Go heap in use)",
				o.Registered+o.Refused,
				o.ListSearch.N,
			),
			memory(o.AfterWrites),
			memory(p.AfterWrites),
			ratio(float64(o.AfterWrites.RSS), float64(p.AfterWrites.RSS)),
			"—",
			"—",
		},
		{"search through intake.Service.List (writes its audit entry durably) p50", ms(o.ListSearch.P50), ms(p.ListSearch.P50),
			ratio(float64(o.ListSearch.P50), float64(p.ListSearch.P50)), "—", "—"},
		{"store size on disk", mb(uint64(o.DiskBytes)), mb(uint64(p.DiskBytes)), ratio(float64(o.DiskBytes), float64(p.DiskBytes)), "—", "—"},
		{"sign-in key derivation (argon2id at storage.DefaultKDF; not in the open time)", ms(o.DefaultKDF), "—", "—", "—", "—"},
	}
	return rows
}

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
	fmt.Fprintf(w, "Seed %d, received %s … %s, today %s: %d due today (%.2f %%); %s; %s.\n\n",
		d.Seed, d.From, d.Today.AddDays(-1), d.Today, d.DueToday, 100*float64(d.DueToday)/float64(d.N), strings.Join(states, ", "), loaded)
	fmt.Fprintln(w, "| metric | ours | SQLite | ours/SQLite | goal | pass |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, x := range r.rows() {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", x.metric, x.ours, x.peer, x.ratio, x.goal, x.pass)
	}
	agree := "the same rows from both stores (lookups, search, due-today list, state counts, registrations)"
	if bad := r.Disagree(); len(bad) > 0 {
		agree = "**the stores disagree on: " + strings.Join(bad, ", ") + "**"
	}
	fmt.Fprintf(w, "\nAnswers: %s. %d registrations timed per store (%d people refused as pending duplicates, not timed).\n\n",
		agree, r.Ours.Registered, r.Ours.Refused)
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
