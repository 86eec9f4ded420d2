package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

const messageColumns = `id, account_id, unit_id, platform, kind, platform_msg_id, post_id, author, body, received_at,
	class, class_rule, class_by, deadline, state, assignee_id, extension_days, extension_reason, extended_by, answered_at, close_reason, created_at, updated_at`

func scanMessage(r pgx.CollectableRow) (tongfa.Message, error) {
	var m tongfa.Message
	err := r.Scan(&m.ID, &m.AccountID, &m.UnitID, &m.Platform, &m.Kind, &m.PlatformMsgID, &m.PostID, &m.Author, &m.Body,
		&m.ReceivedAt, &m.Class, &m.ClassRule, &m.ClassBy, &m.Deadline, &m.State, &m.AssigneeID, &m.ExtensionDays,
		&m.ExtensionReason, &m.ExtendedBy, &m.AnsweredAt, &m.CloseReason, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

// InsertMessages stores new messages in one statement; a message already
// stored (same account and platform id) is skipped, even when several
// deliveries of it race. It returns the messages that were new.
func (db *DB) InsertMessages(ctx context.Context, ms []tongfa.Message) ([]tongfa.Message, error) {
	return insertMessages(ctx, db.Pool, db.now(), ms)
}

func insertMessages(ctx context.Context, q querier, now time.Time, ms []tongfa.Message) ([]tongfa.Message, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	n := len(ms)
	acc, unit := make([]int64, n), make([]int64, n)
	platform, kind, pmid, post, author, body, class, rule := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	received, deadline := make([]time.Time, n), make([]time.Time, n)
	for i, m := range ms {
		acc[i], unit[i], platform[i], kind[i], pmid[i], post[i] = m.AccountID, m.UnitID, m.Platform, m.Kind, m.PlatformMsgID, m.PostID
		author[i], body[i], class[i], rule[i], received[i], deadline[i] = m.Author, m.Body, m.Class, m.ClassRule, m.ReceivedAt, m.Deadline
	}
	// Sorted by key so concurrent batches lock rows in one order.
	rows, err := q.Query(ctx, `INSERT INTO messages (account_id, unit_id, platform, kind, platform_msg_id, post_id, author, body,
			received_at, class, class_rule, deadline, created_at, updated_at)
		SELECT a, u, p, k, pm, po, au, b, r, c, cr, d, $13, $13
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::timestamptz[], $10::text[], $11::text[], $12::timestamptz[]) AS t(a, u, p, k, pm, po, au, b, r, c, cr, d)
		ORDER BY a, pm
		ON CONFLICT (account_id, platform_msg_id) DO NOTHING
		RETURNING `+messageColumns,
		acc, unit, platform, kind, pmid, post, author, body, received, class, rule, deadline, now)
	if err != nil {
		return nil, fmt.Errorf("store: insert messages: %w", err)
	}
	return pgx.CollectRows(rows, scanMessage)
}

// Message returns one message.
func (db *DB) Message(ctx context.Context, id int64) (*tongfa.Message, error) {
	return getMessage(ctx, db.Pool, id, "")
}

// LockMessage reads a message for update.
func (tx *Tx) LockMessage(ctx context.Context, id int64) (*tongfa.Message, error) {
	return getMessage(ctx, tx, id, " FOR UPDATE")
}

func getMessage(ctx context.Context, q querier, id int64, lock string) (*tongfa.Message, error) {
	rows, err := q.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`+lock, id)
	if err != nil {
		return nil, fmt.Errorf("store: message %d: %w", id, err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMessage)
	if err == pgx.ErrNoRows {
		return nil, notFound("message", id)
	}
	return &m, err
}

// MessagesByID returns the messages with the given ids, by id.
func (db *DB) MessagesByID(ctx context.Context, ids []int64) (map[int64]tongfa.Message, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: messages by id: %w", err)
	}
	ms, err := pgx.CollectRows(rows, scanMessage)
	out := make(map[int64]tongfa.Message, len(ms))
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, err
}

// MessageFilter selects messages. Zero fields do not filter.
type MessageFilter struct {
	Units     []int64
	State     tongfa.MessageState
	States    []tongfa.MessageState // any of these states (with State, both apply)
	Class     string
	DueAfter  time.Time // deadline at or after this instant
	DueBefore time.Time // deadline before this instant
	BeforeID  int64     // keyset pagination
	Limit     int
}

// Messages lists messages of units, most urgent deadline first within
// newest ids first pages.
func (db *DB) Messages(ctx context.Context, f MessageFilter) ([]tongfa.Message, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE unit_id = ANY($1) AND ($2 = '' OR state = $2) AND ($3 = '' OR class = $3)
		  AND ($4::timestamptz IS NULL OR deadline < $4) AND ($5 = 0 OR id < $5)
		  AND (coalesce(cardinality($7::text[]), 0) = 0 OR state = ANY($7))
		  AND ($8::timestamptz IS NULL OR deadline >= $8)
		ORDER BY id DESC LIMIT $6`, f.Units, f.State, f.Class, nullTime(f.DueBefore), f.BeforeID, f.Limit,
		f.States, nullTime(f.DueAfter))
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return pgx.CollectRows(rows, scanMessage)
}

// DueMessages returns the open messages (new or assigned) of units whose
// deadline is before `before`, the earliest deadline first, at most
// limit of them, and how many there are in all. Each unit's and state's
// earliest come from messages_unit_state and are merged, so a scope with
// a backlog of thousands reads only what it shows.
func (db *DB) DueMessages(ctx context.Context, units []int64, before time.Time, limit int) ([]tongfa.Message, int, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT m.* FROM (SELECT DISTINCT unnest($1::bigint[]) AS id) AS u
		CROSS JOIN (VALUES ('new'), ('assigned')) AS s(state)
		CROSS JOIN LATERAL (SELECT `+messageColumns+` FROM messages
			WHERE unit_id = u.id AND state = s.state AND deadline < $2
			ORDER BY deadline, id LIMIT $3) AS m
		ORDER BY m.deadline, m.id LIMIT $3`, units, before, limit)
	b.Queue(`SELECT count(*) FROM messages WHERE unit_id = ANY($1) AND state IN ('new','assigned') AND deadline < $2`, units, before)
	return listAndCount(ctx, db, b, "due messages", scanMessage)
}

// MessageUpdate is a change of one message, applied only from one of the
// states in From: PostgreSQL decides between racing operators.
type MessageUpdate struct {
	From            []tongfa.MessageState
	State           tongfa.MessageState // "" keeps the state
	Class, Rule     string              // "" keeps the class
	ClassBy         *int64
	Deadline        *time.Time
	AssigneeID      *int64
	ExtensionDays   int
	ExtensionReason string
	ExtendedBy      *int64
	CloseReason     string
}

// UpdateMessage applies u to message id.
func (tx *Tx) UpdateMessage(ctx context.Context, id int64, u MessageUpdate) error {
	tag, err := tx.Exec(ctx, `UPDATE messages SET
			state = coalesce(nullif($3, ''), state),
			class = coalesce(nullif($4, ''), class),
			class_rule = CASE WHEN $4 = '' THEN class_rule ELSE $5 END,
			class_by = coalesce($6, class_by),
			deadline = coalesce($7, deadline),
			assignee_id = coalesce($8, assignee_id),
			extension_days = CASE WHEN $9 > 0 THEN $9 ELSE extension_days END,
			extension_reason = CASE WHEN $9 > 0 THEN $10 ELSE extension_reason END,
			extended_by = coalesce($11, extended_by),
			close_reason = CASE WHEN $13 = '' THEN close_reason ELSE $13 END,
			updated_at = $12
		WHERE id = $1 AND state = ANY($2)`,
		id, u.From, u.State, u.Class, u.Rule, u.ClassBy, u.Deadline, u.AssigneeID, u.ExtensionDays, u.ExtensionReason, u.ExtendedBy, tx.now,
		u.CloseReason)
	if err != nil {
		return fmt.Errorf("store: update message %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "留言状态已变化，请刷新后再操作"}
	}
	return nil
}

// Cursor returns where polling source of an account stopped ("" before
// the first poll).
func (db *DB) Cursor(ctx context.Context, accountID int64, source string) (string, error) {
	var c string
	err := db.Pool.QueryRow(ctx, `SELECT cursor FROM inbox_cursors WHERE account_id = $1 AND source = $2`, accountID, source).Scan(&c)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return c, err
}

// IngestPolled stores a polled page and moves the cursor in one
// transaction: a crash between the two can neither skip nor double-read.
func (db *DB) IngestPolled(ctx context.Context, accountID int64, source, cursor string, ms []tongfa.Message) ([]tongfa.Message, error) {
	var fresh []tongfa.Message
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if fresh, err = insertMessages(ctx, tx, tx.now, ms); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO inbox_cursors (account_id, source, cursor, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`,
			accountID, source, cursor, tx.now)
		return err
	})
	return fresh, err
}

// OpenMessages lists the messages not yet answered or closed, oldest first.
func (db *DB) OpenMessages(ctx context.Context) ([]tongfa.Message, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE state IN ('new','assigned') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: open messages: %w", err)
	}
	return pgx.CollectRows(rows, scanMessage)
}

// MessagesAtRisk lists open messages past the at-risk point: the given
// share of the time between arrival and deadline used up, or overdue.
func (db *DB) MessagesAtRisk(ctx context.Context, now time.Time, share float64) ([]tongfa.Message, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE state IN ('new','assigned') AND received_at + (deadline - received_at) * $2 <= $1
		ORDER BY deadline LIMIT 1000`, now, share)
	if err != nil {
		return nil, fmt.Errorf("store: messages at risk: %w", err)
	}
	return pgx.CollectRows(rows, scanMessage)
}

// PublishedPosts returns the platform ids of an account's posts delivered
// since (Douyin's item_id): the posts whose comments are polled.
func (db *DB) PublishedPosts(ctx context.Context, accountID int64, since time.Time) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `SELECT platform_post_id FROM deliveries
		WHERE account_id = $1 AND state = 'delivered' AND delivered_at >= $2 AND coalesce(platform_post_id, '') <> ''
		ORDER BY id`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("store: published posts: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// PublishedArticles returns the WeChat publish ids (the msg_data_id of
// comment/list) of an account's articles delivered since.
func (db *DB) PublishedArticles(ctx context.Context, accountID int64, since time.Time) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `SELECT steps->>'publish_id' FROM deliveries
		WHERE account_id = $1 AND state = 'delivered' AND delivered_at >= $2 AND steps ? 'publish_id'
		ORDER BY id`, accountID, since)
	if err != nil {
		return nil, fmt.Errorf("store: published articles: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
