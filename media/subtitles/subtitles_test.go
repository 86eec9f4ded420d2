package subtitles_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/media/subtitles"
)

func TestParseSRT(t *testing.T) {
	srt := "\xEF\xBB\xBF1\r\n00:00:01,000 --> 00:00:03,500\r\n各位市民朋友\r\n大家好\r\n\r\n2\r\n00:01:02,250 --> 00:01:04,000\r\n<i>联系电话</i> 13912345678\r\n\r\n"
	cues, err := subtitles.Parse([]byte(srt))
	if err != nil || len(cues) != 2 {
		t.Fatalf("%+v %v", cues, err)
	}
	if c := cues[0]; c.Number != 1 || c.Start != time.Second || c.End != 3500*time.Millisecond || c.Text != "各位市民朋友\n大家好" {
		t.Fatalf("%+v", c)
	}
	if c := cues[1]; c.Text != "联系电话 13912345678" || c.Location() != "字幕第 2 条（00:01:02.250）" {
		t.Fatalf("%+v %s", c, c.Location())
	}
}

func TestParseWebVTT(t *testing.T) {
	vtt := "WEBVTT - 新闻发布会\n\nNOTE 由编辑整理\n\nSTYLE\n::cue { color: yellow }\n\nintro\n00:05.000 --> 00:07.125 align:start\n<v 主持人>欢迎收看 &amp; 关注\n\n01:00:00.000 --> 01:00:02.000\n再见\n"
	cues, err := subtitles.Parse([]byte(vtt))
	if err != nil || len(cues) != 2 {
		t.Fatalf("%+v %v", cues, err)
	}
	if c := cues[0]; c.Start != 5*time.Second || c.End != 7125*time.Millisecond || c.Text != "欢迎收看 & 关注" {
		t.Fatalf("%+v", c)
	}
	if c := cues[1]; c.Number != 2 || c.Start != time.Hour || c.Location() != "字幕第 2 条（01:00:00.000）" {
		t.Fatalf("%+v", c)
	}
}

func TestParseRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"plain text":   "这是一段普通文字，不是字幕。",
		"empty":        "WEBVTT\n\n",
		"bad timing":   "1\n00:00:01 --> 00:00:02\n文字\n",
		"end < start":  "1\n00:00:05,000 --> 00:00:02,000\n文字\n",
		"text between": "1\n00:00:01,000 --> 00:00:02,000\n文字\n\n另一段没有时间的文字\n",
	} {
		if _, err := subtitles.Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), "字幕") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
