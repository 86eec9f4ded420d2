package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// scheduled is an item created, submitted and approved through the API
// for a publishing time.
type scheduled struct {
	id    int64
	title string
	path  string
	body  map[string]any // the approved item as the last sign-off answered
}

// approveScheduled creates an item for publishAt on every account of env,
// submits it and has the reviewer sign it.
func approveScheduled(t *testing.T, m *Main, env *queuetest.Env, tokens map[string]string, title string, publishAt time.Time) scheduled {
	t.Helper()
	body := map[string]any{"title": title, "body": "<p>" + title + "，请相互转告。</p>", "category": "notice",
		"kind": "original", "importance": "routine", "targets": env.Targets(), "publish_at": publishAt.In(tongfa.China).Format(time.RFC3339)}
	st, created := request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], body)
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	s := scheduled{id: int64(created["id"].(float64)), title: title}
	s.path = fmt.Sprintf("%s/api/v1/items/%d", m.URL(), s.id)
	if st, out := request(t, "POST", s.path+"/submit", tokens["editor"], nil); st != 200 {
		t.Fatalf("submit: %d %v", st, out)
	}
	hash := created["version"].(map[string]any)["hash"].(string)
	if st, out := request(t, "POST", s.path+"/signoffs", tokens["reviewer"],
		map[string]any{"version_hash": hash, "decision": "approve", "password": "Sched-Passw0rd"}); st != 201 {
		t.Fatalf("sign: %d %v", st, out)
	}
	_, s.body = request(t, "GET", s.path, tokens["editor"], nil)
	if s.body["state"] != string(tongfa.StateScheduled) {
		t.Fatalf("approved item for %s is %v, want scheduled", publishAt, s.body["state"])
	}
	return s
}

// landed returns when each platform first showed a post titled title.
func landed(s *sim.Server, title string) map[string]time.Time {
	out := map[string]time.Time{}
	for _, p := range s.Posts() {
		if p.Title == title {
			if at, ok := out[p.Platform]; !ok || p.At.Before(at) {
				out[p.Platform] = p.At
			}
		}
	}
	return out
}

// TestScheduledItemGoesOutOnTime: an approved item waits in state
// scheduled, is on no platform before its publish_at and on all four
// within 2 s after it — also when Redis lost every task in between (the
// reconciler recreates them for their time).
func TestScheduledItemGoesOutOnTime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a publishing time")
	}
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	tokens := staff(t, db, env.Unit.ID, "s", "Sched-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)
	m := startWorkingHub(t, url)
	ctx := context.Background()

	// Whole seconds: what an operator enters, and the hardest case for
	// asynq, which keeps a task's time in seconds.
	publishAt := time.Now().Add(14 * time.Second).Truncate(time.Second)
	s := approveScheduled(t, m, env, tokens, "关于国庆假期公园延长开放时间的通知", publishAt)
	if err := m.Hub.Redis.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for time.Now().Before(publishAt.Add(3 * time.Second)) {
		got := landed(env.Sim, s.title)
		for p, at := range got {
			if at.Before(publishAt) {
				t.Fatalf("%s published at %s, before publish_at %s", p, at.Format(time.StampMilli), publishAt.Format(time.StampMilli))
			}
		}
		if len(got) == len(env.Accounts) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := landed(env.Sim, s.title)
	if len(got) != len(env.Accounts) {
		t.Fatalf("3 s after publish_at the item is on %v only", got)
	}
	for p, at := range got {
		d := at.Sub(publishAt)
		t.Logf("%s: %s after publish_at", p, d)
		if d > 2*time.Second {
			t.Errorf("%s published %s after publish_at", p, d)
		}
	}
	env.Wait(t, 10*time.Second, s.id)
	if _, it := request(t, "GET", s.path, tokens["editor"], nil); it["state"] != string(tongfa.StatePublished) {
		t.Errorf("item after its time: %v", it["state"])
	}
}

// TestRescheduleRules: moving an approved item later is an editor's call,
// earlier than its signed time the last signer's; both are audited and
// on the timeline. An urgent item may not be scheduled past its
// first-report deadline, nor any item into the past.
func TestRescheduleRules(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	tokens := staff(t, db, env.Unit.ID, "r", "Sched-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)
	m := startWorkingHub(t, url)

	signed := time.Now().Add(2 * time.Hour).Truncate(time.Second)
	s := approveScheduled(t, m, env, tokens, "关于开展全民健身月活动的通知", signed)
	move := func(who string, at time.Time) (int, map[string]any) {
		return request(t, "POST", s.path+"/schedule", tokens[who], map[string]any{"publish_at": at.Format(time.RFC3339), "reason": "配合活动安排"})
	}
	if st, out := move("editor", signed.Add(time.Hour)); st != 200 || out["state"] != string(tongfa.StateScheduled) {
		t.Fatalf("editor moves later: %d %v", st, out)
	}
	st, out := move("editor", signed.Add(-time.Hour))
	if e, _ := out["error"].(map[string]any); st != 422 || e["code"] != tongfa.ESchedule {
		t.Fatalf("editor moves earlier than signed: %d %v", st, out)
	}
	soon := time.Now().Add(3 * time.Second)
	if st, out := move("reviewer", soon); st != 200 {
		t.Fatalf("last signer moves earlier: %d %v", st, out)
	}
	env.Wait(t, 15*time.Second, s.id)
	if got := landed(env.Sim, s.title); len(got) != len(env.Accounts) {
		t.Fatalf("moved item landed on %v", got)
	}
	if st, out := move("editor", time.Now().Add(time.Hour)); st != 409 {
		t.Errorf("moving a published item: %d %v", st, out)
	}
	_, tl := request(t, "GET", s.path+"/timeline", tokens["editor"], nil)
	var labels []string
	for _, step := range tl["steps"].([]any) {
		labels = append(labels, step.(map[string]any)["label"].(string))
	}
	want := "调整定时发布：" + tongfa.ChinaTime(signed) + " → " + tongfa.ChinaTime(signed.Add(time.Hour)) + "（配合活动安排）"
	if !slices.Contains(labels, want) {
		t.Errorf("timeline %q lacks %q", labels, want)
	}

	urgent := map[string]any{"title": "关于暴雨红色预警的紧急通知", "body": "<p>请减少外出。</p>", "category": "notice", "kind": "original",
		"importance": "routine", "urgency": "urgent", "targets": env.Targets(), "publish_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}
	st, out = request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], urgent)
	if e, _ := out["error"].(map[string]any); st != 422 || e["code"] != tongfa.ESchedule {
		t.Fatalf("urgent item past its deadline: %d %v", st, out)
	}
	urgent["publish_at"] = time.Now().Add(-time.Minute).Format(time.RFC3339)
	if st, out := request(t, "POST", m.URL()+"/api/v1/items", tokens["editor"], urgent); st != 422 {
		t.Fatalf("publish_at in the past: %d %v", st, out)
	}
}

// TestScheduledDelayFigures measures the delay from publish_at to a post
// on the platform for many scheduled items at once (docs/benchmarks.md):
// TONGFA_BENCH_SCHEDULE=1, else skipped.
func TestScheduledDelayFigures(t *testing.T) {
	if os.Getenv("TONGFA_BENCH_SCHEDULE") == "" {
		t.Skip("TONGFA_BENCH_SCHEDULE=1 measures scheduled publishing")
	}
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	m := startWorkingHub(t, url)
	ctx := context.Background()
	const n = 50
	start := time.Now().Add(8 * time.Second).Truncate(time.Second)
	due := map[string]time.Time{}
	var ids []int64
	for i := range n {
		// Spread over 5 s, at every fraction of a second.
		at := start.Add(time.Duration(i) * 100 * time.Millisecond)
		title := fmt.Sprintf("定时发布测量稿件第%d号", i)
		c := tongfa.Content{Title: title, Body: "<p>" + title + "。</p>", Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal,
			Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: env.Targets()}
		it, err := db.CreateItemAt(ctx, env.Unit.ID, env.Author.ID, c, &at, store.SystemActor, nil)
		if err != nil {
			t.Fatal(err)
		}
		var planned []int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateScheduled, Tier: tongfa.TierRoutine})
			if err == nil {
				planned, err = tx.PlanDeliveries(ctx, it)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Hub.Queue.EnqueueIDs(ctx, "default", planned); err != nil {
			t.Fatal(err)
		}
		due[title], ids = at, append(ids, it.ID)
	}
	env.Wait(t, time.Minute, ids...)
	var delays []time.Duration
	for _, p := range env.Sim.Posts() {
		if at, ok := due[p.Title]; ok {
			if p.At.Before(at) {
				t.Errorf("%s on %s at %s, before %s", p.Title, p.Platform, p.At, at)
			}
			delays = append(delays, p.At.Sub(at))
		}
	}
	slices.Sort(delays)
	pct := func(q float64) time.Duration { return delays[int(q*float64(len(delays)-1))] }
	t.Logf("%d posts of %d items: publish_at → on the platform p50 %s, p99 %s, max %s", len(delays), n,
		pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond))
	if len(delays) != n*len(env.Accounts) {
		t.Errorf("%d posts, want %d", len(delays), n*len(env.Accounts))
	}
}
