package hub

import (
	"fmt"
	"sync"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/tasks"
)

// Platforms are the connectors of every platform, built once per process.
func (h *Hub) Platforms() *all.Registry {
	h.platformsOnce.Do(func() {
		h.platforms = all.NewWithLibrary(h.Redis, h.Config.PlatformTimeout, h.DB, h.Config.MediaHosts...)
		h.platforms.UseLibrary(media.Source{Service: h.Media})
	})
	return h.platforms
}

// Worker returns the queue runner with every package's tasks and
// schedules registered; owner names this process's leases. Several
// worker processes may run side by side.
func (h *Hub) Worker(owner string) (*queue.Runner, error) {
	p := h.Platforms()
	inspector := asynq.NewInspectorFromRedisClient(h.Redis)
	deliveries := &queue.Worker{DB: h.DB, Box: h.Box, Enqueuer: h.Queue, Platforms: p, Inspector: inspector,
		Render: render.Renderer{}, Limiter: queue.NewLimiter(h.Redis), Log: h.Log, Owner: owner, Lease: h.Config.Lease,
		Deadline: h.Clocks.TaskDeadline}
	// 群发保护: the clock of mass sends awaiting an administrator.
	deliveries.Guard = &queue.Guard{DB: h.DB, Box: h.Box, Platforms: p, Notify: h.Notify, Log: h.Log}
	reconciler := &queue.Reconciler{DB: h.DB, Enqueuer: h.Queue, Inspector: inspector, Quiet: queue.DefaultQuiet, Log: h.Log}
	poller := &inbox.Poller{Inbox: h.Inbox, Box: h.Box, Weibo: p.Weibo, WeChat: p.WeChat, Douyin: p.Douyin, App: p.App, Website: p.Website, Log: h.Log}
	sender := &inbox.Sender{DB: h.DB, Box: h.Box, Repliers: p, Website: p.Website, Owner: owner, Lease: h.Config.Lease,
		Notify: h.Notify, Log: h.Log}
	upkeep := &audit.Upkeep{Store: h.DB, Keep: h.Config.AuditRetention(),
		Exporter: &audit.Exporter{Chain: h.DB, File: h.Config.AuditCheckpointFile, Robots: h.Notify, Log: h.Log}}
	// Statistics: a sweep every six hours queues one task per account.
	collector := &stats.Collector{DB: h.DB, Box: h.Box, Readers: p, Queue: h.Tasks, Log: h.Log}

	r := queue.NewRunner(h.RedisOpt, h.Config.Concurrency, h.Log)
	for _, register := range []func(tasks.Mux) error{
		deliveries.Register, deliveries.Guard.Register, reconciler.Register,
		poller.Register, sender.Register, func(m tasks.Mux) error { return h.Inbox.Register(m, h.Notify) },
		h.Review.Register, h.Clocks.Register, h.Patrol.Register,
		func(m tasks.Mux) error { return h.Registry.Register(m, p) },
		upkeep.Register, collector.Register, h.Reposts.Register, h.Manual.Register,
	} {
		if err := register(r); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	return r, nil
}

type lazyPlatforms struct {
	platformsOnce sync.Once
	platforms     *all.Registry
}
