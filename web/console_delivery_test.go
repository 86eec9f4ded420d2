package web_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// startDelivery wires the console harness to a real delivery pipeline on
// the console's Redis database: approvals enqueue through asynq, a worker
// publishes to the platform simulators, and bureau A gets one account per
// platform there. It returns the simulator.
func startDelivery(t *testing.T, h *harness) *sim.Server {
	t.Helper()
	opt, err := redis.ParseURL(redistest.URL(consoleRedisDB))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt) // setupConsole flushed this database already
	t.Cleanup(func() { rdb.Close() })
	s := sim.New(42)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	enq := &queue.Enqueuer{Client: asynq.NewClientFromRedisClient(rdb), DB: h.db}
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	w := &queue.Worker{DB: h.db, Box: h.hub.Box, Enqueuer: enq, Platforms: all.New(rdb, 10*time.Second), Inspector: inspector,
		Render: render.Renderer{}, Limiter: queue.NewLimiter(rdb), Log: log, Owner: "console-browser-test", Lease: time.Minute}
	rec := &queue.Reconciler{DB: h.db, Enqueuer: enq, Inspector: inspector, Quiet: 15 * time.Second, Log: log}
	r := queue.NewRunner(asynq.RedisClientOpt{Addr: opt.Addr, DB: opt.DB}, 4, log)
	if err := errors.Join(w.Register(r), rec.Register(r)); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Shutdown)
	queuetest.Accounts(t, h.db, h.hub.Box, h.unitA.ID, ts.URL)
	return s
}

// platformsPosted counts the platforms the simulator received a post on.
func platformsPosted(s *sim.Server) map[string]bool {
	out := map[string]bool{}
	for _, p := range s.Posts() {
		out[p.Platform] = true
	}
	return out
}
