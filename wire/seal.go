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
	// read finds the office and, if it exists, the key.
	read := func(tx app.Tx) error {
		var err error
		if office, _, err = tx.Office(); err != nil {
			return err
		}
		raw, ok, err := tx.SigningKey()
		if err != nil || !ok {
			return err
		}
		key, err = app.ParseSigningKey(raw)
		return err
	}
	// Every sync request and print asks for it: a read, and a durable write only the first time.
	err := d.DB.View(read)
	if err == nil && key == nil {
		err = d.DB.Update(func(tx app.Tx) error {
			if err := read(tx); err != nil || key != nil {
				return err
			}
			var err error
			if key, err = app.GenerateSigningKey(rand.Reader); err != nil {
				return err
			}
			if err := tx.PutSigningKey(key.Bytes()); err != nil {
				return err
			}
			return tx.Audit(app.AuditEntry{User: "system", Action: "device.key", Detail: "key_id=" + key.ID().String()})
		})
	}
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
