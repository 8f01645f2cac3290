package main

import (
	"fmt"
	"strings"
	"time"
)

// Goals of issue 5.
const (
	budgetFactor   = 1.5 // initial sync within 1.5 × (compressed bytes ÷ bandwidth + 3 RTT)
	budgetRTTs     = 3
	maxWarmTrips   = 2 // a one-dossier sync on a warm connection
	minRatioPouch  = 5 // at least 5× fewer bytes and 5× less time than PouchDB
	handshakeTrips = 2 // a new connection costs TCP's and TLS 1.3's handshakes (ours)
)

// limitFactor is the goal of "Speed where people wait" (item 5): the initial sync within
// 1.15 × the link's limit, at the median of its runs.
const limitFactor = 1.15

// centreBatch is the most operations the centre takes in one request (central's maxBatch).
const centreBatch = 1000

// necessaryTrips are the round trips an initial sync of n dossiers cannot do without: TCP's and
// TLS 1.3's handshakes on the one connection it needs, then one request per 1,000 dossiers (the
// most the centre takes at once; each answer carries a page of changes, and the first carries
// the audit anchor). Registering the signing key (done at enrolment), a pull or an anchor of
// their own, a second connection are not counted: a sync that makes them pays for them.
func necessaryTrips(n int) int { return handshakeTrips + max(1, (n+centreBatch-1)/centreBatch) }

// linkLimit is the least time the link takes for a sample: the bytes it carried in the busier
// direction (IP packets as counted on the link: headers, the TLS handshake and retransmissions
// included) at the link's rate, plus trips round trips.
func linkLimit(l linkInfo, s sample, trips int) float64 {
	return float64(max(s.UpBytes, s.DownBytes)*8)/(l.Kbit*1000) + float64(trips)*float64(l.RTTms)/1000
}

// limitRatios are a case's samples' times each divided by its link's limit, in run order.
func limitRatios(l linkInfo, c *benchCase) []float64 {
	out := make([]float64, len(c.Ours.Samples))
	for i, s := range c.Ours.Samples {
		out[i] = s.Seconds / linkLimit(l, s, necessaryTrips(c.Docs))
	}
	return out
}

// report renders the results as the markdown the README shows.
func report(r *results) string {
	var b strings.Builder
	l := r.Link
	fmt.Fprintf(
		&b,
		"Link: %d ms RTT, %s kbit/s each way, %.0f %% loss each way, %s B drop-tail queue, loss seed %d (lossynet); "+
			"TCP congestion control %s on both sides.\n\n",
		l.RTTms,
		trimFloat(l.Kbit),
		l.Loss*100,
		thousands(int64(l.QueueBytes)),
		l.Seed,
		l.Congestion,
	)
	hasPouch := false
	for _, c := range r.Cases {
		hasPouch = hasPouch || c.Pouch != nil
	}
	b.WriteString("| case | ours: time (range) | up | down | requests / new connections |")
	if hasPouch {
		b.WriteString(" PouchDB: time (range) | up | down | requests / new connections | time ÷ | bytes ÷ |")
	}
	b.WriteString("\n|---|---|---|---|---|")
	if hasPouch {
		b.WriteString("---|---|---|---|---|---|")
	}
	b.WriteString("\n")
	for _, c := range r.Cases {
		title := c.Title
		if n := len(c.Ours.Samples); n > 1 {
			title += fmt.Sprintf(" (median of %d)", n)
		}
		fmt.Fprintf(&b, "| %s | %s |", title, sideCells(c.Ours))
		if hasPouch {
			if c.Pouch == nil || len(c.Pouch.Samples) == 0 {
				b.WriteString(" not run | | | | | |")
			} else {
				fmt.Fprintf(&b, " %s | %s | %s |", sideCells(*c.Pouch), ratio(c.Pouch.Seconds, c.Ours.Seconds),
					ratio(float64(c.Pouch.UpBytes+c.Pouch.DownBytes), float64(c.Ours.UpBytes+c.Ours.DownBytes)))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n| goal | target | measured | result |\n|---|---|---|---|\n")
	for i, c := range r.Cases {
		if !strings.HasPrefix(c.Key, "initial-") || len(c.Ours.Samples) == 0 {
			continue
		}
		// "within 1.5× of (compressed bytes ÷ bandwidth) + 3 RTT": 1.5 times the ideal time (the
		// documents' gzip size at the link's rate, plus the TCP and TLS handshakes and one
		// request). The stricter reading, 1.5 × transfer + 3 RTT, is shown beside it.
		transfer := float64(c.DocGzip*8) / (l.Kbit * 1000)
		rtts := budgetRTTs * float64(l.RTTms) / 1000
		budget, strict := budgetFactor*(transfer+rtts), budgetFactor*transfer+rtts
		result := verdict(c.Ours.Seconds <= budget)
		goal := fmt.Sprintf(
			"initial sync of %s dossiers within %.1f × (compressed ÷ bandwidth + %d RTT)",
			thousands(int64(c.Docs)),
			budgetFactor,
			budgetRTTs,
		)
		if i > 0 { // the issue sets the bound for the first size only
			goal, result = fmt.Sprintf("(information) the same bound for %s dossiers", thousands(int64(c.Docs))), "—"
			if c.Ours.Seconds <= budget {
				result = "within"
			} else {
				result = fmt.Sprintf("%.0f %% over", (c.Ours.Seconds/budget-1)*100)
			}
		}
		fmt.Fprintf(&b, "| %s | ≤ %.1f s (documents %s gzip; %.1f s read as 1.5 × transfer + 3 RTT) | %s | %s |\n",
			goal, budget, size(c.DocGzip), strict, seconds(c.Ours.Seconds), result)
	}
	for i, c := range r.Cases {
		if !strings.HasPrefix(c.Key, "initial-") || len(c.Ours.Samples) == 0 {
			continue
		}
		ratios := limitRatios(l, c)
		lo, hi, over := ratios[0], ratios[0], 0
		for _, x := range ratios {
			lo, hi = min(lo, x), max(hi, x)
			if x > limitFactor {
				over++
			}
		}
		m := median(ratios)
		measured := fmt.Sprintf("%.2f×", m)
		if len(ratios) > 1 {
			measured = fmt.Sprintf("%.2f× at the median (%.2f–%.2f×; %d of %d runs over)", m, lo, hi, over, len(ratios))
		}
		goal := fmt.Sprintf("initial sync of %s dossiers within %.2f × the link's limit (bytes ÷ bandwidth + %d RTT)",
			thousands(int64(c.Docs)), limitFactor, necessaryTrips(c.Docs))
		result := verdict(m <= limitFactor)
		if i > 0 {
			goal, result = "(information) "+goal, "—"
		}
		fmt.Fprintf(&b, "| %s | ≤ %.2f× | %s | %s |\n", goal, limitFactor, measured, result)
	}
	for _, c := range r.Cases {
		if c.Key != "one-warm" || len(c.Ours.Samples) == 0 {
			continue
		}
		trips := c.Ours.Requests + handshakeTrips*c.Ours.Connections
		fmt.Fprintf(
			&b,
			"| one-dossier sync on a warm connection in at most %d round trips | ≤ %d | "+
				"%d (%d request%s, %d new connection%s, worst of %d) | %s |\n",
			maxWarmTrips,
			maxWarmTrips,
			trips,
			c.Ours.Requests,
			plural(c.Ours.Requests),
			c.Ours.Connections,
			plural(c.Ours.Connections),
			len(c.Ours.Samples),
			verdict(trips <= maxWarmTrips),
		)
	}
	for _, what := range []string{"bytes", "time"} {
		for _, c := range r.Cases {
			if c.Pouch == nil || len(c.Pouch.Samples) == 0 || len(c.Ours.Samples) == 0 {
				continue
			}
			var x float64
			if what == "bytes" {
				x = float64(c.Pouch.UpBytes+c.Pouch.DownBytes) / float64(max(1, c.Ours.UpBytes+c.Ours.DownBytes))
			} else {
				x = c.Pouch.Seconds / max(1e-9, c.Ours.Seconds)
			}
			adj := "fewer"
			if what == "time" {
				adj = "less"
			}
			goal, result := fmt.Sprintf("%d× %s %s than PouchDB: %s", minRatioPouch, adj, what, c.Title), verdict(x >= minRatioPouch)
			if c.Key == "one-cold" {
				// Not one of the cases: a new connection costs us TLS 1.3 (one more
				// round trip, a post-quantum key share) where PouchDB ran plain HTTP.
				goal, result = "(information) "+goal+" (ours TLS 1.3, PouchDB plain HTTP)", "—"
			}
			fmt.Fprintf(&b, "| %s | ≥ %d× | %.1f× | %s |\n", goal, minRatioPouch, x, result)
		}
	}
	runs(&b, r)
	m := r.Machine
	fmt.Fprintf(&b, "\nMachine: %s, %d cores, %s MB RAM, %s, kernel %s; %s", m.CPU, m.Cores, thousands(m.MemMB), m.OS, m.Kernel, m.Go)
	if v, ok := r.Versions["pouchdb"].(string); ok && v != "" {
		fmt.Fprintf(&b, "; %s", v)
	}
	fmt.Fprintf(&b, ". Run %s.\n", r.Started.Format(time.DateOnly))
	return b.String()
}

// runs writes each initial sync of ours beside the link's limit: its bytes in the busier
// direction at the link's rate, plus the round trips it could not do without.
func runs(b *strings.Builder, r *results) {
	b.WriteString("\n| initial sync, run | time | up | down | requests / new connections | round trips: made (necessary) " +
		"| packets lost | link's limit | ratio |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range r.Cases {
		if !strings.HasPrefix(c.Key, "initial-") {
			continue
		}
		need := necessaryTrips(c.Docs)
		for i, s := range c.Ours.Samples {
			limit := linkLimit(r.Link, s, need)
			fmt.Fprintf(b, "| %s dossiers, %d | %s | %s | %s | %d / %d | %d (%d) | %d | %s | %.2f× |\n", thousands(int64(c.Docs)), i+1,
				seconds(s.Seconds), size(s.UpBytes), size(s.DownBytes), s.Requests, s.Connections,
				s.Requests+handshakeTrips*s.Connections, need, s.Lost, seconds(limit), s.Seconds/limit)
		}
	}
}

func sideCells(s side) string {
	t := seconds(s.Seconds)
	if len(s.Samples) > 1 {
		lo, hi := s.Samples[0].Seconds, s.Samples[0].Seconds
		for _, x := range s.Samples {
			lo, hi = min(lo, x.Seconds), max(hi, x.Seconds)
		}
		t += " (" + strings.TrimSuffix(seconds(lo), " s") + "–" + seconds(hi) + ")"
	}
	return fmt.Sprintf("%s | %s | %s | %d / %d", t, size(s.UpBytes), size(s.DownBytes), s.Requests, s.Connections)
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "**fail**"
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

func seconds(s float64) string {
	switch {
	case s >= 10:
		return fmt.Sprintf("%.0f s", s)
	case s >= 1:
		return fmt.Sprintf("%.1f s", s)
	}
	return fmt.Sprintf("%.2f s", s)
}

// size writes bytes in decimal units (1 kB = 1,000 B), as link rates are counted.
func size(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	case n >= 1_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func trimFloat(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%g", f), ".0") }
