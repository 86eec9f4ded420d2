package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
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

// massHub runs a working hub whose unit's WeChat account mass-sends, with
// an editor and a reviewer (usernames prefixed with prefix).
func massHub(t *testing.T, prefix string) (*queuetest.Env, *tongfa.Account, map[string]string, *Main) {
	t.Helper()
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	acc := massMode(t, env)
	tokens := staff(t, db, env.Unit.ID, prefix, "Sched-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)
	return env, acc, tokens, startWorkingHub(t, url)
}

// TestMassModeItemAndQuota: an approved item for a mass-mode subscription
// account goes to its followers as one one-article mass send at its time;
// a second item for the same China day is refused at submission with the
// quota reason, and the account shows no send left today.
func TestMassModeItemAndQuota(t *testing.T) {
	env, acc, tokens, m := massHub(t, "m")

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

// TestEditionMassSentOnceInOrder: three approved items assembled into an
// edition and confirmed by a reviewer go to the followers at its time as
// one mass send with the three articles in the edition's order; another
// edition the same day for the subscription account is refused before
// anything is signed, with the quota reason.
func TestEditionMassSentOnceInOrder(t *testing.T) {
	env, acc, tokens, m := massHub(t, "e")
	pushTo(t, env, acc, m)

	at := time.Now().Add(8 * time.Second).Truncate(time.Second)
	if at.In(tongfa.China).Day() != at.Add(2*time.Minute).In(tongfa.China).Day() {
		t.Skip("too close to China midnight")
	}
	titles := []string{"市政府召开第十次常务会议", "关于做好冬季供暖工作的通知", "市民热线十月办理情况通报"}
	var ids []int64
	for _, title := range titles {
		ids = append(ids, approveScheduled(t, m, env, tokens, title, at).id)
	}
	order := []int64{ids[2], ids[0], ids[1]} // the report is the headline
	want := []string{titles[2], titles[0], titles[1]}
	st, ed := request(t, "POST", m.URL()+"/api/v1/editions", tokens["editor"],
		map[string]any{"account_id": acc.ID, "publish_at": at.Format(time.RFC3339), "items": order})
	if st != 201 || ed["state"] != "draft" {
		t.Fatalf("assemble: %d %v", st, ed)
	}
	path := fmt.Sprintf("%s/api/v1/editions/%v", m.URL(), ed["id"])
	if st, out := request(t, "POST", path+"/confirm", tokens["editor"], nil); st != 403 {
		t.Fatalf("an editor confirms: %d %v", st, out)
	}
	if st, out := request(t, "POST", path+"/confirm", tokens["reviewer"], nil); st != 200 || out["state"] != "scheduled" {
		t.Fatalf("confirm: %d %v", st, out)
	}

	tomorrow := approveScheduled(t, m, env, tokens, "关于明日道路施工的提示", at.Add(24*time.Hour))
	st, out := request(t, "POST", m.URL()+"/api/v1/editions", tokens["editor"],
		map[string]any{"account_id": acc.ID, "publish_at": at.Add(time.Minute).Format(time.RFC3339), "items": []int64{tomorrow.id}})
	e, _ := out["error"].(map[string]any)
	if st != 422 || e["code"] != tongfa.EQuota || !strings.Contains(fmt.Sprint(e["message"]), "订阅号，每天只能群发 1 次") {
		t.Fatalf("a second edition the same day: %d %v", st, out)
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		_, got := request(t, "GET", path, tokens["editor"], nil)
		if got["state"] == "sent" {
			break
		}
		if time.Now().After(deadline) || got["state"] == "failed" {
			t.Fatalf("edition not sent: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var counts struct {
		SentCount   int64    `json:"sent_count"`
		ArticleURLs []string `json:"article_urls"`
	}
	for deadline := time.Now().Add(10 * time.Second); counts.SentCount == 0; time.Sleep(100 * time.Millisecond) {
		_, got := request(t, "GET", path, tokens["editor"], nil)
		if r, ok := got["mass_result"]; ok {
			b, _ := json.Marshal(r)
			json.Unmarshal(b, &counts) //nolint:errcheck // checked below
		}
		if time.Now().After(deadline) {
			t.Fatalf("no MASSSENDJOBFINISH counts on the edition: %v", got)
		}
	}
	if len(counts.ArticleURLs) != 3 {
		t.Errorf("pushed article URLs %q", counts.ArticleURLs)
	}
	var mass []sim.Post
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" {
			mass = append(mass, p)
		}
	}
	if len(mass) != 1 || len(env.Sim.MassJobs()) != 1 {
		t.Fatalf("wechat posts %+v, mass jobs %+v", mass, env.Sim.MassJobs())
	}
	p := mass[0]
	var got []string
	for _, a := range p.Articles {
		got = append(got, a.Title)
	}
	if p.Kind != "mass" || p.Notified == 0 || p.Duplicates != 0 || !slices.Equal(got, want) || p.At.Before(at) {
		t.Errorf("the edition's post: kind %s notified %d duplicates %d articles %q at %s (publish_at %s)",
			p.Kind, p.Notified, p.Duplicates, got, p.At, at)
	}
	for _, d := range env.Wait(t, 10*time.Second, ids...) {
		if d.State != tongfa.DeliveryDelivered || (d.Platform == tongfa.PlatformWeChat && d.PlatformPostID == "") {
			t.Errorf("delivery %d on %s: %s %q %s", d.ID, d.Platform, d.State, d.PlatformPostID, d.Error)
		}
	}
}

// pushTo gives acc a callback token and has the simulator push its
// messages and events (MASSSENDJOBFINISH) to the hub.
func pushTo(t *testing.T, env *queuetest.Env, acc *tongfa.Account, m *Main) {
	t.Helper()
	ctx := context.Background()
	appID := fmt.Sprintf("wx%d", env.Unit.ID)
	creds, _ := json.Marshal(map[string]string{"app_id": appID, "app_secret": "sim-secret", "callback_token": "edition-token"})
	err := env.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.SetAccountCredentials(ctx, acc.ID, env.Box.Seal(creds, connectors.AccountAAD(acc.ID)))
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Sim.SetCallbacks(sim.Callbacks{WeChat: map[string]sim.WeChatCallback{
		appID: {URL: fmt.Sprintf("%s/callback/wechat/%d", m.URL(), acc.ID), Token: "edition-token"}}})
}
