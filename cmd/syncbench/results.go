package main

import (
	"sort"
	"time"
)

// sample is one measured sync.
type sample struct {
	Seconds     float64 `json:"seconds"`
	UpBytes     int64   `json:"up_bytes"`   // A→B on the link: IP packets, retransmissions included
	DownBytes   int64   `json:"down_bytes"` // B→A
	UpPackets   int64   `json:"up_packets"`
	DownPackets int64   `json:"down_packets"`
	Requests    int64   `json:"requests"`      // HTTP requests, as the client counted them
	Connections int64   `json:"connections"`   // TCP connections opened (SYNs on the link)
	Lost        int64   `json:"lost_packets"`  // dropped by the link's random loss, both ways
	QueueDrops  int64   `json:"queue_dropped"` // dropped because the link's queue was full, both ways
	Answer      answer  `json:"answer"`
}

// side is one implementation's result for a case: the median of its samples.
type side struct {
	Samples     []sample `json:"samples"`
	Seconds     float64  `json:"seconds"`
	UpBytes     int64    `json:"up_bytes"`
	DownBytes   int64    `json:"down_bytes"`
	Requests    int64    `json:"requests"`    // the most of any sample
	Connections int64    `json:"connections"` // the most of any sample
	Failures    int      `json:"failures"`    // rounds that failed and were run again
}

func (s *side) summarise() {
	if len(s.Samples) == 0 {
		return
	}
	var secs []float64
	var up, down []int64
	for _, x := range s.Samples {
		secs = append(secs, x.Seconds)
		up, down = append(up, x.UpBytes), append(down, x.DownBytes)
		s.Requests, s.Connections = max(s.Requests, x.Requests), max(s.Connections, x.Connections)
		s.Failures += x.Answer.Failures
	}
	s.Seconds, s.UpBytes, s.DownBytes = median(secs), median(up), median(down)
}

func median[T int64 | float64](xs []T) T {
	s := append([]T(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchCase is one row of the table.
type benchCase struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Docs  int    `json:"docs"`
	// DocGzip is the gzip size of the case's documents (the dossiers as a JSON array).
	DocGzip int64 `json:"doc_gzip,omitempty"`
	DocRaw  int64 `json:"doc_raw,omitempty"`
	Ours    side  `json:"ours"`
	Pouch   *side `json:"pouchdb,omitempty"`
}

// results is everything a run measured.
type results struct {
	Started  time.Time      `json:"started"`
	Machine  machine        `json:"machine"`
	Link     linkInfo       `json:"link"`
	Cases    []*benchCase   `json:"cases"`
	Versions map[string]any `json:"versions"`
}

type linkInfo struct {
	RTTms      int64   `json:"rtt_ms"`
	Kbit       float64 `json:"kbit"`
	Loss       float64 `json:"loss"`
	QueueBytes int     `json:"queue_bytes"`
	Seed       uint64  `json:"seed"`
	Congestion string  `json:"congestion"`
}

// machine describes where the run took place.
type machine struct {
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	Kernel string `json:"kernel"`
	OS     string `json:"os"`
	Go     string `json:"go"`
	MemMB  int64  `json:"mem_mb"`
}
