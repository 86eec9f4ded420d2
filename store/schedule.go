package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SetPublishAt changes when an item goes out (nil: as soon as approved).
// With signed, it also records the time as the one the sign-off approved.
func (tx *Tx) SetPublishAt(ctx context.Context, itemID int64, at *time.Time, signed bool) error {
	_, err := tx.Exec(ctx, `UPDATE items SET publish_at = $2, updated_at = $3,
		signed_publish_at = CASE WHEN $4 THEN $2 ELSE signed_publish_at END WHERE id = $1`, itemID, at, tx.now, signed)
	if err != nil {
		return fmt.Errorf("store: schedule item %d: %w", itemID, err)
	}
	return nil
}

// SetNotAfter changes an item's 时效截止 (nil: none).
func (tx *Tx) SetNotAfter(ctx context.Context, itemID int64, at *time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE items SET not_after = $2, updated_at = $3 WHERE id = $1`, itemID, at, tx.now); err != nil {
		return fmt.Errorf("store: embargo of item %d: %w", itemID, err)
	}
	return nil
}

// RescheduleDeliveries moves the not-yet-sent deliveries of an item's
// version to at and returns them, to be queued again for that time.
func (tx *Tx) RescheduleDeliveries(ctx context.Context, itemID int64, version int, at time.Time) ([]OpenDelivery, error) {
	rows, err := tx.Query(ctx, `UPDATE deliveries SET not_before = $3, updated_at = $4
		WHERE item_id = $1 AND version_number = $2 AND state IN ('pending','queued')
		RETURNING id, queue, state, updated_at, not_before`, itemID, version, at, tx.now)
	if err != nil {
		return nil, fmt.Errorf("store: reschedule deliveries of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenDelivery, error) {
		var o OpenDelivery
		return o, r.Scan(&o.ID, &o.Queue, &o.State, &o.UpdatedAt, &o.NotBefore)
	})
}
