package clocks

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
)

// FirstDeadline is the earliest first-report deadline (R5) of an urgent
// item of unit with content c among its target channels, with the
// account it belongs to; ok is false for an item that is not urgent or
// has no channel with a clock. The clock runs from the event time, else
// from now (creation).
func (s *Service) FirstDeadline(ctx context.Context, unit int64, c tongfa.Content, now time.Time) (deadline time.Time, account string, ok bool, err error) {
	if c.Urgency != tongfa.UrgencyUrgent {
		return time.Time{}, "", false, nil
	}
	pol, err := s.PolicyFor(ctx, unit)
	if err != nil {
		return time.Time{}, "", false, err
	}
	accounts, err := s.DB.AccountsByID(ctx, c.Targets)
	if err != nil {
		return time.Time{}, "", false, err
	}
	start := now
	if c.EventTime != nil {
		start = *c.EventTime
	}
	for _, a := range accounts {
		span, has := pol.Urgent[a.Platform]
		if !has {
			continue
		}
		if end := span.End(s.Calendar(), start); !ok || end.Before(deadline) {
			deadline, account, ok = end, a.Name, true
		}
	}
	return deadline, account, ok, nil
}
