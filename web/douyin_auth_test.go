package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

// douyinApp gives the hub a Douyin app on a simulator and registers a
// Douyin account of unit there without credentials.
func douyinApp(t *testing.T, h *harness, unit int64) (*tongfa.Account, *registry.DouyinApp) {
	t.Helper()
	ts := httptest.NewServer(sim.New(42))
	t.Cleanup(ts.Close)
	app := &registry.DouyinApp{ClientKey: "awk-test", ClientSecret: "secret", RedirectURL: h.ts.URL + "/accounts/douyin/callback",
		Redis: h.hub.Redis, Client: douyin.New(http.DefaultClient, nil, nil, nil, douyin.Options{})}
	h.hub.Registry.Douyin = app
	a := &tongfa.Account{UnitID: unit, Platform: tongfa.PlatformDouyin, Name: "示范市甲局抖音号", Status: tongfa.AccountActive,
		APIBase: ts.URL + "/douyin", Responsible: "值班员"}
	ctx := context.Background()
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, a, nil) }); err != nil {
		t.Fatal(err)
	}
	return a, app
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// startDouyin opens the accounts page as p and presses the account's
// authorise button; it returns the platform's authorize URL.
func startDouyin(t *testing.T, p *page, id int64) string {
	t.Helper()
	st, body, _ := p.get("/admin/accounts")
	m := csrfMeta.FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, `action="/admin/accounts/`+itoa(id)+`/douyin/authorize"`) {
		t.Fatalf("accounts page: %d, no authorise button", st)
	}
	st, body, _ = p.post("/admin/accounts/"+itoa(id)+"/douyin/authorize", url.Values{"csrf_token": {m[1]}})
	to := regexp.MustCompile(`content="0;url=([^"]+)"`).FindStringSubmatch(body)
	if st != http.StatusOK || to == nil || !strings.Contains(to[1], "/douyin/platform/oauth/connect/?") {
		t.Fatalf("authorise: %d %s", st, body)
	}
	return html.UnescapeString(to[1])
}

// backFromDouyin follows the platform's redirect to the hub's callback
// and the callback's onward link, as the browser does.
func backFromDouyin(t *testing.T, p *page, back *url.URL) (int, string, http.Header) {
	t.Helper()
	st, body, _ := p.get(back.RequestURI())
	m := regexp.MustCompile(`content="0;url=([^"]+)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("callback: %d %s", st, body)
	}
	return p.get(html.UnescapeString(m[1]))
}

func credsOf(t *testing.T, h *harness, id int64) map[string]string {
	t.Helper()
	a, err := h.db.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := connectors.Credentials(h.hub.Box, a)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDouyinAuthorisation: an administrator of the account's unit starts
// the owner's authorisation from the accounts page; the owner agrees on
// Douyin (the simulator's consent page, over HTTP); the callback stores
// the owner's tokens and open_id sealed on the account. A forged, replayed
// or expired state, a state from another session and a refusal by the
// owner are refused in Chinese and store nothing; another unit's account
// is not found.
func TestDouyinAuthorisation(t *testing.T) {
	h := setupConsole(t)
	acc, app := douyinApp(t, h, h.unitA.ID)
	admin := h.visitor(t)
	admin.login("admin")

	// Without the CSRF token nothing starts.
	if st, _, _ := admin.post("/admin/accounts/"+itoa(acc.ID)+"/douyin/authorize", nil); st != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d", st)
	}
	// Forged state.
	st, body, _ := admin.get("/admin/accounts/douyin/authorized?code=code-ou-x.abc&state=forged")
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "抖音授权请求无效、已使用或已过期") {
		t.Fatalf("forged state: %d %s", st, body)
	}

	// The owner refuses.
	back, err := sim.DouyinConsent(http.DefaultClient, startDouyin(t, admin, acc.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	if st, body, _ := backFromDouyin(t, admin, back); st != http.StatusUnprocessableEntity || !strings.Contains(body, "未同意授权") {
		t.Fatalf("refused by the owner: %d %s", st, body)
	}

	// A state started in another session (another administrator above
	// the unit) is refused there, and is then used up.
	other := h.visitor(t)
	other.login("cityadmin")
	back, err = sim.DouyinConsent(http.DefaultClient, startDouyin(t, admin, acc.ID), "ou-owner")
	if err != nil {
		t.Fatal(err)
	}
	if st, body, _ := backFromDouyin(t, other, back); st != http.StatusUnprocessableEntity || !strings.Contains(body, "抖音授权请求无效") {
		t.Fatalf("another session: %d %s", st, body)
	}
	if c := credsOf(t, h, acc.ID); len(c) != 0 {
		t.Fatalf("stored after refusals: %v", c)
	}

	// The owner agrees: the tokens are stored.
	authorizeURL := startDouyin(t, admin, acc.ID)
	u, _ := url.Parse(authorizeURL)
	if q := u.Query(); q.Get("client_key") != "awk-test" || q.Get("redirect_uri") != app.RedirectURL || len(q.Get("state")) < 20 ||
		!strings.Contains(q.Get("scope"), "video.create.bind") {
		t.Fatalf("authorize URL %s", authorizeURL)
	}
	back, err = sim.DouyinConsent(http.DefaultClient, authorizeURL, "ou-owner")
	if err != nil || back.Path != "/accounts/douyin/callback" {
		t.Fatalf("%v %v", back, err)
	}
	st, _, hdr := backFromDouyin(t, admin, back)
	if st != http.StatusSeeOther || hdr.Get("Location") != "/admin/accounts?authorized="+itoa(acc.ID) {
		t.Fatalf("authorized: %d %q", st, hdr.Get("Location"))
	}
	c := credsOf(t, h, acc.ID)
	if c["open_id"] != "ou-owner" || !strings.HasPrefix(c["access_token"], "act.ou-owner.") || c["refresh_token"] != "rft.ou-owner" ||
		c["client_key"] != "awk-test" || c["expires_at"] == "" {
		t.Fatalf("credentials %v", c)
	}
	if _, body, _ := admin.get("/admin/accounts?authorized=" + itoa(acc.ID)); !strings.Contains(body, "已完成抖音账号「示范市甲局抖音号」的授权") {
		t.Fatal("no confirmation on the accounts page")
	}
	var audited int
	if err := h.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'account.authorize' AND target = $1`,
		"account:"+itoa(acc.ID)).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("audit %d %v", audited, err)
	}

	// Replayed: the same answer again is refused, the tokens stay.
	if st, body, _ := backFromDouyin(t, admin, back); st != http.StatusUnprocessableEntity || !strings.Contains(body, "已使用或已过期") {
		t.Fatalf("replayed: %d %s", st, body)
	}
	if credsOf(t, h, acc.ID)["access_token"] != c["access_token"] {
		t.Fatal("replay changed the credentials")
	}

	// Expired.
	app.TTL = time.Second
	back, err = sim.DouyinConsent(http.DefaultClient, startDouyin(t, admin, acc.ID), "ou-late")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if st, body, _ := backFromDouyin(t, admin, back); st != http.StatusUnprocessableEntity || !strings.Contains(body, "已过期") {
		t.Fatalf("expired: %d %s", st, body)
	}
	if credsOf(t, h, acc.ID)["open_id"] != "ou-owner" {
		t.Fatal("an expired state changed the credentials")
	}

	// Another unit's administrator, and an administrator whose unit is
	// beside the account's: not found.
	for _, who := range []string{"adminC"} {
		p := h.visitor(t)
		p.login(who)
		_, body, _ := p.get("/admin/accounts")
		m := csrfMeta.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token")
		}
		if st, _, _ := p.post("/admin/accounts/"+itoa(acc.ID)+"/douyin/authorize", url.Values{"csrf_token": {m[1]}}); st != http.StatusNotFound {
			t.Fatalf("%s: %d", who, st)
		}
	}
}
