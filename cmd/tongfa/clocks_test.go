package main

import (
	"context"

	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// robot records what a group robot receives, with arrival times.
type robot struct {
	mu   sync.Mutex
	msgs []string
	at   []time.Time
}

func (rb *robot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Markdown struct{ Content string } `json:"markdown"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	rb.mu.Lock()
	rb.msgs, rb.at = append(rb.msgs, body.Markdown.Content), append(rb.at, time.Now())
	rb.mu.Unlock()
	w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

// first returns when a message containing all of parts first arrived.
func (rb *robot) first(parts ...string) (time.Time, bool) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
next:
	for i, m := range rb.msgs {
		for _, p := range parts {
			if !strings.Contains(m, p) {
				continue next
			}
		}
		return rb.at[i], true
	}
	return time.Time{}, false
}

// TestUrgentAlertsReachTheRobot runs the whole hub: an urgent item is
// approved, the simulator holds its Weibo post back, and the at-risk and
// breached alerts reach the unit's robot within 5 seconds of each threshold.
func TestUrgentAlertsReachTheRobot(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	env.Sim.SetFaults(sim.Faults{Weibo: sim.PlatformFaults{Fault: sim.Fault{Down: true}}})
	rb := &robot{}
	rs := httptest.NewServer(rb)
	defer rs.Close()
	ctx := context.Background()
	tokens := staff(t, db, env.Unit.ID, "c", "Clock-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer, tongfa.RoleDeputy)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetClockPolicy(ctx, env.Unit.ID, "urgent:\n  weibo: 12s\n"); err != nil {
			return err
		}
		return tx.CreateRobotWebhook(ctx, &store.RobotWebhook{UnitID: env.Unit.ID, Kind: "wecom", URL: rs.URL}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	m := startWorkingHub(t, url)

	body := map[string]any{"title": "关于寒潮天气道路临时管制的紧急通告", "body": "<p>部分路段临时管制。</p>", "category": "notice",
		"kind": "original", "importance": "routine", "urgency": "urgent", "targets": env.Targets()}
	st, created := request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], body)
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	item := created["item"].(map[string]any)
	content := item["version"].(map[string]any)["content"].(map[string]any)
	event, _ := time.Parse(time.RFC3339, content["event_time"].(string))
	id := int64(created["id"].(float64))
	hashV := created["version"].(map[string]any)["hash"].(string)
	path := fmt.Sprintf("%s/api/v1/items/%d", m.URL(), id)
	if st, out := request(t, "POST", path+"/submit", tokens["editor"], nil); st != 200 {
		t.Fatalf("submit: %d %v", st, out)
	}
	for _, who := range []string{"reviewer", "deputy"} {
		if st, out := request(t, "POST", path+"/signoffs", tokens[who], map[string]any{"version_hash": hashV, "decision": "approve", "password": "Clock-Passw0rd"}); st != 201 {
			t.Fatalf("%s: %d %v", who, st, out)
		}
	}
	deadline := time.Now().Add(40 * time.Second)
	for _, th := range []struct {
		after time.Duration
		parts []string
	}{
		{6 * time.Second, []string{"即将超时", "微博", "过 50% 预警线"}},
		{9 * time.Second, []string{"即将超时", "微博", "过 75% 预警线"}},
		{12 * time.Second, []string{"已超时", "微博"}},
	} {
		due := event.Add(th.after)
		for {
			if at, ok := rb.first(th.parts...); ok {
				if late := at.Sub(due); late < -time.Second || late > 5*time.Second {
					t.Errorf("alert %v arrived %s from its threshold", th.parts, late)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no alert %v; the robot got %q", th.parts, rb.msgs)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if _, ok := rb.first("微博", "投递重试中"); !ok {
		t.Errorf("the alerts do not say the Weibo delivery is being retried: %q", rb.msgs)
	}
	st, urgent := request(t, "GET", m.URL()+"/api/v1/urgent", tokens["editor"], nil)
	if st != 200 || len(urgent["items"].([]any)) != 1 {
		t.Fatalf("GET /urgent: %d %v", st, urgent)
	}
}
