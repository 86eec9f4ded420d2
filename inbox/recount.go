package inbox

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// Recount brings the stored deadline of every open message in line with
// the calendar in force: its class's working days plus any extension from
// its arrival, as classify, SetClass and Extend count it. A deadline
// counted before the year's State Council notice was imported (estimated
// from the law, or Monday to Friday before the estimate existed) thus
// moves to the date the notice gives. Answered and closed messages keep
// the deadline they were judged by. It returns how many deadlines moved.
func (s *Service) Recount(ctx context.Context) (int, error) {
	ms, err := s.DB.OpenMessages(ctx)
	if err != nil {
		return 0, err
	}
	cal := s.calendar()
	moved := 0
	for i := range ms {
		m := &ms[i]
		days, ok := s.policy().Days(m.Class)
		if !ok {
			continue // a class no longer in the policy: nothing to count from
		}
		due := cal.AddWorkingDays(m.ReceivedAt, days+m.ExtensionDays)
		if due.Equal(m.Deadline) {
			continue
		}
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			tx.Audit(store.SystemActor, "message.recount", fmt.Sprintf("message:%d", m.ID), &m.UnitID,
				map[string]any{"from": m.Deadline, "to": due})
			return transition(ctx, tx, m, "", store.MessageUpdate{Deadline: &due})
		})
		switch {
		case tongfa.ErrorCode(err) == tongfa.EInvalidState:
			continue // answered or closed meanwhile
		case err != nil:
			return moved, fmt.Errorf("inbox: recount message %d: %w", m.ID, err)
		}
		moved++
	}
	return moved, nil
}
