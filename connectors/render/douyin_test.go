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

// TestDouyinVideoFromLibrary: a body linking to a library video becomes a
// video post with the item's cover, or its first picture; without any
// picture it is refused with the reason.
func TestDouyinVideoFromLibrary(t *testing.T) {
	h := strings.Repeat("ab", 32)
	c := reprinted()
	c.Body = `<p><img src="https://hub.example.gov.cn/media/` + strings.Repeat("cd", 32) + `"></p>` +
		`<p><a href="https://www.example.gov.cn/other.mp4">外链</a><a href="https://hub.example.gov.cn/media/` + h + `.mp4">视频</a></p>`
	p, err := For(tongfa.PlatformDouyin, 1, c, link, nil)
	if err != nil || p.Video != "https://hub.example.gov.cn/media/"+h+".mp4" || p.Images != nil ||
		p.Cover != "https://hub.example.gov.cn/media/"+strings.Repeat("cd", 32) {
		t.Fatalf("%+v %v", p, err)
	}
	c.Cover = "/media/" + strings.Repeat("ef", 32)
	if p, _ := For(tongfa.PlatformDouyin, 1, c, link, nil); p.Cover != c.Cover {
		t.Fatalf("cover %q", p.Cover)
	}
	c.Cover, c.Body = "", `<p><a href="/media/`+h+`.mp4">视频</a></p>`
	if _, err := For(tongfa.PlatformDouyin, 1, c, link, nil); err == nil || !strings.Contains(err.Error(), "须有封面") {
		t.Fatalf("no cover: %v", err)
	}
}

// TestManual: a manual channel's task text starts with the title and the
// attribution, then the body's paragraphs; the cover comes first among
// the pictures to post.
func TestManual(t *testing.T) {
	c := reprinted()
	c.Cover = "https://www.example.gov.cn/cover.png"
	for _, pl := range []tongfa.Platform{tongfa.PlatformShipinhao, tongfa.PlatformXuexi, tongfa.PlatformOther} {
		p, err := For(pl, 1, c, link, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := c.Title + "\n\n来源：省统计局"
		if !strings.HasPrefix(p.Text, want) || strings.Contains(p.Text, "<") || p.Link != "" {
			t.Fatalf("%s text %q", pl, p.Text)
		}
		if len(p.Images) != 2 || p.Images[0] != c.Cover {
			t.Fatalf("%s images %q", pl, p.Images)
		}
	}
}
