package web_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// TestInboxThroughTheHub: the website pushes a signed message to the hub's
// callback; editors list it, a deputy extends it, an editor may not.
func TestInboxThroughTheHub(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	const secret = "hook-secret"
	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局网站", APIBase: "http://127.0.0.1:9"}
	creds, _ := json.Marshal(map[string]string{"api_key": "k", "webhook_secret": secret})
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, acc, func(id int64) ([]byte, error) { return h.hub.Box.Seal(creds, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	push := func(body map[string]any, sign string) int {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/callback/website/%d", h.ts.URL, acc.ID), bytes.NewReader(b))
		m := hmac.New(sha256.New, []byte(sign))
		m.Write(b)
		req.Header.Set("X-Tongfa-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	msg := map[string]any{"id": "9001", "kind": "error_report", "user": "visitor", "text": "办事指南页面的电话号码有误",
		"created_at": time.Now(), "sent_at": time.Now().Unix()}
	if st := push(msg, "wrong"); st != http.StatusForbidden {
		t.Fatalf("wrongly signed push: %d", st)
	}
	if st := push(msg, secret); st != http.StatusNoContent {
		t.Fatalf("push: %d", st)
	}
	var list struct {
		Messages []struct {
			ID        int64  `json:"id"`
			Class     string `json:"class"`
			ClassRule string `json:"class_rule"`
			State     string `json:"state"`
		} `json:"messages"`
	}
	if st := h.script("editor").do("GET", "/api/v1/inbox", nil, &list); st != 200 || len(list.Messages) != 1 || list.Messages[0].Class != "网站找错" {
		t.Fatalf("inbox: %d %+v", st, list)
	}
	id := list.Messages[0].ID
	var e apiError
	path := fmt.Sprintf("/api/v1/inbox/%d/extend", id)
	if st := h.script("editor").do("POST", path, map[string]any{"days": 3, "reason": "需核实"}, &e); st != 403 {
		t.Fatalf("editor extending: %d %+v", st, e)
	}
	if st := h.script("deputy").do("POST", path, map[string]any{"days": 30, "reason": "需核实"}, &e); st != 422 || e.Error.Fields["days"] == "" {
		t.Fatalf("30 days: %d %+v", st, e)
	}
	var v struct {
		ExtensionDays int `json:"extension_days"`
	}
	if st := h.script("deputy").do("POST", path, map[string]any{"days": 3, "reason": "需核实"}, &v); st != 200 || v.ExtensionDays != 3 {
		t.Fatalf("deputy extending: %d %+v", st, v)
	}
	if st := h.script("editorB").do("GET", fmt.Sprintf("/api/v1/inbox/%d", id), nil, &e); st != 404 {
		t.Fatalf("another unit's editor reading: %d", st)
	}
}
