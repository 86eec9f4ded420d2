package sensitive

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"weak"
)

// leaderIndex is a leaders table compiled for one normalization: one
// automaton over every name, former name and title, walked in the same
// loop as the dictionary, and what each pattern stands for.
type leaderIndex struct {
	persons []Leader   // the table's (the index must not keep the *Leaders alive)
	terms   [][]string // by person, by term: the canonical title
	norm    Normalization
	m       *matcher
	refs    []leaderRef // by entry of m
	// holders lists, by canonical title, the persons with a term that
	// accepts it: the candidates for a near name next to that title.
	holders map[string][]int32
	names   [][]rune // by person: the canonical current name
	// near finds the persons whose current name is a given run of runes
	// but for the one at a masked position (-1): the names one character
	// off a run of text, by a few look-ups.
	near    map[nearKey][]int32
	lengths []int           // the lengths of the names in near, ascending
	table   []rune          // normTable(norm): what each BMP rune reads as
	common  map[string]bool // the common titles, canonical
}

// nearKey is a name of up to maxNear runes with one position masked.
type nearKey struct {
	n int
	r [maxNear]rune
}

const maxNear = 8

// leaderRef is what one entry of the automaton is: a person's name or a
// title.
type leaderRef struct {
	person int32  // index in persons; -1 for a title
	title  string // canonical title
}

// leaderIndex returns l compiled, once per *Leaders while it lives.
func (c *Checker) leaderIndex(l *Leaders) (*leaderIndex, error) {
	return weakCached(&c.leaders, l, func() (*leaderIndex, error) { return compileLeaders(l, c.norm) })
}

// weakCached returns what build makes of k, once per *K while it lives:
// the cache holds k weakly and forgets it when k is collected.
func weakCached[K, V any](cache *sync.Map, k *K, build func() (V, error)) (V, error) {
	key := weak.Make(k)
	if v, ok := cache.Load(key); ok {
		return v.(V), nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	if old, loaded := cache.LoadOrStore(key, v); loaded {
		return old.(V), nil
	}
	runtime.AddCleanup(k, func(k weak.Pointer[K]) { cache.Delete(k) }, key)
	return v, nil
}

// compileLeaders builds the automaton over l's names and the titles (the
// common ones and the table's own).
func compileLeaders(l *Leaders, norm Normalization) (*leaderIndex, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	ix := &leaderIndex{persons: l.Persons, norm: norm, holders: map[string][]int32{}, common: map[string]bool{},
		near: map[nearKey][]int32{}, table: normTable(norm)}
	d := &Dictionary{}
	add := func(word string, ref leaderRef) {
		d.Entries = append(d.Entries, Entry{Word: word, Category: CategoryCustom, Level: LevelReview})
		ix.refs = append(ix.refs, ref)
	}
	titles := map[string]bool{}
	for _, t := range commonTitles {
		titles[ix.canon(t)] = true
		ix.common[ix.canon(t)] = true
	}
	ix.terms = make([][]string, len(l.Persons))
	ix.names = make([][]rune, len(l.Persons))
	for i, p := range l.Persons {
		ix.names[i] = []rune(ix.canon(p.Name))
		ix.indexNear(int32(i))
		for _, n := range append([]string{p.Name}, p.FormerNames...) {
			add(n, leaderRef{person: int32(i)})
		}
		for _, t := range p.Terms {
			ct := ix.canon(t.Title)
			ix.terms[i] = append(ix.terms[i], ct)
			titles[ct] = true
		}
	}
	for t := range titles {
		add(t, leaderRef{person: -1, title: t})
	}
	ix.findHolders(titles)
	cp, err := compile(d, norm)
	if err != nil {
		return nil, err
	}
	ix.m = cp.m
	return ix, nil
}

// indexNear files the current name of persons[i] under each of its
// positions masked.
func (ix *leaderIndex) indexNear(i int32) {
	name := ix.names[i]
	if len(name) > maxNear {
		return
	}
	if !slices.Contains(ix.lengths, len(name)) {
		ix.lengths = append(ix.lengths, len(name))
		slices.Sort(ix.lengths)
	}
	for j := range name {
		k := nearKey{n: len(name)}
		copy(k.r[:], name)
		k.r[j] = -1
		ix.near[k] = append(ix.near[k], i)
	}
}

// findHolders fills holders: a person holding H is a candidate next to a
// title T when accepts(H, T), and then one is a suffix of the other.
func (ix *leaderIndex) findHolders(titles map[string]bool) {
	for i, terms := range ix.terms {
		seen := map[string]bool{}
		for _, h := range terms {
			for t := range titles {
				if !seen[t] && (strings.HasSuffix(h, t) || strings.HasSuffix(t, h)) && accepts(h, t) {
					seen[t] = true
					ix.holders[t] = append(ix.holders[t], int32(i))
				}
			}
		}
	}
}

// shortTitle is how a title reads after a name: the longest common title
// it may be called by (高峰主任 for 市发展和改革委员会主任), or itself.
func (ix *leaderIndex) shortTitle(title string) string {
	c := ix.canon(title)
	if ix.common[c] {
		return title
	}
	for i := range c {
		if i > 0 && ix.common[c[i:]] && accepts(c, c[i:]) {
			return c[i:]
		}
	}
	return title
}

// read is what r reads as, normalized (by table in the BMP).
func (ix *leaderIndex) read(r rune) rune {
	if r < 0x10000 {
		return ix.table[r] &^ normNoise
	}
	return ix.norm.normalize(r)
}

// canon is s as the automaton reads it: normalized, without spaces.
func (ix *leaderIndex) canon(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(ix.norm.normalize(r))
		}
	}
	return b.String()
}

// ref returns what a hit of pattern pat is (a name wins over a title
// written the same way, which a valid table hardly has).
func (ix *leaderIndex) ref(pat int32) leaderRef {
	p := ix.m.pats[pat]
	best := ix.refs[ix.m.patEntries[p.lo]]
	for _, e := range ix.m.patEntries[p.lo+1 : p.hi] {
		if r := ix.refs[e]; best.person < 0 && r.person >= 0 {
			best = r
		}
	}
	return best
}
