package review

import (
	"context"

	"github.com/tongfa/tongfa/tasks"
)

// TypeEscalate reminds the next level up of sign-offs pending too long.
// Task type names are stored in Redis: never rename one.
const TypeEscalate = "review:escalate"

// Register adds the escalation sweep to m, once a minute.
func (s *Service) Register(m tasks.Mux) error {
	m.Handle(TypeEscalate, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.Escalate(ctx, s.DB.Now())
		return err
	}))
	return m.Every("@every 1m", TypeEscalate, "default")
}
