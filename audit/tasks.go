package audit

import (
	"context"
	"time"

	"github.com/tongfa/tongfa/tasks"
)

// TypePrune drops audit rows past the retention (180 days, R10), keeping
// the chain verifiable from its signed anchor. Never rename.
const TypePrune = "audit:prune"

// Pruner is what pruning needs from the store.
type Pruner interface {
	// PruneAudit drops rows older than keep (0: the minimum of 180 days).
	PruneAudit(ctx context.Context, keep time.Duration) (int64, error)
}

// Upkeep is the chain's periodic work: pruning, and exporting a
// checkpoint every hour.
type Upkeep struct {
	Store    Pruner
	Keep     time.Duration // the configured retention; the store never prunes younger than 180 days
	Exporter *Exporter
}

// Register adds both tasks and their schedules to m.
func (u *Upkeep) Register(m tasks.Mux) error {
	m.Handle(TypePrune, tasks.Periodic(func(ctx context.Context) error {
		_, err := u.Store.PruneAudit(ctx, u.Keep)
		return err
	}))
	m.Handle(TypeCheckpoint, tasks.Periodic(func(ctx context.Context) error {
		_, err := u.Exporter.Export(ctx)
		return err
	}))
	if err := m.Every("@daily", TypePrune, "low"); err != nil {
		return err
	}
	return m.Every(CheckpointEvery, TypeCheckpoint, "default")
}
