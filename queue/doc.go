// Package queue delivers approved items through asynq: the relay hands each
// planned delivery to the queue (TaskID = delivery id), workers send it
// through its platform's connector with checkpoints and a PostgreSQL lease,
// and a reconciler re-enqueues from PostgreSQL whatever Redis lost.
package queue
