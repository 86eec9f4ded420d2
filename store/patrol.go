package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PatrolRun is one re-check of published content (R11).
type PatrolRun struct {
	ID         int64      `json:"id"`
	Reason     string     `json:"reason"`
	Words      []string   `json:"words"`
	State      string     `json:"state"`
	Total      int        `json:"total"`
	Checked    int        `json:"checked"`
	Found      int        `json:"found"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// CreatePatrolRun starts a run over the items published since.
func (db *DB) CreatePatrolRun(ctx context.Context, reason string, words []string, since time.Time) (*PatrolRun, error) {
	r := &PatrolRun{Reason: reason, Words: words, State: "running", StartedAt: db.now()}
	err := db.Pool.QueryRow(ctx, `INSERT INTO patrol_runs (reason, words, total, started_at)
		SELECT $1, $2, count(*), $3 FROM items WHERE state IN ('published','publishing') AND updated_at >= $4
		RETURNING id, total`, reason, words, r.StartedAt, since).Scan(&r.ID, &r.Total)
	if err != nil {
		return nil, fmt.Errorf("store: create patrol run: %w", err)
	}
	return r, nil
}

// PatrolProgress records progress; done ends the run.
func (db *DB) PatrolProgress(ctx context.Context, id int64, checked, found int, state string) error {
	var fin *time.Time
	if state != "running" {
		now := db.now()
		fin = &now
	}
	_, err := db.Pool.Exec(ctx, `UPDATE patrol_runs SET checked = $2, found = $3, state = $4, finished_at = $5 WHERE id = $1`,
		id, checked, found, state, fin)
	return err
}

// PatrolRun returns a run.
func (db *DB) PatrolRun(ctx context.Context, id int64) (*PatrolRun, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, reason, words, state, total, checked, found, started_at, finished_at FROM patrol_runs WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[PatrolRun])
	if err == pgx.ErrNoRows {
		return nil, notFound("patrol run", id)
	}
	return &r, err
}

// PublishedItems returns up to limit items published since, with ids
// above after, with their current versions.
func (db *DB) PublishedItems(ctx context.Context, since time.Time, after int64, limit int) ([]ItemContent, error) {
	rows, err := db.Pool.Query(ctx, `SELECT i.id, i.unit_id, v.content FROM items i
		JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE i.state IN ('published','publishing') AND i.updated_at >= $1 AND i.id > $2 ORDER BY i.id LIMIT $3`, since, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: published items: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ItemContent])
}

// ItemContent is an item's id, unit and current content as JSON.
type ItemContent struct {
	ID      int64
	UnitID  int64
	Content []byte
}

// PatrolFinding is one problem a patrol found in live content.
type PatrolFinding struct {
	RunID    int64  `json:"run_id"`
	ItemID   int64  `json:"item_id"`
	UnitID   int64  `json:"unit_id"`
	Field    string `json:"field"`
	Kind     string `json:"kind"`
	Category string `json:"category"`
	Level    string `json:"level"`
	Text     string `json:"text"`
	Rule     string `json:"rule"`
}

// AddPatrolFindings stores findings (a repeat is ignored).
func (db *DB) AddPatrolFindings(ctx context.Context, fs []PatrolFinding) error {
	b := &pgx.Batch{}
	for _, f := range fs {
		b.Queue(`INSERT INTO patrol_findings (run_id, item_id, unit_id, field, kind, category, level, text, rule)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`, f.RunID, f.ItemID, f.UnitID, f.Field, f.Kind, f.Category, f.Level, f.Text, f.Rule)
	}
	return db.Pool.SendBatch(ctx, b).Close()
}

// PatrolFindings lists a run's findings in units.
func (db *DB) PatrolFindings(ctx context.Context, run int64, units []int64) ([]PatrolFinding, error) {
	rows, err := db.Pool.Query(ctx, `SELECT run_id, item_id, unit_id, field, kind, category, level, text, rule FROM patrol_findings
		WHERE run_id = $1 AND unit_id = ANY($2) ORDER BY item_id, field`, run, units)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PatrolFinding])
}
