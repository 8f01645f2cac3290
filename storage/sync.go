package storage

import (
	"encoding/binary"
	"encoding/json"

	"bhxhdesk/contract"

	"bhxhdesk/app"
)

// The sync part of the store: the outbox as the engine reads it, settings, what the centre said
// of each entity, and notices. Keys are listed in keys.go.

// OutboxAfter lists up to limit operations with a device sequence after seq, in order.
func (tx *Tx) OutboxAfter(seq uint64, limit int) ([]contract.Op, error) {
	var out []contract.Op
	err := tx.scanFrom(prefixOutbox, outboxKey(seq+1), limit, func(_, v []byte) error {
		var op contract.Op
		if err := json.Unmarshal(v, &op); err != nil {
			return err
		}
		out = append(out, op)
		return nil
	})
	return out, err
}

// DeleteOutbox removes an acknowledged operation.
func (tx *Tx) DeleteOutbox(seq uint64) (bool, error) {
	k := outboxKey(seq)
	if _, ok, err := tx.get(k); err != nil || !ok {
		return false, err
	}
	if err := tx.del(k); err != nil {
		return false, err
	}
	return true, tx.addPending(-1)
}

func (tx *Tx) addPending(delta int64) error { return tx.addCounter(keyPending, delta) }

// addCounter adds delta to the uint64 counter at k (never below zero).
func (tx *Tx) addCounter(k []byte, delta int64) error {
	raw, _, err := tx.get(k)
	if err != nil {
		return err
	}
	var n int64
	if len(raw) == 8 {
		n = int64(binary.BigEndian.Uint64(raw))
	}
	return tx.set(k, u64(uint64(max(n+delta, 0))))
}

// PendingOps counts the operations in the outbox.
func (tx *Tx) PendingOps() (int, error) {
	raw, _, err := tx.get(keyPending)
	if err != nil || len(raw) != 8 {
		return 0, err
	}
	return int(binary.BigEndian.Uint64(raw)), nil
}

// Setting reads a setting.
func (tx *Tx) Setting(name string) ([]byte, bool, error) {
	return tx.get(key(prefixSetting, []byte(name)))
}

// Draft reads an account's registration form in progress.
func (tx *Tx) Draft(user string) (app.Draft, bool, error) {
	return drafts.get(tx, key(prefixDraft, []byte(user)))
}

// PutDraft writes an account's registration form in progress.
func (tx *Tx) PutDraft(user string, d app.Draft) error {
	return drafts.put(tx, key(prefixDraft, []byte(user)), d)
}

// DeleteDraft removes an account's registration form in progress.
func (tx *Tx) DeleteDraft(user string) error {
	return tx.del(key(prefixDraft, []byte(user)))
}

// PutSetting writes a setting.
func (tx *Tx) PutSetting(name string, v []byte) error {
	return tx.set(key(prefixSetting, []byte(name)), v)
}

// EntitySync reads what the centre last said of an entity.
func (tx *Tx) EntitySync(entity string) (app.EntitySync, bool, error) {
	return entitySyncs.get(tx, key(prefixESync, []byte(entity)))
}

// PutEntitySync records what the centre said of an entity.
func (tx *Tx) PutEntitySync(st app.EntitySync) error {
	return entitySyncs.put(tx, key(prefixESync, []byte(st.Entity)), st)
}

// Notice reads a notice.
func (tx *Tx) Notice(id string) (app.Notice, bool, error) {
	return notices.get(tx, key(prefixNotice, []byte(id)))
}

// Notices lists notices in id order.
func (tx *Tx) Notices(limit int) ([]app.Notice, error) {
	var out []app.Notice
	err := notices.each(tx, prefixNotice, limit, func(n app.Notice) error {
		out = append(out, n)
		return nil
	})
	return out, err
}

// PutNotice writes a notice.
func (tx *Tx) PutNotice(n app.Notice) error {
	return notices.put(tx, key(prefixNotice, []byte(n.ID)), n)
}

// DigestLines lists the digest line of every dossier, voucher, period and cover.
func (tx *Tx) DigestLines() ([]contract.DigestLine, error) {
	var out []contract.DigestLine
	err := tx.scan(prefixDossier, 0, func(_, v []byte) error {
		var d struct {
			Code    string `json:"code"`
			Version int    `json:"version"`
		}
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		out = append(out, contract.DossierLine(d.Code, d.Version))
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.scanKeys(prefixVoucher, 0, func(k []byte) error {
		out = append(out, contract.VoucherLine(string(k[len(prefixVoucher):])))
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = participants.eachDecodedAhead(tx, prefixPart, func(p app.Participant) error {
		for _, pe := range p.Periods {
			out = append(out, app.PeriodDigestLine(p.PersonalID, pe))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = covers.each(tx, prefixCover, 0, func(c app.BookCover) error {
		out = append(out, contract.CoverLine(c.PersonalID, c.Status != app.CoverCreated))
		return nil
	})
	return out, err
}
