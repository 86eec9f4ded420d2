package sim

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// wxDraftOf adds a draft of the given articles over the API.
func wxDraftOf(t *testing.T, base, q string, titles ...string) string {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	f, _ := mw.CreateFormFile("media", "c.png")
	f.Write(placeholderPNG) //nolint:errcheck
	mw.Close()
	_, media := call(t, "POST", base+"/wechat/cgi-bin/material/add_material"+q+"&type=thumb", &buf, "Content-Type", mw.FormDataContentType())
	var arts []string
	for _, title := range titles {
		arts = append(arts, fmt.Sprintf(`{"title":%q,"content":"<p>%s</p>","thumb_media_id":%q}`, title, title, media["media_id"]))
	}
	_, d := call(t, "POST", base+"/wechat/cgi-bin/draft/add"+q, strings.NewReader(`{"articles":[`+strings.Join(arts, ",")+`]}`))
	return d["media_id"].(string)
}

func sendAll(t *testing.T, base, q, mediaID, cid string) map[string]any {
	body := fmt.Sprintf(`{"filter":{"is_to_all":true},"mpnews":{"media_id":%q},"msgtype":"mpnews","send_ignore_reprint":0,"clientmsgid":%q}`, mediaID, cid)
	_, out := call(t, "POST", base+"/wechat/cgi-bin/message/mass/sendall"+q, strings.NewReader(body))
	return out
}

func massStatus(t *testing.T, base, q string, msgID any) string {
	_, out := call(t, "POST", base+"/wechat/cgi-bin/message/mass/get"+q, strings.NewReader(fmt.Sprintf(`{"msg_id":"%d"}`, int64(msgID.(float64)))))
	s, _ := out["msg_status"].(string)
	return s
}

func TestMassSendQuotaAndRepeats(t *testing.T) {
	clk := NewClock(time.Date(2025, 3, 31, 23, 0, 0, 0, china))
	s, base := start(t, Options{Now: clk.Now})
	q := wxQuery(t, base, "wxsub")
	media := wxDraftOf(t, base, q, "头条", "二条", "三条")
	first := sendAll(t, base, q, media, "e1")
	if first["errcode"] != 0.0 || first["msg_id"] == nil {
		t.Fatalf("sendall: %v", first)
	}
	if again := sendAll(t, base, q, media, "e1"); again["errcode"] != 45065.0 || again["msg_id"] != first["msg_id"] {
		t.Fatalf("repeated clientmsgid: %v", again)
	}
	if other := sendAll(t, base, q, media, "e2"); other["errcode"] != 45028.0 {
		t.Fatalf("second send of the day: %v", other)
	}
	posts := s.Posts()
	if len(posts) != 1 || posts[0].Kind != "mass" || posts[0].Notified != 1000 || len(posts[0].Articles) != 3 ||
		posts[0].Articles[0].Title != "头条" || posts[0].Articles[2].Title != "三条" {
		t.Fatalf("posts %+v", posts)
	}
	resp, err := http.Get(posts[0].Articles[1].URL)
	if b, _ := io.ReadAll(resp.Body); err != nil || !strings.Contains(string(b), "二条") {
		t.Fatalf("article page: %v %s", err, b)
	}
	clk.Advance(2 * time.Hour) // the next China day
	if next := sendAll(t, base, q, media, "e2"); next["errcode"] != 0.0 {
		t.Fatalf("next day: %v", next)
	}
}

func TestMassServiceQuotaIsMonthly(t *testing.T) {
	clk := NewClock(time.Date(2025, 4, 1, 9, 0, 0, 0, china))
	s, base := start(t, Options{Now: clk.Now})
	s.SetWechatAccount("wxsvc", WechatAccount{Type: "service", Followers: 50, Refusing: 5})
	q := wxQuery(t, base, "wxsvc")
	media := wxDraftOf(t, base, q, "服务号群发")
	for i := range 5 {
		out := sendAll(t, base, q, media, fmt.Sprint("s", i))
		if want := map[bool]float64{true: 0, false: 45028}[i < 4]; out["errcode"] != want {
			t.Fatalf("send %d: %v", i, out)
		}
	}
	if p := s.Posts()[0]; p.Notified != 45 {
		t.Fatalf("notified %d, want 45 (5 refuse mass messages)", p.Notified)
	}
}

// pushes collects the requests a callback received.
func pushes(t *testing.T) (string, chan string) {
	ch := make(chan string, 10)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- string(b)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, ch
}

func wait(t *testing.T, ch chan string) string {
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no push")
		return ""
	}
}

func TestMassProtection(t *testing.T) {
	clk := NewClock(time.Date(2025, 5, 6, 10, 0, 0, 0, china))
	s, base := start(t, Options{Now: clk.Now})
	s.SetWechatAccount("wxp", WechatAccount{Type: "service", Followers: 10, Protection: true})
	url, ch := pushes(t)
	s.SetCallbacks(Callbacks{WeChat: map[string]WeChatCallback{"wxp": {URL: url, Token: "tok"}}})
	q := wxQuery(t, base, "wxp")
	media := wxDraftOf(t, base, q, "需要确认")

	expired := sendAll(t, base, q, media, "p1")["msg_id"]
	if st := massStatus(t, base, q, expired); st != "SENDING" || len(s.Posts()) != 0 {
		t.Fatalf("awaiting: %s %v", st, s.Posts())
	}
	clk.Advance(30 * time.Minute)
	if st := massStatus(t, base, q, expired); st != "SEND_FAIL" {
		t.Fatalf("after 30 minutes: %s", st)
	}
	if ev := wait(t, ch); !strings.Contains(ev, "<Status>err(40002)</Status>") {
		t.Fatalf("push %s", ev)
	}

	confirmed := sendAll(t, base, q, media, "p2")["msg_id"]
	_, out := call(t, "POST", base+"/_sim/wechat/confirm", strings.NewReader(`{"app_id":"wxp","decision":"confirm"}`))
	if out["state"] != "sent" || massStatus(t, base, q, confirmed) != "SEND_SUCCESS" {
		t.Fatalf("confirm: %v", out)
	}
	if ev := wait(t, ch); !strings.Contains(ev, "MASSSENDJOBFINISH") || !strings.Contains(ev, "<SentCount>10</SentCount>") {
		t.Fatalf("push %s", ev)
	}
	if status, _ := call(t, "POST", base+"/_sim/wechat/confirm", strings.NewReader(`{"app_id":"wxp"}`)); status != 409 {
		t.Fatalf("nothing left to confirm: %d", status)
	}
}

func TestPreviewUsesNoQuota(t *testing.T) {
	s, base := start(t, Options{})
	q := wxQuery(t, base, "wxpre")
	media := wxDraftOf(t, base, q, "预览")
	for range 2 {
		body := fmt.Sprintf(`{"towxname":"editor01","mpnews":{"media_id":%q},"msgtype":"mpnews"}`, media)
		if _, out := call(t, "POST", base+"/wechat/cgi-bin/message/mass/preview"+q, strings.NewReader(body)); out["errcode"] != 0.0 {
			t.Fatalf("preview: %v", out)
		}
	}
	if out := sendAll(t, base, q, media, "after-preview"); out["errcode"] != 0.0 {
		t.Fatalf("send after previews: %v", out)
	}
	_, list := call(t, "GET", base+"/_sim/posts?platform=wechat", nil)
	if list["count"] != 3.0 || list["duplicates"] != 0.0 {
		t.Fatalf("posts %v", list)
	}
	kinds := map[string]int{}
	for _, p := range s.Posts() {
		kinds[p.Kind]++
	}
	if kinds["preview"] != 2 || kinds["mass"] != 1 {
		t.Fatalf("kinds %v", kinds)
	}
}

func TestPublishedPostsAreKindPublish(t *testing.T) {
	s, base := start(t, Options{})
	wxPublish(t, base, "wxpub")
	if p := s.Posts(); len(p) != 1 || p[0].Kind != "publish" || p[0].Notified != 0 {
		t.Fatalf("posts %+v", p)
	}
}

func TestMassSendRefusals(t *testing.T) {
	_, base := start(t, Options{MassRetryTooFast: time.Hour})
	q := wxQuery(t, base, "wxref")
	media := wxDraftOf(t, base, q, "拒绝")
	cases := []struct {
		name, body string
		want       float64
	}{
		{"unknown draft", `{"filter":{"is_to_all":true},"mpnews":{"media_id":"nope"},"msgtype":"mpnews"}`, 40007},
		{"not mpnews", `{"filter":{"is_to_all":true},"text":{"content":"x"},"msgtype":"text"}`, 40008},
		{"to a tag", fmt.Sprintf(`{"filter":{"is_to_all":false,"tag_id":2},"mpnews":{"media_id":%q},"msgtype":"mpnews"}`, media), 40050},
		{"long clientmsgid", fmt.Sprintf(`{"filter":{"is_to_all":true},"mpnews":{"media_id":%q},"msgtype":"mpnews","clientmsgid":%q}`,
			media, strings.Repeat("x", 65)), 45067},
	}
	for _, c := range cases {
		if _, out := call(t, "POST", base+"/wechat/cgi-bin/message/mass/sendall"+q, strings.NewReader(c.body)); out["errcode"] != c.want {
			t.Errorf("%s: %v, want errcode %v", c.name, out, c.want)
		}
	}
	sendAll(t, base, q, media, "fast")
	if out := sendAll(t, base, q, media, "fast"); out["errcode"] != 45066.0 {
		t.Fatalf("a repeat within MassRetryTooFast: %v", out)
	}
}
