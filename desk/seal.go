package desk

import (
	"encoding/json"
	"os"
	"path/filepath"

	"bhxhdesk/app"
	"bhxhdesk/seal"
	"bhxhdesk/storage"
)

// TrustedKeysFile is the file beside the store where the desk keeps, in the clear, the public
// half of its own signing key, so that `bhxh --data DIR verify` checks this desk's printouts
// before the centre has published the key to every office.
const TrustedKeysFile = "trusted_keys.json"

// signingKey returns the desk's Ed25519 signing key for sealed printouts (made on first use,
// records.Service.SigningKey) and writes its public half beside the store once.
func (d *Desk) signingKey() (*seal.SigningKey, app.Office, error) {
	key, office, err := d.Records.SigningKey()
	if err != nil {
		return nil, office, err
	}
	file := filepath.Join(d.Dir, TrustedKeysFile)
	if _, err := os.Stat(file); err == nil {
		return key, office, nil
	}
	pub, err := json.MarshalIndent([]seal.TrustedKey{key.Trusted(office.Agency, office.Device, office.Created)}, "", " ")
	if err != nil {
		return nil, office, err
	}
	return key, office, storage.WriteFileAtomic(file, pub)
}
