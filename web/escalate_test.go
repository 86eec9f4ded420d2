package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/store"
)

// TestEscalation: an urgent item pending more than 10 minutes at the
// reviewer level is escalated to the deputies, once, in the console and
// through the unit's group robot.
func TestEscalation(t *testing.T) {
	h := setup(t)
	got := make(chan string, 4)
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		got <- body.Markdown.Content
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer robot.Close()
	ctx := context.Background()
	h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateRobotWebhook(ctx, &store.RobotWebhook{UnitID: h.unitA.ID, Kind: "wecom", URL: robot.URL}, nil)
	})
	h.hub.Review.Notify.Wait = func(f func()) { f() }
	body := archived("关于道路临时封闭的紧急通告")
	body["urgency"] = "urgent"
	c := h.createItem("editor", body)
	h.script("editor").do("POST", "/api/v1/items/"+itoa(c.ID)+"/submit", nil, nil)
	<-got // the pending notice itself
	now := time.Now()
	if n, err := h.hub.Review.Escalate(ctx, now.Add(9*time.Minute)); err != nil || n != 0 {
		t.Fatalf("at 9 minutes: %d %v", n, err)
	}
	if n, err := h.hub.Review.Escalate(ctx, now.Add(11*time.Minute)); err != nil || n != 1 {
		t.Fatalf("at 11 minutes: %d %v", n, err)
	}
	if msg := <-got; !strings.Contains(msg, "审签超时提醒") || !strings.Contains(msg, "关于道路临时封闭的紧急通告") {
		t.Fatalf("robot got %q", msg)
	}
	if n, _ := h.hub.Review.Escalate(ctx, now.Add(20*time.Minute)); n != 0 {
		t.Fatalf("escalated twice")
	}
	var notes struct {
		Notifications []struct {
			Kind   string `json:"kind"`
			Urgent bool   `json:"urgent"`
		} `json:"notifications"`
	}
	h.script("deputy").do("GET", "/api/v1/notifications", nil, &notes)
	if len(notes.Notifications) != 1 || notes.Notifications[0].Kind != "signoff.escalated" || !notes.Notifications[0].Urgent {
		t.Fatalf("deputy notifications %+v", notes)
	}
	rows, _ := h.db.ListAudit(ctx, store.AuditFilter{Action: "item.escalate"})
	if len(rows) != 1 {
		t.Fatalf("%d escalation audit rows", len(rows))
	}
}
