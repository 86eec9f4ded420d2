package queue

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/tasks"
)

// reconcileEvery is how often the reconcile pass runs, once per period
// whatever the number of worker processes (see Every).
const reconcileEvery = "@every 10s"

// Runner is the worker side of a hub process: the asynq server with its
// handlers, and the scheduler of periodic tasks.
type Runner struct {
	srv      *asynq.Server
	mux      *asynq.ServeMux
	rdb      redis.UniversalClient
	sched    *scheduler
	periodic map[string]bool // task types Every registered
	log      *slog.Logger
}

// NewRunner builds the asynq server and scheduler. Handlers of other
// packages (clocks, inbox) are added with Handle before Start.
func NewRunner(opt asynq.RedisConnOpt, concurrency int, log *slog.Logger) *Runner {
	srv := asynq.NewServer(opt, asynq.Config{
		Concurrency:     concurrency,
		Queues:          Queues,
		RetryDelayFunc:  retryDelay,
		IsFailure:       isFailure,
		ShutdownTimeout: 8 * time.Second,
		// Clock checks scheduled at a threshold must run within seconds of it.
		DelayedTaskCheckInterval: time.Second,
		// An idle worker looks for new tasks this often (asynq's default is
		// a second, which would be most of an approved item's latency).
		TaskCheckInterval: 50 * time.Millisecond,
		Logger:            asynqLogger{log},
		LogLevel:          asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			if isFailure(err) {
				log.Warn("task failed", slog.String("type", t.Type()), slog.String("payload", string(t.Payload())), slog.Any("error", err))
			}
		}),
	})
	rdb, _ := opt.MakeRedisClient().(redis.UniversalClient)
	r := &Runner{srv: srv, mux: asynq.NewServeMux(), rdb: rdb, periodic: map[string]bool{}, log: log,
		sched: &scheduler{client: asynq.NewClientFromRedisClient(rdb), inspector: asynq.NewInspectorFromRedisClient(rdb), log: log}}
	r.mux.Use(r.logPeriodic)
	return r
}

// Handle registers a task handler.
func (r *Runner) Handle(taskType string, h asynq.HandlerFunc) { r.mux.HandleFunc(taskType, h) }

// Every registers a periodic task on a cron spec or descriptor. Each
// period has its own TaskID, which every worker's scheduler proposes at
// the period's start: asynq queues the first and refuses the others, so
// the task runs once per period however many workers run. A pass whose
// worker was killed archives only its own period's id.
func (r *Runner) Every(spec, taskType, queue string) error {
	p, err := parsePeriodic(spec, taskType, queue)
	if err != nil {
		return err
	}
	r.sched.tasks = append(r.sched.tasks, p)
	r.periodic[taskType] = true
	return nil
}

// Periodic reports whether Every registered taskType.
func (r *Runner) Periodic(taskType string) bool { return r.periodic[taskType] }

// logPeriodic logs each pass of a periodic task at debug level: how an
// operator (and the many-process test) sees one pass per period.
func (r *Runner) logPeriodic(h asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := h.ProcessTask(ctx, t)
		if r.periodic[t.Type()] {
			id, _ := asynq.GetTaskID(ctx)
			r.log.Debug("periodic task done", slog.String("type", t.Type()), slog.String("task_id", id),
				slog.Duration("took", time.Since(start)), slog.Any("error", err))
		}
		return err
	})
}

// Start runs the server and the scheduler in the background.
func (r *Runner) Start() error {
	if err := r.srv.Start(r.mux); err != nil {
		return err
	}
	r.sched.start()
	return nil
}

// Shutdown stops taking tasks and waits for running ones (bounded by
// ShutdownTimeout).
func (r *Runner) Shutdown() {
	r.sched.shutdown()
	r.srv.Shutdown()
	r.rdb.Close() // the scheduler's client and inspector share it

}

// Register adds the delivery and withdrawal handlers to m.
func (w *Worker) Register(m tasks.Mux) error {
	m.Handle(TypeDeliver, w.HandleDeliver)
	m.Handle(TypeWithdraw, w.HandleWithdraw)
	m.Handle(TypeEdition, w.HandleEdition)
	return nil
}

// Register adds the reconcile pass and its schedule to m.
func (rec *Reconciler) Register(m tasks.Mux) error {
	m.Handle(TypeReconcile, rec.HandleReconcile)
	return m.Every(reconcileEvery, TypeReconcile, "default")
}

var _ tasks.Mux = (*Runner)(nil)
