package auth

import (
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("Correct-Horse-9", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash format %s", h)
	}
	if !CheckPassword(h, "Correct-Horse-9") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"correct-horse-9", "", "Correct-Horse-9 "} {
		if CheckPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, garbage := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", strings.Replace(h, "m=1024", "m=99999999", 1)} {
		if CheckPassword(garbage, "Correct-Horse-9") {
			t.Errorf("garbage hash %q accepted", garbage)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{"short1A": false, "alllowercaseletters": false, "Abcdefghij1": true, "abc-def-ghi-1": true} {
		if err := ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("%q: err %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestTokensHashConsistently(t *testing.T) {
	tok, h := NewToken()
	if !strings.HasPrefix(tok, TokenPrefix) || string(HashToken(tok)) != string(h) {
		t.Fatal("token hash mismatch")
	}
	tok2, _ := NewToken()
	if tok == tok2 {
		t.Fatal("tokens repeat")
	}
}
