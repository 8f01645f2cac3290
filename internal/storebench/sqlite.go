package storebench

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
	"modernc.org/sqlite"

	"bhxhdesk/app"
	"bhxhdesk/intake"
	"bhxhdesk/storage"
)

// SQLite is the benchmark's peer store: the intake part of the app.Store contract over SQLite —
// native SQLite through mattn/go-sqlite3 (cgo) or the pure-Go port modernc.org/sqlite, on the
// same file — with a normalised schema: one row per dossier with its list columns beside the
// JSON, B-tree indexes covering the list rows where our store's indexes hold them (personal ID,
// folded name + birth year, due date, step, handler), others on the reversed personal ID, phone
// and code, the state and the office, and an FTS5 table for a later word of the name. So the
// same intake.Service runs on every store and only the storage differs. It is a benchmark
// peer, not a product store: nothing in it is encrypted.
//
// Methods that app.Store and intake.Tx gain for other services (records, sync) are promoted from
// nil embedded interfaces and panic if called; the benchmark calls only the intake's.
type SQLite struct {
	cfg  SQLiteConfig
	db   *sql.DB
	conn *sql.Conn

	mu    sync.Mutex // one transaction at a time on the one connection
	stmts map[string]*sql.Stmt
}

// SQLiteConfig opens a peer store. Zero values take the documented defaults.
type SQLiteConfig struct {
	// Path is the database file.
	Path string
	// NotDurable commits with synchronous=OFF (bulk loading); otherwise synchronous=FULL, so a
	// committed transaction survives a power cut, as our store's.
	NotDurable bool
	// CacheMB is SQLite's page cache; 64 when zero (the same budget as our store's caches).
	CacheMB int
	// Driver is the database/sql driver: DriverNative (mattn/go-sqlite3, needs cgo) or
	// DriverPureGo (modernc.org/sqlite, the default).
	Driver string
	// KDF is the argon2id cost of the account passwords.
	KDF KDF
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// The SQLite drivers of the peer.
const (
	DriverPureGo = "sqlite"  // modernc.org/sqlite: SQLite translated to Go
	DriverNative = "sqlite3" // mattn/go-sqlite3: the C library through cgo
)

// NativeAvailable reports whether this build has the native driver (it needs cgo).
func NativeAvailable() bool { return slices.Contains(sql.Drivers(), DriverNative) }

// KDF is the argon2id cost of a password hash.
type KDF struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

var (
	_ intake.Store = (*SQLite)(nil)
	_ intake.Tx    = (*sqlTx)(nil)
)

// listCols are the columns of a list row besides its index's keys: the indexes that our store's
// indexes mirror with the row in the value cover them too, so a list is read from the index.
const listCols = `full_name, personal_id, birth_date, state, step, due, step_due, received, handler, payable`

const schema = `
CREATE TABLE IF NOT EXISTS office (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account (name TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS credential (name TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dossier (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  office TEXT NOT NULL,
  personal_id TEXT NOT NULL,
  pid_rev TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_rev TEXT NOT NULL,
  code_rev TEXT NOT NULL,
  old_si_code TEXT NOT NULL,
  full_name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  state TEXT NOT NULL,
  step TEXT NOT NULL,
  handler TEXT NOT NULL,
  due INTEGER NOT NULL,
  step_due INTEGER NOT NULL,
  received INTEGER NOT NULL,
  payable INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dossier_pid ON dossier (personal_id, code, ` + listCols + `);
CREATE INDEX IF NOT EXISTS dossier_pid_rev ON dossier (pid_rev, code);
CREATE INDEX IF NOT EXISTS dossier_phone ON dossier (phone, code) WHERE phone <> '';
CREATE INDEX IF NOT EXISTS dossier_phone_rev ON dossier (phone_rev, code) WHERE phone_rev <> '';
CREATE INDEX IF NOT EXISTS dossier_code_rev ON dossier (code_rev);
CREATE INDEX IF NOT EXISTS dossier_old ON dossier (old_si_code, code) WHERE old_si_code <> '';
CREATE INDEX IF NOT EXISTS dossier_name ON dossier (name_key, substr(birth_date, 1, 4), code, ` + listCols + `);
CREATE INDEX IF NOT EXISTS dossier_state ON dossier (state, code);
CREATE INDEX IF NOT EXISTS dossier_office ON dossier (office, code);
CREATE INDEX IF NOT EXISTS dossier_due ON dossier (due, code, ` + listCols + `) WHERE state IN ('open', 'returned');
CREATE INDEX IF NOT EXISTS dossier_step ON dossier (step, step_due, code, ` + listCols + `) WHERE state = 'open';
CREATE INDEX IF NOT EXISTS dossier_handler ON dossier (handler, due, code, ` + listCols + `) WHERE state IN ('open', 'returned');
CREATE VIRTUAL TABLE IF NOT EXISTS dossier_fts USING fts5 (name_key, content = 'dossier', content_rowid = 'id');
CREATE TABLE IF NOT EXISTS state_count (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS draft (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notice (id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS participant (personal_id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  device_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL, hlc INTEGER NOT NULL, kind TEXT NOT NULL,
  entity_id TEXT NOT NULL, base_version INTEGER NOT NULL, created TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,
  detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
`

// OpenSQLite opens (creating when missing) a peer store in WAL mode.
func OpenSQLite(cfg SQLiteConfig) (*SQLite, error) {
	if cfg.CacheMB == 0 {
		cfg.CacheMB = 64
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KDF == (KDF{}) {
		cfg.KDF = KDF{Time: 3, Memory: 64 * 1024, Threads: 2}
	}
	if cfg.Driver == "" {
		cfg.Driver = DriverPureGo
	}
	if cfg.Driver == DriverNative && !NativeAvailable() {
		return nil, fmt.Errorf("native SQLite: this program was built without cgo")
	}
	// SQLite's Linux builds commit with fdatasync; the pure-Go build defaults to fsync.
	if _, err := sqlite.Fdatasync(true); err != nil && !errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o700); err != nil {
		return nil, err
	}
	syncMode := "FULL"
	if cfg.NotDurable {
		syncMode = "OFF"
	}
	db, err := sql.Open(cfg.Driver, "file:"+cfg.Path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	// The same settings through both drivers: on the one connection, before anything else.
	pragmas := fmt.Sprintf("PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA busy_timeout=5000; "+
		"PRAGMA cache_size=%d; PRAGMA temp_store=MEMORY;", syncMode, -cfg.CacheMB*1024)
	for _, q := range strings.Split(strings.TrimSuffix(pragmas, ";"), ";") {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			_ = conn.Close()
			_ = db.Close()
			return nil, fmt.Errorf("sqlite %s: %w", strings.TrimSpace(q), err)
		}
	}
	s := &SQLite{cfg: cfg, db: db, conn: conn, stmts: map[string]*sql.Stmt{}}
	if _, err := conn.ExecContext(context.Background(), schema); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite schema: %w", err)
	}
	return s, nil
}

// Close closes the store (checkpointing the WAL).
func (s *SQLite) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	errs = append(errs, s.conn.Close(), s.db.Close())
	return errors.Join(errs...)
}

// Maintain gathers the planner's statistics (ANALYZE) and checkpoints the WAL into the
// database file, as a deployment does after a bulk load.
func (s *SQLite) Maintain() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range []string{"ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := s.conn.ExecContext(context.Background(), q); err != nil {
			return storeErr(q, err)
		}
	}
	return nil
}

// stmt returns the prepared statement of q on the connection, preparing it the first time.
func (s *SQLite) stmt(q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.conn.PrepareContext(context.Background(), q)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", q, err)
	}
	s.stmts[q] = st
	return st, nil
}

func (s *SQLite) exec(q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (s *SQLite) query(q string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// scan runs a one-row query into dest; sql.ErrNoRows when there is no row.
func (s *SQLite) scan(q string, args []any, dest ...any) error {
	st, err := s.stmt(q)
	if err != nil {
		return err
	}
	return st.QueryRow(args...).Scan(dest...)
}

// Update runs fn in one BEGIN IMMEDIATE … COMMIT transaction.
func (s *SQLite) Update(fn func(intake.Tx) error) error { return s.run("BEGIN IMMEDIATE", fn) }

// View runs fn in a read transaction (one snapshot).
func (s *SQLite) View(fn func(intake.Tx) error) error { return s.run("BEGIN", fn) }

func (s *SQLite) run(begin string, fn func(intake.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.exec(begin); err != nil {
		return storeErr("begin", err)
	}
	if err := fn(&sqlTx{s: s}); err != nil {
		if _, rerr := s.exec("ROLLBACK"); rerr != nil {
			return errors.Join(err, storeErr("rollback", rerr))
		}
		var ae *app.Error
		if errors.As(err, &ae) {
			return err
		}
		return storeErr("transaction", err)
	}
	if _, err := s.exec("COMMIT"); err != nil {
		return storeErr("commit", err)
	}
	return nil
}

func storeErr(op string, err error) error {
	return &app.Error{Kind: app.Internal, Code: app.CodeStoreFailed, Err: fmt.Errorf("sqlite %s: %w", op, err)}
}

// Authenticate checks a password against the account's argon2id hash.
func (s *SQLite) Authenticate(user, password string) error {
	var salt, hash []byte
	err := s.View(func(intake.Tx) error {
		return s.scan(`SELECT salt, hash FROM credential WHERE name = ?`, []any{user}, &salt, &hash)
	})
	if err != nil || subtle.ConstantTimeCompare(s.hash(password, salt), hash) != 1 {
		return &app.Error{Kind: app.Forbidden, Code: app.CodeBadCredentials}
	}
	return nil
}

func (s *SQLite) hash(password string, salt []byte) []byte {
	k := s.cfg.KDF
	return argon2.IDKey([]byte(password), salt, k.Time, k.Memory, k.Threads, 32)
}

// AddCredential stores a new account's password hash.
func (s *SQLite) AddCredential(user, password string) error { return s.SetCredential(user, password) }

// SetCredential replaces an account's password hash.
func (s *SQLite) SetCredential(user, password string) error {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	h := s.hash(password, salt)
	return s.Update(func(intake.Tx) error {
		_, err := s.exec(`INSERT INTO credential (name, salt, hash) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET salt = excluded.salt, hash = excluded.hash`, user, salt, h)
		return err
	})
}

// RemoveCredential deletes an account's password hash.
func (s *SQLite) RemoveCredential(user string) error {
	return s.Update(func(intake.Tx) error {
		_, err := s.exec(`DELETE FROM credential WHERE name = ?`, user)
		return err
	})
}

// VerifyAudit walks the audit chain in order.
func (s *SQLite) VerifyAudit() (app.AuditReport, error) {
	var rep app.AuditReport
	err := s.View(func(intake.Tx) error {
		rows, err := s.query(`SELECT seq, at, user, action, entity, detail, prev, hash FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		prev, want := "", uint64(1)
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			switch {
			case e.Seq != want:
				rep.FirstBroken, rep.Reason = want, "missing"
			case e.Prev != prev:
				rep.FirstBroken, rep.Reason = e.Seq, "chain_broken"
			case storage.AuditHash(e) != e.Hash:
				rep.FirstBroken, rep.Reason = e.Seq, "edited"
			}
			if rep.Reason != "" {
				return nil
			}
			prev, want = e.Hash, want+1
			rep.Entries++
		}
		rep.OK = true
		return rows.Err()
	})
	return rep, err
}

func scanAudit(rows *sql.Rows) (app.AuditEntry, error) {
	var (
		e  app.AuditEntry
		at string
	)
	if err := rows.Scan(&e.Seq, &at, &e.User, &e.Action, &e.Entity, &e.Detail, &e.Prev, &e.Hash); err != nil {
		return e, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	e.At = t
	return e, err
}
