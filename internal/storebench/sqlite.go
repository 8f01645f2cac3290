package storebench

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
	"modernc.org/sqlite"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/storage"
)

// SQLite is the benchmark's peer store: the intake part of the app.Store contract over SQLite
// (modernc.org/sqlite, pure Go) with a normalised schema — one row per dossier with its list
// columns beside the JSON, B-tree indexes on the personal ID, the due date, the state, the step and
// the handler, and an FTS5 table on the folded name —, so that the same app.Intake runs on both
// stores and only the storage differs. It is a benchmark peer, not a product store: nothing in it
// is encrypted.
//
// Methods that app.Store and app.Tx gain for other services (records, sync) are promoted from
// nil embedded interfaces and panic if called; the benchmark calls only the intake's.
type SQLite struct {
	app.Store // nil: methods added to app.Store later for other services panic if called

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
	// Search chooses how SearchName finds a folded-name prefix: SearchFTS (the default) or
	// SearchBTree (a range of the name_key index).
	Search SearchMode
	// KDF is the argon2id cost of the account passwords.
	KDF KDF
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// SearchMode is how the SQLite peer runs a folded-name prefix search.
type SearchMode int

// The search modes of the SQLite peer.
const (
	SearchFTS   SearchMode = iota // FTS5 initial-phrase prefix query, then sorted by name
	SearchBTree                   // a range scan of the B-tree index on the folded name
)

// KDF is the argon2id cost of a password hash.
type KDF struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

var _ app.Store = (*SQLite)(nil)

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
CREATE INDEX IF NOT EXISTS dossier_pid ON dossier (personal_id, code);
CREATE INDEX IF NOT EXISTS dossier_pid_rev ON dossier (pid_rev, code);
CREATE INDEX IF NOT EXISTS dossier_phone ON dossier (phone, code) WHERE phone <> '';
CREATE INDEX IF NOT EXISTS dossier_phone_rev ON dossier (phone_rev, code) WHERE phone_rev <> '';
CREATE INDEX IF NOT EXISTS dossier_code_rev ON dossier (code_rev);
CREATE INDEX IF NOT EXISTS dossier_old ON dossier (old_si_code, code) WHERE old_si_code <> '';
CREATE INDEX IF NOT EXISTS dossier_name ON dossier (name_key, birth_date, code);
CREATE INDEX IF NOT EXISTS dossier_state ON dossier (state, code);
CREATE INDEX IF NOT EXISTS dossier_office ON dossier (office, code);
CREATE INDEX IF NOT EXISTS dossier_due ON dossier (due, code) WHERE state IN ('open', 'returned');
CREATE INDEX IF NOT EXISTS dossier_step ON dossier (step, step_due, code) WHERE state = 'open';
CREATE INDEX IF NOT EXISTS dossier_handler ON dossier (handler, due, code) WHERE state IN ('open', 'returned');
CREATE VIRTUAL TABLE IF NOT EXISTS dossier_fts USING fts5 (name_key, content = 'dossier', content_rowid = 'id');
CREATE TABLE IF NOT EXISTS state_count (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
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
	// SQLite's Linux builds commit with fdatasync; this pure-Go build defaults to fsync.
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
	dsn := fmt.Sprintf("file:%s?_pragma=journal_mode(WAL)&_pragma=synchronous(%s)&_pragma=busy_timeout(5000)"+
		"&_pragma=cache_size(%d)&_pragma=temp_store(MEMORY)", cfg.Path, syncMode, -cfg.CacheMB*1024)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		_ = db.Close()
		return nil, err
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
func (s *SQLite) Update(fn func(app.Tx) error) error { return s.run("BEGIN IMMEDIATE", fn) }

// View runs fn in a read transaction (one snapshot).
func (s *SQLite) View(fn func(app.Tx) error) error { return s.run("BEGIN", fn) }

func (s *SQLite) run(begin string, fn func(app.Tx) error) error {
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
	return &app.Error{Kind: app.Internal, Code: "store_failed", Err: fmt.Errorf("sqlite %s: %w", op, err)}
}

// Authenticate checks a password against the account's argon2id hash.
func (s *SQLite) Authenticate(user, password string) error {
	var salt, hash []byte
	err := s.View(func(app.Tx) error {
		return s.scan(`SELECT salt, hash FROM credential WHERE name = ?`, []any{user}, &salt, &hash)
	})
	if err != nil || subtle.ConstantTimeCompare(s.hash(password, salt), hash) != 1 {
		return &app.Error{Kind: app.Forbidden, Code: "bad_credentials"}
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
	return s.Update(func(app.Tx) error {
		_, err := s.exec(`INSERT INTO credential (name, salt, hash) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET salt = excluded.salt, hash = excluded.hash`, user, salt, h)
		return err
	})
}

// RemoveCredential deletes an account's password hash.
func (s *SQLite) RemoveCredential(user string) error {
	return s.Update(func(app.Tx) error {
		_, err := s.exec(`DELETE FROM credential WHERE name = ?`, user)
		return err
	})
}

// VerifyAudit walks the audit chain in order.
func (s *SQLite) VerifyAudit() (app.AuditReport, error) {
	var rep app.AuditReport
	err := s.View(func(app.Tx) error {
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

// sqlTx is one transaction of the peer store.
type sqlTx struct {
	app.Tx // nil: see SQLite
	s      *SQLite
}

func (tx *sqlTx) jsonRow(q string, v any, args ...any) (bool, error) {
	var raw []byte
	err := tx.s.scan(q, args, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(raw, v)
}

func (tx *sqlTx) Office() (app.Office, bool, error) {
	var o app.Office
	ok, err := tx.jsonRow(`SELECT json FROM office WHERE id = 1`, &o)
	return o, ok, err
}

func (tx *sqlTx) PutOffice(o app.Office) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = tx.s.exec(`INSERT INTO office (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json`, b)
	return err
}

func (tx *sqlTx) User(name string) (app.User, bool, error) {
	var u app.User
	ok, err := tx.jsonRow(`SELECT json FROM account WHERE name = ?`, &u, name)
	return u, ok, err
}

func (tx *sqlTx) PutUser(u app.User) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	_, err = tx.s.exec(`INSERT INTO account (name, json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json`, u.Name, b)
	return err
}

func (tx *sqlTx) Users() ([]app.User, error) {
	rows, err := tx.s.query(`SELECT json FROM account ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.User
	for rows.Next() {
		var (
			raw []byte
			u   app.User
		)
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (tx *sqlTx) Dossier(code string) (app.Dossier, bool, error) {
	var d app.Dossier
	ok, err := tx.jsonRow(`SELECT json FROM dossier WHERE code = ?`, &d, code)
	return d, ok, err
}

func reversed(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// PutDossier writes the dossier row (its indexes follow), its FTS entry and the state counts.
func (tx *sqlTx) PutDossier(d *app.Dossier, prev *app.Dossier) error {
	if d.Code == "" {
		return fmt.Errorf("dossier without a code")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	nameKey := d.NameKey()
	tel := app.PhoneDigits(d.Form.Phone)
	args := []any{d.Office, d.Form.PersonalID, reversed(d.Form.PersonalID), tel, reversed(tel), reversed(strings.ToLower(d.Code)),
		d.Form.OldSICode, d.Form.FullName, nameKey,
		d.Form.BirthDate, string(d.State), d.Step, d.Handler, int64(d.Due), int64(d.StepDue), d.Received.UnixMilli(),
		int64(d.Quote.Payable), b, d.Code}
	if prev == nil {
		var id int64
		err := tx.s.scan(`INSERT INTO dossier (office, personal_id, pid_rev, phone, phone_rev, code_rev, old_si_code, full_name,
			name_key, birth_date, state, step, handler, due, step_due, received, payable, json, code)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`, args, &id)
		if err != nil {
			return err
		}
		if _, err := tx.s.exec(`INSERT INTO dossier_fts (rowid, name_key) VALUES (?, ?)`, id, nameKey); err != nil {
			return err
		}
	} else {
		var id int64
		err := tx.s.scan(`UPDATE dossier SET office = ?, personal_id = ?, pid_rev = ?, phone = ?, phone_rev = ?, code_rev = ?, old_si_code = ?, full_name = ?,
			name_key = ?, birth_date = ?, state = ?, step = ?, handler = ?, due = ?, step_due = ?, received = ?, payable = ?,
			json = ? WHERE code = ? RETURNING id`, args, &id)
		if err != nil {
			return err
		}
		if old := prev.NameKey(); old != nameKey {
			if _, err := tx.s.exec(`INSERT INTO dossier_fts (dossier_fts, rowid, name_key) VALUES ('delete', ?, ?)`, id, old); err != nil {
				return err
			}
			if _, err := tx.s.exec(`INSERT INTO dossier_fts (rowid, name_key) VALUES (?, ?)`, id, nameKey); err != nil {
				return err
			}
		}
		if _, err := tx.s.exec(`UPDATE state_count SET n = max(n - 1, 0) WHERE state = ?`, string(prev.State)); err != nil {
			return err
		}
	}
	_, err = tx.s.exec(`INSERT INTO state_count (state, n) VALUES (?, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1`, string(d.State))
	return err
}

const summaryCols = `code, full_name, personal_id, birth_date, state, step, due, step_due, received, handler, payable`

func (tx *sqlTx) summaries(q string, args ...any) ([]app.Summary, error) {
	rows, err := tx.s.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Summary
	for rows.Next() {
		var (
			s                      app.Summary
			state                  string
			due, stepDue, received int64
			payable                int64
		)
		if err := rows.Scan(&s.Code, &s.Name, &s.PersonalID, &s.BirthDate, &state, &s.Step, &due, &stepDue, &received,
			&s.Handler, &payable); err != nil {
			return nil, err
		}
		s.State, s.Due, s.StepDue, s.Payable = app.State(state), calendar.Date(due), calendar.Date(stepDue), app.Money(payable)
		s.Received = time.UnixMilli(received).In(calendar.VN)
		out = append(out, s)
	}
	return out, rows.Err()
}

// sqlLimit is SQLite's "no limit" for limit 0.
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// after is the smallest string greater than every string starting with prefix.
func after(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "\xff"
}

func (tx *sqlTx) ByPersonalID(pid string) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE personal_id = ? ORDER BY code`, pid)
}

func (tx *sqlTx) ByOldCode(code string) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE old_si_code = ? AND old_si_code <> '' ORDER BY code`, code)
}

func (tx *sqlTx) SameName(nameKey, year string) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE name_key = ? AND birth_date >= ? AND birth_date < ?
		ORDER BY code`, nameKey, year, after(year))
}

// SearchName lists dossiers whose folded name starts with prefix, in the order of our store's
// name index (folded name, birth year, code), then those with a later word of the name
// starting with it, as our store's word index does.
func (tx *sqlTx) SearchName(prefix string, limit int) ([]app.Summary, error) {
	var (
		out []app.Summary
		err error
	)
	if tx.s.cfg.Search == SearchBTree {
		out, err = tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE name_key >= ? AND name_key < ?
			ORDER BY name_key, substr(birth_date, 1, 4), code LIMIT ?`, prefix, after(prefix), sqlLimit(limit))
	} else if match := ftsPrefix(prefix); match != "" {
		// The FTS5 query finds the candidates by their words; the unary + keeps the planner on
		// it (not on the name_key index), and the range keeps exactly the names that start with
		// prefix.
		out, err = tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)
			AND +name_key >= ? AND +name_key < ? ORDER BY name_key, substr(birth_date, 1, 4), code LIMIT ?`,
			match, prefix, after(prefix), sqlLimit(limit))
	}
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	// A later word: FTS5 finds the phrase anywhere; without it, a scan. instr keeps the names
	// where the prefix starts at a word after the first.
	var more []app.Summary
	if match := strings.TrimPrefix(ftsPrefix(prefix), "^"); tx.s.cfg.Search != SearchBTree && match != "" {
		more, err = tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)
			AND instr(substr(name_key, instr(name_key, ' ')), ' ' || ?) > 0 ORDER BY code`, match, prefix)
	} else {
		more, err = tx.summaries(`SELECT `+summaryCols+` FROM dossier
			WHERE instr(substr(name_key, instr(name_key, ' ')), ' ' || ?) > 0 ORDER BY code`, prefix)
	}
	if err != nil {
		return nil, err
	}
	return merge(out, more, limit), nil
}

// merge adds to out the summaries of more it does not hold yet, up to limit.
func merge(out, more []app.Summary, limit int) []app.Summary {
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Code] = true
	}
	for _, s := range more {
		if limit > 0 && len(out) >= limit {
			break
		}
		if !seen[s.Code] {
			seen[s.Code] = true
			out = append(out, s)
		}
	}
	return out
}

// SearchPhone lists dossiers whose phone number starts with digits, then those whose number
// ends with them.
func (tx *sqlTx) SearchPhone(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE phone >= ? AND phone < ? AND phone <> ''
		ORDER BY phone, code LIMIT ?`, digits, after(digits), sqlLimit(limit))
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	rev := reversed(digits)
	more, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE phone_rev >= ? AND phone_rev < ? AND phone_rev <> ''
		ORDER BY phone_rev, code`, rev, after(rev))
	if err != nil {
		return nil, err
	}
	return merge(out, more, limit), nil
}

// SearchCode lists dossiers whose code ends with part from one of its dashes ("k70001",
// "260105-k70001"; any case).
func (tx *sqlTx) SearchCode(part string, limit int) ([]app.Summary, error) {
	rev := reversed(strings.ToLower(part))
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE code_rev >= ? AND code_rev < ?
		AND substr(code_rev, ?, 1) = '-' ORDER BY code LIMIT ?`, rev, after(rev), len(rev)+1, sqlLimit(limit))
}

// ftsPrefix is the FTS5 query of a folded-name prefix: the phrase of its words at the start of
// the name, the last word as a prefix ("nguyen thi ho" → ^"nguyen" + "thi" + "ho"*).
func ftsPrefix(prefix string) string {
	words := strings.FieldsFunc(prefix, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f)
	})
	if len(words) == 0 {
		return ""
	}
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + w + `"`
	}
	last := q[len(q)-1] + "*"
	if strings.HasSuffix(prefix, " ") {
		last = q[len(q)-1]
	}
	q[len(q)-1] = last
	return "^" + strings.Join(q, " + ")
}

func (tx *sqlTx) SearchPersonalID(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE personal_id >= ? AND personal_id < ?
		ORDER BY personal_id, code LIMIT ?`, digits, after(digits), sqlLimit(limit))
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	rev := reversed(digits)
	more, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE pid_rev >= ? AND pid_rev < ?
		ORDER BY pid_rev, code`, rev, after(rev))
	if err != nil {
		return nil, err
	}
	return merge(out, more, limit), nil
}

func (tx *sqlTx) Due(from, to calendar.Date, limit int) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE state IN ('open', 'returned') AND due >= ? AND due <= ?
		ORDER BY due, code LIMIT ?`, int64(from), int64(to), sqlLimit(limit))
}

func (tx *sqlTx) AtStep(step string, limit int) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE state = 'open' AND step = ?
		ORDER BY step_due, code LIMIT ?`, step, sqlLimit(limit))
}

func (tx *sqlTx) ByHandler(user string, limit int) ([]app.Summary, error) {
	return tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE state IN ('open', 'returned') AND handler = ?
		ORDER BY due, code LIMIT ?`, user, sqlLimit(limit))
}

func (tx *sqlTx) Counts() (map[app.State]int, error) {
	rows, err := tx.s.query(`SELECT state, n FROM state_count`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[app.State]int{}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[app.State(s)] = n
	}
	return out, rows.Err()
}

func (tx *sqlTx) NextSeq(name string) (uint64, error) {
	var n uint64
	err := tx.s.scan(`INSERT INTO counter (name, n) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1 RETURNING n`,
		[]any{name}, &n)
	return n, err
}

// setCounter raises a counter to at least n (bulk loading).
func (tx *sqlTx) setCounter(name string, n uint64) error {
	_, err := tx.s.exec(`INSERT INTO counter (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = max(n, excluded.n)`,
		name, n)
	return err
}

// Enqueue appends op to the outbox with a UUIDv7, the device sequence and a hybrid logical
// clock, as our store does.
func (tx *sqlTx) Enqueue(op app.Op) (app.Op, error) {
	seq, err := tx.NextSeq("outbox")
	if err != nil {
		return op, err
	}
	now := tx.s.cfg.Now()
	var last uint64
	if err := tx.s.scan(`SELECT n FROM counter WHERE name = 'hlc'`, nil, &last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return op, err
	}
	hlc := max(uint64(now.UnixMilli())<<16, last+1)
	if _, err := tx.s.exec(`INSERT INTO counter (name, n) VALUES ('hlc', ?) ON CONFLICT (name) DO UPDATE SET n = excluded.n`, hlc); err != nil {
		return op, err
	}
	op.OpID, op.DeviceSeq, op.HLC = app.NewUUIDv7(now), seq, hlc
	if op.Created.IsZero() {
		op.Created = now
	}
	_, err = tx.s.exec(`INSERT INTO outbox (device_seq, op_id, hlc, kind, entity_id, base_version, created, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, seq, op.OpID, hlc, op.Kind, op.EntityID, op.BaseVersion,
		op.Created.Format(time.RFC3339Nano), []byte(op.Payload))
	return op, err
}

// Audit appends an entry to the hash chain.
func (tx *sqlTx) Audit(e app.AuditEntry) error {
	var (
		seq  uint64
		prev string
	)
	err := tx.s.scan(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`, nil, &seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	e.Seq, e.Prev = seq+1, prev
	if e.At.IsZero() {
		e.At = tx.s.cfg.Now()
	}
	e.At = e.At.UTC()
	e.Hash = storage.AuditHash(e)
	_, err = tx.s.exec(`INSERT INTO audit (seq, at, user, action, entity, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.Format(time.RFC3339Nano), e.User, e.Action, e.Entity, e.Detail, e.Prev, e.Hash)
	return err
}
