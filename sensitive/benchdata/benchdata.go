// Package benchdata generates the benchmark inputs of the checker from two
// public government documents (鹤壁市 and 弥勒市 regulations), so the same
// 10 MB of text and the same dictionaries are used by the package's own
// benchmarks and by the comparison with other matchers in bench/.
package benchdata

import (
	_ "embed"
	"math/rand/v2"
	"strings"
	"sync"
)

//go:embed notice_hebi.txt
var hebi string

//go:embed notice_mile.txt
var mile string

var corpus = sync.OnceValues(func() ([]string, []rune) {
	var sentences []string
	var chars []rune
	for _, doc := range []string{hebi, mile} {
		for _, s := range strings.FieldsFunc(doc, func(r rune) bool { return r == '。' || r == '\n' }) {
			if s = strings.TrimSpace(s); len(s) > 6 {
				sentences = append(sentences, s+"。")
			}
		}
		for _, r := range doc {
			if r >= 0x4E00 && r <= 0x9FFF {
				chars = append(chars, r) // with repetition: the documents' own frequencies
			}
		}
	}
	return sentences, chars
})

// Text returns about size bytes of government-notice text: the documents'
// sentences in a fixed pseudo-random order.
func Text(size int) string {
	sentences, _ := corpus()
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.Grow(size + 1024)
	for b.Len() < size {
		b.WriteString(sentences[rng.IntN(len(sentences))])
	}
	return b.String()
}

// Words returns n distinct words of 2–5 characters drawn from the
// documents' character frequencies, so partial matches are frequent — the
// hard case for a matcher.
func Words(n int) []string {
	_, chars := corpus()
	rng := rand.New(rand.NewPCG(3, uint64(n)))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		w := make([]rune, 2+rng.IntN(4))
		for i := range w {
			w[i] = chars[rng.IntN(len(chars))]
		}
		if s := string(w); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
