package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/mediatest"
)

// smallMP4 is an MP4 as the library sniffs it (an ftyp box), small enough
// for the harness's request limit.
var smallMP4 = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte("simulated video "), 512)...)

// TestItemVideo: an item carries a library video with its cover, title,
// description and subtitles file; the checker reads the title, the
// description and every subtitle, a finding in the subtitles located by
// cue number and time, and personal data there blocks as in the body.
// Files of the wrong kind and text that is not subtitles are refused.
func TestItemVideo(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	upload := func(name string, b []byte, want tongfa.MediaType) string {
		t.Helper()
		st, o, body := ed.upload("/api/v1/media", name, b)
		if st != http.StatusCreated || o.Type != want {
			t.Fatalf("upload %s: %d %s", name, st, body)
		}
		return o.Hash.String()
	}
	video := upload("政策解读.mp4", smallMP4, tongfa.MediaMP4)
	cover := upload("封面.png", mustBytes(mediatest.Poster(320, 180, "封面")), tongfa.MediaPNG)
	srt := "1\r\n00:00:01,000 --> 00:00:03,500\r\n各位市民朋友大家好\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\n如有疑问请联系张三，身份证号 " +
		mediatest.IDNumber(3) + "\r\n\r\n"
	subs := upload("解读字幕.srt", []byte(srt), tongfa.MediaTXT)
	clean := upload("干净字幕.vtt", []byte("WEBVTT\n\n00:01.000 --> 00:02.000\n欢迎收看\n"), tongfa.MediaTXT)
	notes := upload("说明.txt", []byte("这是一份说明，不是字幕。"), tongfa.MediaTXT)

	withVideo := func(title string, v map[string]any) map[string]any {
		b := archived(title)
		b["video"] = v
		return b
	}
	var it itemChecked
	b := withVideo("政策解读视频", map[string]any{"file": video, "cover": "/media/" + cover, "title": "一分钟看懂新政",
		"description": "新政要点解读", "subtitles": subs})
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	var located []string
	for _, f := range it.Check.Findings {
		if f.Field == "video.subtitles" && f.Kind == "pii" && f.Media == subs {
			located = append(located, f.Location)
		}
	}
	if !it.Check.Blocked || len(located) == 0 || !strings.Contains(located[0], "解读字幕.srt 字幕第 2 条（00:00:04.000）") {
		t.Fatalf("subtitles check: blocked=%v %v %+v", it.Check.Blocked, located, it.Check.Findings)
	}
	var got itemChecked
	if st := ed.do("GET", "/api/v1/items/"+itoa(it.ID), nil, &got); st != http.StatusOK {
		t.Fatalf("get: %d", st)
	}
	for _, want := range []string{video, cover, subs} {
		if !strings.Contains(strings.Join(got.Version.Content.Media, ","), want) {
			t.Fatalf("media %v lacks %s", got.Version.Content.Media, want)
		}
	}
	st, raw, _ := ed.raw("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", "", nil)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("submit with personal data in the subtitles: %d %s", st, raw)
	}

	// Clean subtitles: nothing found; the video's title is checked like a title.
	var ok itemChecked
	b = withVideo("政策解读视频二", map[string]any{"file": video, "cover": cover, "title": "一分钟看懂新政", "subtitles": clean})
	if st := ed.do("POST", "/api/v1/items", b, &ok); st != http.StatusCreated || ok.Check.Blocked {
		t.Fatalf("clean video: %d %+v", st, ok.Check)
	}
	b = withVideo("政策解读视频三", map[string]any{"file": video, "cover": cover, "title": "联系人身份证号 " + mediatest.IDNumber(5)})
	if st := ed.do("POST", "/api/v1/items", b, &ok); st != http.StatusCreated || !ok.Check.Blocked || !hasField(ok.Check.Findings, "video.title") {
		t.Fatalf("personal data in the video title: %d %+v", st, ok.Check)
	}
	b = withVideo("政策解读视频四", map[string]any{"file": video, "cover": cover, "title": "解读", "description": "咨询电话 " + mediatest.Mobile(2)})
	if st := ed.do("POST", "/api/v1/items", b, &ok); st != http.StatusCreated || !hasField(ok.Check.Findings, "video.description") {
		t.Fatalf("personal data in the description: %d %+v", st, ok.Check)
	}

	// Refusals, each naming its field.
	for name, tc := range map[string]struct {
		video map[string]any
		field string
	}{
		"a text file as the video": {map[string]any{"file": notes, "cover": cover, "title": "解读"}, "video.file"},
		"the video as its cover":   {map[string]any{"file": video, "cover": video, "title": "解读"}, "video.cover"},
		"a video as the cover":     {map[string]any{"file": video, "cover": video, "title": "解读"}, "video.cover"},
		"no cover":                 {map[string]any{"file": video, "title": "解读"}, "video.cover"},
		"no title":                 {map[string]any{"file": video, "cover": cover}, "video.title"},
		"text that is no subtitle": {map[string]any{"file": video, "cover": cover, "title": "解读", "subtitles": notes}, "video.subtitles"},
		"not a library file":       {map[string]any{"file": "https://example.com/a.mp4", "cover": cover, "title": "解读"}, "video.file"},
	} {
		var e apiError
		if st := ed.do("POST", "/api/v1/items", withVideo("拒绝："+name, tc.video), &e); st != http.StatusUnprocessableEntity || e.Error.Fields[tc.field] == "" {
			t.Errorf("%s: %d %+v", name, st, e.Error)
		}
	}
}

func hasField(fs []itemFinding, field string) bool {
	for _, f := range fs {
		if f.Field == field {
			return true
		}
	}
	return false
}
