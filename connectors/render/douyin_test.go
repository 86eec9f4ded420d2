package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
)

func TestDouyin(t *testing.T) {
	long := reprinted()
	long.Title, long.Summary, long.Source.Title = strings.Repeat("题", 600), strings.Repeat("摘", 900), strings.Repeat("原", 600)
	noImages := reprinted()
	noImages.Body = "<p>只有文字</p>"
	coverOnly := noImages
	coverOnly.Cover = "https://www.example.gov.cn/cover.png"
	many := reprinted()
	many.Body = strings.Repeat(`<p><img src="https://www.example.gov.cn/a.png?x=1&amp;y=2"></p>`, DouyinImages+1)
	cases := []struct {
		name    string
		content tongfa.Content
		images  []string
		wantErr string
	}{
		{"body images", reprinted(), []string{"https://www.example.gov.cn/a.png"}, ""},
		{"long text keeps the attribution", long, []string{"https://www.example.gov.cn/a.png"}, ""},
		{"cover alone", coverOnly, []string{"https://www.example.gov.cn/cover.png"}, ""},
		{"nothing to show", noImages, nil, "没有图片"},
		{"too many images", many, nil, "最多 30 张"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := For(tongfa.PlatformDouyin, 1, tc.content, link, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(p.Images, " ") != strings.Join(tc.images, " ") || p.Link != "" || strings.Contains(p.Text, "http") {
				t.Errorf("images %q, link %q, text %q", p.Images, p.Link, p.Text)
			}
			if n := utf8.RuneCountInString(p.Text); n > DouyinLength {
				t.Errorf("text has %d characters", n)
			}
			for _, w := range []string{"来源：省统计局", "原作者：张三", "转载时间：2026年3月2日 09:30"} {
				if !strings.Contains(p.Text, w) {
					t.Errorf("lost %q: %q", w, p.Text)
				}
			}
		})
	}
}

func TestDouyinImageEntities(t *testing.T) {
	got := bodyImages(`<p><img alt="x" src="https://a.example/i.png?a=1&amp;b=2"></p><img src="https://a.example/2.png">`)
	if strings.Join(got, " ") != "https://a.example/i.png?a=1&b=2 https://a.example/2.png" {
		t.Fatalf("%q", got)
	}
}
