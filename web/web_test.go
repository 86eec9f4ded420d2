package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/web"
)

func TestItemLifecycleThroughAPI(t *testing.T) {
	h := setup(t)
	ed := h.login("editor")
	var c created
	if st := ed.do("POST", "/api/v1/items", itemBody("关于召开常务会议的通知"), &c); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if c.Version.Number != 1 || len(c.Version.Hash) != 64 {
		t.Fatalf("version %+v", c.Version)
	}
	body := itemBody("关于召开常务会议的通知（修订）")
	body["base_version"] = 1
	var v2 created
	if st := ed.do("PUT", fmt.Sprintf("/api/v1/items/%d", c.ID), body, &v2); st != 200 || v2.Version.Number != 2 || v2.Version.Hash == c.Version.Hash {
		t.Fatalf("update: %d %+v", st, v2.Version)
	}
	var stale apiError
	if st := ed.do("PUT", fmt.Sprintf("/api/v1/items/%d", c.ID), body, &stale); st != 409 {
		t.Fatalf("save over a newer version: %d, want 409", st)
	}
	var list struct {
		Items []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if st := ed.do("GET", "/api/v1/items?state=draft&page=1", nil, &list); st != 200 || list.Total != 1 || list.Items[0].Title != "关于召开常务会议的通知（修订）" {
		t.Fatalf("list: %d %+v", st, list)
	}
}

func TestSameContentSameHash(t *testing.T) {
	h := setup(t)
	a := h.createItem("editor", itemBody("同一内容"))
	b := h.createItem("editor", itemBody("同一内容"))
	if a.Version.Hash != b.Version.Hash {
		t.Fatal("identical content hashed differently")
	}
}

func TestValidationMessagesInChinese(t *testing.T) {
	h := setup(t)
	var e apiError
	body := itemBody("")
	body["category"] = "gossip"
	if st := h.script("editor").do("POST", "/api/v1/items", body, &e); st != 422 || e.Error.Code != "validation_failed" {
		t.Fatalf("status %d code %s", st, e.Error.Code)
	}
	if e.Error.Fields["title"] != "标题为必填字段" || !strings.HasPrefix(e.Error.Fields["category"], "栏目分类必须是") {
		t.Fatalf("fields %v", e.Error.Fields)
	}
}

func TestReprintNeedsAttribution(t *testing.T) {
	h := setup(t)
	body := itemBody("转载：全省经济运行情况")
	body["kind"] = "reprint"
	body["source"] = map[string]any{"author": "记者 张三"}
	var e apiError
	if st := h.script("editor").do("POST", "/api/v1/items", body, &e); st != 422 {
		t.Fatalf("status %d, want 422", st)
	}
	for _, f := range []string{"source.unit", "source.title", "source.reprinted_at"} {
		if e.Error.Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, e.Error.Fields)
		}
	}
	body["source"] = map[string]any{"unit": "省统计局", "title": "全省经济运行情况", "reprinted_at": time.Now().Format(time.RFC3339)}
	if st := h.script("editor").do("POST", "/api/v1/items", body, nil); st != 201 {
		t.Fatalf("complete reprint: %d", st)
	}
}

func TestBodyIsSanitized(t *testing.T) {
	h := setup(t)
	body := itemBody("清理")
	body["body"] = `<p onclick="x()">正文<script>alert(1)</script><img src="javascript:alert(1)"></p>`
	c := h.createItem("editor", body)
	var it struct {
		Version struct {
			Content struct {
				Body string `json:"body"`
			} `json:"content"`
		} `json:"version"`
	}
	h.script("editor").do("GET", fmt.Sprintf("/api/v1/items/%d", c.ID), nil, &it)
	if it.Version.Content.Body != "<p>正文</p>" {
		t.Fatalf("stored body %q", it.Version.Content.Body)
	}
}

func TestBadInput(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"malformed", []byte(`{"title": `), 400, "malformed_json"},
		{"not an object", []byte(`[1,2]`), 422, "validation_failed"},
		{"two objects", []byte(`{} {}`), 400, "malformed_json"},
		{"unknown field", []byte(`{"titel":"x"}`), 422, "validation_failed"},
		{"wrong type", []byte(`{"title": 5}`), 422, "validation_failed"},
		{"empty", []byte(``), 400, "malformed_json"},
		{"oversize", []byte(`{"title":"` + strings.Repeat("长", 30000) + `"}`), 413, "body_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e apiError
			if st := ed.do("POST", "/api/v1/items", c.body, &e); st != c.status || e.Error.Code != c.code || e.Error.Message == "" {
				t.Fatalf("status %d code %q msg %q; want %d %s", st, e.Error.Code, e.Error.Message, c.status, c.code)
			}
		})
	}
}

func TestLockout(t *testing.T) {
	h := setup(t)
	b := h.browser()
	for i := range 5 {
		var e apiError
		st := b.do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": "wrong"}, &e)
		want := 401
		if i == 4 {
			want = 423
		}
		if st != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, st, want)
		}
	}
	var e apiError
	if st := b.do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": password}, &e); st != 423 || e.Error.Code != "account_locked" {
		t.Fatalf("right password while locked: %d %s", st, e.Error.Code)
	}
	h.db.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
	if st := b.do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": password}, nil); st != 200 {
		t.Fatalf("after the lock expired: %d", st)
	}
	h.db.Now = time.Now
	rows, _ := h.db.ListAudit(t.Context(), storeFilter("login.lockout"))
	if len(rows) != 1 {
		t.Fatalf("%d lockout audit rows, want 1", len(rows))
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	h := setup(t)
	c := h.login("editor")
	if st := c.do("GET", "/api/v1/me", nil, nil); st != 200 {
		t.Fatalf("fresh session: %d", st)
	}
	h.hub.Sessions.Now = func() time.Time { return time.Now().Add(31 * time.Minute) }
	var e apiError
	if st := c.do("GET", "/api/v1/me", nil, &e); st != 401 || e.Error.Code != "unauthenticated" {
		t.Fatalf("after 31 idle minutes: %d %s", st, e.Error.Code)
	}
}

func TestCSRF(t *testing.T) {
	h := setup(t)
	c := h.login("editor")
	good := c.csrf
	c.csrf = ""
	var e apiError
	if st := c.do("POST", "/api/v1/items", itemBody("无令牌"), &e); st != 403 || e.Error.Code != "csrf_failed" {
		t.Fatalf("without CSRF token: %d %s", st, e.Error.Code)
	}
	c.csrf = "forged"
	if st := c.do("POST", "/api/v1/items", itemBody("伪造"), nil); st != 403 {
		t.Fatalf("forged CSRF token: %d", st)
	}
	if st := c.do("GET", "/api/v1/items", nil, nil); st != 200 {
		t.Fatalf("safe method needs no CSRF token: %d", st)
	}
	c.csrf = good
	if st := c.do("POST", "/api/v1/items", itemBody("有令牌"), nil); st != 201 {
		t.Fatalf("with CSRF token: %d", st)
	}
}

func TestLogoutRevokes(t *testing.T) {
	h := setup(t)
	c := h.login("editor")
	if st := c.do("DELETE", "/api/v1/session", nil, nil); st != 204 {
		t.Fatalf("logout: %d", st)
	}
	if st := c.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("after logout: %d", st)
	}
}

func TestTokenRevocation(t *testing.T) {
	h := setup(t)
	s := h.script("editor")
	if st := s.do("GET", "/api/v1/me", nil, nil); st != 200 {
		t.Fatalf("token: %d", st)
	}
	tokens, _ := h.db.Tokens(t.Context(), h.users["editor"].ID)
	revoke(t, h, h.users["editor"].ID, tokens[0].ID)
	if st := s.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
	bad := &client{h: h, http: http.DefaultClient, bearer: "tfa_not-a-token"}
	if st := bad.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("unknown token: %d", st)
	}
}

func TestOperations(t *testing.T) {
	h := setup(t)
	for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`, "/metrics": "tongfa_http_requests_total"} {
		h.script("editor").do("GET", "/api/v1/me", nil, nil) // make a metric
		req, _ := http.NewRequest(http.MethodGet, h.ts.URL+path, nil)
		if path == "/metrics" {
			req.Header.Set("Authorization", "Bearer "+h.tokens["sysadmin"])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := new(strings.Builder)
		_, _ = fmt.Fprint(buf, readAll(resp))
		if resp.StatusCode != 200 || !strings.Contains(buf.String(), want) {
			t.Errorf("%s: %d, body lacks %s", path, resp.StatusCode, want)
		}
		if resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no request id", path)
		}
	}
}

var _ = web.SessionCookie
