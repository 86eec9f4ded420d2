package queue

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/store"
)

// DefaultQuiet is how long a delivery must have been untouched before the
// reconciler enqueues it again: long enough for the relay and the workers
// to have done it themselves.
const DefaultQuiet = 15 * time.Second

// Reconciler rebuilds queue state from PostgreSQL: every open delivery that
// has been quiet for a while is enqueued again under its deterministic
// TaskID. A task that still exists makes that a no-op (ErrTaskIDConflict);
// one that vanished — a lost enqueue after commit, a FLUSHALL, an archived
// task — is recreated. The lease in PostgreSQL keeps the recreated task from
// racing a worker that is still sending.
type Reconciler struct {
	DB        *store.DB
	Enqueuer  *Enqueuer
	Inspector *asynq.Inspector
	Quiet     time.Duration
	Log       *slog.Logger
}

// HandleReconcile is the asynq handler of TypeReconcile.
func (r *Reconciler) HandleReconcile(ctx context.Context, _ *asynq.Task) error {
	n, err := r.Run(ctx)
	if n > 0 {
		r.Log.Info("reconciler re-enqueued deliveries", slog.Int("count", n))
	}
	return err
}

// Run makes one pass over every open delivery and returns how many tasks it
// had to recreate.
func (r *Reconciler) Run(ctx context.Context) (int, error) {
	var after int64
	total := 0
	if err := r.editions(ctx); err != nil {
		return 0, err
	}
	archived := r.archived(ctx)
	for {
		open, err := r.DB.OpenDeliveries(ctx, r.Quiet, after, 500)
		if err != nil || len(open) == 0 {
			return total, err
		}
		r.unarchive(ctx, open, archived)
		n, err := r.Enqueuer.Enqueue(ctx, open)
		total += n
		if err != nil {
			return total, err
		}
		after = open[len(open)-1].ID
	}
}

// archived returns the ids of the archived delivery tasks, by queue: one
// listing per queue and page, however many deliveries are open.
func (r *Reconciler) archived(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	if r.Inspector == nil {
		return out
	}
	for q := range Queues {
		for page := 1; ; page++ {
			tasks, err := r.Inspector.ListArchivedTasks(q, asynq.PageSize(500), asynq.Page(page))
			if err != nil {
				break // an unknown queue has nothing archived
			}
			for _, t := range tasks {
				out[q+"\x00"+t.ID] = true
			}
			if len(tasks) < 500 {
				break
			}
		}
	}
	return out
}

// unarchive deletes archived tasks of deliveries that are still open, so
// they can be enqueued again (an archived task would hold its TaskID).
func (r *Reconciler) unarchive(ctx context.Context, open []store.OpenDelivery, archived map[string]bool) {
	for _, d := range open {
		if !archived[d.Queue+"\x00"+TaskID(d.ID)] {
			continue
		}
		if err := r.Inspector.DeleteTask(d.Queue, TaskID(d.ID)); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
			r.Log.Warn("reconciler: delete archived task", slog.Int64("delivery_id", d.ID), slog.Any("error", err))
		}
	}
}

// editions queues every confirmed edition not yet ended again: one whose
// task still exists is left as it is (its TaskID), a lost one is
// recreated for its time. Archived edition tasks are not revived: an
// edition that failed its retries is ended by an operator.
func (r *Reconciler) editions(ctx context.Context) error {
	open, err := r.DB.OpenEditions(ctx)
	if err != nil {
		return err
	}
	for _, e := range open {
		if err := r.Enqueuer.EnqueueEdition(ctx, e.ID, e.PublishAt); err != nil {
			return err
		}
	}
	return nil
}
