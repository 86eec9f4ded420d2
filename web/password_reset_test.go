package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/store"
)

type loginError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
		Data    struct {
			Ticket string `json:"ticket"`
		} `json:"data"`
	} `json:"error"`
}

// TestAdminPasswordReset: an administrator gives an editor of the unit a
// temporary password, shown once; the editor's sessions end and API
// tokens are revoked; the next
// sign-in must set a new password before anything else, which refuses a
// weak one and the temporary one again. Only administrators of the
// user's unit or above may, never on themselves; to others the user does
// not exist. Each step is audited.
func TestAdminPasswordReset(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	editorID := h.users["editor"].ID
	session := h.login("editor")
	path := fmt.Sprintf("/api/v1/users/%d/password-reset", editorID)
	for who, want := range map[string]int{"adminC": 404, "editor": 403} {
		if st := h.script(who).do("POST", path, nil, nil); st != want {
			t.Errorf("%s resetting the editor's password: %d, want %d", who, st, want)
		}
	}
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/users/%d/password-reset", h.users["admin"].ID), nil, nil); st != 403 {
		t.Errorf("an administrator resetting their own password: %d", st)
	}
	// The editor's tokens: the harness's and one made from the session.
	var made struct {
		Token string `json:"token"`
	}
	if st := session.do("POST", "/api/v1/tokens", map[string]string{"name": "发布脚本"}, &made); st != 201 {
		t.Fatalf("token: %d", st)
	}
	tokens := []*client{h.script("editor"), {h: h, http: h.ts.Client(), bearer: made.Token}}
	for _, c := range tokens {
		if st := c.do("GET", "/api/v1/me", nil, nil); st != 200 {
			t.Fatalf("a token before the reset: %d", st)
		}
	}
	var reset identity.PasswordReset
	if st := h.script("cityadmin").do("POST", path, nil, &reset); st != 200 || len(reset.TemporaryPassword) != 14 || reset.Sessions != 1 || reset.Tokens != 2 {
		t.Fatalf("reset: %d %+v", st, reset)
	}
	if st := session.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Errorf("the editor's session outlived the reset: %d", st)
	}
	for i, c := range tokens {
		if st := c.do("GET", "/api/v1/me", nil, nil); st != 401 {
			t.Errorf("API token %d outlived the reset: %d", i, st)
		}
	}
	anon := h.browser()
	if st := anon.do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": password}, nil); st != 401 {
		t.Errorf("the old password still signs in: %d", st)
	}
	var e loginError
	if st := anon.do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": reset.TemporaryPassword}, &e); st != 401 ||
		e.Error.Code != tongfa.EPasswordChange || e.Error.Data.Ticket == "" {
		t.Fatalf("the temporary password: %d %+v", st, e)
	}
	for _, bad := range []string{"short", reset.TemporaryPassword} {
		ticket := e.Error.Data.Ticket
		if st := anon.do("POST", "/api/v1/session", map[string]string{"ticket": ticket, "new_password": bad}, &e); st != 401 ||
			e.Error.Code != tongfa.EPasswordChange || e.Error.Fields["new_password"] == "" || e.Error.Data.Ticket == "" {
			t.Errorf("new password %q: %d %+v", bad, st, e)
		}
	}
	const chosen = "Neues-Passw0rt"
	if st := anon.do("POST", "/api/v1/session", map[string]string{"ticket": e.Error.Data.Ticket, "new_password": chosen}, nil); st != 200 {
		t.Fatalf("setting the new password: %d", st)
	}
	if st := h.browser().do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": chosen}, nil); st != 200 {
		t.Errorf("the new password, once set, signs in without another change: %d", st)
	}
	if st := h.browser().do("POST", "/api/v1/session", map[string]string{"username": "editor", "password": reset.TemporaryPassword}, nil); st != 401 {
		t.Errorf("the temporary password still signs in: %d", st)
	}
	for action, n := range map[string]int{identity.ActionPasswordReset: 1, identity.ActionPasswordChange: 1} {
		rows, _ := h.db.ListAudit(ctx, store.AuditFilter{Action: action})
		if len(rows) != n {
			t.Errorf("audit %s: %+v", action, rows)
		}
	}
}

// TestConsoleForcedPasswordChange: the console's sign-in with a temporary
// password shows the new-password form first; two different entries are
// refused; the accepted one signs in.
func TestConsoleForcedPasswordChange(t *testing.T) {
	h := setup(t)
	var reset identity.PasswordReset
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/users/%d/password-reset", h.users["editor"].ID), nil, &reset); st != 200 {
		t.Fatalf("reset: %d", st)
	}
	c := h.visitor(t)
	st, body, _ := c.post("/login", url.Values{"username": {"editor"}, "password": {reset.TemporaryPassword}, "next": {"/"}})
	if st != 200 || !strings.Contains(body, `id="new-password"`) || !strings.Contains(body, identity.PasswordChangePrompt) {
		t.Fatalf("the temporary password: %d %s", st, body)
	}
	ticket := between(body, `name="ticket" value="`, `"`)
	st, body, _ = c.post("/login", url.Values{"ticket": {ticket}, "new_password": {"Neues-Passw0rt"}, "new_password2": {"Neues-Passw0rt!"}, "next": {"/"}})
	if st != 422 || !strings.Contains(body, "两次输入的新密码不一致") || !strings.Contains(body, `id="new-password"`) {
		t.Fatalf("mismatched entries: %d", st)
	}
	st, _, _ = c.post("/login", url.Values{"ticket": {ticket}, "new_password": {"Neues-Passw0rt"}, "new_password2": {"Neues-Passw0rt"}, "next": {"/"}})
	if st != 303 {
		t.Errorf("the new password: %d", st)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	return s[:max(strings.Index(s, to), 0)]
}
