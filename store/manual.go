package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Steps of a manual channel's delivery: the publishing task the worker
// prepared, and who completed it.
const (
	StepTaskText     = "task_text"     // the rendered post, attribution included
	StepTaskMedia    = "task_media"    // the pictures and video to post, one reference a line
	StepTaskDeadline = "task_deadline" // RFC 3339
	StepConfirmedBy  = "confirmed_by"  // the operator's display name
)

// ManualTask is a delivery to a manual channel: a publishing task for the
// account's operators.
type ManualTask struct {
	tongfa.Delivery
	Title    string         // the version's title: the published page must show it
	ItemUnit int64          // the item's unit
	Account  tongfa.Account // credentials not read
}

// Deadline is when the task is due; zero when the worker set none.
func (t *ManualTask) Deadline() time.Time {
	at, _ := time.Parse(time.RFC3339, t.Steps[StepTaskDeadline])
	return at
}

// manualTasks selects the tasks (deliveries d with their version v, item
// i and account a): waiting, or failed past their deadline and not
// retried, of the item's current version.
var manualTasks = `SELECT ` + deliveryColumnsOf("d.") + `, v.title, i.unit_id, ` + prefixedAccountColumns + `
	FROM deliveries d
	JOIN items i ON i.id = d.item_id AND i.version_number = d.version_number
	JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
	JOIN accounts a ON a.id = d.account_id
	WHERE d.steps ? 'task_text' `

const prefixedAccountColumns = `a.id, a.unit_id, a.platform, a.name, a.status, a.api_base, a.settings, NULL::bytea, a.platform_ref, a.responsible, a.managers,
	a.exception_reason, a.created_at, a.updated_at`

func scanManualTask(r pgx.CollectableRow) (ManualTask, error) {
	var t ManualTask
	err := r.Scan(deliveryDest(&t.Delivery, append([]any{&t.Title, &t.ItemUnit}, accountDest(&t.Account)...)...)...)
	return t, err
}

// ManualTasks lists the open publishing tasks of the accounts of units,
// the earliest deadline first.
func (db *DB) ManualTasks(ctx context.Context, units []int64, limit int) ([]ManualTask, error) {
	rows, err := db.Pool.Query(ctx, manualTasks+`AND d.state IN ('manual','failed') AND a.unit_id = ANY($1)
		ORDER BY d.steps->>'task_deadline', d.id LIMIT $2`, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: manual tasks: %w", err)
	}
	return pgx.CollectRows(rows, scanManualTask)
}

// ManualTask returns the task of delivery id, in any state.
func (db *DB) ManualTask(ctx context.Context, id int64) (*ManualTask, error) {
	rows, err := db.Pool.Query(ctx, manualTasks+`AND d.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: manual task %d: %w", id, err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanManualTask)
	if err == pgx.ErrNoRows {
		return nil, notFound("manual task", id)
	}
	return &t, err
}

// OverdueManualTasks lists the waiting tasks whose deadline passed.
func (db *DB) OverdueManualTasks(ctx context.Context, now time.Time) ([]ManualTask, error) {
	rows, err := db.Pool.Query(ctx, manualTasks+`AND d.state = 'manual' AND (d.steps->>'task_deadline')::timestamptz < $1
		ORDER BY d.id LIMIT 1000`, now)
	if err != nil {
		return nil, fmt.Errorf("store: overdue manual tasks: %w", err)
	}
	return pgx.CollectRows(rows, scanManualTask)
}

// CompleteManualTask records a task done: the delivery is delivered at
// url, now, by the operator named by. A task past its deadline (failed)
// may still be completed; anything else has changed meanwhile.
func (tx *Tx) CompleteManualTask(ctx context.Context, id int64, url, by string) error {
	steps, _ := json.Marshal(map[string]string{StepConfirmedBy: by})
	tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'delivered', url = $2, delivered_at = $3, updated_at = $3,
		error = NULL, error_code = NULL, steps = steps || $4::jsonb
		WHERE id = $1 AND state IN ('manual','failed') AND steps ? 'task_text'`, id, url, tx.now, steps)
	if err != nil {
		return fmt.Errorf("store: complete manual task %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该发布任务已完成或已撤销，请刷新后查看"}
	}
	return nil
}
