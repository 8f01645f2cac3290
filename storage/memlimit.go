package storage

import (
	"os"
	"runtime/debug"
)

// MemoryBudget is what an open store needs in memory at the default cache size: Badger's block
// and index caches (64 MiB), its two memtables (24 MiB) and room for transactions and the Go
// collector's work (40 MiB).
const MemoryBudget = 128 << 20

// LimitMemory sets the Go runtime's soft memory limit to MemoryBudget plus extra — what the
// program holds besides the store, the desk's windows for instance — unless GOMEMLIMIT sets one.
// Without a limit the collector lets the heap grow to twice what is live before it runs: an
// office's store of a million dossiers left 250–340 MB of anonymous memory after a morning's
// work, most of it garbage, where 110 MB were live. The limit is soft: a program that needs
// more gets it, and collects more often.
func LimitMemory(extra int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryBudget + extra)
	}
}
