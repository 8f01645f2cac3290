package storebench

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/storage"
)

// sqlTx is one transaction of the peer store.
type sqlTx struct {
	s *SQLite
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

// Participant reads a person's record, as the desk's registration does for the exclusions the
// centre sent (the same lookup by personal ID as ours).
func (tx *sqlTx) Participant(pid string) (app.Participant, bool, error) {
	var p app.Participant
	ok, err := tx.jsonRow(`SELECT json FROM participant WHERE personal_id = ?`, &p, pid)
	return p, ok, err
}

// Cover reads a person's book cover: the peer keeps none (the benchmark's workload records no
// payment, so no cover is ever made).
func (tx *sqlTx) Cover(string) (app.BookCover, bool, error) { return app.BookCover{}, false, nil }

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
		err := tx.s.scan(`UPDATE dossier SET office = ?, personal_id = ?, pid_rev = ?, phone = ?, phone_rev = ?, code_rev = ?,
			old_si_code = ?, full_name = ?, name_key = ?, birth_date = ?, state = ?, step = ?, handler = ?, due = ?,
			step_due = ?, received = ?, payable = ?, json = ? WHERE code = ? RETURNING id`, args, &id)
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
func (tx *sqlTx) Enqueue(op contract.Op) (contract.Op, error) {
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
	const putHLC = `INSERT INTO counter (name, n) VALUES ('hlc', ?) ON CONFLICT (name) DO UPDATE SET n = excluded.n`
	if _, err := tx.s.exec(putHLC, hlc); err != nil {
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
