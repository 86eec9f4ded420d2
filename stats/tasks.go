package stats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/tasks"
)

// Task type names are stored in Redis with the tasks: never rename one.
const (
	// TypeSweep queues the collection of every active account.
	TypeSweep = "stats:sweep"
	// TypeAccount collects one account's due days.
	TypeAccount = "stats:account"
	// TypePartitions creates the coming months' partitions.
	TypePartitions = "stats:partitions"
)

// sweepEvery: yesterday is asked at most six hours after WeChat computes
// it (mornings), and a partial day is asked again as often.
const sweepEvery = "@every 6h"

// partitionsAhead is how many months after this one have partitions.
const partitionsAhead = 3

// NewAccountTask collects account id.
func NewAccountTask(id int64) *asynq.Task { return tasks.New(TypeAccount, tasks.ID{ID: id}) }

// A uniqueness lock keeps a sweep from queueing an account still being
// collected; its cursor makes a duplicate harmless anyway. Retries come
// back after a platform's Retry-After (the queue's retry delay honours
// it) and resume from the cursor.
var accountTaskOptions = []asynq.Option{asynq.Queue("low"), asynq.Unique(time.Hour), asynq.MaxRetry(5),
	asynq.Timeout(15 * time.Minute)}

// Register adds the sweep, the per-account collection and the partition
// task to m. The collector needs its Queue there: a periodic task has a
// minute, too little to collect every account in turn.
func (c *Collector) Register(m tasks.Mux) error {
	if c.Queue == nil {
		return errors.New("stats: the collector's Queue is needed to register its tasks")
	}
	m.Handle(TypeSweep, tasks.Periodic(c.Sweep))
	m.Handle(TypePartitions, tasks.Periodic(c.Partitions))
	m.Handle(TypeAccount, func(ctx context.Context, t *asynq.Task) error {
		id, err := tasks.RecordID(t)
		if err != nil {
			return err
		}
		_, err = c.CollectAccount(ctx, id)
		if connectors.ClassOf(err) == connectors.Permanent {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry) // credentials or permissions: only a person helps
		}
		return err
	})
	if err := m.Every(sweepEvery, TypeSweep, "low"); err != nil {
		return err
	}
	return m.Every("@every 24h", TypePartitions, "low")
}

// Partitions creates the partitions of this month and the next
// partitionsAhead months (a write into a month without one creates it
// too, but not ahead of time).
func (c *Collector) Partitions(ctx context.Context) error {
	month := DayOf(c.DB.Now()).AddDate(0, 0, 1-DayOf(c.DB.Now()).Day())
	n, err := c.DB.EnsureStatsPartitions(ctx, month, month.AddDate(0, partitionsAhead, 0))
	if n > 0 && c.Log != nil {
		c.Log.Info("stats: partitions created", "count", n)
	}
	return err
}
