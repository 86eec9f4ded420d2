package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
)

// TestDouyinItemVideo: an item's video is posted with its own cover, its
// text the video's title and description with the attribution, within
// Douyin's length; it wins over a video linked in the body. A manual
// task downloads the video and its cover first.
func TestDouyinItemVideo(t *testing.T) {
	file, cover, other := tongfa.MediaHash{1}, tongfa.MediaHash{2}, tongfa.MediaHash{3}
	c := reprinted()
	c.Body += `<p><a href="/media/` + other.String() + `.mp4">旧视频</a></p>`
	c.Video = &tongfa.Video{File: file, Cover: cover, Title: "一分钟看懂新政", Description: strings.Repeat("解读", 600)}
	p, err := For(tongfa.PlatformDouyin, 1, c, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Video != "/media/"+file.String()+".mp4" || p.Cover != "/media/"+cover.String() || len(p.Images) != 0 || p.Title != "一分钟看懂新政" {
		t.Fatalf("payload %+v", p)
	}
	if !strings.HasPrefix(p.Text, "【一分钟看懂新政】解读") || !strings.Contains(p.Text, "来源：省统计局") || utf8.RuneCountInString(p.Text) > DouyinLength {
		t.Fatalf("text %q", p.Text)
	}
	if _, ok := tongfa.MediaRef(p.Video); !ok {
		t.Fatalf("video ref %q", p.Video)
	}

	c.Video.Description = ""
	c.Summary = "新政要点"
	if p, _ := For(tongfa.PlatformDouyin, 1, c, link, nil); !strings.HasPrefix(p.Text, "【一分钟看懂新政】新政要点") {
		t.Fatalf("without a description: %q", p.Text)
	}

	m, err := For(tongfa.PlatformShipinhao, 1, c, link, nil)
	if err != nil || m.Video != "/media/"+file.String()+".mp4" || len(m.Images) == 0 || m.Images[0] != "/media/"+cover.String() {
		t.Fatalf("manual task %+v %v", m, err)
	}
}
