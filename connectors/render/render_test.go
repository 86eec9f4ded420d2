package render

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

const link = "https://www.example.gov.cn/art/2026/3/2/art_1.html"

func reprinted() tongfa.Content {
	at := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	return tongfa.Content{Title: "全省一季度经济运行情况发布", Summary: "一季度全省生产总值同比增长5.6%。",
		Body:     `<p>据省统计局消息，<a href="https://tjj.example.gov.cn/1">一季度</a>全省经济运行稳中向好。</p><p><img src="https://www.example.gov.cn/a.png"></p>`,
		Category: "news", Kind: tongfa.KindReprint,
		Source: &tongfa.Source{Unit: "省统计局", Author: "张三", Title: "一季度经济数据", URL: "https://tjj.example.gov.cn/1", ReprintedAt: &at}}
}

var platforms = []tongfa.Platform{tongfa.PlatformWeChat, tongfa.PlatformWeibo, tongfa.PlatformApp, tongfa.PlatformWebsite, tongfa.PlatformDouyin}

// TestReprintAttributionOnEveryChannel: R4 — source unit, original author,
// original title and reprint time are shown on every channel, in the text
// the reader sees.
func TestReprintAttributionOnEveryChannel(t *testing.T) {
	want := []string{"来源：省统计局", "原作者：张三", "原标题：《一季度经济数据》", "转载时间：2026年3月2日 09:30"}
	for _, p := range platforms {
		out, err := For(p, 7, reprinted(), link, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, w := range want {
			if !strings.Contains(out.HTML+out.Text, w) {
				t.Errorf("%s does not show %q: %+v", p, w, out)
			}
		}
		if out.Reprint == nil || out.Reprint.Unit != "省统计局" {
			t.Errorf("%s: structured reprint %+v", p, out.Reprint)
		}
	}
}

func TestOriginalWorkHasNoAttribution(t *testing.T) {
	c := reprinted()
	c.Kind, c.Source = tongfa.KindOriginal, nil
	for _, p := range platforms {
		out, _ := For(p, 7, c, link, nil)
		if out.Attribution != "" || out.Reprint != nil || strings.Contains(out.HTML+out.Text, "来源：") {
			t.Errorf("%s: original work got attribution: %+v", p, out)
		}
	}
}

func TestPerPlatform(t *testing.T) {
	long := reprinted()
	long.Title, long.Summary = strings.Repeat("长", 70), strings.Repeat("摘", 300)
	settings := map[string]string{"author": "示范市发布", "deep_link_pattern": "gov://news/{id}", "column_news": "xwdt"}
	cases := []struct {
		name     string
		platform tongfa.Platform
		content  tongfa.Content
		check    func(t *testing.T, p connectors.Payload)
	}{
		{"wechat limits", tongfa.PlatformWeChat, long, func(t *testing.T, p connectors.Payload) {
			if utf8.RuneCountInString(p.Title) != WeChatTitle || !strings.HasSuffix(p.Title, "…") {
				t.Errorf("title %d characters", utf8.RuneCountInString(p.Title))
			}
			if utf8.RuneCountInString(p.Digest) != WeChatDigest || p.Link != link || p.Author != "张三" {
				t.Errorf("digest %d, link %q, author %q", utf8.RuneCountInString(p.Digest), p.Link, p.Author)
			}
		}},
		{"wechat keeps only its tags", tongfa.PlatformWeChat, reprinted(), func(t *testing.T, p connectors.Payload) {
			if strings.Contains(p.HTML, "<a ") || !strings.Contains(p.HTML, "一季度</") && !strings.Contains(p.HTML, "一季度全省") {
				t.Errorf("links must go, their text stay: %s", p.HTML)
			}
			if !strings.Contains(p.HTML, `<img src="https://www.example.gov.cn/a.png"`) {
				t.Errorf("images stay for re-hosting: %s", p.HTML)
			}
		}},
		{"weibo fits 140", tongfa.PlatformWeibo, long, func(t *testing.T, p connectors.Payload) {
			if WeiboLen(p.Text) > WeiboLength || !strings.HasPrefix(p.Text, "【长") || !strings.HasSuffix(p.Text, " "+link) {
				t.Errorf("text (%d): %q", WeiboLen(p.Text), p.Text)
			}
		}},
		{"weibo short text untouched", tongfa.PlatformWeibo, reprinted(), func(t *testing.T, p connectors.Payload) {
			if !strings.Contains(p.Text, "一季度全省生产总值同比增长5.6%。") || strings.Contains(p.Text, "…") {
				t.Errorf("text %q", p.Text)
			}
		}},
		{"app", tongfa.PlatformApp, reprinted(), func(t *testing.T, p connectors.Payload) {
			if p.DeepLink != "gov://news/42" || p.Link != link || p.Digest == "" || !strings.Contains(p.HTML, "<a href") {
				t.Errorf("app %+v", p)
			}
		}},
		{"website", tongfa.PlatformWebsite, reprinted(), func(t *testing.T, p connectors.Payload) {
			if p.Column != "xwdt" || !strings.Contains(p.HTML, "<a href") || p.Digest == "" {
				t.Errorf("website %+v", p)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := For(tc.platform, 42, tc.content, link, settings)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, out)
		})
	}
}

// TestWeiboKeepsAttributionUnderPressure: when even the title does not
// fit, the original title gives way, never the source, author or time.
func TestWeiboKeepsAttributionUnderPressure(t *testing.T) {
	c := reprinted()
	c.Title, c.Summary, c.Source.Title = strings.Repeat("题", 80), strings.Repeat("摘", 80), strings.Repeat("原", 80)
	out, err := For(tongfa.PlatformWeibo, 1, c, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	if WeiboLen(out.Text) > WeiboLength {
		t.Fatalf("%d characters: %q", WeiboLen(out.Text), out.Text)
	}
	for _, w := range []string{"来源：省统计局", "原作者：张三", "原标题：《原", "转载时间：2026年3月2日 09:30", link} {
		if !strings.Contains(out.Text, w) {
			t.Errorf("lost %q: %q", w, out.Text)
		}
	}
}

func TestWeiboWithoutLinkIsRefused(t *testing.T) {
	if _, err := For(tongfa.PlatformWeibo, 1, reprinted(), "", nil); err == nil {
		t.Fatal("Weibo without a link must be refused")
	}
}

func TestWeiboLen(t *testing.T) {
	cases := map[string]int{"政务": 2, "ab": 1, "abc": 2, "政务 " + link: 3 + 12, "": 0}
	for s, want := range cases {
		if got := WeiboLen(s); got != want {
			t.Errorf("WeiboLen(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncateOnRuneBoundary(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"政务新媒体", 3, "政务…"},
		{"政务新媒体", 5, "政务新媒体"},
		{"a政b务", 3, "a政…"},
		{"😀😀😀", 2, "😀…"},
		{"政务", 0, ""},
	}
	for _, c := range cases {
		got := Truncate(c.in, c.n)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestPayloadHash(t *testing.T) {
	a, _ := For(tongfa.PlatformApp, 1, reprinted(), link, nil)
	b, _ := For(tongfa.PlatformApp, 1, reprinted(), link, nil)
	at := b.Reprint.ReprintedAt.In(china).Add(300 * time.Millisecond)
	b.Reprint.ReprintedAt = &at
	if a.Hash() != b.Hash() || len(a.Hash()) != 64 {
		t.Fatal("equal payloads hash differently")
	}
	b.Title += "！"
	if a.Hash() == b.Hash() {
		t.Fatal("a changed title keeps the hash")
	}
}

func BenchmarkRenderAll(b *testing.B) {
	c := reprinted()
	for b.Loop() {
		for _, p := range platforms {
			For(p, 1, c, link, nil) //nolint:errcheck
		}
	}
}
