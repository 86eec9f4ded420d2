package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Days in the statistics tables are China calendar dates, passed as UTC
// midnight of that date (what pgx reads a PostgreSQL date as).

// StatsFigures are what a post or an account earned; nil means the
// platform does not report that figure.
type StatsFigures struct {
	Reads, Likes, Wows, Shares, Comments *int64
}

// Sources of a statistics row.
const (
	StatsPlatform  = "platform"
	StatsEstimated = "estimated"
	StatsManual    = "manual"
)

// StatsPostDay is one post's figures of one day, with what is known of
// the post itself.
type StatsPostDay struct {
	PlatformPostID string
	DeliveryID     int64 // 0: not posted through Tongfa
	ItemID         int64
	Title          string
	Position       int       // 1: a headline; 0 leaves it as stored
	PublishedOn    time.Time // zero: not known
	Day            time.Time
	Source         string
	StatsFigures
}

// StatsAccountDay is an account's figures of one day.
type StatsAccountDay struct {
	Day                                    time.Time
	Followers, NewFollowers, LostFollowers *int64
	Source                                 string
	StatsFigures
}

// StatsDayWrite is what one collection of an account's day writes. Rows
// may name other days too: the days before Day that a snapshot platform
// was not asked about get their estimated share.
type StatsDayWrite struct {
	AccountID int64
	Day       time.Time
	// From, when before Day, is the first day the write covers: every
	// cursor from it through Day moves (a snapshot's estimated days).
	From     time.Time
	Complete bool
	Posts    []StatsPostDay
	Accounts []StatsAccountDay
}

// SaveStatsDay writes a collected day and moves its cursor in one
// transaction. A month without a partition yet gets one, and the write
// is tried again.
func (db *DB) SaveStatsDay(ctx context.Context, w StatsDayWrite) error {
	err := db.InTx(ctx, func(tx *Tx) error { return tx.saveStatsDay(ctx, w) })
	if noPartition(err) {
		first, last := w.span()
		if _, err = db.EnsureStatsPartitions(ctx, first, last); err != nil {
			return err
		}
		err = db.InTx(ctx, func(tx *Tx) error { return tx.saveStatsDay(ctx, w) })
	}
	if err != nil {
		return fmt.Errorf("store: save statistics of account %d on %s: %w", w.AccountID, w.Day.Format(time.DateOnly), err)
	}
	return nil
}

func (tx *Tx) saveStatsDay(ctx context.Context, w StatsDayWrite) error {
	if err := tx.upsertPostDays(ctx, w.AccountID, w.Posts); err != nil {
		return err
	}
	if err := tx.upsertAccountDays(ctx, w.AccountID, w.Accounts); err != nil {
		return err
	}
	state := "partial"
	if w.Complete {
		state = "complete"
	}
	from := w.Day
	if !w.From.IsZero() && w.From.Before(w.Day) {
		from = w.From
	}
	_, err := tx.Exec(ctx, `INSERT INTO stats_cursors (account_id, day, state, attempts, updated_at)
		SELECT $1, d::date, $4, 1, $5 FROM generate_series($2::date, $3::date, interval '1 day') d
		ON CONFLICT (account_id, day) DO UPDATE SET attempts = stats_cursors.attempts + 1, error = NULL, updated_at = $5,
			state = CASE WHEN stats_cursors.state = 'complete' THEN 'complete' ELSE EXCLUDED.state END`,
		w.AccountID, from, w.Day, state, tx.now)
	return err
}

// span is the first and last day w writes.
func (w StatsDayWrite) span() (time.Time, time.Time) {
	first, last := w.Day, w.Day
	widen := func(d time.Time) {
		if d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	for _, p := range w.Posts {
		widen(p.Day)
	}
	for _, a := range w.Accounts {
		widen(a.Day)
	}
	return first, last
}

// upsertPostDays registers the posts (keeping what was known of them) and
// writes their days; a manual row is an operator's and stays.
func (tx *Tx) upsertPostDays(ctx context.Context, account int64, rows []StatsPostDay) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	ids, titles := make([]string, n), make([]string, n)
	deliveries, items := make([]*int64, n), make([]*int64, n)
	positions, published, days, sources := make([]int32, n), make([]*time.Time, n), make([]time.Time, n), make([]string, n)
	f := newFigureColumns(n)
	for i, r := range rows {
		ids[i], titles[i], positions[i], days[i], sources[i] = r.PlatformPostID, r.Title, int32(r.Position), r.Day, r.Source
		deliveries[i], items[i], published[i] = nonZero(r.DeliveryID), nonZero(r.ItemID), nonZeroTime(r.PublishedOn)
		f.set(i, r.StatsFigures)
	}
	_, err := tx.Exec(ctx, `WITH input AS (
			SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::int[], $7::date[], $8::date[], $9::text[],
				$10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
				AS x(pid, delivery_id, item_id, title, position, published_on, day, source, reads, likes, wows, shares, comments)),
		posts AS (
			INSERT INTO stats_posts AS p (account_id, platform_post_id, delivery_id, item_id, title, position, published_on)
			SELECT DISTINCT ON (pid) $1, pid, delivery_id, item_id, title, greatest(position, 1), published_on FROM input ORDER BY pid, day DESC
			ON CONFLICT (account_id, platform_post_id) DO UPDATE SET
				delivery_id = coalesce(p.delivery_id, EXCLUDED.delivery_id), item_id = coalesce(p.item_id, EXCLUDED.item_id),
				title = CASE WHEN EXCLUDED.title <> '' THEN EXCLUDED.title ELSE p.title END,
				position = CASE WHEN EXCLUDED.position > 1 THEN EXCLUDED.position ELSE p.position END,
				published_on = coalesce(p.published_on, EXCLUDED.published_on)
			RETURNING id, platform_post_id)
		INSERT INTO stats_post_days AS d (day, post_id, account_id, reads, likes, wows, shares, comments, source, collected_at)
		SELECT i.day, p.id, $1, i.reads, i.likes, i.wows, i.shares, i.comments, i.source, $15 FROM input i JOIN posts p ON p.platform_post_id = i.pid
		ON CONFLICT (post_id, day) DO UPDATE SET reads = EXCLUDED.reads, likes = EXCLUDED.likes, wows = EXCLUDED.wows,
			shares = EXCLUDED.shares, comments = EXCLUDED.comments, source = EXCLUDED.source, collected_at = EXCLUDED.collected_at
			WHERE d.source <> 'manual' OR EXCLUDED.source = 'manual'`,
		append([]any{account, ids, deliveries, items, titles, positions, published, days, sources}, append(f.args(), tx.now)...)...)
	return err
}

func (tx *Tx) upsertAccountDays(ctx context.Context, account int64, rows []StatsAccountDay) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	days, sources := make([]time.Time, n), make([]string, n)
	followers, gained, lost := make([]*int64, n), make([]*int64, n), make([]*int64, n)
	f := newFigureColumns(n)
	for i, r := range rows {
		days[i], sources[i], followers[i], gained[i], lost[i] = r.Day, r.Source, r.Followers, r.NewFollowers, r.LostFollowers
		f.set(i, r.StatsFigures)
	}
	_, err := tx.Exec(ctx, `INSERT INTO stats_account_days AS a (day, account_id, followers, new_followers, lost_followers,
			reads, likes, wows, shares, comments, source, collected_at)
		SELECT x.day, $1, x.followers, x.gained, x.lost, x.reads, x.likes, x.wows, x.shares, x.comments, x.source, $12
		FROM unnest($2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],
			$10::bigint[], $11::bigint[]) AS x(day, source, followers, gained, lost, reads, likes, wows, shares, comments)
		ON CONFLICT (account_id, day) DO UPDATE SET followers = EXCLUDED.followers, new_followers = EXCLUDED.new_followers,
			lost_followers = EXCLUDED.lost_followers, reads = EXCLUDED.reads, likes = EXCLUDED.likes, wows = EXCLUDED.wows,
			shares = EXCLUDED.shares, comments = EXCLUDED.comments, source = EXCLUDED.source, collected_at = EXCLUDED.collected_at
			WHERE a.source <> 'manual' OR EXCLUDED.source = 'manual'`,
		append([]any{account, days, sources, followers, gained, lost}, append(f.args(), tx.now)...)...)
	return err
}

// figureColumns are StatsFigures as the arrays unnest reads.
type figureColumns struct{ reads, likes, wows, shares, comments []*int64 }

func newFigureColumns(n int) *figureColumns {
	return &figureColumns{make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)}
}

func (c *figureColumns) set(i int, f StatsFigures) {
	c.reads[i], c.likes[i], c.wows[i], c.shares[i], c.comments[i] = f.Reads, f.Likes, f.Wows, f.Shares, f.Comments
}

func (c *figureColumns) args() []any { return []any{c.reads, c.likes, c.wows, c.shares, c.comments} }

func nonZero(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func nonZeroTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// FailStatsDay records why a day could not be collected; the day stays
// partial and is asked again.
func (db *DB) FailStatsDay(ctx context.Context, account int64, day time.Time, reason string) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO stats_cursors (account_id, day, state, attempts, error, updated_at)
		VALUES ($1, $2, 'partial', 1, $3, $4)
		ON CONFLICT (account_id, day) DO UPDATE SET attempts = stats_cursors.attempts + 1, error = $3, updated_at = $4`,
		account, day, reason, db.now())
	if err != nil {
		return fmt.Errorf("store: statistics cursor of account %d: %w", account, err)
	}
	return nil
}

// CompleteStatsDays lists the days in [from, to] whose figures are
// complete for the account.
func (db *DB) CompleteStatsDays(ctx context.Context, account int64, from, to time.Time) (map[time.Time]bool, error) {
	rows, err := db.Pool.Query(ctx, `SELECT day FROM stats_cursors WHERE account_id = $1 AND day BETWEEN $2 AND $3
		AND state = 'complete'`, account, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: statistics cursors of account %d: %w", account, err)
	}
	days, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("store: statistics cursors of account %d: %w", account, err)
	}
	out := make(map[time.Time]bool, len(days))
	for _, d := range days {
		out[d] = true
	}
	return out, nil
}

// EnsureStatsPartitions creates the monthly partitions of the daily
// statistics tables from first's month through last's, returning how
// many it made.
func (db *DB) EnsureStatsPartitions(ctx context.Context, first, last time.Time) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT stats_partitions($1, $2)`, first, last).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: statistics partitions: %w", err)
	}
	return n, nil
}

// noPartition reports PostgreSQL's "no partition of relation … found for
// row".
func noPartition(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23514" && pe.ConstraintName == ""
}
