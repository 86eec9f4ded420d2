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
		detectPII(text, nil)
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

// genLeaders is a table of n leaders with three-character names, each
// holding a common title in protocol order, with one in ten having held
// another title before and one in fifty dismissed.
func genLeaders(n int) *Leaders {
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	given := []rune("建国华明伟军平志强文海燕丽红英晓东立新卫斌涛峰宏杰德永春秋")
	titles := []string{"副市长", "局长", "副局长", "主任", "副主任", "秘书长", "书记", "副书记", "处长", "院长"}
	l := &Leaders{}
	for i := range n {
		name := string([]rune{surnames[i%len(surnames)], given[(i/len(surnames))%len(given)], given[(i*7+3)%len(given)]})
		p := Leader{Name: name, Status: StatusServing,
			Terms: []Term{{Title: titles[i%len(titles)], From: MakeDate(2020, 1, 1+i%28), Order: i + 1}}}
		if i%10 == 0 {
			p.Terms = append(p.Terms, Term{Title: titles[(i+1)%len(titles)], From: MakeDate(2015, 1, 1), To: MakeDate(2020, 1, 1+i%28), Order: i + 1})
		}
		if i%50 == 49 {
			p.Status, p.Dismissed = StatusDismissed, MakeDate(2023, 3, 1)
			p.Terms[0].To = MakeDate(2023, 3, 1)
		}
		l.Persons = append(l.Persons, p)
	}
	return l
}

// leaderArticle is a 5,000-character article of notice text with a
// sentence naming leaders after every sentence of it: a leader with their
// title, two leaders in a list, a leader called 市长, a near name.
func leaderArticle(l *Leaders) string {
	var b []rune
	for i, s := range strings.SplitAfter(benchdata.Text(32<<10), "。") {
		if len(b) >= 5000 {
			break
		}
		p, q := l.Persons[(i*37)%len(l.Persons)], l.Persons[(i*53+11)%len(l.Persons)]
		var lead string
		switch i % 4 {
		case 0:
			lead = p.Terms[0].Title + p.Name + "出席会议。"
		case 1:
			lead = q.Name + "、" + p.Name + "等领导参加。"
		case 2:
			lead = p.Name + "市长强调，要抓好落实。"
		default:
			lead = "副市长" + q.Name[:3] + "立" + q.Name[6:] + "主持。"
		}
		b = append(append(b, []rune(s)...), []rune(lead)...)
	}
	return string(b[:5000])
}

// BenchmarkCheckWithLeaders is BenchmarkCheckArticle with a table of 500
// leaders: the names and titles are found in the same pass as the words.
func BenchmarkCheckWithLeaders(b *testing.B) {
	c := NewDefault()
	l := genLeaders(500)
	text := leaderArticle(l)
	opts := Options{Leaders: l, On: MakeDate(2025, 6, 1)}
	b.SetBytes(int64(len(text)))
	var rep Report
	for b.Loop() {
		rep = c.Check(context.Background(), text, opts)
	}
	leaders := 0
	for _, f := range rep.Findings {
		if f.Kind == KindLeader {
			leaders++
		}
	}
	b.ReportMetric(float64(leaders), "leader-findings")
}
