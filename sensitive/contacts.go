package sensitive

import (
	"bufio"
	"fmt"
	"strings"
	"unicode/utf8"
)

// PIIUnitContact is the category of a number on the unit's list of its
// own public contact numbers: a notice, never masked.
const PIIUnitContact = "unit_contact"

// RuleUnitContact is the rule of such a finding.
const RuleUnitContact = "本单位公开联系电话"

// MaxContacts bounds one unit's list.
const MaxContacts = 500

// Contact is one listed number as written, with what it is for.
type Contact struct {
	Number string `json:"number"`
	Label  string `json:"label"`
}

// Contacts is the list of an office's own public contact numbers (a
// staff mobile given to the public, a duty line): in that office's
// content they are reported as notices and left as written. The zero
// value and nil list nothing.
type Contacts struct {
	List []Contact
	keys map[string]bool
}

// ParseContacts reads a list: one number a line, optionally followed by
// a tab (or spaces) and a label; `#` comments and blank lines. A line
// whose number is not a telephone number is a ParseError naming it.
func ParseContacts(source, content string) (*Contacts, error) {
	c := &Contacts{List: []Contact{}, keys: map[string]bool{}}
	sc := bufio.NewScanner(strings.NewReader(content))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		number, label := splitContact(line)
		d, ok := contactDigits(number)
		if !ok {
			return nil, &ParseError{Source: source, Line: n, Msg: fmt.Sprintf("「%s」不是电话号码（手机号码、带区号的固定电话或服务热线）", number)}
		}
		if utf8.RuneCountInString(label) > 100 {
			return nil, &ParseError{Source: source, Line: n, Msg: "说明不能超过 100 字"}
		}
		if c.keys[d] {
			continue
		}
		if len(c.List) == MaxContacts {
			return nil, &ParseError{Source: source, Line: n, Msg: fmt.Sprintf("最多 %d 个号码", MaxContacts)}
		}
		c.add(Contact{Number: number, Label: label}, d)
	}
	return c, sc.Err()
}

func (c *Contacts) add(ct Contact, d string) {
	c.List = append(c.List, ct)
	c.keys[d] = true
}

// splitContact splits a line into the number (digits, separators, a
// leading + and brackets around an area code) and the rest, its label.
func splitContact(line string) (number, label string) {
	i := strings.IndexFunc(line, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= '０' && r <= '９' || strings.ContainsRune("+-－ ()（）", r))
	})
	if i < 0 {
		return strings.TrimSpace(line), ""
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i:])
}

// contactDigits returns the key of a written number: its ASCII digits, a
// mobile's country code dropped; ok is false for what is no telephone
// number (a mobile, a landline with its area code, a local number of 7
// or 8 digits, a hotline, a 400/800 number).
func contactDigits(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if d, n := digitAt(s, i); n > 0 {
			b.WriteByte(d)
			i += n
			continue
		}
		i++
	}
	d := b.String()
	switch {
	case d == "":
		return "", false
	case isMobile(d, strings.HasPrefix(s, "+")):
		return d[len(d)-11:], true
	case hotlines[d], len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		return d, true
	case d[0] == '0' && len(d) >= 10 && len(d) <= 12 && d[1] != '0':
		return d, true
	case d[0] != '0' && len(d) >= 7 && len(d) <= 8:
		return d, true
	}
	return "", false
}

// has reports whether the digits of a number found in a text are listed:
// a mobile with or without its country code, a landline with its area
// code or, written without one, its local part.
func (c *Contacts) has(d string, plus bool) bool {
	if c == nil || len(c.keys) == 0 {
		return false
	}
	if isMobile(d, plus) {
		return c.keys[d[len(d)-11:]]
	}
	if c.keys[d] {
		return true
	}
	if d[0] != '0' && len(d) >= 7 && len(d) <= 8 {
		for k := range c.keys {
			if k[0] == '0' && strings.HasSuffix(k, d) && len(k)-len(d) >= 3 && len(k)-len(d) <= 4 {
				return true
			}
		}
	}
	return false
}

// Len is how many numbers are listed.
func (c *Contacts) Len() int {
	if c == nil {
		return 0
	}
	return len(c.List)
}

// MergeContacts lists every number of cs once (the first label wins);
// nil ones are skipped.
func MergeContacts(cs ...*Contacts) *Contacts {
	out := &Contacts{List: []Contact{}, keys: map[string]bool{}}
	for _, c := range cs {
		if c == nil {
			continue
		}
		for _, ct := range c.List {
			if d, ok := contactDigits(ct.Number); ok && !out.keys[d] {
				out.add(ct, d)
			}
		}
	}
	return out
}
