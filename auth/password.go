package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters. They are stored in every hash, so
// raising them later does not invalidate existing passwords.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB).
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// TestParams are cheap, for tests and benchmarks only.
var TestParams = Params{Memory: 1024, Time: 1, Threads: 1}

// HashPassword returns a PHC-format argon2id hash of pw.
func HashPassword(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p Params, salt, key []byte) string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether pw matches hash, in constant time. It is
// not bounded: servers answering anonymous requests use
// CheckPasswordContext, which is.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Params
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.Memory > 1<<22 || p.Time > 16 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so a login
// for an unknown user takes as long as one for a known user. Only checking
// against it must cost a real argon2id run; making it need not, so it is
// random bytes in the hash format (no password has that key), made on first
// use: computing a real hash at package initialisation cost every tongfa
// command about a second and 64 MiB.
var dummyHash = sync.OnceValue(func() string {
	salt, key := make([]byte, 16), make([]byte, 32)
	rand.Read(salt) //nolint:errcheck // crypto/rand does not fail on Linux
	rand.Read(key)  //nolint:errcheck
	return encodeHash(DefaultParams, salt, key)
})

// BurnPasswordCheck spends the time of one password check, unbounded.
//
// Deprecated: use BurnPasswordCheckContext, which waits its turn.
func BurnPasswordCheck(pw string) { CheckPassword(dummyHash(), pw) }

// ValidatePassword enforces the minimum strength for new passwords (R10:
// strict authentication): at least 10 characters of at least three kinds.
func ValidatePassword(pw string) error {
	if len([]rune(pw)) < 10 {
		return errors.New("密码至少 10 位")
	}
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			kinds++
		}
	}
	if kinds < 3 {
		return errors.New("密码须包含大写字母、小写字母、数字、符号中的至少三类")
	}
	return nil
}
