package envelope_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"bhxhdesk/internal/envelope"
)

func TestAnEnvelopeOpensOnlyWithItsKeyAndItsData(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	k, err := envelope.New(key)
	require.NoError(t, err)
	sealed, err := k.Seal([]byte("HDR"), []byte("Nguyễn Thị Hồng Ánh"), []byte("ad"))
	require.NoError(t, err)
	assert.Equal(t, "HDR", string(sealed[:3]), "appended to dst")
	assert.Len(t, sealed, 3+envelope.Overhead+len("Nguyễn Thị Hồng Ánh"))
	plain, err := k.Open(sealed[3:], []byte("ad"))
	require.NoError(t, err)
	assert.Equal(t, "Nguyễn Thị Hồng Ánh", string(plain))

	_, err = k.Open(sealed[3:], []byte("other"))
	assert.ErrorIs(t, err, envelope.ErrOpen, "bound to its associated data")
	other, _ := envelope.New(bytes.Repeat([]byte{8}, 32))
	_, err = other.Open(sealed[3:], []byte("ad"))
	assert.ErrorIs(t, err, envelope.ErrOpen, "another key")
	bad := bytes.Clone(sealed[3:])
	bad[len(bad)-1] ^= 1
	_, err = k.Open(bad, []byte("ad"))
	assert.ErrorIs(t, err, envelope.ErrOpen, "altered")
	_, err = k.Open(sealed[3:10], []byte("ad"))
	assert.ErrorIs(t, err, envelope.ErrOpen, "cut")
	_, err = envelope.New(key[:16])
	assert.Error(t, err, "AES-256 only")

	again, err := k.Seal(nil, []byte("Nguyễn Thị Hồng Ánh"), []byte("ad"))
	require.NoError(t, err)
	assert.NotEqual(t, sealed[3:3+envelope.NonceSize], again[:envelope.NonceSize], "a fresh nonce each time")
}

// TestTheEnvelopeIsTheFormatsEarlierLayout: what the formats wrote before this package
// (AES-256-GCM, nonce then ciphertext) opens through it.
func TestTheEnvelopeIsTheFormatsEarlierLayout(t *testing.T) {
	key := bytes.Repeat([]byte{3}, 32)
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	gcm, err := cipher.NewGCM(block)
	require.NoError(t, err)
	nonce := bytes.Repeat([]byte{9}, 12)
	old := gcm.Seal(bytes.Clone(nonce), nonce, []byte("dữ liệu"), []byte("BHXH"))
	k, err := envelope.New(key)
	require.NoError(t, err)
	plain, err := k.Open(old, []byte("BHXH"))
	require.NoError(t, err)
	assert.Equal(t, "dữ liệu", string(plain))
	plain, err = k.OpenNonce(nonce, old[12:], []byte("BHXH"))
	require.NoError(t, err)
	assert.Equal(t, "dữ liệu", string(plain))
	assert.Equal(t, old[12:], k.SealNonce(nonce, []byte("dữ liệu"), []byte("BHXH")))
}
