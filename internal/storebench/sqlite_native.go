//go:build cgo && sqlite_fts5

package storebench

// The native SQLite peer: mattn/go-sqlite3 compiles SQLite's C amalgamation with cgo; the tag
// sqlite_fts5 builds it with FTS5, which the peer's schema uses (`make bench-store` sets it).
import _ "github.com/mattn/go-sqlite3"
