package sim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// wxPublish publishes an article over the API and returns a token and
// the publish id (the msg_data_id comments refer to).
func wxPublish(t *testing.T, base, appID string) (string, int64) {
	q := wxQuery(t, base, appID)
	d := wxDraftOf(t, base, q, "t")
	_, sub := call(t, "POST", base+"/wechat/cgi-bin/freepublish/submit"+q, strings.NewReader(fmt.Sprintf(`{"media_id":%q}`, d)))
	return q, int64(sub["publish_id"].(float64))
}

// wxQuery fetches a token and returns the query that carries it.
func wxQuery(t *testing.T, base, appID string) string {
	_, tok := call(t, "GET", base+"/wechat/cgi-bin/token?grant_type=client_credential&appid="+appID+"&secret=s", nil)
	return "?access_token=" + tok["access_token"].(string)
}

func TestWeChatComments(t *testing.T) {
	s, base := start(t, Options{})
	q, pid := wxPublish(t, base, "wx1")
	in, err := s.Raise(context.Background(), Inbound{Platform: "wechat", Kind: "comment", PostID: fmt.Sprint(pid), User: "o1", Text: "点赞"})
	if err != nil || in.Account != "wx1" {
		t.Fatalf("%+v %v", in, err)
	}
	_, list := call(t, "POST", base+"/wechat/cgi-bin/comment/list"+q, strings.NewReader(fmt.Sprintf(`{"msg_data_id":%d,"count":10}`, pid)))
	if list["total"] != 1.0 {
		t.Fatalf("list %v", list)
	}
	reply := fmt.Sprintf(`{"msg_data_id":%d,"user_comment_id":%d,"content":"感谢关注"}`, pid, in.ID)
	if _, out := call(t, "POST", base+"/wechat/cgi-bin/comment/reply/add"+q, strings.NewReader(reply)); out["errcode"] != 0.0 {
		t.Fatalf("reply %v", out)
	}
	if _, out := call(t, "POST", base+"/wechat/cgi-bin/comment/reply/add"+q, strings.NewReader(reply)); out["errcode"] != 88005.0 {
		t.Fatalf("second reply %v", out)
	}
	if r := s.Replies(); len(r) != 1 || r[0].Duplicates != 0 {
		t.Fatalf("replies %+v", r)
	}
}

// TestWeChatMessagePush: pushes in plain and safe mode reach silenceper's
// own server, which checks the signature and decrypts.
func TestWeChatMessagePush(t *testing.T) {
	const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	for _, key := range []string{"", aesKey} {
		got := make(chan string, 1)
		oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: "wx9", AppSecret: "s", Token: "tk", EncodingAESKey: key, Cache: cache.NewMemory()})
		hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv := oa.GetServer(r, w)
			srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply { got <- m.Content; return nil })
			if err := srv.Serve(); err != nil {
				http.Error(w, err.Error(), 403)
			}
		}))
		s, _ := start(t, Options{})
		s.SetCallbacks(Callbacks{WeChat: map[string]WeChatCallback{"wx9": {URL: hub.URL, Token: "tk", AESKey: key}}})
		in, err := s.Raise(context.Background(), Inbound{Platform: "wechat", Kind: "message", Account: "wx9", User: "o1", Text: "请问办事时间"})
		if err != nil || in.Pushed != 200 {
			t.Fatalf("aes=%v: %+v %v", key != "", in, err)
		}
		if c := <-got; c != "请问办事时间" {
			t.Fatalf("received %q", c)
		}
		hub.Close()
	}
}

func TestWeChatCustomMessageWindow(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s, base := start(t, Options{Now: func() time.Time { return now }})
	send := func() any {
		q := wxQuery(t, base, "wx1")
		_, out := call(t, "POST", base+"/wechat/cgi-bin/message/custom/send"+q, strings.NewReader(`{"touser":"o1","msgtype":"text","text":{"content":"您好"}}`))
		return out["errcode"]
	}
	if send() != 40003.0 {
		t.Fatal("no message from the user yet")
	}
	s.Raise(context.Background(), Inbound{Platform: "wechat", Kind: "message", Account: "wx1", User: "o1", Text: "在吗"}) //nolint:errcheck
	if send() != 0.0 {
		t.Fatal("within 48 hours")
	}
	now = now.Add(49 * time.Hour)
	if send() != 45015.0 {
		t.Fatal("after 48 hours")
	}
}

func TestWeiboComments(t *testing.T) {
	s, base := start(t, Options{SafeDomains: []string{"x.gov.cn"}})
	_, st := share(t, base, "tok", "【a】https://www.x.gov.cn/1")
	in, err := s.Raise(context.Background(), Inbound{Platform: "weibo", Kind: "comment", PostID: st["idstr"].(string), User: "市民", Text: "何时开始？"})
	if err != nil {
		t.Fatal(err)
	}
	_, list := call(t, "GET", base+"/weibo/2/comments/to_me.json?access_token=tok&since_id=0", nil)
	if list["total_number"] != 1.0 {
		t.Fatalf("to_me %v", list)
	}
	_, none := call(t, "GET", fmt.Sprintf("%s/weibo/2/comments/to_me.json?access_token=tok&since_id=%d", base, in.ID), nil)
	if none["total_number"] != 0.0 {
		t.Fatalf("since_id: %v", none)
	}
	reply := fmt.Sprintf("access_token=tok&cid=%d&id=%s&comment=%%E4%%B8%%8B%%E5%%91%%A8", in.ID, st["idstr"])
	for range 2 {
		call(t, "POST", base+"/weibo/2/comments/reply.json", strings.NewReader(reply), "Content-Type", "application/x-www-form-urlencoded")
	}
	if r := s.Replies(); len(r) != 1 || r[0].Duplicates != 1 {
		t.Fatalf("a second identical answer is a duplicate: %+v", r)
	}
}

func TestAppWebhookAndPolling(t *testing.T) {
	got := make(chan string, 1)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Tongfa-Signature") == hmacHex("hook-secret", b) {
			got <- string(b)
		}
	}))
	defer hub.Close()
	s, base := start(t, Options{})
	s.SetCallbacks(Callbacks{Website: &WebhookCallback{URL: hub.URL, Secret: "hook-secret"}})
	in, err := s.Raise(context.Background(), Inbound{Platform: "website", Kind: "error_report", User: "u1", Text: "链接失效"})
	if err != nil || in.Pushed != 200 || !strings.Contains(<-got, `"kind":"error_report"`) {
		t.Fatalf("%+v %v", in, err)
	}
	auth := []string{"Authorization", "Bearer " + WebsiteKey}
	if _, list := call(t, "GET", base+"/website/api/comments?since_id=0", nil, auth...); len(list["comments"].([]any)) != 1 {
		t.Fatalf("poll %v", list)
	}
	body := `{"key":"r1","text":"已修复，感谢指正","sent_at":0}`
	u := fmt.Sprintf("%s/website/api/comments/%d/replies", base, in.ID)
	a, _ := call(t, "POST", u, strings.NewReader(body), append(auth, "Idempotency-Key", "r1")...)
	b, _ := call(t, "POST", u, strings.NewReader(body), append(auth, "Idempotency-Key", "r1")...)
	if a != 201 || b != 200 || len(s.Replies()) != 1 || s.Replies()[0].Duplicates != 0 {
		t.Fatalf("%d %d %+v", a, b, s.Replies())
	}
}
