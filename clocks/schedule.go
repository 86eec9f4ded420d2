package clocks

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/tasks"
	"github.com/tongfa/tongfa/workday"
)

// ItemSaved schedules the checks of an urgent item after one of its
// versions was saved. A failure is logged only: the per-minute sweep
// covers the item.
func (s *Service) ItemSaved(ctx context.Context, it *tongfa.Item) {
	if it.Version.Content.Urgency != tongfa.UrgencyUrgent {
		return
	}
	if err := s.ScheduleItem(ctx, it.ID, s.DB.Now()); err != nil && s.Log != nil {
		s.Log.Warn("schedule urgent clock checks; the sweep covers it", slog.Any("error", err))
	}
}

// ScheduleItem asks the queue to check an urgent item at each threshold of
// each running channel. Task ids are deterministic, so scheduling again
// (after an edit) adds nothing twice; the per-minute sweep covers a task
// the queue lost.
func (s *Service) ScheduleItem(ctx context.Context, itemID int64, now time.Time) error {
	if s.Tasks == nil {
		return nil
	}
	cl, err := s.Status(ctx, itemID, now)
	if err != nil || !cl.Open {
		return err
	}
	pol, err := s.PolicyFor(ctx, cl.UnitID)
	if err != nil {
		return err
	}
	cal := s.Calendar()
	for _, ch := range cl.Channels {
		if ch.DeliveredAt != nil {
			continue
		}
		for _, f := range pol.thresholds() {
			at := instant(cal, ch.span, cl.EventTime, ch.Deadline, f)
			if !at.After(now) {
				continue
			}
			id := fmt.Sprintf("urgent:%d:%d:%s", itemID, ch.AccountID, levelName(f))
			if err := tasks.Enqueue(ctx, s.Tasks, NewCheckTask(itemID), asynq.TaskID(id), asynq.ProcessAt(at),
				asynq.Queue("urgent"), asynq.MaxRetry(3)); err != nil {
				return err
			}
		}
	}
	return nil
}

// instant is when the share f of the window [start, end) has passed:
// clock time, or working time found by bisection for working-day spans.
func instant(cal *workday.Calendar, span Span, start, end time.Time, f float64) time.Time {
	if span.WorkDays == 0 {
		return start.Add(time.Duration(f * float64(end.Sub(start))))
	}
	need := time.Duration(f * float64(cal.WorkingTimeBetween(start, end)))
	lo, hi := start, end
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if cal.WorkingTimeBetween(start, mid) < need {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi.Truncate(time.Second)
}

// Sweep checks every open urgent item of the last 30 days and returns how
// many alerts it raised.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.DB.UrgentItemIDs(ctx, nil, now.Add(-30*24*time.Hour))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		k, err := s.Check(ctx, id, now)
		if err != nil {
			return n, fmt.Errorf("clocks: item %d: %w", id, err)
		}
		n += k
	}
	return n, nil
}

// Open lists the urgent items whose clocks still run in the units p may
// read, most pressing first.
func (s *Service) Open(ctx context.Context, p *access.Principal, now time.Time) ([]Clock, error) {
	return s.open(ctx, p.Tree.Readable(p.User), now)
}

func (s *Service) open(ctx context.Context, units []int64, now time.Time) ([]Clock, error) {
	ids, err := s.DB.UndeliveredUrgentItemIDs(ctx, units, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, err
	}
	return s.openOf(ctx, ids, now)
}

// openOf computes the clocks of the urgent items ids at now and returns
// the open ones, most pressing first.
func (s *Service) openOf(ctx context.Context, ids []int64, now time.Time) ([]Clock, error) {
	out := []Clock{}
	for _, id := range ids {
		cl, err := s.Status(ctx, id, now)
		if err != nil {
			return nil, err
		}
		if cl.Open {
			out = append(out, *cl)
		}
	}
	sortByPressure(out)
	return out, nil
}

// sortByPressure puts the item with the least time left on any channel first.
func sortByPressure(cs []Clock) {
	least := func(c Clock) int64 {
		m := int64(1 << 62)
		for _, ch := range c.Channels {
			if ch.DeliveredAt == nil {
				m = min(m, ch.Remaining)
			}
		}
		return m
	}
	slices.SortStableFunc(cs, func(a, b Clock) int { return cmp.Compare(least(a), least(b)) })
}
