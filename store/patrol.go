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
	// Kind is dictionary (every unit's items) or leaders (the items of
	// UnitID's subtree, after its leaders table changed).
	Kind   string `json:"kind"`
	UnitID *int64 `json:"unit_id,omitempty"`
}

// Kinds of patrol run.
const (
	PatrolDictionary = "dictionary"
	PatrolLeaders    = "leaders"
)

// NewPatrol is what a run re-checks and why.
type NewPatrol struct {
	Kind   string // PatrolDictionary or PatrolLeaders
	Reason string
	Words  []string // what the change added: words, or the leaders' names
	UnitID int64    // leaders: the unit whose table changed; the run covers its subtree
	Since  time.Time
}

// subtree is the units at or below $1; with $1 = 0 it is empty, and
// inSubtree, the condition on items i, holds for every unit.
const (
	subtree = `WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = $1
		UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) `
	inSubtree = `($1 = 0 OR i.unit_id IN (SELECT id FROM sub))`
)

// CreatePatrolRun starts a run over the items published since n.Since
// (of n.UnitID's subtree, for a leaders run).
func (db *DB) CreatePatrolRun(ctx context.Context, n NewPatrol) (*PatrolRun, error) {
	r := &PatrolRun{Reason: n.Reason, Words: n.Words, State: "running", StartedAt: db.now(), Kind: n.Kind}
	var unit *int64
	if n.UnitID != 0 {
		unit, r.UnitID = &n.UnitID, &n.UnitID
	}
	err := db.Pool.QueryRow(ctx, subtree+`INSERT INTO patrol_runs (reason, words, total, started_at, kind, unit_id)
		SELECT $2, $3, count(*), $4, $6, $7 FROM items i
		WHERE i.state IN ('published','publishing') AND i.updated_at >= $5 AND `+inSubtree+`
		RETURNING id, total`, n.UnitID, n.Reason, n.Words, r.StartedAt, n.Since, n.Kind, unit).Scan(&r.ID, &r.Total)
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
	rows, err := db.Pool.Query(ctx, `SELECT id, reason, words, state, total, checked, found, started_at, finished_at, kind, unit_id
		FROM patrol_runs WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[PatrolRun])
	if err == pgx.ErrNoRows {
		return nil, notFound("patrol run", id)
	}
	return &r, err
}

// PublishedItems returns up to limit items published since, of unit's
// subtree (0: every unit), with ids above after, with their current
// versions.
func (db *DB) PublishedItems(ctx context.Context, since time.Time, unit, after int64, limit int) ([]ItemContent, error) {
	rows, err := db.Pool.Query(ctx, subtree+`SELECT i.id, i.unit_id, v.content,
		       coalesce((SELECT min(d.delivered_at) FROM deliveries d
		                 WHERE d.item_id = i.id AND d.version_number = i.version_number), i.updated_at)
		FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE i.state IN ('published','publishing') AND i.updated_at >= $2 AND i.id > $3 AND `+inSubtree+`
		ORDER BY i.id LIMIT $4`, unit, since, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: published items: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ItemContent])
}

// ItemContent is an item's id, unit and current content as JSON, and when
// that version was published: its first delivery, or the item's last
// change when no channel has confirmed one.
type ItemContent struct {
	ID          int64
	UnitID      int64
	Content     []byte
	PublishedAt time.Time
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
