package sensitive

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode"
)

// Normalization selects the evasion defences. Each can be switched off;
// DefaultNormalization has all of them on.
type Normalization struct {
	FullWidth bool // ＡＢＣ１２３ → ABC123, U+3000 → space
	Fold      bool // case folding
	T2S       bool // traditional → simplified Chinese
	Digits    bool // ① ⑴ ⒈ ⓵ 🄁, 一/壹/陆, full-width digits → 0-9
	Enclosed  bool // Ⓐ ⓐ ⒜ 🄐 🄰 🅐 🅰 → the letter
	Noise     bool // skip up to MaxNoise spaces, punctuation, symbols, emoji inside a word
	// Repeats reads a Latin letter repeated inside a word once (faaalun
	// matches falun) where the word itself does not repeat it there, so
	// a word with a double letter still needs both.
	Repeats bool
}

// DefaultNormalization turns every defence on.
var DefaultNormalization = Normalization{FullWidth: true, Fold: true, T2S: true, Digits: true, Enclosed: true, Noise: true,
	Repeats: true}

// MaxNoise is how many noise characters in a row may separate two
// characters of a word.
const MaxNoise = 3

//go:embed data/t2s.txt
var t2sData string

// t2s maps traditional characters to simplified ones.
var t2s = loadT2S()

func loadT2S() map[rune]rune {
	m := make(map[rune]rune, 4200)
	sc := bufio.NewScanner(strings.NewReader(t2sData))
	for sc.Scan() {
		line := []rune(sc.Text())
		if len(line) == 2 && line[0] != '#' {
			m[line[0]] = line[1]
		}
	}
	return m
}

// digitOf maps digit variants onto ASCII digits: circled and parenthesized
// numbers, full-width digits and Chinese numerals (lower and financial
// forms). Only one-character variants map, so offsets stay one to one.
var digitOf = func() map[rune]rune {
	m := map[rune]rune{}
	for i, s := range []string{"〇零", "一壹", "二贰", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖"} {
		for _, r := range s {
			m[r] = rune('0' + i)
		}
	}
	for i := range 9 {
		d := rune('1' + i)
		for _, base := range []rune{'①', '⑴', '⒈', '❶', '➀', '➊', '㈠'} {
			m[base+rune(i)] = d
		}
	}
	for i := range 10 {
		m['０'+rune(i)] = rune('0' + i)
		m['🄁'+rune(i)] = rune('0' + i) // 0, 1, … (digit comma)
	}
	for i := range 9 {
		m['⓵'+rune(i)] = rune('1' + i) // double circled
	}
	for _, z := range "⓪⓿🄀🄋🄌" {
		m[z] = '0'
	}
	return m
}()

// enclosedLetters are the first runes of the runs of 26 enclosed Latin
// letters: parenthesized, circled, squared, negative circled and negative
// squared, small and capital.
var enclosedLetters = []struct{ first, letter rune }{
	{'⒜', 'a'}, {'Ⓐ', 'A'}, {'ⓐ', 'a'}, {'🄐', 'A'}, {'🄰', 'A'}, {'🅐', 'A'}, {'🅰', 'A'},
}

// enclosedLetter returns the plain letter of an enclosed one.
func enclosedLetter(r rune) (rune, bool) {
	if r < '⒜' || r > '🆉' || r > 'ⓩ' && r < '🄐' {
		return r, false
	}
	for _, e := range enclosedLetters {
		if r >= e.first && r < e.first+26 {
			return e.letter + r - e.first, true
		}
	}
	return r, false
}

// normalize returns what r matches as.
func (n Normalization) normalize(r rune) rune {
	if n.FullWidth {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
	}
	if n.T2S {
		if s, ok := t2s[r]; ok {
			r = s
		}
	}
	if n.Digits {
		if d, ok := digitOf[r]; ok {
			r = d
		}
	}
	if n.Enclosed {
		r, _ = enclosedLetter(r)
	}
	if n.Fold {
		r = unicode.ToLower(r)
	}
	return r
}

// isNoise reports whether r may be skipped inside a word: whitespace,
// punctuation, symbols, format characters (zero-width), marks, and emoji
// — never a letter, a digit or a Han character.
func isNoise(r rune) bool {
	switch {
	case r < 0x80:
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	case unicode.Is(unicode.Han, r), unicode.IsLetter(r), unicode.IsDigit(r):
		return false
	case r >= 0x2460 && r <= 0x24FF, r >= 0x2776 && r <= 0x2793, r >= 0x3220 && r <= 0x3243:
		return false // enclosed numerals and letters are digit and letter variants
	case r >= 0x1F100 && r <= 0x1F1FF:
		_, letter := enclosedLetter(r)
		_, digit := digitOf[r]
		return !letter && !digit // the rest of the block is emoji-like (🆗, flags)
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me) ||
		r >= 0x1F000 && r <= 0x1FAFF || r == 0xFE0F || r == 0x200D
}
