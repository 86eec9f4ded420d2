package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/web"
	"github.com/tongfa/tongfa/web/console"
)

// consoleRedisDB is reserved for the console and browser tests
// (docs/testing.md), so they never collide with the API tests on DB 1.
const consoleRedisDB = 10

// setupConsole is setup on the browser tests' Redis database.
func setupConsole(t testing.TB) *harness {
	t.Helper()
	return setupOn(t, consoleRedisDB)
}

// page is a console visitor: a cookie jar that does not follow redirects.
type page struct {
	t    *testing.T
	h    *harness
	http *http.Client
}

func (h *harness) visitor(t *testing.T) *page {
	jar, _ := cookiejar.New(nil)
	return &page{t: t, h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (p *page) get(path string) (int, string, http.Header) {
	p.t.Helper()
	resp, err := p.http.Get(p.h.ts.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (p *page) post(path string, form url.Values) (int, string, http.Header) {
	p.t.Helper()
	resp, err := p.http.PostForm(p.h.ts.URL+path, form)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (p *page) login(name string) {
	p.t.Helper()
	st, body, hdr := p.post("/login", url.Values{"username": {name}, "password": {password}, "next": {"/"}})
	if st != http.StatusSeeOther || hdr.Get("Location") != "/" {
		p.t.Fatalf("console login %s: %d %s", name, st, body)
	}
}

func TestConsoleLoginFlow(t *testing.T) {
	h := setupConsole(t)
	p := h.visitor(t)
	st, _, hdr := p.get("/reviews")
	if st != http.StatusSeeOther || hdr.Get("Location") != "/login?next=%2Freviews" {
		t.Fatalf("anonymous /reviews: %d %q", st, hdr.Get("Location"))
	}
	req, _ := http.NewRequest("GET", h.ts.URL+"/items/1/deliveries", nil)
	req.Header.Set("HX-Request", "true")
	if resp, err := p.http.Do(req); err != nil || resp.StatusCode != 401 || resp.Header.Get("HX-Redirect") != "/login?next=%2Fitems%2F1%2Fdeliveries" {
		t.Fatalf("htmx poll without a session: %v %v", resp, err)
	}
	req, _ = http.NewRequest("POST", h.ts.URL+"/login", strings.NewReader(url.Values{"username": {"editor"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := p.http.Do(req); err != nil || resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Fatalf("cross-site login: %v %v", resp, err)
	}
	st, body, _ := p.post("/login", url.Values{"username": {"editor"}, "password": {"wrong"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误（错误代码：unauthenticated）") {
		t.Fatalf("bad password: %d %s", st, body)
	}
	st, _, hdr = p.post("/login", url.Values{"username": {"editor"}, "password": {password}, "next": {"/\t/evil.example/"}})
	if st != http.StatusSeeOther || hdr.Get("Location") != "/" {
		t.Fatalf("login with an off-site next: %d %q", st, hdr.Get("Location"))
	}
	st, body, hdr = p.get("/")
	if st != 200 || !strings.Contains(body, "工作台") || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("dashboard: %d %v", st, hdr)
	}
	if st, body, _ := p.post("/logout", nil); st != http.StatusForbidden || !strings.Contains(body, "csrf_failed") {
		t.Fatalf("logout without the CSRF token: %d %s", st, body)
	}
	csrf := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token on the page")
	}
	if st, _, hdr := p.post("/logout", url.Values{"csrf_token": {csrf[1]}}); st != http.StatusSeeOther || hdr.Get("Location") != "/login" {
		t.Fatalf("logout: %d", st)
	}
	if st, _, _ := p.get("/"); st != http.StatusSeeOther {
		t.Fatalf("after logout: %d", st)
	}
}

// TestConsolePagesRender opens every page as the role it is for, over an
// item in review, and checks each renders in Chinese without errors.
func TestConsolePagesRender(t *testing.T) {
	h := setupConsole(t)
	it := inReview(t, h, "控制台测试稿件")
	pages := map[string][]string{
		"editor":   {"/", "/compose", "/items", "/items/" + itoa(it.ID), "/items/" + itoa(it.ID) + "/edit", "/items/" + itoa(it.ID) + "/deliveries"},
		"reviewer": {"/", "/reviews", "/items/" + itoa(it.ID), "/delegations"},
		"admin": {"/admin/accounts", "/admin/users", "/admin/users/" + itoa(h.users["editor"].ID), "/admin/dictionaries", "/admin/audit",
			"/admin/audit?verify=1", "/admin/policies", "/admin/holidays", "/admin/requests", "/inbox?state=open&due=today"},
		"auditor": {"/admin/policies", "/admin/holidays", "/admin/requests", "/admin/dictionaries"},
	}
	for who, paths := range pages {
		p := h.visitor(t)
		p.login(who)
		for _, path := range paths {
			st, body, _ := p.get(path)
			if st != 200 || strings.Contains(body, "错误代码") {
				t.Errorf("%s %s: %d %s", who, path, st, body)
			}
		}
	}
	p := h.visitor(t)
	p.login("reviewer")
	if _, body, _ := p.get("/reviews"); !strings.Contains(body, "控制台测试稿件") || !strings.Contains(body, `name="version_hash" value="`+it.Version.Hash) {
		t.Errorf("review queue lacks the item or its hash: %s", body)
	} else if !strings.Contains(body, "<del>常务</del><ins>全体</ins>") {
		t.Errorf("review queue lacks the diff against version 1: %s", body)
	}
	admin := h.visitor(t)
	admin.login("admin")
	if _, body, _ := admin.get("/admin/audit?verify=1"); !strings.Contains(body, "校验通过") {
		t.Errorf("audit chain check: %s", body)
	}
	if st, body, _ := p.get("/compose"); st != 403 || !strings.Contains(body, "错误代码：forbidden") {
		t.Errorf("reviewer on /compose: %d", st)
	}
	if st, body, _ := p.get("/items/999999"); st != 404 || !strings.Contains(body, "错误代码：not_found") {
		t.Errorf("missing item: %d %s", st, body)
	}
}

// inReview is an item with a second version (常务 → 全体), submitted.
func inReview(t *testing.T, h *harness, title string) created {
	t.Helper()
	it := h.createItem("editor", archived(title))
	v2 := archived(title)
	v2["body"], v2["base_version"] = "<p>市政府召开全体会议，研究部署近期重点工作。</p>", 1
	if st := h.script("editor").do("PUT", "/api/v1/items/"+itoa(it.ID), v2, &it); st != 200 {
		t.Fatalf("second version: %d", st)
	}
	if st := h.script("editor").do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	return it
}

// TestConsolePreview renders the compose form per channel with the
// delivery worker's renderer, and explains what is missing instead.
func TestConsolePreview(t *testing.T) {
	h := setupConsole(t)
	preview := h.previewer(t, "editor")
	st, out := preview(itemBody("预览测试"))
	for _, want := range []string{"微信公众号预览", "微博预览", "移动客户端预览", "政府网站预览", "/ 140 字", "市政府召开常务会议"} {
		if st != 200 || !strings.Contains(out, want) {
			t.Errorf("preview lacks %q: %d %s", want, st, out)
		}
	}
	body := itemBody("")
	delete(body, "title")
	if st, out := preview(body); st != 200 || !strings.Contains(out, "错误代码：validation_failed") || !strings.Contains(out, "标题") {
		t.Errorf("preview without a title: %d %s", st, out)
	}
}

// TestConsoleNothingFromInternet keeps the console intranet-only: no
// template or script refers to another origin.
func TestConsoleNothingFromInternet(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	err := fs.WalkDir(console.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, "/vendor/") {
			return err
		}
		b, _ := fs.ReadFile(console.FS, path)
		if loc := remote.FindIndex(b); loc != nil {
			t.Errorf("%s refers to another origin: %q", path, b[loc[0]:min(loc[1]+40, len(b))])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h := setupConsole(t)
	for _, f := range []string{"/static/vendor/htmx/htmx.min.js", "/static/console.js", "/static/console.css"} {
		if st, _, _ := h.visitor(t).get(f); st != 200 {
			t.Errorf("%s: %d", f, st)
		}
	}
}

// TestPreviewDoesNotNameOtherUnitsAccounts (issue 16, finding 12): the
// compose preview renders only the accounts the editor may publish on; an
// id of another city's account shows nothing of it, not even its name.
func TestPreviewDoesNotNameOtherUnitsAccounts(t *testing.T) {
	h := setupConsole(t)
	own := h.account(h.unitA.ID, tongfa.PlatformWeibo, "甲局官方微博")
	foreign := h.account(h.city2.ID, tongfa.PlatformWeChat, "邻市发布")
	body := itemBody("预览测试")
	body["targets"] = []int64{own, foreign}
	if st, out := h.previewer(t, "editor")(body); st != 200 || !strings.Contains(out, "甲局官方微博") || strings.Contains(out, "邻市发布") {
		t.Fatalf("preview of own and foreign targets: %d %s", st, out)
	}
}

// previewer logs who into the console and returns a function posting a
// compose form to /compose/preview as the page's script does.
func (h *harness) previewer(t *testing.T, who string) func(map[string]any) (int, string) {
	p := h.visitor(t)
	p.login(who)
	_, page, _ := p.get("/compose")
	csrf := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindStringSubmatch(page)
	return func(body map[string]any) (int, string) {
		js, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", h.ts.URL+"/compose/preview", bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(web.CSRFHeader, csrf[1])
		resp, err := p.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
}
