package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
)

// Regression tests for the findings of issue 16 that the HTTP surface
// shows; each failed on the code before its fix.

// raw sends a request with the given headers and returns status, body
// and headers.
func (h *harness) raw(method, path, body string, hdr map[string]string) (int, string, http.Header) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func bearer(h *harness, who string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + h.tokens[who]}
}

// TestQueuesAreTheSystemAdministrators (finding 2): a unit administrator
// no longer sees /admin/queues; an unsafe request must come from exactly
// this origin, not one that merely starts like it.
func TestQueuesAreTheSystemAdministrators(t *testing.T) {
	h := setup(t)
	if st, _, _ := h.raw("GET", "/admin/queues", "", bearer(h, "cityadmin")); st != 403 {
		t.Fatalf("a city administrator: %d, want 403", st)
	}
	if st, _, _ := h.raw("GET", "/admin/queues", "", bearer(h, "sysadmin")); st != 200 {
		t.Fatalf("the system administrator: %d", st)
	}
	evil := bearer(h, "sysadmin")
	evil["Origin"] = h.ts.URL + ".evil.example"
	if st, _, _ := h.raw("DELETE", "/admin/queues/api/queues/default", "", evil); st != 403 {
		t.Fatalf("a look-alike origin: %d, want 403", st)
	}
}

// TestAuditIsScopedToTheSubtree (finding 3): another city's administrator
// reads none of this city's audit rows; this city's reads none of theirs;
// installation-wide rows are the system administrator's.
func TestAuditIsScopedToTheSubtree(t *testing.T) {
	h := setup(t)
	h.createItem("editor", itemBody("本市的稿件"))
	h.createItem("editorC", itemBody("邻市的稿件"))
	h.raw("POST", "/api/v1/session", `{"username":"nobody","password":"x"}`, map[string]string{"Content-Type": "application/json"})
	units := func(who string) map[string]int {
		var out struct{ Entries []tongfa.AuditEntry }
		if st := h.script(who).do("GET", "/api/v1/audit?limit=500", nil, &out); st != 200 {
			t.Fatalf("%s: %d", who, st)
		}
		seen := map[string]int{}
		for _, e := range out.Entries {
			switch {
			case e.UnitID == nil:
				seen["installation"]++
			case *e.UnitID == h.unitC.ID || *e.UnitID == h.city2.ID:
				seen["city2"]++
			default:
				seen["city"]++
			}
		}
		return seen
	}
	if got := units("adminC"); got["city"] != 0 || got["installation"] != 0 || got["city2"] == 0 {
		t.Errorf("the other city's administrator read %v", got)
	}
	if got := units("cityadmin"); got["city2"] != 0 || got["installation"] != 0 || got["city"] == 0 {
		t.Errorf("this city's administrator read %v", got)
	}
	if got := units("sysadmin"); got["installation"] == 0 {
		t.Errorf("the system administrator read %v", got)
	}
}

// TestRolesChangeOnlyWithinTheSubtree (finding 4): a bureau's
// administrator cannot touch the city administrator's roles (which logged
// them out), nor another city's users; ids outside are not found.
func TestRolesChangeOnlyWithinTheSubtree(t *testing.T) {
	h := setup(t)
	top := h.login("cityadmin")
	grant := map[string]any{"unit_id": h.unitA.ID, "role": "editor", "grant": true}
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["cityadmin"].ID), grant, nil); st != 404 {
		t.Fatalf("a bureau admin changing the city admin's roles: %d, want 404", st)
	}
	if st := top.do("GET", "/api/v1/me", nil, nil); st != 200 {
		t.Fatalf("the city admin was logged out: %d", st)
	}
	if st := h.script("adminC").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["editor"].ID),
		map[string]any{"unit_id": h.unitC.ID, "role": "editor", "grant": true}, nil); st != 404 {
		t.Fatalf("another city's admin: %d, want 404", st)
	}
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["editor"].ID),
		map[string]any{"unit_id": h.city.ID, "role": "admin", "grant": true}, nil); st != 403 {
		t.Fatalf("a bureau admin granting a role in the city: %d, want 403", st)
	}
	if st := h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["editor"].ID),
		map[string]any{"unit_id": h.city.ID, "role": "sysadmin", "grant": true}, nil); st != 403 {
		t.Fatalf("a city admin granting sysadmin: %d, want 403", st)
	}
	if st := h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["editor"].ID), grant, nil); st != 204 {
		t.Fatalf("the city admin within the subtree: %d", st)
	}
}

// TestLoginStormsAreThrottled (finding 6): an address trying faster than
// the login rate gets 429 with a Chinese message and Retry-After, before
// any password is hashed.
func TestLoginStormsAreThrottled(t *testing.T) {
	h := setup(t)
	// All at once, as a storm comes: tried one after another on a loaded
	// machine, each refused password takes long enough for the rate to
	// refill between them.
	type answer struct {
		st   int
		body string
		hdr  http.Header
	}
	answers := make(chan answer, 40)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"username":"storm%d","password":"x"}`, i)
			st, b, hdr := h.raw("POST", "/api/v1/session", body, map[string]string{"Content-Type": "application/json"})
			answers <- answer{st, b, hdr}
		}()
	}
	wg.Wait()
	close(answers)
	var got []int
	for a := range answers {
		if a.st == 429 {
			if a.hdr.Get("Retry-After") == "" || !strings.Contains(a.body, "登录尝试过于频繁") {
				t.Fatalf("429 without the reason: %q Retry-After=%q", a.body, a.hdr.Get("Retry-After"))
			}
			return
		}
		got = append(got, a.st)
	}
	t.Fatalf("40 logins at once from one address, none refused with 429: %v", got)
}

// TestLockoutDoesNotTellUsernamesApart (finding 12): five wrong passwords
// lock an unknown username exactly as they lock a real one.
func TestLockoutDoesNotTellUsernamesApart(t *testing.T) {
	h := setup(t)
	for _, name := range []string{"editor", "nobody-here"} {
		var codes []int
		for range 6 {
			st, _, _ := h.raw("POST", "/api/v1/session", `{"username":"`+name+`","password":"wrong"}`,
				map[string]string{"Content-Type": "application/json"})
			codes = append(codes, st)
		}
		if fmt.Sprint(codes) != "[401 401 401 401 423 423]" {
			t.Errorf("%s: %v", name, codes)
		}
	}
}

// TestTextInputIsValidated (finding 8): NUL and broken UTF-8 in a JSON
// body, an escaped NUL, and a NUL in a query answer 400 with a Chinese
// message, never 500; nothing is stored.
func TestTextInputIsValidated(t *testing.T) {
	h := setup(t)
	js := bearer(h, "editor")
	js["Content-Type"] = "application/json"
	for name, body := range map[string]string{
		"escaped NUL in a login": `{"username":"a\u0000b","password":"x"}`,
		"raw NUL":                "{\"title\":\"a\x00b\"}",
		"invalid UTF-8":          "{\"title\":\"\xff\xfe\"}",
		"escaped NUL in a key":   `{"ti\u0000tle":"x"}`,
	} {
		path := "/api/v1/items"
		if strings.Contains(name, "login") {
			path = "/api/v1/session"
		}
		st, b, _ := h.raw("POST", path, body, js)
		if st != 400 || !strings.Contains(b, "无效字符") {
			t.Errorf("%s: %d %s", name, st, b)
		}
	}
	for _, q := range []string{"/api/v1/items?q=%00", "/api/v1/items?q=%FF", "/api/v1/audit?action=%00"} {
		if st, b, _ := h.raw("GET", q, "", bearer(h, "admin")); st != 400 || !strings.Contains(b, "invalid_query") {
			t.Errorf("%s: %d %s", q, st, b)
		}
	}
	var n int
	h.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM items`).Scan(&n) //nolint:errcheck
	if n != 0 {
		t.Fatalf("%d items stored", n)
	}
}

// TestDictionaryChangeWithoutNewWords (finding 9): a version that adds no
// word is committed and answers 200 without a patrol, not 500.
func TestDictionaryChangeWithoutNewWords(t *testing.T) {
	h := setup(t)
	up := func(content string) (int, map[string]any) {
		var out map[string]any
		st := h.script("sysadmin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "office", "content": content}, &out)
		return st, out
	}
	if st, out := up("违规词\tcustom\tblock\n"); st != 200 || out["patrol"] == nil {
		t.Fatalf("first version: %d %v", st, out)
	}
	if st, out := up("违规词\tcustom\tblock\n# 仅改注释\n"); st != 200 || out["patrol"] != nil {
		t.Fatalf("a version adding no word: %d %v", st, out)
	}
	if st := h.script("cityadmin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "office", "content": "x\tcustom\tblock\n"}, nil); st != 403 {
		t.Fatalf("a city administrator changing the installation's dictionary (finding 11): %d", st)
	}
}

// TestUnitWordsStayInTheSubtree (finding 11): a bureau's administrator
// adds words for the bureau and the units below it only; they are checked
// there (a block-level word stops submission) and nowhere else; nobody
// reaches up or across; the installation's dictionaries stay the system
// administrator's.
func TestUnitWordsStayInTheSubtree(t *testing.T) {
	h := setup(t)
	words := map[string]string{"content": "东湖改造\tcustom\tblock\t项目尚未批复，请勿发布\n"}
	if st := h.script("admin").do("PUT", fmt.Sprintf("/api/v1/units/%d/words", h.unitA.ID), words, nil); st != 200 {
		t.Fatalf("the bureau's administrator sets its words: %d", st)
	}
	for who, unit := range map[string]int64{"admin": h.city.ID, "adminC": h.unitA.ID} {
		if st := h.script(who).do("PUT", fmt.Sprintf("/api/v1/units/%d/words", unit), words, nil); st != 404 {
			t.Errorf("%s sets the words of unit %d: %d, want 404", who, unit, st)
		}
	}
	if st := h.script("editor").do("PUT", fmt.Sprintf("/api/v1/units/%d/words", h.unitA.ID), words, nil); st != 403 {
		t.Errorf("an editor sets words: %d, want 403", st)
	}
	text := map[string]string{"text": "东湖改造下月开工"}
	for who, want := range map[string]bool{"editor": true, "editorA1": true, "editorB": false, "editorC": false} {
		var rep struct{ Findings []struct{ Rule string } }
		if st := h.script(who).do("POST", "/api/v1/check", text, &rep); st != 200 {
			t.Fatalf("%s checks: %d", who, st)
		}
		got := len(rep.Findings) == 1 && rep.Findings[0].Rule == "东湖改造"
		if got != want {
			t.Errorf("%s's check finds the bureau's word: %v, want %v (%+v)", who, got, want, rep.Findings)
		}
	}
	body := archived("东湖改造进展")
	it := h.createItem("editor", body)
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", it.ID), nil, nil); st != 422 {
		t.Errorf("submitting the bureau's blocked word: %d, want 422", st)
	}
	other := h.createItem("editorB", archived("东湖改造进展"))
	if st := h.script("editorB").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", other.ID), nil, nil); st != 200 {
		t.Errorf("a sibling bureau submits the same title: %d, want 200", st)
	}
}

// TestDelegationStaysInTheCity (finding 10): a leader cannot hand their
// level to a leader of another city; an unknown id gets the same answer.
func TestDelegationStaysInTheCity(t *testing.T) {
	h := setup(t)
	now := h.db.Now()
	in := map[string]any{"unit_id": h.unitA.ID, "role": "deputy", "starts_at": now, "ends_at": now.Add(24 * time.Hour), "reason": "出差"}
	var msgs []string
	for _, id := range []int64{h.users["deputyC"].ID, 999999} {
		in["delegate_id"] = id
		var e apiError
		if st := h.script("deputy").do("POST", "/api/v1/delegations", in, &e); st != 422 {
			t.Fatalf("delegate to %d: %d", id, st)
		}
		msgs = append(msgs, e.Error.Message)
	}
	if msgs[0] != msgs[1] {
		t.Fatalf("foreign and unknown delegates are told apart: %q", msgs)
	}
}

// TestPatrolWordsAreNotForEveryone (finding 12): an editor reading a
// patrol run does not see the words it looked for.
func TestPatrolWordsAreNotForEveryone(t *testing.T) {
	h := setup(t)
	var out struct {
		Patrol struct{ ID int64 } `json:"patrol"`
	}
	if st := h.script("sysadmin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "office", "content": "机密词语\tcustom\tblock\n"}, &out); st != 200 {
		t.Fatalf("upload: %d", st)
	}
	for who, want := range map[string]bool{"editor": false, "cityauditor": true} {
		var run struct {
			Run struct{ Words []string } `json:"run"`
		}
		if st := h.script(who).do("GET", fmt.Sprintf("/api/v1/patrol/%d", out.Patrol.ID), nil, &run); st != 200 {
			t.Fatalf("%s: %d", who, st)
		}
		if got := len(run.Run.Words) > 0; got != want {
			t.Errorf("%s sees the words: %v", who, run.Run.Words)
		}
	}
}

// TestAssigningDoesNotTellUsersApart (finding 12): assigning a message to
// another city's user and to an unknown id answers alike.
func TestAssigningDoesNotTellUsersApart(t *testing.T) {
	h := setup(t)
	acc := h.account(h.unitA.ID, tongfa.PlatformApp, "甲局客户端")
	ctx := context.Background()
	a, _ := h.db.Account(ctx, acc)
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: a, Kind: "comment", PlatformMsgID: "1", Body: "请问办事时间", At: time.Now()}})
	if err != nil || len(ms) != 1 {
		t.Fatal(err)
	}
	var bodies []string
	for _, id := range []int64{h.users["editorC"].ID, 999999} {
		var e apiError
		if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/inbox/%d/assign", ms[0].ID), map[string]int64{"user_id": id}, &e); st != 422 {
			t.Fatalf("assign to %d: %d", id, st)
		}
		bodies = append(bodies, e.Error.Message+fmt.Sprint(e.Error.Fields))
	}
	if bodies[0] != bodies[1] {
		t.Fatalf("foreign and unknown users are told apart: %q", bodies)
	}
}

// TestTitlesAreStoredAsText (finding 14): an ampersand and quotes are
// stored and returned as typed, not as &amp; and &#34;.
func TestTitlesAreStoredAsText(t *testing.T) {
	h := setup(t)
	body := itemBody(`党建 & 业务"双融合"`)
	c := h.createItem("editor", body)
	it, err := h.db.Item(context.Background(), c.ID)
	if err != nil || it.Version.Content.Title != `党建 & 业务"双融合"` {
		t.Fatalf("stored title %q (%v)", it.Version.Content.Title, err)
	}
}

// TestTokensExpireAndHaveScopes (finding 17): a token expires (401 with
// the reason), a read-only token cannot change anything, and the list
// shows when each was last used.
func TestTokensExpireAndHaveScopes(t *testing.T) {
	h := setup(t)
	var made struct {
		Token     string    `json:"token"`
		ID        int64     `json:"id"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if st := h.script("editor").do("POST", "/api/v1/tokens", map[string]any{"name": "只读脚本", "days": 1, "scope": "read"}, &made); st != 201 {
		t.Fatalf("create: %d", st)
	}
	ro := &client{h: h, http: http.DefaultClient, bearer: made.Token}
	if st := ro.do("GET", "/api/v1/items", nil, nil); st != 200 {
		t.Fatalf("read with a read-only token: %d", st)
	}
	var e apiError
	if st := ro.do("POST", "/api/v1/items", itemBody("只读令牌不能写"), &e); st != 403 {
		t.Fatalf("write with a read-only token: %d", st)
	}
	var list struct{ Tokens []store.Token }
	h.script("editor").do("GET", "/api/v1/tokens", nil, &list)
	for _, tk := range list.Tokens {
		if tk.ID == made.ID && tk.LastUsedAt == nil {
			t.Errorf("last use not shown: %+v", tk)
		}
	}
	if st := h.script("editor").do("POST", "/api/v1/tokens", map[string]any{"name": "太久", "days": 400}, nil); st != 422 {
		t.Fatalf("a token for 400 days: %d", st)
	}
	h.db.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	defer func() { h.db.Now = time.Now }()
	if st := ro.do("GET", "/api/v1/items", nil, &e); st != 401 || !strings.Contains(e.Error.Message, "过期") {
		t.Fatalf("an expired token: %d %+v", st, e.Error)
	}
}

// TestServingHardening (findings 16 and 18): the console allows images
// only from the hub; /static/ lists nothing; /metrics is not anonymous.
func TestServingHardening(t *testing.T) {
	h := setup(t)
	_, _, hdr := h.raw("GET", "/login", "", nil)
	csp := hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data:;") || strings.Contains(csp, "http:") {
		t.Errorf("CSP %q", csp)
	}
	for _, p := range []string{"/static/", "/static/vendor/"} {
		if st, b, _ := h.raw("GET", p, "", nil); st != 404 || strings.Contains(b, "<a href") {
			t.Errorf("%s: %d %.80s", p, st, b)
		}
	}
	if st, _, _ := h.raw("GET", "/static/console.css", "", nil); st != 200 {
		t.Errorf("a static file: %d", st)
	}
	for who, want := range map[string]int{"": 401, "editor": 403, "sysadmin": 200} {
		var hdr map[string]string
		if who != "" {
			hdr = bearer(h, who)
		}
		if st, _, _ := h.raw("GET", "/metrics", "", hdr); st != want {
			t.Errorf("/metrics as %q: %d, want %d", who, st, want)
		}
	}
	if hdr.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over plain http: %q", hdr.Get("Strict-Transport-Security"))
	}
}

// TestCheckExemption: POST /check keeps personal data under a typed
// exemption with a legal basis (and asks for the deputy), and refuses an
// exemption without type or basis with the fields named in Chinese.
func TestCheckExemption(t *testing.T) {
	h := setup(t)
	text := "经查，张三（身份证号 11010519491231002X）存在违规行为，予以通报。"
	var rep struct {
		MaskedText   string `json:"masked_text"`
		RequiredTier string `json:"required_tier"`
	}
	body := map[string]any{"text": text, "exemption": map[string]string{"type": "disciplinary", "basis": "《中国共产党纪律处分条例》第四十条"}}
	if st := h.script("editor").do("POST", "/api/v1/check", body, &rep); st != 200 {
		t.Fatalf("check with exemption: %d", st)
	}
	if !strings.Contains(rep.MaskedText, "11010519491231002X") || rep.RequiredTier == "routine" {
		t.Errorf("exemption not applied: %+v", rep)
	}
	for _, ex := range []map[string]string{{"type": "friendly", "basis": "《条例》第四十条"}, {"type": "disciplinary"}} {
		var e apiError
		if st := h.script("editor").do("POST", "/api/v1/check", map[string]any{"text": text, "exemption": ex}, &e); st != 422 || e.Error.Code != tongfa.EInvalid {
			t.Errorf("exemption %v: %d %+v", ex, st, e)
		}
		if len(e.Error.Fields) == 0 || !strings.Contains(e.Error.Message+fmt.Sprint(e.Error.Fields), "豁免类型") && !strings.Contains(e.Error.Message+fmt.Sprint(e.Error.Fields), "法定依据") {
			t.Errorf("exemption %v: fields %+v", ex, e.Error)
		}
	}
}

// TestRobotKeysNeverLeave: a group robot's webhook key is shown masked
// when it is saved and when robots are listed; the signing secret is
// reported only as present.
func TestRobotKeysNeverLeave(t *testing.T) {
	h := setup(t)
	const key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
	body := map[string]any{"unit_id": h.unitA.ID, "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key}
	for _, c := range []struct{ method, path string }{{"POST", "/api/v1/robots"}, {"GET", "/api/v1/robots"}} {
		var raw json.RawMessage
		var b any
		if c.method == "POST" {
			b = body
		}
		if st := h.script("admin").do(c.method, c.path, b, &raw); st/100 != 2 {
			t.Fatalf("%s %s: %d", c.method, c.path, st)
		}
		if strings.Contains(string(raw), key[4:12]) || !strings.Contains(string(raw), "key=693a****") {
			t.Errorf("%s %s shows the key: %s", c.method, c.path, raw)
		}
	}
}
