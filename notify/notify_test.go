package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type received struct {
	query map[string]string
	body  map[string]any
}

func robotServer(t *testing.T, errcode int) (*httptest.Server, chan received) {
	ch := make(chan received, 4)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		q := map[string]string{}
		for k := range r.URL.Query() {
			q[k] = r.URL.Query().Get(k)
		}
		ch <- received{q, body}
		json.NewEncoder(w).Encode(map[string]any{"errcode": errcode, "errmsg": "ok"})
	}))
	t.Cleanup(ts.Close)
	return ts, ch
}

func TestWeCom(t *testing.T) {
	ts, ch := robotServer(t, 0)
	s := NewSender()
	if err := s.Send(context.Background(), Robot{Kind: WeCom, URL: ts.URL + "?key=k"}, Message{Title: "紧急稿件即将超时", Text: "微博首发剩余 15 分钟"}); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	md := got.body["markdown"].(map[string]any)["content"].(string)
	if got.body["msgtype"] != "markdown" || !strings.Contains(md, "紧急稿件即将超时") || !strings.Contains(md, "剩余 15 分钟") {
		t.Fatalf("body %v", got.body)
	}
}

func TestDingTalkSigned(t *testing.T) {
	ts, ch := robotServer(t, 0)
	s := NewSender()
	now := time.UnixMilli(1700000000000)
	s.Now = func() time.Time { return now }
	if err := s.Send(context.Background(), Robot{Kind: DingTalk, URL: ts.URL + "?access_token=a", Secret: "SECxyz"}, Message{Title: "t", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	if got.query["timestamp"] != "1700000000000" || got.query["sign"] != DingTalkSign("1700000000000", "SECxyz") || got.query["access_token"] != "a" {
		t.Fatalf("query %v", got.query)
	}
}

func TestRobotErrorIsReported(t *testing.T) {
	ts, _ := robotServer(t, 93000)
	if err := NewSender().Send(context.Background(), Robot{Kind: WeCom, URL: ts.URL}, Message{Title: "t"}); err == nil || !strings.Contains(err.Error(), "93000") {
		t.Fatalf("err %v", err)
	}
}

func TestMaskRobotURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****",
		"https://oapi.dingtalk.com/robot/send?access_token=abcdef123456":                            "https://oapi.dingtalk.com/robot/send?access_token=abcd****",
		"https://relay.gov.internal/hook/0123456789":                                                "https://relay.gov.internal/hook/0123****",
		"https://user:pw@relay.gov.internal/hook?k=ab":                                              "https://relay.gov.internal/hook?k=****",
	} {
		if got := MaskRobotURL(raw); got != want {
			t.Errorf("MaskRobotURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
