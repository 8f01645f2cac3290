package wire

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"

	"bhxhdesk/app"
	"bhxhdesk/storage"
)

// TrustedKeysFile is the file beside the store where the desk keeps, in the clear, the public
// half of its own signing key, so that `bhxh --data DIR verify` checks this desk's printouts
// before the centre has published the key to every office.
const TrustedKeysFile = "trusted_keys.json"

// signingKey returns the desk's Ed25519 signing key for sealed printouts, making and storing
// it (encrypted like all data) on first use.
func (d *Desk) signingKey() (*app.SigningKey, app.Office, error) {
	var (
		key    *app.SigningKey
		office app.Office
	)
	err := d.DB.Update(func(tx app.Tx) error {
		o, _, err := tx.Office()
		if err != nil {
			return err
		}
		office = o
		raw, ok, err := tx.SigningKey()
		if err != nil {
			return err
		}
		if ok {
			key, err = app.ParseSigningKey(raw)
			return err
		}
		if key, err = app.GenerateSigningKey(rand.Reader); err != nil {
			return err
		}
		if err := tx.PutSigningKey(key.Bytes()); err != nil {
			return err
		}
		return tx.Audit(app.AuditEntry{User: "system", Action: "device.key", Detail: "key_id=" + key.ID().String()})
	})
	if err != nil {
		return nil, office, err
	}
	file := filepath.Join(d.Dir, TrustedKeysFile)
	if _, err := os.Stat(file); err == nil {
		return key, office, nil
	}
	pub, err := json.MarshalIndent([]app.TrustedKey{key.Trusted(office.Agency, office.Device, office.Created)}, "", " ")
	if err != nil {
		return nil, office, err
	}
	return key, office, storage.WriteFileAtomic(file, pub)
}
