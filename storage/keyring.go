package storage

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bhxhdesk/internal/envelope"

	"golang.org/x/crypto/argon2"

	"bhxhdesk/app"
)

// The store's data key never touches the disk in the clear. keyring.json, beside the Badger
// folder, holds it wrapped (AES-256-GCM) once per officer account under a key derived from the
// officer's password with argon2id, plus once under a recovery secret held by the province. A
// password change rewraps one slot; the store itself is never re-encrypted.

const keyringFile = "keyring.json"

// KDF are the argon2id parameters of a keyslot.
type KDF struct {
	Time    uint32 `json:"time"`
	Memory  uint32 `json:"memory_kib"`
	Threads uint8  `json:"threads"`
}

// DefaultKDF costs about 0.3 s and 64 MiB on an office PC (OWASP's argon2id guidance).
var DefaultKDF = KDF{Time: 3, Memory: 64 * 1024, Threads: 2}

// The most work a keyring's key slot may ask of the KDF (passes, KiB, threads).
const (
	maxKDFTime    = 16
	maxKDFMemory  = 1 << 20
	maxKDFThreads = 16
)

type slot struct {
	User    string    `json:"user"` // "" for the recovery slot
	KDF     KDF       `json:"kdf"`
	Salt    []byte    `json:"salt"`
	Nonce   []byte    `json:"nonce"`
	Wrapped []byte    `json:"wrapped"`
	Created time.Time `json:"created"`
	// Failed counts consecutive failed logins; the next attempt must wait (see Delay).
	Failed     int       `json:"failed"`
	LastFailed time.Time `json:"last_failed,omitempty"`
}

type keyringDoc struct {
	Version  int    `json:"version"`
	StoreID  string `json:"store_id"`
	Slots    []slot `json:"slots"`
	Recovery slot   `json:"recovery"`
	// SecretAlphabet is how the recovery secret is written: "crockford" (see secret.go), or
	// empty for stores made before, whose secrets are RFC 4648 base32.
	SecretAlphabet string `json:"secret_alphabet,omitempty"`
}

// Keyring is the set of keyslots of one store folder.
type Keyring struct {
	dir string
	doc keyringDoc
	kdf KDF
	now func() time.Time
}

// ErrBadCredentials is wrapped when a user name or password (or the recovery secret) does not
// open the store. It does not say which of the two was wrong.
var ErrBadCredentials = errors.New("wrong user name or password")

// NewKeyring creates the keyring of a new store with its first account and returns the data key
// and the recovery secret (shown once, to be kept by the province). It fails with a Conflict
// kind when the folder already has a keyring.
func NewKeyring(dir, user, password string, kdf KDF, now func() time.Time) (*Keyring, []byte, string, error) {
	if _, err := os.Stat(filepath.Join(dir, keyringFile)); err == nil {
		return nil, nil, "", &app.Error{Kind: app.Conflict, Code: app.CodeStoreExists, Args: map[string]string{"dir": dir}}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, "", fmt.Errorf("create store folder: %w", err)
	}
	key := random(32)
	secretBytes := random(20)
	secret := formatSecret(secretBytes)
	k := &Keyring{dir: dir, kdf: kdf, now: now, doc: keyringDoc{Version: 1, StoreID: fmt.Sprintf("%x", random(8)), SecretAlphabet: crockford}}
	rec, err := k.wrap("", secretBytes, key)
	if err != nil {
		return nil, nil, "", err
	}
	k.doc.Recovery = rec
	if err := k.AddUser(key, user, password); err != nil {
		return nil, nil, "", err
	}
	return k, key, secret, nil
}

// OpenKeyring reads the keyring of a store folder; NotFound when there is none.
func OpenKeyring(dir string, kdf KDF, now func() time.Time) (*Keyring, error) {
	data, err := os.ReadFile(filepath.Join(dir, keyringFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, &app.Error{Kind: app.NotFound, Code: app.CodeStoreMissing, Args: map[string]string{"dir": dir}}
	}
	if err != nil {
		return nil, fmt.Errorf("read keyring: %w", err)
	}
	k := &Keyring{dir: dir, kdf: kdf, now: now}
	if err := json.Unmarshal(data, &k.doc); err != nil || k.doc.Version != 1 {
		return nil, &app.Error{Kind: app.Internal, Code: app.CodeKeyringDamaged, Err: err}
	}
	return k, nil
}

// StoreID identifies the store (not secret).
func (k *Keyring) StoreID() string { return k.doc.StoreID }

// Users lists the accounts that have a keyslot.
func (k *Keyring) Users() []string {
	out := make([]string, len(k.doc.Slots))
	for i, s := range k.doc.Slots {
		out[i] = s.User
	}
	return out
}

// Delay is how long the next login of user must wait after failed attempts: none for the first
// three, then doubling from 2 s up to 5 minutes. Each account backs off alone; the office is
// never locked out as a whole.
func (k *Keyring) Delay(user string) time.Duration {
	i := k.find(user)
	if i < 0 {
		return 0
	}
	s := k.doc.Slots[i]
	if s.Failed < 3 {
		return 0
	}
	wait := min(2*time.Second<<min(s.Failed-3, 10), 5*time.Minute)
	// A clock set back after the failure would make the wait as long as the jump: never more
	// than the wait itself.
	if left := s.LastFailed.Add(wait).Sub(k.now()); left > 0 {
		return min(left, wait)
	}
	return 0
}

// Unlock returns the data key for user and password. A wrong password is counted (and backs off
// that account); a call during the back-off fails with Unavailable and the wait.
func (k *Keyring) Unlock(user, password string) ([]byte, error) {
	user = normUser(user)
	i := k.find(user)
	if i < 0 {
		// Spend the same effort as a real attempt so timing does not reveal account names.
		_ = argon2.IDKey([]byte(password), random(16), k.kdf.Time, k.kdf.Memory, k.kdf.Threads, 32)
		return nil, &app.Error{Kind: app.Forbidden, Code: app.CodeBadCredentials, Err: ErrBadCredentials}
	}
	if d := k.Delay(user); d > 0 {
		return nil, &app.Error{
			Kind: app.Unavailable,
			Code: app.CodeLoginBackoff,
			Args: map[string]string{"seconds": fmt.Sprint(int(d.Seconds()) + 1)},
		}
	}
	key, err := unwrap(k.doc.Slots[i], []byte(password))
	if err != nil && app.KindOf(err) == app.Internal && !errors.Is(err, ErrBadCredentials) {
		return nil, err // a damaged slot: no password would open it, none is counted
	}
	if err != nil {
		k.doc.Slots[i].Failed++
		k.doc.Slots[i].LastFailed = k.now()
		if serr := k.save(); serr != nil {
			return nil, serr
		}
		return nil, &app.Error{Kind: app.Forbidden, Code: app.CodeBadCredentials, Err: ErrBadCredentials}
	}
	if k.doc.Slots[i].Failed != 0 {
		k.doc.Slots[i].Failed = 0
		if err := k.save(); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// UnlockRecovery returns the data key for the recovery secret (spaces and dashes ignored).
func (k *Keyring) UnlockRecovery(secret string) ([]byte, error) {
	raw, err := parseSecret(secret, k.doc.SecretAlphabet)
	if err != nil {
		return nil, err
	}
	key, err := unwrap(k.doc.Recovery, raw)
	if err != nil {
		return nil, &app.Error{Kind: app.Forbidden, Code: app.CodeRecoverySecretWrong, Field: "recovery_secret", Err: ErrBadCredentials}
	}
	return key, nil
}

// AddUser adds a keyslot for a new account; Conflict when the account exists. The caller must
// hold the data key, i.e. be signed in.
func (k *Keyring) AddUser(key []byte, user, password string) error {
	user = normUser(user)
	if k.find(user) >= 0 {
		return &app.Error{Kind: app.Conflict, Code: app.CodeUserExists, Args: map[string]string{"user": user}}
	}
	s, err := k.passwordSlot(key, user, password)
	if err != nil {
		return err
	}
	k.doc.Slots = append(k.doc.Slots, s)
	return k.save()
}

// SetPassword rewraps user's slot under a new password (the store is not re-encrypted).
func (k *Keyring) SetPassword(key []byte, user, password string) error {
	user = normUser(user)
	i := k.find(user)
	if i < 0 {
		return &app.Error{Kind: app.NotFound, Code: app.CodeUserMissing, Args: map[string]string{"user": user}}
	}
	s, err := k.passwordSlot(key, user, password)
	if err != nil {
		return err
	}
	k.doc.Slots[i] = s
	return k.save()
}

// RemoveUser deletes an account's keyslot; the last account cannot be removed.
func (k *Keyring) RemoveUser(user string) error {
	user = normUser(user)
	i := k.find(user)
	if i < 0 {
		return &app.Error{Kind: app.NotFound, Code: app.CodeUserMissing, Args: map[string]string{"user": user}}
	}
	if len(k.doc.Slots) == 1 {
		return &app.Error{Kind: app.Conflict, Code: app.CodeLastUser}
	}
	k.doc.Slots = append(k.doc.Slots[:i], k.doc.Slots[i+1:]...)
	return k.save()
}

// passwordSlot checks the password rules and wraps the data key for user.
func (k *Keyring) passwordSlot(key []byte, user, password string) (slot, error) {
	if err := checkPassword(user, password); err != nil {
		return slot{}, err
	}
	return k.wrap(user, []byte(password), key)
}

func (k *Keyring) find(user string) int {
	for i, s := range k.doc.Slots {
		if s.User == user {
			return i
		}
	}
	return -1
}

func (k *Keyring) wrap(user string, secret, key []byte) (slot, error) {
	s := slot{User: user, KDF: k.kdf, Salt: random(16), Nonce: random(12), Created: k.now().UTC()}
	aead, err := slotCipher(s, secret)
	if err != nil {
		return slot{}, err
	}
	s.Wrapped = aead.SealNonce(s.Nonce, key, []byte("bhxh-keyslot:"+user))
	return s, nil
}

func unwrap(s slot, secret []byte) ([]byte, error) {
	aead, err := slotCipher(s, secret)
	if err != nil {
		return nil, err
	}
	key, err := aead.OpenNonce(s.Nonce, s.Wrapped, []byte("bhxh-keyslot:"+s.User))
	if err != nil || len(key) != 32 {
		return nil, ErrBadCredentials
	}
	return key, nil
}

func slotCipher(s slot, secret []byte) (*envelope.Key, error) {
	// Bounds on the work a keyring file may ask for: a file edited to ask for 4 GiB or a
	// billion passes would hang every sign-in instead of refusing it.
	if s.KDF.Time == 0 || s.KDF.Memory == 0 || s.KDF.Threads == 0 || s.KDF.Time > maxKDFTime || s.KDF.Memory > maxKDFMemory ||
		s.KDF.Threads > maxKDFThreads || len(s.Salt) < 16 || len(s.Nonce) != 12 {
		return nil, &app.Error{Kind: app.Internal, Code: app.CodeKeyringDamaged}
	}
	return envelope.New(argon2.IDKey(secret, s.Salt, s.KDF.Time, s.KDF.Memory, s.KDF.Threads, envelope.KeySize))
}

// save writes the keyring atomically: a temporary file, fsync, rename, fsync of the folder.
func (k *Keyring) save() error {
	data, err := json.MarshalIndent(k.doc, "", " ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(k.dir, keyringFile), data)
}

func normUser(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

// checkPassword refuses a user name the keyring cannot hold, then a password under the
// minimum (app.CheckPassword).
func checkPassword(user, password string) error {
	if user == "" || strings.ContainsAny(user, " \t/\\") {
		return &app.Error{Kind: app.Invalid, Code: app.CodeUserNameInvalid, Field: "user"}
	}
	return app.CheckPassword(user, password)
}

func random(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return b
}
