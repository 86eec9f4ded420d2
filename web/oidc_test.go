package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/identity/identitytest"
)

// TestUnifiedIdentityLogin: with a provider configured, the login page
// offers it; the browser goes to the provider and back, the user the
// provider names is signed in (audited with the provider's subject) and
// lands where they were going; a refusal at the provider, a callback
// that this browser did not start and a name the hub does not know are
// told plainly, in Chinese, and sign nobody in. Without a provider the
// routes do not exist.
func TestUnifiedIdentityLogin(t *testing.T) {
	h := setup(t)
	if st, _, _ := h.raw("GET", "/login/oidc", "", nil); st != 404 {
		t.Fatalf("without a provider: %d, want 404", st)
	}
	idp := identitytest.New(t)
	h.hub.Identity.OIDC = &identity.OIDCOnDemand{Config: identity.OIDCConfig{Issuer: idp.URL, ClientID: identitytest.ClientID,
		ClientSecret: identitytest.ClientSecret, RedirectURL: h.ts.URL + "/login/oidc/callback"}}
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(h.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if _, page := get(browser(), "/login"); !strings.Contains(page, `href="/login/oidc?next=%2f"`) || !strings.Contains(page, "使用统一身份认证登录") {
		t.Fatalf("the login page does not offer the provider:\n%s", page)
	}
	idp.User = "editor"
	b := browser()
	st, page := get(b, "/login/oidc?next=/items")
	if st != 200 || !strings.Contains(page, `url=/items`) {
		t.Fatalf("back from the provider: %d\n%s", st, page)
	}
	if st, page := get(b, "/items"); st != 200 || strings.Contains(page, `id="password"`) {
		t.Fatalf("signed in by the provider, the items page: %d", st)
	}
	var n int
	h.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'login' AND details::jsonb->>'via' = 'oidc'
		AND details::jsonb->>'subject' = 'gov-editor'`).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Errorf("%d oidc login audit rows, want 1", n)
	}

	for name, c := range map[string]struct {
		user, path string
		status     int
		want       string
	}{
		"refused at the provider": {"", "/login/oidc", 401, "统一身份认证未完成登录"},
		"a user the hub lacks":    {"ghost", "/login/oidc", 401, "没有对应用户"},
		"a forged callback":       {"editor", "/login/oidc/callback?code=x&state=y", 400, "不是从本系统发起的"},
	} {
		idp.User = c.user
		b := browser()
		st, page := get(b, c.path)
		if st != c.status || !strings.Contains(page, c.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", name, st, c.status, c.want, page)
		}
		if st, _ := get(b, "/api/v1/me"); st != 401 {
			t.Errorf("%s: signed in anyway (%d)", name, st)
		}
	}
}
