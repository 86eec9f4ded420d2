package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Edition is one WeChat mass send of items in order (editions package).
type Edition struct {
	ID          int64             `json:"id"`
	UnitID      int64             `json:"unit_id"`
	AccountID   int64             `json:"account_id"`
	PublishAt   time.Time         `json:"publish_at"`
	State       string            `json:"state"`
	CreatedBy   int64             `json:"created_by"`
	ConfirmedBy *int64            `json:"confirmed_by,omitempty"`
	ConfirmedAt *time.Time        `json:"confirmed_at,omitempty"`
	Steps       map[string]string `json:"-"`
	MsgID       string            `json:"msg_id,omitempty"`
	Error       string            `json:"error,omitempty"`
	Result      json.RawMessage   `json:"result,omitempty"`
	// MassResult is WeChat's MASSSENDJOBFINISH push once it came: counts,
	// the original-content check, the articles' URLs.
	MassResult json.RawMessage `json:"mass_result,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Items      []EditionItem   `json:"items"`
	// Protection is the clock of the send's confirmation by an account
	// administrator (群发保护), when the send awaited one.
	Protection *MassConfirmation `json:"protection,omitempty"`
	// Waiting says, in Chinese, what a sending edition waits for:
	// 待管理员在手机上确认.
	Waiting string `json:"waiting,omitempty"`
}

// EditionItem is one article of an edition: the version it was
// assembled with.
type EditionItem struct {
	Position      int    `json:"position"`
	ItemID        int64  `json:"item_id"`
	VersionNumber int    `json:"version_number"`
	VersionHash   string `json:"version_hash"`
	Title         string `json:"title"`
}

// CreateEdition stores a draft edition with its items in order and
// moves the items' open deliveries to the account into it. It fails with
// invalid_state naming an item that has no such delivery.
func (tx *Tx) CreateEdition(ctx context.Context, e *Edition) error {
	e.State, e.CreatedAt, e.UpdatedAt = "draft", tx.now, tx.now
	err := tx.QueryRow(ctx, `INSERT INTO editions (unit_id, account_id, publish_at, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, e.UnitID, e.AccountID, e.PublishAt, e.CreatedBy, tx.now).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create edition: %w", err)
	}
	for _, it := range e.Items {
		if _, err := tx.Exec(ctx, `INSERT INTO edition_items (edition_id, position, item_id, version_number, version_hash)
			VALUES ($1, $2, $3, $4, $5)`, e.ID, it.Position, it.ItemID, it.VersionNumber, it.VersionHash); err != nil {
			return fmt.Errorf("store: edition %d item %d: %w", e.ID, it.ItemID, translate(err))
		}
		tag, err := tx.Exec(ctx, `UPDATE deliveries SET edition_id = $1, updated_at = $5 WHERE item_id = $2 AND version_number = $3
			AND account_id = $4 AND edition_id IS NULL AND state IN ('pending','queued')`, e.ID, it.ItemID, it.VersionNumber, e.AccountID, tx.now)
		if err != nil {
			return fmt.Errorf("store: edition %d deliveries: %w", e.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return tongfa.Errorf(tongfa.EInvalidState, "稿件「%s」没有待发往该账号的投递（未审签通过、已发出、已在另一期中，或未选该账号为发布渠道）", it.Title)
		}
	}
	return nil
}

const editionColumns = `id, unit_id, account_id, publish_at, state, created_by, confirmed_by, confirmed_at, steps,
	coalesce(msg_id, ''), coalesce(error, ''), result, created_at, updated_at`

// Edition reads an edition with its items (titles of their current versions).
func (db *DB) Edition(ctx context.Context, id int64) (*Edition, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+editionColumns+` FROM editions WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: edition %d: %w", id, err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (Edition, error) {
		var e Edition
		return e, r.Scan(&e.ID, &e.UnitID, &e.AccountID, &e.PublishAt, &e.State, &e.CreatedBy, &e.ConfirmedBy, &e.ConfirmedAt,
			&e.Steps, &e.MsgID, &e.Error, &e.Result, &e.CreatedAt, &e.UpdatedAt)
	})
	if err == pgx.ErrNoRows {
		return nil, notFound("edition", id)
	}
	if r, ok := e.Steps["mass_result"]; ok {
		e.MassResult = json.RawMessage(r)
	}
	if err != nil {
		return nil, fmt.Errorf("store: edition %d: %w", id, err)
	}
	rows, err = db.Pool.Query(ctx, `SELECT x.position, x.item_id, x.version_number, x.version_hash, v.title
		FROM edition_items x JOIN item_versions v ON v.item_id = x.item_id AND v.number = x.version_number
		WHERE x.edition_id = $1 ORDER BY x.position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: edition %d items: %w", id, err)
	}
	e.Items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[EditionItem])
	if err != nil {
		return nil, fmt.Errorf("store: edition %d items: %w", id, err)
	}
	if e.Protection, err = db.MassConfirmationOf(ctx, e.ID, 0); err != nil {
		return nil, err
	}
	if p := e.Protection; p != nil && p.State == MassAwaiting && e.State == "sending" {
		e.Waiting = AwaitingText(p.ConfirmBy)
	}
	return &e, nil
}

// AwaitingText is what the console shows of a send awaiting an
// administrator's confirmation until confirmBy.
func AwaitingText(confirmBy time.Time) string {
	return "待管理员在手机上确认（群发保护，须于 " + confirmBy.In(tongfa.China).Format("15:04") + " 前确认，逾期群发失败）"
}

// SetEditionState moves an edition from one of from to to (confirm,
// start sending), guarded by its state.
func (tx *Tx) SetEditionState(ctx context.Context, id int64, from []string, to string, confirmedBy *int64) error {
	tag, err := tx.Exec(ctx, `UPDATE editions SET state = $2, updated_at = $3,
		confirmed_by = coalesce($4, confirmed_by), confirmed_at = CASE WHEN $4::bigint IS NULL THEN confirmed_at ELSE $3 END
		WHERE id = $1 AND state = ANY($5)`, id, to, tx.now, confirmedBy, from)
	if err != nil {
		return fmt.Errorf("store: edition %d -> %s: %w", id, to, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "本期状态已变化，请刷新后重试"}
	}
	return nil
}

// SaveEditionSteps records an edition's mass-send checkpoints.
func (db *DB) SaveEditionSteps(ctx context.Context, id int64, kv map[string]string) error {
	b, _ := json.Marshal(kv)
	if _, err := db.Pool.Exec(ctx, `UPDATE editions SET steps = steps || $2::jsonb, updated_at = $3 WHERE id = $1`, id, b, db.now()); err != nil {
		return fmt.Errorf("store: edition %d steps: %w", id, err)
	}
	return nil
}

// EditionOutcome is how an edition's send ended.
type EditionOutcome struct {
	State  string // sent or failed
	MsgID  string
	Error  string
	Result any      // the receipt
	URLs   []string // the articles' URLs in edition order, when known
}

// FinishEdition records an edition's end and settles its items'
// deliveries to the account (delivered with the send's msg_id, or failed
// with the reason) and the items, in one transaction.
func (tx *Tx) FinishEdition(ctx context.Context, e *Edition, o EditionOutcome) error {
	result, _ := json.Marshal(o.Result)
	tag, err := tx.Exec(ctx, `UPDATE editions SET state = $2, msg_id = nullif($3, ''), error = nullif($4, ''), result = $5, updated_at = $6
		WHERE id = $1 AND state IN ('scheduled','sending')`, e.ID, o.State, o.MsgID, o.Error, result, tx.now)
	if err != nil || tag.RowsAffected() == 0 {
		return fmt.Errorf("store: finish edition %d: %w", e.ID, err)
	}
	state := tongfa.DeliveryDelivered
	if o.State != "sent" {
		state = tongfa.DeliveryFailed
	}
	for i, it := range e.Items {
		url := ""
		if i < len(o.URLs) {
			url = o.URLs[i]
		}
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = $3, platform_post_id = nullif($4, ''), url = nullif($5, ''),
			error = nullif($6, ''), delivered_at = CASE WHEN $3 = 'delivered' THEN $7::timestamptz END, updated_at = $7
			WHERE edition_id = $1 AND item_id = $2 AND state IN ('pending','queued')`,
			e.ID, it.ItemID, string(state), o.MsgID, url, o.Error, tx.now); err != nil {
			return fmt.Errorf("store: finish edition %d deliveries: %w", e.ID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE items SET state = 'publishing', updated_at = $2 WHERE id = $1 AND state IN ('approved','scheduled')`,
			it.ItemID, tx.now); err != nil {
			return fmt.Errorf("store: edition %d item %d: %w", e.ID, it.ItemID, err)
		}
		if _, err := tx.SettleItem(ctx, it.ItemID); err != nil {
			return err
		}
	}
	tx.Audit(SystemActor, "edition."+o.State, fmt.Sprintf("edition:%d", e.ID), &e.UnitID,
		map[string]any{"msg_id": o.MsgID, "error": o.Error, "items": len(e.Items)})
	return nil
}

// OpenEdition is a confirmed edition still to be sent or followed.
type OpenEdition struct {
	ID        int64
	PublishAt time.Time
}

// OpenEditions lists the confirmed editions not yet ended, for the
// reconciler.
func (db *DB) OpenEditions(ctx context.Context) ([]OpenEdition, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, publish_at FROM editions WHERE state IN ('scheduled','sending') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: open editions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[OpenEdition])
}
