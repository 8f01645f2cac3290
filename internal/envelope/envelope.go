// Package envelope is the one authenticated-encryption construction of the desk's own file
// formats: AES-256-GCM with a random 96-bit nonce stored before the ciphertext, and associated
// data that binds each envelope to where it belongs (a format's magic and header, an account's
// name, a chunk's position). The keyring's key slots, the backup's chunks, a person's data
// export and the transfer files all seal and open through it, each keeping its byte layout, so
// files written before it open unchanged. (The store's records are encrypted by Badger itself,
// with the data key the keyring unwraps.)
//
// Key derivation (Argon2id from a password, HKDF from a token) stays with each format: it is
// what differs between them.
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

// NonceSize is the size of the nonce stored before every ciphertext.
const NonceSize = 12

// Overhead is what an envelope adds to its plaintext: the nonce and the tag.
const Overhead = NonceSize + 16

// ErrOpen is an envelope that does not open: too short, altered, or sealed with another key or
// for other associated data. Formats turn it into their own message.
var ErrOpen = errors.New("envelope: cannot open")

// Key is an AEAD for one key.
type Key struct{ aead cipher.AEAD }

// New makes the AEAD of a 32-byte key.
func New(key []byte) (*Key, error) {
	if len(key) != KeySize {
		return nil, errors.New("envelope: key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Key{aead: aead}, nil
}

// Seal appends to dst a fresh random nonce and the ciphertext of plain bound to ad.
func (k *Key) Seal(dst, plain, ad []byte) ([]byte, error) {
	var nonce [NonceSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, err
	}
	return k.aead.Seal(append(dst, nonce[:]...), nonce[:], plain, ad), nil
}

// Open opens what Seal made (nonce, then ciphertext), bound to ad.
func (k *Key) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, ErrOpen
	}
	return k.OpenNonce(sealed[:NonceSize], sealed[NonceSize:], ad)
}

// SealNonce seals plain with a nonce the format stores elsewhere (the keyring keeps it in its
// own field); the nonce must never be used twice with one key.
func (k *Key) SealNonce(nonce, plain, ad []byte) []byte { return k.aead.Seal(nil, nonce, plain, ad) }

// OpenNonce opens a ciphertext whose nonce the format stores elsewhere.
func (k *Key) OpenNonce(nonce, ciphertext, ad []byte) ([]byte, error) {
	if len(nonce) != NonceSize {
		return nil, ErrOpen
	}
	plain, err := k.aead.Open(nil, nonce, ciphertext, ad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}
