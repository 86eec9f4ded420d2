// Package secret encrypts platform credentials at rest with AES-256-GCM
// under TONGFA_SECRET_KEY. A ciphertext names the key it was sealed with,
// so `tongfa secrets rotate-key` can re-encrypt everything under a new key
// while both are configured.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrDecrypt means the ciphertext was altered or sealed under another key.
var ErrDecrypt = errors.New("secret: cannot decrypt (wrong key or altered data)")

const version = 1

// Box seals and opens values under one key.
type Box struct {
	aead cipher.AEAD
	id   [4]byte // first bytes of SHA-256(key): which key sealed a value
}

// New returns a box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret: key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	b := &Box{aead: aead}
	sum := sha256.Sum256(key)
	copy(b.id[:], sum[:4])
	return b, nil
}

// KeyID identifies the key without revealing it.
func (b *Box) KeyID() string { return hex.EncodeToString(b.id[:]) }

// Seal encrypts plaintext; aad binds the ciphertext to its place (e.g.
// "account:7") so it cannot be copied onto another row.
func (b *Box) Seal(plaintext, aad []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce) //nolint:errcheck // crypto/rand does not fail on Linux
	out := append([]byte{version}, b.id[:]...)
	out = append(out, nonce...)
	return b.aead.Seal(out, nonce, plaintext, aad)
}

// Open decrypts what Seal produced with the same key and aad.
func (b *Box) Open(ciphertext, aad []byte) ([]byte, error) {
	hdr := 1 + len(b.id) + b.aead.NonceSize()
	if len(ciphertext) < hdr+b.aead.Overhead() || ciphertext[0] != version {
		return nil, ErrDecrypt
	}
	if [4]byte(ciphertext[1:5]) != b.id {
		return nil, fmt.Errorf("%w: sealed under key %x, this is %s", ErrDecrypt, ciphertext[1:5], b.KeyID())
	}
	nonce := ciphertext[5:hdr]
	pt, err := b.aead.Open(nil, nonce, ciphertext[hdr:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// SealedBy reports the key id a ciphertext was sealed under.
func SealedBy(ciphertext []byte) string {
	if len(ciphertext) < 5 {
		return ""
	}
	return hex.EncodeToString(ciphertext[1:5])
}
