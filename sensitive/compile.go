package sensitive

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"unicode"
	"unicode/utf8"
)

// compiled is one immutable generation of the checker: the dictionary's
// entries and the automaton over them.
type compiled struct {
	entries    []Entry
	m          *matcher
	generation uint64
}

// compile builds the automaton for d under norm. Entries whose normalized
// words coincide share one pattern; allowed phrases are patterns too.
func compile(d *Dictionary, norm Normalization) (*compiled, error) {
	c := &compiled{entries: d.Entries, m: &matcher{norm: norm}}
	n := len(d.Entries) + len(d.Allow)
	word := func(i int) string {
		if i < len(d.Entries) {
			return d.Entries[i].Word
		}
		return d.Allow[i-len(d.Entries)]
	}
	codes := alphabet(norm, n, word)
	c.m.codeTable(codes)
	keys, err := c.m.keys(n, word, codes)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(keys, func(a, b keyed) int { return slices.Compare(a.key, b.key) })
	unique := c.m.patterns(keys, len(d.Entries))
	c.m.build(unique)
	return c, nil
}

// keys encodes every word into one flat buffer of codes; whitespace inside
// a word is dropped, other symbols are kept (so 秘密★ needs its star).
func (m *matcher) keys(n int, word func(int) string, codes *codeMap) ([]keyed, error) {
	total := 0
	for i := range n {
		total += utf8.RuneCountInString(word(i))
	}
	flat := make([]int32, 0, total)
	keys := make([]keyed, n)
	for i := range n {
		start := len(flat)
		for _, r := range word(i) {
			if !unicode.IsSpace(r) {
				flat = append(flat, codes.get(m.norm.normalize(r)))
			}
		}
		k := flat[start:len(flat):len(flat)]
		if len(k) == 0 || len(k) > 0xFFFF {
			return nil, fmt.Errorf("sensitive: %q cannot be matched (empty or too long)", word(i))
		}
		keys[i] = keyed{key: k, pat: int32(i)}
	}
	return keys, nil
}

// patterns groups equal keys (sorted) into one pattern each, recording
// which entries it stands for and whether it is an allowed phrase; it
// returns one key per pattern, with pat set to the pattern index.
func (m *matcher) patterns(keys []keyed, nEntries int) []keyed {
	m.patEntries = make([]int32, 0, nEntries)
	var unique []keyed
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && slices.Equal(keys[i].key, keys[j].key) {
			j++
		}
		p := patternInfo{lo: int32(len(m.patEntries))}
		for _, k := range keys[i:j] {
			if int(k.pat) < nEntries {
				m.patEntries = append(m.patEntries, k.pat)
			} else {
				p.allow = true
			}
		}
		p.hi = int32(len(m.patEntries))
		unique = append(unique, keyed{key: keys[i].key, pat: int32(len(m.pats))})
		m.pats = append(m.pats, p)
		i = j
	}
	return unique
}

// words finds dictionary matches, drops those inside an allowed phrase and
// those contained in a longer match at least as severe. also, when not
// nil, walks the text in the same loop (a leaders table's automaton).
func (c *compiled) words(text string, also *walk) []Finding {
	fs, allows := c.raw(text, also)
	return dropContained(dropAllowed(fs, allows))
}

// raw finds every dictionary match, and the allowed phrases (in order of
// their ends), without resolving either.
func (c *compiled) raw(text string, also *walk) ([]Finding, []hit) {
	var hits, allows []hit
	c.m.scanWith(text, also, func(h hit) {
		p := c.m.pats[h.pat]
		if p.allow {
			allows = append(allows, h)
		}
		if p.hi > p.lo {
			hits = append(hits, h)
		}
	})
	out := make([]Finding, 0, len(hits))
	for _, h := range hits {
		p := c.m.pats[h.pat]
		e := c.strongest(c.m.patEntries[p.lo:p.hi])
		out = append(out, Finding{Kind: e.Kind(), Category: e.Category, Level: e.Level, Start: h.start, End: h.end,
			Text: text[h.start:h.end], Rule: e.Word, Suggestion: e.Suggestion, Replacement: e.Replacement()})
	}
	return out, allows
}

// dropAllowed removes the findings inside one of allows (ordered by end).
func dropAllowed(fs []Finding, allows []hit) []Finding {
	if len(allows) == 0 {
		return fs
	}
	allowed := allowedSpans(allows)
	out := fs[:0]
	for _, f := range fs {
		if !allowed(hit{start: f.Start, end: f.End}) {
			out = append(out, f)
		}
	}
	return out
}

// allowedSpans returns whether a hit lies inside one of allows, which the
// scan reports in order of their ends: the earliest start among the allows
// ending at or after the hit decides, found by binary search.
func allowedSpans(allows []hit) func(hit) bool {
	minStart := make([]int, len(allows)+1) // minStart[i]: least start in allows[i:]
	minStart[len(allows)] = math.MaxInt
	for i := len(allows) - 1; i >= 0; i-- {
		minStart[i] = min(minStart[i+1], allows[i].start)
	}
	return func(h hit) bool {
		i := sort.Search(len(allows), func(i int) bool { return allows[i].end >= h.end })
		return minStart[i] <= h.start
	}
}

// strongest picks, of the entries sharing a pattern, the most severe (the
// first with a suggestion among equals).
func (c *compiled) strongest(ids []int32) *Entry {
	best := &c.entries[ids[0]]
	for _, id := range ids[1:] {
		e := &c.entries[id]
		if levelRank[e.Level] > levelRank[best.Level] || levelRank[e.Level] == levelRank[best.Level] && best.Suggestion == "" && e.Suggestion != "" {
			best = e
		}
	}
	return best
}
