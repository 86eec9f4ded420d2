package sensitive

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongfa/tongfa/sensitive/benchdata"
)

func dictOf(t testing.TB, src string) *Dictionary {
	t.Helper()
	d := &Dictionary{}
	if err := d.Parse("test.tsv", strings.NewReader(src)); err != nil {
		t.Fatal(err)
	}
	return d
}

const testDict = "代开发票\tad\tblock\n加微信\tad\tblock\n赌博\tcustom\treview\n!打击赌博\n秘密★\tsecret\tblock\n" +
	"国家工商行政管理总局\texpression\treview\t国家市场监督管理总局\n发票\tcustom\tnotice\n六合彩\tcustom\tblock\nvpn\tcustom\treview\n"

func TestMatcher(t *testing.T) {
	c, err := New(DefaultNormalization, dictOf(t, testDict))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text string
		want       []string // rule:original text
	}{
		{"plain", "本店代开发票，欢迎咨询", []string{"代开发票:代开发票"}},
		{"noise between", "代 开-发*票", []string{"代开发票:代 开-发*票"}},
		{"zero width", "代\u200b开\u200b发\u200b票", []string{"代开发票:代\u200b开\u200b发\u200b票"}},
		{"emoji", "加😀微😀信", []string{"加微信:加😀微😀信"}},
		{"too much noise", "代    开发票", []string{"发票:发票"}},
		{"han between", "代理开具发票", []string{"发票:发票"}},
		{"letter between", "加强微信公众号建设", nil},
		{"full width and case", "翻墙ＶＰＮ", []string{"vpn:ＶＰＮ"}},
		{"traditional", "代開發票", []string{"代开发票:代開發票"}},
		{"digits", "陸合彩 ⑥合彩 ６合彩", []string{"六合彩:陸合彩", "六合彩:⑥合彩", "六合彩:６合彩"}},
		{"allowed phrase", "严厉打击赌博违法犯罪", nil},
		{"allowed elsewhere", "打击赌博，不要赌博", []string{"赌博:赌博"}},
		{"symbol in word", "秘密★1年", []string{"秘密★:秘密★"}},
		{"symbol with noise", "秘密 ★", []string{"秘密★:秘密 ★"}},
		{"no symbol", "保守秘密", nil},
		{"expression", "原国家工商行政管理总局", []string{"国家工商行政管理总局:国家工商行政管理总局"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := c.Check(context.Background(), tc.text, Options{})
			var got []string
			for _, f := range rep.Findings {
				if f.Kind == "pii" {
					continue
				}
				got = append(got, f.Rule+":"+f.Text)
				if tc.text[f.Start:f.End] != f.Text {
					t.Errorf("offsets %d-%d give %q, text %q", f.Start, f.End, tc.text[f.Start:f.End], f.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// agree reports whether m finds the same hits in text as the dictionary
// automaton (scanWith's own step) and as a second automaton stepped
// beside it (walk.feed), which is how a leaders table is walked.
func agree(t testing.TB, m *matcher, text string) {
	t.Helper()
	var inline, walked []hit
	m.scanWith(text, nil, func(h hit) { inline = append(inline, h) })
	m.scanWith(text, m.walk(func(h hit) { walked = append(walked, h) }), func(hit) {})
	if !slices.Equal(inline, walked) {
		t.Fatalf("%q: the dictionary's step found %v, the walk %v", text, inline, walked)
	}
}

func TestWalkAgrees(t *testing.T) {
	dicts := map[string]*Dictionary{
		"test":    dictOf(t, testDict+"falun\tcustom\tblock\ngoogle\tcustom\treview\n"),
		"shipped": DefaultDictionary(),
		"1000":    genDict(1000),
	}
	texts := []string{benchdata.Text(64 << 10), piiText(16 << 10), "faaalun ffaallunn gooogle Ⓕⓐⓛⓤⓝ 🅕🅐🅛🅤🅝 代 开-发*票 秘密 ★"}
	for _, s := range fuzzSeeds {
		texts = append(texts, s)
	}
	for name, d := range dicts {
		cp, err := compile(d, DefaultNormalization)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			for _, text := range texts {
				agree(t, cp.m, text)
			}
		})
	}
}

// TestDecode3 tries every three-byte sequence with a three-byte lead:
// whatever decode3 accepts, the library decodes the same way, and it
// accepts every Han character.
func TestDecode3(t *testing.T) {
	b := []byte{0, 0, 0}
	for b0 := 0xE0; b0 <= 0xEF; b0++ {
		for b1 := range 256 {
			for b2 := range 256 {
				b[0], b[1], b[2] = byte(b0), byte(b1), byte(b2)
				r, ok := decode3(string(b), 0)
				if want, n := utf8.DecodeRuneInString(string(b)); ok && (n != 3 || r != want) {
					t.Fatalf("% x: decode3 %U, library %U (%d bytes)", b, r, want, n)
				}
			}
		}
	}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if got, ok := decode3(string(r), 0); !ok || got != r {
			t.Fatalf("%U not decoded", r)
		}
	}
	if _, ok := decode3("中"[:2], 0); ok {
		t.Fatal("a cut sequence decoded")
	}
}
