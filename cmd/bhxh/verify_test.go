package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/assets"
	"bhxhdesk/internal/fake"
	"bhxhdesk/internal/testtmp"
	"bhxhdesk/pdf"
	"bhxhdesk/seal"
)

var ict = time.FixedZone("ICT", 7*3600)

// The clock of runCLI is 2025-11-20 10:00 in Vietnam; the office's key is valid from August.
var keyFrom = time.Date(2025, 8, 1, 0, 0, 0, 0, ict)

func seededKey(t testing.TB, seed byte) *seal.SigningKey {
	t.Helper()
	k, err := seal.ParseSigningKey(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	require.NoError(t, err)
	return k
}

// rulesTrusting writes a --rules folder whose keys/ file lists the entries.
func rulesTrusting(t *testing.T, entries ...seal.TrustedKey) string {
	t.Helper()
	dir := testtmp.Dir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "keys"), 0o755))
	b, err := json.MarshalIndent(append([]seal.TrustedKey{}, entries...), "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keys", "ba-dinh.json"), b, 0o600))
	return dir
}

type person struct {
	id, name, birth string
	status          seal.Status
	book            string
	issued          time.Time
}

// people makes n fake participants with every kind of birth date and both print statuses.
func people(t testing.TB, n int) []person {
	t.Helper()
	gen := fake.New(7, assets.MustLoad().Places)
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]person, n)
	for i := range out {
		f := gen.Form()
		p := person{id: f.PersonalID, name: f.FullName, birth: f.BirthDate, status: seal.Final, book: f.PersonalID,
			issued: keyFrom.Add(time.Duration(r.IntN(100*24*3600)) * time.Second)}
		switch r.IntN(6) {
		case 0:
			p.birth = p.birth[:7] // month and year known
		case 1:
			p.birth = p.birth[:4] // year only
		}
		if r.IntN(3) == 0 {
			p.status = seal.Provisional
		}
		if r.IntN(5) == 0 {
			p.book = "01" + p.id[4:12] // an older 10-digit book number
		}
		out[i] = p
	}
	return out
}

func (p person) seal(t testing.TB, k *seal.SigningKey, office string) string {
	t.Helper()
	bd, err := app.ParseBirthDate(p.birth)
	require.NoError(t, err)
	s, err := seal.New(seal.Params{Status: p.status, BookNumber: p.book, PersonalID: app.PersonalID(p.id),
		FullName: p.name, BirthDate: bd, Office: office, Issued: p.issued})
	require.NoError(t, err)
	text, err := k.Sign(s)
	require.NoError(t, err)
	return text
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// rawSeal splits a seal text into its payload and signature.
func rawSeal(t testing.TB, text string) (payload, sig []byte) {
	t.Helper()
	_, p, s, err := seal.Parse(text)
	require.NoError(t, err)
	return append([]byte{}, p...), append([]byte{}, s...)
}

func sealOf(raw []byte) string { return seal.Prefix + b32.EncodeToString(raw) }

// Offsets of the fixed fields in a version 1 payload (app/seal.go).
const (
	offStatus = 1
	offKey    = 2
	offIssued = 10
	offID     = 15
	offBirth  = 21
	offBook   = 26
)

// mutate changes a genuine seal in one of the ways a forger or a damaged print would, and
// says which. other is another genuine seal of the same key, stranger a seal of an untrusted
// key.
func mutate(t testing.TB, r *rand.Rand, text, other string, stranger *seal.SigningKey, p person) (string, string) {
	t.Helper()
	payload, sig := rawSeal(t, text)
	reseal := func(pl []byte) string { return sealOf(append(pl, sig...)) }
	switch kind := r.IntN(12); kind {
	case 0: // one bit flipped anywhere in the bytes
		raw := append(payload, sig...)
		raw[r.IntN(len(raw))] ^= 1 << r.IntN(8)
		return sealOf(raw), "bit flip"
	case 1: // a letter of the name changed
		nameAt := offBook + 1 + int(payload[offBook])
		nameAt += 1 + int(payload[nameAt])
		name := []rune(string(payload[nameAt+1:]))
		i := r.IntN(len(name))
		// Another upper-case letter of the same UTF-8 length keeps the length prefix right.
		for _, c := range "AEĂÂĐẠẢẤ" {
			if c != name[i] && len(string(c)) == len(string(name[i])) {
				name[i] = c
				break
			}
		}
		edited := append(append([]byte{}, payload[:nameAt+1]...), string(name)...)
		require.NotEqual(t, payload, edited, "no replacement for %q", name[i])
		return reseal(edited), "name edited"
	case 2: // the birth date moved by a day, a month or a year
		pl := append([]byte{}, payload...)
		pl[offBirth+2+r.IntN(3)%2]++
		return reseal(pl), "birth date edited"
	case 3: // the issue time moved
		pl := append([]byte{}, payload...)
		pl[offIssued+4] += byte(1 + r.IntN(200))
		return reseal(pl), "issue time edited"
	case 4: // a visible digit of the personal ID changed
		pl := append([]byte{}, payload...)
		i := offID + r.IntN(6)
		pl[i] = '0' + (pl[i]-'0'+1+byte(r.IntN(9)))%10
		return reseal(pl), "personal ID edited"
	case 5: // cut short, in bytes or in text
		if r.IntN(2) == 0 {
			raw := append(payload, sig...)
			return sealOf(raw[:r.IntN(len(raw))]), "bytes truncated"
		}
		return text[:len(seal.Prefix)+r.IntN(len(text)-len(seal.Prefix))], "text truncated"
	case 6: // two fields swapped in place, or two chunks of the text
		if r.IntN(2) == 0 {
			pl := append([]byte{}, payload...)
			copy(pl[offID:offID+5], payload[offBirth:offBirth+5])
			copy(pl[offBirth:offBirth+5], payload[offID:offID+5])
			return reseal(pl), "fields reordered"
		}
		body := text[len(seal.Prefix):]
		i, j := r.IntN(len(body)/2-8), len(body)/2+r.IntN(len(body)/2-8)
		swapped := body[:i] + body[j:j+8] + body[i+8:j] + body[i:i+8] + body[j+8:]
		if swapped == body {
			swapped = body[8:] + body[:8]
		}
		return seal.Prefix + swapped, "text chunks reordered"
	case 7: // the signature of another genuine seal
		_, otherSig := rawSeal(t, other)
		return sealOf(append(payload, otherSig...)), "signature swapped"
	case 8: // signed by a key nobody trusts
		return p.seal(t, stranger, "01001"), "other key"
	case 9: // signed by a key nobody trusts, under the trusted key's id
		forged := p.seal(t, stranger, "01001")
		fp, fs := rawSeal(t, forged)
		copy(fp[offKey:offKey+8], payload[offKey:offKey+8])
		return sealOf(append(fp, fs...)), "other key under a trusted id"
	case 10: // provisional made final, or the reverse
		pl := append([]byte{}, payload...)
		pl[offStatus] = byte(seal.Final + seal.Provisional - seal.Status(pl[offStatus]))
		return reseal(pl), "status flipped"
	default: // one character of the text replaced by another base32 character
		body := []byte(text[len(seal.Prefix):])
		i := r.IntN(len(body))
		alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
		c := alphabet[(strings.IndexByte(alphabet, body[i])+1+r.IntN(31))%32]
		body[i] = c
		return seal.Prefix + string(body), "character replaced"
	}
}

func verifyAll(t *testing.T, rules string, texts []string) (int, []map[string]any) {
	t.Helper()
	args := []string{"--rules", rules, "verify", "--json"}
	for _, s := range texts {
		args = append(args, "--qr", s)
	}
	code, out, errOut := runCLI(t, "", args...)
	var reports []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &reports), "%s\n%s", out, errOut)
	require.Len(t, reports, len(texts))
	return code, reports
}

func TestVerifyAcceptsAThousandGenuineSealsAndRejectsAThousandMutations(t *testing.T) {
	k, stranger := seededKey(t, 1), seededKey(t, 2)
	rules := rulesTrusting(t, k.Trusted("01001", "BD01", keyFrom))
	ps := people(t, 1000)
	genuine := make([]string, len(ps))
	for i, p := range ps {
		genuine[i] = p.seal(t, k, "01001")
	}

	code, reports := verifyAll(t, rules, genuine)
	assert.Equal(t, exitOK, code)
	for i, r := range reports {
		if !assert.Equal(t, true, r["valid"], "genuine seal %d: %v", i, r["reason"]) {
			continue
		}
		f := r["fields"].(map[string]any)
		assert.Equal(t, app.UpperName(ps[i].name), f["full_name"])
		assert.Equal(t, ps[i].birth, f["birth_date"])
		assert.Equal(t, ps[i].id[:6]+"******", f["personal_id"])
		assert.Equal(t, ps[i].status.String(), r["status"])
		assert.Equal(t, genuine[i], r["qr"])
	}

	r := rand.New(rand.NewPCG(3, 4))
	mutants := make([]string, len(ps))
	kinds := make([]string, len(ps))
	for i := range ps {
		mutants[i], kinds[i] = mutate(t, r, genuine[i], genuine[(i+1)%len(genuine)], stranger, ps[i])
		require.NotEqual(t, genuine[i], mutants[i], kinds[i])
	}
	code, reports = verifyAll(t, rules, mutants)
	assert.Equal(t, exitInvalid, code)
	seen := map[string]int{}
	for i, rep := range reports {
		seen[kinds[i]]++
		assert.Equal(t, false, rep["valid"], "%s accepted: %q", kinds[i], mutants[i])
		assert.NotEmpty(t, rep["message_vi"])
		assert.NotEmpty(t, rep["message_en"])
		switch kinds[i] {
		case "status flipped", "signature swapped", "name edited", "other key under a trusted id":
			assert.Equal(t, "seal_bad_signature", rep["reason"], kinds[i])
		case "other key":
			assert.Equal(t, "seal_unknown_key", rep["reason"])
		}
	}
	assert.Len(t, seen, 14, "every kind of mutation was tried: %v", seen)
}

func TestVerifyAPrintedPDFEndToEnd(t *testing.T) {
	k := seededKey(t, 1)
	rules := rulesTrusting(t, k.Trusted("01001", "BD01", keyFrom))
	p := people(t, 1)[0]
	p.status = seal.Final
	text := p.seal(t, k, "01001")
	path := writeCoverPDF(t, p, text)

	code, out, _ := runCLI(t, "", "--rules", rules, "verify", path, "--json")
	require.Equal(t, exitOK, code, out)
	m := decode(t, out)
	assert.Equal(t, true, m["valid"])
	assert.Equal(t, "final", m["status"])
	assert.Equal(t, "valid_final", m["reason"])
	assert.Equal(t, text, m["qr"], "the text read from the printed code")
	f := m["fields"].(map[string]any)
	assert.Equal(t, app.UpperName(p.name), f["full_name"])
	assert.Equal(t, "BD01", f["device"])

	code, out, _ = runCLI(t, "", "--rules", rules, "verify", path)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "HỢP LỆ — Hợp lệ: giấy xác nhận chính thức")
	assert.Contains(t, out, app.UpperName(p.name))
	code, out, _ = runCLI(t, "", "--lang", "en", "--rules", rules, "verify", path)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "VALID — Valid: a final confirmation")

	// A provisional print verifies as provisional, never as final.
	p.status = seal.Provisional
	prov := writeCoverPDF(t, p, p.seal(t, k, "01001"))
	code, out, _ = runCLI(t, "", "--rules", rules, "verify", prov, "--json")
	require.Equal(t, exitOK, code)
	assert.Equal(t, "provisional", decode(t, out)["status"])
	assert.Equal(t, "valid_provisional", decode(t, out)["reason"])

	// The same paper printed with a code the office's key did not sign is refused.
	forged := writeCoverPDF(t, p, p.seal(t, seededKey(t, 9), "01001"))
	code, out, _ = runCLI(t, "", "--rules", rules, "verify", forged, "--json")
	assert.Equal(t, exitInvalid, code)
	assert.Equal(t, "seal_unknown_key", decode(t, out)["reason"])
}

func writeCoverPDF(t *testing.T, p person, text string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, pdf.Covers(&buf, assets.MustLoad().Catalog, []pdf.CoverData{{
		Office:     pdf.Office{Agency: "Bảo hiểm xã hội cơ sở Ba Đình", AgencyCode: "01001", Commune: "Ba Đình"},
		BookNumber: p.book, FullName: p.name, BirthDate: p.birth, PersonalID: p.id, Issued: p.issued,
		QR: text, Provisional: p.status == seal.Provisional,
	}}))
	path := filepath.Join(testtmp.Dir(t), "cover.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	return path
}

func TestVerifyNamesUnknownRevokedAndExpiredKeys(t *testing.T) {
	k := seededKey(t, 1)
	entry := k.Trusted("01001", "BD01", keyFrom)
	p := people(t, 1)[0]
	p.issued = time.Date(2025, 10, 1, 9, 0, 0, 0, ict)
	text := p.seal(t, k, "01001")

	revoked := entry
	revoked.Revoked = time.Date(2025, 11, 2, 0, 0, 0, 0, ict)
	expired := entry
	expired.ValidUntil = time.Date(2025, 9, 30, 0, 0, 0, 0, ict)
	for _, tc := range []struct {
		name    string
		rules   string
		outcome string
		reason  string
		message string
	}{
		{"a key the rule data does not list is unknown", rulesTrusting(t), "unknown_key", "seal_unknown_key",
			"không có trong danh sách khoá tin cậy"},
		{"a revoked key is refused", rulesTrusting(t, revoked), "revoked", "seal_key_revoked", "đã bị thu hồi ngày 02/11/2025"},
		{"a seal issued after the key's end is refused", rulesTrusting(t, expired), "expired", "seal_key_expired", "hết hiệu lực (30/09/2025)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "", "--rules", tc.rules, "verify", "--qr", text, "--json")
			assert.Equal(t, exitInvalid, code)
			m := decode(t, out)
			assert.Equal(t, false, m["valid"])
			assert.Equal(t, tc.outcome, m["outcome"])
			assert.Equal(t, tc.reason, m["reason"])
			assert.Contains(t, m["message_vi"], tc.message)
			assert.NotNil(t, m["fields"], "a seal that decodes shows what it claims")

			code, out, _ = runCLI(t, "", "--rules", tc.rules, "verify", "--qr", text)
			assert.Equal(t, exitInvalid, code)
			assert.Contains(t, out, tc.message)
		})
	}
}

func TestVerifyTrustsTheDesksPublicKeysWithData(t *testing.T) {
	k := seededKey(t, 4)
	text := people(t, 1)[0].seal(t, k, "01001")
	data := testtmp.Dir(t)
	code, out, _ := runCLI(t, "", "--data", data, "verify", "--qr", text, "--json")
	assert.Equal(t, exitInvalid, code, "no trusted_keys.json yet: the key is unknown")
	assert.Equal(t, "seal_unknown_key", decode(t, out)["reason"])

	b, err := json.Marshal([]seal.TrustedKey{k.Trusted("01001", "BD02", keyFrom)})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(data, "trusted_keys.json"), b, 0o600))
	code, out, _ = runCLI(t, "", "--data", data, "verify", "--qr", text, "--json")
	assert.Equal(t, exitOK, code, out)
	assert.Equal(t, "BD02", decode(t, out)["fields"].(map[string]any)["device"])

	require.NoError(t, os.WriteFile(filepath.Join(data, "trusted_keys.json"), []byte("{broken"), 0o600))
	code, _, errOut := runCLI(t, "", "--data", data, "verify", "--qr", text)
	assert.Equal(t, exitInvalid, code, "a damaged keys file never stops verify: its keys are left out, with a warning")
	assert.Contains(t, errOut, "trusted_keys.json")
	assert.Contains(t, errOut, "left out")

	// A keys file that lists the key for two offices: the key is trusted for neither, the
	// command still runs and says why.
	b, err = json.Marshal([]seal.TrustedKey{k.Trusted("01001", "BD02", keyFrom), k.Trusted("79001", "Q1", keyFrom)})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(data, "trusted_keys.json"), b, 0o600))
	code, _, errOut = runCLI(t, "", "--data", data, "verify", "--qr", text)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "listed twice")
}

func TestVerifyExitCodes(t *testing.T) {
	dir := testtmp.Dir(t)
	receipt := filepath.Join(dir, "receipt.pdf")
	var buf bytes.Buffer
	require.NoError(t, pdf.Receipt(&buf, pdf.ReceiptData{DossierCode: "HS-1", ApplicantName: "Lê Văn Tám"}))
	require.NoError(t, os.WriteFile(receipt, buf.Bytes(), 0o600))
	notPDF := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notPDF, []byte("hello"), 0o600))
	// A PNG of a few bytes that claims 100,000 × 100,000 pixels, and a real one pixel high and
	// 60,000 wide (which the reader would enlarge to gigapixels): refused or read at once.
	var png1 bytes.Buffer
	require.NoError(t, png.Encode(&png1, image.NewGray(image.Rect(0, 0, 1, 1))))
	huge := append([]byte(nil), png1.Bytes()...)
	binary.BigEndian.PutUint32(huge[16:], 100000)
	binary.BigEndian.PutUint32(huge[20:], 100000)
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
	bomb := filepath.Join(dir, "anh.png")
	require.NoError(t, os.WriteFile(bomb, huge, 0o600))
	var sliverPNG bytes.Buffer
	require.NoError(t, png.Encode(&sliverPNG, image.NewGray(image.Rect(0, 0, 60000, 1))))
	sliver := filepath.Join(dir, "soi.png")
	require.NoError(t, os.WriteFile(sliver, sliverPNG.Bytes(), 0o600))

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a missing file cannot be read", []string{"verify", filepath.Join(dir, "nope.pdf")}, exitUsage, "Không đọc được tệp PDF"},
		{"a text file is not a PDF", []string{"verify", notPDF}, exitUsage, "Tệp không phải PDF, PNG hay JPEG"},
		{"a PDF without a code", []string{"verify", receipt}, exitUsage, "Không tìm thấy mã QR"},
		{"a PDF without a code, in English", []string{"--lang", "en", "verify", receipt}, exitUsage, "No readable QR code"},
		{"an image that claims gigapixels", []string{"verify", bomb}, exitUsage, "quá lớn"},
		{"a sliver of an image", []string{"verify", sliver}, exitUsage, "Không tìm thấy mã QR"},
		{"nothing to verify", []string{"verify"}, exitUsage, "--qr"},
		{"a file and a text at once", []string{"verify", receipt, "--qr", "BHXH:AA"}, exitUsage, "--qr"},
		{"text that is no seal", []string{"verify", "--qr", "https://example.com"}, exitInvalid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tc.args...)
			assert.Equal(t, tc.code, code, out+errOut)
			assert.Contains(t, out+errOut, tc.want)
		})
	}
	code, out, _ := runCLI(t, "", "verify", receipt, "--json")
	assert.Equal(t, exitUsage, code)
	m := decode(t, out)
	assert.Equal(t, "qr_not_found", m["reason"])
	assert.Contains(t, m["message_en"], "No readable QR code")
}

// A confirmation printed by a desk verifies offline with the public key the desk keeps beside
// its store: provisional until the centre confirms the cover.
func TestVerifyADesksPrintoutWithItsData(t *testing.T) {
	o := newOffice(t)
	o.staff("canbo")
	code, _, errOut := o.run(anh, "register", "--json")
	require.Equal(t, 0, code, errOut)
	voucher := `{"receipt_no": "BL-2026-000001", "personal_id": "001190012345", "full_name": "Nguyễn Thị Hồng Ánh",
	  "amount": 264000, "paid_on": "2026-01-05", "from_month": "2026-01", "months": 1, "collector": "Đại lý thu phường Ba Đình"}`
	code, out, errOut := o.run(voucher, "voucher", "add", "--json")
	require.Equal(t, 0, code, out+errOut)
	code, _, errOut = o.run("", "cover", "issue", "001190012345")
	require.Equal(t, 0, code, errOut)
	path := filepath.Join(testtmp.Dir(t), "bìa sổ.pdf")
	code, _, errOut = o.run("", "cover", "print", "001190012345", "--out", path)
	require.Equal(t, 0, code, errOut)

	code, out, errOut = o.run("", "verify", path, "--json")
	require.Equal(t, exitOK, code, out+errOut)
	m := decode(t, out)
	assert.Equal(t, "provisional", m["status"])
	assert.Equal(t, "NGUYỄN THỊ HỒNG ÁNH", m["fields"].(map[string]any)["full_name"])
	assert.Equal(t, "001190******", m["fields"].(map[string]any)["personal_id"])
	assert.Equal(t, "K7", m["fields"].(map[string]any)["device"])

	// Elsewhere, without the desk's key in the rule data, the same paper has an unknown key.
	code, out, _ = runCLI(t, "", "verify", path, "--json")
	assert.Equal(t, exitInvalid, code)
	assert.Equal(t, "seal_unknown_key", decode(t, out)["reason"])
}
