package queue

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tongfa/tongfa/tasks"
)

// reconcileEvery is how often the scheduler asks for a reconcile pass. Every
// process runs a scheduler; the uniqueness lock (see Every) lets only one
// pass be queued at a time.
const reconcileEvery = "@every 10s"

// Runner is the worker side of a hub process: the asynq server with its
// handlers, and the scheduler of periodic tasks.
type Runner struct {
	srv   *asynq.Server
	sched *asynq.Scheduler
	mux   *asynq.ServeMux
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
	sched := asynq.NewScheduler(opt, &asynq.SchedulerOpts{Logger: asynqLogger{log}, LogLevel: asynq.WarnLevel})
	return &Runner{srv: srv, sched: sched, mux: asynq.NewServeMux()}
}

// Handle registers a task handler.
func (r *Runner) Handle(taskType string, h asynq.HandlerFunc) { r.mux.HandleFunc(taskType, h) }

// Every registers a periodic task. A uniqueness lock keeps several
// schedulers from queueing it twice while one is pending or running. It is
// a lock with a time limit, not a fixed TaskID: a task whose worker was
// killed ends archived, and an archived task would hold a fixed TaskID —
// and stop the schedule — for good.
func (r *Runner) Every(spec, taskType, queue string) error {
	_, err := r.sched.Register(spec, asynq.NewTask(taskType, nil), asynq.Unique(periodicLock), asynq.Queue(queue),
		asynq.MaxRetry(0), asynq.Timeout(time.Minute))
	return err
}

// periodicLock is how long a periodic task's uniqueness lock lasts at
// most: it is released when the task finishes, and lapses after a crash.
const periodicLock = time.Minute

// Start runs the server and the scheduler in the background.
func (r *Runner) Start() error {
	if err := r.srv.Start(r.mux); err != nil {
		return err
	}
	return r.sched.Start()
}

// Shutdown stops taking tasks and waits for running ones (bounded by
// ShutdownTimeout).
func (r *Runner) Shutdown() {
	r.sched.Shutdown()
	r.srv.Shutdown()
}

// Register adds the delivery and withdrawal handlers to m.
func (w *Worker) Register(m tasks.Mux) error {
	m.Handle(TypeDeliver, w.HandleDeliver)
	m.Handle(TypeWithdraw, w.HandleWithdraw)
	return nil
}

// Register adds the reconcile pass and its schedule to m.
func (rec *Reconciler) Register(m tasks.Mux) error {
	m.Handle(TypeReconcile, rec.HandleReconcile)
	return m.Every(reconcileEvery, TypeReconcile, "default")
}

var _ tasks.Mux = (*Runner)(nil)
