package seal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
)

// TrustedKey is one device's public key as published with the rule data (khoá công khai tin
// cậy): the office and device it belongs to and when it may sign.
type TrustedKey struct {
	ID     KeyID
	Public ed25519.PublicKey
	Office string // agency code the key signs for; a seal naming another office is refused
	Device string
	// ValidFrom and ValidUntil bound the issue times the key may sign (a rotated key's earlier
	// seals stay valid); ValidUntil is zero when open-ended.
	ValidFrom, ValidUntil time.Time
	// Revoked is when the key was withdrawn (lost or stolen device), zero when it is not. Every
	// seal under a revoked key is refused, whatever its issue time: whoever holds the key can
	// write any issue time.
	Revoked time.Time
	Note    string
}

// trustedKeyJSON is the file format of a trusted key (assets/README.md, "keys/").
type trustedKeyJSON struct {
	KeyID      string `json:"key_id"`
	PublicKey  string `json:"public_key"`
	Office     string `json:"office"`
	Device     string `json:"device"`
	ValidFrom  string `json:"valid_from"`
	ValidUntil string `json:"valid_until,omitempty"`
	Revoked    string `json:"revoked,omitempty"`
	Note       string `json:"note,omitempty"`
}

// MarshalJSON writes the file format: base64 public key, RFC 3339 times in Vietnam time.
func (k TrustedKey) MarshalJSON() ([]byte, error) {
	f := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(calendar.VN).Format(time.RFC3339)
	}
	return json.Marshal(trustedKeyJSON{KeyID: k.ID.String(), PublicKey: base64.StdEncoding.EncodeToString(k.Public),
		Office: k.Office, Device: k.Device, ValidFrom: f(k.ValidFrom), ValidUntil: f(k.ValidUntil), Revoked: f(k.Revoked), Note: k.Note})
}

// UnmarshalJSON reads the file format and checks the entry: the key id must be the one derived
// from the public key, the office a valid agency code, valid_from present, the times RFC 3339 or
// a Vietnam calendar day YYYY-MM-DD (valid_until then covers that whole day).
func (k *TrustedKey) UnmarshalJSON(b []byte) error {
	var j trustedKeyJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	pub, err := base64.StdEncoding.DecodeString(j.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("key %s: public_key must be the base64 of 32 bytes", j.KeyID)
	}
	id, err := ParseKeyID(j.KeyID)
	if err != nil {
		return fmt.Errorf("key_id %q must be 16 hex digits", j.KeyID)
	}
	if want := KeyIDOf(pub); id != want {
		return fmt.Errorf("key %s: key_id does not match the public key (its id is %s)", j.KeyID, want)
	}
	nk := TrustedKey{ID: id, Public: pub, Office: j.Office, Device: j.Device, Note: j.Note}
	if !app.AgencyPattern.MatchString(j.Office) {
		return fmt.Errorf("key %s: office %q must be an agency code (2–10 upper-case letters or digits)", j.KeyID, j.Office)
	}
	if strings.TrimSpace(j.Device) == "" {
		return fmt.Errorf("key %s: device is empty", j.KeyID)
	}
	for _, f := range []struct {
		name, value string
		endOfDay    bool
		dst         *time.Time
	}{
		{"valid_from", j.ValidFrom, false, &nk.ValidFrom},
		{"valid_until", j.ValidUntil, true, &nk.ValidUntil},
		{"revoked", j.Revoked, false, &nk.Revoked},
	} {
		if f.value == "" {
			continue
		}
		t, err := parseKeyTime(f.value, f.endOfDay)
		if err != nil {
			return fmt.Errorf("key %s: %s %q: want YYYY-MM-DD or RFC 3339", j.KeyID, f.name, f.value)
		}
		*f.dst = t
	}
	if nk.ValidFrom.IsZero() {
		return fmt.Errorf("key %s: valid_from is required", j.KeyID)
	}
	if !nk.ValidUntil.IsZero() && nk.ValidUntil.Before(nk.ValidFrom) {
		return fmt.Errorf("key %s: valid_until is before valid_from", j.KeyID)
	}
	*k = nk
	return nil
}

// parseKeyTime reads RFC 3339, or a Vietnam calendar day: its first second, or with endOfDay
// its last, so "valid_until": "2026-12-31" covers the whole of that day.
func parseKeyTime(s string, endOfDay bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, calendar.VN)
	if err != nil {
		return time.Time{}, err
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1).Add(-time.Second)
	}
	return d, nil
}

// TrustedKeys is the set of public keys a verifier trusts, by id. Read-only once built.
type TrustedKeys struct {
	byID map[KeyID]TrustedKey
	// distrusted are keys listed with conflicting offices or devices: none of their seals is
	// trusted, whatever a later list says.
	distrusted map[KeyID]bool
	warnings   []string
}

// NewTrustedKeys merges lists of keys. A key listed more than once must agree on its public
// key, office and device; its strictest terms apply (the latest valid_from, the earliest
// valid_until and revocation), so a revocation in any file wins. A key whose id does not match
// its public key, or listed twice for different offices or devices, is left out with a
// warning (Warnings): a bad keys file never stops the desk, it only stops trusting that key.
func NewTrustedKeys(lists ...[]TrustedKey) (*TrustedKeys, error) {
	ks := &TrustedKeys{byID: map[KeyID]TrustedKey{}, distrusted: map[KeyID]bool{}}
	for _, l := range lists {
		for _, k := range l {
			if err := ks.add(k); err != nil {
				ks.warnings = append(ks.warnings, err.Error())
			}
		}
	}
	return ks, nil
}

// Warnings are the keys left out of the set and why.
func (ks *TrustedKeys) Warnings() []string {
	if ks == nil {
		return nil
	}
	return ks.warnings
}

func (ks *TrustedKeys) add(k TrustedKey) error {
	if KeyIDOf(k.Public) != k.ID || len(k.Public) != ed25519.PublicKeySize {
		return fmt.Errorf("key %s: the id does not match the public key; left out", k.ID)
	}
	if ks.distrusted[k.ID] {
		return nil
	}
	old, ok := ks.byID[k.ID]
	if !ok {
		ks.byID[k.ID] = k
		return nil
	}
	// Device codes are compared without case: a device enrolled as "k7c" is "K7C".
	if !strings.EqualFold(old.Office, k.Office) || !strings.EqualFold(old.Device, k.Device) {
		delete(ks.byID, k.ID)
		ks.distrusted[k.ID] = true
		return fmt.Errorf("key %s is listed twice with different offices or devices (%s/%s, %s/%s); its seals are not trusted",
			k.ID, old.Office, old.Device, k.Office, k.Device)
	}
	if k.ValidFrom.After(old.ValidFrom) {
		old.ValidFrom = k.ValidFrom
	}
	old.ValidUntil = earliest(old.ValidUntil, k.ValidUntil)
	old.Revoked = earliest(old.Revoked, k.Revoked)
	if old.Note == "" {
		old.Note = k.Note
	}
	ks.byID[k.ID] = old
	return nil
}

// earliest is the earlier of two optional times (zero means none).
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// Lookup returns the key with the id.
func (ks *TrustedKeys) Lookup(id KeyID) (TrustedKey, bool) {
	if ks == nil {
		return TrustedKey{}, false
	}
	k, ok := ks.byID[id]
	return k, ok
}

// All lists the keys by office, device and id.
func (ks *TrustedKeys) All() []TrustedKey {
	if ks == nil {
		return nil
	}
	out := make([]TrustedKey, 0, len(ks.byID))
	for _, k := range ks.byID {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Office != b.Office {
			return a.Office < b.Office
		}
		if a.Device != b.Device {
			return a.Device < b.Device
		}
		return a.ID.String() < b.ID.String()
	})
	return out
}

// Len is the number of keys.
func (ks *TrustedKeys) Len() int {
	if ks == nil {
		return 0
	}
	return len(ks.byID)
}

// ParseTrustedKeys reads one keys file: a JSON array of entries (an empty array is allowed).
func ParseTrustedKeys(data []byte) ([]TrustedKey, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var keys []TrustedKey
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&keys); err != nil {
		return nil, err
	}
	if keys == nil {
		return nil, errors.New("want a JSON array of keys")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON array")
	}
	return keys, nil
}

// LoadTrustedKeys reads every *.json in dir of base, then the keys/ folder of each override
// (an administrator's files, given with --rules): a file with the same name as an embedded one
// replaces it, other files add to them, and keys listed twice merge as NewTrustedKeys says.
func LoadTrustedKeys(base fs.FS, dir string, overrides ...fs.FS) (*TrustedKeys, error) {
	files, err := app.ReadDataFolder(base, dir, overrides)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var (
		lists [][]TrustedKey
		bad   []string
	)
	for _, n := range names {
		keys, err := ParseTrustedKeys(files[n])
		if err != nil {
			// A damaged keys file (a bad one published, a cut download) is left out: the desk
			// keeps working and trusts the keys of the other files.
			bad = append(bad, fmt.Sprintf("keys/%s: %v; left out", n, err))
			continue
		}
		lists = append(lists, keys)
	}
	ks, err := NewTrustedKeys(lists...)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	ks.warnings = append(bad, ks.warnings...)
	return ks, nil
}
