package wechat

import "testing"

// A token string issued again by another server (two simulators in one
// process) follows the newest server, not the first.
func TestRoutesFollowTheNewestBase(t *testing.T) {
	r := &routes{tokens: map[string]string{}, recent: map[string][]string{}, apps: map[string]string{}}
	r.token("wx1", "tok-1", "http://127.0.0.1:1001/wechat")
	r.token("wx1", "tok-1", "http://127.0.0.1:1002/wechat")
	got := r.rewrite("https://api.weixin.qq.com/cgi-bin/draft/add?access_token=tok-1")
	if want := "http://127.0.0.1:1002/wechat/cgi-bin/draft/add?access_token=tok-1"; got != want {
		t.Fatalf("rewrite = %q, want %q", got, want)
	}
	for i := range keepTokens + 2 {
		r.token("wx1", "tok-x"+string(rune('a'+i)), "http://b")
	}
	if _, ok := r.tokens["tok-1"]; ok {
		t.Fatal("old tokens are not forgotten")
	}
}
