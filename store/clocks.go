package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// FireAlert records an alert unless the same subject, kind and level has
// fired before; it reports whether this call fired it.
func (tx *Tx) FireAlert(ctx context.Context, subject, kind, level string, unitID *int64, msg string) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO alerts (subject, kind, level, unit_id, message, fired_at) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (subject, kind, level) DO NOTHING`, subject, kind, level, unitID, msg, tx.now)
	if err != nil {
		return false, fmt.Errorf("store: fire alert %s %s: %w", subject, level, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Alert is a raised alert.
type Alert struct {
	ID      int64     `json:"id"`
	Subject string    `json:"subject"`
	Kind    string    `json:"kind"`
	Level   string    `json:"level"`
	UnitID  *int64    `json:"unit_id,omitempty"`
	Message string    `json:"message"`
	FiredAt time.Time `json:"fired_at"`
}

// Alerts lists the newest alerts of the given units.
func (db *DB) Alerts(ctx context.Context, units []int64, limit int) ([]Alert, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, subject, kind, level, unit_id, message, fired_at FROM alerts
		WHERE unit_id = ANY($1) ORDER BY fired_at DESC, id DESC LIMIT $2`, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Alert, error) {
		var a Alert
		return a, r.Scan(&a.ID, &a.Subject, &a.Kind, &a.Level, &a.UnitID, &a.Message, &a.FiredAt)
	})
}

// CalendarOverrides returns every imported override file, oldest first.
func (db *DB) CalendarOverrides(ctx context.Context) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `SELECT content FROM calendar_overrides ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: calendar overrides: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// AddCalendarOverride stores an imported override file.
func (tx *Tx) AddCalendarOverride(ctx context.Context, source, content string, by *int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO calendar_overrides (source, content, imported_by, imported_at) VALUES ($1,$2,$3,$4)`,
		source, content, by, tx.now)
	return err
}

// ClockPolicy returns a unit's clock policy override, or "".
func (db *DB) ClockPolicy(ctx context.Context, unitID int64) (string, error) {
	var p string
	err := db.Pool.QueryRow(ctx, `SELECT policy FROM clock_policies WHERE unit_id = $1`, unitID).Scan(&p)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return p, err
}

// ClockPolicies returns the clock policy overrides of units (every unit
// when nil), by unit; a unit without one is absent.
func (db *DB) ClockPolicies(ctx context.Context, units []int64) (map[int64]string, error) {
	rows, err := db.Pool.Query(ctx, `SELECT unit_id, policy FROM clock_policies
		WHERE $1::bigint[] IS NULL OR unit_id = ANY($1)`, units)
	if err != nil {
		return nil, fmt.Errorf("store: clock policies: %w", err)
	}
	return byID[string](rows)
}

// SetClockPolicy stores a unit's clock policy override.
func (tx *Tx) SetClockPolicy(ctx context.Context, unitID int64, policy string) error {
	_, err := tx.Exec(ctx, `INSERT INTO clock_policies (unit_id, policy, updated_at) VALUES ($1,$2,$3)
		ON CONFLICT (unit_id) DO UPDATE SET policy = $2, updated_at = $3`, unitID, policy, tx.now)
	return err
}

// urgentItems selects the urgent items created since $1, in units $2 (all
// units when NULL), that are not withdrawn; a condition on i and v may
// follow.
const urgentItems = `SELECT i.id FROM items i
		JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE v.urgency = 'urgent' AND i.state <> 'withdrawn' AND i.created_at >= $1
		  AND ($2::bigint[] IS NULL OR i.unit_id = ANY($2))`

// UrgentItemIDs lists urgent items created since, in the given units (all
// units when nil), that are not withdrawn.
func (db *DB) UrgentItemIDs(ctx context.Context, units []int64, since time.Time) ([]int64, error) {
	return db.urgentItemIDs(ctx, "", units, since)
}

// UndeliveredUrgentItemIDs is UrgentItemIDs narrowed to the items with a
// target account no delivery of the item has reached: the only ones whose
// clocks can still run (a clock stops at its channel's first confirmed
// post), so the dashboard computes clocks for these alone rather than for
// every urgent item of the month.
func (db *DB) UndeliveredUrgentItemIDs(ctx context.Context, units []int64, since time.Time) ([]int64, error) {
	return db.urgentItemIDs(ctx, `
		  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(v.content->'targets') AS t(account)
			WHERE NOT EXISTS (SELECT 1 FROM deliveries d
				WHERE d.item_id = i.id AND d.account_id = t.account::bigint AND d.delivered_at IS NOT NULL))`, units, since)
}

func (db *DB) urgentItemIDs(ctx context.Context, and string, units []int64, since time.Time) ([]int64, error) {
	rows, err := db.Pool.Query(ctx, urgentItems+and+` ORDER BY i.id`, since, units)
	if err != nil {
		return nil, fmt.Errorf("store: urgent items: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// AccountsByID returns the accounts with these ids.
func (db *DB) AccountsByID(ctx context.Context, ids []int64) ([]tongfa.Account, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	return pgx.CollectRows(rows, scanAccount)
}

// PostCounts counts, per account, the items delivered to it in [from, to).
func (db *DB) PostCounts(ctx context.Context, accounts []int64, from, to time.Time) (map[int64]int, error) {
	rows, err := db.Pool.Query(ctx, `SELECT account_id, count(DISTINCT item_id) FROM deliveries
		WHERE state IN ('delivered','withdrawn') AND account_id = ANY($1) AND delivered_at >= $2 AND delivered_at < $3
		GROUP BY account_id`, accounts, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: post counts: %w", err)
	}
	return byID[int](rows)
}

// PostCountsFrom counts, per account, the items delivered to it in
// [from[i], to): PostCounts with a start of each account's own (the
// window a unit's policy sets), in one statement for the whole scope.
func (db *DB) PostCountsFrom(ctx context.Context, accounts []int64, from []time.Time, to time.Time) (map[int64]int, error) {
	if len(accounts) != len(from) {
		return nil, fmt.Errorf("store: post counts: %d accounts, %d starts", len(accounts), len(from))
	}
	rows, err := db.Pool.Query(ctx, `SELECT a.id, count(DISTINCT d.item_id)
		FROM unnest($1::bigint[], $2::timestamptz[]) AS a(id, since)
		JOIN deliveries d ON d.account_id = a.id AND d.state IN ('delivered','withdrawn')
			AND d.delivered_at >= a.since AND d.delivered_at < $3
		GROUP BY a.id`, accounts, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: post counts: %w", err)
	}
	return byID[int](rows)
}

// ColumnPost is the last post of one website account in one category.
type ColumnPost struct {
	AccountID int64
	Category  string
	Last      time.Time
}

// LastColumnPosts returns, per account and item category, the time of the
// latest delivered post.
func (db *DB) LastColumnPosts(ctx context.Context, accounts []int64) ([]ColumnPost, error) {
	rows, err := db.Pool.Query(ctx, `SELECT d.account_id, v.category, max(d.delivered_at) FROM deliveries d
		JOIN item_versions v ON v.item_id = d.item_id AND v.number = d.version_number
		WHERE d.state IN ('delivered','withdrawn') AND d.account_id = ANY($1) GROUP BY 1, 2`, accounts)
	if err != nil {
		return nil, fmt.Errorf("store: last column posts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ColumnPost, error) {
		var c ColumnPost
		return c, r.Scan(&c.AccountID, &c.Category, &c.Last)
	})
}

// WeekCount is one account's posts in one week (starting Monday 00:00 China time).
type WeekCount struct {
	AccountID int64
	Week      time.Time
	Count     int
}

// WeeklyCounts counts posts per account and week in [from, to).
func (db *DB) WeeklyCounts(ctx context.Context, accounts []int64, from, to time.Time) ([]WeekCount, error) {
	rows, err := db.Pool.Query(ctx, `SELECT account_id,
		date_trunc('week', delivered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai', count(DISTINCT item_id)
		FROM deliveries WHERE state IN ('delivered','withdrawn') AND account_id = ANY($1) AND delivered_at >= $2 AND delivered_at < $3
		GROUP BY 1, 2 ORDER BY 1, 2`, accounts, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: weekly counts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (WeekCount, error) {
		var w WeekCount
		return w, r.Scan(&w.AccountID, &w.Week, &w.Count)
	})
}

// PolicyDoc is a published policy document and the interpretations linked
// to it.
type PolicyDoc struct {
	ItemID          int64
	UnitID          int64
	AuthorID        int64
	Title           string
	PublishedAt     time.Time
	Interpreted     *time.Time // first post of a linked interpretation
	Interpretations []int64
}

// PolicyDocs lists policy documents first published since, in units (all
// when nil), with their interpretations.
func (db *DB) PolicyDocs(ctx context.Context, units []int64, since time.Time) ([]PolicyDoc, error) {
	rows, err := db.Pool.Query(ctx, `WITH docs AS (
			SELECT i.id, i.unit_id, i.author_id, v.title, min(d.delivered_at) AS published
			FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
			JOIN deliveries d ON d.item_id = i.id AND d.delivered_at IS NOT NULL
			WHERE v.category = 'policy' AND ($2::bigint[] IS NULL OR i.unit_id = ANY($2))
			GROUP BY 1, 2, 3, 4 HAVING min(d.delivered_at) >= $1),
		interp AS (
			SELECT (v.content->>'policy_item_id')::bigint AS doc, i.id, (SELECT min(d.delivered_at) FROM deliveries d WHERE d.item_id = i.id) AS at
			FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
			WHERE v.category = 'interpretation' AND v.content->>'policy_item_id' IS NOT NULL AND i.state <> 'withdrawn')
		SELECT docs.id, docs.unit_id, docs.author_id, docs.title, docs.published,
			(SELECT min(at) FROM interp WHERE interp.doc = docs.id),
			coalesce((SELECT array_agg(id ORDER BY id) FROM interp WHERE interp.doc = docs.id), '{}')
		FROM docs ORDER BY docs.published`, since, units)
	if err != nil {
		return nil, fmt.Errorf("store: policy documents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PolicyDoc, error) {
		var p PolicyDoc
		return p, r.Scan(&p.ItemID, &p.UnitID, &p.AuthorID, &p.Title, &p.PublishedAt, &p.Interpreted, &p.Interpretations)
	})
}

// ActiveAccounts lists the accounts in service (all units when nil).
func (db *DB) ActiveAccounts(ctx context.Context, units []int64) ([]tongfa.Account, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE status = 'active'
		AND ($1::bigint[] IS NULL OR unit_id = ANY($1)) ORDER BY unit_id, platform, id`, units)
	if err != nil {
		return nil, fmt.Errorf("store: active accounts: %w", err)
	}
	return pgx.CollectRows(rows, scanAccount)
}

// byID reads rows of (id, value) into a map by id, closing them.
func byID[V any](rows pgx.Rows) (map[int64]V, error) {
	defer rows.Close()
	out := map[int64]V{}
	for rows.Next() {
		var id int64
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
