package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// massMode switches env's WeChat account to mass sends as a subscription
// account.
func massMode(t *testing.T, env *queuetest.Env) *tongfa.Account {
	t.Helper()
	ctx := context.Background()
	acc := env.Accounts[tongfa.PlatformWeChat]
	acc.Settings["wechat_mode"], acc.Settings["wechat_type"] = "mass", "subscription"
	if err := env.DB.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateAccount(ctx, acc) }); err != nil {
		t.Fatal(err)
	}
	return acc
}

// TestMassModeItemAndQuota: an approved item for a mass-mode subscription
// account goes to its followers as one one-article mass send at its time;
// a second item for the same China day is refused at submission with the
// quota reason, and the account shows no send left today.
func TestMassModeItemAndQuota(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	acc := massMode(t, env)
	tokens := staff(t, db, env.Unit.ID, "m", "Sched-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)
	m := startWorkingHub(t, url)

	at := time.Now().Add(3 * time.Second)
	if at.In(tongfa.China).Day() != at.Add(time.Minute).In(tongfa.China).Day() {
		t.Skip("too close to China midnight")
	}
	s := approveScheduled(t, m, env, tokens, "关于举办市民开放日活动的通知", at)
	env.Wait(t, 20*time.Second, s.id)
	var mass []string
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" {
			mass = append(mass, p.Kind)
			if p.Kind != "mass" || p.Notified == 0 || len(p.Articles) != 1 || p.Articles[0].Title != s.title || p.Duplicates != 0 {
				t.Errorf("wechat post %+v", p)
			}
		}
	}
	if len(mass) != 1 || len(env.Sim.MassJobs()) != 1 {
		t.Fatalf("wechat posts %v, mass jobs %+v", mass, env.Sim.MassJobs())
	}
	for _, d := range env.Wait(t, time.Second, s.id) {
		if d.State != tongfa.DeliveryDelivered {
			t.Errorf("delivery %d on %s: %s %s", d.ID, d.Platform, d.State, d.Error)
		}
	}

	second := map[string]any{"title": "关于开放日交通安排的通知", "body": "<p>请绿色出行。</p>", "category": "notice", "kind": "original",
		"importance": "routine", "targets": []int64{acc.ID}, "publish_at": at.Add(time.Minute).Format(time.RFC3339)}
	st, created := request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], second)
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	st, out := request(t, "POST", fmt.Sprintf("%s/api/v1/items/%v/submit", m.URL(), created["id"]), tokens["editor"], nil)
	e, _ := out["error"].(map[string]any)
	if st != 422 || e["code"] != tongfa.EQuota || !strings.Contains(fmt.Sprint(e["message"]), "订阅号，每天只能群发 1 次") {
		t.Fatalf("second mass send the same day: %d %v", st, out)
	}
	_, list := request(t, "GET", m.URL()+"/api/v1/accounts", tokens["editor"], nil)
	for _, a := range list["accounts"].([]any) {
		a := a.(map[string]any)
		if int64(a["id"].(float64)) == acc.ID {
			q, _ := a["mass_quota"].(map[string]any)
			if q == nil || q["today"] != float64(0) {
				t.Errorf("quota of the mass account: %v", a["mass_quota"])
			}
		}
	}
}
