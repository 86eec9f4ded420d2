package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"
)

// periodic is a task Every registered.
type periodic struct {
	taskType, queue string
	sched           cron.Schedule
}

// parsePeriodic reads a cron spec or descriptor ("@every 1m", "@daily").
// Descriptors and specs without a zone run in UTC, as asynq's scheduler
// did, so workers on hosts in other zones still agree on the periods.
func parsePeriodic(spec, taskType, queue string) (periodic, error) {
	if !strings.HasPrefix(spec, "TZ=") && !strings.HasPrefix(spec, "CRON_TZ=") {
		spec = "CRON_TZ=UTC " + spec
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return periodic{}, fmt.Errorf("queue: schedule of %s: %w", taskType, err)
	}
	return periodic{taskType: taskType, queue: queue, sched: s}, nil
}

// next is the start of the next period after now. An "@every D" period
// starts at a multiple of D, the same instant in every process (cron's
// own would count from each process's start).
func (p periodic) next(now time.Time) time.Time {
	if c, ok := p.sched.(cron.ConstantDelaySchedule); ok {
		return now.Truncate(c.Delay).Add(c.Delay)
	}
	return p.sched.Next(now)
}

// id is the TaskID of the period starting at: every scheduler proposes
// the same one, and asynq keeps all but the first out.
func (p periodic) id(at time.Time) string {
	return fmt.Sprintf("periodic:%s:%d", p.taskType, at.Unix())
}

// scheduler queues the periodic tasks of one worker process. Every worker
// runs one; together they queue each task once per period.
type scheduler struct {
	client    *asynq.Client
	inspector *asynq.Inspector
	log       *slog.Logger
	tasks     []periodic
	stop      context.CancelFunc
	wg        sync.WaitGroup
}

func (s *scheduler) start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	for _, p := range s.tasks {
		s.wg.Go(func() { s.run(ctx, p) })
	}
}

func (s *scheduler) shutdown() {
	if s.stop != nil {
		s.stop()
	}
	s.wg.Wait()
}

// run queues p at the start of each period until ctx ends.
func (s *scheduler) run(ctx context.Context, p periodic) {
	for {
		at := p.next(time.Now())
		timer := time.NewTimer(time.Until(at))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if s.stillOpen(p, at) {
			continue
		}
		err := s.enqueue(ctx, p, at)
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && ctx.Err() == nil {
			s.log.Warn("periodic task not queued", slog.String("type", p.taskType), slog.Any("error", err))
		}
	}
}

// enqueue proposes the period's task. The task is kept a period after it
// completes (a minute at least), so a scheduler whose clock is behind
// still finds it taken.
func (s *scheduler) enqueue(ctx context.Context, p periodic, at time.Time) error {
	keep := max(p.next(at).Sub(at), time.Minute)
	_, err := s.client.EnqueueContext(ctx, asynq.NewTask(p.taskType, nil), asynq.TaskID(p.id(at)), asynq.Queue(p.queue),
		asynq.MaxRetry(0), asynq.Timeout(periodicTimeout), asynq.Retention(keep))
	return err
}

// stillOpen reports whether the previous period's pass of an "@every"
// task is still waiting or running: then this period has none, rather
// than two passes at once.
func (s *scheduler) stillOpen(p periodic, at time.Time) bool {
	c, ok := p.sched.(cron.ConstantDelaySchedule)
	if !ok {
		return false // a cron period is longer than a pass may run
	}
	info, err := s.inspector.GetTaskInfo(p.queue, p.id(at.Add(-c.Delay)))
	return err == nil && (info.State == asynq.TaskStatePending || info.State == asynq.TaskStateActive)
}

// periodicTimeout is how long one pass of a periodic task may run.
const periodicTimeout = time.Minute
