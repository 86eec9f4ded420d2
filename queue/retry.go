package queue

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/connectors"
)

// waitError asks asynq to run the task again after a delay without
// counting a failure: another worker holds the lease, the platform asked us
// to slow down, or the delivery waits for the website's URL.
type waitError struct {
	After  time.Duration
	Reason string
}

func (e *waitError) Error() string { return fmt.Sprintf("wait %s: %s", e.After, e.Reason) }

func wait(d time.Duration, reason string) error { return &waitError{After: d, Reason: reason} }

// retryError retries after a chosen delay and counts as a failure.
type retryError struct {
	After time.Duration
	Err   error
}

func (e *retryError) Error() string { return e.Err.Error() }
func (e *retryError) Unwrap() error { return e.Err }

// isFailure keeps waits from using up a delivery's retries.
func isFailure(err error) bool {
	var w *waitError
	return !errors.As(err, &w)
}

// retryDelay honours the delay an error asks for and otherwise backs off
// exponentially from 1 s to maxBackoff with jitter. Checkpoints make every
// attempt progress, so a short cap finishes deliveries sooner without
// hammering a platform: the per-account limiter still paces the sends.
const maxBackoff = 30 * time.Second

func retryDelay(n int, err error, _ *asynq.Task) time.Duration {
	var w *waitError
	if errors.As(err, &w) {
		return w.After
	}
	var r *retryError
	if errors.As(err, &r) && r.After > 0 {
		return r.After
	}
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.RetryAfter > 0 {
		return ce.RetryAfter // a platform's rate limit (answers to the public)
	}
	d := min(time.Second<<min(n, 6), maxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
