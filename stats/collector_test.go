package stats_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store"
)

// withHistory are the platforms that keep each day's figures.
var withHistory = []tongfa.Platform{tongfa.PlatformWeChat, tongfa.PlatformApp, tongfa.PlatformWebsite, tongfa.PlatformDouyin}

// fresh asks the platform directly for one day of the account's post of
// ours, as the simulator has it; found is false when the platform lists
// no figures of the post that day (WeChat: an article nobody read).
func (e *env) fresh(t *testing.T, p tongfa.Platform, d time.Time) (ps connectors.PostStats, found bool, acc connectors.AccountStats) {
	t.Helper()
	ctx := context.Background()
	ts, err := e.db.StatsTargets(ctx, e.accounts[p].ID, d.AddDate(0, 0, -30), d.AddDate(0, 0, 2))
	if err != nil || len(ts) != 1 {
		t.Fatalf("targets %+v, %v", ts, err)
	}
	id := ts[0].PlatformPostID
	if p == tongfa.PlatformWeChat {
		id = ts[0].MsgDataID + "_1"
	}
	reader, _ := e.reg.StatsReader(e.conns[p])
	days, err := reader.Stats(ctx, e.conns[p], d, d, []connectors.StatsPost{{ID: id, Published: ts[0].DeliveredAt}})
	if err != nil || len(days) != 1 {
		t.Fatalf("%s on %s: %+v, %v", p, d.Format(time.DateOnly), days, err)
	}
	for _, ps := range days[0].Posts {
		if ps.ID == id {
			return ps, true, days[0].Account
		}
	}
	return ps, false, days[0].Account
}

// wantStored checks that the stored day of the post is the simulator's.
func (e *env) wantStored(t *testing.T, p tongfa.Platform, d time.Time) {
	t.Helper()
	want, found, acc := e.fresh(t, p, d)
	got, ok := e.stored(t, p)[d]
	if ok != found || ok && (got.Source != store.StatsPlatform || !same(got.StatsFigures, want.Figures)) {
		t.Errorf("%s on %s: stored %+v, simulator %+v", p, d.Format(time.DateOnly), got, want)
	}
	days, err := e.db.StatsAccountDays(context.Background(), e.accounts[p].ID, d, d.AddDate(0, 0, 1))
	if err != nil || acc.Followers != nil && (len(days) != 1 || *days[0].Followers != *acc.Followers) {
		t.Errorf("%s account on %s: stored %+v, simulator %+v", p, d.Format(time.DateOnly), days, acc)
	}
}

func same(a store.StatsFigures, b connectors.Figures) bool {
	eq := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return eq(a.Reads, b.Reads) && eq(a.Likes, b.Likes) && eq(a.Wows, b.Wows) && eq(a.Shares, b.Shares) && eq(a.Comments, b.Comments)
}

func (e *env) cursor(t *testing.T, p tongfa.Platform, d time.Time) (state, reason string) {
	t.Helper()
	err := e.db.Pool.QueryRow(context.Background(), `SELECT state, coalesce(error, '') FROM stats_cursors WHERE account_id = $1 AND day = $2`,
		e.accounts[p].ID, d).Scan(&state, &reason)
	if err != nil {
		return "none", ""
	}
	return state, reason
}

// TestCollectEveryChannel is issue 20's end to end: an item published on
// every channel on Monday; WeChat's figures are not there at 02:00 the
// next day and the day is asked again until they are; a day-long outage
// of every platform's statistics; the next run fills in the day missed.
func TestCollectEveryChannel(t *testing.T) {
	e := newEnv(t, china(2026, 3, 2, 10))
	item := e.publish(t, "全市春季植树活动启动")
	mon, tue, wed := day(2026, 3, 2), day(2026, 3, 3), day(2026, 3, 4)

	e.clk.Advance(16 * time.Hour) // Tuesday 02:00
	if err := e.sweep(t); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.cursor(t, tongfa.PlatformWeChat, mon); st != "partial" || len(e.stored(t, tongfa.PlatformWeChat)) != 0 {
		t.Fatalf("WeChat before the morning: cursor %s, %d days stored", st, len(e.stored(t, tongfa.PlatformWeChat)))
	}
	if st, _ := e.cursor(t, tongfa.PlatformWeibo, mon); st != "complete" {
		t.Fatalf("Weibo's snapshot is the day's end: cursor %s", st)
	}

	e.clk.Advance(7 * time.Hour) // Tuesday 09:00
	if err := e.sweep(t); err != nil {
		t.Fatal(err)
	}
	for _, p := range withHistory {
		if st, _ := e.cursor(t, p, mon); st != "complete" {
			t.Errorf("%s Monday: cursor %s", p, st)
		}
		if _, ok := e.stored(t, p)[mon]; !ok {
			t.Errorf("%s: nothing stored of the day the post went out", p)
		}
		e.wantStored(t, p, mon)
	}
	calls := e.sim.Calls("wechat", "datacube/getarticlesummary")
	if err := e.sweep(t); err != nil || e.sim.Calls("wechat", "datacube/getarticlesummary") != calls {
		t.Fatalf("a complete day is not asked again: %v", err)
	}

	down := sim.PlatformFaults{Fault: sim.Fault{Down: true}}
	e.sim.SetFaults(sim.Faults{WeChat: down, Weibo: down, App: down, Website: down, Douyin: down})
	e.clk.Advance(24 * time.Hour) // Wednesday 09:00, every platform down
	if err := e.sweep(t); err == nil {
		t.Fatal("a sweep against platforms that are down must fail")
	}
	for p := range e.conns {
		if st, why := e.cursor(t, p, tue); p != tongfa.PlatformOther && (st != "partial" || why == "") {
			t.Errorf("%s Tuesday during the outage: cursor %s %q", p, st, why)
		}
	}

	e.sim.SetFaults(sim.Faults{})
	e.clk.Advance(24 * time.Hour) // Thursday 09:00
	if err := e.sweep(t); err != nil {
		t.Fatal(err)
	}
	for _, p := range withHistory {
		for _, d := range []time.Time{tue, wed} {
			if st, _ := e.cursor(t, p, d); st != "complete" {
				t.Errorf("%s %s after the outage: cursor %s", p, d.Format(time.DateOnly), st)
			}
			e.wantStored(t, p, d)
		}
	}
	e.wantSnapshotSpread(t, mon, tue, wed)
	e.wantItemStats(t, item, wed)
}

// wantSnapshotSpread: Weibo's Monday is its own; what it gained after is
// shared between Tuesday, missed, and Wednesday, both estimated; the
// days add up to what Weibo shows now, and the followers of the missed
// day lie between its neighbours'.
func (e *env) wantSnapshotSpread(t *testing.T, mon, tue, wed time.Time) {
	t.Helper()
	days := e.stored(t, tongfa.PlatformWeibo)
	if days[mon].Source != store.StatsPlatform || days[tue].Source != store.StatsEstimated || days[wed].Source != store.StatsEstimated {
		t.Fatalf("Weibo days %+v", days)
	}
	now, _, _ := e.fresh(t, tongfa.PlatformWeibo, wed)
	for name, f := range map[string]func(store.StatsFigures) *int64{
		"likes": func(f store.StatsFigures) *int64 { return f.Likes }, "shares": func(f store.StatsFigures) *int64 { return f.Shares },
		"comments": func(f store.StatsFigures) *int64 { return f.Comments }} {
		sum := *f(days[mon].StatsFigures) + *f(days[tue].StatsFigures) + *f(days[wed].StatsFigures)
		if want := *f(store.StatsFigures(now.Figures)); sum != want || days[mon].Reads != nil {
			t.Errorf("Weibo %s: days add up to %d, Weibo shows %d", name, sum, want)
		}
	}
	acc, err := e.db.StatsAccountDays(context.Background(), e.accounts[tongfa.PlatformWeibo].ID, mon, wed.AddDate(0, 0, 1))
	if err != nil || len(acc) != 3 || acc[1].Source != store.StatsEstimated ||
		(*acc[1].Followers-*acc[0].Followers)*(*acc[2].Followers-*acc[1].Followers) < 0 {
		t.Errorf("Weibo followers %+v, %v", acc, err)
	}
}

// A platform's rate limit stops its account at once: the cursor says why,
// the error carries the platform's Retry-After (which the queue's retry
// delay honours) and the other accounts go on. Today cannot be asked for.
func TestRateLimitStopsTheAccount(t *testing.T) {
	e := newEnv(t, china(2026, 3, 2, 10))
	ctx := context.Background()
	e.publish(t, "城市更新项目进展通报")
	e.clk.Advance(24 * time.Hour)
	limited := sim.PlatformFaults{Endpoints: map[string]sim.Fault{"stats": {RateLimitRate: 1, RetryAfterS: 120}}}
	e.sim.SetFaults(sim.Faults{App: limited})
	_, err := e.col.CollectAccount(ctx, e.accounts[tongfa.PlatformApp].ID)
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Class != connectors.RateLimited || ce.RetryAfter != 2*time.Minute {
		t.Fatalf("collecting a rate-limited app: %v", err)
	}
	if n := e.sim.Calls("app", "stats"); n != 1 {
		t.Errorf("the rate-limited endpoint was asked %d times, want once", n)
	}
	if st, why := e.cursor(t, tongfa.PlatformApp, day(2026, 3, 2)); st != "partial" || why == "" {
		t.Errorf("cursor %s %q", st, why)
	}
	if err := e.sweep(t); err == nil {
		t.Error("the sweep hides the rate limit")
	}
	if st, _ := e.cursor(t, tongfa.PlatformWebsite, day(2026, 3, 2)); st != "complete" {
		t.Errorf("the website waited for the app: %s", st)
	}
	var te *tongfa.Error
	if err := e.col.Collect(ctx, e.accounts[tongfa.PlatformWeChat].ID, day(2026, 3, 3)); !errors.As(err, &te) || te.Code != tongfa.EInvalid {
		t.Errorf("collecting today: %v", err)
	}
}
