package secret

import (
	"bytes"
	"errors"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestRoundTrip(t *testing.T) {
	b, _ := New(key(1))
	ct := b.Seal([]byte("wx-app-secret"), []byte("account:1"))
	if bytes.Contains(ct, []byte("wx-app-secret")) {
		t.Fatal("plaintext visible in ciphertext")
	}
	pt, err := b.Open(ct, []byte("account:1"))
	if err != nil || string(pt) != "wx-app-secret" {
		t.Fatalf("open: %q %v", pt, err)
	}
	if SealedBy(ct) != b.KeyID() {
		t.Fatal("key id")
	}
}

func TestRefusesTamperingAndWrongPlace(t *testing.T) {
	b, _ := New(key(1))
	other, _ := New(key(2))
	ct := b.Seal([]byte("s"), []byte("account:1"))
	bad := bytes.Clone(ct)
	bad[len(bad)-1] ^= 1
	for name, try := range map[string]func() error{
		"altered":   func() error { _, err := b.Open(bad, []byte("account:1")); return err },
		"moved row": func() error { _, err := b.Open(ct, []byte("account:2")); return err },
		"other key": func() error { _, err := other.Open(ct, []byte("account:1")); return err },
		"truncated": func() error { _, err := b.Open(ct[:10], nil); return err },
	} {
		if err := try(); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", name, err)
		}
	}
}
