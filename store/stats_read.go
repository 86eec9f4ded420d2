package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// StatsTarget is a post of ours whose figures the collector asks for:
// a delivered delivery with its platform id and, for WeChat, the ids its
// checkpoints hold (datacube names articles by the send's msg_data_id).
type StatsTarget struct {
	DeliveryID     int64
	ItemID         int64
	PlatformPostID string
	DeliveredAt    time.Time
	MsgDataID      string // a mass send's, when the hub recorded it on the delivery
	ArticleIdx     string // the article's place in that send, "1" when absent
	PublishID      string // freepublish
}

// StatsTargets lists the account's posts delivered in [since, until).
func (db *DB) StatsTargets(ctx context.Context, account int64, since, until time.Time) ([]StatsTarget, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, item_id, platform_post_id, delivered_at, coalesce(steps->>'msg_data_id', ''),
			coalesce(steps->>'article_idx', ''), coalesce(steps->>'publish_id', '')
		FROM deliveries WHERE account_id = $1 AND state = 'delivered' AND delivered_at >= $2 AND delivered_at < $3
			AND platform_post_id IS NOT NULL ORDER BY delivered_at, id`, account, since, until)
	if err != nil {
		return nil, fmt.Errorf("store: statistics targets of account %d: %w", account, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatsTarget, error) {
		var t StatsTarget
		return t, r.Scan(&t.DeliveryID, &t.ItemID, &t.PlatformPostID, &t.DeliveredAt, &t.MsgDataID, &t.ArticleIdx, &t.PublishID)
	})
}

// StatsRunning is what a post earned on its stored days up to some day.
type StatsRunning struct {
	LastDay time.Time
	StatsFigures
}

// StatsRunningTotals sums, per platform post id, the account's stored
// days in [since, before): what a snapshot platform's next totals are
// compared with.
func (db *DB) StatsRunningTotals(ctx context.Context, account int64, since, before time.Time) (map[string]StatsRunning, error) {
	rows, err := db.Pool.Query(ctx, `SELECT p.platform_post_id, max(d.day), sum(d.reads)::bigint, sum(d.likes)::bigint,
			sum(d.wows)::bigint, sum(d.shares)::bigint, sum(d.comments)::bigint
		FROM stats_posts p JOIN stats_post_days d ON d.post_id = p.id
		WHERE p.account_id = $1 AND d.account_id = $1 AND d.day >= $2 AND d.day < $3 GROUP BY p.platform_post_id`, account, since, before)
	if err != nil {
		return nil, fmt.Errorf("store: statistics totals of account %d: %w", account, err)
	}
	out := map[string]StatsRunning{}
	var id string
	var r StatsRunning
	_, err = pgx.ForEachRow(rows, []any{&id, &r.LastDay, &r.Reads, &r.Likes, &r.Wows, &r.Shares, &r.Comments}, func() error {
		out[id] = r
		r = StatsRunning{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: statistics totals of account %d: %w", account, err)
	}
	return out, nil
}

const accountDayColumns = `day, followers, new_followers, lost_followers, reads, likes, wows, shares, comments, source`

func scanAccountDay(r pgx.CollectableRow) (StatsAccountDay, error) {
	var a StatsAccountDay
	return a, r.Scan(&a.Day, &a.Followers, &a.NewFollowers, &a.LostFollowers, &a.Reads, &a.Likes, &a.Wows, &a.Shares, &a.Comments, &a.Source)
}

// LastStatsAccountDay is the account's latest stored day before before
// that knows its followers; ok is false when there is none.
func (db *DB) LastStatsAccountDay(ctx context.Context, account int64, before time.Time) (StatsAccountDay, bool, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountDayColumns+` FROM stats_account_days WHERE account_id = $1 AND day < $2
		AND day >= $2::date - 400 AND followers IS NOT NULL ORDER BY day DESC LIMIT 1`, account, before)
	if err != nil {
		return StatsAccountDay{}, false, fmt.Errorf("store: last statistics of account %d: %w", account, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAccountDay)
	if err == pgx.ErrNoRows {
		return a, false, nil
	}
	return a, err == nil, err
}

// StatsAccountDays lists the account's stored days in [from, to).
func (db *DB) StatsAccountDays(ctx context.Context, account int64, from, to time.Time) ([]StatsAccountDay, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountDayColumns+` FROM stats_account_days WHERE account_id = $1
		AND day >= $2 AND day < $3 ORDER BY day`, account, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: statistics of account %d: %w", account, err)
	}
	return pgx.CollectRows(rows, scanAccountDay)
}

// StatsFollowersBefore gives each account's followers on its latest day
// before day that knows them (within 400 days).
func (db *DB) StatsFollowersBefore(ctx context.Context, accounts []int64, day time.Time) (map[int64]int64, error) {
	rows, err := db.Pool.Query(ctx, `SELECT DISTINCT ON (account_id) account_id, followers FROM stats_account_days
		WHERE account_id = ANY($1) AND day < $2 AND day >= $2::date - 400 AND followers IS NOT NULL
		ORDER BY account_id, day DESC`, accounts, day)
	if err != nil {
		return nil, fmt.Errorf("store: followers: %w", err)
	}
	out := map[int64]int64{}
	var id, n int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil }); err != nil {
		return nil, fmt.Errorf("store: followers: %w", err)
	}
	return out, nil
}

// StatsPostTotal is what one post earned in its first window days.
type StatsPostTotal struct {
	AccountID   int64
	PostID      int64
	Position    int
	PublishedOn time.Time
	StatsFigures
}

// StatsIndexPosts lists the posts the accounts published in [from, to),
// each with what it earned on the window days starting with its
// publication day: what the indices are computed from.
func (db *DB) StatsIndexPosts(ctx context.Context, accounts []int64, from, to time.Time, window int) ([]StatsPostTotal, error) {
	rows, err := db.Pool.Query(ctx, `SELECT p.account_id, p.id, p.position, p.published_on, sum(d.reads)::bigint,
			sum(d.likes)::bigint, sum(d.wows)::bigint, sum(d.shares)::bigint, sum(d.comments)::bigint
		FROM stats_posts p LEFT JOIN stats_post_days d ON d.post_id = p.id AND d.day >= p.published_on
			AND d.day < p.published_on + $4::int AND d.day >= $2 AND d.day < $3::date + $4::int
		WHERE p.account_id = ANY($1) AND p.published_on >= $2 AND p.published_on < $3
		GROUP BY p.id ORDER BY p.account_id, p.published_on, p.id`, accounts, from, to, window)
	if err != nil {
		return nil, fmt.Errorf("store: statistics of posts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatsPostTotal, error) {
		var t StatsPostTotal
		return t, r.Scan(&t.AccountID, &t.PostID, &t.Position, &t.PublishedOn, &t.Reads, &t.Likes, &t.Wows, &t.Shares, &t.Comments)
	})
}

// StatsItemRow is one day of one delivery of an item (Day nil: a
// delivery without figures yet).
type StatsItemRow struct {
	DeliveryID     int64
	AccountID      int64
	AccountName    string
	Platform       tongfa.Platform
	PlatformPostID string
	URL            string
	DeliveredAt    *time.Time
	Day            *time.Time
	Source         string
	StatsFigures
}

// StatsOfItem lists the published deliveries of an item with their
// daily figures, delivery by delivery, oldest day first.
func (db *DB) StatsOfItem(ctx context.Context, itemID int64) ([]StatsItemRow, error) {
	rows, err := db.Pool.Query(ctx, `SELECT d.id, d.account_id, a.name, a.platform, coalesce(d.platform_post_id, ''), coalesce(d.url, ''),
			d.delivered_at, s.day, coalesce(s.source, ''), s.reads, s.likes, s.wows, s.shares, s.comments
		FROM deliveries d JOIN accounts a ON a.id = d.account_id
			LEFT JOIN stats_posts p ON p.delivery_id = d.id LEFT JOIN stats_post_days s ON s.post_id = p.id
		WHERE d.item_id = $1 AND d.state IN ('delivered', 'withdrawn') ORDER BY d.id, s.day`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: statistics of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatsItemRow, error) {
		var s StatsItemRow
		return s, r.Scan(&s.DeliveryID, &s.AccountID, &s.AccountName, &s.Platform, &s.PlatformPostID, &s.URL, &s.DeliveredAt,
			&s.Day, &s.Source, &s.Reads, &s.Likes, &s.Wows, &s.Shares, &s.Comments)
	})
}

// SaveManualStats writes figures an operator typed, recorded in the audit
// log; collections never overwrite them. The cursor is left alone: a
// platform with an API still completes the day itself.
func (db *DB) SaveManualStats(ctx context.Context, actor Actor, unitID int64, w StatsDayWrite) error {
	save := func() error {
		return db.InTx(ctx, func(tx *Tx) error {
			if err := tx.upsertPostDays(ctx, w.AccountID, w.Posts); err != nil {
				return err
			}
			if err := tx.upsertAccountDays(ctx, w.AccountID, w.Accounts); err != nil {
				return err
			}
			tx.Audit(actor, "stats.manual", fmt.Sprintf("account:%d", w.AccountID), &unitID, map[string]any{
				"day": w.Day.Format(time.DateOnly), "posts": len(w.Posts), "account_rows": len(w.Accounts)})
			return nil
		})
	}
	err := save()
	if noPartition(err) {
		if _, err = db.EnsureStatsPartitions(ctx, w.Day, w.Day); err == nil {
			err = save()
		}
	}
	if err != nil {
		return fmt.Errorf("store: manual statistics of account %d: %w", w.AccountID, err)
	}
	return nil
}

// StatsAccountPlatforms gives the platform of each account named.
func (db *DB) StatsAccountPlatforms(ctx context.Context, accounts []int64) (map[int64]tongfa.Platform, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, platform FROM accounts WHERE id = ANY($1)`, accounts)
	if err != nil {
		return nil, fmt.Errorf("store: platforms of accounts: %w", err)
	}
	out := map[int64]tongfa.Platform{}
	var id int64
	var p tongfa.Platform
	if _, err := pgx.ForEachRow(rows, []any{&id, &p}, func() error { out[id] = p; return nil }); err != nil {
		return nil, fmt.Errorf("store: platforms of accounts: %w", err)
	}
	return out, nil
}

// StatsAggregate is what an account's posts of a period earned in their
// first window days: sums over all posts and over the headlines
// (position 1), and the most one post earned.
type StatsAggregate struct {
	AccountID           int64
	Posts               int
	All, Headline, Peak StatsFigures
}

// StatsIndexAggregates is StatsIndexPosts summed per account in the
// database, for many accounts at once (a year of 100 accounts is 50,000
// posts and 350,000 days: only a row per account comes back). The
// per-post sums are hashed in memory rather than sorted on disk.
func (db *DB) StatsIndexAggregates(ctx context.Context, accounts []int64, from, to time.Time, window int) ([]StatsAggregate, error) {
	var out []StatsAggregate
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '32MB'`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `WITH posts AS (
				SELECT p.account_id, p.position = 1 AS head, sum(d.reads) AS r, sum(d.likes) AS l, sum(d.wows) AS w,
					sum(d.shares) AS s, sum(d.comments) AS c
				FROM stats_posts p LEFT JOIN stats_post_days d ON d.post_id = p.id AND d.day >= p.published_on
					AND d.day < p.published_on + $4::int AND d.day >= $2 AND d.day < $3::date + $4::int AND d.account_id = ANY($1)
				WHERE p.account_id = ANY($1) AND p.published_on >= $2 AND p.published_on < $3
				GROUP BY p.id)
			SELECT account_id, count(*)::int,
				sum(r)::bigint, sum(l)::bigint, sum(w)::bigint, sum(s)::bigint, sum(c)::bigint,
				sum(r) FILTER (WHERE head)::bigint, sum(l) FILTER (WHERE head)::bigint, sum(w) FILTER (WHERE head)::bigint,
				sum(s) FILTER (WHERE head)::bigint, sum(c) FILTER (WHERE head)::bigint,
				max(r)::bigint, max(l)::bigint, max(w)::bigint, max(s)::bigint, max(c)::bigint
			FROM posts GROUP BY account_id`, accounts, from, to, window)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatsAggregate, error) {
			var a StatsAggregate
			f := func(s *StatsFigures) []any { return []any{&s.Reads, &s.Likes, &s.Wows, &s.Shares, &s.Comments} }
			return a, r.Scan(append(append(append([]any{&a.AccountID, &a.Posts}, f(&a.All)...), f(&a.Headline)...), f(&a.Peak)...)...)
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: statistics of accounts: %w", err)
	}
	return out, nil
}

// StatsTopPost is a post with what it earned in its first window days,
// named by its item's title (or the title typed with manual figures).
type StatsTopPost struct {
	ItemID      *int64
	Title       string
	AccountID   int64
	AccountName string
	Platform    tongfa.Platform
	PublishedOn time.Time
	StatsFigures
}

// StatsTopPosts are the accounts' posts published in [from, to) with the
// most reads (then likes) in their first window days, at most limit.
func (db *DB) StatsTopPosts(ctx context.Context, accounts []int64, from, to time.Time, window, limit int) ([]StatsTopPost, error) {
	// The scope's posts of the period first (stats_posts_published), their
	// days summed, the best chosen; only then are the chosen few named:
	// joined before the sums, titles and accounts were read for every day
	// of every post, and PostgreSQL chose to scan all posts of the year.
	rows, err := db.Pool.Query(ctx, `WITH posts AS MATERIALIZED (
			SELECT id, item_id, account_id, published_on, title FROM stats_posts
			WHERE account_id = ANY($1) AND published_on >= $2 AND published_on < $3),
		top AS (
			SELECT p.id, p.item_id, p.account_id, p.published_on, p.title,
				sum(d.reads)::bigint AS reads, sum(d.likes)::bigint AS likes, sum(d.wows)::bigint AS wows,
				sum(d.shares)::bigint AS shares, sum(d.comments)::bigint AS comments
			FROM posts p
			LEFT JOIN stats_post_days d ON d.post_id = p.id AND d.day >= p.published_on AND d.day < p.published_on + $4::int
			GROUP BY p.id, p.item_id, p.account_id, p.published_on, p.title
			ORDER BY coalesce(sum(d.reads), 0) DESC, coalesce(sum(d.likes), 0) DESC, p.id LIMIT $5)
		SELECT t.item_id, coalesce(nullif(v.title, ''), t.title), t.account_id, a.name, a.platform, t.published_on,
			t.reads, t.likes, t.wows, t.shares, t.comments
		FROM top t JOIN accounts a ON a.id = t.account_id
		LEFT JOIN items i ON i.id = t.item_id
		LEFT JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		ORDER BY coalesce(t.reads, 0) DESC, coalesce(t.likes, 0) DESC, t.id`, accounts, from, to, window, limit)
	if err != nil {
		return nil, fmt.Errorf("store: top posts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatsTopPost, error) {
		var t StatsTopPost
		return t, r.Scan(&t.ItemID, &t.Title, &t.AccountID, &t.AccountName, &t.Platform, &t.PublishedOn,
			&t.Reads, &t.Likes, &t.Wows, &t.Shares, &t.Comments)
	})
}

// StatsAccountsWithData returns which of accounts have any statistics
// collected for a day of [from, to): an account day or a post day. An
// account without is one the collector never reached (no credentials, a
// platform without statistics), not one that earned nothing.
func (db *DB) StatsAccountsWithData(ctx context.Context, accounts []int64, from, to time.Time) (map[int64]bool, error) {
	rows, err := db.Pool.Query(ctx, `SELECT a FROM unnest($1::bigint[]) a
		WHERE EXISTS (SELECT 1 FROM stats_account_days d WHERE d.account_id = a AND d.day >= $2 AND d.day < $3)
		   OR EXISTS (SELECT 1 FROM stats_post_days d WHERE d.account_id = a AND d.day >= $2 AND d.day < $3)`, accounts, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: accounts with statistics: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: accounts with statistics: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
