package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// The assessment report's queries (R12). Each reads the records of one
// period and scope; the reports package turns them into figures. Nothing
// here is a stored counter: every figure can be recomputed at any time.

// ReportScope selects what a report covers. Units nil means every unit;
// AccountID nil means every account of those units. Account-bound records
// (posts, urgent channels, messages, deliveries) are selected by their
// account; item-bound ones (sign-offs, patrol findings) by the item's unit
// and, for one account, by the item version targeting it.
type ReportScope struct {
	Units     []int64
	AccountID *int64
}

// accountInScope is the scope predicate on an account aliased a; $1 and $2
// are the scope's units and account.
const accountInScope = `($1::bigint[] IS NULL OR a.unit_id = ANY($1)) AND ($2::bigint IS NULL OR a.id = $2)`

// itemInScope is the scope predicate on an item i and a version v of it.
const itemInScope = `($1::bigint[] IS NULL OR i.unit_id = ANY($1))
	AND ($2::bigint IS NULL OR v.content->'targets' @> to_jsonb($2::bigint))`

// ReportAccount is an account a report may list.
type ReportAccount struct {
	ID        int64
	UnitID    int64
	UnitName  string
	Platform  tongfa.Platform
	Name      string
	Status    string
	CreatedAt time.Time
}

// ReportAccounts lists the opened accounts (any status but requested) in scope.
func (db *DB) ReportAccounts(ctx context.Context, sc ReportScope) ([]ReportAccount, error) {
	rows, err := db.Pool.Query(ctx, `SELECT a.id, a.unit_id, u.name, a.platform, a.name, a.status, a.created_at
		FROM accounts a JOIN units u ON u.id = a.unit_id
		WHERE a.status <> 'requested' AND `+accountInScope+` ORDER BY a.unit_id, a.platform, a.id`, sc.Units, sc.AccountID)
	if err != nil {
		return nil, fmt.Errorf("store: report accounts: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ReportAccount])
}

// PostCount is what one account published in a period; AccountID 0 is the
// scope's total, whose counts are distinct items across accounts.
type PostCount struct {
	AccountID int64
	Posts     int
	Reprints  int
}

// ReportPosts counts, per account and in total, the distinct items first
// or again delivered in [from, to) (a post later withdrawn was still
// published), and how many of them are reprints by their current version.
func (db *DB) ReportPosts(ctx context.Context, sc ReportScope, from, to time.Time) ([]PostCount, error) {
	rows, err := db.Pool.Query(ctx, `SELECT coalesce(d.account_id, 0), count(DISTINCT d.item_id),
			count(DISTINCT d.item_id) FILTER (WHERE v.content->>'kind' = 'reprint')
		FROM deliveries d JOIN accounts a ON a.id = d.account_id
		JOIN items i ON i.id = d.item_id JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE d.state IN ('delivered','withdrawn') AND d.delivered_at >= $3 AND d.delivered_at < $4 AND `+accountInScope+`
		GROUP BY GROUPING SETS ((d.account_id), ())`, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report posts: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PostCount])
}

// UrgentChannel is one target account of an urgent item: the item's event
// time (the version's event_time, else its creation) and its first
// delivery there, if any.
type UrgentChannel struct {
	ItemID         int64
	ItemUnitID     int64
	AccountID      int64
	Platform       tongfa.Platform
	EventTime      time.Time
	FirstDelivered *time.Time
}

// ReportUrgent lists the channels of the urgent items (current version
// urgent, not withdrawn — as the clocks count them) whose event time is in
// [from, to).
func (db *DB) ReportUrgent(ctx context.Context, sc ReportScope, from, to time.Time) ([]UrgentChannel, error) {
	rows, err := db.Pool.Query(ctx, `WITH urgent AS (
			SELECT i.id, i.unit_id, coalesce((v.content->>'event_time')::timestamptz, i.created_at) AS event,
				CASE WHEN jsonb_typeof(v.content->'targets') = 'array' THEN v.content->'targets' ELSE '[]' END AS targets
			FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
			WHERE v.urgency = 'urgent' AND i.state <> 'withdrawn')
		SELECT u.id, u.unit_id, a.id, a.platform, u.event,
			(SELECT min(d.delivered_at) FROM deliveries d WHERE d.item_id = u.id AND d.account_id = a.id)
		FROM urgent u CROSS JOIN LATERAL jsonb_array_elements_text(u.targets) AS t(account)
		JOIN accounts a ON a.id = t.account::bigint
		WHERE u.event >= $3 AND u.event < $4 AND `+accountInScope+` ORDER BY u.id, a.id`, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report urgent channels: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[UrgentChannel])
}

// ReportMessage is one message from the public, as a report judges it.
type ReportMessage struct {
	AccountID  int64
	Class      string
	ReceivedAt time.Time
	Deadline   time.Time // includes any extension
	AnsweredAt *time.Time
	Extended   bool
	State      string
}

// ReportMessages lists the messages received in [from, to).
func (db *DB) ReportMessages(ctx context.Context, sc ReportScope, from, to time.Time) ([]ReportMessage, error) {
	rows, err := db.Pool.Query(ctx, `SELECT m.account_id, m.class, m.received_at, m.deadline, m.answered_at,
			m.extension_days > 0, m.state
		FROM messages m JOIN accounts a ON a.id = m.account_id
		WHERE m.received_at >= $3 AND m.received_at < $4 AND `+accountInScope, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report messages: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ReportMessage])
}

// ReportSubmission is one sign-off chain; DecidedAt is its last signature
// when it ended approved or rejected.
type ReportSubmission struct {
	Tier        tongfa.Tier
	State       string
	SubmittedAt time.Time
	DecidedAt   *time.Time
}

// ReportSubmissions lists the submissions made in [from, to).
func (db *DB) ReportSubmissions(ctx context.Context, sc ReportScope, from, to time.Time) ([]ReportSubmission, error) {
	rows, err := db.Pool.Query(ctx, `SELECT s.tier, s.state, s.submitted_at,
			CASE WHEN s.state IN ('approved','rejected') THEN (SELECT max(g.at) FROM signoffs g WHERE g.submission_id = s.id) END
		FROM submissions s JOIN items i ON i.id = s.item_id
		JOIN item_versions v ON v.item_id = s.item_id AND v.number = s.version_number
		WHERE s.submitted_at >= $3 AND s.submitted_at < $4 AND `+itemInScope, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report submissions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ReportSubmission])
}

// DeliveryCount is one account's deliveries planned in a period, by outcome.
type DeliveryCount struct {
	AccountID int64
	Total     int
	Delivered int
	Failed    int // failed or abandoned
	Withdrawn int
	Open      int // still pending, queued, sending or unconfirmed
}

// ReportDeliveries counts per account the deliveries created in [from, to).
func (db *DB) ReportDeliveries(ctx context.Context, sc ReportScope, from, to time.Time) ([]DeliveryCount, error) {
	rows, err := db.Pool.Query(ctx, `SELECT d.account_id, count(*),
			count(*) FILTER (WHERE d.state = 'delivered'),
			count(*) FILTER (WHERE d.state IN ('failed','abandoned')),
			count(*) FILTER (WHERE d.state = 'withdrawn'),
			count(*) FILTER (WHERE d.state IN ('pending','queued','sending','unconfirmed','manual'))
		FROM deliveries d JOIN accounts a ON a.id = d.account_id
		WHERE d.created_at >= $3 AND d.created_at < $4 AND `+accountInScope+` GROUP BY d.account_id`, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report deliveries: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DeliveryCount])
}

// PatrolCount is what patrols found of one kind; Kind "" is the total.
type PatrolCount struct {
	Kind     string
	Findings int // distinct (item, field, rule, text): a problem found again counts once
	Items    int
	Live     int // of Items, still published now
}

// ReportPatrol counts the findings of the patrol runs started in [from, to).
func (db *DB) ReportPatrol(ctx context.Context, sc ReportScope, from, to time.Time) ([]PatrolCount, error) {
	rows, err := db.Pool.Query(ctx, `SELECT coalesce(f.kind, ''), count(DISTINCT (f.item_id, f.field, f.rule, f.text)),
			count(DISTINCT f.item_id), count(DISTINCT f.item_id) FILTER (WHERE i.state IN ('published','publishing'))
		FROM patrol_findings f JOIN patrol_runs r ON r.id = f.run_id
		JOIN items i ON i.id = f.item_id JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE r.started_at >= $3 AND r.started_at < $4 AND `+itemInScope+`
		GROUP BY GROUPING SETS ((f.kind), ())`, sc.Units, sc.AccountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: report patrol findings: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PatrolCount])
}
