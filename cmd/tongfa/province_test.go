package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store/storetest"
)

// provinceClusterPort is the first port of TestProvince's local cluster
// (docs/testing.md).
const provinceClusterPort = 7150

// province is one installation run as several processes: two `serve`
// and three `worker` hubs in this test process, on one schema and one
// Redis Cluster.
type province struct {
	env     *queuetest.Env
	serves  []*Main
	passes  *passLog
	started time.Time // when the last worker started
}

func startProvince(t *testing.T) *province {
	t.Helper()
	l := redistest.Cluster(t, provinceClusterPort)
	db, url := storetest.NewWithURL(t)
	p := &province{env: queuetest.New(t, db), passes: &passLog{}}
	cfg := config.Default()
	cfg.DatabaseURL, cfg.RedisURL, cfg.Listen, cfg.SecretKey, cfg.NoMigrate = url, l.URL, "127.0.0.1:0", queuetest.Key, true
	for range 2 {
		p.serves = append(p.serves, runProcess(t, cfg, quietLogger(), true, false))
	}
	for range 3 {
		runProcess(t, cfg, slog.New(p.passes), false, true)
	}
	p.started = time.Now()
	return p
}

// TestProvince: whichever `serve` answers, a session, its CSRF token, the
// login throttle and the console behave as on one process; the workers
// share the deliveries and run each periodic task once per period.
func TestProvince(t *testing.T) {
	if testing.Short() {
		t.Skip("long: five hub processes and a 30-second window of periodic tasks")
	}
	p := startProvince(t)
	a, b := p.serves[0].URL(), p.serves[1].URL()
	staff(t, p.env.DB, p.env.Unit.ID, "prov_", "Province-Passw0rd", tongfa.RoleEditor)
	t.Run("api session", func(t *testing.T) { apiSessionAcross(t, a, b, "prov_editor", "Province-Passw0rd") })
	t.Run("login throttle", func(t *testing.T) { throttleAcross(t, a, b) })
	t.Run("console", func(t *testing.T) { consoleAcross(t, a, b, "prov_editor", "Province-Passw0rd") })
	t.Run("deliveries", func(t *testing.T) { deliverAcross(t, p) })
	t.Run("periodic", func(t *testing.T) { p.oncePerPeriod(t, queue.TypeReconcile, 10*time.Second, 3) })
}

// deliverAcross sends ten items through the three workers.
func deliverAcross(t *testing.T, p *province) {
	items := approveAndQueue(t, p.env, p.serves[0].Config.RedisURL, 10)
	for _, d := range p.env.Wait(t, 2*time.Minute, items...) {
		if d.State != tongfa.DeliveryDelivered {
			t.Errorf("delivery %d ended %s: %s", d.ID, d.State, d.Error)
		}
	}
	if dup := p.env.Sim.Duplicates(); dup != 0 {
		t.Fatalf("the simulators saw %d duplicate posts", dup)
	}
}

// oncePerPeriod counts the passes of taskType in n whole periods that
// start after every worker runs: exactly one in each.
func (p *province) oncePerPeriod(t *testing.T, taskType string, period time.Duration, n int) {
	from := p.started.Truncate(period).Add(period)
	to := from.Add(time.Duration(n) * period)
	time.Sleep(time.Until(to) + 2*time.Second)
	counts := map[time.Time]int{}
	for _, at := range p.passes.of(taskType) {
		if !at.Before(from) && at.Before(to) {
			counts[at.Truncate(period)]++
		}
	}
	for at := from; at.Before(to); at = at.Add(period) {
		if counts[at] != 1 {
			t.Errorf("%s ran %d times in the period from %s", taskType, counts[at], at.Format("15:04:05"))
		}
	}
	t.Logf("%s: %d passes in %d periods of %s across three workers", taskType, len(counts), n, period)
}

// passLog is a slog handler that keeps when each periodic task's pass
// ended, from the runners' "periodic task done" records.
type passLog struct {
	mu sync.Mutex
	at map[string][]time.Time
}

func (l *passLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *passLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *passLog) WithGroup(string) slog.Handler            { return l }

func (l *passLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "periodic task done" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "type" {
			l.mu.Lock()
			if l.at == nil {
				l.at = map[string][]time.Time{}
			}
			l.at[a.Value.String()] = append(l.at[a.Value.String()], r.Time)
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

func (l *passLog) of(taskType string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.at[taskType]...)
}
