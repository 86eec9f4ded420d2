package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestAccountCredentialsNeverLeave(t *testing.T) {
	h := setup(t)
	body := map[string]any{"platform": "wechat", "name": "示范市发布", "api_base": "http://127.0.0.1:9/wechat",
		"credentials": map[string]string{"app_id": "wx123", "app_secret": "s3cr3t-app-secret"}}
	var e apiError
	if st := h.script("editor").do("POST", "/api/v1/accounts", body, &e); st != 403 {
		t.Fatalf("editor registering an account: %d", st)
	}
	var raw map[string]any
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", mergeUnit(body, h.unitA.ID), &raw); st != 201 {
		t.Fatalf("supervising admin: %d %v", st, raw)
	}
	var list struct {
		Accounts []map[string]any `json:"accounts"`
	}
	h.script("editor").do("GET", "/api/v1/accounts", nil, &list)
	if len(list.Accounts) != 1 || list.Accounts[0]["platform_label"] != "微信公众号" {
		t.Fatalf("list %v", list)
	}
	for _, v := range []any{raw, list} {
		if strings.Contains(fmtJSON(v), "s3cr3t") {
			t.Fatalf("API returned a credential: %s", fmtJSON(v))
		}
	}
	var stored []byte
	h.db.Pool.QueryRow(context.Background(), `SELECT credentials FROM accounts`).Scan(&stored)
	if len(stored) == 0 || bytes.Contains(stored, []byte("s3cr3t")) {
		t.Fatalf("credentials column holds %q", stored)
	}
	delete(body["credentials"].(map[string]string), "app_secret")
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", mergeUnit(body, h.unitA.ID), &e); st != 422 || e.Error.Fields["credentials.app_secret"] == "" {
		t.Fatalf("incomplete credentials: %d %v", st, e.Error.Fields)
	}
}

func TestSelfServiceTokens(t *testing.T) {
	h := setup(t)
	b := h.login("editor")
	var made struct {
		Token string `json:"token"`
		ID    int64  `json:"id"`
	}
	if st := b.do("POST", "/api/v1/tokens", map[string]string{"name": "发布脚本"}, &made); st != 201 || made.Token == "" {
		t.Fatalf("create: %d", st)
	}
	script := &client{h: h, http: h.ts.Client(), bearer: made.Token}
	if st := script.do("GET", "/api/v1/me", nil, nil); st != 200 {
		t.Fatalf("new token: %d", st)
	}
	if st := b.do("DELETE", "/api/v1/tokens/"+itoa(made.ID), nil, nil); st != 204 {
		t.Fatalf("revoke: %d", st)
	}
	if st := script.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("revoked token still works: %d", st)
	}
	if st := h.script("editorB").do("DELETE", "/api/v1/tokens/"+itoa(made.ID), nil, nil); st != 404 {
		t.Fatalf("revoking someone else's token: %d", st)
	}
}

func mergeUnit(body map[string]any, unit int64) map[string]any {
	out := map[string]any{"unit_id": unit}
	for k, v := range body {
		out[k] = v
	}
	return out
}
