package sensitive

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongfa/tongfa/sensitive/benchdata"
)

func genDict(n int) *Dictionary {
	d := &Dictionary{Entries: make([]Entry, 0, n)}
	for i, w := range benchdata.Words(n) {
		d.Entries = append(d.Entries, Entry{Word: w, Category: "custom", Level: LevelReview, Source: fmt.Sprint("gen:", i)})
	}
	return d
}

// BenchmarkScan measures dictionary matching with every normalization on
// over 10 MB of Chinese text.
func BenchmarkScan(b *testing.B) {
	text := benchdata.Text(10 << 20)
	for _, n := range []int{1000, 10000, 100000} {
		c, err := New(DefaultNormalization, genDict(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			hits := 0
			for b.Loop() {
				c.Each(text, func(int, int) { hits++ })
			}
		})
	}
}

// BenchmarkBuild100k measures compiling 100,000 entries: time, bytes
// allocated per build, and the heap the finished checker keeps.
func BenchmarkBuild100k(b *testing.B) {
	d := genDict(100000)
	New(DefaultNormalization, d) // the per-normalization table is built once per process
	var c *Checker
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if c, err = New(DefaultNormalization, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	c = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, _ = New(DefaultNormalization, d)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "retained-MB")
	runtime.KeepAlive(c)
}

// piiText is notice text with personal data sprinkled in, about one item
// per 2 KB.
func piiText(size int) string {
	base := benchdata.Text(size)
	var b strings.Builder
	samples := []string{"当事人张三，身份证号410602199003071238，", "联系电话13812342345。", "咨询电话0392-3311234。",
		"住址黎阳路18号院3号楼2单元501室。", "邮箱zhangsan@163.com。", "鹤政办〔2022〕33号"}
	for i := 0; i < len(base); i += 2048 {
		end := min(i+2048, len(base))
		for end < len(base) && !utf8.RuneStart(base[end]) {
			end++
		}
		b.WriteString(base[i:end])
		b.WriteString(samples[(i/2048)%len(samples)])
		i = end - 2048
	}
	return b.String()
}

// BenchmarkPII measures personal-data detection alone over 10 MB.
func BenchmarkPII(b *testing.B) {
	text := piiText(10 << 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		detectPII(text)
	}
}

// BenchmarkCheckArticle is a whole check of a 5,000-character article with
// the shipped dictionaries and every normalization on.
func BenchmarkCheckArticle(b *testing.B) {
	c := NewDefault()
	text := string([]rune(piiText(64 << 10))[:5000])
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.Check(context.Background(), text, Options{})
	}
}
