package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/registry"
)

func init() {
	register(command{name: "worker", summary: "run the delivery workers (several may run side by side)", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "worker", args, false, true)
	}})
}

// pollEvery is how often the platforms that do not push are asked for
// new comments (well inside Weibo's hourly limits).
const pollEvery = "@every 30s"

// escalateEvery is how often pending sign-offs are checked against their
// unit's limit.
const escalateEvery = "@every 1m"

// startWorker runs the asynq server with the delivery handlers, the
// reconciler and the periodic sweeps.
func (m *Main) startWorker() error {
	m.platforms = all.New(m.Redis, m.Config.PlatformTimeout, m.Config.MediaHosts...)
	inspector := asynq.NewInspectorFromRedisClient(m.Redis)
	w := &queue.Worker{DB: m.DB, Box: m.Server.Box, Enqueuer: m.Enqueuer, Platforms: m.platforms, Inspector: inspector,
		Render: render.Renderer{}, Limiter: queue.NewLimiter(m.Redis), Log: m.Logger, Owner: workerID(), Lease: m.Config.Lease}
	rec := &queue.Reconciler{DB: m.DB, Enqueuer: m.Enqueuer, Inspector: inspector, Quiet: queue.DefaultQuiet, Log: m.Logger}
	r := queue.NewRunner(m.redisOpt, m.Config.Concurrency, m.Logger)
	if err := r.Deliveries(w, rec); err != nil {
		return err
	}
	poller := &inbox.Poller{Inbox: m.Server.Inbox, Box: m.Server.Box, Weibo: m.platforms.Weibo, WeChat: m.platforms.WeChat, App: m.platforms.App,
		Website: m.platforms.Website, Log: m.Logger}
	r.Handle(inbox.TypePoll, func(ctx context.Context, _ *asynq.Task) error {
		n, err := poller.Poll(ctx)
		if n > 0 {
			m.Logger.Info("inbox: new messages polled", slog.Int("count", n))
		}
		return err
	})
	if err := r.Every(pollEvery, inbox.TypePoll, "low"); err != nil {
		return err
	}
	r.Handle(inbox.TypeDeadlines, func(ctx context.Context, _ *asynq.Task) error {
		_, err := m.Server.Inbox.Sweep(ctx, m.DB.Now(), m.Server.Review.Notify)
		return err
	})
	if err := r.Every("@every 5m", inbox.TypeDeadlines, "default"); err != nil {
		return err
	}
	sender := &inbox.Sender{DB: m.DB, Box: m.Server.Box, Repliers: m.platforms, Website: m.platforms.Website, Owner: w.Owner,
		Lease: m.Config.Lease, Notify: m.Server.Review.Notify, Log: m.Logger}
	r.Handle(inbox.TypeAnswer, func(ctx context.Context, t *asynq.Task) error {
		id, err := queue.RecordID(t)
		if err != nil {
			return err
		}
		return sender.Send(ctx, id)
	})
	r.Handle(inbox.TypeAnswersDue, func(ctx context.Context, _ *asynq.Task) error {
		_, err := m.Server.Inbox.Due(ctx, 2*time.Minute)
		return err
	})
	if err := r.Every("@every 1m", inbox.TypeAnswersDue, "default"); err != nil {
		return err
	}
	r.Handle("review:escalate", func(ctx context.Context, _ *asynq.Task) error {
		_, err := m.Server.Review.Escalate(ctx, m.DB.Now())
		return err
	})
	if err := r.Every(escalateEvery, "review:escalate", "default"); err != nil {
		return err
	}
	r.Handle(clocks.TypeCheck, func(ctx context.Context, t *asynq.Task) error {
		var p struct {
			ItemID int64 `json:"item_id"`
		}
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		_, err := m.Server.Clocks.Check(ctx, p.ItemID, m.DB.Now())
		return err
	})
	r.Handle("clock:sweep", func(ctx context.Context, _ *asynq.Task) error {
		now := m.DB.Now()
		_, err := m.Server.Clocks.Sweep(ctx, now)
		if err == nil {
			_, err = m.Server.Clocks.InterpretationSweep(ctx, now)
		}
		return err
	})
	r.Handle("clock:frequency", func(ctx context.Context, _ *asynq.Task) error {
		_, err := m.Server.Clocks.FrequencySweep(ctx, m.DB.Now())
		return err
	})
	for _, e := range [][2]string{{"@every 1m", "clock:sweep"}, {"@every 1h", "clock:frequency"}} {
		if err := r.Every(e[0], e[1], "urgent"); err != nil {
			return err
		}
	}
	r.Handle(registry.TypePatrol, func(ctx context.Context, t *asynq.Task) error {
		var p struct {
			RunID int64 `json:"run_id"`
		}
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		return m.Server.Patrol.Run(ctx, p.RunID)
	})
	r.Handle("registry:daily", func(ctx context.Context, _ *asynq.Task) error { return m.registryDaily(ctx) })
	if err := r.Every("@every 6h", "registry:daily", "low"); err != nil {
		return err
	}
	r.Handle("audit:prune", func(ctx context.Context, _ *asynq.Task) error {
		_, err := m.DB.PruneAudit(ctx, 0) // keeps 180 days (R10)
		return err
	})
	if err := r.Every("@daily", "audit:prune", "low"); err != nil {
		return err
	}
	cp := &audit.Exporter{Chain: m.DB, File: m.Config.AuditCheckpointFile, Robots: m.Server.Review.Notify, Log: m.Logger}
	r.Handle(audit.TypeCheckpoint, func(ctx context.Context, _ *asynq.Task) error { _, err := cp.Export(ctx); return err })
	if err := r.Every(audit.CheckpointEvery, audit.TypeCheckpoint, "default"); err != nil {
		return err
	}
	if err := r.Start(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	m.runner = r
	return nil
}

// workerID names this process's leases: host, pid and a random suffix.
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b) //nolint:errcheck
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// scheduleCheck queues a clock check of item at `at`; a task id that
// exists already means it is queued.
func (m *Main) scheduleCheck(ctx context.Context, taskID string, at time.Time, itemID int64) error {
	payload, _ := json.Marshal(map[string]int64{"item_id": itemID})
	_, err := m.Enqueuer.Client.EnqueueContext(ctx, asynq.NewTask(clocks.TypeCheck, payload), asynq.TaskID(taskID),
		asynq.ProcessAt(at), asynq.Queue("urgent"), asynq.MaxRetry(3))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// enqueuePatrol hands a patrol run to the workers.
func (m *Main) enqueuePatrol(ctx context.Context, runID int64) error {
	payload, _ := json.Marshal(map[string]int64{"run_id": runID})
	_, err := m.Enqueuer.Client.EnqueueContext(ctx, asynq.NewTask(registry.TypePatrol, payload),
		asynq.TaskID(fmt.Sprintf("patrol:%d", runID)), asynq.Queue("low"), asynq.Timeout(time.Hour), asynq.MaxRetry(3))
	return err
}

// registryDaily disables inactive users and watches filing deadlines and
// Weibo tokens.
func (m *Main) registryDaily(ctx context.Context) error {
	now := m.DB.Now()
	reg := m.Server.Registry
	if _, err := reg.DisableInactive(ctx, now); err != nil {
		return err
	}
	units, err := m.DB.Units(ctx)
	if err != nil {
		return err
	}
	if _, err := reg.FilingSweep(ctx, access.NewTree(units), now); err != nil {
		return err
	}
	_, err = reg.TokenSweep(ctx, m.platforms.Weibo, now)
	return err
}
