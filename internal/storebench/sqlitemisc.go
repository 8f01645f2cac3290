package storebench

import (
	"database/sql"
	"encoding/json"
	"errors"

	"bhxhdesk/app"
)

// The rest of intake.Tx: settings, drafts, notices and the codes of a state, in plain tables.

func (tx *sqlTx) Setting(name string) ([]byte, bool, error) {
	return tx.blob(`SELECT value FROM setting WHERE name = ?`, name)
}

func (tx *sqlTx) PutSetting(name string, value []byte) error {
	_, err := tx.s.exec(`INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
		name, value)
	return err
}

func (tx *sqlTx) Draft(user string) (app.Draft, bool, error) {
	var d app.Draft
	raw, ok, err := tx.blob(`SELECT value FROM draft WHERE name = ?`, user)
	if err != nil || !ok {
		return d, ok, err
	}
	return d, true, json.Unmarshal(raw, &d)
}

func (tx *sqlTx) PutDraft(user string, d app.Draft) error {
	value, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tx.s.exec(`INSERT INTO draft (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
		user, value)
	return err
}

func (tx *sqlTx) DeleteDraft(user string) error {
	_, err := tx.s.exec(`DELETE FROM draft WHERE name = ?`, user)
	return err
}

func (tx *sqlTx) PutNotice(n app.Notice) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	_, err = tx.s.exec(`INSERT INTO notice (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json`, n.ID, b)
	return err
}

func (tx *sqlTx) DossiersInState(st app.State) ([]string, error) {
	rows, err := tx.s.query(`SELECT code FROM dossier WHERE state = ? ORDER BY code`, string(st))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// blob reads one value; false when there is no row.
func (tx *sqlTx) blob(q string, args ...any) ([]byte, bool, error) {
	var b []byte
	err := tx.s.scan(q, args, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}
