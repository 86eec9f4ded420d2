package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Claim is a worker's hold on a delivery.
type Claim struct {
	Delivery *Delivery
	// TakeOver is true when the previous attempt may have reached the
	// platform (it died while sending, or its outcome was unknown): the
	// worker must verify on the platform before publishing again.
	TakeOver bool
}

// ErrLeaseHeld means another worker is sending this delivery right now.
type ErrLeaseHeld struct{ Until time.Time }

func (e *ErrLeaseHeld) Error() string {
	return "store: delivery lease held until " + e.Until.Format(time.RFC3339)
}

// ClaimDelivery takes the lease on an open delivery for owner. It fails
// with *ErrLeaseHeld while another live worker holds it, and with
// invalid_state when the delivery is already done.
func (db *DB) ClaimDelivery(ctx context.Context, id int64, owner string, lease time.Duration) (*Claim, error) {
	// One statement, one round trip: read the row under lock, take the
	// lease if it is free, and mark the item as publishing (from the first
	// send on, the approved version can no longer be edited in place).
	now := db.now()
	rows, err := db.Pool.Query(ctx, `WITH cur AS (
			SELECT `+deliveryColumns+`, lease_until FROM deliveries WHERE id = $1 FOR UPDATE),
		won AS (
			UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, lease_owner = $2, lease_until = $3, updated_at = $4
			FROM cur WHERE d.id = cur.id
			  AND cur.state NOT IN ('delivered','failed','abandoned','withdrawn')
			  AND NOT (cur.state = 'sending' AND cur.lease_until IS NOT NULL AND cur.lease_until > $4)
			RETURNING d.id),
		it AS (
			UPDATE items SET state = 'publishing', updated_at = $4
			WHERE id = (SELECT item_id FROM cur) AND state = 'approved' AND EXISTS (SELECT 1 FROM won))
		SELECT cur.*, EXISTS (SELECT 1 FROM won) FROM cur`, id, owner, now.Add(lease), now)
	if err != nil {
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, err)
	}
	var until *time.Time
	var won bool
	d, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		err := r.Scan(d.dest(&until, &won)...)
		return d, err
	})
	switch {
	case err == pgx.ErrNoRows:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, notFound("delivery", id))
	case err != nil:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, err)
	case d.State.Done():
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &tongfa.Error{Code: tongfa.EInvalidState, Message: "投递已结束"})
	case !won && until != nil:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &ErrLeaseHeld{Until: *until})
	case !won:
		return nil, fmt.Errorf("store: claim delivery %d: not claimed", id)
	}
	c := &Claim{Delivery: &d, TakeOver: d.State == tongfa.DeliverySending || d.State == tongfa.DeliveryUnconfirmed}
	d.Attempts++
	d.State = tongfa.DeliverySending
	return c, nil
}

// SaveDeliverySteps records checkpoints (in one write) and extends the
// lease. It fails if owner lost the lease, so a worker that was presumed
// dead cannot keep writing over its successor.
func (db *DB) SaveDeliverySteps(ctx context.Context, id int64, owner string, kv map[string]string, lease time.Duration) error {
	patch, _ := json.Marshal(kv)
	now := db.now()
	tag, err := db.Pool.Exec(ctx, `UPDATE deliveries SET steps = steps || $3::jsonb, lease_until = $4, updated_at = $5
		WHERE id = $1 AND lease_owner = $2 AND state = 'sending'`, id, owner, patch, now.Add(lease), now)
	if err != nil {
		return fmt.Errorf("store: save steps of delivery %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EConflict, Message: "投递已被其他进程接管"}
	}
	return nil
}

// DeliveryOutcome is how an attempt ended.
type DeliveryOutcome struct {
	State          tongfa.DeliveryState // delivered, failed, queued (retry) or unconfirmed
	PlatformPostID string
	URL            string
	DeliveredAt    time.Time
	ErrorCode      string
	Error          string
	PayloadHash    string
	NextAttemptAt  time.Time
	Steps          map[string]string // checkpoints noted during the attempt and not saved yet
}

// finishAttempt is the UPDATE that records an attempt's outcome; $1–$12
// as FinishAttempt passes them.
const finishAttempt = `UPDATE deliveries SET state = $3, platform_post_id = coalesce(nullif($4, ''), platform_post_id),
	url = coalesce(nullif($5, ''), url), delivered_at = coalesce($6, delivered_at), error_code = nullif($7, ''),
	error = nullif($8, ''), payload_hash = coalesce(nullif($9, ''), payload_hash), next_attempt_at = $10,
	steps = steps || coalesce($12::jsonb, '{}'), lease_owner = NULL, lease_until = NULL, updated_at = $11
	WHERE id = $1 AND lease_owner = $2 AND state = 'sending'`

func (tx *Tx) finishArgs(id int64, owner string, o DeliveryOutcome) []any {
	var delivered *time.Time
	if o.State == tongfa.DeliveryDelivered {
		delivered = &o.DeliveredAt
	}
	var steps []byte // SQL NULL when nothing was noted
	if len(o.Steps) > 0 {
		steps, _ = json.Marshal(o.Steps)
	}
	return []any{id, owner, string(o.State), o.PlatformPostID, o.URL, delivered, o.ErrorCode, o.Error, o.PayloadHash,
		nullTime(o.NextAttemptAt), tx.now, steps}
}

var errLeaseLost = &tongfa.Error{Code: tongfa.EConflict, Message: "投递已被其他进程接管"}

// FinishAttempt releases the lease with the attempt's outcome; only the
// lease owner can. It is the one place a delivery leaves `sending`.
func (tx *Tx) FinishAttempt(ctx context.Context, id int64, owner string, o DeliveryOutcome) error {
	tag, err := tx.Exec(ctx, finishAttempt, tx.finishArgs(id, owner, o)...)
	if err != nil {
		return fmt.Errorf("store: finish attempt on delivery %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return errLeaseLost
	}
	return nil
}

// FinishAndSettle is the worker's end of an attempt in one round trip:
// it records the outcome (FinishAttempt), locks the item and returns its
// state as it was, settles it (SettleItem) in a statement of its own —
// which therefore sees every delivery finished before the lock was
// granted — and appends the transaction's audit entries.
func (tx *Tx) FinishAndSettle(ctx context.Context, id, itemID int64, owner string, o DeliveryOutcome) (tongfa.ItemState, error) {
	var done bool
	var prior tongfa.ItemState
	b := &pgx.Batch{}
	b.Queue(`WITH f AS (`+finishAttempt+` RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM f), i.state FROM items i WHERE i.id = $13 FOR UPDATE OF i`,
		append(tx.finishArgs(id, owner, o), itemID)...).QueryRow(func(r pgx.Row) error { return r.Scan(&done, &prior) })
	b.Queue(settleItem, itemID, tx.now)
	tx.queueAudit(b)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return "", fmt.Errorf("store: finish attempt on delivery %d: %w", id, err)
	}
	if !done {
		return "", errLeaseLost
	}
	return prior, nil
}

// SetDeliveryState changes a delivery not held by a worker (admin retry,
// abandon, withdraw, enqueue bookkeeping), guarded by its current state.
func (tx *Tx) SetDeliveryState(ctx context.Context, id int64, from []tongfa.DeliveryState, to tongfa.DeliveryState, reason string) error {
	fs := make([]string, len(from))
	for i, s := range from {
		fs[i] = string(s)
	}
	tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = $2, error = CASE WHEN $3 = '' THEN error ELSE $3 END,
		updated_at = $4, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND state = ANY($5)`,
		id, string(to), reason, tx.now, fs)
	if err != nil {
		return fmt.Errorf("store: delivery %d -> %s: %w", id, to, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "投递状态已变化，请刷新后重试"}
	}
	return nil
}

// MarkEnqueued notes that a pending delivery was handed to the queue.
func (db *DB) MarkEnqueued(ctx context.Context, ids []int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'queued', enqueued_at = $2, updated_at = $2
		WHERE id = ANY($1) AND state = 'pending'`, ids, db.now())
	return err
}

// heldForWebsite selects deliveries (alias d) that link to a website
// article still on its way: deliveries to other platforms of an item
// version whose website delivery is not done yet.
const heldForWebsite = `d.platform <> 'website' AND EXISTS (
	SELECT 1 FROM deliveries w WHERE w.item_id = d.item_id AND w.version_number = d.version_number
	  AND w.platform = 'website' AND w.state IN ('pending','queued','sending','unconfirmed'))`

// HeldForWebsite returns those of ids that link to a website article still
// on its way. The relay holds them back and the worker enqueues them once
// the website has answered.
func (db *DB) HeldForWebsite(ctx context.Context, ids []int64) (map[int64]bool, error) {
	rows, err := db.Pool.Query(ctx, `SELECT d.id FROM deliveries d WHERE d.id = ANY($1) AND `+heldForWebsite, ids)
	if err != nil {
		return nil, fmt.Errorf("store: held deliveries: %w", err)
	}
	held, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := make(map[int64]bool, len(held))
	for _, id := range held {
		out[id] = true
	}
	return out, err
}

// OpenDelivery is what the reconciler needs to re-enqueue a delivery.
type OpenDelivery struct {
	ID        int64
	Queue     string
	State     tongfa.DeliveryState
	UpdatedAt time.Time
}

// OpenDeliveries lists deliveries still to be worked on, untouched for at
// least quiet (so freshly planned rows are left to the relay), with ids
// above after, in id order.
func (db *DB) OpenDeliveries(ctx context.Context, quiet time.Duration, after int64, limit int) ([]OpenDelivery, error) {
	// A pending delivery held for its website link is the website
	// delivery's to wake (and the website delivery itself is reconciled
	// like any other): releasing it early only makes it wait.
	rows, err := db.Pool.Query(ctx, `SELECT d.id, d.queue, d.state, d.updated_at FROM deliveries d
		WHERE d.state IN ('pending','queued','sending','unconfirmed') AND d.updated_at < $1 AND d.id > $2
		  AND NOT (d.state = 'pending' AND `+heldForWebsite+`)
		ORDER BY d.id LIMIT $3`, db.now().Add(-quiet), after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: open deliveries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenDelivery, error) {
		var o OpenDelivery
		return o, r.Scan(&o.ID, &o.Queue, &o.State, &o.UpdatedAt)
	})
}

// SettleItem moves an approved item to publishing once a delivery of its
// current version has started, and to published once every one of them is
// done and at least one reached its channel. Failed deliveries stay visible
// on the item; an admin retries or abandons them.
func (tx *Tx) SettleItem(ctx context.Context, itemID int64) (tongfa.ItemState, error) {
	// Lock the item first, then count in a new statement: two deliveries
	// finishing at once would otherwise each count the other as still
	// open (each statement sees only what had committed when it began),
	// and the item would stay publishing with every delivery done.
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM items WHERE id = $1 FOR UPDATE`, itemID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: settle item %d: %w", itemID, err)
	}
	return tx.settleLocked(ctx, itemID)
}

// settleItem moves a locked item ($1) to publishing or published by its
// current version's deliveries ($2: now).
const settleItem = `WITH d AS (
		SELECT count(*) AS total,
		       count(*) FILTER (WHERE d.state IN ('delivered','failed','abandoned','withdrawn')) AS done,
		       count(*) FILTER (WHERE d.state = 'delivered') AS delivered
		FROM deliveries d JOIN items i ON i.id = d.item_id AND d.version_number = i.version_number
		WHERE d.item_id = $1)
	UPDATE items SET state = CASE WHEN d.total > 0 AND d.done = d.total AND d.delivered > 0 THEN 'published' ELSE 'publishing' END,
		updated_at = $2
	FROM d WHERE items.id = $1 AND items.state IN ('approved','publishing')
	RETURNING items.state`

func (tx *Tx) settleLocked(ctx context.Context, itemID int64) (tongfa.ItemState, error) {
	var state tongfa.ItemState
	err := tx.QueryRow(ctx, settleItem, itemID, tx.now).Scan(&state)
	if err == pgx.ErrNoRows {
		return "", nil // withdrawn or superseded meanwhile: nothing to settle
	}
	if err != nil {
		return "", fmt.Errorf("store: settle item %d: %w", itemID, err)
	}
	return state, nil
}

// WithdrawItem takes an item off the air (R11): the item becomes
// withdrawn, deliveries that have not been sent are abandoned, and the ids
// of those already delivered are returned, to be removed from their
// platforms.
func (tx *Tx) WithdrawItem(ctx context.Context, itemID int64, reason string) ([]int64, error) {
	if err := tx.UpdateItemState(ctx, itemID, ItemUpdate{
		From: []tongfa.ItemState{tongfa.StateApproved, tongfa.StatePublishing, tongfa.StatePublished}, To: tongfa.StateWithdrawn,
	}); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'abandoned', error = $2, updated_at = $3
		WHERE item_id = $1 AND state IN ('pending','queued','failed')`, itemID, "稿件已撤回："+reason, tx.now); err != nil {
		return nil, fmt.Errorf("store: abandon deliveries of withdrawn item %d: %w", itemID, err)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM deliveries WHERE item_id = $1 AND state = 'delivered' ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: delivered deliveries of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// SupersededPosts returns the delivered posts of versions before version:
// an approved correction replaces them.
func (tx *Tx) SupersededPosts(ctx context.Context, itemID int64, version int) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM deliveries WHERE item_id = $1 AND version_number < $2 AND state = 'delivered' ORDER BY id`, itemID, version)
	if err != nil {
		return nil, fmt.Errorf("store: superseded posts of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
