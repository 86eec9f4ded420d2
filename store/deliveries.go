package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// QueueFor picks the queue of an item's deliveries: urgent items skip the
// line everywhere (R5).
func QueueFor(c tongfa.Content) string {
	if c.Urgency == tongfa.UrgencyUrgent {
		return "urgent"
	}
	return "default"
}

// PlanDeliveries writes the outbox rows of an approved version: one per
// target account. It runs in the approving transaction, so an approval
// either commits with all its deliveries or not at all. Only open
// accounts of the item's unit, or granted to it, get a row, whatever the
// version names (the callers refuse the others with a reason first).
func (tx *Tx) PlanDeliveries(ctx context.Context, it *tongfa.Item) ([]int64, error) {
	v := it.Version
	rows, err := tx.Query(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, queue, created_at, updated_at, not_before)
		SELECT $1, $2, $3, a.id, a.platform, $4, $5, $5, $8 FROM accounts a
		WHERE a.id = ANY($6) AND a.status = 'active'
		  AND (a.unit_id = $7 OR EXISTS (SELECT 1 FROM publish_grants g
		       WHERE g.account_id = a.id AND g.unit_id = $7 AND g.revoked_at IS NULL))
		ON CONFLICT (item_id, version_number, account_id) DO NOTHING
		RETURNING id`, it.ID, v.Number, v.Hash, QueueFor(v.Content), tx.now, v.Content.Targets, it.UnitID, it.PublishAt)
	if err != nil {
		return nil, fmt.Errorf("store: plan deliveries of item %d: %w", it.ID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

var deliveryColumns = deliveryColumnsOf("")

// deliveryColumnsOf lists the columns deliveryDest scans, each read
// through the table alias prefix ("d." in a join): one list, so a query
// that joins cannot fall behind a column added here.
func deliveryColumnsOf(prefix string) string {
	return strings.ReplaceAll(`@id, @item_id, @version_number, @version_hash, @account_id, @platform, @queue, @state, @attempts, @steps,
	coalesce(@payload_hash, ''), coalesce(@platform_post_id, ''), coalesce(@url, ''), coalesce(@error_code, ''), coalesce(@error, ''),
	@created_at, @updated_at, @delivered_at, @not_before, @edition_id`, "@", prefix)
}

func scanDelivery(row pgx.CollectableRow) (tongfa.Delivery, error) {
	var d tongfa.Delivery
	err := row.Scan(deliveryDest(&d)...)
	return d, err
}

// deliveryDest are the scan targets of deliveryColumns, followed by extra.
func deliveryDest(d *tongfa.Delivery, extra ...any) []any {
	return append([]any{&d.ID, &d.ItemID, &d.VersionNumber, &d.VersionHash, &d.AccountID, &d.Platform, &d.Queue, &d.State,
		&d.Attempts, &d.Steps, &d.PayloadHash, &d.PlatformPostID, &d.URL, &d.ErrorCode, &d.Error,
		&d.CreatedAt, &d.UpdatedAt, &d.DeliveredAt, &d.NotBefore, &d.EditionID}, extra...)
}

// ItemDeliveries lists every delivery of an item, oldest first.
func (db *DB) ItemDeliveries(ctx context.Context, itemID int64) ([]tongfa.Delivery, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE item_id = $1 ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, scanDelivery)
}

// DeliveryContext is what an attempt at a delivery reads before it sends:
// the item with its current version, the account, and the item's
// deliveries to websites (where the website article's link comes from).
type DeliveryContext struct {
	Item    *tongfa.Item
	Account *tongfa.Account
	// Siblings are the item's website deliveries (of every version), by
	// id; only those: an item sent to every account of a province has
	// 2,000 deliveries, and each claim read them all (docs/benchmarks.md).
	Siblings []tongfa.Delivery
}

// Delivery returns one delivery.
func (db *DB) Delivery(ctx context.Context, id int64) (*tongfa.Delivery, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get delivery %d: %w", id, err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDelivery)
	if err == pgx.ErrNoRows {
		return nil, notFound("delivery", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get delivery %d: %w", id, err)
	}
	return &d, nil
}

// AbandonOpenDeliveries marks the not-yet-sent deliveries of older versions
// of an item abandoned (a new version supersedes them). Deliveries already
// being sent are left to the worker, which refuses to send a version that is
// no longer the approved one.
func (tx *Tx) AbandonOpenDeliveries(ctx context.Context, itemID int64, keepVersion int, reason string) (int64, error) {
	tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'abandoned', error = $3, updated_at = $4
		WHERE item_id = $1 AND version_number <> $2 AND state IN ('pending','queued','manual')`, itemID, keepVersion, reason, tx.now)
	if err != nil {
		return 0, fmt.Errorf("store: abandon deliveries of item %d: %w", itemID, err)
	}
	return tag.RowsAffected(), nil
}

// FailedDelivery is a failed delivery with what a dashboard shows of it.
type FailedDelivery struct {
	tongfa.Delivery
	Title       string
	AccountName string
}

// FailedDeliveries lists the failed deliveries of the current versions of
// items in units, newest first: what an operator must retry or abandon.
func (db *DB) FailedDeliveries(ctx context.Context, units []int64, limit int) ([]FailedDelivery, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+`, title, account_name FROM (
			SELECT d.*, v.title, a.name AS account_name FROM deliveries d
			JOIN items i ON i.id = d.item_id AND i.version_number = d.version_number
			JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
			JOIN accounts a ON a.id = d.account_id
			WHERE d.id IN (
				-- The newest first from deliveries_failed alone (an
				-- index-only scan), then only those rows are read.
				SELECT f.id FROM deliveries f
				JOIN items fi ON fi.id = f.item_id AND fi.version_number = f.version_number
				WHERE f.state = 'failed' AND fi.unit_id = ANY($1)
				ORDER BY f.updated_at DESC LIMIT $2)) AS failed
		ORDER BY updated_at DESC`, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: failed deliveries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (FailedDelivery, error) {
		var f FailedDelivery
		err := r.Scan(deliveryDest(&f.Delivery, &f.Title, &f.AccountName)...)
		return f, err
	})
}

// SetDeliveryState changes a delivery not held by a worker (admin retry,
// abandon, withdraw, enqueue bookkeeping), guarded by its current state.
func (tx *Tx) SetDeliveryState(ctx context.Context, id int64, from []tongfa.DeliveryState, to tongfa.DeliveryState, reason string) error {
	fs := make([]string, len(from))
	for i, s := range from {
		fs[i] = string(s)
	}
	tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = $2, error = CASE WHEN $3 = '' THEN error ELSE $3 END,
		updated_at = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND state = ANY($5)`,
		id, string(to), reason, tx.now, fs)
	if err != nil {
		return fmt.Errorf("store: delivery %d -> %s: %w", id, to, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "投递状态已变化，请刷新后重试"}
	}
	return nil
}

// WithdrawItem takes an item off the air (R11): the item becomes
// withdrawn, deliveries that have not been sent are abandoned, and the ids
// of those already delivered are returned, to be removed from their
// platforms.
func (tx *Tx) WithdrawItem(ctx context.Context, itemID int64, reason string) ([]int64, error) {
	if err := tx.UpdateItemState(ctx, itemID, ItemUpdate{
		From: []tongfa.ItemState{tongfa.StateApproved, tongfa.StateScheduled, tongfa.StatePublishing, tongfa.StatePublished, tongfa.StateFailed}, To: tongfa.StateWithdrawn,
	}); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'abandoned', error = $2, updated_at = $3
		WHERE item_id = $1 AND state IN ('pending','queued','manual','failed')`, itemID, "稿件已撤回："+reason, tx.now); err != nil {
		return nil, fmt.Errorf("store: abandon deliveries of withdrawn item %d: %w", itemID, err)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM deliveries WHERE item_id = $1 AND state = 'delivered' ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: delivered deliveries of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// SupersededPosts returns the delivered posts of versions before version:
// an approved correction replaces them.
func (tx *Tx) SupersededPosts(ctx context.Context, itemID int64, version int) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM deliveries WHERE item_id = $1 AND version_number < $2 AND state = 'delivered' ORDER BY id`, itemID, version)
	if err != nil {
		return nil, fmt.Errorf("store: superseded posts of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
