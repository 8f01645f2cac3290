package storage

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/app"
	"bhxhdesk/internal/testtmp"
)

// TestAStoreOfAnEarlierVersionGetsTheSearchIndexesAtOpen: a store written before the search
// by any word, phone and code end (no such keys, no index version) is brought up to date when
// it is opened, across several batches, and then finds its dossiers those ways.
func TestAStoreOfAnEarlierVersionGetsTheSearchIndexesAtOpen(t *testing.T) {
	db := newBulkDB(t)
	ds := bulkDossiers(t, 1234)
	for i := range ds {
		putOne(t, db, &ds[i])
	}
	// What an earlier version left: none of the new keys.
	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		var del [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			for _, p := range [][]byte{prefixWord, prefixPhone, prefixPhoneR, prefixCode, keyIndexes} {
				if bytes.HasPrefix(k, p) {
					del = append(del, k)
				}
			}
		}
		it.Close()
		for _, k := range del {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}))
	last := ds[len(ds)-1]
	words := func() []app.Summary {
		var out []app.Summary
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			out, err = tx.SearchName(app.FoldKey(last.Form.FullName)[len(app.FoldKey(last.Form.FullName))-3:], 0)
			return err
		}))
		return out
	}
	codes := func(part string) []app.Summary {
		var out []app.Summary
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			out, err = tx.SearchCode(part, 0)
			return err
		}))
		return out
	}
	require.Empty(t, codes("k71234"), "the old store has no code index")

	require.NoError(t, db.upgradeIndexes())
	found := codes("K71234")
	require.Len(t, found, 1)
	assert.Equal(t, last.Code, found[0].Code)
	assert.Len(t, codes("260105-k7"), len(ds), "every dossier of the day, across the batches")
	assert.NotEmpty(t, words())
	var phone []app.Summary
	require.NoError(t, db.View(func(tx app.Tx) error {
		var err error
		phone, err = tx.SearchPhone(last.Form.Phone, 0)
		return err
	}))
	assert.Contains(t, codesOf(phone), last.Code)
	before := dump(t, db)
	require.NoError(t, db.upgradeIndexes())
	assert.Equal(t, before, dump(t, db), "done once: the version is recorded")
}

func codesOf(rows []app.Summary) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Code
	}
	return out
}

// TestAStoreOfANewerFormatIsRefusedAndAnOlderOneGetsItsFormat: a store written by a newer
// version of the program is refused with a message that says so (this one could not read its
// records and would spoil them by writing); a store written before the format was recorded
// opens and records format 1.
func TestAStoreOfANewerFormatIsRefusedAndAnOlderOneGetsItsFormat(t *testing.T) {
	cfg := Config{Dir: testtmp.Dir(t), KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
	db, _, err := Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	format := func(db *DB) (v []byte, ok bool) {
		require.NoError(t, db.update(func(tx *Tx) (err error) { v, ok, err = tx.get(keyFormat); return err }))
		return v, ok
	}
	v, ok := format(db)
	require.True(t, ok, "a new store records its format")
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, formatVersion}, v)

	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete(keyFormat) }))
	require.NoError(t, db.Close())
	db, err = Open(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err, "a store of an earlier version opens")
	v, ok = format(db)
	require.True(t, ok)
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, formatVersion}, v, "and records format 1")

	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(keyFormat, []byte{0, 0, 0, 0, 0, 0, 0, formatVersion + 1})
	}))
	require.NoError(t, db.Close())
	_, err = Open(cfg, "admin", "mật-khẩu-đủ-dài")
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, app.CodeStoreNewer, ae.Code)
	assert.Equal(t, app.Unavailable, ae.Kind, "not damage: the store is left as it is")
	assert.Equal(t, "2", ae.Args["have"])
	db, err = Open(cfg, "admin", "mật-khẩu-đủ-dài")
	require.Error(t, err, "refused every time, never rewritten")
	assert.Nil(t, db)
}

// TestABackupOfANewerFormatIsNotRestored: a backup made by a newer version is refused at the
// restore, before anything is written into it, and leaves no store behind.
func TestABackupOfANewerFormatIsNotRestored(t *testing.T) {
	cfg := Config{Dir: testtmp.Dir(t), KDF: KDF{Time: 1, Memory: 8 * 1024, Threads: 1}, CacheMB: 16}
	db, _, err := Create(cfg, "admin", "mật-khẩu-đủ-dài")
	require.NoError(t, err)
	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(keyFormat, []byte{0, 0, 0, 0, 0, 0, 0, formatVersion + 1})
	}))
	var backup bytes.Buffer
	_, err = db.Backup(&backup)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	into := Config{Dir: testtmp.Dir(t), KDF: cfg.KDF, CacheMB: 16}
	_, err = Restore(into, &backup, Credentials{User: "admin", Password: "mật-khẩu-đủ-dài"})
	var ae *app.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, app.CodeStoreNewer, ae.Code)
	assert.False(t, Exists(into.Dir), "nothing left to open")
}

// TestTheDuplicateCheckFindsEveryStoredPerson: the duplicate check reads the presence keys
// before the personal-ID and name indexes. A store written before them (index version 1) gets
// them at open — without them it would find nobody, and register a person twice — and a purge
// drops them only with the person's last dossier.
func TestTheDuplicateCheckFindsEveryStoredPerson(t *testing.T) {
	db := newBulkDB(t)
	ds := bulkDossiers(t, 600)
	for i := range ds {
		putOne(t, db, &ds[i])
	}
	byPID := func(pid string) []string {
		var out []app.Summary
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			out, err = tx.(*Tx).ByPersonalID(pid)
			return err
		}))
		return codesOf(out)
	}
	byName := func(d *app.Dossier) []string {
		var out []app.Summary
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			out, err = tx.(*Tx).SameName(d.NameKey(), d.Form.BirthDate)
			return err
		}))
		return codesOf(out)
	}
	last := ds[len(ds)-1]
	assert.Equal(t, []string{last.Code}, byPID(last.Form.PersonalID))
	assert.Contains(t, byName(&last), last.Code)
	assert.Empty(t, byPID("079199999999"), "a person never seen")
	// The presence keys sit among the index entries and are never a row of a search, nor
	// counted against its limit.
	require.NoError(t, db.View(func(tx app.Tx) error {
		for _, limit := range []int{0, 7} {
			rows, err := tx.SearchName(last.NameKey()[:1], limit)
			require.NoError(t, err)
			byDigits, err := tx.SearchPersonalID(last.Form.PersonalID[:3], limit)
			require.NoError(t, err)
			for _, r := range append(rows, byDigits...) {
				require.NotEmpty(t, r.Code)
			}
			if limit > 0 {
				assert.Len(t, rows, limit)
				assert.Len(t, byDigits, limit)
			}
		}
		return nil
	}))

	// A store of index version 1: no presence keys, so nobody would be found.
	require.NoError(t, db.bdb.Update(func(txn *badger.Txn) error {
		var del [][]byte
		for _, p := range [][]byte{prefixPID, prefixName, prefixBorn} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
			for it.Rewind(); it.Valid(); it.Next() {
				if it.Item().ValueSize() == 0 {
					del = append(del, it.Item().KeyCopy(nil))
				}
			}
			it.Close()
		}
		require.Len(t, del, 600+countNames(ds)+countBirths(ds), "a presence key per person, per name and year, per name and birth date")
		for _, k := range del {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return txn.Set(keyIndexes, []byte{0, 0, 0, 0, 0, 0, 0, 1})
	}))
	assert.Empty(t, byPID(last.Form.PersonalID), "without its presence keys the store cannot see the person")
	require.NoError(t, db.upgradeIndexes())
	for _, d := range []app.Dossier{ds[0], ds[299], last} {
		assert.Equal(t, []string{d.Code}, byPID(d.Form.PersonalID), "found again after the upgrade")
		assert.Contains(t, byName(&d), d.Code)
	}

	// A dossier that moves on keeps its presence keys (not written again); one whose personal ID
	// is corrected gets the new one's.
	moved, corrected := last, ds[20]
	moved.Version++
	corrected.Form.PersonalID, corrected.Version = "079188888888", corrected.Version+1
	require.NoError(t, db.Update(func(tx app.Tx) error {
		if err := tx.(*Tx).PutDossier(&moved, &last); err != nil {
			return err
		}
		return tx.(*Tx).PutDossier(&corrected, &ds[20])
	}))
	assert.Equal(t, []string{last.Code}, byPID(last.Form.PersonalID))
	assert.Equal(t, []string{corrected.Code}, byPID("079188888888"))
	assert.Contains(t, byName(&corrected), corrected.Code)

	// Two dossiers of one person: purging the first keeps the person findable by the second;
	// purging the second removes the presence keys, which hold personal data.
	first := ds[10]
	second := first
	second.Code, second.Version = first.Code+"B", 1
	putOne(t, db, &second)
	purge := func(d app.Dossier) {
		d.State = app.StateDone
		require.NoError(t, db.Update(func(tx app.Tx) error {
			_, err := tx.(*Tx).PurgeDossier(&d, d.Received)
			return err
		}))
	}
	purge(first)
	assert.Equal(t, []string{second.Code}, byPID(first.Form.PersonalID))
	assert.Equal(t, []string{second.Code}, byName(&first))
	purge(second)
	assert.Empty(t, byPID(first.Form.PersonalID))
	byP, byN := presenceKeys(first.Form.PersonalID, first.NameKey(), first.Form.BirthDate[:4])
	require.NoError(t, db.View(func(tx app.Tx) error {
		for _, k := range [][]byte{byP, byN, bornKey(first.NameKey(), first.Form.BirthDate)} {
			ok, err := tx.(*Tx).present(k)
			require.NoError(t, err)
			assert.False(t, ok, "the purge removed %q", k)
		}
		return nil
	}))
}

func countBirths(ds []app.Dossier) int {
	seen := map[string]bool{}
	for i := range ds {
		seen[ds[i].NameKey()+"/"+ds[i].Form.BirthDate] = true
	}
	return len(seen)
}

func countNames(ds []app.Dossier) int {
	seen := map[string]bool{}
	for i := range ds {
		seen[ds[i].NameKey()+"/"+ds[i].Form.BirthDate[:4]] = true
	}
	return len(seen)
}

// TestSameNameListsThoseWhoseBirthAgrees: the duplicate check by name lists the dossiers of the
// name whose birth date agrees at the precision both give — the same day, or only a month or a
// year that contains it — and none born another day of that year.
func TestSameNameListsThoseWhoseBirthAgrees(t *testing.T) {
	db := newBulkDB(t)
	base := bulkDossiers(t, 1)[0]
	var codes []string
	for i, birth := range []string{"1980-03-04", "1980-03", "1980", "1980-03-05", "1980-07-04", "1981-03-04"} {
		d := base
		d.Code = fmt.Sprintf("%s-%d", base.Code, i)
		d.Form.PersonalID = fmt.Sprintf("0011800000%02d", i)
		d.Form.BirthDate = birth
		putOne(t, db, &d)
		codes = append(codes, d.Code)
	}
	same := func(birth string) []string {
		var out []app.Summary
		require.NoError(t, db.View(func(tx app.Tx) error {
			var err error
			out, err = tx.(*Tx).SameName(base.NameKey(), birth)
			return err
		}))
		return codesOf(out)
	}
	assert.ElementsMatch(t, codes[:3], same("1980-03-04"), "the day, its month and its year")
	assert.ElementsMatch(t, []string{codes[1], codes[2]}, same("1980-03-06"), "nobody born that day: the month and the year still agree")
	assert.ElementsMatch(t, []string{codes[2], codes[4]}, same("1980-07-04"))
	assert.ElementsMatch(t, codes[:5], same("1980"), "a year agrees with every date in it")
	assert.ElementsMatch(t, []string{codes[0], codes[1], codes[2], codes[3]}, same("1980-03"))
	assert.Empty(t, same("1979-03-04"))
	assert.Empty(t, sameOther(t, db, "1980-03-04"), "another name")
}

func sameOther(t *testing.T, db *DB, birth string) []string {
	var out []app.Summary
	require.NoError(t, db.View(func(tx app.Tx) error {
		var err error
		out, err = tx.(*Tx).SameName("tran van khong ai", birth)
		return err
	}))
	return codesOf(out)
}
