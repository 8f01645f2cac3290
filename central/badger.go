package central

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	fastjson "github.com/segmentio/encoding/json"

	"bhxhdesk/app"
	"bhxhdesk/app/jsonenc"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
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
//	chg/<audience>\x00<seq:8>       contract.Change for an office ("*": every office)
//	chglast/<aud>\x00<kind>\x00<ent> the sequence of the audience's last change of that kind/entity
//	meta/chgseq                     the last change sequence number (uint64)
//	ix/<kind>/<office>\x00<key>     empty; the office's records of a kind (dos, vou, cov, per, dev),
//	                                and (op) the operations of a device by op id
//	keyix/<key id>                  the device id holding (or that held) a signing key
//	meta/ixver                      the version of the office indexes built (uint64)
//	meta/<name>                     the centre's bookkeeping (Meta: keys_published, keys_pending)
//
// Every writer of a change rewrites meta/chgseq, which serialises them: safe for the change
// feed (a change is numbered when its transaction commits, in commit order), and the reason a
// province runs the centre on PostgreSQL instead. Update takes one writer at a time (the store
// belongs to one process): concurrent writers of that key would otherwise conflict at commit
// and run again, over and over under load.
type BadgerStore struct {
	kv      *storage.KV
	writeMu sync.Mutex
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
	s := &BadgerStore{kv: kv}
	if err := s.buildIndexes(); err != nil {
		_ = kv.Close()
		return nil, fmt.Errorf("central store indexes: %w", err)
	}
	return s, nil
}

// Close closes the store.
func (s *BadgerStore) Close() error { return s.kv.Close() }

// Ping reads the change counter: the store is open and readable.
func (s *BadgerStore) Ping(ctx context.Context) error {
	return s.View(ctx, func(tx Tx) error { _, err := tx.LastChange(); return err })
}

// Update runs fn in a durable transaction.
func (s *BadgerStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
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
	if err := fastjson.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("decode %s: %w", k, err)
	}
	return v, true, nil
}

func (tx *badgerTx) putJSON(k string, v any) error {
	b, err := jsonenc.Marshal(v)
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
	if err := tx.deviceIndexes(d); err != nil {
		return err
	}
	return tx.putJSON("dev/"+d.ID, d)
}

// deviceIndexes files a device under its office and its signing keys, current and withdrawn.
func (tx *badgerTx) deviceIndexes(d Device) error {
	if err := tx.index("dev", d.Office, "", d.ID); err != nil {
		return err
	}
	keys := d.OldKeys
	if d.Key != nil {
		keys = append(keys[:len(keys):len(keys)], *d.Key)
	}
	for _, k := range keys {
		if err := tx.t.Set([]byte("keyix/"+k.ID.String()), []byte(d.ID)); err != nil {
			return err
		}
	}
	return nil
}

func (tx *badgerTx) Offices() ([]Office, error) {
	var out []Office
	err := tx.t.Scan([]byte("office/"), nil, 0, func(_, v []byte) error {
		var o Office
		if err := fastjson.Unmarshal(v, &o); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, err
}

func (tx *badgerTx) Devices() ([]Device, error) {
	var out []Device
	err := tx.t.Scan([]byte("dev/"), nil, 0, func(_, v []byte) error {
		var d Device
		if err := fastjson.Unmarshal(v, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (tx *badgerTx) DevicesOf(office string) ([]Device, error) {
	return indexed[Device](tx, "dev", office)
}

// indexed reads every record of a kind filed under an owner's index (an office, a device).
func indexed[T any](tx *badgerTx, kind, owner string) ([]T, error) {
	recs, err := tx.OfficeRecords(kind, owner, "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		var v T
		if err := fastjson.Unmarshal(r.Raw, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (tx *badgerTx) KeyHolder(keyID seal.KeyID) (Device, bool, error) {
	id, ok, err := tx.t.Get([]byte("keyix/" + keyID.String()))
	if err != nil || !ok {
		return Device{}, ok, err
	}
	return tx.Device(string(id))
}

// LockDevice has nothing to do: one process holds the store, and every writer already waits
// for the others on the change counter.
func (tx *badgerTx) LockDevice(string) error { return nil }

// index files key under an office's index of a kind, moving it from the office it was under
// (prev, "" when none).
func (tx *badgerTx) index(kind, office, prev, key string) error {
	if prev != "" && prev != office {
		if err := tx.t.Delete([]byte("ix/" + kind + "/" + prev + "\x00" + key)); err != nil {
			return err
		}
	}
	if office == "" {
		return nil
	}
	return tx.t.Set([]byte("ix/"+kind+"/"+office+"\x00"+key), nil)
}

func (tx *badgerTx) OpResult(id string) (StoredOp, bool, error) {
	return getJSON[StoredOp](tx, "op/"+id)
}
func (tx *badgerTx) PutOpResult(r StoredOp) error {
	if err := tx.index("op", r.Device, "", r.OpID); err != nil {
		return err
	}
	return tx.putJSON("op/"+r.OpID, r)
}

func (tx *badgerTx) ClaimOp(r StoredOp) (StoredOp, bool, error) {
	prev, ok, err := tx.OpResult(r.OpID)
	if err != nil || ok {
		return prev, false, err
	}
	return StoredOp{}, true, tx.PutOpResult(r)
}

func (tx *badgerTx) InsertVoucher(v Voucher) (bool, error) {
	if _, ok, err := tx.Voucher(v.ID); err != nil || ok {
		return false, err
	}
	return true, tx.PutVoucher(v)
}

func (tx *badgerTx) OpsOf(device string) ([]StoredOp, error) {
	return indexed[StoredOp](tx, "op", device)
}

func (tx *badgerTx) Dossier(c string) (Dossier, bool, error) { return getJSON[Dossier](tx, "dos/"+c) }
func (tx *badgerTx) PutDossier(d Dossier) error {
	if err := tx.index("dos", d.Office, "", d.Code); err != nil {
		return err
	}
	return tx.putJSON("dos/"+d.Code, d)
}
func (tx *badgerTx) Person(pid string) (Person, bool, error) { return getJSON[Person](tx, "per/"+pid) }
func (tx *badgerTx) PutPerson(p Person) error {
	for _, o := range p.Offices {
		if err := tx.index("per", o, "", p.PersonalID); err != nil {
			return err
		}
	}
	return tx.putJSON("per/"+p.PersonalID, p)
}
func (tx *badgerTx) Voucher(id string) (Voucher, bool, error) { return getJSON[Voucher](tx, "vou/"+id) }
func (tx *badgerTx) PutVoucher(v Voucher) error {
	prev, _, err := tx.Voucher(v.ID)
	if err != nil {
		return err
	}
	if err := tx.index("vou", v.Office, prev.Office, v.ID); err != nil {
		return err
	}
	return tx.putJSON("vou/"+v.ID, v)
}
func (tx *badgerTx) Cover(pid string) (Cover, bool, error) { return getJSON[Cover](tx, "cov/"+pid) }
func (tx *badgerTx) PutCover(c Cover) error {
	prev, _, err := tx.Cover(c.PersonalID)
	if err != nil {
		return err
	}
	if err := tx.index("cov", c.Office, prev.Office, c.PersonalID); err != nil {
		return err
	}
	return tx.putJSON("cov/"+c.PersonalID, c)
}

func (tx *badgerTx) Review(id string) (app.IdentityReview, bool, error) {
	return getJSON[app.IdentityReview](tx, "rev/"+id)
}
func (tx *badgerTx) PutReview(r app.IdentityReview) error { return tx.putJSON("rev/"+r.ID, r) }

func (tx *badgerTx) Reviews(all bool) ([]app.IdentityReview, error) {
	var out []app.IdentityReview
	err := tx.t.Scan([]byte("rev/"), nil, 0, func(_, v []byte) error {
		var r app.IdentityReview
		if err := fastjson.Unmarshal(v, &r); err != nil {
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

func (tx *badgerTx) Meta(name string) ([]byte, bool, error) { return tx.t.Get([]byte("meta/" + name)) }
func (tx *badgerTx) PutMeta(name string, v []byte) error    { return tx.t.Set([]byte("meta/"+name), v) }

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

func (tx *badgerTx) AppendChange(audience string, c contract.Change) error {
	_, err := tx.appendChange(audience, c)
	return err
}

func (tx *badgerTx) appendChange(audience string, c contract.Change) (uint64, error) {
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

func (tx *badgerTx) ReplaceChange(audience string, c contract.Change) error {
	last := []byte("chglast/" + audience + "\x00" + c.Kind + "\x00" + c.Entity)
	prev, ok, err := tx.t.Get(last)
	if err != nil {
		return err
	}
	if ok && len(prev) == 8 {
		if err := tx.t.Delete([]byte("chg/" + audience + "\x00" + string(prev))); err != nil {
			return err
		}
	}
	seq, err := tx.appendChange(audience, c)
	if err != nil {
		return err
	}
	return tx.t.Set(last, be64(seq))
}

func (tx *badgerTx) Changes(audiences []string, after uint64, limit int, notFrom string) ([]contract.Change, error) {
	var out []contract.Change
	for _, a := range audiences {
		p := []byte("chg/" + a + "\x00")
		seek := append(append([]byte{}, p...), be64(after+1)...)
		kept := 0
		err := tx.t.Scan(p, seek, 0, func(_, v []byte) error {
			var c contract.Change
			if err := fastjson.Unmarshal(v, &c); err != nil {
				return err
			}
			if notFrom != "" && c.Origin == notFrom {
				return nil
			}
			out = append(out, c)
			if kept++; limit > 0 && kept >= limit {
				return storage.ErrStopScan
			}
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

// kindPrefix is where the records of a kind are kept, by the name of their office index.
var kindPrefix = map[string]string{"dos": "dos/", "vou": "vou/", "per": "per/", "cov": "cov/", "dev": "dev/", "op": "op/"}

// indexOf is the office index of a kind of OfficeRecords.
var indexOf = map[string]string{"dossier": "dos", "voucher": "vou", "person": "per", "cover": "cov", "dev": "dev", "op": "op"}

func (tx *badgerTx) OfficeRecords(kind, office, after string, limit int) ([]Record, error) {
	ix := indexOf[kind]
	if ix == "" {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	prefix := []byte("ix/" + ix + "/" + office + "\x00")
	var seek []byte
	if after != "" {
		seek = append(append([]byte{}, prefix...), after+"\x00"...) // the first key after it
	}
	var out []Record
	err := tx.t.Scan(prefix, seek, limit, func(k, _ []byte) error {
		key := string(k[len(prefix):])
		raw, ok, err := tx.t.Get([]byte(kindPrefix[ix] + key))
		if err != nil || !ok {
			return err // a record without its index entry is never written; one gone is skipped
		}
		out = append(out, Record{Key: key, Raw: raw})
		return nil
	})
	return out, err
}

// indexVersion is the version of the office indexes this code keeps.
const indexVersion = 1

// buildIndexes files the records of a store written before the office indexes existed under
// their offices, once, in chunks that each fit a transaction.
func (s *BadgerStore) buildIndexes() error {
	var ver uint64
	if err := s.kv.View(func(t *storage.KVTx) error {
		raw, ok, err := t.Get([]byte("meta/ixver"))
		if ok && len(raw) == 8 {
			ver = binary.BigEndian.Uint64(raw)
		}
		return err
	}); err != nil || ver >= indexVersion {
		return err
	}
	for _, prefix := range []string{"dos/", "vou/", "per/", "cov/", "dev/", "op/"} {
		var after []byte
		for {
			// last and n are the chunk's own: a chunk retried after a conflict starts again.
			var last []byte
			n := 0
			err := s.kv.Update(func(t *storage.KVTx) error {
				tx := &badgerTx{t}
				last, n = nil, 0
				var seek []byte
				if after != nil {
					seek = append(append([]byte{}, after...), 0)
				}
				return t.Scan([]byte(prefix), seek, 500, func(k, v []byte) error {
					last, n = append([]byte(nil), k...), n+1
					return tx.reindex(prefix, v)
				})
			})
			if err != nil {
				return err
			}
			if n < 500 {
				break
			}
			after = last
		}
	}
	return s.kv.Update(func(t *storage.KVTx) error { return t.Set([]byte("meta/ixver"), be64(indexVersion)) })
}

// reindex files one record (as stored under prefix) under its office indexes.
func (tx *badgerTx) reindex(prefix string, raw []byte) error {
	switch prefix {
	case "dos/":
		var d Dossier
		if err := fastjson.Unmarshal(raw, &d); err != nil {
			return err
		}
		return tx.index("dos", d.Office, "", d.Code)
	case "vou/":
		var v Voucher
		if err := fastjson.Unmarshal(raw, &v); err != nil {
			return err
		}
		return tx.index("vou", v.Office, "", v.ID)
	case "per/":
		var p Person
		if err := fastjson.Unmarshal(raw, &p); err != nil {
			return err
		}
		for _, o := range p.Offices {
			if err := tx.index("per", o, "", p.PersonalID); err != nil {
				return err
			}
		}
		return nil
	case "op/":
		var op StoredOp
		if err := fastjson.Unmarshal(raw, &op); err != nil {
			return err
		}
		return tx.index("op", op.Device, "", op.OpID)
	case "cov/":
		var c Cover
		if err := fastjson.Unmarshal(raw, &c); err != nil {
			return err
		}
		return tx.index("cov", c.Office, "", c.PersonalID)
	default:
		var d Device
		if err := fastjson.Unmarshal(raw, &d); err != nil {
			return err
		}
		return tx.deviceIndexes(d)
	}
}
