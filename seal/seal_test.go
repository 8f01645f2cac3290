package seal_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/seal"
)

var sealNow = time.Date(2025, 11, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// sealKey is a fixed key (from a fixed seed) so that failures are reproducible.
func sealKey(t testing.TB, seed byte) *seal.SigningKey {
	t.Helper()
	k, err := seal.ParseSigningKey(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	require.NoError(t, err)
	return k
}

func sealParams(t testing.TB) seal.Params {
	t.Helper()
	bd, err := app.ParseBirthDate("1990-05-17")
	require.NoError(t, err)
	return seal.Params{
		Status: seal.Final, BookNumber: "001190012345", PersonalID: "001190012345",
		FullName: "Nguyễn Thị Hồng Ánh", BirthDate: bd, Office: "01001",
		Issued: time.Date(2025, 11, 3, 9, 15, 42, 500, sealNow.Location()),
	}
}

func trusted(t testing.TB, keys ...seal.TrustedKey) *seal.TrustedKeys {
	t.Helper()
	ks, err := seal.NewTrustedKeys(keys)
	require.NoError(t, err)
	return ks
}

func signed(t testing.TB, k *seal.SigningKey, p seal.Params) string {
	t.Helper()
	s, err := seal.New(p)
	require.NoError(t, err)
	text, err := k.Sign(s)
	require.NoError(t, err)
	return text
}

func b32(b []byte) string { return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b) }
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

var validFrom = time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)

func TestSealRoundTripMasksThePersonalID(t *testing.T) {
	k := sealKey(t, 1)
	text := signed(t, k, sealParams(t))
	assert.Regexp(t, `^BHXH:[A-Z2-7]+$`, text, "QR alphanumeric mode: upper case and digits only, no spaces")
	assert.NotContains(t, text, "012345")

	v := trusted(t, k.Trusted("01001", "BD01", validFrom)).Verify(text, sealNow)
	require.True(t, v.Valid(), "%s %v", v.Reason, v.Args)
	assert.Equal(t, "valid_final", v.Reason)
	s := v.Seal
	assert.Equal(t, seal.Final, s.Status)
	assert.Equal(t, "NGUYỄN THỊ HỒNG ÁNH", s.Name)
	assert.Equal(t, "001190******", s.MaskedID())
	assert.Equal(t, "001190******", s.BookNumber(), "the book number is the personal ID: masked too")
	assert.Equal(t, "1990-05-17", s.BirthDate.String())
	assert.Equal(t, "01001", s.Office)
	assert.True(t, s.Issued.Equal(time.Date(2025, 11, 3, 9, 15, 42, 0, sealNow.Location())), s.Issued)
	assert.Equal(t, k.ID(), s.Key)
	assert.Equal(t, "BD01", v.Key.Device)
}

func TestSealKeepsAnOldBookNumberAndPartialBirthDates(t *testing.T) {
	k := sealKey(t, 2)
	ks := trusted(t, k.Trusted("01001", "BD01", validFrom))
	for _, birth := range []string{"1990-05", "1990", "2008-02-29"} {
		p := sealParams(t)
		p.BookNumber = "0123456789"
		p.PersonalID = "001208012345"
		p.BirthDate, _ = app.ParseBirthDate(birth)
		p.Status = seal.Provisional
		v := ks.Verify(signed(t, k, p), sealNow)
		require.True(t, v.Valid(), "%s: %s", birth, v.Reason)
		assert.Equal(t, "valid_provisional", v.Reason)
		assert.Equal(t, seal.Provisional, v.Seal.Status)
		assert.Equal(t, "0123456789", v.Seal.BookNumber())
		assert.Equal(t, birth, v.Seal.BirthDate.String())
	}
}

func TestSealStaysSmallEnoughForAPrintedQRCode(t *testing.T) {
	// A QR code of version 8 at level M holds 279 alphanumeric characters: about 49 modules
	// with its quiet zone, 0.6 mm each when printed 30 mm wide.
	p := sealParams(t)
	p.FullName = "Công Tằng Tôn Nữ Thị Phương Thảo Huyền Trân"
	p.BookNumber = "0123456789"
	text := signed(t, sealKey(t, 3), p)
	assert.LessOrEqual(t, len(text), 279, text)
}

func TestNewSealRefusesWhatCannotBeSealed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*seal.Params)
		field string
	}{
		{"refuses a personal ID that is not 12 digits", func(p *seal.Params) { p.PersonalID = "00119001234" }, "personal_id"},
		{"refuses a book number of 11 digits", func(p *seal.Params) { p.BookNumber = "01234567890" }, "book_number"},
		{"refuses an empty name", func(p *seal.Params) { p.FullName = "  " }, "full_name"},
		{"refuses a name too long for the code", func(p *seal.Params) { p.FullName = strings.Repeat("Nguyễn ", 30) }, "full_name"},
		{"refuses an unknown birth-date precision", func(p *seal.Params) { p.BirthDate.Precision = 0 }, "birth_date"},
		{"refuses a bad agency code", func(p *seal.Params) { p.Office = "ba đình" }, "office"},
		{"refuses a missing issue time", func(p *seal.Params) { p.Issued = time.Time{} }, "issued"},
		{"refuses an unknown status", func(p *seal.Params) { p.Status = 0 }, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sealParams(t)
			tc.edit(&p)
			_, err := seal.New(p)
			var e *app.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, app.Invalid, e.Kind)
			assert.Equal(t, "seal_field", e.Code)
			assert.Equal(t, tc.field, e.Args["field"])
		})
	}
}

// reencode rebuilds a seal text from raw bytes, to alter a payload behind the signature.
func reencode(t *testing.T, text string, edit func(raw []byte) []byte) string {
	t.Helper()
	s, payload, sig, err := seal.Parse(text)
	require.NoError(t, err)
	_ = s
	raw := edit(append(append([]byte{}, payload...), sig...))
	return seal.Prefix + b32(raw)
}

func TestVerifyNamesWhyASealIsRefused(t *testing.T) {
	k := sealKey(t, 1)
	other := sealKey(t, 9)
	good := signed(t, k, sealParams(t))
	entry := k.Trusted("01001", "BD01", validFrom)

	provisional := sealParams(t)
	provisional.Status = seal.Provisional
	provText := signed(t, k, provisional)

	foreign := sealParams(t)
	foreign.Office = "79001"
	future := sealParams(t)
	future.Issued = sealNow.Add(72 * time.Hour)
	early := sealParams(t)
	early.Issued = validFrom.Add(-time.Hour)

	revoked := entry
	revoked.Revoked = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	expired := entry
	expired.ValidUntil = time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC)

	for _, tc := range []struct {
		name    string
		text    string
		keys    []seal.TrustedKey
		outcome seal.Outcome
		reason  string
	}{
		{"a genuine seal is valid", good, nil, seal.OutcomeValid, "valid_final"},
		{"a provisional seal made final is forged", reencode(t, provText, func(r []byte) []byte { r[1] = byte(seal.Final); return r }), nil,
			seal.OutcomeForged, "seal_bad_signature"},
		{"an edited name is forged", reencode(t, good, func(r []byte) []byte {
			i := bytes.Index(r, []byte("ÁNH"))
			copy(r[i:], "ANH")
			return r
		}), nil, seal.OutcomeForged, "seal_bad_signature"},
		{"a seal of an untrusted key is unknown", signed(t, other, sealParams(t)), nil, seal.OutcomeUnknownKey, "seal_unknown_key"},
		{"another key's signature under a trusted id is forged", reencode(t, signed(t, other, sealParams(t)), func(r []byte) []byte {
			id := k.ID()
			copy(r[2:10], id[:])
			return r
		}), nil, seal.OutcomeForged, "seal_bad_signature"},
		{"a revoked key is refused whatever the issue time", good, []seal.TrustedKey{revoked}, seal.OutcomeRevoked, "seal_key_revoked"},
		{"an issue after the key's validity is refused", good, []seal.TrustedKey{expired}, seal.OutcomeExpired, "seal_key_expired"},
		{"an issue before the key's validity is refused", signed(t, k, early), nil, seal.OutcomeExpired, "seal_key_not_yet_valid"},
		{"a device cannot seal for another office", signed(t, k, foreign), nil, seal.OutcomeForged, "seal_office_mismatch"},
		{"an issue time days ahead is refused", signed(t, k, future), nil, seal.OutcomeForged, "seal_future"},
		{"text of another program is malformed", "https://example.com/", nil, seal.OutcomeMalformed, "seal_not_seal"},
		{"lower case is malformed", strings.ToLower(good), nil, seal.OutcomeMalformed, "seal_not_seal"},
		{"a line break inside is malformed", good[:30] + "\n" + good[30:], nil, seal.OutcomeMalformed, "seal_encoding"},
		{"a seal cut short is malformed", reencode(t, good, func(r []byte) []byte { return r[:len(r)-10] }), nil, seal.OutcomeMalformed,
			"seal_truncated"},
		{"a text cut between bytes is malformed", good[:len(good)-16], nil, seal.OutcomeMalformed, "seal_encoding"},
		{"extra bytes are malformed", reencode(t, good, func(r []byte) []byte { return append(r, 0) }), nil, seal.OutcomeMalformed,
			"seal_trailing"},
		{"an unknown version is malformed", reencode(t, good, func(r []byte) []byte { r[0] = 2; return r }), nil, seal.OutcomeMalformed,
			"seal_version"},
		{"an unknown status is malformed", reencode(t, good, func(r []byte) []byte { r[1] = 7; return r }), nil, seal.OutcomeMalformed,
			"seal_field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.keys
			if keys == nil {
				keys = []seal.TrustedKey{entry}
			}
			v := trusted(t, keys...).Verify(tc.text, sealNow)
			assert.Equal(t, tc.outcome, v.Outcome)
			assert.Equal(t, tc.reason, v.Reason, "%v", v.Args)
			assert.Equal(t, tc.outcome == seal.OutcomeValid, v.Err() == nil)
		})
	}
}

func TestSigningKeyRestoresFromItsBytes(t *testing.T) {
	k, err := seal.GenerateSigningKey(nil)
	require.NoError(t, err)
	b := k.Bytes()
	require.Len(t, b, ed25519.SeedSize)
	back, err := seal.ParseSigningKey(b)
	require.NoError(t, err)
	assert.Equal(t, k.ID(), back.ID())
	assert.Equal(t, k.Public(), back.Public())
	v := trusted(t, k.Trusted("01001", "BD01", validFrom)).Verify(signed(t, back, sealParams(t)), sealNow)
	assert.True(t, v.Valid(), v.Reason)

	_, err = seal.ParseSigningKey(b[:31])
	assert.Equal(t, app.Invalid, app.KindOf(err))
	other, err := seal.GenerateSigningKey(nil)
	require.NoError(t, err)
	assert.NotEqual(t, k.ID(), other.ID())
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{16}$`), k.ID().String())
}

func TestTrustedKeyFileFormat(t *testing.T) {
	k := sealKey(t, 1)
	entry := k.Trusted("01001", "BD01", validFrom)
	entry.ValidUntil = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	b, err := json.Marshal([]seal.TrustedKey{entry})
	require.NoError(t, err)
	keys, err := seal.ParseTrustedKeys(b)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, entry.ID, keys[0].ID)
	assert.True(t, entry.ValidFrom.Equal(keys[0].ValidFrom))
	assert.True(t, entry.ValidUntil.Equal(keys[0].ValidUntil))

	pub := `"public_key": "` + b64(k.Public()) + `"`
	id := `"key_id": "` + k.ID().String() + `"`
	ok := `[{` + id + `, ` + pub + `, "office": "01001", "device": "BD01", "valid_from": "2025-08-01", "valid_until": "2026-12-31"}]`
	keys, err = seal.ParseTrustedKeys([]byte(ok))
	require.NoError(t, err)
	ict := time.FixedZone("ICT", 7*3600)
	assert.True(t, keys[0].ValidFrom.Equal(time.Date(2025, 8, 1, 0, 0, 0, 0, ict)))
	assert.True(t, keys[0].ValidUntil.Equal(time.Date(2026, 12, 31, 23, 59, 59, 0, ict)), "a day covers its whole day")

	empty, err := seal.ParseTrustedKeys([]byte(" []\n"))
	require.NoError(t, err)
	assert.Empty(t, empty)

	otherID := sealKey(t, 2).ID().String()
	for name, bad := range map[string]string{
		"a key id that is not the key's":  strings.Replace(ok, k.ID().String(), otherID, 1),
		"a short public key":              strings.Replace(ok, b64(k.Public()), b64(k.Public()[:31]), 1),
		"a missing valid_from":            strings.Replace(ok, `"valid_from": "2025-08-01", `, ``, 1),
		"an unreadable date":              strings.Replace(ok, `2025-08-01`, `01/08/2025`, 1),
		"an end before the start":         strings.Replace(ok, `2026-12-31`, `2024-12-31`, 1),
		"a lower-case office":             strings.Replace(ok, `"01001"`, `"ba-dinh"`, 1),
		"an unknown field":                strings.Replace(ok, `"device"`, `"devise"`, 1),
		"an object instead of an array":   ok[1 : len(ok)-1],
		"null":                            `null`,
		"two arrays":                      ok + ok,
		"a device missing":                strings.Replace(ok, `"BD01"`, `""`, 1),
		"a key id that is not hex digits": strings.Replace(ok, k.ID().String(), "zz", 1),
	} {
		_, err := seal.ParseTrustedKeys([]byte(bad))
		assert.Error(t, err, name)
	}
}

func TestTrustedKeysMergeWithRevocationWinning(t *testing.T) {
	k := sealKey(t, 1)
	entry := k.Trusted("01001", "BD01", validFrom)
	revoked := entry
	revoked.Revoked = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	ks, err := seal.NewTrustedKeys([]seal.TrustedKey{revoked}, []seal.TrustedKey{entry})
	require.NoError(t, err)
	got, ok := ks.Lookup(k.ID())
	require.True(t, ok)
	assert.False(t, got.Revoked.IsZero(), "a later file without the revocation does not lift it")

	// One key cannot belong to two offices: a list that says so is tolerated (never an error
	// that stops every command), the key is not trusted at all, and the warning says why.
	other := sealKey(t, 2)
	moved := entry
	moved.Office = "79001"
	ks, err = seal.NewTrustedKeys([]seal.TrustedKey{entry, other.Trusted("48001", "D1", validFrom)}, []seal.TrustedKey{moved, entry})
	require.NoError(t, err)
	_, ok = ks.Lookup(k.ID())
	assert.False(t, ok, "a key listed for two offices verifies nothing")
	_, ok = ks.Lookup(other.ID())
	assert.True(t, ok, "the other keys stay trusted")
	require.Len(t, ks.Warnings(), 1)
	assert.Contains(t, ks.Warnings()[0], "listed twice")
}

func TestLoadTrustedKeysReadsOverrides(t *testing.T) {
	a, b := sealKey(t, 1), sealKey(t, 2)
	file := func(keys ...seal.TrustedKey) *fstest.MapFile {
		data, err := json.Marshal(keys)
		require.NoError(t, err)
		return &fstest.MapFile{Data: data}
	}
	base := fstest.MapFS{"keys/trusted.json": file(a.Trusted("01001", "BD01", validFrom))}
	ks, err := seal.LoadTrustedKeys(base, "keys")
	require.NoError(t, err)
	assert.Equal(t, 1, ks.Len())

	// An override file of another name adds keys; one of the same name replaces the table.
	adds := fstest.MapFS{"keys/hcm.json": file(b.Trusted("79001", "Q1A", validFrom))}
	ks, err = seal.LoadTrustedKeys(base, "keys", adds)
	require.NoError(t, err)
	assert.Equal(t, 2, ks.Len())
	assert.Equal(t, "01001", ks.All()[0].Office)

	replaces := fstest.MapFS{"keys/trusted.json": file(b.Trusted("79001", "Q1A", validFrom))}
	ks, err = seal.LoadTrustedKeys(base, "keys", replaces)
	require.NoError(t, err)
	_, ok := ks.Lookup(a.ID())
	assert.False(t, ok)

	// A broken file is left out with a warning; the others still load (a bad published file
	// never stops the desk).
	broken := fstest.MapFS{"keys/bad.json": &fstest.MapFile{Data: []byte(`[{"key_id": "x"}]`)}}
	ks, err = seal.LoadTrustedKeys(base, "keys", broken)
	require.NoError(t, err)
	_, ok = ks.Lookup(a.ID())
	assert.True(t, ok, "the base file's key")
	require.Len(t, ks.Warnings(), 1)
	assert.Contains(t, ks.Warnings()[0], "keys/bad.json")
}

// FuzzParseSeal checks that decoding never panics and that a text that decodes is the one and
// only text of its bytes.
func FuzzParseSeal(f *testing.F) {
	k := sealKey(f, 1)
	f.Add(signed(f, k, sealParams(f)))
	f.Add("BHXH:")
	f.Add("BHXH:AE")
	f.Fuzz(func(t *testing.T, text string) {
		_, payload, sig, err := seal.Parse(text)
		if err != nil {
			return
		}
		if got := seal.Prefix + b32(append(append([]byte{}, payload...), sig...)); got != text {
			t.Fatalf("%q decodes but re-encodes as %q", text, got)
		}
	})
}
