package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// usage is what the run consumed so far: this process's CPU and its exited children's, and on PostgreSQL the database
// processes' CPU, the WAL written and the WAL syncs.
type usage struct {
	process, database float64
	wal, walSyncs     int64
}

// benchDB is the database the PostgreSQL run uses ("" on Badger).
var benchDB string

func measure(ctx context.Context) usage {
	var u usage
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.process = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	// With --centrald, the replicas' CPU (counted for the processes that have exited).
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		u.process += float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	if benchDB == "" {
		return u
	}
	u.database = postgresCPU()
	conn, err := pgx.Connect(ctx, benchDB)
	if err != nil {
		return u
	}
	defer conn.Close(ctx)
	_ = conn.QueryRow(ctx, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, (SELECT wal_sync FROM pg_stat_wal)`).
		Scan(&u.wal, &u.walSyncs)
	return u
}

// postgresCPU sums the user and system CPU-seconds of the postgres processes on this machine.
func postgresCPU() float64 {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	total := 0.0
	for _, p := range stats {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(raw)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open || s[open+1:closing] != "postgres" {
			continue
		}
		f := strings.Fields(s[closing+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		total += (ut + st) / 100 // clock ticks (USER_HZ = 100 on Linux)
	}
	return total
}

// newDatabase makes a database of its own on the cluster at base and returns its URL and how
// to drop it.
func newDatabase(ctx context.Context, base string) (string, func(), error) {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("centralbench_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		_ = admin.Close(ctx)
		return "", nil, err
	}
	_ = admin.Close(ctx)
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	benchDB = u.String()
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			_, _ = c.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			_ = c.Close(ctx)
		}
	}
	return benchDB, drop, nil
}
