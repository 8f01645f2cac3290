package central

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/contract"
	"bhxhdesk/seal"
)

// PublishFile sends a reference-data file (rule table, calendar, workflow, trusted keys) to
// every office.
func (s *Service) PublishFile(ctx context.Context, f app.RuleFile) error {
	if !app.ValidRuleFilePath(f.Path) || !json.Valid(f.Data) {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBadRuleFile, Args: map[string]string{"path": f.Path}}
	}
	if strings.HasPrefix(f.Path, "keys/") {
		// A keys file every desk will trust: each key once, for one office and device.
		keys, err := seal.ParseTrustedKeys(f.Data)
		if err != nil {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBadKeysFile, Args: map[string]string{"path": f.Path, "reason": err.Error()}}
		}
		ks, _ := seal.NewTrustedKeys(keys)
		if w := ks.Warnings(); len(w) > 0 {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBadKeysFile, Args: map[string]string{"path": f.Path, "reason": w[0]}}
		}
	}
	payload, err := json.Marshal(f)
	if err != nil {
		return err
	}
	now := s.now(ctx)
	return s.Store.Update(ctx, func(tx Tx) error { return publishRuleFile(tx, f.Path, payload, now) })
}

// publishRuleFile sends a rule file (app.RuleFile, as JSON) to every office, in place of its
// earlier versions.
func publishRuleFile(tx Tx, path string, payload []byte, now time.Time) error {
	return tx.ReplaceChange("*", contract.Change{Kind: app.ChangeRuleFile, Entity: path, Payload: payload, At: now})
}

// RegisterKey records a desk's public signing key and publishes the set of every desk's keys
// as the trusted-keys file, so any office can verify any office's printouts offline.
func (s *Service) RegisterKey(ctx context.Context, dev Device, key seal.TrustedKey) error {
	now := s.now(ctx)
	return s.Store.Update(ctx, func(tx Tx) error {
		cur, ok, err := tx.Device(dev.ID)
		if err != nil || !ok {
			return err
		}
		if cur.Key != nil && cur.Key.ID == key.ID && bytes.Equal(cur.Key.Public, key.Public) {
			return nil
		}
		if seal.KeyIDOf(key.Public) != key.ID {
			return &app.Error{Kind: app.Invalid, Code: app.CodeBadKey}
		}
		if h, ok, err := tx.KeyHolder(key.ID); err != nil {
			return err
		} else if ok {
			if h.ID != dev.ID && h.Key != nil && h.Key.ID == key.ID {
				// A key is one device's: another desk cannot make it its own.
				return &app.Error{Kind: app.Forbidden, Code: app.CodeKeyInUse}
			}
			for _, old := range h.OldKeys {
				if old.ID == key.ID {
					return &app.Error{Kind: app.Forbidden, Code: app.CodeKeyWithdrawn}
				}
			}
		}
		// The centre, not the desk, says which office a key signs for (a device enrolled in
		// lower case by an earlier version is the same device in capitals).
		key.Office, key.Device = dev.Office, strings.ToUpper(dev.Name)
		if key.ValidFrom.IsZero() {
			key.ValidFrom = dev.Created
		}
		cur.Key = &key
		if err := tx.PutDevice(cur); err != nil {
			return err
		}
		return s.publishKeysSoon(tx, now)
	})
}

// The Meta names of the trusted-keys file's bookkeeping.
const (
	metaKeysPublished = "keys_published" // when the file was last published (RFC 3339)
	metaKeysPending   = "keys_pending"   // "1" while a registered key waits for the next file
)

// publishKeysSoon publishes the keys file now if the last one is older than KeysEvery, else
// leaves the new key for PublishPendingKeys.
func (s *Service) publishKeysSoon(tx Tx, now time.Time) error {
	if s.KeysEvery > 0 {
		raw, ok, err := tx.Meta(metaKeysPublished)
		if err != nil {
			return err
		}
		if last, perr := time.Parse(time.RFC3339Nano, string(raw)); ok && perr == nil && now.Sub(last) < s.KeysEvery {
			return tx.PutMeta(metaKeysPending, []byte("1"))
		}
	}
	return publishKeys(tx, now)
}

// PublishPendingKeys publishes the keys file if a registered key waits for it and the last one
// is at least KeysEvery old, and says whether it did.
func (s *Service) PublishPendingKeys(ctx context.Context) (bool, error) {
	now, done := s.now(ctx), false
	err := s.Store.Update(ctx, func(tx Tx) error {
		done = false
		raw, ok, err := tx.Meta(metaKeysPending)
		if err != nil || !ok || string(raw) != "1" {
			return err
		}
		if last, ok, err := tx.Meta(metaKeysPublished); err != nil {
			return err
		} else if t, perr := time.Parse(time.RFC3339Nano, string(last)); ok && perr == nil && now.Sub(t) < s.KeysEvery {
			return nil // the last file is too recent: the keys wait a little more
		}
		done = true
		return publishKeys(tx, now)
	})
	return done, err
}

// publishKeys sends every device's public key, current and withdrawn, to every office as the
// trusted-keys file: a revoked device's key is listed as revoked from then on (what it sealed
// before stays valid), a replaced one likewise.
func publishKeys(tx Tx, now time.Time) error {
	devs, err := tx.Devices()
	if err != nil {
		return err
	}
	keys := []seal.TrustedKey{}
	for _, d := range devs {
		for _, old := range d.OldKeys {
			old.Device = strings.ToUpper(old.Device)
			keys = append(keys, old)
		}
		if d.Key == nil {
			continue
		}
		k := *d.Key
		k.Device = strings.ToUpper(k.Device)
		if !d.Revoked.IsZero() && k.Revoked.IsZero() {
			k.Revoked = d.Revoked
		}
		keys = append(keys, k)
	}
	data, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(app.RuleFile{Path: "keys/devices.json", Data: data})
	if err != nil {
		return err
	}
	if err := tx.PutMeta(metaKeysPublished, []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
		return err
	}
	if err := tx.PutMeta(metaKeysPending, []byte("0")); err != nil {
		return err
	}
	return publishRuleFile(tx, "keys/devices.json", payload, now)
}
