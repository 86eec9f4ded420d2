package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MassSends lists the times of an account's mass sends between from and
// to, planned or made: its deliveries that did not fail or get abandoned,
// at their scheduled time (else when they were planned), leaving out
// those of item except (0: none). Only mass-mode accounts' deliveries are
// mass sends; the caller asks for those.
func (db *DB) MassSends(ctx context.Context, accountID, except int64, from, to time.Time) ([]time.Time, error) {
	rows, err := db.Pool.Query(ctx, `SELECT coalesce(not_before, created_at) AS at FROM deliveries
		WHERE account_id = $1 AND item_id <> $2 AND state NOT IN ('failed','abandoned')
		  AND coalesce(not_before, created_at) >= $3 AND coalesce(not_before, created_at) < $4
		ORDER BY at`, accountID, except, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: mass sends of account %d: %w", accountID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[time.Time])
}
