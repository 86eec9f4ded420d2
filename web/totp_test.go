package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/tongfa/tongfa/store"
)

// requireTOTP sets unit's policy to ask admins and leaders for a second
// factor.
func requireTOTP(t *testing.T, h *harness, unit int64) {
	t.Helper()
	err := h.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.SetUnitPolicy(context.Background(), unit, "totp_required: [admin, deputy, principal]\n", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(strings.ReplaceAll(secret, " ", ""), at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type loginAnswer struct {
	RecoveryCodes []string `json:"recovery_codes"`
	Error         struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Secret string `json:"secret"`
			Ticket string `json:"ticket"`
			QR     string `json:"qr_png"`
			URL    string `json:"otpauth_url"`
		} `json:"data"`
	} `json:"error"`
}

// enrolOverAPI signs who in for the first time under the policy and
// returns the secret and the recovery codes.
func enrolOverAPI(t *testing.T, h *harness, who string) (string, []string) {
	t.Helper()
	var a loginAnswer
	c := h.browser()
	if st := c.do("POST", "/api/v1/session", map[string]string{"username": who, "password": password}, &a); st != 401 || a.Error.Code != "otp_enrollment_required" {
		t.Fatalf("first sign-in of %s: %d %+v", who, st, a.Error)
	}
	if !strings.HasPrefix(a.Error.Data.QR, "data:image/png;base64,") || !strings.HasPrefix(a.Error.Data.URL, "otpauth://totp/") {
		t.Fatalf("enrolment data %+v", a.Error.Data)
	}
	secret := a.Error.Data.Secret
	var done loginAnswer
	if st := c.do("POST", "/api/v1/session", map[string]string{"ticket": a.Error.Data.Ticket, "otp": totpCode(t, secret, time.Now())}, &done); st != 200 || len(done.RecoveryCodes) != 10 {
		t.Fatalf("enrolling sign-in: %d %+v", st, done)
	}
	return secret, done.RecoveryCodes
}

// TestLeaderWithTOTPSignsOnlyWithACode: under a unit policy requiring a
// second factor, the deputy enrols at sign-in, cannot sign an item with
// the password, signs with a code, and the same code is refused the
// second time; recovery codes sign in once each.
func TestLeaderWithTOTPSignsOnlyWithACode(t *testing.T) {
	h := setup(t)
	requireTOTP(t, h, h.unitA.ID)
	secret, recovery := enrolOverAPI(t, h, "deputy")

	id, hash := h.submitted("editor", "important")
	if st, e := h.sign("reviewer", id, hash, "approve", ""); st != 201 {
		t.Fatalf("reviewer: %d %+v", st, e)
	}
	for _, cred := range []string{"", password, "123456"} {
		if st, e := h.sign("deputy", id, hash, "approve", cred); st != 403 || e.Error.Code != "step_up_required" {
			t.Fatalf("deputy with %q: %d %+v", cred, st, e)
		}
	}
	next := totpCode(t, secret, time.Now().Add(30*time.Second)) // the sign-in used this step's code
	if st, e := h.sign("deputy", id, hash, "approve", next); st != 201 {
		t.Fatalf("deputy with a code: %d %+v", st, e)
	}
	id2, hash2 := h.submitted("editor", "important")
	h.sign("reviewer", id2, hash2, "approve", "")
	if st, e := h.sign("deputy", id2, hash2, "approve", next); st != 403 || !strings.Contains(e.Error.Message, "已经用过") {
		t.Fatalf("the same code again: %d %+v", st, e)
	}

	for i, want := range []int{200, 401} {
		var a loginAnswer
		st := h.browser().do("POST", "/api/v1/session", map[string]string{"username": "deputy", "password": password, "otp": recovery[0]}, &a)
		if st != want {
			t.Fatalf("recovery code, use %d: %d %+v", i+1, st, a.Error)
		}
	}
	var status struct {
		Enrolled, Required bool
		Left               int `json:"recovery_codes_left"`
	}
	if h.script("deputy").do("GET", "/api/v1/me/totp", nil, &status); !status.Enrolled || !status.Required || status.Left != 9 {
		t.Fatalf("status %+v", status)
	}
	// The editor is not under the policy: the password alone signs in.
	h.login("editor")
}

// TestTOTPRoutes: who may call the second factor's routes.
func TestTOTPRoutes(t *testing.T) {
	h := setup(t)
	requireTOTP(t, h, h.unitA.ID)
	enrolOverAPI(t, h, "principal")
	reset := fmt.Sprintf("/api/v1/users/%d/totp", h.users["principal"].ID)
	for _, c := range []struct {
		who  string
		want int
	}{{"", 401}, {"editor", 403}, {"deputy", 403}, {"editorB", 403}, {"adminC", 404}, {"admin", 204}, {"cityadmin", 409}} {
		cl := &client{h: h, http: http.DefaultClient}
		if c.who != "" {
			cl = h.script(c.who)
		}
		if st := cl.do("DELETE", reset, nil, nil); st != c.want { // the second admin finds nothing left to reset
			t.Errorf("reset as %q: %d, want %d", c.who, st, c.want)
		}
	}
	for who, want := range map[string]int{"": 401, "editor": 200, "cityauditor": 200} {
		c := &client{h: h, http: http.DefaultClient}
		if who != "" {
			c = h.script(who)
		}
		if st := c.do("GET", "/api/v1/me/totp", nil, nil); st != want {
			t.Errorf("status as %q: %d, want %d", who, st, want)
		}
	}
	var e apiError
	if st := h.script("editor").do("POST", "/api/v1/me/totp", map[string]string{"password": "wrong-password-1"}, &e); st != 403 || e.Error.Code != "step_up_required" {
		t.Errorf("start with a wrong password: %d %+v", st, e)
	}
	var en struct {
		Secret string `json:"secret"`
	}
	if st := h.script("editor").do("POST", "/api/v1/me/totp", map[string]string{"password": password}, &en); st != 201 {
		t.Fatalf("start: %d", st)
	}
	var out struct {
		Codes []string `json:"recovery_codes"`
	}
	if st := h.script("editor").do("POST", "/api/v1/me/totp/confirm", map[string]string{"code": totpCode(t, en.Secret, time.Now())}, &out); st != 200 || len(out.Codes) != 10 {
		t.Fatalf("confirm: %d %v", st, out)
	}
	rows, _ := h.db.ListAudit(context.Background(), store.AuditFilter{Action: "totp.reset"})
	if len(rows) != 1 {
		t.Fatalf("%d totp.reset rows", len(rows))
	}
}

// TestConsoleTOTPSignIn: the console's login form takes the second step
// with the ticket (the password is not sent again), keeps the ticket after
// a wrong code, and shows the recovery codes once; an administrator's user
// page offers the reset, but not on their own page.
func TestConsoleTOTPSignIn(t *testing.T) {
	h := setupConsole(t)
	requireTOTP(t, h, h.unitA.ID)
	p := h.visitor(t)
	st, body, _ := p.post("/login", url.Values{"username": {"admin"}, "password": {password}, "next": {"/"}})
	ticket := regexp.MustCompile(`name="ticket" value="([^"]+)"`).FindStringSubmatch(body)
	secret := regexp.MustCompile(`id="totp-secret">([^<]+)<`).FindStringSubmatch(body)
	if st != 200 || ticket == nil || secret == nil || !strings.Contains(body, `src="data:image/png;base64,`) || strings.Contains(body, `name="password"`) {
		t.Fatalf("first step: %d %s", st, body)
	}
	st, body, _ = p.post("/login", url.Values{"ticket": {ticket[1]}, "otp": {"000000"}, "next": {"/"}})
	if st != 401 || !strings.Contains(body, `name="ticket" value="`+ticket[1]+`"`) || !strings.Contains(body, "动态口令或恢复码错误") {
		t.Fatalf("wrong code: %d %s", st, body)
	}
	st, body, _ = p.post("/login", url.Values{"ticket": {ticket[1]}, "otp": {totpCode(t, secret[1], time.Now())}, "next": {"/"}})
	if st != 200 || strings.Count(body, "<li><code>") != 10 || !strings.Contains(body, `href="/"`) {
		t.Fatalf("enrolled: %d %s", st, body)
	}
	if _, body, _ := p.get(fmt.Sprintf("/admin/users/%d", h.users["deputy"].ID)); !strings.Contains(body, `id="totp-reset"`) {
		t.Fatalf("no reset on another user's page: %s", body)
	}
	if _, body, _ := p.get(fmt.Sprintf("/admin/users/%d", h.users["admin"].ID)); strings.Contains(body, `id="totp-reset"`) {
		t.Fatal("a reset of one's own second factor is offered")
	}
	if st, body, _ := p.get("/account/totp"); st != 200 || !strings.Contains(body, "已绑定身份验证器") {
		t.Fatalf("account page: %d %s", st, body)
	}
}
