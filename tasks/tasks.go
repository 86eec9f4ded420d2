// Package tasks is the small vocabulary with which a package owns its
// background work, in the shape of asynq's own examples: the package
// exports its task type names, builds its tasks (NewXTask) and registers
// its handlers and schedules on a Mux (the worker's queue.Runner); the
// composition root only lists the packages.
package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
)

// Mux is where a package registers its handlers and periodic tasks.
type Mux interface {
	Handle(taskType string, h asynq.HandlerFunc)
	// Every runs taskType on the cron-like spec ("@every 1m") in queue,
	// once per period across all worker processes.
	Every(spec, taskType, queue string) error
}

// Client enqueues tasks (an *asynq.Client).
type Client interface {
	EnqueueContext(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// New returns a task of taskType with payload encoded as JSON. Payloads
// carry ids only; everything else is read from PostgreSQL when the task
// runs.
func New(taskType string, payload any) *asynq.Task {
	b, err := json.Marshal(payload)
	if err != nil {
		panic("tasks: payloads are plain structs: " + err.Error())
	}
	return asynq.NewTask(taskType, b)
}

// Enqueue queues t; a task whose id or uniqueness lock is already taken
// counts as queued.
func Enqueue(ctx context.Context, c Client, t *asynq.Task, opts ...asynq.Option) error {
	if c == nil {
		return nil // no queue (a test or a command): sweeps and the reconciler cover it
	}
	_, err := c.EnqueueContext(ctx, t, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("tasks: enqueue %s: %w", t.Type(), err)
	}
	return nil
}

// Payload decodes t's payload; a payload that cannot be read is never
// retried.
func Payload[T any](t *asynq.Task) (T, error) {
	var p T
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("tasks: bad %s payload %q: %w", t.Type(), t.Payload(), asynq.SkipRetry)
	}
	return p, nil
}

// ID is the payload of a task about one stored record.
type ID struct {
	ID int64 `json:"id"`
}

// RecordID reads an ID payload.
func RecordID(t *asynq.Task) (int64, error) {
	p, err := Payload[ID](t)
	if err == nil && p.ID <= 0 {
		err = fmt.Errorf("tasks: %s without an id: %w", t.Type(), asynq.SkipRetry)
	}
	return p.ID, err
}

// Periodic adapts a sweep to a task handler: the periodic tasks carry no
// payload and report only failure.
func Periodic(fn func(ctx context.Context) error) asynq.HandlerFunc {
	return func(ctx context.Context, _ *asynq.Task) error { return fn(ctx) }
}
