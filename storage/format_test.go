package storage_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/app/calendar"
	"bhxhdesk/contract"
	"bhxhdesk/intake"
	"bhxhdesk/internal/desktest"
	"bhxhdesk/storage"
)

var updateFormat = flag.Bool("update", false, "rewrite the golden files of the store's records")

// volatile are the parts of a record that differ from run to run: random ids, hashes, the
// hybrid clock, the keyed person references of the audit log.
var (
	volatile = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}`)
	// auditVolatile are an audit entry's time, chain hashes and keyed person reference.
	auditVolatile = regexp.MustCompile(`"(at|prev|hash|person)":"[^"]*"`)
)

// TestTheStoreKeepsItsRecordFormats pins what an office's store holds, key by key, after a day's
// work through the real services (testdata/golden/records.txt): a registration, a matched
// voucher with its period and cover data, a draft, the central address, the outbox. Stores in
// the field hold these bytes: a change of a record's JSON or of a key or an index entry fails
// here first (and a store written by an earlier version must still open: desk's oldstore test).
// After a deliberate change that old stores still read: go test ./storage -run
// TestTheStoreKeepsItsRecordFormats -update, and review the diff.
func TestTheStoreKeepsItsRecordFormats(t *testing.T) {
	d := desktest.New(t)
	officer, dos := desktest.Registered(t, d, desktest.ValidForm())
	_, err := d.Intake.Act(officer, dos.Code, intake.ActRequest{Action: app.ActAdvance})
	require.NoError(t, err)
	_, err = d.Records.AddVoucher(officer, desktest.VoucherFor("BL-2026-000001", "2026-01", 264000))
	require.NoError(t, err)
	help := d.Login(t, "motcua")
	other := desktest.ValidForm()
	other.FullName, other.PersonalID = "Trần Văn Bình", "038085067891"
	require.NoError(t, d.Intake.SaveDraft(help, other, map[string]bool{"full_name": true}))
	require.NoError(t, d.Sync.SetCentral(d.Admin, "https://bhxh.example.vn", "token-k7"))
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, calendar.VN)
	require.NoError(t, d.DB.Update(func(t app.Tx) error {
		tx := t.(*storage.Tx)
		rec := app.IdentityRecord{Office: "01001", Dossier: dos.Code, FullName: "Nguyễn Thị Hồng Ánh", BirthDate: "1990-05-17", Gender: "female"}
		review := &app.IdentityReview{ID: "R-001190012345", PersonalID: "001190012345", Records: []app.IdentityRecord{rec},
			Differs: []string{"full_name"}, Created: at, Decider: "01001"}
		if err := tx.PutNotice(app.Notice{ID: "review:R-001190012345", Kind: "identity_review", Entity: "001190012345", Review: review,
			Created: at}); err != nil {
			return err
		}
		return tx.PutEntitySync(app.EntitySync{Entity: dos.Code, Kind: contract.OpDossierCreate, Status: contract.OpApplied,
			OpID: "019b8bab-0680-776d-b09b-3770a69fd31b", At: at})
	}))

	var out strings.Builder
	kinds := map[string]int{}
	require.NoError(t, d.DB.RawRecords(func(k, v []byte) {
		kind := kindOf(k)
		if kind == "meta/" && (bytes.HasSuffix(k, []byte("audit_head")) ||
			bytes.HasSuffix(k, []byte("hlc")) || bytes.HasSuffix(k, []byte("signing_key"))) {
			return // hashes, clocks and keys: different in every store
		}
		kinds[kind]++
		if string(k) == "set/"+app.SettingOrigin {
			v = []byte(`"<machine and folder>"`) // where the test's temp dir is
		}
		if kind == "audit/" {
			v = auditVolatile.ReplaceAll(v, []byte(`"$1":"<$1>"`))
		}
		out.WriteString(printable(k) + "\n\t" + value(v) + "\n")
	}))
	for _, kind := range []string{"office", "user/", "d/", "x/", "v/", "vs/", "p/", "c/", "draft/", "set/", "seq/", "ob/", "cnt/", "nt/",
		"es/",
		"audit/"} {
		assert.Positive(t, kinds[kind], "the store holds %s records", kind)
	}
	got := volatile.ReplaceAllString(out.String(), "<uuid7>")
	path := filepath.Join("testdata", "golden", "records.txt")
	if *updateFormat {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run with -update once")
	assert.Equal(t, string(want), got, "the store's records changed format")
}

// kindOf is a key's prefix up to its first slash ("x/" for the index entries).
func kindOf(k []byte) string {
	if i := bytes.IndexByte(k, '/'); i >= 0 {
		return string(k[:i+1])
	}
	return string(k)
}

// printable shows a key with its binary parts as \xNN.
func printable(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			s.WriteByte(c)
		} else {
			s.WriteString(`\x` + hex.EncodeToString([]byte{c}))
		}
	}
	return s.String()
}

// value shows a JSON value compacted with sorted fields as stored, anything else in hex.
func value(v []byte) string {
	if len(v) == 0 {
		return "(empty)"
	}
	if json.Valid(v) && (v[0] == '{' || v[0] == '[' || v[0] == '"') {
		var c bytes.Buffer
		if json.Compact(&c, v) == nil {
			return c.String()
		}
	}
	return "hex:" + hex.EncodeToString(v)
}
