package hub_test

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/hub"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// redisDB is the hub tests' Redis database.
const redisDB = 13

// shiftedClock is the real clock moved forward by a settable offset: the
// workers' leases and the simulator's send confirmations keep running
// while the test jumps days ahead.
type shiftedClock struct{ offset atomic.Int64 }

func (c *shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// to moves the clock to t.
func (c *shiftedClock) to(t time.Time) { c.offset.Store(int64(time.Until(t))) }

// TestWorkerCollectsStatistics is issue 20's end to end through the hub:
// an item goes out on every channel through the workers; days later the
// worker's statistics sweep (registered to run periodically) finds the
// simulator's figures; a sweep while every platform is down fails, and
// its retries fill in the days it missed once they are back.
func TestWorkerCollectsStatistics(t *testing.T) {
	db := storetest.New(t)
	rdb := redistest.New(t, redisDB)
	opt, err := asynq.ParseRedisURI(redistest.URL(redisDB))
	if err != nil {
		t.Fatal(err)
	}
	clk := &shiftedClock{}
	db.Now = clk.Now
	s := sim.NewWith(sim.Options{Seed: 5, Now: clk.Now})
	ts := httptest.NewServer(s)
	defer ts.Close()
	cfg := config.Default()
	cfg.SecretKey, cfg.Crypto = queuetest.Key, cmp.Or(os.Getenv("TONGFA_CRYPTO"), cfg.Crypto)
	hb := hub.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), hub.Conns{DB: db, Redis: rdb, RedisOpt: opt}, sensitive.NewDefault())
	defer hb.Close()
	p := hb.Platforms()
	p.App.Now, p.Website.Now = clk.Now, clk.Now

	env := &queuetest.Env{DB: db, Box: hb.Box, Sim: s, SimURL: ts.URL}
	ctx := context.Background()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if env.Unit, err = tx.CreateUnit(ctx, "示范市融媒体中心", nil); err != nil {
			return err
		}
		env.Author, err = tx.CreateUser(ctx, store.NewUser{Username: "editor", UnitID: env.Unit.ID, PasswordHash: "x"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Accounts = queuetest.Accounts(t, db, hb.Box, env.Unit.ID, ts.URL)

	r, err := hb.Worker("stats-test")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{stats.TypeSweep, stats.TypePartitions} {
		if !r.Periodic(typ) {
			t.Errorf("the worker does not run %s periodically", typ)
		}
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Shutdown()

	it, ids := env.Approve(t, "全市春季植树活动启动", false)
	if err := hb.Queue.EnqueueIDs(ctx, store.QueueFor(it.Version.Content), ids); err != nil {
		t.Fatal(err)
	}
	for _, d := range env.Wait(t, time.Minute, it.ID) {
		if d.State != tongfa.DeliveryDelivered {
			t.Fatalf("delivery to %s: %s %s", d.Platform, d.State, d.Error)
		}
	}
	first := stats.DayOf(clk.Now())
	morning := func(d time.Time, days int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day()+days, 10, 0, 0, 0, workday.Location())
	}
	second := first.AddDate(0, 0, 1)

	// The next morning every platform is down: the sweep's account tasks
	// fail and say why on the day's cursor.
	down := sim.PlatformFaults{Fault: sim.Fault{Down: true}}
	s.SetFaults(sim.Faults{WeChat: down, Weibo: down, App: down, Website: down})
	clk.to(morning(first, 1))
	sweep(t, hb)
	waitFor(t, "the failed collection of every account", func() bool {
		return count(t, db, `SELECT count(*) FROM stats_cursors WHERE day = $1 AND state = 'partial' AND error <> ''`, first) == len(env.Accounts)
	})

	// The platforms come back a day later: the retries collect both days.
	s.SetFaults(sim.Faults{})
	clk.to(morning(first, 2))
	waitFor(t, "both days of every account", func() bool {
		return count(t, db, `SELECT count(*) FROM stats_cursors WHERE day IN ($1, $2) AND state = 'complete'`, first, second) == 2*len(env.Accounts)
	})

	got, err := hb.Stats.ItemStats(ctx, it.ID)
	if err != nil || len(got.Channels) != len(env.Accounts) {
		t.Fatalf("item stats %+v, %v", got, err)
	}
	followers := map[tongfa.Platform]bool{tongfa.PlatformWeChat: true, tongfa.PlatformWeibo: true}
	creds := map[tongfa.Platform]map[string]string{tongfa.PlatformApp: {"hmac_secret": sim.AppSecret},
		tongfa.PlatformWebsite: {"api_key": sim.WebsiteKey}}
	for _, ch := range got.Channels {
		a := env.Accounts[ch.Platform]
		acct, err := hb.Stats.AccountStats(ctx, a.ID, first, second.AddDate(0, 0, 1))
		// Weibo keeps no history: the day missed before its first snapshot
		// has nothing to share out.
		wantDays := map[bool]int{true: 1, false: 2}[ch.Platform == tongfa.PlatformWeibo]
		if err != nil || len(acct.Daily) != wantDays || followers[ch.Platform] && acct.Daily[wantDays-1].Followers == nil {
			t.Errorf("%s account days %+v, %v", ch.Platform, acct, err)
		}
		if ch.Platform == tongfa.PlatformWeChat {
			// Published, not mass-sent: datacube has no figures of the article.
			if len(ch.Daily) != 0 {
				t.Errorf("WeChat figures of a published article: %+v", ch.Daily)
			}
			continue
		}
		if len(ch.Daily) != 2 {
			t.Errorf("%s: %d days stored, want 2", ch.Platform, len(ch.Daily))
			continue
		}
		if creds[ch.Platform] == nil {
			continue
		}
		// What the platform itself says of each day is what was stored.
		acc := connectors.Account{ID: a.ID, Platform: a.Platform, APIBase: a.APIBase, Credentials: creds[ch.Platform], Settings: a.Settings}
		reader, _ := p.StatsReader(acc)
		for _, d := range ch.Daily {
			days, err := reader.Stats(ctx, acc, d.Day.Time, d.Day.Time, []connectors.StatsPost{{ID: ch.PlatformPostID, Published: *ch.DeliveredAt}})
			if err != nil || len(days) != 1 || len(days[0].Posts) != 1 {
				t.Fatalf("%s on %s: %+v, %v", ch.Platform, d.Day.Format(time.DateOnly), days, err)
			}
			want := days[0].Posts[0].Figures
			if d.Reads == nil || want.Reads == nil || *d.Reads != *want.Reads || *d.Reads == 0 {
				t.Errorf("%s on %s: stored reads %v, the platform says %v", ch.Platform, d.Day.Format(time.DateOnly), d.Reads, want.Reads)
			}
		}
	}
}

// sweep queues the statistics sweep as the worker's scheduler does.
func sweep(t *testing.T, hb *hub.Hub) {
	t.Helper()
	if _, err := hb.Tasks.Enqueue(asynq.NewTask(stats.TypeSweep, nil), asynq.Queue("low"), asynq.MaxRetry(0)); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
	}
}
