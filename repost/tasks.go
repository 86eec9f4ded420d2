package repost

import (
	"context"

	"github.com/tongfa/tongfa/tasks"
)

// TypeAlert announces overdue accounts. Task type names are stored in
// Redis with the tasks: never rename one.
const TypeAlert = "repost:alert"

// Register adds the periodic overdue check to m: every five minutes, once
// across all workers.
func (s *Service) Register(m tasks.Mux) error {
	m.Handle(TypeAlert, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.Alert(ctx)
		return err
	}))
	return m.Every("@every 5m", TypeAlert, "low")
}
