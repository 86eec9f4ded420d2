package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web"
)

// consoleUser is someone logged in to the console who posts its forms the
// way console.js does: JSON to the form's data-api, with the CSRF token of
// the page's <meta name="csrf-token">.
type consoleUser struct {
	*page
	who  string
	csrf string
}

func (h *harness) consoleAs(t *testing.T, who string) *consoleUser {
	t.Helper()
	p := h.visitor(t)
	p.login(who)
	_, body, _ := p.get("/")
	m := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no CSRF token on the dashboard", who)
	}
	return &consoleUser{page: p, who: who, csrf: m[1]}
}

// open renders a page that must answer 200 without an error.
func (c *consoleUser) open(path string) string {
	c.t.Helper()
	st, body, _ := c.get(path)
	if st != http.StatusOK || strings.Contains(body, "错误代码") {
		c.t.Fatalf("%s %s: %d %s", c.who, path, st, body)
	}
	return body
}

// refused checks that a page answers with status and the stable code.
func (c *consoleUser) refused(path string, status int, code string) {
	c.t.Helper()
	if st, body, _ := c.get(path); st != status || !strings.Contains(body, "错误代码："+code) {
		c.t.Errorf("%s %s: %d, want %d with %s", c.who, path, st, status, code)
	}
}

// send posts a form's body: JSON, or raw text for data-raw forms.
func (c *consoleUser) send(method, path string, body any) (int, apiError) {
	c.t.Helper()
	var rd *bytes.Reader
	ct := "application/json"
	if s, ok := body.(string); ok {
		rd, ct = bytes.NewReader([]byte(s)), "text/plain; charset=utf-8"
	} else {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, c.h.ts.URL+path, rd)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(web.CSRFHeader, c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	var e apiError
	json.Unmarshal([]byte(readAll(resp)), &e) //nolint:errcheck // success bodies are not errors
	return resp.StatusCode, e
}

// expect checks a form post's status and, for an error, its code.
func (c *consoleUser) expect(method, path string, body any, status int, code string) apiError {
	c.t.Helper()
	st, e := c.send(method, path, body)
	if st != status || e.Error.Code != code {
		c.t.Fatalf("%s %s %s: %d %+v, want %d %q", c.who, method, path, st, e, status, code)
	}
	return e
}

// mustShow fails for each want the page lacks and each not it has.
func mustShow(t *testing.T, what, body string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("%s shows %q", what, n)
		}
	}
}

// TestConsolePolicyForms: a bureau's administrator sees the effective tier
// and clock policies, saves an override, gets line-numbered Chinese errors
// for a bad one, restores an earlier version; an auditor only reads, and
// other roles and units are refused.
func TestConsolePolicyForms(t *testing.T) {
	h := setupConsole(t)
	unit := itoa(h.unitA.ID)
	page := "/admin/policies?unit=" + unit
	tierAPI, clockAPI := "/api/v1/units/"+unit+"/policies/tier", "/api/v1/units/"+unit+"/policies/clock"
	admin := h.consoleAs(t, "admin")
	mustShow(t, "policies", admin.open(page), []string{`data-api="` + tierAPI + `" data-method="PUT"`,
		`data-api="` + clockAPI + `" data-method="PUT"`, "strict: false", "weibo: 1h", "wechat: 1wd", "interpretation: 3wd",
		`href="/admin/policies" aria-current="page"`}, nil)

	admin.expect("PUT", tierAPI, map[string]any{"content": "strict: true\n", "note": "全部三级审核"}, 200, "")
	admin.expect("PUT", clockAPI, map[string]any{"content": "urgent:\n  weibo: 30m\n"}, 200, "")
	body := admin.open(page)
	mustShow(t, "policies after saving", body, []string{"strict: true", "weibo: 30m", "全部三级审核", "使用中"}, []string{"strict: false"})

	e := admin.expect("PUT", tierAPI, map[string]any{"content": "strict: maybe\nbogus: 1\n"}, 422, "validation_failed")
	for _, want := range []string{"审签策略第1行「strict」", "应为 true 或 false", "第2行「bogus」", "未知的配置项"} {
		if !strings.Contains(e.Error.Message, want) {
			t.Errorf("tier policy error lacks %q: %s", want, e.Error.Message)
		}
	}
	if e := admin.expect("PUT", clockAPI, map[string]any{"content": "urgent:\n  weibo: soon\n"}, 422, "validation_failed"); !strings.Contains(e.Error.Message, "须为时长") {
		t.Errorf("clock policy error: %s", e.Error.Message)
	}
	if !strings.Contains(admin.open(page), "strict: true") {
		t.Error("a refused policy changed the effective one")
	}

	admin.expect("PUT", tierAPI, map[string]any{"content": "strict: false\nurgent: principal\n"}, 200, "")
	admin.expect("PUT", tierAPI, map[string]any{"version": 1}, 200, "")
	mustShow(t, "policies after the rollback", admin.open(page), []string{"strict: true", "urgent: deputy"}, nil)

	// An override stored before a stricter release still opens, for fixing.
	err := h.db.InTx(context.Background(), func(tx *store.Tx) error { return tx.SetClockPolicy(context.Background(), h.unitA.ID, "bogus: 1\n") })
	if err != nil {
		t.Fatal(err)
	}
	mustShow(t, "policies with a broken override", admin.open(page), []string{"本单位覆盖无法解析，请修正", "bogus: 1", `data-api="` + clockAPI}, nil)

	auditor := h.consoleAs(t, "auditor")
	mustShow(t, "policies as auditor", auditor.open(page), []string{"strict: true", "只有该单位的管理员可以修改"},
		[]string{`data-api="` + tierAPI})
	auditor.expect("PUT", tierAPI, map[string]any{"content": "strict: false\n"}, 403, "forbidden")
	admin.refused("/admin/policies?unit="+itoa(h.unitB.ID), 404, "not_found")
	admin.expect("PUT", "/api/v1/units/"+itoa(h.unitB.ID)+"/policies/tier", map[string]any{"content": "strict: true\n"}, 404, "not_found")
	h.consoleAs(t, "editor").refused(page, 403, "forbidden")
}

// TestConsoleHolidayForm: the system administrator imports a year's
// calendar as text; errors name the line; the city's and a bureau's
// administrators and an editor cannot import.
func TestConsoleHolidayForm(t *testing.T) {
	h := setupConsole(t)
	h.consoleAs(t, "cityadmin").expect("POST", "/api/v1/holidays", "year 2031 测试通知\n2031-01-01 holiday 元旦\n", 403, "forbidden")
	city := h.consoleAs(t, "sysadmin")
	mustShow(t, "holidays", city.open("/admin/holidays"), []string{"2025 年、2026 年", `data-api="/api/v1/holidays" data-raw="content"`,
		`type="file"`}, []string{"2031 年"})
	city.expect("POST", "/api/v1/holidays", "year 2031 测试通知\n2031-01-01 holiday 元旦\n", 200, "")
	mustShow(t, "holidays after the import", city.open("/admin/holidays"), []string{"2025 年、2026 年、2031 年"}, nil)
	e := city.expect("POST", "/api/v1/holidays", "year 2032\n2032-13-01 holiday 元旦\n", 422, "validation_failed")
	if !strings.Contains(e.Error.Message, "节假日数据有误") || !strings.Contains(e.Error.Message, "第2行") {
		t.Errorf("calendar error: %s", e.Error.Message)
	}

	admin := h.consoleAs(t, "admin")
	mustShow(t, "holidays as a bureau admin", admin.open("/admin/holidays"), []string{"由系统管理员导入"}, []string{`data-api="/api/v1/holidays"`})
	admin.expect("POST", "/api/v1/holidays", "year 2033\n", 403, "forbidden")
	h.consoleAs(t, "editor").refused("/admin/holidays", 403, "forbidden")
}

// TestConsoleRoleForms: an administrator grants and revokes a role from a
// user's page; unknown roles are refused, their own roles cannot be
// changed, and users outside their units are not shown.
func TestConsoleRoleForms(t *testing.T) {
	h := setupConsole(t)
	editor := h.users["editor"]
	page, api := "/admin/users/"+itoa(editor.ID), "/api/v1/users/"+itoa(editor.ID)+"/roles"
	admin := h.consoleAs(t, "admin")
	mustShow(t, "users", admin.open("/admin/users"), []string{`href="` + page + `"`}, nil)
	mustShow(t, "user page", admin.open(page), []string{`data-api="` + api + `"`, `name="grant" value="true" data-type="bool"`,
		`name="grant" value="false" data-type="bool"`, "示范市甲局 · 采编"}, nil)

	grant := map[string]any{"unit_id": h.unitA.ID, "role": "reviewer", "grant": true}
	admin.expect("POST", api, grant, 204, "")
	mustShow(t, "user page after the grant", admin.open(page), []string{"示范市甲局 · 审核员"}, nil)
	grant["grant"] = false
	admin.expect("POST", api, grant, 204, "")
	mustShow(t, "user page after the revocation", admin.open(page), nil, []string{"示范市甲局 · 审核员"})

	e := admin.expect("POST", api, map[string]any{"unit_id": h.unitA.ID, "role": "boss", "grant": true}, 422, "validation_failed")
	if e.Error.Fields["role"] == "" {
		t.Errorf("no field error for the role: %+v", e)
	}
	self := "/admin/users/" + itoa(h.users["admin"].ID)
	mustShow(t, "own page", admin.open(self), []string{"不能调整自己的角色"}, []string{"data-api="})
	admin.expect("POST", "/api/v1/users/"+itoa(h.users["admin"].ID)+"/roles", map[string]any{"unit_id": h.unitA.ID, "role": "editor", "grant": true}, 422, "validation_failed")
	admin.refused("/admin/users/"+itoa(h.users["editorB"].ID), 404, "not_found")
	h.consoleAs(t, "reviewer").refused(page, 403, "forbidden")
	h.consoleAs(t, "editor").expect("POST", api, grant, 403, "forbidden")
}
