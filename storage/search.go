package storage

import (
	"bytes"
	"slices"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// summaries decodes the summary values under a prefix.
func (tx *Tx) summaries(prefix []byte, limit int, keep func(app.Summary) bool) ([]app.Summary, error) {
	var out []app.Summary
	err := tx.scan(prefix, 0, func(_, v []byte) error {
		if len(v) == 0 {
			return nil // a presence key (presenceKeys), not an entry
		}
		s, err := decodeSummary(v)
		if err != nil {
			return err
		}
		if keep == nil || keep(s) {
			out = append(out, s)
		}
		if limit > 0 && len(out) >= limit {
			return errStop
		}
		return nil
	})
	return out, err
}

// ByPersonalID lists every dossier of a personal ID.
func (tx *Tx) ByPersonalID(pid string) ([]app.Summary, error) {
	has, _ := presenceKeys(pid, "", "")
	if ok, err := tx.present(has); !ok {
		return nil, err
	}
	return tx.summaries(key(prefixPID, []byte(pid), sep), 0, nil)
}

// ByOldCode lists every dossier that gave the old social-insurance code.
func (tx *Tx) ByOldCode(code string) ([]app.Summary, error) {
	var codes []string
	p := key(prefixOld, []byte(code), sep)
	err := tx.scanKeys(p, 0, func(k []byte) error { codes = append(codes, string(k[len(p):])); return nil })
	if err != nil {
		return nil, err
	}
	return tx.byCodes(codes)
}

func (tx *Tx) byCodes(codes []string) ([]app.Summary, error) {
	out := make([]app.Summary, 0, len(codes))
	for _, c := range codes {
		d, ok, err := tx.Dossier(c)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d.Summary())
		}
	}
	return out, nil
}

// SameName lists the dossiers of exactly this folded name whose birth date agrees with birth at
// the precision both give (app.BirthDatesAgree). For a day of birth it first reads the presence
// keys of that day, its month and its year (bornKey): most people share their name and year with
// someone, few their day, and a key that is not stored costs no block read.
func (tx *Tx) SameName(nameKey, birth string) ([]app.Summary, error) {
	year := birth[:min(4, len(birth))]
	_, probes := presenceKeys("", nameKey, year)
	maybe := [][]byte{probes}
	if len(birth) == len("2006-01-02") {
		maybe = [][]byte{bornKey(nameKey, birth), bornKey(nameKey, birth[:7]), bornKey(nameKey, year)}
	}
	found := false
	for _, k := range maybe {
		ok, err := tx.present(k)
		if err != nil {
			return nil, err
		}
		if found = ok; found {
			break
		}
	}
	if !found {
		return nil, nil
	}
	return tx.summaries(key(prefixName, []byte(nameKey), sep, []byte(year), sep), 0,
		func(s app.Summary) bool { return app.BirthDatesAgree(s.BirthDate, birth) })
}

// searchEntries are a dossier's keys for searching by any word of the name, by phone number
// and by the end of its code (the name's first word and the personal ID have their own).
func searchEntries(d *app.Dossier) []entry {
	code := []byte(d.Code)
	var es []entry
	name := d.NameKey()
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' && i+1 < len(name) {
			es = append(es, entry{key(prefixWord, []byte(name[i+1:]), sep, code), nil})
		}
	}
	if tel := app.PhoneDigits(d.Form.Phone); tel != "" {
		rev := []byte(tel)
		slices.Reverse(rev)
		es = append(es, entry{key(prefixPhone, []byte(tel), sep, code), nil}, entry{key(prefixPhoneR, rev, sep, code), nil})
	}
	lower := strings.ToLower(d.Code)
	for i := 0; i < len(lower); i++ {
		if lower[i] == '-' && i+1 < len(lower) {
			es = append(es, entry{key(prefixCode, []byte(lower[i+1:]), sep, code), nil})
		}
	}
	return es
}

// SearchName lists dossiers whose folded name starts with prefix, in name order, then those
// with a later word of the name starting with it ("hong anh" finds Nguyễn Thị Hồng Anh).
func (tx *Tx) SearchName(prefix string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(key(prefixName, []byte(prefix)), limit, nil)
	if err != nil {
		return nil, err
	}
	return tx.more(out, key(prefixWord, []byte(prefix)), limit)
}

// SearchPhone lists dossiers whose phone number starts with digits, then those whose number
// ends with them.
func (tx *Tx) SearchPhone(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.more(nil, key(prefixPhone, []byte(digits)), limit)
	if err != nil {
		return nil, err
	}
	rev := []byte(digits)
	slices.Reverse(rev)
	return tx.more(out, key(prefixPhoneR, rev), limit)
}

// SearchCode lists dossiers whose code ends with part from one of its dashes ("k70001",
// "261207-k70001"; any case).
func (tx *Tx) SearchCode(part string, limit int) ([]app.Summary, error) {
	return tx.more(nil, key(prefixCode, []byte(strings.ToLower(part))), limit)
}

// more adds to out the dossiers named by the index keys under prefix (each ends with
// "\x00<code>") that out does not hold yet, up to limit.
func (tx *Tx) more(out []app.Summary, prefix []byte, limit int) ([]app.Summary, error) {
	if limit > 0 && len(out) >= limit {
		return out, nil
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Code] = true
	}
	var codes []string
	err := tx.scanKeys(prefix, 0, func(k []byte) error {
		c := string(k[bytes.LastIndexByte(k, 0)+1:])
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
		if limit > 0 && len(out)+len(codes) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	found, err := tx.byCodes(codes)
	return append(out, found...), err
}

// SearchPersonalID lists dossiers whose personal ID starts with digits, then those whose ID
// ends with them.
func (tx *Tx) SearchPersonalID(digits string, limit int) ([]app.Summary, error) {
	out, err := tx.summaries(key(prefixPID, []byte(digits)), limit, nil)
	if err != nil || (limit > 0 && len(out) >= limit) {
		return out, err
	}
	seen := map[string]bool{}
	for _, s := range out {
		seen[s.Code] = true
	}
	rev := []byte(digits)
	slices.Reverse(rev)
	var more [][]byte
	err = tx.scanKeys(key(prefixPIDRev, rev), 0, func(k []byte) error {
		rest := k[len(prefixPIDRev):]
		i := bytes.IndexByte(rest, 0)
		pid := slices.Clone(rest[:i])
		slices.Reverse(pid)
		if !seen[string(rest[i+1:])] {
			more = append(more, key(prefixPID, pid, sep, rest[i+1:]))
		}
		if limit > 0 && len(out)+len(more) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range more {
		v, ok, err := tx.get(k)
		if err != nil {
			return nil, err
		}
		if ok {
			s, err := decodeSummary(v)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// Due lists pending dossiers due in [from, to], by due date.
func (tx *Tx) Due(from, to calendar.Date, limit int) ([]app.Summary, error) {
	var out []app.Summary
	err := tx.scanFrom(prefixDue, key(prefixDue, date4(from)), limit, func(k, v []byte) error {
		if bytes.Compare(k[len(prefixDue):len(prefixDue)+4], date4(to)) > 0 {
			return errStop
		}
		s, err := decodeSummary(v)
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// AtStep lists open dossiers at a step, by the step's deadline.
func (tx *Tx) AtStep(step string, limit int) ([]app.Summary, error) {
	return tx.summaries(key(prefixStep, []byte(step), sep), limit, nil)
}

// ByHandler lists pending dossiers last handled by user, by due date.
func (tx *Tx) ByHandler(user string, limit int) ([]app.Summary, error) {
	return tx.summaries(key(prefixHandler, []byte(user), sep), limit, nil)
}
