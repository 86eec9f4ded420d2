package hub

import (
	"context"
	"net/http"

	"github.com/tongfa/tongfa/web"
)

// Handler is the hub's whole HTTP surface: the API, the console, the
// platforms' callbacks and, with a queue connection, /admin/queues.
func (h *Hub) Handler() http.Handler { return h.Server().Handler() }

// Server is the HTTP surface before it is wrapped (tests walk its routes).
func (h *Hub) Server() *web.Server {
	srv := web.New(h.Config, web.Services{Reports: h.Reports, Identity: h.Identity, Audit: h.Audit, Notify: h.Notify, Deliveries: h.Deliveries, Now: h.Now, Metrics: h.Metrics, Sessions: h.Sessions, Items: h.Items, Editions: h.Editions, Registry: h.Registry,
		Review: h.Review, Queue: h.Queue, Clocks: h.Clocks, Inbox: h.Inbox, Intake: h.Intake,
		Dictionaries: h.Dictionaries, Patrol: h.Patrol, Calendar: h.Calendar, Checker: h.Checker, Box: h.Box,
		Validate: h.Validate, Stats: h.Stats, Reposts: h.Reposts, Media: h.Media, Manual: h.Manual}, h.Log, h.ready()...)
	if h.RedisOpt != nil {
		srv.Mounts = append(srv.Mounts, web.MountQueues(h.RedisOpt))
	}
	return srv
}

// ready are the checks /readyz runs: the store and Redis answer.
func (h *Hub) ready() []web.ReadyCheck {
	return []web.ReadyCheck{
		func(ctx context.Context) (string, string, error) { return "postgres", "", h.DB.Ping(ctx) },
		func(ctx context.Context) (string, string, error) { return "redis", "", h.Redis.Ping(ctx).Err() },
	}
}
