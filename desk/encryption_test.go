package desk_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/assets"
	"bhxhdesk/desk"
	"bhxhdesk/intake"
	"bhxhdesk/internal/fake"
	"bhxhdesk/storage"
)

// Shared by the crash and encryption proofs: one office, accounts of the roles that take part,
// a cheap argon2id cost (the real one is storage.DefaultKDF) and small Badger caches.

var (
	proofRef    = sync.OnceValue(assets.MustLoad)
	proofKDF    = storage.KDF{Time: 1, Memory: 8 * 1024, Threads: 1}
	proofOffice = app.Office{Agency: "01001", Name: "Bảo hiểm xã hội cơ sở Ba Đình", Province: "01", Commune: "00004", Device: "K7"}
)

const proofPassword = "mật khẩu dài 12"

// proofStart is Monday 2026-01-05 08:00 in Vietnam: the clocks of these tests count from it.
func proofStart() time.Time { return time.Date(2026, 1, 5, 8, 0, 0, 0, calendar.VN) }

// proofConfig is the store configuration of the proofs, with the given clock.
func proofConfig(dir string, now func() time.Time) storage.Config {
	return storage.Config{Dir: dir, KDF: proofKDF, Now: now, CacheMB: 16}
}

// initProofStore creates an office store with its administrator, a help-desk account "motcua"
// and a supervisor "truongphong", and closes it.
func initProofStore(t *testing.T, cfg storage.Config) {
	t.Helper()
	d, secret, err := desk.Init(cfg, proofRef(), proofOffice, app.User{Name: "admin", FullName: "Quản trị"}, proofPassword)
	require.NoError(t, err)
	require.NotEmpty(t, secret)
	admin, err := d.Intake.Login("admin", proofPassword)
	require.NoError(t, err)
	for _, u := range []app.User{{Name: "motcua", Role: app.Helpdesk, FullName: "Bộ phận một cửa"}, {Name: "truongphong",
		Role: app.Supervisor}} {
		require.NoError(t, d.Intake.AddUser(admin, u, proofPassword))
	}
	require.NoError(t, d.Close())
}

// fixedClock is a clock that tests move by hand.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fixedClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// needle is one piece of personal data searched for in raw bytes.
type needle struct {
	kind  string // personal_id, phone, phone_subscriber, name, name_upper, name_folded
	who   int    // index of the person
	bytes []byte
}

// personNeedles are the forms in which a person's data could leak: the personal ID and phone as
// ASCII digits (also the phone without its leading 0, which a +84 form would hold), and the name
// as typed (NFC UTF-8), as printed (upper case) and as the search index folds it.
func personNeedles(who int, f app.RegistrationForm) []needle {
	name := app.NormalizeText(f.FullName)
	return []needle{
		{"personal_id", who, []byte(f.PersonalID)},
		{"phone", who, []byte(f.Phone)},
		{"phone_subscriber", who, []byte(strings.TrimPrefix(f.Phone, "0"))},
		{"name", who, []byte(norm.NFC.String(name))},
		{"name_upper", who, []byte(app.UpperName(name))},
		{"name_folded", who, []byte(app.FoldKey(name))},
	}
}

// needleIndex finds many needles in one pass over a byte slice: every needle is at least 8
// bytes long, so a position can only start a needle whose first 8 bytes equal the 8 bytes
// there. A bit set over a hash of those 8 bytes rejects almost every position before the map
// is consulted; runs of zero bytes (sparse, preallocated Badger files) are skipped outright.
type needleIndex struct {
	byPrefix map[uint64][]int
	bits     []uint64
	needles  []needle
}

const needleBits = 1 << 22

func newNeedleIndex(t *testing.T, ns []needle) *needleIndex {
	t.Helper()
	ix := &needleIndex{byPrefix: map[uint64][]int{}, bits: make([]uint64, needleBits/64), needles: ns}
	for i, n := range ns {
		require.GreaterOrEqual(t, len(n.bytes), 8, "needle %q is too short for the scanner", n.bytes)
		w := binary.LittleEndian.Uint64(n.bytes)
		ix.byPrefix[w] = append(ix.byPrefix[w], i)
		h := needleHash(w)
		ix.bits[h/64] |= 1 << (h % 64)
	}
	return ix
}

func needleHash(w uint64) uint64 { return (w * 0x9e3779b97f4a7c15) >> (64 - 22) }

// scan calls hit with the index of every needle occurrence in data.
func (ix *needleIndex) scan(data []byte, hit func(i int)) {
	for p := 0; p+8 <= len(data); p++ {
		w := binary.LittleEndian.Uint64(data[p:])
		if w == 0 {
			p += 7 // no needle holds a zero byte, so none starts in these 8 bytes
			continue
		}
		h := needleHash(w)
		if ix.bits[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, i := range ix.byPrefix[w] {
			if bytes.HasPrefix(data[p:], ix.needles[i].bytes) {
				hit(i)
			}
		}
	}
}

// plaintextHit is a needle found in a file.
type plaintextHit struct {
	file string
	n    needle
}

// scanTree reads every file under dir and returns the needles found in it, and the files read
// with their sizes.
func scanTree(t *testing.T, dir string, ix *needleIndex) (hits []plaintextHit, files map[string]int64) {
	t.Helper()
	files = map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = int64(len(data))
		ix.scan(data, func(i int) { hits = append(hits, plaintextHit{rel, ix.needles[i]}) })
		return nil
	})
	require.NoError(t, err)
	return hits, files
}

// fileKinds counts the files of a store folder by kind, and their bytes.
func fileKinds(files map[string]int64) (map[string]int, int64) {
	kinds := map[string]int{}
	var total int64
	for name, size := range files {
		total += size
		base := filepath.Base(name)
		switch {
		case name == "keyring.json":
			kinds["keyring"]++
		case strings.HasSuffix(base, ".sst"):
			kinds["sst"]++
		case strings.HasSuffix(base, ".vlog"):
			kinds["vlog"]++
		case strings.HasSuffix(base, ".mem"):
			kinds["mem"]++
		case strings.HasPrefix(base, "MANIFEST"):
			kinds["manifest"]++
		case base == "KEYREGISTRY":
			kinds["keyregistry"]++
		default:
			kinds["other"]++
		}
	}
	return kinds, total
}

// TestNoPersonalDataInTheClearOnDisk is issue 3's encryption proof: after 1,000 citizens are
// registered, no file under the store folder holds any of their personal IDs, phone numbers or
// names, while the same search over a plaintext export of the same data finds every one.
func TestNoPersonalDataInTheClearOnDisk(t *testing.T) {
	const people = 1000
	clock := &fixedClock{t: proofStart()}
	cfg := proofConfig(t.TempDir(), clock.now)
	initProofStore(t, cfg)
	dk, sess, err := desk.Open(cfg, proofRef(), "motcua", proofPassword)
	require.NoError(t, err)

	gen := fake.New(20260105, proofRef().Places)
	var (
		registered []app.Dossier
		needles    []needle
		seenPID    = map[string]bool{}
		skipped    int
	)
	for len(registered) < people {
		f := gen.Form()
		if seenPID[f.PersonalID] {
			skipped++
			continue
		}
		clock.add(20 * time.Second) // about 1,000 people over two office days
		res, err := dk.Intake.Register(sess, intake.RegisterRequest{Form: f, NotDuplicate: true})
		require.NoError(t, err, "register %d", len(registered))
		seenPID[f.PersonalID] = true
		needles = append(needles, personNeedles(len(registered), res.Dossier.Form)...)
		registered = append(registered, res.Dossier)
	}
	ix := newNeedleIndex(t, needles)

	// While the store is open its latest writes are in Badger's write-ahead log (.mem): what a
	// power cut would leave on the disk.
	openHits, openFiles := scanTree(t, cfg.Dir, ix)
	openKinds, openTotal := fileKinds(openFiles)
	t.Logf("open store: searched %d files (%d bytes), %d hits; files by kind %v", len(openFiles), openTotal, len(openHits), openKinds)
	assert.NotZero(t, openKinds["mem"], "the search must cover the write-ahead log")
	for _, h := range openHits {
		t.Errorf("open store: %s holds %s of person %d in the clear: %q", h.file, h.n.kind, h.n.who, h.n.bytes)
	}
	require.NoError(t, dk.Close())

	hits, files := scanTree(t, cfg.Dir, ix)
	kinds, total := fileKinds(files)
	t.Logf("closed store: searched %d files (%d bytes) for %d strings of %d people (%d generated twins skipped): %d hits; files by kind %v",
		len(files), total, len(needles), people, skipped, len(hits), kinds)
	for _, k := range []string{"keyring", "sst", "manifest", "keyregistry"} {
		assert.NotZero(t, kinds[k], "the search must cover a %s file: the data reached the tables", k)
	}
	for i, h := range hits {
		if i == 20 {
			t.Errorf("… and %d more", len(hits)-20)
			break
		}
		t.Errorf("%s holds %s of person %d in the clear: %q", h.file, h.n.kind, h.n.who, h.n.bytes)
	}

	// The control: the same search over a deliberately unencrypted export of the same data (the
	// dossiers as the store holds them, and each name as the index folds it and the receipt
	// prints it) finds every needle, so the search above cannot have found nothing by accident.
	plain := t.TempDir()
	var dump bytes.Buffer
	for _, d := range registered {
		row := struct {
			Dossier app.Dossier `json:"dossier"`
			Folded  string      `json:"folded"`
			Printed string      `json:"printed"`
		}{d, app.FoldKey(d.Form.FullName), app.UpperName(d.Form.FullName)}
		b, err := json.Marshal(row)
		require.NoError(t, err)
		dump.Write(b)
		dump.WriteByte('\n')
	}
	require.NoError(t, os.WriteFile(filepath.Join(plain, "export.json"), dump.Bytes(), 0o600))
	control, _ := scanTree(t, plain, ix)
	found := map[int]bool{}
	for _, h := range control {
		for i, n := range needles {
			if n.who == h.n.who && n.kind == h.n.kind {
				found[i] = true
			}
		}
	}
	assert.Len(t, found, len(needles), "the control search finds every needle in the plaintext export")
	perKind := map[string]int{}
	for i := range found {
		perKind[needles[i].kind]++
	}
	t.Logf("control over the plaintext export: %d hits, every needle found per kind %v", len(control), perKind)
}

// TestWrongCredentialsOpenNothing: a wrong password, an unknown account, a tampered or swapped
// keyslot, another office's keyring or a wrong recovery secret open nothing: each fails with the
// Forbidden kind and the catalogue's Vietnamese message, leaves the data files untouched, and the
// right password still opens the intact store afterwards.
func TestWrongCredentialsOpenNothing(t *testing.T) {
	clock := &fixedClock{t: proofStart()}
	cfg := proofConfig(t.TempDir(), clock.now)
	initProofStore(t, cfg)
	dk, sess, err := desk.Open(cfg, proofRef(), "motcua", proofPassword)
	require.NoError(t, err)
	gen := fake.New(7, proofRef().Places)
	for i := 0; i < 5; i++ {
		_, err := dk.Intake.Register(sess, intake.RegisterRequest{Form: gen.Form(), NotDuplicate: true})
		require.NoError(t, err)
	}
	require.NoError(t, dk.Close())

	// Another office whose keyring has the same accounts and passwords, around another data key.
	otherCfg := proofConfig(t.TempDir(), clock.now)
	initProofStore(t, otherCfg)
	otherKeyring, err := os.ReadFile(filepath.Join(otherCfg.Dir, "keyring.json"))
	require.NoError(t, err)

	keyringPath := filepath.Join(cfg.Dir, "keyring.json")
	original, err := os.ReadFile(keyringPath)
	require.NoError(t, err)
	cat := proofRef().Catalog
	wantVI := cat.T(app.VI, "err.bad_credentials")
	require.NotEqual(t, "err.bad_credentials", wantVI, "the catalogue has the message")

	cases := []struct {
		name     string
		keyring  func(t *testing.T, doc map[string]any) // edits keyring.json before the attempt
		replace  []byte                                 // or replaces it whole
		user     string
		password string
		recovery string // when set, open with this recovery secret instead
	}{
		{name: "a wrong password", user: "motcua", password: "mật khẩu sai 12"},
		{name: "a password differing only in case", user: "motcua", password: "MẬT KHẨU DÀI 12"},
		{name: "an unknown account", user: "nguoila", password: proofPassword},
		{name: "a flipped bit in the account's wrapped key", user: "motcua", password: proofPassword,
			keyring: func(t *testing.T, doc map[string]any) {
				s := slotOf(t, doc, "motcua")
				w := decodeB64(t, s["wrapped"])
				w[len(w)/2] ^= 0x01
				s["wrapped"] = w
			}},
		{name: "a changed salt in the account's slot", user: "motcua", password: proofPassword,
			keyring: func(t *testing.T, doc map[string]any) {
				s := slotOf(t, doc, "motcua")
				salt := decodeB64(t, s["salt"])
				salt[0] ^= 0x80
				s["salt"] = salt
			}},
		{name: "another account's slot copied into this one", user: "motcua", password: proofPassword,
			keyring: func(t *testing.T, doc map[string]any) {
				// The administrator's wrapped key under the same password: the slot is bound to
				// its account's name, so it does not open as "motcua".
				s, a := slotOf(t, doc, "motcua"), slotOf(t, doc, "admin")
				for _, k := range []string{"salt", "nonce", "wrapped", "kdf"} {
					s[k] = a[k]
				}
			}},
		{name: "another office's keyring", replace: otherKeyring, user: "motcua", password: proofPassword},
		// Well formed (Crockford's base 32 with its check character), but another store's.
		{name: "a wrong recovery secret", recovery: "0410-6105-0R3G-G28A-1C60-T3GF-208H-44RM-P"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(keyringPath, original, 0o600))
			switch {
			case tc.replace != nil:
				require.NoError(t, os.WriteFile(keyringPath, tc.replace, 0o600))
			case tc.keyring != nil:
				var doc map[string]any
				require.NoError(t, json.Unmarshal(original, &doc))
				tc.keyring(t, doc)
				b, err := json.Marshal(doc)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(keyringPath, b, 0o600))
			}
			before := hashDataFiles(t, cfg.Dir)
			clock.add(time.Hour) // never inside a back-off from an earlier case
			var err error
			if tc.recovery != "" {
				var db *storage.DB
				db, err = storage.OpenRecovery(cfg, tc.recovery)
				assert.Nil(t, db)
			} else {
				var (
					d *desk.Desk
					s *app.Session
				)
				d, s, err = desk.Open(cfg, proofRef(), tc.user, tc.password)
				assert.Nil(t, d, "no store is handed out")
				assert.Nil(t, s, "no session is opened")
			}
			require.Error(t, err)
			t.Logf("refused: %v", err)
			msg := cat.Message(app.VI, err)
			assert.True(t, norm.NFC.IsNormalString(msg))
			if tc.replace != nil {
				// The other keyring opens with its own password, but its key does not fit this
				// data: the desk says the store is damaged and offers the restore path.
				assert.Equal(t, "store_damaged", err.(*app.Error).Code, "%v", err)
			} else if tc.recovery != "" {
				assert.Equal(t, app.Forbidden, app.KindOf(err), "%v", err)
				assert.Contains(t, msg, "không mở được kho dữ liệu này", "a well-formed secret of another store says so")
			} else {
				assert.Equal(t, app.Forbidden, app.KindOf(err), "%v", err)
				assert.Equal(t, wantVI, msg)
				assert.Contains(t, msg, "mật khẩu")
			}
			assert.Equal(t, before, hashDataFiles(t, cfg.Dir), "a refused open leaves the data files as they were")
		})
	}

	// Restored, the right password opens the same intact store.
	require.NoError(t, os.WriteFile(keyringPath, original, 0o600))
	dk, sess, err = desk.Open(cfg, proofRef(), "motcua", proofPassword)
	require.NoError(t, err)
	defer func() { require.NoError(t, dk.Close()) }()
	pending, err := dk.Intake.List(sess, intake.ListRequest{Kind: intake.ListPending})
	require.NoError(t, err)
	assert.Len(t, pending, 5)
	rep, err := dk.DB.VerifyAudit()
	require.NoError(t, err)
	assert.True(t, rep.OK, "%+v", rep)
}

// slotOf is the keyslot object of user in a decoded keyring.json.
func slotOf(t *testing.T, doc map[string]any, user string) map[string]any {
	t.Helper()
	slots, _ := doc["slots"].([]any)
	for _, s := range slots {
		if m, ok := s.(map[string]any); ok && m["user"] == user {
			return m
		}
	}
	t.Fatalf("no keyslot for %q", user)
	return nil
}

func decodeB64(t *testing.T, v any) []byte {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "a byte field of the keyring is base64 text")
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// hashDataFiles fingerprints every file of the Badger folder (name, size and SHA-256).
func hashDataFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(dir, "db")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = fmt.Sprintf("%d:%x", len(data), sha256.Sum256(data))
		return nil
	})
	require.NoError(t, err)
	return out
}
