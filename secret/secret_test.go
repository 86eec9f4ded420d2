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

// TestSuites: each suite seals in its own format, and a box under the same
// key opens both, so TONGFA_CRYPTO can change before the rotation re-seals.
func TestSuites(t *testing.T) {
	std, _ := NewSuite(key(1), Std)
	sm, err := NewSuite(key(1), SM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSuite(key(1), "des"); err == nil {
		t.Fatal("unknown suite accepted")
	}
	for _, c := range []struct {
		box   *Box
		suite string
	}{{std, Std}, {sm, SM}} {
		ct := c.box.Seal([]byte("wx-app-secret"), []byte("account:1"))
		if SuiteOf(ct) != c.suite || c.box.Suite() != c.suite || SealedBy(ct) != std.KeyID() {
			t.Fatalf("%s: sealed as %q by %s", c.suite, SuiteOf(ct), SealedBy(ct))
		}
		for _, opener := range []*Box{std, sm} {
			if pt, err := opener.Open(ct, []byte("account:1")); err != nil || string(pt) != "wx-app-secret" {
				t.Fatalf("%s opened by %s: %q %v", c.suite, opener.Suite(), pt, err)
			}
		}
		bad := bytes.Clone(ct)
		bad[len(bad)-1] ^= 1
		if _, err := sm.Open(bad, []byte("account:1")); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("%s altered: %v", c.suite, err)
		}
		other, _ := NewSuite(key(2), c.suite)
		if _, err := other.Open(ct, []byte("account:1")); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("%s under another key: %v", c.suite, err)
		}
	}
}
