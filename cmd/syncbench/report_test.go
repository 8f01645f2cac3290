package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// results of a run on the issue's link with the given medians.
func fakeResults(initial, pouchInitial float64, warmRequests, warmConns int64) *results {
	s := func(sec float64, up, down, req, conns int64) side {
		return side{Samples: []sample{{Seconds: sec, UpBytes: up, DownBytes: down, Requests: req, Connections: conns}}, Seconds: sec, UpBytes: up,
			DownBytes: down, Requests: req, Connections: conns}
	}
	pouch := func(sec float64, up, down, req, conns int64) *side { x := s(sec, up, down, req, conns); return &x }
	many := func(x side) side {
		x.Samples = []sample{{Seconds: x.Seconds - 1}, {Seconds: x.Seconds}, {Seconds: x.Seconds + 4}}
		return x
	}
	return &results{
		Link: linkInfo{RTTms: 300, Kbit: 256, Loss: 0.05, QueueBytes: 32768, Seed: 7, Congestion: "cubic"},
		Cases: []*benchCase{
			{Key: "initial-1000", Title: "initial sync, 1,000 dossiers", Docs: 1000, DocGzip: 112_000,
				Ours: many(s(initial, 116_000, 7_000, 2, 1)), Pouch: pouch(pouchInitial, 2_870_000, 126_000, 47, 2)},
			{Key: "one-warm", Title: "one new dossier, warm connection", Docs: 1,
				Ours: s(0.37, 1_700, 450, warmRequests, warmConns), Pouch: pouch(2.8, 9_400, 8_200, 14, 4)},
			{Key: "one-cold", Title: "one new dossier, new connection", Docs: 1,
				Ours: s(1.1, 3_700, 2_500, 1, 1), Pouch: pouch(4.0, 9_700, 8_400, 14, 4)},
			{Key: "initial-10000", Title: "initial sync, 10,000 dossiers", Docs: 10000, DocGzip: 1_108_000,
				Ours: s(61, 1_141_000, 38_000, 11, 1)},
		},
	}
}

func row(t *testing.T, md, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| "+prefix) {
			return line
		}
	}
	t.Fatalf("no row %q in\n%s", prefix, md)
	return ""
}

func TestReportJudgesTheIssuesGoals(t *testing.T) {
	tests := []struct {
		name                     string
		initial, pouchInitial    float64
		warmRequests, warmConns  int64
		budget, warm, fewerBytes string
		lessTime                 string
	}{
		// 1.5 × (112 kB ÷ 32 kB/s + 0.9 s) = 6.6 s.
		{"passes an initial sync within the bound", 6.5, 106, 1, 0, "pass", "pass", "pass", "pass"},
		{"fails an initial sync over the bound", 6.7, 106, 1, 0, "**fail**", "pass", "pass", "pass"},
		{"counts a new connection's handshakes as round trips", 5.3, 106, 1, 1, "pass", "**fail**", "pass", "pass"},
		{"fails less than 5× PouchDB's time", 5.3, 25, 1, 0, "pass", "pass", "pass", "**fail**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := report(fakeResults(tt.initial, tt.pouchInitial, tt.warmRequests, tt.warmConns))
			assert.Contains(t, row(t, md, "initial sync of 1,000 dossiers within"), "≤ 6.6 s")
			assert.Contains(t, row(t, md, "initial sync of 1,000 dossiers within"), "6.2 s read as 1.5 × transfer + 3 RTT")
			assert.True(t, strings.HasSuffix(row(t, md, "initial sync of 1,000 dossiers within"), "| "+tt.budget+" |"))
			assert.True(t, strings.HasSuffix(row(t, md, "one-dossier sync on a warm connection"), "| "+tt.warm+" |"))
			assert.True(t, strings.HasSuffix(row(t, md, "5× fewer bytes than PouchDB: initial sync, 1,000"), "| "+tt.fewerBytes+" |"))
			assert.True(t, strings.HasSuffix(row(t, md, "5× less time than PouchDB: initial sync, 1,000"), "| "+tt.lessTime+" |"))
			assert.Contains(t, row(t, md, "(information) the same bound for 10,000"), "over")
			assert.Contains(t, row(t, md, "(information) 5× less time than PouchDB: one new dossier, new connection"), "| — |")
		})
	}
}

func TestReportShowsEveryCaseWithItsRatios(t *testing.T) {
	md := report(fakeResults(5.3, 106, 1, 0))
	assert.Contains(t, row(t, md, "initial sync, 1,000 dossiers (median of 3)"),
		"| 5.3 s (4.3–9.3 s) | 116 kB | 7.0 kB | 2 / 1 | 106 s | 2.87 MB | 126 kB | 47 / 2 | 20.0× | 24.4× |")
	assert.Contains(t, row(t, md, "initial sync, 10,000 dossiers"), "| not run |")
	assert.Contains(t, md, "TCP congestion control cubic")
}

func TestReportRatesEachInitialSyncAgainstTheLinksLimit(t *testing.T) {
	// 96 kB up at 256 kbit/s is 3.0 s; with the handshakes and one request, 3.9 s.
	run := func(sec float64) sample {
		return sample{Seconds: sec, UpBytes: 96_000, DownBytes: 6_000, Requests: 1, Connections: 1, Lost: 4}
	}
	tests := []struct {
		name     string
		times    []float64
		measured string
		result   string
	}{
		{"passes a median within 1.15×", []float64{4.4, 4.2, 5.0}, "1.13× at the median (1.08–1.28×; 1 of 3 runs over)", "pass"},
		{"fails a median over 1.15×", []float64{4.6, 4.2, 5.0}, "1.18× at the median (1.08–1.28×; 2 of 3 runs over)", "**fail**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fakeResults(5.3, 106, 1, 0)
			r.Cases[0].Ours.Samples = nil
			for _, sec := range tt.times {
				r.Cases[0].Ours.Samples = append(r.Cases[0].Ours.Samples, run(sec))
			}
			md := report(r)
			goal := row(t, md, "initial sync of 1,000 dossiers within 1.15 × the link's limit (bytes ÷ bandwidth + 3 RTT)")
			assert.Contains(t, goal, "| ≤ 1.15× | "+tt.measured+" | "+tt.result+" |")
			assert.Contains(t, row(t, md, "1,000 dossiers, 2 |"), "| 4.2 s | 96 kB | 6.0 kB | 1 / 1 | 3 (3) | 4 | 3.9 s | 1.08× |")
			assert.Contains(t, row(t, md, "1,000 dossiers, 3 |"), "| 5.0 s | 96 kB | 6.0 kB | 1 / 1 | 3 (3) | 4 | 3.9 s | 1.28× |")
		})
	}
	// 10,000 dossiers: ten requests are necessary; shown for information.
	md := report(fakeResults(5.3, 106, 1, 0))
	assert.Contains(t, row(t, md, "(information) initial sync of 10,000 dossiers within 1.15 × the link's limit (bytes ÷ bandwidth + 12 RTT)"),
		"| — |")
	assert.Contains(t, row(t, md, "10,000 dossiers, 1 |"), "| 11 / 1 | 13 (12) |")
}

func TestMedianAndSizes(t *testing.T) {
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, int64(25), median([]int64{10, 40, 20, 30}))
	assert.Equal(t, "999 B", size(999))
	assert.Equal(t, "1.5 kB", size(1_500))
	assert.Equal(t, "116 kB", size(116_000))
	assert.Equal(t, "2.87 MB", size(2_870_000))
	assert.Equal(t, "10,000", thousands(10000))
}
