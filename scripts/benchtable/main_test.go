package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
goarch: amd64
pkg: bhxhdesk/pdf
BenchmarkCoverOne-2   	     600	   1900000 ns/op	  1500000 cpu-ns/op	     31000 pdf-bytes	  800000 B/op	    2000 allocs/op
BenchmarkCoverOne-2   	     600	   2100000 ns/op	  1700000 cpu-ns/op	     31000 pdf-bytes	  800000 B/op	    2000 allocs/op
BenchmarkCoverOne-2   	     600	   5000000 ns/op	  2600000 cpu-ns/op	     31000 pdf-bytes	  800000 B/op	    2000 allocs/op
BenchmarkCovers1000-2 	       1	2500000000 ns/op	1200000000 cpu-ns/op	   2270000 pdf-bytes	         2.27 MB
BenchmarkOfficeReports20k/d05-xlsx-2               	       3	2513689639 ns/op	      8000 rows
PASS
`

func TestTheTableHoldsTheMedianOfTheRunsAgainstTheGoal(t *testing.T) {
	s, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	assert.Equal(t, []float64{1.5e6, 1.7e6, 2.6e6}, s["CoverOne"]["cpu-ns/op"])
	var out bytes.Buffer
	failed := write(&out, s)
	table := out.String()
	assert.Contains(t, table, "| one book-cover confirmation PDF (sealed QR, embedded font subset), CPU per document | ≤ 2.00 ms | 1.70 ms (1.50 ms–2.60 ms) | 3 | pass |",
		"the median passes though one run was over")
	assert.Contains(t, table, "| 1,000 covers into one PDF for the printer, wall time | ≤ 2.00 s | 2.50 s | 1 | **fail** |")
	assert.Contains(t, table, "| the same, size | ≤ 3.00 MB | 2.27 MB | 1 | pass |")
	assert.NotContains(t, table, "quote, monthly", "benchmarks that did not run have no row")
	assert.Contains(t, table, "| its list D05-TS as XLSX (8,000 rows) | ≤ 2.00 s | 2.51 s | 1 | **fail** |", "a sub-benchmark by its full name")
	assert.True(t, failed)
	assert.Contains(t, table, "load average")
}

func TestABadLineIsAnError(t *testing.T) {
	_, err := parse(strings.NewReader("BenchmarkCoverOne-2 10 abc ns/op\n"))
	assert.ErrorContains(t, err, `"abc" is not a number`)
}
