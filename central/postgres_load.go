package central

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Records is a batch of a centre's records for BulkLoad: a province's existing participants
// brought into a new centre (from the records software it replaces), or a benchmark's
// national-size data.
type Records struct {
	Dossiers []Dossier
	Persons  []Person
	Vouchers []Voucher
}

// BulkLoad writes new records with PostgreSQL's COPY in one transaction, an order of magnitude
// faster than writing them one statement at a time. It is for records the centre does not hold
// yet: a record already there fails the whole batch (nothing is written) with the key named.
// Like PutDossier and its kin it writes records, not changes: desks receive loaded records
// with their office's state (OfficeState), not through the change feed.
func (s *PostgresStore) BulkLoad(ctx context.Context, r Records) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return storeError(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var offices [][]any
	for _, p := range r.Persons {
		for _, o := range p.Offices {
			offices = append(offices, []any{o, p.PersonalID})
		}
	}
	tables := []struct {
		name string
		cols []string
		rows func() ([][]any, error)
	}{
		{"dossiers", []string{"code", "office", "personal_id", "body"}, func() ([][]any, error) {
			return rowsOf(r.Dossiers, func(d Dossier) []any { return []any{d.Code, d.Office, d.PersonalID} })
		}},
		{"persons", []string{"personal_id", "body"}, func() ([][]any, error) {
			return rowsOf(r.Persons, func(p Person) []any { return []any{p.PersonalID} })
		}},
		{"person_offices", []string{"office", "personal_id"}, func() ([][]any, error) { return offices, nil }},
		{"vouchers", []string{"id", "office", "personal_id", "body"}, func() ([][]any, error) {
			return rowsOf(r.Vouchers, func(v Voucher) []any {
				var office *string
				if v.Office != "" {
					office = &v.Office
				}
				return []any{v.ID, office, v.PersonalID}
			})
		}},
	}
	for _, t := range tables {
		rows, err := t.rows()
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("bulk load %s: %w", t.name, storeError(err))
		}
	}
	return storeError(tx.Commit(ctx))
}

// rowsOf is each record's key columns followed by its JSON body.
func rowsOf[T any](records []T, keys func(T) []any) ([][]any, error) {
	rows := make([][]any, len(records))
	for i, rec := range records {
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		rows[i] = append(keys(rec), string(b))
	}
	return rows, nil
}
