package storebench

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"bhxhdesk/assets"
)

// Alternation is the timings of every store measured in one process, in turns.
type Alternation struct {
	Rounds int `json:"rounds"`
	// Results are the stores' timings (lookup, search, due-today list, registration, list
	// search), each with the range of its rounds' p50s, and the digests of their answers.
	Results map[string]Result `json:"results"`
	// FsyncAppend and FsyncPrealloc are the disk's floor, one round of each just before each
	// registration of any store.
	FsyncAppend   Stats `json:"fsync_append"`
	FsyncPrealloc Stats `json:"fsync_prealloc"`
	// Load is the machine's load average over the last minute before and after the run.
	Load [2]float64 `json:"load"`
}

// Alternate opens the stores of kinds (dirs[kind] a working copy of the data set ds each) in this
// process and runs the workload on them in turns: rounds rounds, each a share of every part
// of the workload on each store, the stores in an order that rotates from round to round. So
// every store sees the same machine — its load, the disk's state, the Go runtime — and a
// disturbance falls on all of them rather than on one store's run.
func Alternate(ref *assets.Reference, kinds []string, dirs map[string]string, ds Dataset, w Workload, rounds int) (Alternation, error) {
	a := Alternation{Rounds: rounds, Results: map[string]Result{}, Load: [2]float64{LoadAverage(), 0}}
	if rounds < 1 {
		return a, fmt.Errorf("rounds: %d", rounds)
	}
	var floor floorPair
	if err := floor.open(dirs[kinds[0]]); err != nil {
		return a, err
	}
	defer floor.close()
	lanes := make([]*measurement, 0, len(kinds))
	defer func() {
		for _, r := range lanes {
			_ = r.st.close()
		}
	}()
	for _, kind := range kinds {
		r, err := start(ref, kind, dirs[kind], ds, w, ds.Seed^0xbe9c_a11e)
		if err != nil {
			return a, err
		}
		lanes = append(lanes, r)
		if err := r.counts(); err != nil {
			return a, err
		}
	}
	type series struct{ lookups, searches, due, regs, lists [][]time.Duration }
	all := make([]series, len(lanes))
	share := func(total, round int) int { return total*(round+1)/rounds - total*round/rounds }
	lookedUp := make([]int, len(lanes))
	for round := 0; round < rounds; round++ {
		for k := range lanes {
			i := (k + round) % len(lanes)
			r, s := lanes[i], &all[i]
			n := share(w.Lookups, round)
			lookups, err := r.lookups(lookedUp[i], n)
			if err != nil {
				return a, fmt.Errorf("%s: %w", r.kind, err)
			}
			lookedUp[i] += n
			searches, err := r.searches(share(w.Searches, round))
			if err != nil {
				return a, fmt.Errorf("%s: %w", r.kind, err)
			}
			due, err := r.dueToday(share(w.DueLists, round))
			if err != nil {
				return a, fmt.Errorf("%s: %w", r.kind, err)
			}
			regs, err := r.registrations(share(w.Registrations, round), floor.round)
			if err != nil {
				return a, fmt.Errorf("%s: %w", r.kind, err)
			}
			lists, err := r.listSearches(share(min(w.Searches, 200), round))
			if err != nil {
				return a, fmt.Errorf("%s: %w", r.kind, err)
			}
			s.lookups, s.searches, s.due = append(s.lookups, lookups), append(s.searches, searches), append(s.due, due)
			s.regs, s.lists = append(s.regs, regs), append(s.lists, lists)
		}
	}
	for i, r := range lanes {
		s := all[i]
		r.finish(Spread(s.lookups), Spread(s.searches), Spread(s.due), Spread(s.regs), Spread(s.lists))
		a.Results[r.kind] = r.res
	}
	for len(floor.times[0]) < w.FsyncSamples {
		if err := floor.round(); err != nil {
			return a, err
		}
	}
	a.FsyncAppend, a.FsyncPrealloc = floor.stats()
	a.Load[1] = LoadAverage()
	var errs []error
	for _, r := range lanes {
		errs = append(errs, r.st.close())
	}
	lanes = nil
	return a, errors.Join(errs...)
}

// LoadAverage is the machine's load average over the last minute (0 where unknown).
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return f
}
