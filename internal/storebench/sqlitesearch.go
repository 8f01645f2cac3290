package storebench

import (
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

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

func (tx *sqlTx) SameName(nameKey, birth string) ([]app.Summary, error) {
	rows, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE name_key = ? AND substr(birth_date, 1, 4) = ?
		ORDER BY code`, nameKey, birth[:min(4, len(birth))])
	out := rows[:0]
	for _, s := range rows {
		if app.BirthDatesAgree(s.BirthDate, birth) {
			out = append(out, s)
		}
	}
	return out, err
}

// SearchName lists dossiers whose folded name starts with prefix, in the order of our store's
// name index (folded name, birth year, code) read from the covering index on those columns,
// then those with a later word of the name starting with it, as our store's word index does,
// found through FTS5 (a scan when the prefix has no word).
func (tx *sqlTx) SearchName(prefix string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(`SELECT `+summaryCols+` FROM dossier WHERE name_key >= ? AND name_key < ?
		ORDER BY name_key, substr(birth_date, 1, 4), code LIMIT ?`, prefix, after(prefix), sqlLimit(limit))
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	// instr keeps the names where the prefix starts at a word after the first.
	var more []app.Summary
	if match := strings.TrimPrefix(ftsPrefix(prefix), "^"); match != "" {
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
