// Package secret encrypts platform credentials and other secrets at rest
// under TONGFA_SECRET_KEY, with AES-256-GCM (suite "std") or SM4-GCM
// (suite "sm", GB/T 39786). A ciphertext names its suite and the key it
// was sealed with, so `tongfa secrets rotate-key` can re-encrypt
// everything under a new key or another suite while both are configured,
// and a box opens values of either suite under its key.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// ErrDecrypt means the ciphertext was altered or sealed under another key.
var ErrDecrypt = errors.New("secret: cannot decrypt (wrong key or altered data)")

// Suites (TONGFA_CRYPTO).
const (
	Std = "std" // AES-256-GCM
	SM  = "sm"  // SM4-GCM, its 128-bit key derived from the key with HKDF-SM3
)

// The first byte of a ciphertext names its suite.
const (
	versionAES = 1
	versionSM4 = 2
)

// Box seals and opens values under one key.
type Box struct {
	suite string
	seal  byte                 // the version Seal writes
	aeads map[byte]cipher.AEAD // by version
	id    [4]byte              // first bytes of SHA-256(key): which key sealed a value
}

// New returns a box for a 32-byte key that seals with AES-256-GCM.
func New(key []byte) (*Box, error) { return NewSuite(key, Std) }

// NewSuite returns a box for a 32-byte key that seals with suite ("" is
// Std) and opens values of every suite.
func NewSuite(key []byte, suite string) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret: key must be 32 bytes, got %d", len(key))
	}
	b := &Box{suite: suite, aeads: map[byte]cipher.AEAD{}}
	switch suite {
	case Std, "":
		b.suite, b.seal = Std, versionAES
	case SM:
		b.seal = versionSM4
	default:
		return nil, fmt.Errorf("secret: unknown suite %q (std or sm)", suite)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if b.aeads[versionAES], err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	smKey, err := hkdf.Key(sm3.New, key, nil, "tongfa secret sm4-gcm", 16)
	if err != nil {
		return nil, err
	}
	if block, err = sm4.NewCipher(smKey); err != nil {
		return nil, err
	}
	if b.aeads[versionSM4], err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	copy(b.id[:], sum[:4])
	return b, nil
}

// KeyID identifies the key without revealing it.
func (b *Box) KeyID() string { return hex.EncodeToString(b.id[:]) }

// Suite is the suite Seal uses.
func (b *Box) Suite() string { return b.suite }

// Seal encrypts plaintext; aad binds the ciphertext to its place (e.g.
// "account:7") so it cannot be copied onto another row.
func (b *Box) Seal(plaintext, aad []byte) []byte {
	aead := b.aeads[b.seal]
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce) //nolint:errcheck // crypto/rand does not fail on Linux
	out := append([]byte{b.seal}, b.id[:]...)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad)
}

// Open decrypts what Seal produced with the same key and aad, in either
// suite.
func (b *Box) Open(ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, ErrDecrypt
	}
	aead, ok := b.aeads[ciphertext[0]]
	if !ok {
		return nil, ErrDecrypt
	}
	hdr := 1 + len(b.id) + aead.NonceSize()
	if len(ciphertext) < hdr+aead.Overhead() {
		return nil, ErrDecrypt
	}
	if [4]byte(ciphertext[1:5]) != b.id {
		return nil, fmt.Errorf("%w: sealed under key %x, this is %s", ErrDecrypt, ciphertext[1:5], b.KeyID())
	}
	pt, err := aead.Open(nil, ciphertext[5:hdr], ciphertext[hdr:], aad)
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

// SuiteOf reports the suite a ciphertext was sealed with ("" if unknown).
func SuiteOf(ciphertext []byte) string {
	switch {
	case len(ciphertext) == 0:
		return ""
	case ciphertext[0] == versionAES:
		return Std
	case ciphertext[0] == versionSM4:
		return SM
	}
	return ""
}
