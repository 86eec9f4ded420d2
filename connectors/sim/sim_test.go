package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, o Options) (*Server, string) {
	s := NewWith(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func call(t *testing.T, method, u string, body io.Reader, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out) //nolint:errcheck
	return resp.StatusCode, out
}

func TestFaultsAPI(t *testing.T) {
	s, base := start(t, Options{Seed: 7})
	body := `{"weibo":{"error_rate":0.2,"rate_limit_code":10024,"endpoints":{"2/statuses/share.json":{"lost_rate":1,"lost_mode":"502"}}}}`
	if status, _ := call(t, "POST", base+"/_sim/faults", strings.NewReader(body)); status != 200 {
		t.Fatalf("set faults: %d", status)
	}
	if f := s.GetFaults(); f.Weibo.ErrorRate != 0.2 || f.Weibo.Endpoints["2/statuses/share.json"].LostMode != "502" {
		t.Fatalf("faults %+v", f)
	}
	if _, got := call(t, "GET", base+"/_sim/faults", nil); got["weibo"].(map[string]any)["rate_limit_code"] != 10024.0 {
		t.Fatalf("GET /_sim/faults: %v", got)
	}
	call(t, "DELETE", base+"/_sim/faults", nil)
	if f := s.GetFaults(); f.Weibo.ErrorRate != 0 {
		t.Fatalf("not cleared: %+v", f)
	}
}

func share(t *testing.T, base, token, text string) (int, map[string]any) {
	form := url.Values{"access_token": {token}, "status": {text}}
	return call(t, "POST", base+"/weibo/2/statuses/share.json", strings.NewReader(form.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
}

func TestPostsCountDuplicates(t *testing.T) {
	_, base := start(t, Options{SafeDomains: []string{"x.gov.cn"}})
	share(t, base, "tok", "【a】https://www.x.gov.cn/1")
	share(t, base, "tok", "【a】https://www.x.gov.cn/1")
	share(t, base, "other", "【a】https://www.x.gov.cn/1") // another account may post the same
	_, out := call(t, "GET", base+"/_sim/posts", nil)
	if out["count"] != 2.0 || out["duplicates"] != 1.0 {
		t.Fatalf("posts %v, want 2 posts with 1 duplicate", out)
	}
}

func TestWeiboRules(t *testing.T) {
	_, base := start(t, Options{SafeDomains: []string{"x.gov.cn"}})
	cases := []struct {
		text string
		code float64
	}{
		{"", 10016},
		{"没有链接", 10017},
		{"【a】https://evil.example.com/1", 20021},
		{strings.Repeat("长", 140) + " https://www.x.gov.cn/1", 20012},
		{strings.Repeat("长", 129) + " https://www.x.gov.cn/1", 0},
	}
	for _, c := range cases {
		status, out := share(t, base, "tok", c.text)
		if c.code == 0 && (status != 200 || !strings.Contains(out["text"].(string), "http://t.cn/")) {
			t.Errorf("%q: %d %v", c.text, status, out)
		}
		if c.code != 0 && out["error_code"] != c.code {
			t.Errorf("%q: %d %v, want %v", c.text, status, out, c.code)
		}
	}
}

func TestWeChatTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s, base := start(t, Options{Now: func() time.Time { return now }})
	token := func() string {
		_, out := call(t, "GET", base+"/wechat/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s", nil)
		return out["access_token"].(string)
	}
	errcode := func(tok string) any {
		_, out := call(t, "POST", base+"/wechat/cgi-bin/freepublish/batchget?access_token="+tok, strings.NewReader(`{"count":1}`))
		return out["errcode"]
	}
	old := token()
	fresh := token()
	if errcode(old) != nil || errcode("nonsense") != 40014.0 {
		t.Fatal("an old token works within the grace period; an unknown one is invalid")
	}
	now = now.Add(6 * time.Minute)
	if errcode(old) != 40001.0 || errcode(fresh) != nil {
		t.Fatal("after the grace period only the newest token works")
	}
	now = now.Add(2 * time.Hour)
	if errcode(fresh) != 42001.0 {
		t.Fatal("tokens expire after 7200 s")
	}
	s.SetFaults(Faults{WeChat: PlatformFaults{ExpireTokens: true}})
	if errcode(token()) != nil {
		t.Fatal("a token fetched after the expiry fault works")
	}
}

func TestLostModes(t *testing.T) {
	for _, mode := range []string{"reset", "timeout", "502"} {
		s, base := start(t, Options{SafeDomains: []string{"x.gov.cn"}})
		s.SetFaults(Faults{Weibo: PlatformFaults{Fault: Fault{LostRate: 1, LostMode: mode}}})
		client := &http.Client{Timeout: 300 * time.Millisecond}
		form := url.Values{"access_token": {"tok"}, "status": {"【a】https://www.x.gov.cn/" + mode}}
		resp, err := client.PostForm(base+"/weibo/2/statuses/share.json", form)
		if err == nil {
			resp.Body.Close()
		}
		if (mode == "502") != (err == nil && resp.StatusCode == 502) {
			t.Errorf("%s: %v %v", mode, resp, err)
		}
		if len(s.Posts()) != 1 || s.Calls("weibo", "2/statuses/share.json") != 1 {
			t.Errorf("%s: the request must be applied: %+v", mode, s.Posts())
		}
	}
}

func TestAppSignatureAndReplay(t *testing.T) {
	s, base := start(t, Options{})
	sign := func(b []byte) string {
		m := hmac.New(sha256.New, []byte(AppSecret))
		m.Write(b)
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	post := func(sentAt int64, sig string) int {
		body := []byte(fmt.Sprintf(`{"key":"k1","sent_at":%d,"title":"t","html":"<p>x</p>"}`, sentAt))
		if sig == "" {
			sig = sign(body)
		}
		status, _ := call(t, "POST", base+"/app/posts", bytes.NewReader(body), "Idempotency-Key", "k1", "X-Tongfa-Signature", sig)
		return status
	}
	if post(time.Now().Unix(), "sha256=00") != 401 || post(time.Now().Add(-time.Hour).Unix(), "") != 401 {
		t.Fatal("forged or replayed requests must be refused")
	}
	if post(time.Now().Unix(), "") != 201 || post(time.Now().Unix(), "") != 200 || len(s.Posts()) != 1 {
		t.Fatal("the same key returns the existing post")
	}
}
