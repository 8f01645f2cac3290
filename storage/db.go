// Package storage is the only package that imports Badger: the encrypted local store of an
// office — its keyring of officer keyslots (keyring.go), the key schema (keys.go), the records
// in the store's own versioned formats (record.go, pinned by testdata/golden), the indexes, the
// outbox, the audit chain, backups and the durability of each commit on every platform.
// Storage errors are translated into app error kinds at this boundary. It implements the
// transaction interfaces the services declare and imports app (the domain and its payload
// mappings) and contract; no service imports it — the desk composition (desk) does.
package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2/z"

	"bhxhdesk/app"
)

// Config opens a store. Zero values take the documented defaults.
type Config struct {
	// Dir is the store folder: keyring.json and the Badger folder "db" inside it.
	Dir string
	// KDF is the argon2id cost of keyslots; DefaultKDF when zero (tests use a cheap one).
	KDF KDF
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// CacheMB bounds Badger's block and index caches together; 64 when zero. Badger's defaults
	// take over 1 GB at a million records.
	CacheMB int64
	// MinFreeMB is the free disk space below which new work is refused with a clear message
	// instead of letting Badger fail half-way; 200 when zero, negative to turn the guard off.
	MinFreeMB int64
	// FreeBytes reports the free space of a folder; the file system's when nil (tests fake it).
	FreeBytes func(dir string) (uint64, error)
}

// WithDefaults is the config with the documented defaults filled in (what Open and its
// siblings use), for callers that read its clock or limits themselves.
func (c Config) WithDefaults() Config {
	c.defaults()
	return c
}

func (c *Config) defaults() {
	if c.KDF == (KDF{}) {
		c.KDF = DefaultKDF
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CacheMB == 0 {
		c.CacheMB = 64
	}
	if c.MinFreeMB == 0 {
		c.MinFreeMB = 200
	}
	if c.FreeBytes == nil {
		c.FreeBytes = freeBytes
	}
}

// DB is an open, decrypted store.
type DB struct {
	cfg     Config
	Keyring *Keyring
	bdb     *badger.DB
	key     []byte // the data key, to wrap it for new accounts; never written anywhere
	refKey  []byte // derived from key: the audit log's person references
	disk    diskGuard
	wal     *walSync // syncs each commit; nil where Badger does (SyncWrites)
	// onEnqueue is told after a commit that put operations in the outbox (OnEnqueue).
	onEnqueue atomic.Pointer[func()]
	// advice is the kernel's advice on the mapped table files (advise_linux.go), renewed by
	// adviseLoop for the tables compactions make until stop is closed.
	advice    tableAdvice
	stop      chan struct{}
	stopOnce  sync.Once
	adviseNow chan struct{}
	commits   atomic.Uint64
	// office is the office profile last read and officeGen the number of commits that wrote
	// it (Tx.Office).
	office    atomic.Pointer[officeCache]
	officeGen atomic.Uint64
	// unlocked is how long Open took to read the keyring and unlock the account's key slot
	// (the password's key derivation), UnlockTime.
	unlocked time.Duration
}

// UnlockTime is how long opening took to read the keyring and unlock the data key: the
// password's key derivation, which the rest of the open time does not include.
func (db *DB) UnlockTime() time.Duration { return db.unlocked }

// Create makes a new store in cfg.Dir with its first account and returns it open, with the
// recovery secret to hand to the province (shown once).
func Create(cfg Config, user, password string) (*DB, string, error) {
	cfg.defaults()
	kr, key, secret, err := NewKeyring(cfg.Dir, user, password, cfg.KDF, cfg.Now)
	if err != nil {
		return nil, "", err
	}
	db, err := openUpgraded(cfg, kr, key)
	if err != nil {
		return nil, "", err
	}
	return db, secret, nil
}

// Open unlocks the store with an officer's credentials. A wrong user or password fails with the
// Forbidden kind (and backs off that account); a missing store with NotFound.
func Open(cfg Config, user, password string) (*DB, error) {
	cfg.defaults()
	begin := time.Now()
	kr, err := OpenKeyring(cfg.Dir, cfg.KDF, cfg.Now)
	if err != nil {
		return nil, err
	}
	key, err := kr.Unlock(user, password)
	if err != nil {
		return nil, err
	}
	unlocked := time.Since(begin)
	db, err := openUpgraded(cfg, kr, key)
	if err == nil {
		db.unlocked = unlocked
	}
	return db, err
}

// OpenRecovery unlocks the store with the province's recovery secret.
func OpenRecovery(cfg Config, secret string) (*DB, error) {
	cfg.defaults()
	kr, err := OpenKeyring(cfg.Dir, cfg.KDF, cfg.Now)
	if err != nil {
		return nil, err
	}
	key, err := kr.UnlockRecovery(secret)
	if err != nil {
		return nil, err
	}
	return openUpgraded(cfg, kr, key)
}

// openUpgraded opens the Badger store and brings what an earlier version wrote up to date
// (upgradeIndexes).
func openUpgraded(cfg Config, kr *Keyring, key []byte) (*DB, error) {
	db, err := openBadger(cfg, kr, key)
	if err != nil {
		return nil, err
	}
	db.advice.advise(filepath.Join(cfg.Dir, "db"))
	db.stop, db.adviseNow = make(chan struct{}), make(chan struct{}, 1)
	go db.adviseLoop(filepath.Join(cfg.Dir, "db"))
	if err := db.checkFormat(); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.upgradeIndexes(); err != nil {
		_ = db.Close()
		return nil, translate("upgrade", err)
	}
	return db, nil
}

func openBadger(cfg Config, kr *Keyring, key []byte) (*DB, error) {
	cache := cfg.CacheMB << 20
	dir := filepath.Join(cfg.Dir, "db")
	// A registration reported as saved survives a power cut: Badger syncs every commit, or
	// where walSync can, the store syncs the write-ahead log after each commit (one disk flush
	// instead of Badger's two).
	opts := badger.DefaultOptions(dir).
		WithEncryptionKey(key).
		WithEncryptionKeyRotationDuration(30 * 24 * time.Hour).
		WithSyncWrites(!walSyncSupported).
		WithValueThreshold(valueThreshold).
		// With encryption Badger needs both caches, or it panics at the first flush.
		// The index cache holds every table's decrypted index for a million dossiers (16 MB):
		// an index missing from it is decrypted again at each read of its table.
		WithBlockCacheSize(cache * 5 / 8).
		WithIndexCacheSize(cache * 3 / 8).
		// Badger pre-sizes a memtable's write-ahead log at twice the memtable and a value log
		// at twice its file size, and NTFS does not make them sparse: an open store holds
		// that much disk whatever it contains. 12 MiB memtables (24 MiB logs) and 4 MiB value
		// logs (every value this store writes is far below the threshold, so they stay empty) keep a new office's store under 40 MiB on disk
		// (TestAnOpenStoreHoldsLittleDisk); a transaction may still write 1.8 MiB and a value
		// be 4 MiB.
		WithMemTableSize(memTableSize).
		WithNumMemtables(2).
		WithValueLogFileSize(4 << 20).
		WithBaseTableSize(4 << 20).
		// 16 KiB blocks: a table's index (one entry per block, read and decrypted for every
		// table at open) is a quarter of what 4 KiB blocks give — 16 MB instead of 65 MB for a
		// million dossiers — so it fits the index cache. Only new tables change.
		WithBlockSize(16 << 10).
		WithNumCompactors(2).
		// Snappy: a 16 KiB block of this store's data decompresses in about 8 µs, against
		// 22 µs with ZSTD, and a registration's duplicate check reads a few blocks that are not
		// cached; the files are about 1.5× bigger. Badger records each table's compression, so
		// stores written with ZSTD stay readable.
		WithCompression(options.Snappy).
		// A damaged block is an error the desk reports, never data read wrong or a crash.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithLogger(nil)
	bdb, err := openBadgerDB(opts)
	if err != nil {
		return nil, openError(err)
	}
	return &DB{
		cfg:     cfg,
		Keyring: kr,
		bdb:     bdb,
		key:     key,
		refKey:  deriveKey(key, "bhxh audit person ref v1"),
		disk:    diskGuard{dir: cfg.Dir, min: cfg.MinFreeMB << 20, free: cfg.FreeBytes},
		wal:     newWALSync(dir),
	}, nil
}

// adviseLoop advises the table files and releases their pages (tableAdvice) every adviceEvery
// and after every adviceCommits commits (adviseAfterCommit), until Close.
func (db *DB) adviseLoop(dir string) {
	t := time.NewTicker(adviceEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
		case <-db.adviseNow:
		}
		db.advice.advise(dir)
	}
}

// adviseAfterCommit wakes adviseLoop after every adviceCommits commits: a memtable's worth of
// them makes a table.
func (db *DB) adviseAfterCommit() {
	if db.adviseNow != nil && db.commits.Add(1)%adviceCommits == 0 {
		select {
		case db.adviseNow <- struct{}{}:
		default:
		}
	}
}

// How often the table files are advised and released (tableAdvice): reading the process's
// mappings and releasing them takes a few tenths of a millisecond.
const (
	adviceEvery   = 10 * time.Second
	adviceCommits = 200
)

// memTableSize is the size of a memtable (see openBadger).
const memTableSize = 12 << 20

// valueThreshold is Badger's largest: smaller values live in the LSM tree, only bigger ones in
// the value log (see Tx.vlog).
const valueThreshold = 1 << 20

// durable makes every transaction committed so far survive a power cut, when Badger has not
// already (walSync); vlog says the value log was written too.
func (db *DB) durable(vlog bool) error {
	if db.wal == nil {
		return nil
	}
	ok, err := db.wal.sync(vlog)
	if err != nil {
		return translate("sync", err)
	}
	if vlog || !ok {
		return translate("sync", db.bdb.Sync())
	}
	return nil
}

// Close flushes and closes the store.
func (db *DB) Close() error {
	if db.stop != nil {
		db.stopOnce.Do(func() { close(db.stop) })
	}
	err := translate("close store", db.bdb.Close())
	if db.wal != nil {
		err = errors.Join(err, db.wal.close())
	}
	return err
}

// translate turns Badger errors into app kinds at the boundary.
func translate(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return &app.Error{Kind: app.NotFound, Code: app.CodeNotFound, Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, badger.ErrConflict):
		return &app.Error{Kind: app.Conflict, Code: app.CodeWriteConflict, Err: fmt.Errorf("%s: %w", op, err)}
	case app.DiskFull(err):
		return &app.Error{Kind: app.Unavailable, Code: app.CodeDiskFull, Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, y.ErrChecksumMismatch) || errors.Is(err, badger.ErrEncryptionKeyMismatch) || damaged(err):
		// The store opened with this key, so a block that no longer fits it is damaged.
		return &app.Error{Kind: app.Internal, Code: app.CodeStoreDamaged, Err: fmt.Errorf("%s: %w", op, err)}
	}
	return &app.Error{Kind: app.Internal, Code: app.CodeStoreFailed, Err: fmt.Errorf("%s: %w", op, err)}
}

// domainError reports whether err is (or wraps) an error of the app's vocabulary, which passes
// through the store unchanged.
func domainError(err error) bool {
	var ae *app.Error
	var ve *app.ValidationError
	return errors.As(err, &ae) || errors.As(err, &ve)
}

// damaged reports whether a Badger error says that a file's content is broken; Badger often
// flattens its errors to text, so the text is what there is to read.
func damaged(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"checksum", "corrupt", "message authentication failed", "manifest", "magic", "decrypt",
		"decompress", "unable to parse", "key registry", "keyregistry"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// openError classifies a failed Badger open: another program holds the folder, the data key
// does not fit, or the store is damaged — the desk then offers the restore path (a backup, or
// the office's data downloaded again from the centre) instead of trying again and again.
// openBadgerDB opens a Badger database. Badger issue #2207: a process killed while Badger
// creates a write-ahead (.mem) or value-log (.vlog) file leaves it empty, and every later Open
// fails with z.NewFile although nothing written is lost. An empty log file holds nothing, so it
// is removed before opening. Should a log file still stop the open that way, the failed attempt
// has given it its header, so opening again succeeds; Badger flattens the error to text, so
// only its message identifies it. The failed attempt leaves its view of the file mapped (Badger
// does not unmap a memtable it gave up on): Linux lets the next attempt truncate a mapped
// file, Windows does not ("… a file with a user-mapped section open"), so those views are
// unmapped before trying again.
func openBadgerDB(opts badger.Options) (*badger.DB, error) {
	if err := removeEmptyLogs(opts.Dir); err != nil {
		return nil, err
	}
	bdb, err := badger.Open(opts)
	for retry := 0; retry < 4 && err != nil && retryOpen(err); retry++ {
		releaseLogViews(opts.Dir)
		bdb, err = badger.Open(opts)
	}
	return bdb, err
}

// removeEmptyLogs removes the empty write-ahead and value-log files of a Badger folder (see
// openBadgerDB).
func removeEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	removed := false
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); e.Type().IsRegular() && (ext == ".mem" || ext == ".vlog") {
			if info, err := e.Info(); err == nil && info.Size() == 0 {
				if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				removed = true
			}
		}
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

// retryOpen reports whether a failed open is the empty-file case of openBadgerDB.
func retryOpen(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, z.NewFile.Error()) || strings.Contains(msg, "user-mapped section")
}

// inUse reports whether Badger could not lock the folder because another program holds it:
// Badger words it "Cannot acquire directory lock" on Unix and "Cannot create lock file …
// Another process is using this Badger database" on Windows.
func inUse(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot acquire directory lock") || strings.Contains(msg, "Another process is using this Badger database")
}

func openError(err error) error {
	switch {
	case inUse(err):
		return &app.Error{Kind: app.Unavailable, Code: app.CodeStoreInUse, Err: fmt.Errorf("open store: %w", err)}
	case app.DiskFull(err):
		// Not damage: nothing is lost, the store opens once there is room (a re-download
		// would strand the work not yet sent).
		return &app.Error{Kind: app.Unavailable, Code: app.CodeDiskFull, Err: fmt.Errorf("open store: %w", err)}
	case errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission):
		return &app.Error{Kind: app.Unavailable, Code: app.CodeStoreUnwritable, Args: map[string]string{"reason": app.ReasonOf(err)},
			Err: fmt.Errorf("open store: %w", err)}
	}
	// A key mismatch lands here too: the keyring already opened with this key, so Badger's key
	// registry is what is broken (or the data folder is another store's).
	return &app.Error{Kind: app.Internal, Code: app.CodeStoreDamaged, Err: fmt.Errorf("open store: %w", err)}
}

// Put and Get are the raw, durable primitives the key schema builds on.

// Put writes value under key in one durable transaction.
func (db *DB) Put(key, value []byte) error {
	err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(key, value) })
	if err == nil {
		err = db.durable(len(value) >= valueThreshold)
	}
	return translate("put", err)
}

// Get reads key; ok is false when it does not exist.
func (db *DB) Get(key []byte) (value []byte, ok bool, err error) {
	err = db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		value, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	return value, err == nil, translate("get", err)
}

// Delete removes key in one durable transaction.
func (db *DB) Delete(key []byte) error {
	err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete(key) })
	if err == nil {
		err = db.durable(false)
	}
	return translate("delete", err)
}

// Exists reports whether dir holds a store (its keyring).
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, keyringFile))
	return err == nil
}

// Remove deletes a store's keyring and data from dir, leaving anything else in the folder.
// It is used to undo a first-run set-up that failed before any work was saved.
func Remove(dir string) error {
	if err := os.Remove(filepath.Join(dir, keyringFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.RemoveAll(filepath.Join(dir, "db"))
}
