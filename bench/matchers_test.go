package bench

import (
	"fmt"
	"runtime"
	"testing"

	bobu "github.com/BobuSumisu/aho-corasick"
	anknown "github.com/anknown/ahocorasick"
	petar "github.com/petar-dambovaliev/aho-corasick"

	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/sensitive/benchdata"
)

var sizes = []int{1000, 10000, 100000}

var text = benchdata.Text(10 << 20)

func dict(words []string) *sensitive.Dictionary {
	d := &sensitive.Dictionary{}
	for _, w := range words {
		d.Entries = append(d.Entries, sensitive.Entry{Word: w, Category: "custom", Level: sensitive.LevelReview})
	}
	return d
}

// matchers builds every contender for one dictionary; each returns the
// number of occurrences it found.
func matchers(b *testing.B, words []string) map[string]func() int {
	all, err := sensitive.New(sensitive.DefaultNormalization, dict(words))
	if err != nil {
		b.Fatal(err)
	}
	none, err := sensitive.New(sensitive.Normalization{}, dict(words))
	if err != nil {
		b.Fatal(err)
	}
	runes := make([][]rune, len(words))
	for i, w := range words {
		runes[i] = []rune(w)
	}
	ank := new(anknown.Machine)
	if err := ank.Build(runes); err != nil {
		b.Fatal(err)
	}
	textRunes := []rune(text) // converted once, outside the timing, in its favour
	bob := bobu.NewTrieBuilder().AddStrings(words).Build()
	pb := petar.NewAhoCorasickBuilder(petar.Opts{MatchKind: petar.StandardMatch, DFA: true})
	dfa := pb.Build(words)
	count := func(fn func(func(int, int))) int {
		n := 0
		fn(func(int, int) { n++ })
		return n
	}
	return map[string]func() int{
		"tongfa-all-normalization": func() int { return count(func(f func(int, int)) { all.Each(text, f) }) },
		"tongfa-no-normalization":  func() int { return count(func(f func(int, int)) { none.Each(text, f) }) },
		"anknown-doublearray":      func() int { return len(ank.MultiPatternSearch(textRunes, false)) },
		"bobusumisu":               func() int { return len(bob.MatchString(text)) },
		"petar-dfa": func() int {
			n := 0
			for it := dfa.IterOverlapping(text); it.Next() != nil; {
				n++
			}
			return n
		},
	}
}

// BenchmarkMatchers runs every contender on the same 10 MB of Chinese text
// with 1,000, 10,000 and 100,000 entries.
func BenchmarkMatchers(b *testing.B) {
	for _, n := range sizes {
		ms := matchers(b, benchdata.Words(n))
		for _, name := range []string{"tongfa-all-normalization", "tongfa-no-normalization", "anknown-doublearray", "bobusumisu", "petar-dfa"} {
			runtime.GC() // start each contender with the others' garbage collected
			b.Run(fmt.Sprintf("entries=%d/%s", n, name), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				var found int
				for b.Loop() {
					found = ms[name]()
				}
				b.ReportMetric(float64(found), "matches")
			})
		}
	}
}
