package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CancelEdition ends a draft or confirmed edition that has not started
// sending: its items' deliveries leave it and are again the items' own
// (sent at their time, a mass-mode account's as one-article sends). It
// returns them for their tasks to be queued again, and fails with
// invalid_state once the edition is sending or ended.
func (tx *Tx) CancelEdition(ctx context.Context, id int64) ([]OpenDelivery, error) {
	if err := tx.SetEditionState(ctx, id, []string{"draft", "scheduled"}, "cancelled", nil); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `UPDATE deliveries SET edition_id = NULL, updated_at = $2
		WHERE edition_id = $1 AND state IN ('pending','queued')
		RETURNING id, queue, state, updated_at, not_before`, id, tx.now)
	if err != nil {
		return nil, fmt.Errorf("store: cancel edition %d: %w", id, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenDelivery, error) {
		var o OpenDelivery
		return o, r.Scan(&o.ID, &o.Queue, &o.State, &o.UpdatedAt, &o.NotBefore)
	})
}

// EditionSummary is an edition as lists and the calendar show it.
type EditionSummary struct {
	ID          int64     `json:"id"`
	UnitID      int64     `json:"unit_id"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	PublishAt   time.Time `json:"publish_at"`
	State       string    `json:"state"`
	Articles    int       `json:"articles"`
	Headline    string    `json:"headline"`
	Error       string    `json:"error,omitempty"`
	// MassSent is when the first sendall went out (its checkpoint).
	MassSent *time.Time `json:"mass_sent,omitempty"`
}

// EditionFilter selects editions of units (and one account, when set)
// planned in [From, To).
type EditionFilter struct {
	Units     []int64
	AccountID int64
	From, To  time.Time
}

// Editions lists editions by planned time.
func (db *DB) Editions(ctx context.Context, f EditionFilter) ([]EditionSummary, error) {
	rows, err := db.Pool.Query(ctx, `SELECT e.id, e.unit_id, e.account_id, a.name, e.publish_at, e.state,
			(SELECT count(*) FROM edition_items x WHERE x.edition_id = e.id),
			coalesce((SELECT v.title FROM edition_items x JOIN item_versions v ON v.item_id = x.item_id AND v.number = x.version_number
				WHERE x.edition_id = e.id ORDER BY x.position LIMIT 1), ''),
			coalesce(e.error, ''), (e.steps->>'mass_sent')::timestamptz
		FROM editions e JOIN accounts a ON a.id = e.account_id
		WHERE e.unit_id = ANY($1) AND ($2 = 0 OR e.account_id = $2) AND e.publish_at >= $3 AND e.publish_at < $4
		ORDER BY e.publish_at, e.id`, f.Units, f.AccountID, f.From, f.To)
	if err != nil {
		return nil, fmt.Errorf("store: editions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[EditionSummary])
}

// CalendarEntry is one item's delivery to one account on the calendar:
// waiting for its time, delivered or failed.
type CalendarEntry struct {
	ItemID      int64
	UnitID      int64
	Title       string
	ItemState   string
	AccountID   int64
	AccountName string
	Platform    string
	State       string // the delivery's
	At          time.Time
	EditionID   *int64
	PublishAt   *time.Time // the item's
}

// CalendarEntries lists the deliveries of units' items (to one account,
// when set) that are due, delivered or failed in [From, To): the time is
// when it was delivered, else when it is planned.
func (db *DB) CalendarEntries(ctx context.Context, f EditionFilter) ([]CalendarEntry, error) {
	rows, err := db.Pool.Query(ctx, `SELECT * FROM (
			SELECT i.id, i.unit_id, v.title, i.state, d.account_id, a.name, a.platform, d.state,
				coalesce(d.delivered_at, d.not_before, i.publish_at, d.updated_at) AS at, d.edition_id, i.publish_at
			FROM deliveries d JOIN items i ON i.id = d.item_id
			JOIN item_versions v ON v.item_id = d.item_id AND v.number = d.version_number
			JOIN accounts a ON a.id = d.account_id
			WHERE i.unit_id = ANY($1) AND ($2 = 0 OR d.account_id = $2)
			  AND d.state IN ('pending','queued','sending','delivered','failed','unconfirmed')) c
		WHERE at >= $3 AND at < $4 ORDER BY at, id`, f.Units, f.AccountID, f.From, f.To)
	if err != nil {
		return nil, fmt.Errorf("store: calendar: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CalendarEntry])
}

// WeChatID is the WeChat ID a user recorded for previews ("" if none).
func (db *DB) WeChatID(ctx context.Context, userID int64) (string, error) {
	var id string
	err := db.Pool.QueryRow(ctx, `SELECT wechat_id FROM users WHERE id = $1`, userID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", notFound("user", userID)
	}
	if err != nil {
		return "", fmt.Errorf("store: wechat id of user %d: %w", userID, err)
	}
	return id, nil
}

// SetWeChatID records a user's WeChat ID ("" clears it).
func (tx *Tx) SetWeChatID(ctx context.Context, userID int64, id string) error {
	if _, err := tx.Exec(ctx, `UPDATE users SET wechat_id = $2 WHERE id = $1`, userID, id); err != nil {
		return fmt.Errorf("store: set wechat id of user %d: %w", userID, err)
	}
	return nil
}

// EditionCandidate is an item whose delivery to an account waits outside
// any edition.
type EditionCandidate struct {
	ItemID    int64      `json:"item_id"`
	UnitID    int64      `json:"unit_id"`
	Title     string     `json:"title"`
	State     string     `json:"state"`
	PublishAt *time.Time `json:"publish_at,omitempty"`
}

// EditionCandidates lists the approved or scheduled items with a pending
// delivery to account outside any edition, by publishing time.
func (db *DB) EditionCandidates(ctx context.Context, accountID int64) ([]EditionCandidate, error) {
	rows, err := db.Pool.Query(ctx, `SELECT i.id, i.unit_id, v.title, i.state, i.publish_at
		FROM deliveries d JOIN items i ON i.id = d.item_id
		JOIN item_versions v ON v.item_id = d.item_id AND v.number = d.version_number
		WHERE d.account_id = $1 AND d.edition_id IS NULL AND d.state IN ('pending','queued')
		  AND i.state IN ('approved','scheduled') AND d.version_number = i.version_number
		ORDER BY i.publish_at NULLS FIRST, i.id LIMIT 200`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: edition candidates of account %d: %w", accountID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[EditionCandidate])
}
