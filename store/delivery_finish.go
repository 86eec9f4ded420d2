package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

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

// finishAttempt is the UPDATE that records an attempt's outcome, with the
// arguments finishArgs names.
const finishAttempt = `UPDATE deliveries SET state = @state,
	platform_post_id = coalesce(nullif(@post_id, ''), platform_post_id), url = coalesce(nullif(@url, ''), url),
	delivered_at = coalesce(@delivered_at, delivered_at), error_code = nullif(@error_code, ''), error = nullif(@error, ''),
	payload_hash = coalesce(nullif(@payload_hash, ''), payload_hash), next_attempt_at = @next_attempt_at,
	steps = steps || coalesce(@steps::jsonb, '{}'), lease_owner = NULL, lease_until = NULL, updated_at = @now
	WHERE id = @id AND lease_owner = @owner AND state = 'sending'`

func finishArgs(id int64, owner string, o DeliveryOutcome, now time.Time) pgx.NamedArgs {
	var delivered *time.Time
	if o.State == tongfa.DeliveryDelivered {
		delivered = &o.DeliveredAt
	}
	var steps []byte // SQL NULL when nothing was noted
	if len(o.Steps) > 0 {
		steps, _ = json.Marshal(o.Steps)
	}
	return pgx.NamedArgs{"id": id, "owner": owner, "state": string(o.State), "post_id": o.PlatformPostID, "url": o.URL,
		"delivered_at": delivered, "error_code": o.ErrorCode, "error": o.Error, "payload_hash": o.PayloadHash,
		"next_attempt_at": nullTime(o.NextAttemptAt), "now": now, "steps": steps}
}

// Finished is what FinishDelivery reports.
type Finished struct {
	// Prior is the item's state before the outcome settled it: a post
	// that landed on a withdrawn item must be removed again.
	Prior tongfa.ItemState
	// Released are the deliveries that were held for this website
	// delivery's article link and are now queued: the caller hands them to
	// the queue (the reconciler does, should it fail to).
	Released []OpenDelivery
	// Waiting are the item version's other open deliveries that may be
	// waiting for a retry of their own: the caller may run them now.
	Waiting []OpenDelivery
}

// finishDelivery records an attempt's outcome (finishAttempt), appends
// its audit row (a system actor has no id, unit or IP) only if the lease
// was still held, locks the item and returns whether the outcome was
// recorded and the item's state as it was.
const finishDelivery = `WITH f AS (` + finishAttempt + ` RETURNING 1),
	a AS (INSERT INTO audit_log (at, actor, action, target, details)
		SELECT @now, @actor, @action, @target, @details WHERE EXISTS (SELECT 1 FROM f))
	SELECT EXISTS (SELECT 1 FROM f), i.state FROM items i WHERE i.id = @item_id FOR UPDATE OF i`

// Finish is one attempt's end: the delivery as claimed, the lease owner
// and the outcome.
type Finish struct {
	Delivery *tongfa.Delivery
	Owner    string
	Outcome  DeliveryOutcome
}

// FinishResult is what became of one Finish.
type FinishResult struct {
	*Finished
	Err error
}

// FinishDelivery is the worker's end of an attempt, atomic and in one
// round trip (the batch's implicit transaction): it records the outcome
// and the noted steps, releases the lease, audits, locks the item and
// settles it (SettleItem) in a statement of its own — which therefore sees
// every delivery finished before the lock was granted. A finished website
// delivery releases the deliveries held for its link. It fails with
// conflict, recording nothing of the attempt, when owner no longer holds
// the lease.
func (db *DB) FinishDelivery(ctx context.Context, d *tongfa.Delivery, owner string, o DeliveryOutcome) (*Finished, error) {
	r := db.FinishDeliveries(ctx, []Finish{{Delivery: d, Owner: owner, Outcome: o}})[0]
	return r.Finished, r.Err
}

// FinishDeliveries is FinishDelivery for many attempts at once, in one
// round trip and one transaction: workers finishing together share the
// commit (see Worker.finish). Each finish still succeeds or fails on its
// own: when the batch fails as a whole (a deadlock, a bad row), each is
// tried again alone.
func (db *DB) FinishDeliveries(ctx context.Context, fs []Finish) []FinishResult {
	res := make([]FinishResult, len(fs))
	err := db.finishBatch(ctx, fs, res)
	switch {
	case err == nil:
	case len(fs) == 1:
		res[0] = FinishResult{Err: err}
	default:
		for i := range fs {
			res[i] = db.FinishDeliveries(ctx, fs[i:i+1])[0]
		}
	}
	return res
}

// finishBatch records fs in one batch. The finishes lock their items in
// item order, so two batches that share items cannot deadlock; each item
// is settled once, after all its finishes.
func (db *DB) finishBatch(ctx context.Context, fs []Finish, res []FinishResult) error {
	now := db.now()
	order := sortedBy(fs, func(a, b Finish) int {
		return cmp.Or(cmp.Compare(a.Delivery.ItemID, b.Delivery.ItemID), cmp.Compare(a.Delivery.ID, b.Delivery.ID))
	})
	done := make([]bool, len(fs))
	b := lazyCommit()
	for _, i := range order {
		res[i].Finished = &Finished{}
		queueFinish(b, fs[i], now, &done[i], res[i].Finished)
	}
	for k, i := range order {
		if k == 0 || fs[i].Delivery.ItemID != fs[order[k-1]].Delivery.ItemID {
			b.Queue(settleItem, fs[i].Delivery.ItemID, now)
		}
	}
	for _, i := range order {
		if d := fs[i].Delivery; d.Platform == tongfa.PlatformWebsite && fs[i].Outcome.State.Done() {
			queueRelease(b, d, now, res[i].Finished)
		}
	}
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("store: finish attempts on %d deliveries: %w", len(fs), err)
	}
	for i := range fs {
		if !done[i] {
			// The settle ran on what others committed and the release
			// found the website delivery not done by us: neither changed
			// anything that was not already so.
			res[i] = FinishResult{Err: fmt.Errorf("store: finish attempt on delivery %d: %w", fs[i].Delivery.ID, ErrLeaseLost)}
		}
	}
	return nil
}

// queueFinish adds f's outcome and audit row to b.
func queueFinish(b *pgx.Batch, f Finish, now time.Time, done *bool, res *Finished) {
	d, o := f.Delivery, f.Outcome
	e := newAuditEntry(now, SystemActor, "delivery."+string(o.State), fmt.Sprintf("delivery:%d", d.ID), nil, map[string]any{
		"item_id": d.ItemID, "version_hash": d.VersionHash, "account_id": d.AccountID, "attempt": d.Attempts,
		"platform_post_id": o.PlatformPostID, "url": o.URL, "error_code": o.ErrorCode, "error": o.Error})
	args := finishArgs(d.ID, f.Owner, o, now)
	args["item_id"], args["actor"], args["action"], args["target"], args["details"] = d.ItemID, e.Actor, e.Action, e.Target, e.Details
	b.Queue(finishDelivery, args).QueryRow(func(r pgx.Row) error { return r.Scan(done, &res.Prior) })
}

// SettleItem moves an approved item to publishing once a delivery of its
// current version has started, and to published once every one of them is
// done and at least one reached its channel. Failed deliveries stay visible
// on the item; an admin retries or abandons them. It returns the new state,
// or "" when the state did not change.
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
	var state tongfa.ItemState
	err = tx.QueryRow(ctx, settleItem, itemID, tx.now).Scan(&state)
	if err == pgx.ErrNoRows {
		return "", nil // unchanged, or withdrawn or superseded meanwhile
	}
	if err != nil {
		return "", fmt.Errorf("store: settle item %d: %w", itemID, err)
	}
	return state, nil
}

// settleItem moves a locked item ($1) to publishing, published or failed
// (every delivery ended, none delivered, some failed or abandoned) by its
// current version's deliveries ($2: now). It writes only a change: most
// finishes leave an item publishing, and an unchanged row is not
// rewritten (nor its indexes).
const settleItem = `WITH d AS (
		SELECT count(*) AS total,
		       count(*) FILTER (WHERE d.state IN ('delivered','failed','abandoned','withdrawn')) AS done,
		       count(*) FILTER (WHERE d.state = 'delivered') AS delivered,
		       count(*) FILTER (WHERE d.state IN ('failed','abandoned')) AS failed
		FROM deliveries d JOIN items i ON i.id = d.item_id AND d.version_number = i.version_number
		WHERE d.item_id = $1),
	s AS (SELECT CASE WHEN d.total > 0 AND d.done = d.total AND d.delivered > 0 THEN 'published'
	                  WHEN d.total > 0 AND d.done = d.total AND d.failed > 0 THEN 'failed'
	                  ELSE 'publishing' END AS state FROM d)
	UPDATE items SET state = s.state, updated_at = $2
	FROM s WHERE items.id = $1 AND items.state IN ('approved','scheduled','publishing','failed') AND items.state <> s.state
	RETURNING items.state`
