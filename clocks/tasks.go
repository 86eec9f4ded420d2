package clocks

import (
	"context"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/tasks"
)

// Task type names are stored in Redis with the tasks: never rename one.
const (
	// TypeCheck checks one urgent item's clocks at a threshold.
	TypeCheck = "clock:urgent"
	// TypeSweep checks every open urgent item and interpretation deadline.
	TypeSweep = "clock:sweep"
	// TypeFrequency checks every account's update frequency (R6).
	TypeFrequency = "clock:frequency"
)

// CheckPayload names the item a TypeCheck task checks.
type CheckPayload struct {
	ItemID int64 `json:"item_id"`
}

// NewCheckTask checks item's clocks when it runs.
func NewCheckTask(itemID int64) *asynq.Task {
	return tasks.New(TypeCheck, CheckPayload{ItemID: itemID})
}

// Register adds the clocks' handlers and schedules to m. The sweeps run
// on the urgent queue: an alert that waits behind a backlog is late.
func (s *Service) Register(m tasks.Mux) error {
	m.Handle(TypeCheck, func(ctx context.Context, t *asynq.Task) error {
		p, err := tasks.Payload[CheckPayload](t)
		if err == nil {
			_, err = s.Check(ctx, p.ItemID, s.DB.Now())
		}
		return err
	})
	m.Handle(TypeSweep, tasks.Periodic(func(ctx context.Context) error {
		now := s.DB.Now()
		if _, err := s.Sweep(ctx, now); err != nil {
			return err
		}
		_, err := s.InterpretationSweep(ctx, now)
		return err
	}))
	m.Handle(TypeFrequency, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.FrequencySweep(ctx, s.DB.Now())
		return err
	}))
	if err := m.Every("@every 1m", TypeSweep, "urgent"); err != nil {
		return err
	}
	return m.Every("@every 1h", TypeFrequency, "urgent")
}
