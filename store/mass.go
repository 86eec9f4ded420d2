package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MassSends lists the times of an account's mass sends between from and
// to, planned or made, one per send: each edition that did not fail or
// get cancelled, and each delivery of its own that did not fail or get
// abandoned (at its scheduled time, else when it was planned) — those of
// one time together, since they can go out as one edition; an urgent
// item's delivery published without a mass send (mass_fallback) is none. Item
// exceptItems and edition exceptEdition (0: none) are left out. Only
// mass-mode accounts' deliveries are mass sends; the caller asks for those.
func (db *DB) MassSends(ctx context.Context, accountID int64, exceptItems []int64, exceptEdition int64, from, to time.Time) ([]time.Time, error) {
	rows, err := db.Pool.Query(ctx, `SELECT min(at) FROM (
			SELECT coalesce(d.not_before, d.created_at) AS at, 'd' || coalesce(d.not_before, d.created_at)::text AS slot
			FROM deliveries d WHERE d.account_id = $1 AND NOT (d.item_id = ANY($2)) AND d.edition_id IS NULL
			  AND d.state NOT IN ('failed','abandoned') AND NOT (d.steps ? 'mass_fallback')
			UNION ALL
			SELECT e.publish_at, 'e' || e.id FROM editions e
			WHERE e.account_id = $1 AND e.id <> $3 AND e.state NOT IN ('failed','cancelled')) s
		WHERE at >= $4 AND at < $5 GROUP BY slot ORDER BY 1`, accountID, append([]int64{}, exceptItems...), exceptEdition, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: mass sends of account %d: %w", accountID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[time.Time])
}

// SaveMassSteps records checkpoints on whatever sent an account's mass
// send msgID — a delivery (a one-article send) or an edition — and
// reports whether one did. A push about a send may come after the worker
// finished with it, so no lease is asked for.
func (db *DB) SaveMassSteps(ctx context.Context, accountID int64, msgID string, kv map[string]string) (bool, error) {
	b, _ := json.Marshal(kv)
	var n int
	err := db.Pool.QueryRow(ctx, `WITH d AS (
			UPDATE deliveries SET steps = steps || $3::jsonb WHERE account_id = $1 AND steps->>'msg_id' = $2 RETURNING 1),
		e AS (
			UPDATE editions SET steps = steps || $3::jsonb, updated_at = $4 WHERE account_id = $1 AND steps->>'msg_id' = $2 RETURNING 1)
		SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM e)`, accountID, msgID, b, db.now()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: mass send %s of account %d: %w", msgID, accountID, err)
	}
	return n > 0, nil
}
