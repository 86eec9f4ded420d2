package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MassSends lists the times of an account's mass sends between from and
// to, planned or made, one per send: each edition that did not fail or
// get cancelled, and each delivery of its own that did not fail or get
// abandoned (at its scheduled time, else when it was planned) — those of
// one time together, since they can go out as one edition. Item
// exceptItems and edition exceptEdition (0: none) are left out. Only
// mass-mode accounts' deliveries are mass sends; the caller asks for those.
func (db *DB) MassSends(ctx context.Context, accountID int64, exceptItems []int64, exceptEdition int64, from, to time.Time) ([]time.Time, error) {
	rows, err := db.Pool.Query(ctx, `SELECT min(at) FROM (
			SELECT coalesce(d.not_before, d.created_at) AS at, 'd' || coalesce(d.not_before, d.created_at)::text AS slot
			FROM deliveries d WHERE d.account_id = $1 AND NOT (d.item_id = ANY($2)) AND d.edition_id IS NULL
			  AND d.state NOT IN ('failed','abandoned')
			UNION ALL
			SELECT e.publish_at, 'e' || e.id FROM editions e
			WHERE e.account_id = $1 AND e.id <> $3 AND e.state NOT IN ('failed','cancelled')) s
		WHERE at >= $4 AND at < $5 GROUP BY slot ORDER BY 1`, accountID, append([]int64{}, exceptItems...), exceptEdition, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: mass sends of account %d: %w", accountID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[time.Time])
}
