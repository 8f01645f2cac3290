package central

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"bhxhdesk/app"
)

// PostgresStore is the Store of a province's or the nation's centre: PostgreSQL 15 or later,
// any number of centrald replicas on one database. Read-write transactions are SERIALIZABLE
// and retried on a serialization failure or deadlock; read-only ones run in one REPEATABLE
// READ snapshot, on a streaming standby when one is configured. The change log is numbered in
// commit order by a sequencer (see sequence), so the desk's cursor never skips a change that
// commits late.
type PostgresStore struct {
	pool, read *pgxpool.Pool
	cfg        PostgresConfig

	stop   chan struct{}
	done   sync.WaitGroup
	closed sync.Once

	retries atomic.Int64 // Update's runs again after a lost race (Stats)
}

// StoreStats are a PostgresStore's counters since it opened.
type StoreStats struct {
	Retries int64 // transactions run again after losing a race
}

// Stats reads the store's counters.
func (s *PostgresStore) Stats() StoreStats { return StoreStats{Retries: s.retries.Load()} }

// PostgresConfig opens a PostgresStore.
type PostgresConfig struct {
	// URL is the primary's connection string (postgres://…).
	URL string
	// ReadURL, when set, is a streaming standby for read-only work (pull, digest, state).
	ReadURL string
	// SequenceEvery is how often the sequencer numbers new changes (25 ms when 0).
	SequenceEvery time.Duration
	// MaxConns bounds each pool (4 × the CPUs when 0).
	MaxConns int32
	// TxOps is how many operations of a push one transaction applies (1 when 0). Serializable
	// transactions that each apply a whole 250-operation push hold predicate locks on so many
	// index pages that concurrent pushes abort each other again and again (measured with 20
	// desks: 25 operations a transaction, 2,382 transactions run again in 11 s; one, 191, at the
	// same throughput); short ones rarely meet.
	TxOps int
	// PlainSequence numbers a change when it is inserted, as a plain sequence would: the
	// design that loses changes with concurrent writers. Only for the test that shows it.
	PlainSequence bool
}

var _ Store = (*PostgresStore)(nil)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys (the two-int form, class 1 for this program).
const (
	lockClass     = 0x6268 // "bh"
	lockMigrate   = 1
	lockSequencer = 2
	lockDevices   = 3 // the class of per-device locks: hashtext(device id) is the key
)

// OpenPostgres connects to the database, brings its schema up to date and starts the
// sequencer of the change log.
func OpenPostgres(ctx context.Context, cfg PostgresConfig) (*PostgresStore, error) {
	if cfg.SequenceEvery <= 0 {
		cfg.SequenceEvery = 25 * time.Millisecond
	}
	pool, err := newPool(ctx, cfg.URL, cfg.MaxConns)
	if err != nil {
		return nil, err
	}
	s := &PostgresStore{pool: pool, read: pool, cfg: cfg, stop: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if cfg.PlainSequence {
		if _, err := pool.Exec(ctx, `CREATE SEQUENCE IF NOT EXISTS changes_plain_seq`); err != nil {
			pool.Close()
			return nil, storeError(err)
		}
	}
	if cfg.ReadURL != "" {
		if s.read, err = newPool(ctx, cfg.ReadURL, cfg.MaxConns); err != nil {
			pool.Close()
			return nil, err
		}
	}
	s.done.Add(1)
	go s.sequencer()
	return s, nil
}

func newPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, &app.Error{Kind: app.Invalid, Code: app.CodeBadDatabaseURL, Args: map[string]string{"detail": err.Error()}}
	}
	if maxConns > 0 {
		pc.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, storeError(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, storeError(err)
	}
	return pool, nil
}

// Close stops the sequencer and closes the connections (once; later calls do nothing).
func (s *PostgresStore) Close() error {
	s.closed.Do(func() {
		close(s.stop)
		s.done.Wait()
		if s.read != s.pool {
			s.read.Close()
		}
		s.pool.Close()
	})
	return nil
}

// TxOps is how many operations of a push one transaction applies (PostgresConfig.TxOps).
func (s *PostgresStore) TxOps() int {
	if s.cfg.TxOps > 0 {
		return s.cfg.TxOps
	}
	return 1
}

// Ping checks that the database answers (the health check).
func (s *PostgresStore) Ping(ctx context.Context) error { return storeError(s.pool.Ping(ctx)) }

// Now is the database's clock: one time source for every replica's legal receipt times.
func (s *PostgresStore) Now(ctx context.Context) (time.Time, error) {
	var now time.Time
	err := s.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now)
	return now, storeError(err)
}

// migrate applies the migrations not applied yet, in order, each in its own transaction, one
// replica at a time.
func (s *PostgresStore) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return storeError(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockClass, lockMigrate); err != nil {
		return storeError(err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2)`, lockClass, lockMigrate)
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return storeError(err)
	}
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: no version number", base)
		}
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var done bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&done)
			if err != nil || done {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, base)
			return err
		})
		if err != nil {
			return storeError(err)
		}
	}
	return nil
}

// maxAttempts is how many times a transaction that lost a serialization race runs.
const maxAttempts = 30

// Update runs fn in a SERIALIZABLE transaction, again when it loses a race with another
// (serialization failure, deadlock, a same-key insert), with a growing random pause.
func (s *PostgresStore) Update(ctx context.Context, fn func(Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.Serializable}
	for attempt := 1; ; attempt++ {
		err := s.run(ctx, s.pool, opts, fn)
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return storeError(err)
		}
		if n := s.retries.Add(1); n <= 20 && os.Getenv("BHXH_DEBUG_RETRIES") != "" {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				fmt.Fprintf(os.Stderr, "retry %s: %s | %s | %s | %s\n", pe.Code, pe.Message, pe.Detail, pe.Where, pe.InternalQuery)
			}
			fmt.Fprintf(os.Stderr, "  %v\n", err)
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 7)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// View runs fn in one REPEATABLE READ, READ ONLY snapshot (standbys refuse SERIALIZABLE).
func (s *PostgresStore) View(ctx context.Context, fn func(Tx) error) error {
	return storeError(s.run(ctx, s.read, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn))
}

func (s *PostgresStore) run(ctx context.Context, pool *pgxpool.Pool, opts pgx.TxOptions, fn func(Tx) error) error {
	return pgx.BeginTxFunc(ctx, pool, opts, func(tx pgx.Tx) error {
		return fn(&pgTx{ctx: ctx, tx: tx, plain: s.cfg.PlainSequence})
	})
}

// retryable reports whether a transaction failed only because another won a race.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
	}
	return false
}

// storeError turns a lost connection or a database that is down into a Transient error (the
// desk tries again later); other errors pass unchanged.
func storeError(err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P: operator intervention (shutdown, crash recovery);
		// 53: insufficient resources; 40: a race lost too often.
		if strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || strings.HasPrefix(pe.Code, "53") ||
			strings.HasPrefix(pe.Code, "40") {
			return &app.Error{Kind: app.Transient, Code: app.CodeStoreUnavailable, Args: map[string]string{"detail": pe.Code}, Err: err}
		}
		return err
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) || isConnectError(err) {
		return &app.Error{Kind: app.Transient, Code: app.CodeStoreUnavailable, Err: err}
	}
	return err
}

func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

// Settle numbers now the changes of every transaction that has ended (waiting for another
// replica's round to end first), so that a pull that follows sees them; the sequencer does it
// anyway within SequenceEvery.
func (s *PostgresStore) Settle(ctx context.Context) error {
	if s.cfg.PlainSequence {
		return nil
	}
	// Every pull comes here: when nothing waits for a number (the usual case between month-end
	// bursts) one look at the partial index, and no lock or write transaction on the primary.
	var waiting bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM changes WHERE seq IS NULL)`).Scan(&waiting); err != nil || !waiting {
		return storeError(err)
	}
	_, err := s.sequence(ctx, true)
	return storeError(err)
}

// sequencer numbers new changes every SequenceEvery until Close.
func (s *PostgresStore) sequencer() {
	defer s.done.Done()
	t := time.NewTicker(s.cfg.SequenceEvery)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-s.stop; cancel() }()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if !s.cfg.PlainSequence {
				_, _ = s.sequence(ctx, false) // a failure is retried at the next tick
			}
		}
	}
}

// sequence numbers, under the sequencer's lock, every committed change not numbered yet, in
// the order they were inserted, after the high-water mark, and moves the mark in the same
// commit. Why nothing is lost: a change whose transaction commits after this round's snapshot
// is numbered by a later round, above this round's mark; a reader sees a round whole or not at
// all (the numbers and the mark commit together) and reads its page and the mark in one
// snapshot, so a cursor moved to the mark is below every change it has not seen. Insertion
// order keeps two writers of one record in their commit order (the second waited for the
// first's row lock before it inserted its change). A long transaction elsewhere delays
// nothing. It returns how many it numbered (0 when another replica holds the lock and wait
// is false).
func (s *PostgresStore) sequence(ctx context.Context, wait bool) (int, error) {
	n := 0
	// READ COMMITTED whatever the database's default: the numbering statement takes its snapshot
	// after the lock is held, so it sees the previous round's mark and numbers.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		mine := true
		if wait {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockClass, lockSequencer); err != nil {
				return err
			}
		} else if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2)`, lockClass, lockSequencer).Scan(&mine); err != nil || !mine {
			return err
		}
		var (
			top   *int64
			count int
		)
		err := tx.QueryRow(ctx, `
			WITH todo AS (
				SELECT id, row_number() OVER (ORDER BY id) AS n
				FROM changes
				WHERE seq IS NULL
				ORDER BY id
				LIMIT 20000
			), numbered AS (
				UPDATE changes c SET seq = (SELECT hwm FROM feed) + todo.n
				FROM todo WHERE c.id = todo.id
				RETURNING c.seq
			)
			SELECT max(seq), count(*) FROM numbered`).Scan(&top, &count)
		if err != nil || top == nil {
			return err
		}
		n = count
		_, err = tx.Exec(ctx, `UPDATE feed SET hwm = $1 WHERE hwm < $1`, *top)
		return err
	})
	return n, err
}
