// Command benchtable turns the output of `go test -bench` (on standard input, several runs of a
// benchmark allowed: -count N) into the Markdown table of the README's Benchmarks: each
// benchmark's metric against its goal, the median of the runs with their lowest and highest,
// the machine and its load average. The exit status is 1 when a goal is missed (with --strict).
//
//	go test -run '^$' -bench . -count 5 ./pdf/ | go run ./scripts/benchtable [--strict]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// goal is what a benchmark is held to: the metric (a unit of the benchmark's output) and its
// limit, in that unit; limit 0 reports without a goal.
type goal struct {
	bench, title, unit string
	limit              float64
	show               func(float64) string
}

func dur(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e8:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns < 1e9:
		return fmt.Sprintf("%.0f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

func secs(s float64) string { return fmt.Sprintf("%.2f s", s) }

func kb(b float64) string { return fmt.Sprintf("%.0f KB", b/1e3) }

func mbytes(m float64) string { return fmt.Sprintf("%.2f MB", m) }

func millis(m float64) string { return fmt.Sprintf("%.0f ms", m) }

// goals are the README's rows, in its order.
var goals = []goal{
	{"QuoteMonthly", "quote, monthly", "ns/op", 20e3, dur},
	{"QuoteYearly", "quote, 12 months", "ns/op", 20e3, dur},
	{"QuoteAhead60", "quote, ahead 60 months (exact discount formula)", "ns/op", 20e3, dur},
	{"Validate", "validation of a valid TK1-TS", "ns/op", 50e3, dur},
	{"ValidateInvalid", "validation with 3 problems", "ns/op", 50e3, dur},
	{"FoldKey", "folding a name for search", "ns/op", 0, dur},
	{"LoadReference", "load and check all embedded data", "ns/op", 0, dur},
	{"CoverOne", "one book-cover confirmation PDF (sealed QR, embedded font subset), CPU per document", "cpu-ns/op", 2e6, dur},
	{"CoverOne", "the same, wall time per document", "ns/op", 0, dur},
	{"CoverOne", "the same, size", "pdf-bytes", 0, kb},
	{"Covers1000", "1,000 covers into one PDF for the printer, wall time", "ns/op", 2e9, dur},
	{"Covers1000", "the same, CPU", "cpu-ns/op", 0, dur},
	{"Covers1000", "the same, size", "MB", 3, mbytes},
	{"ReadVouchers10kXLSX", "reading a 10,000-row XLSX from a collection agent", "ns/op", 0, dur},
	{"Import10kXLSX", "importing it: read, check, match each voucher, record 10,000 periods and covers, durable", "s/import", 10, secs},
	{"OfficeReports20k/monthly-report", "an office's monthly report over 20,000 participants", "ns/op", 2e9, dur},
	{"OfficeReports20k/d05-xlsx", "its list D05-TS as XLSX (8,000 rows)", "ns/op", 2e9, dur},
	{"OfficeReports20k/d05-pdf", "its list D05-TS as PDF", "ns/op", 2e9, dur},
	{"DeclarationPageOn3G/regular-3g", "the citizen's declaration page over regular 3G until it can be used", "ms-interactive", 0, millis},
	{"DeclarationPageOn3G/regular-3g", "the same, bytes transferred", "KB-transferred", 0, func(f float64) string { return fmt.Sprintf("%.0f KB", f) }},
	{"DeclarationPageOn3G/fast-3g-devtools", "the same over DevTools' \"Fast 3G\" preset", "ms-interactive", 0, millis},
	{"Queue100k", "the desk's work queue of 100,000 dossiers: open", "ms-open", 0, millis},
	{"Queue100k", "the same: a frame while scrolling", "ms-frame", 0, millis},
}

func main() {
	strict := flag.Bool("strict", false, "exit with status 1 when a goal is missed")
	flag.Parse()
	samples, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	if failed := write(os.Stdout, samples); failed && *strict {
		os.Exit(1)
	}
}

// parse reads the benchmark lines: name, iterations, then value-unit pairs.
func parse(r io.Reader) (map[string]map[string][]float64, error) {
	out := map[string]map[string][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		if out[name] == nil {
			out[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", f[0], f[i])
			}
			out[name][f[i+1]] = append(out[name][f[i+1]], v)
		}
	}
	return out, sc.Err()
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func write(w io.Writer, samples map[string]map[string][]float64) (failed bool) {
	fmt.Fprintf(w, "Machine: %s; load average (1, 5, 15 min) at the end: %s.\n\n", machine(), load())
	fmt.Fprintln(w, "| benchmark | goal | median of the runs (lowest–highest) | runs | pass |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, g := range goals {
		v := samples[g.bench][g.unit]
		if len(v) == 0 {
			continue
		}
		m := median(v)
		cell := g.show(m)
		if len(v) > 1 {
			cell += fmt.Sprintf(" (%s–%s)", g.show(slices.Min(v)), g.show(slices.Max(v)))
		}
		goalText, pass := "—", "—"
		if g.limit > 0 {
			goalText = "≤ " + g.show(g.limit)
			pass = "pass"
			if m > g.limit {
				pass, failed = "**fail**", true
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %s |\n", g.title, goalText, cell, len(v), pass)
	}
	return failed
}

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores; %s %s/%s", cpu, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
