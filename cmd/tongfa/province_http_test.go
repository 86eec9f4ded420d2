package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/web"
)

// browser is one person behind a load balancer: the session cookie and
// CSRF token go with them to whichever `serve` answers. A cookie the
// server clears on logout is kept, to show the session is gone on the
// server and not only in the browser.
type browser struct {
	t      *testing.T
	cookie string
	csrf   string
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (c *browser) send(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: c.cookie})
	}
	if c.csrf != "" {
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie && ck.Value != "" {
			c.cookie = ck.Value
		}
	}
	return resp.StatusCode, string(body), resp.Header
}

// api sends a JSON request to the serve at base.
func (c *browser) api(base, method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	st, text, _ := c.send(req)
	var out map[string]any
	json.Unmarshal([]byte(text), &out) //nolint:errcheck // some answers have no body
	return st, out
}

// page gets a console page, or posts a console form when form is set.
func (c *browser) page(base, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if form != nil {
		req, _ = http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

// apiSessionAcross logs in on a, works on b (CSRF included), logs out on
// a and finds the session gone on both.
func apiSessionAcross(t *testing.T, a, b, username, password string) {
	c := &browser{t: t}
	st, login := c.api(a, "POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if st != 200 || c.cookie == "" {
		t.Fatalf("login on the first serve: %d %v", st, login)
	}
	if st, me := c.api(b, "GET", "/api/v1/me", nil); st != 200 || me["username"] != username {
		t.Fatalf("me on the second serve: %d %v", st, me)
	}
	item := map[string]any{"title": "关于全省统一开展安全生产检查的通知", "body": "<p>各市：</p>", "category": "notice", "kind": "original", "importance": "routine"}
	if st, out := c.api(b, "POST", "/api/v1/items", item); st != 403 {
		t.Fatalf("create without the CSRF token on the second serve: %d %v", st, out)
	}
	c.csrf, _ = login["csrf_token"].(string)
	st, created := c.api(b, "POST", "/api/v1/items", item)
	if st != 201 {
		t.Fatalf("create with the CSRF token from the first serve: %d %v", st, created)
	}
	id, _ := created["id"].(float64)
	if st, _ := c.api(a, "GET", "/api/v1/items/"+strconv.Itoa(int(id)), nil); st != 200 {
		t.Fatalf("the item on the first serve: %d", st)
	}
	if st, _ := c.api(a, "DELETE", "/api/v1/session", nil); st != 204 {
		t.Fatalf("logout on the first serve: %d", st)
	}
	for i, base := range []string{b, a} {
		if st, _ := c.api(base, "GET", "/api/v1/me", nil); st != 401 {
			t.Errorf("serve %d after logout: %d, want 401", 2-i, st)
		}
	}
}

// throttleAcross fails logins of one unknown username alternately on a
// and b: the fifth locks it on both; then a burst on both at once goes
// past the username's rate, and what the rate lets through is still
// locked. (Tried one by one, a loaded machine takes long enough per
// attempt for the rate to refill.)
func throttleAcross(t *testing.T, a, b string) {
	name := "nobody-" + auth.RandomString(6)
	try := func(i int) (int, map[string]any) {
		base := []string{a, b}[i%2]
		return (&browser{t: t}).api(base, "POST", "/api/v1/session", map[string]string{"username": name, "password": "wrong-Passw0rd"})
	}
	for i, w := range []int{401, 401, 401, 401, 423, 423} {
		if st, out := try(i); st != w {
			t.Fatalf("attempt %d on serve %d: %d %v, want %d", i+1, i%2+1, st, out, w)
		}
	}
	const burst = 12
	got := make([]int, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = try(i)
		}()
	}
	wg.Wait()
	limited := 0
	for _, st := range got {
		switch st {
		case 429:
			limited++
		case 423:
		default:
			t.Fatalf("burst answers %v: want only 423 and 429", got)
		}
	}
	if limited == 0 {
		t.Fatalf("burst of %d on both serves after 6 attempts: %v, no 429", burst, got)
	}
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// consoleAcross logs in with the console's form on b, opens the
// dashboard on a, logs out there with the page's CSRF token, and is sent
// to the login page by b.
func consoleAcross(t *testing.T, a, b, username, password string) {
	c := &browser{t: t}
	if st, body, _ := c.page(b, "/login", url.Values{"username": {username}, "password": {password}}); st != http.StatusSeeOther || c.cookie == "" {
		t.Fatalf("console login on the second serve: %d %s", st, body)
	}
	st, body, _ := c.page(a, "/", nil)
	if st != 200 || !strings.Contains(body, "工作台") {
		t.Fatalf("dashboard on the first serve: %d", st)
	}
	m := csrfMeta.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the dashboard")
	}
	if st, _, hdr := c.page(a, "/logout", url.Values{"csrf_token": {m[1]}}); st != http.StatusSeeOther || hdr.Get("Location") != "/login" {
		t.Fatalf("console logout on the first serve: %d", st)
	}
	if st, _, hdr := c.page(b, "/", nil); st != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/login") {
		t.Fatalf("the second serve after logout: %d %q", st, hdr.Get("Location"))
	}
}
