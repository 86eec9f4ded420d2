package sensitive

import (
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// noiseBit marks a rune the scanner may skip; the low bits still carry its
// code when some pattern contains it (e.g. the ★ of 秘密★).
const noiseBit = 1 << 30

// matcher is an Aho–Corasick automaton stored as a double array over a
// dense alphabet of normalized runes. It is immutable once built and safe
// for concurrent use.
type matcher struct {
	norm       Normalization
	bmp        []int32        // rune → code|noiseBit for the Basic Multilingual Plane
	astral     map[rune]int32 // the same for the few other runes in patterns
	da         []daNode       // the states
	out        []int32        // pattern index + 1 ending at this state
	depth      []uint16       // pattern length in matched runes
	pats       []patternInfo  // by pattern index
	repeat     []bool         // by code: a Latin letter, which Repeats may read once
	patEntries []int32        // entry indices of all patterns, pattern by pattern
	ring       int            // size of the offset ring: a power of two ≥ max depth
}

// daNode holds everything the scan loop reads about a state, so a
// transition costs one cache line: the double-array pair (check = parent+1,
// 0 = free), the failure link, and emit, the nearest state on the failure
// chain (itself included) where a pattern ends, 0 for none.
type daNode struct{ base, check, fail, emit int32 }

// patternInfo locates a pattern's entries in patEntries[lo:hi] (empty for
// a phrase that is only allowed).
type patternInfo struct {
	lo, hi int32
	allow  bool
}

// hit is one raw match, in byte offsets of the original text.
type hit struct {
	pat        int32
	start, end int
}

// codeOf returns the scanner's view of r: its code (0 when no pattern has
// it) with noiseBit set when r may be skipped. An astral rune may
// normalize into the BMP (🅐 is a).
func (m *matcher) codeOf(r rune) int32 {
	if r < 0x10000 {
		return m.bmp[r]
	}
	var c int32
	if n := m.norm.normalize(r); n < 0x10000 {
		c = m.bmp[n] &^ noiseBit
	} else {
		c = m.astral[n]
	}
	if m.norm.Noise && isNoise(r) {
		c |= noiseBit
	}
	return c
}

// decode3 decodes a three-byte sequence at text[i:] that leads with E1–EC
// or EE–EF, which can be neither overlong nor a surrogate: Han, CJK
// punctuation, full-width forms. It is small enough to be inlined into the
// scan loop, where a call on every rune would push the loop's state out of
// registers; anything else (E0 and ED sequences too) takes the library
// path, so offsets stay exactly on Go's rune boundaries.
func decode3(text string, i int) (rune, bool) {
	if i+2 >= len(text) {
		return 0, false
	}
	b0, b1, b2 := text[i], text[i+1], text[i+2]
	r := rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F)
	return r, b0-0xE1 < 0x0F && b0 != 0xED && b1&0xC0 == 0x80 && b2&0xC0 == 0x80
}

// scan reports every pattern occurrence in text.
func (m *matcher) scan(text string, emit func(hit)) { m.scanWith(text, nil, emit) }

// scanWith reports every pattern occurrence in text and, when also is not
// nil, walks that second automaton (a leaders table's names and titles) in
// the same loop: each rune is decoded once and read by both.
//
// The dictionary's step is written out here, its state in locals: it is
// the hot loop, and stepping it through walk.feed cost 10–20 % of its
// speed, most runes taking a failure link. walk.feed is the same step for
// the second automaton, called out of line (walk.read) so that the loop
// keeps its registers when there is none; TestWalkAgrees and
// FuzzWalkAgrees hold the two steps to the same hits.
func (m *matcher) scanWith(text string, also *walk, emit func(hit)) {
	da, bmp := m.da, m.bmp[:0x10000]
	if len(da) == 0 {
		return
	}
	starts := make([]int, m.ring) // byte offsets of recent matched runes
	mask := int32(m.ring - 1)
	var s, kept, last int32 // last: the code of the last rune read
	gap := 0
text:
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			if r3, ok := decode3(text, i); ok {
				r, size = r3, 3
			} else {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
		}
		if also != nil && !also.idle(r) {
			also.read(r, i, i+size)
		}
		var c int32
		if r < 0x10000 {
			c = bmp[r]
		} else {
			c = m.codeOf(r)
		}
		i += size
		switch {
		case c&noiseBit != 0:
			c &^= noiseBit
			if t := da[s].base + c; c != 0 && uint(t) < uint(len(da)) && da[t].check == s+1 {
				s = t // the pattern itself contains this symbol
				break
			}
			if gap++; gap > MaxNoise {
				s = 0
			}
			continue
		case c == 0:
			s = 0
		default:
			for from := s; ; {
				if t := da[s].base + c; uint(t) < uint(len(da)) && da[t].check == s+1 {
					s = t
					break
				}
				if s == 0 {
					break
				}
				if c == last && s == from && m.repeat[c] {
					continue text // a letter repeated to break a word: read it once
				}
				s = da[s].fail
			}
		}
		gap, last = 0, c
		starts[kept&mask] = i - size
		kept++
		for o := da[s].emit; o != 0; o = da[da[o].fail].emit {
			emit(hit{pat: m.out[o] - 1, start: starts[(kept-int32(m.depth[o]))&mask], end: i})
		}
	}
}

// step is the goto function: the child of s on c, or 0.
func (m *matcher) step(s, c int32) int32 {
	if c == 0 {
		return 0
	}
	t := m.da[s].base + c
	if uint(t) < uint(len(m.da)) && m.da[t].check == s+1 {
		return t
	}
	return 0
}

// codeMap maps normalized runes to codes: a slice for the BMP, a map
// beyond it.
type codeMap struct {
	bmp    []int32
	astral map[rune]int32
	size   int // codes are 1..size-1
}

func (c *codeMap) get(r rune) int32 {
	if r < 0x10000 {
		return c.bmp[r]
	}
	return c.astral[r]
}

// alphabet assigns codes to the normalized runes of all patterns, the most
// frequent first, which keeps the double array dense.
func alphabet(norm Normalization, n int, word func(int) string) *codeMap {
	freq := make([]int32, 0x10000)
	astral := map[rune]int32{}
	var rs []rune
	for i := range n {
		for _, r := range word(i) {
			if unicode.IsSpace(r) {
				continue
			}
			r = norm.normalize(r)
			if r >= 0x10000 {
				if astral[r] == 0 {
					rs = append(rs, r)
				}
				astral[r]++
				continue
			}
			if freq[r] == 0 {
				rs = append(rs, r)
			}
			freq[r]++
		}
	}
	count := func(r rune) int32 {
		if r < 0x10000 {
			return freq[r]
		}
		return astral[r]
	}
	slices.SortFunc(rs, func(a, b rune) int {
		if d := count(b) - count(a); d != 0 {
			return int(d)
		}
		return int(a - b)
	})
	codes := &codeMap{bmp: freq, astral: astral, size: len(rs) + 1} // reuse the storage
	clear(codes.bmp)
	clear(codes.astral)
	for i, r := range rs {
		if r < 0x10000 {
			codes.bmp[r] = int32(i + 1)
		} else {
			codes.astral[r] = int32(i + 1)
		}
	}
	return codes
}

// codeTable precomputes codeOf for the whole BMP, so scanning costs one
// lookup per rune whatever normalizations are on.
func (m *matcher) codeTable(codes *codeMap) {
	nt := normTable(m.norm)
	m.bmp = make([]int32, 0x10000)
	for r, e := range nt {
		c := codes.get(e &^ normNoise)
		if e&normNoise != 0 {
			c |= noiseBit
		}
		m.bmp[r] = c
	}
	m.astral = codes.astral
	m.repeat = make([]bool, codes.size)
	if m.norm.Repeats {
		for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" {
			if c := codes.get(r); c != 0 {
				m.repeat[c] = true
			}
		}
	}
}

// normNoise flags a noise rune in a normalization table entry.
const normNoise = 1 << 30

var normTables sync.Map // Normalization → []rune

// normTable returns, for each BMP rune, what it normalizes to, with
// normNoise set when it may be skipped. Built once per normalization.
func normTable(n Normalization) []rune {
	if t, ok := normTables.Load(n); ok {
		return t.([]rune)
	}
	t := make([]rune, 0x10000)
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		t[r] = n.normalize(r)
		if n.Noise && isNoise(r) {
			t[r] |= normNoise
		}
	}
	normTables.Store(n, t)
	return t
}
