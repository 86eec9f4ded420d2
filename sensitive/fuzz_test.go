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
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	c := NewDefault()
	f.Fuzz(func(t *testing.T, text string) {
		rep := c.Check(context.Background(), text, Options{})
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
		}
	})
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
		for _, fd := range detectPII(masked) {
			if fd.Category == PIIIDCard && !strings.Contains(text, fd.Text) {
				t.Fatalf("masking produced a new valid ID %q from %q", fd.Text, text)
			}
		}
	})
}
