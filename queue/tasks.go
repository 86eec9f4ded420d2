package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/store"
)

// Task type names are part of the stored data in Redis: never rename one.
const (
	TypeDeliver   = "delivery:send"
	TypeReconcile = "delivery:reconcile"
)

// Queue names and their weights: urgent items skip the line (R5).
var Queues = map[string]int{"urgent": 6, "default": 3, "low": 1}

// deliverPayload carries only the id; everything else is read from
// PostgreSQL when the task runs.
type deliverPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// TaskID is the deterministic task id of a delivery: enqueueing it twice
// yields asynq.ErrTaskIDConflict instead of a second task.
func TaskID(deliveryID int64) string { return "delivery:" + strconv.FormatInt(deliveryID, 10) }

// maxRetry bounds the failing attempts of one delivery. Rate limits and
// waits do not count (see isFailure).
const maxRetry = 12

// Enqueuer hands deliveries to asynq.
type Enqueuer struct {
	Client *asynq.Client
	DB     *store.DB
	// Inspector removes the waiting task of a rescheduled delivery (nil:
	// the old task runs at its time and waits again; see Reschedule).
	Inspector *asynq.Inspector
}

// Enqueue queues deliveries; one already queued counts as done. Pending
// rows become queued. It returns how many tasks were newly created.
func (e *Enqueuer) Enqueue(ctx context.Context, ds []store.OpenDelivery) (int, error) {
	created, ids, err := e.tasks(ctx, ds)
	if len(ids) > 0 {
		err = errors.Join(err, e.DB.MarkEnqueued(ctx, ids))
	}
	return created, err
}

// tasks creates the deliveries' tasks and returns how many were new and
// which deliveries have one now.
func (e *Enqueuer) tasks(ctx context.Context, ds []store.OpenDelivery) (int, []int64, error) {
	created := 0
	var ids []int64
	var errs []error
	for _, d := range ds {
		payload, _ := json.Marshal(deliverPayload{DeliveryID: d.ID})
		opts := []asynq.Option{asynq.TaskID(TaskID(d.ID)), asynq.Queue(d.Queue), asynq.MaxRetry(maxRetry), asynq.Timeout(2 * time.Minute)}
		if d.NotBefore != nil && d.NotBefore.After(time.Now()) {
			opts = append(opts, asynq.ProcessAt(*d.NotBefore)) // scheduled publishing
		}
		_, err := e.Client.EnqueueContext(ctx, asynq.NewTask(TypeDeliver, payload), opts...)
		switch {
		case err == nil:
			created++
			ids = append(ids, d.ID)
		case errors.Is(err, asynq.ErrTaskIDConflict):
			ids = append(ids, d.ID)
		default:
			errs = append(errs, fmt.Errorf("queue: enqueue delivery %d: %w", d.ID, err))
		}
	}
	return created, ids, errors.Join(errs...)
}

// EnqueueIDs queues freshly planned deliveries (the relay after approval)
// and deliveries an admin retries. Deliveries that link to the item's
// website article are held back (left pending) until the website delivery
// is done: the worker that finishes it releases them, and the reconciler
// picks up any it missed. The rows are marked queued before their tasks
// exist; should the process stop in between, the reconciler creates them.
func (e *Enqueuer) EnqueueIDs(ctx context.Context, queue string, ids []int64) error {
	ds, err := e.DB.ReleaseOpen(ctx, ids)
	if err != nil {
		// Enqueue everything: the deliveries wait for the link, and for
		// their time, themselves (the claim refuses them before it).
		ds = make([]store.OpenDelivery, len(ids))
		for i, id := range ids {
			ds[i] = store.OpenDelivery{ID: id}
		}
	}
	for i := range ds {
		ds[i].Queue = queue
	}
	_, _, err = e.tasks(ctx, ds)
	return err
}

// Reschedule replaces the tasks of deliveries whose time changed: the
// waiting task is deleted and one for the new time created. Should the
// deletion fail, the old task runs at its time and waits for the new one
// (the claim refuses a delivery before its not_before); a task moved
// earlier then runs late, so the error is returned.
func (e *Enqueuer) Reschedule(ctx context.Context, ds []store.OpenDelivery) error {
	var errs []error
	if e.Inspector != nil {
		for _, d := range ds {
			err := e.Inspector.DeleteTask(d.Queue, TaskID(d.ID))
			if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) {
				errs = append(errs, fmt.Errorf("queue: delete task of delivery %d: %w", d.ID, err))
			}
		}
	}
	_, _, err := e.tasks(ctx, ds)
	return errors.Join(append(errs, err)...)
}
