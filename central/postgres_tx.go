package central

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app"
	"bhxhdesk/app/jsonenc"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

// pgTx is one transaction of a PostgresStore.
type pgTx struct {
	ctx   context.Context
	tx    pgx.Tx
	plain bool // PostgresConfig.PlainSequence
}

// get reads the JSON body the query finds into a value of T (ok false when none).
func pgGet[T any](tx *pgTx, query string, args ...any) (T, bool, error) {
	var (
		v   T
		raw []byte
	)
	err := tx.tx.QueryRow(tx.ctx, query, args...).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	if err := fastjson.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("decode %s: %w", query, err)
	}
	return v, true, nil
}

// pgList reads the JSON bodies the query finds.
func pgList[T any](tx *pgTx, query string, args ...any) ([]T, error) {
	rows, err := tx.tx.Query(tx.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) {
		var (
			v   T
			raw []byte
		)
		if err := row.Scan(&raw); err != nil {
			return v, err
		}
		return v, fastjson.Unmarshal(raw, &v)
	})
}

// exec runs a statement whose arguments include one record's JSON body (body).
func (tx *pgTx) put(query string, body any, args ...any) error {
	b, err := jsonenc.Marshal(body)
	if err != nil {
		return err
	}
	_, err = tx.tx.Exec(tx.ctx, query, append(args, string(b))...)
	return err
}

func (tx *pgTx) exec(query string, args ...any) error {
	_, err := tx.tx.Exec(tx.ctx, query, args...)
	return err
}

func (tx *pgTx) Office(agency string) (Office, bool, error) {
	return pgGet[Office](tx, `SELECT body FROM offices WHERE agency = $1`, agency)
}

func (tx *pgTx) PutOffice(o Office) error {
	return tx.put(`INSERT INTO offices (agency, body) VALUES ($1, $2)
		ON CONFLICT (agency) DO UPDATE SET body = excluded.body`, o, o.Agency)
}

func (tx *pgTx) Offices() ([]Office, error) {
	return pgList[Office](tx, `SELECT body FROM offices ORDER BY agency`)
}

func (tx *pgTx) Device(id string) (Device, bool, error) {
	return pgGet[Device](tx, `SELECT body FROM devices WHERE id = $1`, id)
}

func (tx *pgTx) DeviceByToken(h string) (Device, bool, error) {
	return pgGet[Device](tx, `SELECT body FROM devices WHERE token_hash = $1`, h)
}

func (tx *pgTx) PutDevice(d Device) error {
	var token *string
	if d.TokenHash != "" {
		token = &d.TokenHash
	}
	if err := tx.put(`INSERT INTO devices (id, office, token_hash, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET office = excluded.office, token_hash = excluded.token_hash, body = excluded.body`,
		d, d.ID, d.Office, token); err != nil {
		return err
	}
	keys := d.OldKeys
	if d.Key != nil {
		keys = append(keys[:len(keys):len(keys)], *d.Key)
	}
	for _, k := range keys {
		if err := tx.exec(`INSERT INTO device_keys (key_id, device) VALUES ($1, $2)
			ON CONFLICT (key_id) DO UPDATE SET device = excluded.device`, k.ID.String(), d.ID); err != nil {
			return err
		}
	}
	return nil
}

func (tx *pgTx) Devices() ([]Device, error) {
	return pgList[Device](tx, `SELECT body FROM devices ORDER BY id`)
}

func (tx *pgTx) DevicesOf(office string) ([]Device, error) {
	return pgList[Device](tx, `SELECT body FROM devices WHERE office = $1 ORDER BY id`, office)
}

func (tx *pgTx) KeyHolder(id seal.KeyID) (Device, bool, error) {
	return pgGet[Device](tx, `SELECT d.body FROM device_keys k JOIN devices d ON d.id = k.device WHERE k.key_id = $1`, id.String())
}

// LockDevice takes the device's lock for the rest of the transaction. The transaction's
// snapshot is taken when its first statement starts, before the wait: one that waited reads
// what was there before the holder committed, and the serializable check aborts it when that
// matters (it then runs again, after the holder). Running it again after every wait instead
// made waiters hand the lock to each other without end (measured: pushes failed).
func (tx *pgTx) LockDevice(id string) error {
	return tx.exec(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockDevices, id)
}

func (tx *pgTx) OpResult(id string) (StoredOp, bool, error) {
	return pgGet[StoredOp](tx, `SELECT body FROM ops WHERE op_id = $1`, id)
}

func (tx *pgTx) PutOpResult(r StoredOp) error {
	return tx.put(`INSERT INTO ops (op_id, device, body) VALUES ($1, $2, $3)
		ON CONFLICT (op_id) DO UPDATE SET device = excluded.device, body = excluded.body`, r, r.OpID, r.Device)
}

func (tx *pgTx) ClaimOp(r StoredOp) (StoredOp, bool, error) {
	b, err := jsonenc.Marshal(r)
	if err != nil {
		return StoredOp{}, false, err
	}
	tag, err := tx.tx.Exec(tx.ctx, `INSERT INTO ops (op_id, device, body) VALUES ($1, $2, $3) ON CONFLICT (op_id) DO NOTHING`,
		r.OpID, r.Device, string(b))
	if err != nil || tag.RowsAffected() == 1 {
		return StoredOp{}, err == nil, err
	}
	prev, _, err := tx.OpResult(r.OpID)
	return prev, false, err
}

func (tx *pgTx) InsertVoucher(v Voucher) (bool, error) {
	var office *string
	if v.Office != "" {
		office = &v.Office
	}
	b, err := jsonenc.Marshal(v)
	if err != nil {
		return false, err
	}
	tag, err := tx.tx.Exec(tx.ctx, `INSERT INTO vouchers (id, office, personal_id, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO NOTHING`, v.ID, office, v.PersonalID, string(b))
	return err == nil && tag.RowsAffected() == 1, err
}

func (tx *pgTx) OpsOf(device string) ([]StoredOp, error) {
	return pgList[StoredOp](tx, `SELECT body FROM ops WHERE device = $1 ORDER BY op_id`, device)
}

func (tx *pgTx) Dossier(code string) (Dossier, bool, error) {
	return pgGet[Dossier](tx, `SELECT body FROM dossiers WHERE code = $1`, code)
}

func (tx *pgTx) PutDossier(d Dossier) error {
	return tx.put(`INSERT INTO dossiers (code, office, personal_id, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET office = excluded.office, personal_id = excluded.personal_id, body = excluded.body`,
		d, d.Code, d.Office, d.PersonalID)
}

func (tx *pgTx) Person(pid string) (Person, bool, error) {
	return pgGet[Person](tx, `SELECT body FROM persons WHERE personal_id = $1`, pid)
}

func (tx *pgTx) PutPerson(p Person) error {
	if err := tx.put(`INSERT INTO persons (personal_id, body) VALUES ($1, $2)
		ON CONFLICT (personal_id) DO UPDATE SET body = excluded.body`, p, p.PersonalID); err != nil {
		return err
	}
	if len(p.Offices) == 0 {
		return nil
	}
	return tx.exec(`INSERT INTO person_offices (office, personal_id) SELECT o, $2 FROM unnest($1::text[]) AS o
		ON CONFLICT DO NOTHING`, p.Offices, p.PersonalID)
}

func (tx *pgTx) Voucher(id string) (Voucher, bool, error) {
	return pgGet[Voucher](tx, `SELECT body FROM vouchers WHERE id = $1`, id)
}

func (tx *pgTx) PutVoucher(v Voucher) error {
	var office *string
	if v.Office != "" {
		office = &v.Office
	}
	return tx.put(`INSERT INTO vouchers (id, office, personal_id, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET office = excluded.office, personal_id = excluded.personal_id, body = excluded.body`,
		v, v.ID, office, v.PersonalID)
}

func (tx *pgTx) Cover(pid string) (Cover, bool, error) {
	return pgGet[Cover](tx, `SELECT body FROM covers WHERE personal_id = $1`, pid)
}

func (tx *pgTx) PutCover(c Cover) error {
	return tx.put(`INSERT INTO covers (personal_id, office, body) VALUES ($1, $2, $3)
		ON CONFLICT (personal_id) DO UPDATE SET office = excluded.office, body = excluded.body`, c, c.PersonalID, c.Office)
}

func (tx *pgTx) Review(id string) (app.IdentityReview, bool, error) {
	return pgGet[app.IdentityReview](tx, `SELECT body FROM reviews WHERE id = $1`, id)
}

func (tx *pgTx) PutReview(r app.IdentityReview) error {
	return tx.put(`INSERT INTO reviews (id, open, body) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET open = excluded.open, body = excluded.body`, r, r.ID, r.Resolved == nil)
}

func (tx *pgTx) Reviews(all bool) ([]app.IdentityReview, error) {
	return pgList[app.IdentityReview](tx, `SELECT body FROM reviews WHERE open OR $1 ORDER BY id`, all)
}

func (tx *pgTx) Unrouted(pid string) ([]string, error) {
	rows, err := tx.tx.Query(tx.ctx, `SELECT voucher_id FROM unrouted WHERE personal_id = $1 ORDER BY voucher_id`, pid)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (tx *pgTx) PutUnrouted(pid, v string) error {
	return tx.exec(`INSERT INTO unrouted (personal_id, voucher_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, pid, v)
}

func (tx *pgTx) DeleteUnrouted(pid, v string) error {
	return tx.exec(`DELETE FROM unrouted WHERE personal_id = $1 AND voucher_id = $2`, pid, v)
}

func (tx *pgTx) Meta(name string) ([]byte, bool, error) {
	var v []byte
	err := tx.tx.QueryRow(tx.ctx, `SELECT value FROM meta WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (tx *pgTx) PutMeta(name string, v []byte) error {
	return tx.exec(`INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v)
}

func (tx *pgTx) TransferSeq(device string) (uint64, error) {
	var seq int64
	err := tx.tx.QueryRow(tx.ctx, `SELECT seq FROM transfers WHERE device = $1`, device).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(seq), err
}

func (tx *pgTx) PutTransferSeq(device string, seq uint64) error {
	return tx.exec(`INSERT INTO transfers (device, seq) VALUES ($1, $2)
		ON CONFLICT (device) DO UPDATE SET seq = excluded.seq`, device, int64(seq))
}

func (tx *pgTx) AppendChange(audience string, c contract.Change) error {
	if tx.plain {
		// The design that loses changes: a number from a sequence when the row is written.
		return tx.exec(`INSERT INTO changes (seq, audience, kind, entity, payload, at, origin)
			VALUES (nextval('changes_plain_seq'), $1, $2, $3, $4, $5, $6)`, audience, c.Kind, c.Entity, string(c.Payload), c.At, origin(c))
	}
	return tx.exec(`INSERT INTO changes (audience, kind, entity, payload, at, origin) VALUES ($1, $2, $3, $4, $5, $6)`,
		audience, c.Kind, c.Entity, string(c.Payload), c.At, origin(c))
}

// origin is a change's Origin as a column (NULL when none).
func origin(c contract.Change) *string {
	if c.Origin == "" {
		return nil
	}
	return &c.Origin
}

func (tx *pgTx) ReplaceChange(audience string, c contract.Change) error {
	if err := tx.exec(`DELETE FROM changes WHERE audience = $1 AND kind = $2 AND entity = $3`, audience, c.Kind, c.Entity); err != nil {
		return err
	}
	return tx.AppendChange(audience, c)
}

func (tx *pgTx) Changes(audiences []string, after uint64, limit int, notFrom string) ([]contract.Change, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := tx.tx.Query(tx.ctx, `SELECT seq, kind, entity, payload, at, coalesce(origin, '') FROM changes
		WHERE audience = ANY($1) AND seq > $2 AND ($4 = '' OR origin IS DISTINCT FROM $4) ORDER BY seq LIMIT $3`,
		audiences, int64(after), lim, notFrom)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (contract.Change, error) {
		var (
			c       contract.Change
			seq     int64
			payload []byte
		)
		err := row.Scan(&seq, &c.Kind, &c.Entity, &payload, &c.At, &c.Origin)
		c.Seq, c.Payload = uint64(seq), payload
		return c, err
	})
}

func (tx *pgTx) LastChange() (uint64, error) {
	query := `SELECT hwm FROM feed`
	if tx.plain {
		query = `SELECT coalesce(max(seq), 0) FROM changes`
	}
	var hwm int64
	err := tx.tx.QueryRow(tx.ctx, query).Scan(&hwm)
	return uint64(hwm), err
}

// officeQueries find the records of an office by kind, through its index.
var officeQueries = map[string]string{
	"dossier": `SELECT code, body FROM dossiers WHERE office = $1 AND code > $2 ORDER BY code LIMIT $3`,
	"voucher": `SELECT id, body FROM vouchers WHERE office = $1 AND id > $2 ORDER BY id LIMIT $3`,
	"cover":   `SELECT personal_id, body FROM covers WHERE office = $1 AND personal_id > $2 ORDER BY personal_id LIMIT $3`,
	"person": `SELECT p.personal_id, p.body FROM person_offices po JOIN persons p ON p.personal_id = po.personal_id
		WHERE po.office = $1 AND po.personal_id > $2 ORDER BY po.personal_id LIMIT $3`,
}

func (tx *pgTx) OfficeRecords(kind, office, after string, limit int) ([]Record, error) {
	query := officeQueries[kind]
	if query == "" {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := tx.tx.Query(tx.ctx, query, office, after, lim)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Record, error) {
		var r Record
		var raw []byte
		err := row.Scan(&r.Key, &raw)
		r.Raw = raw
		return r, err
	})
}
