package clocks

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
)

// TaskDeadline is when the publishing task of a manual channel, set at
// now, is due: an urgent item's at its urgent clock's deadline on that
// platform (from the event time), any other's the policy's manual span
// after now.
func (s *Service) TaskDeadline(ctx context.Context, it *tongfa.Item, acc *tongfa.Account, now time.Time) (time.Time, error) {
	pol, err := s.PolicyFor(ctx, it.UnitID)
	if err != nil {
		return time.Time{}, err
	}
	cal := s.Calendar()
	c := it.Version.Content
	if span, ok := pol.UrgentSpan(acc.Platform); ok && c.Urgency == tongfa.UrgencyUrgent {
		start := it.CreatedAt
		if c.EventTime != nil {
			start = *c.EventTime
		}
		return span.End(cal, start), nil
	}
	span := pol.Manual
	if span == (Span{}) {
		span = Span{WorkDays: 1}
	}
	return span.End(cal, now), nil
}
