package central

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/storage"
)

// BadgerStore is the embedded Store: an encrypted Badger folder through storage.KV, so that
// `centrald serve --data DIR` runs with nothing else installed.
//
// Key schema (one line per prefix):
//
//	office/<agency>                 Office
//	dev/<device id>                 Device
//	devtok/<token sha-256 hex>      device id
//	op/<op id>                      StoredOp
//	dos/<dossier code>              Dossier
//	per/<personal id>               Person
//	vou/<voucher id>                Voucher
//	cov/<personal id>               Cover
//	rev/<review id>                 app.IdentityReview
//	unr/<personal id>\x00<voucher>  empty; feed vouchers waiting for an office
//	xfer/<device id>                highest transfer-file sequence applied (uint64)
//	chg/<audience>\x00<seq:8>       app.Change for an office ("*": every office)
//	meta/chgseq                     the last change sequence number (uint64)
type BadgerStore struct {
	kv *storage.KV
}

var _ Store = (*BadgerStore)(nil)

// OpenBadger opens (creating) the embedded store in dir; the data key lives in dir/central.key
// unless keyFile names another place.
func OpenBadger(dir, keyFile string) (*BadgerStore, error) {
	if keyFile == "" {
		keyFile = dir + "/central.key"
	}
	kv, err := storage.OpenKV(storage.KVConfig{Dir: dir + "/db", KeyFile: keyFile})
	if err != nil {
		return nil, err
	}
	return &BadgerStore{kv: kv}, nil
}

// Close closes the store.
func (s *BadgerStore) Close() error { return s.kv.Close() }

// Update runs fn in a durable transaction.
func (s *BadgerStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.kv.Update(func(t *storage.KVTx) error { return fn(&badgerTx{t}) })
}

// View runs fn in a snapshot.
func (s *BadgerStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.kv.View(func(t *storage.KVTx) error { return fn(&badgerTx{t}) })
}

type badgerTx struct{ t *storage.KVTx }

func getJSON[T any](tx *badgerTx, k string) (T, bool, error) {
	var v T
	raw, ok, err := tx.t.Get([]byte(k))
	if err != nil || !ok {
		return v, ok, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("decode %s: %w", k, err)
	}
	return v, true, nil
}

func (tx *badgerTx) putJSON(k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.t.Set([]byte(k), b)
}

func (tx *badgerTx) Office(a string) (Office, bool, error)  { return getJSON[Office](tx, "office/"+a) }
func (tx *badgerTx) PutOffice(o Office) error               { return tx.putJSON("office/"+o.Agency, o) }
func (tx *badgerTx) Device(id string) (Device, bool, error) { return getJSON[Device](tx, "dev/"+id) }

func (tx *badgerTx) DeviceByToken(h string) (Device, bool, error) {
	id, ok, err := tx.t.Get([]byte("devtok/" + h))
	if err != nil || !ok {
		return Device{}, ok, err
	}
	return tx.Device(string(id))
}

func (tx *badgerTx) PutDevice(d Device) error {
	if d.TokenHash != "" {
		if err := tx.t.Set([]byte("devtok/"+d.TokenHash), []byte(d.ID)); err != nil {
			return err
		}
	}
	return tx.putJSON("dev/"+d.ID, d)
}

func (tx *badgerTx) Devices() ([]Device, error) {
	var out []Device
	err := tx.t.Scan([]byte("dev/"), nil, 0, func(_, v []byte) error {
		var d Device
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (tx *badgerTx) OpResult(id string) (StoredOp, bool, error) {
	return getJSON[StoredOp](tx, "op/"+id)
}
func (tx *badgerTx) PutOpResult(r StoredOp) error             { return tx.putJSON("op/"+r.OpID, r) }
func (tx *badgerTx) Dossier(c string) (Dossier, bool, error)  { return getJSON[Dossier](tx, "dos/"+c) }
func (tx *badgerTx) PutDossier(d Dossier) error               { return tx.putJSON("dos/"+d.Code, d) }
func (tx *badgerTx) Person(pid string) (Person, bool, error)  { return getJSON[Person](tx, "per/"+pid) }
func (tx *badgerTx) PutPerson(p Person) error                 { return tx.putJSON("per/"+p.PersonalID, p) }
func (tx *badgerTx) Voucher(id string) (Voucher, bool, error) { return getJSON[Voucher](tx, "vou/"+id) }
func (tx *badgerTx) PutVoucher(v Voucher) error               { return tx.putJSON("vou/"+v.ID, v) }
func (tx *badgerTx) Cover(pid string) (Cover, bool, error)    { return getJSON[Cover](tx, "cov/"+pid) }
func (tx *badgerTx) PutCover(c Cover) error                   { return tx.putJSON("cov/"+c.PersonalID, c) }

func (tx *badgerTx) Review(id string) (app.IdentityReview, bool, error) {
	return getJSON[app.IdentityReview](tx, "rev/"+id)
}
func (tx *badgerTx) PutReview(r app.IdentityReview) error { return tx.putJSON("rev/"+r.ID, r) }

func (tx *badgerTx) Reviews(all bool) ([]app.IdentityReview, error) {
	var out []app.IdentityReview
	err := tx.t.Scan([]byte("rev/"), nil, 0, func(_, v []byte) error {
		var r app.IdentityReview
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if all || r.Resolved == nil {
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func (tx *badgerTx) Unrouted(pid string) ([]string, error) {
	p := []byte("unr/" + pid + "\x00")
	var out []string
	err := tx.t.Scan(p, nil, 0, func(k, _ []byte) error { out = append(out, string(k[len(p):])); return nil })
	return out, err
}
func (tx *badgerTx) PutUnrouted(pid, v string) error {
	return tx.t.Set([]byte("unr/"+pid+"\x00"+v), nil)
}
func (tx *badgerTx) DeleteUnrouted(pid, v string) error {
	return tx.t.Delete([]byte("unr/" + pid + "\x00" + v))
}

func (tx *badgerTx) TransferSeq(device string) (uint64, error) {
	raw, ok, err := tx.t.Get([]byte("xfer/" + device))
	if err != nil || !ok || len(raw) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(raw), nil
}

func (tx *badgerTx) PutTransferSeq(device string, seq uint64) error {
	return tx.t.Set([]byte("xfer/"+device), be64(seq))
}

func be64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func (tx *badgerTx) LastChange() (uint64, error) {
	raw, ok, err := tx.t.Get([]byte("meta/chgseq"))
	if err != nil || !ok || len(raw) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(raw), nil
}

func (tx *badgerTx) AppendChange(audience string, c contract.Change) (uint64, error) {
	last, err := tx.LastChange()
	if err != nil {
		return 0, err
	}
	c.Seq = last + 1
	if err := tx.t.Set([]byte("meta/chgseq"), be64(c.Seq)); err != nil {
		return 0, err
	}
	return c.Seq, tx.putJSON("chg/"+audience+"\x00"+string(be64(c.Seq)), c)
}

func (tx *badgerTx) ReplaceChange(audience string, c contract.Change) (uint64, error) {
	last := []byte("chglast/" + audience + "\x00" + c.Kind + "\x00" + c.Entity)
	prev, ok, err := tx.t.Get(last)
	if err != nil {
		return 0, err
	}
	if ok && len(prev) == 8 {
		if err := tx.t.Delete([]byte("chg/" + audience + "\x00" + string(prev))); err != nil {
			return 0, err
		}
	}
	seq, err := tx.AppendChange(audience, c)
	if err != nil {
		return 0, err
	}
	return seq, tx.t.Set(last, be64(seq))
}

func (tx *badgerTx) Changes(audiences []string, after uint64, limit int) ([]contract.Change, error) {
	var out []contract.Change
	for _, a := range audiences {
		p := []byte("chg/" + a + "\x00")
		seek := append(append([]byte{}, p...), be64(after+1)...)
		err := tx.t.Scan(p, seek, limit, func(_, v []byte) error {
			var c contract.Change
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// kindPrefix is where the records of a kind are kept.
var kindPrefix = map[string]string{"dossier": "dos/", "voucher": "vou/", "person": "per/", "cover": "cov/", "op": "op/"}

func (tx *badgerTx) Each(kind string, fn func(json.RawMessage) error) error {
	prefix := kindPrefix[kind]
	if prefix == "" {
		return fmt.Errorf("unknown kind %q", kind)
	}
	return tx.t.Scan([]byte(prefix), nil, 0, func(_, v []byte) error { return fn(append(json.RawMessage(nil), v...)) })
}

func (tx *badgerTx) EachAfter(kind, after string, fn func(string, json.RawMessage) (bool, error)) error {
	prefix := kindPrefix[kind]
	if prefix == "" {
		return fmt.Errorf("unknown kind %q", kind)
	}
	var seek []byte
	if after != "" {
		seek = []byte(prefix + after + "\x00") // the first key after it
	}
	err := tx.t.Scan([]byte(prefix), seek, 0, func(k, v []byte) error {
		more, err := fn(strings.TrimPrefix(string(k), prefix), append(json.RawMessage(nil), v...))
		if err == nil && !more {
			return storage.ErrStopScan
		}
		return err
	})
	if errors.Is(err, storage.ErrStopScan) {
		return nil
	}
	return err
}
