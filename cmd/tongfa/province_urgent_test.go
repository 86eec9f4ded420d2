package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// urgentPlatforms are the platforms of a province's accounts in the urgent
// burst, in the generator's order (a unit's first four accounts).
var urgentPlatforms = []tongfa.Platform{tongfa.PlatformWeChat, tongfa.PlatformWeibo, tongfa.PlatformApp, tongfa.PlatformWebsite}

// TestProvinceUrgentFigures measures an urgent item sent to every account
// of a province at once (docs/benchmarks.md, "A province's year"): the
// units and accounts of reportstest.BenchScale (300 units and 2,000
// accounts at full scale; a unit's accounts beyond its first four are
// second accounts of the same platforms, recorded as exceptions, since the
// generator's "other" platform has no connector), every account on the
// platform simulators over real HTTP with the platforms' default send
// rates (queue's defaultPerMinute: no rate_per_minute override) and the
// simulators answering 2 % of calls with the platform's rate-limit error.
// Two `tongfa worker` processes (concurrency 50 each, as deployed) deliver
// it; the clock runs from the enqueue until the last delivery is confirmed.
// It runs only with TONGFA_PROVINCE_BENCH=1, on its own schema.
func TestProvinceUrgentFigures(t *testing.T) {
	if os.Getenv("TONGFA_PROVINCE_BENCH") == "" {
		t.Skip("set TONGFA_PROVINCE_BENCH=1 to send an urgent item to every account of a province")
	}
	ctx := context.Background()
	sc := reportstest.BenchScale()
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	rate := sim.Fault{RateLimitRate: 0.02}
	env.Sim.SetFaults(sim.Faults{WeChat: sim.PlatformFaults{Fault: rate}, Weibo: sim.PlatformFaults{Fault: rate},
		App: sim.PlatformFaults{Fault: rate}, Website: sim.PlatformFaults{Fault: rate}})

	// The province's units below the env's unit, and its accounts.
	units := make([]int64, sc.Units)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range units {
			u, err := tx.CreateUnit(ctx, fmt.Sprintf("第%d单位", i+1), &env.Unit.ID)
			if err != nil {
				return err
			}
			units[i] = u.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var targets []int64
	perPlatform := map[string]int{}
	exception := "省级批量测试：同一平台的第二个账号"
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for k := range sc.Accounts {
			unit, round := units[k%sc.Units], k/sc.Units
			p := urgentPlatforms[round%len(urgentPlatforms)]
			a := &tongfa.Account{UnitID: unit, Platform: p, Name: fmt.Sprintf("账号%d", k+1), APIBase: env.SimURL + "/" + string(p)}
			if round >= len(urgentPlatforms) {
				a.Exception = &exception
			}
			var creds map[string]string
			switch p {
			case tongfa.PlatformWebsite:
				creds = map[string]string{"api_key": sim.WebsiteKey}
			case tongfa.PlatformWeChat:
				creds = map[string]string{"app_id": fmt.Sprintf("wxp%d", k+1), "app_secret": "sim-secret"}
			case tongfa.PlatformWeibo:
				creds = map[string]string{"access_token": fmt.Sprintf("wbtokp-%d", k+1), "refresh_token": fmt.Sprintf("refresh-wbtokp-%d", k+1), "app_key": "k", "app_secret": "s"}
			case tongfa.PlatformApp:
				creds = map[string]string{"hmac_secret": sim.AppSecret}
			}
			sealed, _ := json.Marshal(creds)
			if err := tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return env.Box.Seal(sealed, connectors.AccountAAD(id)), nil }); err != nil {
				return err
			}
			targets = append(targets, a.ID)
			perPlatform[string(p)]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The province's office publishes to its units' accounts by their
	// grant (R: isolation), as an urgent notice to every account would.
	if _, err := db.Pool.Exec(ctx, `INSERT INTO publish_grants (account_id, unit_id, created_at)
		SELECT id, $1, now() FROM accounts WHERE id = ANY($2)`, env.Unit.ID, targets); err != nil {
		t.Fatal(err)
	}
	if len(targets) != sc.Accounts {
		t.Fatalf("%d accounts, want %d", len(targets), sc.Accounts)
	}

	redistest.New(t, testRedisDB) // flushed for this run
	redisURL := redistest.URL(testRedisDB)
	w := startWorkers(t, url, redisURL, 50)
	defer w.stop()
	time.Sleep(3 * time.Second) // the workers connect and start polling

	c := tongfa.Content{Title: "紧急通知：关于做好强降雨防范应对工作的紧急通知",
		Body:    "<p>据气象部门预报，我省将出现大范围强降雨过程。各地各部门要立即启动应急响应，全力做好防范应对工作。</p>",
		Summary: "立即启动应急响应", Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine,
		Urgency: tongfa.UrgencyUrgent, Targets: targets}
	up, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load average before: %s", strings.TrimSpace(string(up)))
	it, ids := env.ApproveContent(t, c)
	if len(ids) != len(targets) {
		t.Fatalf("%d deliveries planned for %d accounts", len(ids), len(targets))
	}
	enq := enqueuer(t, env, redisURL)
	defer enq.Client.Close()
	start := time.Now()
	if err := enq.EnqueueIDs(ctx, store.QueueFor(it.Version.Content), ids); err != nil {
		t.Fatal(err)
	}
	enqueued := time.Since(start)
	for {
		var open int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE item_id = $1 AND state NOT IN ('delivered','failed','abandoned','withdrawn')`, it.ID).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Since(start) > 20*time.Minute {
			t.Fatalf("%d of %d deliveries still open after 20 minutes", open, len(ids))
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	up, _ = os.ReadFile("/proc/loadavg")
	t.Logf("load average after: %s", strings.TrimSpace(string(up)))

	rows, err := db.Pool.Query(ctx, `SELECT platform, count(*), count(*) FILTER (WHERE state = 'delivered'),
		coalesce(max(attempts), 0), coalesce(sum(attempts), 0), max(delivered_at)
		FROM deliveries WHERE item_id = $1 GROUP BY platform ORDER BY platform`, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	t.Logf("an urgent item to %d accounts: enqueued in %s, last delivery confirmed after %s", len(ids), enqueued.Round(time.Millisecond), took.Round(time.Millisecond))
	t.Logf("| platform | accounts | delivered | attempts (max) | last confirmed after | deliveries/s |")
	t.Logf("| --- | --- | --- | --- | --- | --- |")
	delivered := 0
	for rows.Next() {
		var p string
		var n, ok, maxAttempts, attempts int
		var last *time.Time
		if err := rows.Scan(&p, &n, &ok, &maxAttempts, &attempts, &last); err != nil {
			t.Fatal(err)
		}
		delivered += ok
		var after time.Duration
		if last != nil {
			after = last.Sub(start)
		}
		t.Logf("| %s | %d | %d | %d (%d) | %s | %.1f |", p, n, ok, attempts, maxAttempts, after.Round(time.Millisecond), float64(ok)/after.Seconds())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if delivered != len(ids) {
		t.Errorf("%d of %d deliveries delivered", delivered, len(ids))
	}
	// Exactly once: as many posts received as accounts, per platform. The
	// simulator knows one website and one app (a shared key): there every
	// account's post of the same text is one post received many times;
	// WeChat and Weibo know each account, so there a repeat is a duplicate.
	received := map[string]int{}
	for _, p := range env.Sim.Posts() {
		received[p.Platform] += p.Received
		if p.Duplicates > 0 && (p.Platform == "wechat" || p.Platform == "weibo") {
			t.Errorf("%s post %q of %s received %d times", p.Platform, p.Title, p.Account, p.Received)
		}
	}
	for p, n := range perPlatform {
		if received[p] != n {
			t.Errorf("%s: %d posts received for %d accounts", p, received[p], n)
		}
	}
}
