package sensitive

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"当事人张三，身份证号410602199003071238，手机13812342345。",
	"代 开-发*票 加😀微😀信 秘密★ 打击赌博",
	"住址：淇滨区黎阳路18号院3号楼2单元501室，车牌豫F12345",
	"+86 138 1234 2345 6222 0212 3456 7890 128 a@b.cn 1.2.3.4",
	"\xff\xfe 410602********1238 ４１０６０２１９９００３０７１２３８",
	"ⓕⓐⓐⓛⓤⓝ ffaallunn 🅥🅟🅝 ⒍合彩 gooogle",
	"市委副书记、市长李振华，市委书记张建国出席；孙丽市长、副市长孙力、原副市长吴刚、副市长、市公安局局长何建平",
	"李振华、张建国和王海燕等领导出席，市 长 孫 麗，在孙丽、刘明的陪同下",
}

// FuzzCheck: every finding, leader findings included (judged against the
// test table on a day between 2018 and 2026 that the text picks), lies on
// rune boundaries of the input and quotes it exactly, and a leader
// finding always says something.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	c, l := NewDefault(), testLeaders(f)
	f.Fuzz(func(t *testing.T, text string) {
		days := 0
		for i := range len(text) {
			days = (days*31 + int(text[i])) % 3000
		}
		rep := c.Check(context.Background(), text, Options{Leaders: l, On: MakeDate(2018, 1, 1+days)})
		bounds := boundaries(text)
		for _, fd := range rep.Findings {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("finding %+v outside the input (len %d)", fd, len(text))
			}
			if !bounds[fd.Start] || !bounds[fd.End] {
				t.Fatalf("finding %+v not on rune boundaries", fd)
			}
			if text[fd.Start:fd.End] != fd.Text {
				t.Fatalf("finding text %q, input has %q", fd.Text, text[fd.Start:fd.End])
			}
			if fd.Kind == KindLeader && (fd.Suggestion == "" || fd.Replacement == fd.Text) {
				t.Fatalf("leader finding %+v suggests nothing or replaces the text by itself", fd)
			}
		}
	})
}

// FuzzWalkAgrees: the dictionary's inline step and walk.feed (the step of
// a leaders table's automaton) find the same hits.
func FuzzWalkAgrees(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	cp, err := compile(dictOf(f, testDict+"falun\tcustom\tblock\ngoogle\tcustom\treview\naa\tcustom\tnotice\n"), DefaultNormalization)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) { agree(t, cp.m, text) })
}

// boundaries are the offsets between decoded runes (an invalid byte
// decodes as one rune of width 1, as everywhere in Go).
func boundaries(s string) map[int]bool {
	b := map[int]bool{0: true, len(s): true}
	for i := 0; i < len(s); {
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
		b[i] = true
	}
	return b
}

// FuzzMask: masking only ever turns digits into stars, so it can never
// create a resident ID that was not in the input.
func FuzzMask(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	c := NewDefault()
	f.Fuzz(func(t *testing.T, text string) {
		masked := c.Mask(text)
		if countDigits(masked) > countDigits(text) {
			t.Fatalf("masking added digits: %q → %q", text, masked)
		}
		for _, fd := range detectPII(masked, nil) {
			if fd.Category == PIIIDCard && !strings.Contains(text, fd.Text) {
				t.Fatalf("masking produced a new valid ID %q from %q", fd.Text, text)
			}
		}
	})
}
