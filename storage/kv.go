package storage

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"golang.org/x/crypto/hkdf"

	"bhxhdesk/app"
)

// KV is a plain ordered key-value store on Badger, encrypted at rest, for programs that keep
// their own schema on top of it (the reference central server). It offers durable
// transactions, prefix scans and nothing domain-specific.
type KV struct {
	bdb *badger.DB
}

// KVConfig opens a KV store. Zero values take the documented defaults.
type KVConfig struct {
	// Dir is the Badger folder.
	Dir string
	// KeyFile holds the 32-byte data key in hex; Dir/../kv.key beside the data when empty. It is
	// created on first open. Keep it on another volume in production.
	KeyFile string
	// CacheMB bounds Badger's caches; 128 when zero.
	CacheMB int64
}

// OpenKV opens (creating if needed) an encrypted KV store.
func OpenKV(cfg KVConfig) (*KV, error) {
	if cfg.CacheMB == 0 {
		cfg.CacheMB = 128
	}
	if cfg.KeyFile == "" {
		cfg.KeyFile = filepath.Join(filepath.Dir(filepath.Clean(cfg.Dir)), "kv.key")
	}
	key, err := loadOrMakeKey(cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	cache := cfg.CacheMB << 20
	opts := badger.DefaultOptions(cfg.Dir).
		WithEncryptionKey(key).
		WithEncryptionKeyRotationDuration(30 * 24 * time.Hour).
		WithSyncWrites(true).
		WithBlockCacheSize(cache * 3 / 4).
		WithIndexCacheSize(cache / 4).
		WithMemTableSize(32 << 20).
		WithValueLogFileSize(256 << 20).
		WithCompression(options.ZSTD).
		// A damaged block is an error the desk reports, never data read wrong or a crash.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithLogger(nil)
	bdb, err := openBadgerDB(opts)
	if err != nil {
		return nil, translate("open kv", err)
	}
	return &KV{bdb: bdb}, nil
}

func loadOrMakeKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := WriteFileAtomic(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("key file %s: want 64 hex digits", path)
	}
	return key, nil
}

// Close closes the store.
func (kv *KV) Close() error { return translate("close kv", kv.bdb.Close()) }

// KVTx is one transaction of a KV store.
type KVTx struct{ txn *badger.Txn }

// Update runs fn in a durable read-write transaction, retrying write conflicts.
func (kv *KV) Update(fn func(*KVTx) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = kv.bdb.Update(func(txn *badger.Txn) error { return fn(&KVTx{txn: txn}) })
		if !errors.Is(err, badger.ErrConflict) {
			break
		}
	}
	if domainError(err) {
		return err
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		return &app.Error{Kind: app.Invalid, Code: app.CodeBatchTooBig, Err: err}
	}
	return translate("kv update", err)
}

// View runs fn in a read-only snapshot.
func (kv *KV) View(fn func(*KVTx) error) error {
	err := kv.bdb.View(func(txn *badger.Txn) error { return fn(&KVTx{txn: txn}) })
	if domainError(err) {
		return err
	}
	return translate("kv view", err)
}

// Get reads a key; ok is false when it does not exist.
func (t *KVTx) Get(k []byte) ([]byte, bool, error) {
	item, err := t.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

// Set writes a key.
func (t *KVTx) Set(k, v []byte) error { return t.txn.Set(k, v) }

// Delete removes a key.
func (t *KVTx) Delete(k []byte) error { return t.txn.Delete(k) }

// Scan calls fn for the keys under prefix from seek on (prefix itself when seek is nil), in key
// order, up to limit keys when limit > 0; fn returning ErrStopScan ends it without error.
func (t *KVTx) Scan(prefix, seek []byte, limit int, fn func(k, v []byte) error) error {
	if seek == nil {
		seek = prefix
	}
	return scanTxn(t.txn, prefix, seek, limit, func(k, v []byte) error { return fn(append([]byte(nil), k...), v) })
}

// ErrStopScan ends a Scan early.
var ErrStopScan = errStop

// deriveKey derives a 32-byte key for one purpose from the data key (HKDF-SHA256).
func deriveKey(key []byte, purpose string) []byte {
	out := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, key, nil, []byte(purpose)), out); err != nil {
		panic(err) // HKDF cannot fail for 32 bytes
	}
	return out
}
