package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// RepostTask is a supervising unit's designation of one of its published
// items for accounts under it, with a deadline (转发任务).
type RepostTask struct {
	ID        int64     `json:"id"`
	UnitID    int64     `json:"unit_id"`
	ItemID    int64     `json:"item_id"`
	CreatedBy int64     `json:"created_by"`
	Note      string    `json:"note"`
	Deadline  time.Time `json:"deadline"`
	CreatedAt time.Time `json:"created_at"`
}

// RepostTarget is one account of a task with the reprint prepared for it.
type RepostTarget struct {
	AccountID     int64
	ReprintItemID int64
}

// CreateRepostTask saves t and its targets, audited as repost.create.
func (tx *Tx) CreateRepostTask(ctx context.Context, a Actor, t *RepostTask, targets []RepostTarget) error {
	t.CreatedAt = tx.now
	err := tx.QueryRow(ctx, `INSERT INTO repost_tasks (unit_id, item_id, created_by, note, deadline, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.UnitID, t.ItemID, t.CreatedBy, t.Note, t.Deadline, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("store: create repost task: %w", translate(err))
	}
	accounts, reprints := make([]int64, len(targets)), make([]int64, len(targets))
	for i, g := range targets {
		accounts[i], reprints[i] = g.AccountID, g.ReprintItemID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO repost_targets (task_id, account_id, reprint_item_id)
		SELECT $1, a, r FROM unnest($2::bigint[], $3::bigint[]) AS x(a, r)`, t.ID, accounts, reprints); err != nil {
		return fmt.Errorf("store: repost targets: %w", translate(err))
	}
	tx.Audit(a, "repost.create", fmt.Sprintf("repost_task:%d", t.ID), &t.UnitID,
		map[string]any{"item_id": t.ItemID, "deadline": t.Deadline, "accounts": accounts})
	return nil
}

const repostTaskColumns = `id, unit_id, item_id, created_by, note, deadline, created_at`

func scanRepostTask(row pgx.CollectableRow) (RepostTask, error) {
	var t RepostTask
	err := row.Scan(&t.ID, &t.UnitID, &t.ItemID, &t.CreatedBy, &t.Note, &t.Deadline, &t.CreatedAt)
	return t, err
}

// RepostTask returns task id.
func (db *DB) RepostTask(ctx context.Context, id int64) (*RepostTask, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+repostTaskColumns+` FROM repost_tasks WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: repost task %d: %w", id, err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanRepostTask)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: repost task %d: %w", id, tongfa.ErrNotFound)
	}
	return &t, err
}

// RepostTasks lists the tasks of units, newest first, at most limit.
func (db *DB) RepostTasks(ctx context.Context, units []int64, limit int) ([]RepostTask, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+repostTaskColumns+` FROM repost_tasks WHERE unit_id = ANY($1)
		ORDER BY created_at DESC, id DESC LIMIT $2`, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: repost tasks: %w", err)
	}
	return pgx.CollectRows(rows, scanRepostTask)
}

// RepostRow is one target of a task as its completion table shows it:
// Done is when a version of the reprint was first delivered on the
// account (nil while it was not).
type RepostRow struct {
	TaskID        int64
	Deadline      time.Time
	AccountID     int64
	AccountName   string
	Platform      tongfa.Platform
	UnitID        int64
	UnitName      string
	ReprintItemID int64
	ReprintState  tongfa.ItemState
	Done          *time.Time
	URL           string
	AlertedAt     *time.Time
}

const repostRowQuery = `SELECT g.task_id, t.deadline, g.account_id, a.name, a.platform, a.unit_id, u.name, g.reprint_item_id, i.state,
		d.delivered_at, coalesce(d.url, ''), g.alerted_at
	FROM repost_targets g
	JOIN repost_tasks t ON t.id = g.task_id
	JOIN accounts a ON a.id = g.account_id
	JOIN units u ON u.id = a.unit_id
	JOIN items i ON i.id = g.reprint_item_id
	LEFT JOIN LATERAL (SELECT delivered_at, url FROM deliveries
		WHERE item_id = g.reprint_item_id AND account_id = g.account_id AND delivered_at IS NOT NULL
		ORDER BY delivered_at LIMIT 1) d ON true`

func scanRepostRow(row pgx.CollectableRow) (RepostRow, error) {
	var r RepostRow
	err := row.Scan(&r.TaskID, &r.Deadline, &r.AccountID, &r.AccountName, &r.Platform, &r.UnitID, &r.UnitName, &r.ReprintItemID,
		&r.ReprintState, &r.Done, &r.URL, &r.AlertedAt)
	return r, err
}

// RepostRows is the completion table of task id, by unit and account.
func (db *DB) RepostRows(ctx context.Context, id int64) ([]RepostRow, error) {
	rows, err := db.Pool.Query(ctx, repostRowQuery+` WHERE g.task_id = $1 ORDER BY u.id, a.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: repost rows: %w", err)
	}
	return pgx.CollectRows(rows, scanRepostRow)
}

// RepostRowsDue are the targets in scope sc of tasks whose deadline
// falls in [from, to), for the reports.
func (db *DB) RepostRowsDue(ctx context.Context, sc ReportScope, from, to time.Time) ([]RepostRow, error) {
	rows, err := db.Pool.Query(ctx, repostRowQuery+` WHERE `+accountInScope+` AND t.deadline >= $3 AND t.deadline < $4
		ORDER BY t.id, u.id, a.id`, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: repost rows due: %w", err)
	}
	return pgx.CollectRows(rows, scanRepostRow)
}

// OverdueReposts are the targets past their task's deadline at now, not
// delivered and not yet alerted, by task.
func (db *DB) OverdueReposts(ctx context.Context, now time.Time) ([]RepostRow, error) {
	rows, err := db.Pool.Query(ctx, repostRowQuery+` WHERE t.deadline <= $1 AND g.alerted_at IS NULL
		AND d.delivered_at IS NULL ORDER BY g.task_id, g.account_id`, now)
	if err != nil {
		return nil, fmt.Errorf("store: overdue reposts: %w", err)
	}
	return pgx.CollectRows(rows, scanRepostRow)
}

// MarkRepostAlerted records the overdue alert of a task's accounts.
func (db *DB) MarkRepostAlerted(ctx context.Context, task int64, accounts []int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE repost_targets SET alerted_at = $3 WHERE task_id = $1 AND account_id = ANY($2)`,
		task, accounts, db.now())
	if err != nil {
		return fmt.Errorf("store: mark repost alerted: %w", err)
	}
	return nil
}
