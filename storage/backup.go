package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"bhxhdesk/internal/envelope"

	"golang.org/x/crypto/hkdf"

	"bhxhdesk/app"
)

// A backup file (tệp sao lưu) is a consistent snapshot of the store, encrypted:
//
//	"BHXHBAK1"  magic
//	uint32      length of the header, then the header (JSON, not secret): the store id, when,
//	            and the keyring as it was — its slots are already encrypted, so the file opens
//	            with an officer's password or the province's recovery secret, like the store
//	chunks      uint32 length, then AES-256-GCM(nonce ‖ ciphertext) of up to 1 MiB of Badger's
//	            backup stream; the key is derived from the data key (HKDF) and bound to the
//	            header, and each chunk's additional data holds its index and whether it is the
//	            last, so a reordered, cut or edited file is refused
//	uint32 0    the end
//
// Restore needs an empty folder: it never writes over a store.

const backupMagic = "BHXHBAK1"

const backupChunk = 1 << 20

// BackupHeader is the readable part of a backup file.
type BackupHeader struct {
	Version int             `json:"version"`
	StoreID string          `json:"store_id"`
	Created time.Time       `json:"created"`
	Keyring json.RawMessage `json:"keyring"`
}

func backupKey(dataKey []byte, header []byte) ([]byte, error) {
	h := sha256.Sum256(header)
	key := make([]byte, 32)
	_, err := io.ReadFull(hkdf.New(sha256.New, dataKey, h[:], []byte("bhxh backup v1")), key)
	return key, err
}

// SizeEstimate is roughly how many bytes a backup of the store writes: the size of its tables
// and value logs (old versions not yet collected make it an overestimate).
func (db *DB) SizeEstimate() int64 {
	lsm, vlog := db.bdb.Size()
	return lsm + vlog
}

// Backup writes an encrypted, consistent snapshot of the store to w.
func (db *DB) Backup(w io.Writer) (BackupHeader, error) {
	kr, err := os.ReadFile(filepath.Join(db.cfg.Dir, keyringFile))
	if err != nil {
		return BackupHeader{}, fmt.Errorf("backup: %w", err)
	}
	hdr := BackupHeader{Version: 1, StoreID: db.Keyring.StoreID(), Created: db.cfg.Now().UTC(), Keyring: kr}
	hb, err := json.Marshal(hdr)
	if err != nil {
		return hdr, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(backupMagic)
	binary.Write(bw, binary.BigEndian, uint32(len(hb)))
	bw.Write(hb)
	key, err := backupKey(db.key, hb)
	if err != nil {
		return hdr, err
	}
	cw, err := newChunkWriter(bw, key)
	if err != nil {
		return hdr, err
	}
	if _, err := db.bdb.Backup(cw, 0); err != nil {
		return hdr, translate("backup", err)
	}
	if err := cw.close(); err != nil {
		return hdr, err
	}
	return hdr, bw.Flush()
}

type chunkWriter struct {
	w    io.Writer
	aead *envelope.Key
	buf  []byte
	n    uint64
}

func newChunkWriter(w io.Writer, key []byte) (*chunkWriter, error) {
	aead, err := envelope.New(key)
	if err != nil {
		return nil, err
	}
	return &chunkWriter{w: w, aead: aead, buf: make([]byte, 0, backupChunk)}, nil
}

func chunkAD(n uint64, last bool) []byte {
	ad := make([]byte, 9)
	binary.BigEndian.PutUint64(ad, n)
	if last {
		ad[8] = 1
	}
	return ad
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		k := min(len(p), backupChunk-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == backupChunk {
			if err := c.flush(false); err != nil {
				return 0, err
			}
		}
	}
	return total, nil
}

func (c *chunkWriter) flush(last bool) error {
	sealed, err := c.aead.Seal(nil, c.buf, chunkAD(c.n, last))
	if err != nil {
		return err
	}
	if err := binary.Write(c.w, binary.BigEndian, uint32(len(sealed))); err != nil {
		return err
	}
	if _, err := c.w.Write(sealed); err != nil {
		return err
	}
	c.n++
	c.buf = c.buf[:0]
	return nil
}

func (c *chunkWriter) close() error {
	if err := c.flush(true); err != nil {
		return err
	}
	return binary.Write(c.w, binary.BigEndian, uint32(0))
}

// errBadBackup is wrapped by every refusal of a damaged or foreign backup file.
var errBadBackup = errors.New("not a backup of this program, or damaged")

func badBackup(why string) error {
	return &app.Error{Kind: app.Invalid, Code: app.CodeBackupDamaged, Args: map[string]string{"why": why}, Err: errBadBackup}
}

// ReadBackupHeader reads the readable header of a backup file.
func ReadBackupHeader(r io.Reader) (BackupHeader, []byte, error) {
	var hdr BackupHeader
	magic := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != backupMagic {
		return hdr, nil, badBackup("magic")
	}
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil || n > 1<<20 {
		return hdr, nil, badBackup("header")
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(r, hb); err != nil {
		return hdr, nil, badBackup("header")
	}
	if err := json.Unmarshal(hb, &hdr); err != nil || hdr.Version != 1 {
		return hdr, nil, badBackup("header")
	}
	return hdr, hb, nil
}

// Credentials open a store or a backup: an account's user name and password, or (User empty)
// the province's recovery secret in Password.
type Credentials struct {
	User     string
	Password string
}

func (c Credentials) unlock(kr *Keyring) ([]byte, error) {
	if c.User == "" {
		return kr.UnlockRecovery(c.Password)
	}
	return kr.Unlock(c.User, c.Password)
}

// Restore recreates a store from a backup file in cfg.Dir, which must not hold a store, and
// returns it open. The backup opens with the credentials as the store did when it was made.
// Nothing is left in the folder when the file is refused or damaged.
func Restore(cfg Config, r io.Reader, cred Credentials) (_ *DB, err error) {
	cfg.defaults()
	if Exists(cfg.Dir) {
		return nil, &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": cfg.Dir}}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	hdr, hb, err := ReadBackupHeader(br)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	// The keyring of the backup unlocks the data key; it is written into the folder only once
	// the data is in. Until then a failed attempt's count goes to a scratch folder.
	scratch, err := os.MkdirTemp("", "bhxh-restore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	kr := &Keyring{dir: scratch, kdf: cfg.KDF, now: cfg.Now}
	if err := json.Unmarshal(hdr.Keyring, &kr.doc); err != nil || kr.doc.Version != 1 || kr.doc.StoreID != hdr.StoreID {
		return nil, badBackup("keyring")
	}
	key, err := cred.unlock(kr)
	if err != nil {
		return nil, err
	}
	kr.dir = cfg.Dir
	bkey, err := backupKey(key, hb)
	if err != nil {
		return nil, err
	}
	db, err := openBadger(cfg, kr, key)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = db.bdb.Close()
			_ = os.RemoveAll(filepath.Join(cfg.Dir, "db"))
		}
	}()
	cr, err := newChunkReader(br, bkey)
	if err != nil {
		return nil, err
	}
	if err := db.bdb.Load(cr, 256); err != nil {
		if cr.err != nil {
			return nil, cr.err
		}
		return nil, badBackup("content")
	}
	if !cr.done {
		// Badger stopped before the last chunk: the stream must be read to its verified end.
		if _, err := io.Copy(io.Discard, cr); err != nil || !cr.done {
			if cr.err != nil {
				return nil, cr.err
			}
			return nil, badBackup("truncated")
		}
	}
	if err := db.durable(true); err != nil { // every memtable the load filled (see walSync)
		return nil, err
	}
	if err := db.checkFormat(); err != nil { // a backup made by a newer version
		return nil, err
	}
	if err := db.upgradeIndexes(); err != nil { // a backup made by an earlier version
		return nil, err
	}
	if err := kr.save(); err != nil {
		return nil, err
	}
	return db, nil
}

type chunkReader struct {
	r    io.Reader
	aead *envelope.Key
	buf  *bytes.Reader
	n    uint64
	done bool
	err  error
}

func newChunkReader(r io.Reader, key []byte) (*chunkReader, error) {
	aead, err := envelope.New(key)
	if err != nil {
		return nil, err
	}
	return &chunkReader{r: r, aead: aead, buf: bytes.NewReader(nil)}, nil
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.buf.Len() == 0 {
		if c.done {
			return 0, io.EOF
		}
		if err := c.next(); err != nil {
			c.err = err
			return 0, err
		}
	}
	return c.buf.Read(p)
}

func (c *chunkReader) next() error {
	var n uint32
	if err := binary.Read(c.r, binary.BigEndian, &n); err != nil || n == 0 || n > backupChunk+64 {
		return badBackup("truncated")
	}
	sealed := make([]byte, n)
	if _, err := io.ReadFull(c.r, sealed); err != nil {
		return badBackup("truncated")
	}
	if len(sealed) < envelope.Overhead {
		return badBackup("chunk")
	}
	for _, last := range []bool{false, true} {
		plain, err := c.aead.Open(sealed, chunkAD(c.n, last))
		if err != nil {
			continue
		}
		c.n++
		c.buf = bytes.NewReader(plain)
		if last {
			var end uint32
			if err := binary.Read(c.r, binary.BigEndian, &end); err != nil || end != 0 {
				return badBackup("trailing")
			}
			c.done = true
		}
		return nil
	}
	return badBackup("chunk")
}
