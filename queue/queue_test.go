package queue_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

const redisDB = 2

// concurrency is the workers' concurrency in these tests and benchmarks: the
// default of `tongfa worker` (TONGFA_WORKER_CONCURRENCY).
var concurrency = config.Default().Concurrency

type pipeline struct {
	*queuetest.Env
	rdb      *redis.Client
	opt      asynq.RedisConnOpt
	enqueuer *queue.Enqueuer
	worker   *queue.Worker
	rec      *queue.Reconciler
	runner   *queue.Runner
}

func setup(t testing.TB) *pipeline {
	t.Helper()
	db := storetest.New(t)
	rdb := redistest.New(t, redisDB)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &pipeline{Env: queuetest.New(t, db), rdb: rdb, opt: asynq.RedisClientOpt{Addr: rdb.Options().Addr, DB: redisDB}}
	p.enqueuer = &queue.Enqueuer{Client: asynq.NewClient(p.opt), DB: db}
	t.Cleanup(func() { p.enqueuer.Client.Close() })
	p.worker = &queue.Worker{DB: db, Box: p.Box, Platforms: all.New(rdb, 5*time.Second), Render: render.Renderer{},
		Limiter: queue.NewLimiter(rdb), Log: log, Owner: "test-worker", Lease: 20 * time.Second, Enqueuer: p.enqueuer,
		Inspector: asynq.NewInspector(p.opt)}
	p.rec = &queue.Reconciler{DB: db, Enqueuer: p.enqueuer, Inspector: asynq.NewInspector(p.opt), Quiet: 0, Log: log}
	return p
}

// start runs the workers in this process until the test ends.
func (p *pipeline) start(t testing.TB) {
	t.Helper()
	p.runner = queue.NewRunner(p.opt, concurrency, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := errors.Join(p.worker.Register(p.runner), p.rec.Register(p.runner)); err != nil {
		t.Fatal(err)
	}
	if err := p.runner.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.runner.Shutdown)
}

func (p *pipeline) approveAndQueue(t testing.TB, n int, urgent bool) []int64 {
	t.Helper()
	var items []int64
	for i := range n {
		it, ids := p.Approve(t, fmt.Sprintf("关于开展第%d项工作的通知", i+1), urgent)
		if err := p.enqueuer.EnqueueIDs(context.Background(), store.QueueFor(it.Version.Content), ids); err != nil {
			t.Fatal(err)
		}
		items = append(items, it.ID)
	}
	return items
}

func TestDeliversToEveryPlatformOnce(t *testing.T) {
	p := setup(t)
	p.start(t)
	items := p.approveAndQueue(t, 3, false)
	ds := p.Wait(t, 60*time.Second, items...)
	for _, d := range ds {
		if d.State != tongfa.DeliveryDelivered || d.PlatformPostID == "" || d.URL == "" || d.PayloadHash == "" {
			t.Errorf("delivery %+v", d)
		}
	}
	if n, dup := len(p.Sim.Posts()), p.Sim.Duplicates(); n != 12 || dup != 0 {
		t.Fatalf("simulators saw %d posts, %d duplicates; want 12 and 0", n, dup)
	}
	// Weibo links to the item's article on the website.
	for _, post := range p.Sim.Posts() {
		if post.Platform == "weibo" && !strings.Contains(post.Text, p.SimURL+"/website/articles/") {
			t.Errorf("weibo text without the website link: %q", post.Text)
		}
	}
	it, _ := p.DB.Item(context.Background(), items[0])
	if it.State != tongfa.StatePublished {
		t.Fatalf("item state %s, want published", it.State)
	}
}

// TestExactlyOnceUnderFaults: errors, lost responses, rate limits and a
// token expiry on every platform; every delivery ends delivered or failed
// with a reason, and no platform sees a post twice.
func TestExactlyOnceUnderFaults(t *testing.T) {
	p := setup(t)
	f := sim.PlatformFaults{Fault: sim.Fault{ErrorRate: 0.2, LostRate: 0.05, RateLimitRate: 0.03}, ExpireTokens: true}
	p.Sim.SetFaults(sim.Faults{WeChat: f, Weibo: f, App: f, Website: f})
	p.start(t)
	items := p.approveAndQueue(t, 30, false)
	ds := p.Wait(t, 3*time.Minute, items...)
	failed := 0
	for _, d := range ds {
		switch {
		case d.State == tongfa.DeliveryFailed && d.Error == "":
			t.Errorf("failed without a reason: %+v", d)
		case d.State == tongfa.DeliveryFailed:
			failed++
		case d.State != tongfa.DeliveryDelivered:
			t.Errorf("delivery ended %s", d.State)
		}
	}
	if dup := p.Sim.Duplicates(); dup != 0 {
		t.Fatalf("%d duplicate posts", dup)
	}
	t.Logf("%d deliveries, %d failed with a reason", len(ds), failed)
}

// TestReconcilerRebuildsTheQueue: Redis loses everything after approval;
// the reconciler sends every pending delivery from PostgreSQL, none twice.
// It recreates the website deliveries; the others, which link to the
// website's article, stay held until those wake them.
func TestReconcilerRebuildsTheQueue(t *testing.T) {
	p := setup(t)
	items := p.approveAndQueue(t, 5, false)
	if err := p.rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	n, err := p.rec.Run(context.Background())
	if err != nil || n != 5 {
		t.Fatalf("reconciler recreated %d tasks (%v), want the 5 website deliveries", n, err)
	}
	if n, _ := p.rec.Run(context.Background()); n != 0 {
		t.Fatalf("second pass recreated %d tasks, want 0", n)
	}
	p.start(t)
	p.Wait(t, time.Minute, items...)
	if n, dup := len(p.Sim.Posts()), p.Sim.Duplicates(); n != 20 || dup != 0 {
		t.Fatalf("%d posts, %d duplicates", n, dup)
	}
}

// TestOnlyTheApprovedVersionIsSent: a delivery planned for a version that
// is no longer the item's is abandoned, not sent.
func TestOnlyTheApprovedVersionIsSent(t *testing.T) {
	p := setup(t)
	it, ids := p.Approve(t, "待修改的稿件", false)
	ctx := context.Background()
	err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		c := it.Version.Content
		c.Title = "已修改的稿件"
		_, err := tx.AddVersion(ctx, it.ID, it.VersionNumber, it.AuthorID, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.enqueuer.EnqueueIDs(ctx, "default", ids)
	p.start(t)
	for _, d := range p.Wait(t, 30*time.Second, it.ID) {
		if d.State != tongfa.DeliveryAbandoned {
			t.Errorf("stale version delivery ended %s", d.State)
		}
	}
	if len(p.Sim.Posts()) != 0 {
		t.Fatal("a stale version reached a platform")
	}
}

// TestLeaseKeepsASecondWorkerOut: while one worker holds a delivery,
// another gets a wait; once the lease lapses the next one verifies first.
func TestLeaseKeepsASecondWorkerOut(t *testing.T) {
	p := setup(t)
	_, ids := p.Approve(t, "租约测试", false)
	ctx := context.Background()
	if _, err := p.DB.ClaimDelivery(ctx, ids[0], "crashed-worker", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	task := asynq.NewTask(queue.TypeDeliver, fmt.Appendf(nil, `{"delivery_id":%d}`, ids[0]))
	if err := p.worker.HandleDeliver(ctx, task); err == nil || !strings.Contains(err.Error(), "wait") {
		t.Fatalf("second worker while the lease is held: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	p.worker.HandleDeliver(ctx, task)
	d, _ := p.DB.Delivery(ctx, ids[0])
	if d.Attempts != 2 {
		t.Fatalf("attempts %d, want 2", d.Attempts)
	}
}

func TestWithdrawRemovesEveryPost(t *testing.T) {
	p := setup(t)
	p.start(t)
	items := p.approveAndQueue(t, 1, true)
	p.Wait(t, 30*time.Second, items...)
	ctx := context.Background()
	var ids []int64
	err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		ids, err = tx.WithdrawItem(ctx, items[0], "信息有误")
		return err
	})
	if err != nil || len(ids) != 4 {
		t.Fatalf("withdraw: %v %v", ids, err)
	}
	p.enqueuer.EnqueueWithdraw(ctx, ids)
	deadline := time.Now().Add(30 * time.Second)
	for {
		live := 0
		for _, post := range p.Sim.Posts() {
			if !post.Deleted {
				live++
			}
		}
		if live == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d posts still live", live)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWorkerRefusesForeignAccount (issue 16, finding 1, the worker's
// layer): a delivery whose account is, by the time it is sent, another
// unit's without a grant is failed with the reason and never reaches the
// platform; with a live grant it is sent.
func TestWorkerRefusesForeignAccount(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	var other *tongfa.Unit
	err := p.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		other, err = tx.CreateUnit(ctx, "邻市人民政府办公室", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	app, web := p.Accounts[tongfa.PlatformApp], p.Accounts[tongfa.PlatformWebsite]
	it, ids := p.Approve(t, "跨单位投递的稿件", false)
	for _, a := range []*tongfa.Account{app, web} {
		if _, err := p.DB.Pool.Exec(ctx, `UPDATE accounts SET unit_id = $2 WHERE id = $1`, a.ID, other.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.GrantPublishing(ctx, web.ID, it.UnitID, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p.enqueuer.EnqueueIDs(ctx, "default", ids)
	p.start(t)
	for _, d := range p.Wait(t, 30*time.Second, it.ID) {
		switch d.AccountID {
		case app.ID:
			if d.State != tongfa.DeliveryFailed || !strings.Contains(d.Error, "未授权本单位代发") {
				t.Errorf("delivery to another unit's app: %s %q", d.State, d.Error)
			}
		default:
			if d.State != tongfa.DeliveryDelivered {
				t.Errorf("delivery to %s (own or granted): %s %q", d.Platform, d.State, d.Error)
			}
		}
	}
	for _, post := range p.Sim.Posts() {
		if post.Platform == "app" {
			t.Fatalf("the app received %+v", post)
		}
	}
}
