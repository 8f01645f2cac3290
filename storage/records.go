package storage

import (
	"bytes"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// The records part of the store (TST): vouchers and their states, participants, book covers and
// the device's signing key. Keys are listed in keys.go.

func ms8(t interface{ UnixMilli() int64 }) []byte { return u64(uint64(t.UnixMilli())) }

// Voucher reads a voucher and its state.
func (tx *Tx) Voucher(id string) (app.VoucherView, bool, error) {
	var vv app.VoucherView
	v, ok, err := vouchers.get(tx, key(prefixVoucher, []byte(id)))
	if err != nil || !ok {
		return vv, ok, err
	}
	st, _, err := voucherStates.get(tx, key(prefixVState, []byte(id)))
	if err != nil {
		return vv, false, err
	}
	return app.VoucherView{Voucher: v, State: st}, true, nil
}

func excKey(v app.Voucher) []byte { return key(prefixExc, ms8(v.Created), []byte(v.ID)) }

// PutVoucher stores a new voucher, its state and its index entries.
func (tx *Tx) PutVoucher(v app.Voucher, st app.VoucherState) error {
	k := key(prefixVoucher, []byte(v.ID))
	if _, ok, err := tx.get(k); err != nil || ok {
		if err == nil {
			err = &app.Error{Kind: app.Conflict, Code: app.CodeVoucherExists, Args: map[string]string{"id": v.ID}}
		}
		return err
	}
	if err := vouchers.put(tx, k, v); err != nil {
		return err
	}
	if err := tx.set(key(prefixReceipt, []byte(v.ReceiptNo), sep, []byte(v.ID)), nil); err != nil {
		return err
	}
	if err := tx.set(key(prefixVPID, []byte(v.PersonalID), sep, ms8(v.Created), []byte(v.ID)), nil); err != nil {
		return err
	}
	return tx.putVoucherState(v, st)
}

// PutVoucherState replaces a voucher's state and keeps the exceptions queue in step.
func (tx *Tx) PutVoucherState(st app.VoucherState) error {
	v, ok, err := vouchers.get(tx, key(prefixVoucher, []byte(st.ID)))
	if err != nil {
		return err
	}
	if !ok {
		return &app.Error{Kind: app.NotFound, Code: app.CodeVoucherNotFound, Field: "voucher", Args: map[string]string{"id": st.ID}}
	}
	return tx.putVoucherState(v, st)
}

func (tx *Tx) putVoucherState(v app.Voucher, st app.VoucherState) error {
	st.ID = v.ID
	if st.Status == app.VoucherException {
		if err := tx.set(excKey(v), nil); err != nil {
			return err
		}
	} else if err := tx.del(excKey(v)); err != nil {
		return err
	}
	return voucherStates.put(tx, key(prefixVState, []byte(v.ID)), st)
}

// vouchersUnder reads the vouchers whose ids end the keys under prefix (after skip bytes).
func (tx *Tx) vouchersUnder(prefix []byte, skip, limit int) ([]app.VoucherView, error) {
	return readUnder(tx, prefix, skip, limit, tx.Voucher)
}

// readUnder reads, with read, the records whose ids end the keys under prefix (after skip
// bytes), in key order; an id whose record is gone is left out.
func readUnder[T any](tx *Tx, prefix []byte, skip, limit int, read func(id string) (T, bool, error)) ([]T, error) {
	var ids []string
	err := tx.scanKeys(prefix, limit, func(k []byte) error {
		ids = append(ids, string(k[len(prefix)+skip:]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		v, ok, err := read(id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// VouchersByReceipt lists the vouchers with a receipt number.
func (tx *Tx) VouchersByReceipt(receiptNo string) ([]app.VoucherView, error) {
	return tx.vouchersUnder(key(prefixReceipt, []byte(receiptNo), sep), 0, 0)
}

// VouchersOf lists the vouchers of a personal ID, oldest first.
func (tx *Tx) VouchersOf(pid string) ([]app.VoucherView, error) {
	return tx.vouchersUnder(key(prefixVPID, []byte(pid), sep), 8, 0)
}

// Exceptions lists the vouchers waiting for a decision, oldest first.
func (tx *Tx) Exceptions(limit int) ([]app.VoucherView, error) {
	return tx.vouchersUnder(prefixExc, 8, limit)
}

// Participant reads a participant.
func (tx *Tx) Participant(pid string) (app.Participant, bool, error) {
	return participants.get(tx, key(prefixPart, []byte(pid)))
}

// PutParticipant writes a participant.
func (tx *Tx) PutParticipant(p app.Participant) error {
	return participants.put(tx, key(prefixPart, []byte(p.PersonalID)), p)
}

// EachParticipant calls fn with every participant, in personal ID order.
func (tx *Tx) EachParticipant(fn func(app.Participant) error) error {
	return participants.eachDecodedAhead(tx, key(prefixPart), fn)
}

// Cover reads a book cover.
func (tx *Tx) Cover(pid string) (app.BookCover, bool, error) {
	return covers.get(tx, key(prefixCover, []byte(pid)))
}

func coverIndex(c *app.BookCover) [][]byte {
	ks := [][]byte{key(prefixCovStat, []byte(c.Status), sep, ms8(c.Created), []byte(c.PersonalID))}
	if d := c.IssueDate(); d != 0 {
		ks = append(ks, key(prefixCovDay, date4(d), []byte(c.PersonalID)))
	}
	return ks
}

// PutCover writes a cover and moves its index entries from prev.
func (tx *Tx) PutCover(c *app.BookCover, prev *app.BookCover) error {
	if prev != nil {
		for _, k := range coverIndex(prev) {
			if err := tx.del(k); err != nil {
				return err
			}
		}
	}
	for _, k := range coverIndex(c) {
		if err := tx.set(k, nil); err != nil {
			return err
		}
	}
	return covers.put(tx, key(prefixCover, []byte(c.PersonalID)), *c)
}

func (tx *Tx) coversUnder(prefix []byte, skip, limit int) ([]app.BookCover, error) {
	return readUnder(tx, prefix, skip, limit, tx.Cover)
}

// Covers lists covers in a status, oldest first.
func (tx *Tx) Covers(status app.CoverStatus, limit int) ([]app.BookCover, error) {
	return tx.coversUnder(key(prefixCovStat, []byte(status), sep), 8, limit)
}

// CoversIssuedOn lists the covers issued on a day.
func (tx *Tx) CoversIssuedOn(day calendar.Date) ([]app.BookCover, error) {
	return tx.coversUnder(key(prefixCovDay, date4(day)), 0, 0)
}

// SigningKey reads the device's private signing key.
func (tx *Tx) SigningKey() ([]byte, bool, error) { return tx.get(keySigning) }

// PutSigningKey stores the device's private signing key (encrypted at rest like everything).
func (tx *Tx) PutSigningKey(k []byte) error {
	if len(bytes.TrimSpace(k)) == 0 {
		return &app.Error{Kind: app.Invalid, Code: app.CodeSigningKeyEmpty}
	}
	return tx.set(keySigning, k)
}
