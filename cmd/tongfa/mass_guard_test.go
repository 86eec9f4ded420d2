package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
)

// protect turns 群发保护 on for env's WeChat account, on the simulated
// platform and in its settings, as a service account (four sends a
// month) with a named manager.
func protect(t *testing.T, env *queuetest.Env, acc *tongfa.Account) string {
	t.Helper()
	ctx := context.Background()
	appID := fmt.Sprintf("wx%d", env.Unit.ID)
	env.Sim.SetWechatAccount(appID, sim.WechatAccount{Type: "service", Followers: 500, Protection: true})
	acc.Settings["wechat_type"], acc.Settings["mass_protection"] = "service", "on"
	acc.Managers = []tongfa.Manager{{Name: "王晓明", Phone: "13800000000"}}
	if err := env.DB.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateAccount(ctx, acc) }); err != nil {
		t.Fatal(err)
	}
	return appID
}

// protectionAlerts lists the levels of the alerts raised for msgID.
func protectionAlerts(t *testing.T, db *store.DB, accountID int64, msgID string) []string {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT level FROM alerts WHERE kind = 'mass_protection' AND subject = $1 ORDER BY id`,
		fmt.Sprintf("account:%d/mass:%s", accountID, msgID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		rows.Scan(&l) //nolint:errcheck // checked by the comparisons
		out = append(out, l)
	}
	return out
}

// awaitingClock waits until the edition (editionID > 0) or delivery has a
// protection clock.
func awaitingClock(t *testing.T, db *store.DB, editionID, deliveryID int64) *store.MassConfirmation {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c, err := db.MassConfirmationOf(context.Background(), editionID, deliveryID)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("no protection clock for edition %d / delivery %d", editionID, deliveryID)
		}
	}
}

func wechatDelivery(t *testing.T, db *store.DB, itemID int64) tongfa.Delivery {
	t.Helper()
	ds, err := db.ItemDeliveries(context.Background(), itemID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Platform == tongfa.PlatformWeChat {
			return d
		}
	}
	t.Fatalf("item %d has no WeChat delivery", itemID)
	return tongfa.Delivery{}
}

// TestMassProtectionUnconfirmedFails: a one-article mass send to an
// account with 群发保护 shows 待管理员在手机上确认, alerts the unit's
// people at once (console and the notification) and again at 20 of the
// 30 minutes, once each; at 30 minutes unconfirmed the sweep — working
// from PostgreSQL alone, as after a worker restart — deletes the send on
// the platform and fails the delivery with the reason. The test moves
// the sweep's clock instead of waiting half an hour.
func TestMassProtectionUnconfirmedFails(t *testing.T) {
	env, acc, tokens, m := massHub(t, "p")
	pushTo(t, env, acc, m)
	appID := protect(t, env, acc)
	ctx := context.Background()

	s := approveScheduled(t, m, env, tokens, "关于启用新版政务服务平台的公告", time.Now().Add(2*time.Second))
	d := wechatDelivery(t, env.DB, s.id)
	c := awaitingClock(t, env.DB, 0, d.ID)
	if c.State != store.MassAwaiting || c.ConfirmBy.Sub(c.SentAt) != 30*time.Minute || c.Title != s.title {
		t.Fatalf("clock %+v", c)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, _ := env.DB.Delivery(ctx, d.ID)
		if strings.Contains(got.Error, "待管理员在手机上确认") && !got.State.Done() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery while awaiting confirmation: %s %q", got.State, got.Error)
		}
	}
	if got := protectionAlerts(t, env.DB, acc.ID, c.MsgID); !slices.Equal(got, []string{"awaiting"}) {
		t.Fatalf("alerts at once: %v", got)
	}
	var notes int
	var text string
	env.DB.Pool.QueryRow(ctx, `SELECT count(*), max(message) FROM notifications WHERE kind = 'mass_protection'`).Scan(&notes, &text) //nolint:errcheck
	if notes == 0 || !strings.Contains(text, "王晓明（13800000000）") || !strings.Contains(text, "在手机上确认") {
		t.Fatalf("notifications %d %q", notes, text)
	}

	guard := &queue.Guard{DB: m.DB, Box: m.Box, Platforms: m.Platforms(), Notify: m.Notify, Log: m.Log}
	for range 2 { // the reminder fires once, however often the sweep runs
		if n, err := guard.Sweep(ctx, c.SentAt.Add(20*time.Minute+time.Second)); err != nil || n != 0 {
			t.Fatalf("sweep at 20 minutes: %d %v", n, err)
		}
	}
	if got := protectionAlerts(t, env.DB, acc.ID, c.MsgID); !slices.Equal(got, []string{"awaiting", "reminder"}) {
		t.Fatalf("alerts at 20 minutes: %v", got)
	}
	if n, err := guard.Sweep(ctx, c.ConfirmBy.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("sweep at 30 minutes: %d %v", n, err)
	}
	got, _ := env.DB.Delivery(ctx, d.ID)
	if got.State != tongfa.DeliveryFailed || got.Error != queue.ExpiredReason {
		t.Fatalf("unconfirmed delivery: %s %q", got.State, got.Error)
	}
	if a := protectionAlerts(t, env.DB, acc.ID, c.MsgID); !slices.Equal(a, []string{"awaiting", "reminder", "expired"}) {
		t.Fatalf("alerts at 30 minutes: %v", a)
	}
	jobs := env.Sim.MassJobs()
	if len(jobs) != 1 || jobs[0].State != "deleted" || jobs[0].Notified != 0 {
		t.Fatalf("the platform's job: %+v", jobs)
	}
	if _, err := env.Sim.ConfirmMass(appID, 0, true); err == nil {
		t.Fatal("a late confirmation found a send to confirm")
	}
	if c, _ := env.DB.MassConfirmationOf(ctx, 0, d.ID); c.State != store.MassRefused {
		t.Fatalf("clock after the window: %+v", c)
	}
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" {
			t.Errorf("an unconfirmed send reached followers: %+v", p)
		}
	}
}

// TestMassProtectionConfirmedEdition: an edition whose send awaits the
// administrator shows 待管理员在手机上确认 with the time to confirm by,
// alerts at once, and once confirmed on the phone is sent normally; its
// clock ends confirmed and a later sweep leaves it alone.
func TestMassProtectionConfirmedEdition(t *testing.T) {
	env, acc, tokens, m := massHub(t, "q")
	pushTo(t, env, acc, m)
	appID := protect(t, env, acc)
	ctx := context.Background()

	at := time.Now().Add(8 * time.Second).Truncate(time.Second)
	a := approveScheduled(t, m, env, tokens, "市政府第十五次常务会议召开", at)
	b := approveScheduled(t, m, env, tokens, "关于冬季供暖服务热线的公告", at)
	st, ed := request(t, "POST", m.URL()+"/api/v1/editions", tokens["editor"],
		map[string]any{"account_id": acc.ID, "publish_at": at.Format(time.RFC3339), "items": []int64{a.id, b.id}})
	if st != 201 {
		t.Fatalf("assemble: %d %v", st, ed)
	}
	id := int64(ed["id"].(float64))
	path := fmt.Sprintf("%s/api/v1/editions/%d", m.URL(), id)
	if st, out := request(t, "POST", path+"/confirm", tokens["reviewer"], nil); st != 200 {
		t.Fatalf("confirm: %d %v", st, out)
	}
	c := awaitingClock(t, env.DB, id, 0)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, got := request(t, "GET", path, tokens["editor"], nil)
		if w, _ := got["waiting"].(string); strings.Contains(w, "待管理员在手机上确认") && got["state"] == "sending" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("edition awaiting confirmation: %v", got)
		}
	}
	// The alert follows the clock's row within the same send; wait for it
	// rather than race the worker.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got := protectionAlerts(t, env.DB, acc.ID, c.MsgID)
		if slices.Equal(got, []string{"awaiting"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts at once: %v", got)
		}
	}
	if _, err := env.Sim.ConfirmMass(appID, 0, true); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, got := request(t, "GET", path, tokens["editor"], nil)
		if got["state"] == "sent" {
			if got["waiting"] != nil {
				t.Errorf("a sent edition still waits: %v", got["waiting"])
			}
			break
		}
		if time.Now().After(deadline) || got["state"] == "failed" {
			t.Fatalf("confirmed edition not sent: %v", got)
		}
	}
	if c, _ := env.DB.MassConfirmationOf(ctx, id, 0); c.State != store.MassConfirmed {
		t.Fatalf("clock after confirmation: %+v", c)
	}
	guard := &queue.Guard{DB: m.DB, Box: m.Box, Platforms: m.Platforms(), Notify: m.Notify, Log: m.Log}
	if n, err := guard.Sweep(ctx, c.ConfirmBy.Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("sweep after confirmation: %d %v", n, err)
	}
	if got := protectionAlerts(t, env.DB, acc.ID, c.MsgID); !slices.Equal(got, []string{"awaiting"}) {
		t.Fatalf("alerts after confirmation: %v", got)
	}
	var posts []sim.Post
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" {
			posts = append(posts, p)
		}
	}
	if len(posts) != 1 || posts[0].Kind != "mass" || len(posts[0].Articles) != 2 || posts[0].Notified != 500 {
		t.Fatalf("wechat posts %+v", posts)
	}
}

// TestEarlyMassPushKept: the MASSSENDJOBFINISH push of a send whose
// sendall answer was lost reaches the hub before any msg_id is stored;
// the hub keeps it (mass_early_pushes) and, when the resend learns the
// msg_id (45065, the same clientmsgid), applies it: the delivery ends
// with the push's counts and article URL, and nothing is sent twice.
func TestEarlyMassPushKept(t *testing.T) {
	env, acc, tokens, m := massHub(t, "x")
	pushTo(t, env, acc, m)
	ctx := context.Background()
	env.Sim.SetFaults(sim.Faults{WeChat: sim.PlatformFaults{Endpoints: map[string]sim.Fault{
		"message/mass/sendall": {LostRate: 1}}}})

	s := approveScheduled(t, m, env, tokens, "关于开展冬季消防安全检查的通知", time.Now().Add(3*time.Second))
	d := wechatDelivery(t, env.DB, s.id)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var n int
		if err := env.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM mass_early_pushes WHERE account_id = $1`, acc.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no early push kept; mass jobs %+v", env.Sim.MassJobs())
		}
	}
	if got, _ := env.DB.Delivery(ctx, d.ID); got.Steps["msg_id"] != "" || got.State.Done() {
		t.Fatalf("the push was meant to come first: delivery %s steps %v", got.State, got.Steps)
	}
	env.Sim.SetFaults(sim.Faults{})

	env.Wait(t, 30*time.Second, s.id)
	got, _ := env.DB.Delivery(ctx, d.ID)
	jobs := env.Sim.MassJobs()
	if got.State != tongfa.DeliveryDelivered || len(jobs) != 1 || got.PlatformPostID != fmt.Sprint(jobs[0].MsgID) {
		t.Fatalf("delivery %s %q post %q; mass jobs %+v", got.State, got.Error, got.PlatformPostID, jobs)
	}
	if !strings.Contains(got.Steps["mass_result"], `"sent_count":1000`) || got.URL == "" {
		t.Fatalf("the early push was not applied: url %q result %s", got.URL, got.Steps["mass_result"])
	}
	var left int
	env.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM mass_early_pushes`).Scan(&left) //nolint:errcheck
	if left != 0 {
		t.Errorf("%d early pushes left after the msg_id was stored", left)
	}
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" && (p.Kind != "mass" || p.Duplicates != 0) {
			t.Errorf("wechat post %+v", p)
		}
	}
}

// TestEmbargoRefusedAndNeverSent: an item's 时效截止 (not_after) refuses
// a publishing time at or after it — on creation and on rescheduling —
// with the reason; a passed one is refused; and no worker sends the item
// after it: deliveries held up past it end failed with the reason.
func TestEmbargoRefusedAndNeverSent(t *testing.T) {
	env, _, tokens, m := massHub(t, "b")
	now := time.Now()
	item := func(title string, extra map[string]any) (int, map[string]any) {
		body := map[string]any{"title": title, "body": "<p>" + title + "，请相互转告。</p>", "category": "notice",
			"kind": "original", "importance": "routine", "targets": env.Targets()}
		for k, v := range extra {
			body[k] = v
		}
		return request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], body)
	}
	code := func(out map[string]any) string {
		e, _ := out["error"].(map[string]any)
		return fmt.Sprint(e["code"], " ", e["message"])
	}

	st, out := item("关于周末道路临时封闭的通告", map[string]any{"not_after": now.Add(time.Hour).Format(time.RFC3339),
		"publish_at": now.Add(2 * time.Hour).Format(time.RFC3339)})
	if st != 422 || !strings.HasPrefix(code(out), tongfa.ESchedule) || !strings.Contains(code(out), "时效截止") {
		t.Fatalf("publish_at past not_after: %d %v", st, out)
	}
	st, out = item("关于周末道路临时封闭的通告", map[string]any{"not_after": now.Add(-time.Minute).Format(time.RFC3339)})
	if f, _ := out["error"].(map[string]any)["fields"].(map[string]any); st != 422 || !strings.Contains(fmt.Sprint(f["not_after"]), "时效截止时间已过") {
		t.Fatalf("a passed not_after: %d %v", st, out)
	}
	st, out = item("关于周末道路临时封闭的通告", map[string]any{"not_after": now.Add(time.Hour).Format(time.RFC3339),
		"publish_at": now.Add(30 * time.Minute).Format(time.RFC3339)})
	if it, _ := out["item"].(map[string]any); st != 201 || it["not_after"] == nil {
		t.Fatalf("create within the embargo: %d %v", st, out)
	}
	path := fmt.Sprintf("%s/api/v1/items/%v", m.URL(), out["id"])
	st, out = request(t, "POST", path+"/schedule", tokens["editor"],
		map[string]any{"publish_at": now.Add(90 * time.Minute).Format(time.RFC3339), "reason": "推迟"})
	if st != 422 || !strings.HasPrefix(code(out), tongfa.ESchedule) || !strings.Contains(code(out), "时效截止") {
		t.Fatalf("reschedule past not_after: %d %v", st, out)
	}

	// Every platform down until the embargo has passed: nothing may go
	// out afterwards.
	env.Sim.SetFaults(sim.Faults{WeChat: sim.PlatformFaults{Fault: sim.Fault{Down: true}},
		Weibo: sim.PlatformFaults{Fault: sim.Fault{Down: true}}, App: sim.PlatformFaults{Fault: sim.Fault{Down: true}},
		Website: sim.PlatformFaults{Fault: sim.Fault{Down: true}}})
	limit := time.Now().Add(4 * time.Second)
	title := "关于今日下午停水的紧急通知"
	st, out = item(title, map[string]any{"not_after": limit.Format(time.RFC3339Nano)})
	if st != 201 {
		t.Fatalf("create: %d %v", st, out)
	}
	path = fmt.Sprintf("%s/api/v1/items/%v", m.URL(), out["id"])
	hash := out["version"].(map[string]any)["hash"].(string)
	if st, out := request(t, "POST", path+"/submit", tokens["editor"], nil); st != 200 {
		t.Fatalf("submit: %d %v", st, out)
	}
	if st, out := request(t, "POST", path+"/signoffs", tokens["reviewer"],
		map[string]any{"version_hash": hash, "decision": "approve", "password": "Sched-Passw0rd"}); st != 201 {
		t.Fatalf("sign: %d %v", st, out)
	}
	time.Sleep(time.Until(limit) + 500*time.Millisecond)
	env.Sim.SetFaults(sim.Faults{})
	for _, d := range env.Wait(t, 40*time.Second, int64(out["id"].(float64))) {
		if d.State != tongfa.DeliveryFailed || !strings.Contains(d.Error, "已过时效截止时间") {
			t.Errorf("delivery %d on %s after the embargo: %s %q", d.ID, d.Platform, d.State, d.Error)
		}
	}
	for _, p := range env.Sim.Posts() {
		if p.Title == title {
			t.Errorf("posted after its embargo: %+v", p)
		}
	}
}

// TestUrgentMassOrFallback: an urgent item for a mass-mode subscription
// account goes out at once as a one-article mass send while the day's
// send is left; the next urgent item that day is published without a
// mass send (freepublish, followers not notified), and its delivery and
// urgent clock say so plainly. A routine item would have been refused
// at submission instead.
func TestUrgentMassOrFallback(t *testing.T) {
	env, acc, _, m := massHub(t, "u")
	ctx := context.Background()
	if now := time.Now().In(tongfa.China); now.Hour() == 23 && now.Minute() >= 58 {
		t.Skip("too close to China midnight")
	}
	urgent := func(title string) int64 {
		c := tongfa.Content{Title: title, Body: "<p>" + title + "，请相互转告。</p>", Summary: "请相互转告",
			Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine,
			Urgency: tongfa.UrgencyUrgent, Targets: []int64{acc.ID}}
		return approveContent(t, env, redistest.URL(testRedisDB), c)
	}
	first := urgent("关于寒潮大风天气的紧急提醒")
	ds := env.Wait(t, 30*time.Second, first)
	if len(ds) != 1 || ds[0].State != tongfa.DeliveryDelivered || ds[0].Error != "" {
		t.Fatalf("first urgent item: %+v", ds)
	}
	second := urgent("关于部分路段积雪结冰的紧急通知")
	ds = env.Wait(t, 30*time.Second, second)
	want := queue.FallbackReason("subscription")
	if len(ds) != 1 || ds[0].State != tongfa.DeliveryDelivered || ds[0].Error != want || ds[0].URL == "" {
		t.Fatalf("second urgent item: %+v", ds)
	}
	kinds := map[string]sim.Post{}
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" {
			kinds[p.Title] = p
		}
	}
	if p := kinds["关于寒潮大风天气的紧急提醒"]; p.Kind != "mass" || p.Notified == 0 {
		t.Errorf("first urgent item on WeChat: %+v", p)
	}
	if p := kinds["关于部分路段积雪结冰的紧急通知"]; p.Kind != "publish" || p.Notified != 0 {
		t.Errorf("second urgent item on WeChat: %+v", p)
	}
	if n := len(env.Sim.MassJobs()); n != 1 {
		t.Errorf("%d mass sends, want 1", n)
	}
	cl, err := m.Clocks.Status(ctx, second, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(cl.Channels) != 1 || cl.Channels[0].Note != want {
		t.Errorf("urgent clock of the fallback: %+v", cl.Channels)
	}
	// The fallback is no mass send: the account's quota still shows the
	// first send only.
	from := time.Now().Add(-time.Hour)
	if sends, err := env.DB.MassSends(ctx, acc.ID, nil, 0, from, from.Add(2*time.Hour)); err != nil || len(sends) != 1 {
		t.Errorf("mass sends counted: %v %v", sends, err)
	}
}
