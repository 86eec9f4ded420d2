package registry

import (
	"context"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/tasks"
)

// Task type names are stored in Redis with the tasks: never rename one.
const (
	// TypePatrol runs one patrol of published content (R11).
	TypePatrol = "patrol:run"
	// TypeDaily disables inactive users and watches filing deadlines and
	// platform tokens (R9, R10).
	TypeDaily = "registry:daily"
)

// PatrolPayload names the run a TypePatrol task does.
type PatrolPayload struct {
	RunID int64 `json:"run_id"`
}

// NewPatrolTask runs patrol run id.
func NewPatrolTask(runID int64) *asynq.Task {
	return tasks.New(TypePatrol, PatrolPayload{RunID: runID})
}

// Register adds the patrol runner to m.
func (p *Patrol) Register(m tasks.Mux) error {
	m.Handle(TypePatrol, func(ctx context.Context, t *asynq.Task) error {
		pl, err := tasks.Payload[PatrolPayload](t)
		if err != nil {
			return err
		}
		return p.Run(ctx, pl.RunID)
	})
	return nil
}

// Register adds the daily sweep to m; tokens says when the platforms'
// authorisations expire.
func (s *Service) Register(m tasks.Mux, tokens TokenExpiry) error {
	m.Handle(TypeDaily, tasks.Periodic(func(ctx context.Context) error { return s.daily(ctx, tokens) }))
	return m.Every("@every 6h", TypeDaily, "low")
}

func (s *Service) daily(ctx context.Context, tokens TokenExpiry) error {
	now := s.DB.Now()
	if _, err := s.DisableInactive(ctx, now); err != nil {
		return err
	}
	units, err := s.DB.Units(ctx)
	if err != nil {
		return err
	}
	if _, err := s.FilingSweep(ctx, access.NewTree(units), now); err != nil {
		return err
	}
	_, err = s.TokenSweep(ctx, tokens, now)
	return err
}
