package sensitive

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// PII categories. Findings of the public ones are notices and never masked.
const (
	PIIIDCard      = "id_card"
	PIIIDCardOld   = "id_card_old"
	PIIMobile      = "mobile"
	PIIBankCard    = "bank_card"
	PIIEmail       = "email"
	PIIPassport    = "passport"
	PIIPlate       = "licence_plate"
	PIIName        = "name"
	PIIAddress     = "address"
	PIIIPv4        = "ipv4"
	PIIPublicPhone = "public_phone" // office landlines and hotlines: public in notices
	PIIPublicEmail = "public_email" // government mailboxes
)

// piiScan is one pass of the detectors over a text.
type piiScan struct {
	text string
	out  []Finding
	// contacts are the unit's own public numbers: notices, not masked.
	contacts *Contacts
	// taken marks the bytes already reported, so a number is one thing;
	// a bit set keeps the overlap test linear in the text however many
	// findings there are.
	taken []uint64
}

func detectPII(text string, contacts *Contacts) []Finding {
	p := &piiScan{text: text, contacts: contacts}
	p.names()
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c >= '0' && c <= '9', c == 0xEF && isFullDigitAt(text, i), c == '+' && i+1 < len(text) && isDigitAt(text, i+1):
			i = p.number(i)
		case c == '@':
			p.email(i)
			i++
		case c >= 'A' && c <= 'Z':
			i = p.letters(i)
		default:
			i++
		}
	}
	sort.Slice(p.out, func(i, j int) bool { return p.out[i].Start < p.out[j].Start })
	return p.out
}

// add records a finding unless it overlaps one already made.
func (p *piiScan) add(start, end int, category, level, rule, replacement string) {
	if p.taken == nil {
		p.taken = make([]uint64, len(p.text)/64+1)
	}
	for i := start; i < end; i++ {
		if p.taken[i>>6]&(1<<(i&63)) != 0 {
			return
		}
	}
	for i := start; i < end; i++ {
		p.taken[i>>6] |= 1 << (i & 63)
	}
	f := Finding{Kind: KindPII, Category: category, Level: level, Start: start, End: end,
		Text: p.text[start:end], Rule: rule, Replacement: replacement}
	if replacement != "" {
		f.Suggestion = "脱敏为「" + replacement + "」"
	}
	p.out = append(p.out, f)
}

// before returns up to n runes of text ending at byte i.
func before(text string, i, n int) string {
	j := i
	for k := 0; k < n && j > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(text[:j])
		j -= size
	}
	return text[j:i]
}

// after returns up to n runes of text starting at byte i.
func after(text string, i, n int) string {
	j := i
	for k := 0; k < n && j < len(text); k++ {
		_, size := utf8.DecodeRuneInString(text[j:])
		j += size
	}
	return text[i:j]
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// maskRunes keeps the first keep and last tail runes of s and stars the rest.
func maskRunes(s string, keep, tail int) string {
	rs := []rune(s)
	if keep+tail >= len(rs) {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:keep]) + strings.Repeat("*", len(rs)-keep-tail) + string(rs[len(rs)-tail:])
}
