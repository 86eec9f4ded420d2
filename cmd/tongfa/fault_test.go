package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestMain lets the test binary stand in for `tongfa worker`: the fault
// test starts it as a separate process and kills it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("TONGFA_TEST_WORKER") == "1" {
		os.Exit(run(context.Background(), Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, []string{"worker"}))
	}
	os.Exit(m.Run())
}

// workers runs worker processes against one schema and Redis database.
type workers struct {
	t    *testing.T
	env  []string
	mu   sync.Mutex
	cmds []*exec.Cmd
}

func (w *workers) start(i int) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), w.env...)
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	go cmd.Wait() //nolint:errcheck // reaped; the exit status of a killed worker is expected
	w.mu.Lock()
	w.cmds[i] = cmd
	w.mu.Unlock()
}

func (w *workers) kill(i int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cmds[i].Process.Signal(syscall.SIGKILL) //nolint:errcheck
}

func (w *workers) stop() {
	for i := range w.cmds {
		w.kill(i)
	}
}

// faultRedis is the Redis a fault run queues on, and what happens to it
// halfway through the kills (nothing, FLUSHALL, a master killed).
type faultRedis struct {
	url     string
	disrupt func(t *testing.T)
}

// testDBRedis is the test's own database on the local Redis, flushed
// halfway when flush is set.
func testDBRedis(t *testing.T, flush bool) faultRedis {
	rdb := redistest.New(t, testRedisDB)
	r := faultRedis{url: redistest.URL(testRedisDB)}
	if flush {
		r.disrupt = func(t *testing.T) {
			if err := rdb.FlushDB(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
			t.Log("flushed Redis")
		}
	}
	return r
}

// approveAndQueue approves n items (every tenth urgent) for env's
// accounts and queues their deliveries on the Redis at redisURL.
func approveAndQueue(t *testing.T, env *queuetest.Env, redisURL string, n int) []int64 {
	t.Helper()
	enq := enqueuer(t, env, redisURL)
	defer enq.Client.Close()
	var items []int64
	for i := range n {
		it, ids := env.Approve(t, fmt.Sprintf("第%d号通知：关于做好近期重点工作的通知", i+1), i%10 == 0)
		if err := enq.EnqueueIDs(context.Background(), store.QueueFor(it.Version.Content), ids); err != nil {
			t.Fatal(err)
		}
		items = append(items, it.ID)
	}
	return items
}

// approveContent approves an item of content c and queues its deliveries.
func approveContent(t *testing.T, env *queuetest.Env, redisURL string, c tongfa.Content) int64 {
	t.Helper()
	enq := enqueuer(t, env, redisURL)
	defer enq.Client.Close()
	it, ids := env.ApproveContent(t, c)
	if err := enq.EnqueueIDs(context.Background(), store.QueueFor(it.Version.Content), ids); err != nil {
		t.Fatal(err)
	}
	return it.ID
}

func enqueuer(t *testing.T, env *queuetest.Env, redisURL string) *queue.Enqueuer {
	t.Helper()
	_, opt, err := redisconn.Open(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	return &queue.Enqueuer{Client: asynq.NewClient(opt), DB: env.DB}
}

// setFaults gives every platform of s the fault run's faults.
func setFaults(s *sim.Server) {
	f := sim.PlatformFaults{Fault: sim.Fault{ErrorRate: 0.2, LostRate: 0.05, RateLimitRate: 0.02}, ExpireTokens: true}
	// Douyin's rate limit is its per-second throttle (2118110); its
	// default, the exhausted quota, keeps an account away for half an hour.
	dy := f
	dy.RateLimitCode = 2118110
	s.SetFaults(sim.Faults{WeChat: f, Weibo: f, App: f, Website: f, Douyin: dy})
}

// startWorkers starts two worker processes on the database at dbURL and
// the Redis at redisURL, each sending concurrency deliveries at once.
func startWorkers(t *testing.T, dbURL, redisURL string, concurrency int) *workers {
	w := &workers{t: t, cmds: make([]*exec.Cmd, 2), env: []string{"TONGFA_TEST_WORKER=1", "TONGFA_DATABASE_URL=" + dbURL,
		"TONGFA_REDIS_URL=" + redisURL, "TONGFA_SECRET_KEY=" + queuetest.Key, "TONGFA_NO_MIGRATE=true",
		"TONGFA_DELIVERY_LEASE=5s", "TONGFA_PLATFORM_TIMEOUT=2s", fmt.Sprintf("TONGFA_WORKER_CONCURRENCY=%d", concurrency), "TONGFA_LOG_LEVEL=error"}}
	w.start(0)
	w.start(1)
	return w
}

// faultEditions is how many mass-mode WeChat accounts a fault run adds,
// each with one edition of three articles (群发).
const faultEditions = 8

// faultRun approves n items for four accounts each, and every fifth for a
// Douyin account too (a video post from the media library), and confirms
// one three-article edition for each of faultEditions mass-mode WeChat
// accounts; runs two worker processes that are SIGKILLed and restarted at
// least kills times, and disrupts Redis halfway. It checks that every
// delivery ends delivered or failed with a reason, every edition sent or
// failed with a reason, that no platform saw a post twice, and that no
// account was mass-sent to twice nor any article mass-sent twice.
func faultRun(t *testing.T, n, kills int, r faultRedis) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	env.AddDouyin(t)
	env.DouyinEvery = 5
	s := env.Sim
	setFaults(s)

	items := approveAndQueue(t, env, r.url, n)
	editions := queueEditions(t, env, r.url, &items)

	w := startWorkers(t, url, r.url, 25)
	defer w.stop()
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range kills {
		time.Sleep(time.Duration(1500+rng.IntN(2000)) * time.Millisecond)
		i := rng.IntN(2)
		w.kill(i)
		w.start(i)
		if r.disrupt != nil && k == kills/2 {
			r.disrupt(t)
			t.Logf("Redis disrupted after %d kills", k+1)
		}
	}
	ds := env.Wait(t, 8*time.Minute, items...)
	failed := 0
	for _, d := range ds {
		switch {
		case d.State == tongfa.DeliveryFailed && d.Error == "":
			t.Errorf("delivery %d failed without a reason", d.ID)
		case d.State == tongfa.DeliveryFailed:
			failed++
		case d.State != tongfa.DeliveryDelivered:
			t.Errorf("delivery %d ended %s", d.ID, d.State)
		}
	}
	if dup := s.Duplicates(); dup != 0 {
		for _, p := range s.Posts() {
			if p.Duplicates > 0 {
				t.Errorf("%s post %q received %d times", p.Platform, p.Title, p.Received)
			}
		}
		t.Fatalf("the simulators saw %d duplicate posts", dup)
	}
	checkEditions(t, env, editions)
	douyin := 0
	for _, p := range s.Posts() {
		if p.Platform == "douyin" {
			douyin++
		}
	}
	if douyin == 0 {
		t.Fatal("nothing reached Douyin")
	}
	t.Logf("%d deliveries: %d delivered, %d failed with a reason; %d posts on the simulators (%d on Douyin), 0 duplicates",
		len(ds), len(ds)-failed, failed, len(s.Posts()), douyin)
}

// queueEditions confirms one edition for each of faultEditions new
// mass-mode accounts and queues its send; the editions' items join items.
func queueEditions(t *testing.T, env *queuetest.Env, redisURL string, items *[]int64) []*store.Edition {
	t.Helper()
	enq := enqueuer(t, env, redisURL)
	defer enq.Client.Close()
	var out []*store.Edition
	for i := range faultEditions {
		acc := env.AddMassWeChat(t, i+1)
		ed, ids := env.Edition(t, acc, []string{fmt.Sprintf("第%d期头条：全市重点项目建设进展", i+1),
			fmt.Sprintf("第%d期次条：关于做好冬季安全生产工作的通知", i+1), fmt.Sprintf("第%d期三条：便民服务信息汇总", i+1)})
		if err := enq.EnqueueEdition(context.Background(), ed.ID, ed.PublishAt); err != nil {
			t.Fatal(err)
		}
		*items = append(*items, ids...)
		out = append(out, ed)
	}
	return out
}

// checkEditions: every edition ended sent (one mass post with its three
// articles in order) or failed with a reason; no account received more
// than one mass send and no article was mass-sent twice.
func checkEditions(t *testing.T, env *queuetest.Env, editions []*store.Edition) {
	t.Helper()
	ctx := context.Background()
	sent := 0
	for _, e := range editions {
		var got *store.Edition
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			var err error
			if got, err = env.DB.Edition(ctx, e.ID); err != nil {
				t.Fatal(err)
			}
			if got.State == "sent" || got.State == "failed" || time.Now().After(deadline) {
				break
			}
		}
		switch {
		case got.State == "sent":
			sent++
		case got.State == "failed" && got.Error == "":
			t.Errorf("edition %d failed without a reason", e.ID)
		case got.State != "failed":
			t.Errorf("edition %d ended %s", e.ID, got.State)
		}
	}
	jobs := map[string]int{}
	for _, j := range env.Sim.MassJobs() {
		if j.State != "failed" {
			jobs[j.AppID]++
		}
	}
	for app, n := range jobs {
		if n > 1 {
			t.Errorf("account %s was mass-sent to %d times", app, n)
		}
	}
	articles := map[string]int{}
	posts := 0
	for _, p := range env.Sim.Posts() {
		if p.Kind != "mass" {
			continue
		}
		posts++
		if p.Duplicates != 0 || len(p.Articles) != 3 {
			t.Errorf("mass post %q: %d articles, %d duplicates", p.Title, len(p.Articles), p.Duplicates)
		}
		for _, a := range p.Articles {
			articles[a.Title]++
		}
	}
	for title, n := range articles {
		if n > 1 {
			t.Errorf("article %q was mass-sent %d times", title, n)
		}
	}
	if posts != sent {
		t.Errorf("%d editions sent, %d mass posts on the simulator", sent, posts)
	}
	t.Logf("%d editions: %d sent, %d failed with a reason; %d mass sends, 0 duplicate sends or articles",
		len(editions), sent, len(editions)-sent, posts)
}

func TestFaultsWithKilledWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 2,100 deliveries under faults")
	}
	faultRun(t, 500, 12, testDBRedis(t, false))
}

func TestFaultsWithKilledWorkersAndRedisFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 2,100 deliveries under faults")
	}
	faultRun(t, 500, 12, testDBRedis(t, true))
}

// Ports of the local cluster and Sentinel set the failover tests start
// (docs/testing.md).
const (
	faultClusterPort  = 7100
	faultSentinelPort = 7110
)

// TestFaultsOnClusterWithFailover is the fault run on a Redis Cluster of
// three masters and three replicas, where the master holding the default
// queue is SIGKILLed halfway and its replica takes over: whatever the
// replica had not yet received is lost, and the reconciler re-creates it.
func TestFaultsOnClusterWithFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 630 deliveries under faults and a failover")
	}
	l := redistest.Cluster(t, faultClusterPort)
	faultRun(t, 150, 8, faultRedis{url: l.URL, disrupt: func(t *testing.T) {
		dead, promoted := l.KillMaster(t, "asynq:{default}:pending")
		t.Logf("killed the master %s of the default queue; its replica %s took over", dead, promoted)
	}})
}

// TestFaultsOnSentinelWithFailover is the same with a Sentinel-managed
// primary and replica: the primary is SIGKILLed and the sentinels promote
// the replica.
func TestFaultsOnSentinelWithFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 630 deliveries under faults and a failover")
	}
	l := redistest.Sentinel(t, faultSentinelPort)
	faultRun(t, 150, 8, faultRedis{url: l.URL, disrupt: func(t *testing.T) {
		dead, promoted := l.KillPrimary(t)
		t.Logf("killed the primary %s; the sentinels promoted %s", dead, promoted)
	}})
}
