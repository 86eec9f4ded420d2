package tongfa

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored and shown as text: valid
// UTF-8 without NUL (PostgreSQL refuses NUL in text and jsonb).
func ValidText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// CleanText makes s valid text, replacing a NUL or bytes that are not
// UTF-8 with U+FFFD: for what platforms send, which is stored, not refused.
func CleanText(s string) string {
	if ValidText(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
