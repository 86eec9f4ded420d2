package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// lazyCommit starts a batch whose implicit transaction commits without
// waiting for its WAL to reach the disk. Claims, outcomes and releases use
// it: a crash of PostgreSQL may lose the last of them, which costs only a
// repeat that is harmless by design — the platform steps that guard
// against a second post (SaveDeliverySteps) commit synchronously, which
// also flushes every earlier commit; the app and website deduplicate by
// key; a lost outcome is found again by the takeover's look on the
// platform; and a lost release by the reconciler. What it saves is a disk
// flush per claim, outcome and release.
func lazyCommit() *pgx.Batch {
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('synchronous_commit', 'off', true)`)
	return b
}

// Claim is a worker's hold on a delivery.
type Claim struct {
	Delivery *tongfa.Delivery
	// TakeOver is true when the previous attempt may have reached the
	// platform (it died while sending, or its outcome was unknown): the
	// worker must verify on the platform before publishing again.
	TakeOver bool
	// Context is what the attempt reads before it sends, read in the same
	// round trip as the claim.
	Context *DeliveryContext
}

// ErrLeaseHeld means another worker is sending this delivery right now.
type ErrLeaseHeld struct{ Until time.Time }

func (e *ErrLeaseHeld) Error() string {
	return "store: delivery lease held until " + e.Until.Format(time.RFC3339)
}

// claimDelivery reads a delivery ($1) under lock, takes the lease for $2
// until $3 if it is free, and marks the item as publishing (from the first
// send on, the approved version can no longer be edited in place); $4 is
// now.
const claimDelivery = `WITH cur AS (
		SELECT ` + deliveryColumns + `, lease_until FROM deliveries WHERE id = $1 FOR UPDATE),
	won AS (
		UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, lease_owner = $2, lease_until = $3, updated_at = $4
		FROM cur WHERE d.id = cur.id
		  AND cur.state NOT IN ('delivered','failed','abandoned','withdrawn')
		  AND NOT (cur.state = 'sending' AND cur.lease_until IS NOT NULL AND cur.lease_until > $4)
		RETURNING d.id),
	it AS (
		UPDATE items SET state = 'publishing', updated_at = $4
		WHERE id = (SELECT item_id FROM cur) AND state = 'approved' AND EXISTS (SELECT 1 FROM won))
	SELECT cur.*, EXISTS (SELECT 1 FROM won) FROM cur`

// ClaimDelivery takes the lease on an open delivery for owner and reads
// its context (the item, the account, the item's deliveries), all in one
// round trip. It fails with *ErrLeaseHeld while another live worker holds
// the lease, and with invalid_state when the delivery is already done.
func (db *DB) ClaimDelivery(ctx context.Context, id int64, owner string, lease time.Duration) (*Claim, error) {
	r := db.ClaimDeliveries(ctx, []ClaimRequest{{ID: id, Owner: owner, Lease: lease}})[0]
	return r.Claim, r.Err
}

// ClaimRequest asks for the lease on delivery ID for Owner.
type ClaimRequest struct {
	ID    int64
	Owner string
	Lease time.Duration
}

// ClaimResult is what became of one ClaimRequest.
type ClaimResult struct {
	*Claim
	Err error
}

// ClaimDeliveries is ClaimDelivery for many deliveries at once, in one
// round trip and one transaction: workers starting together share the
// commit (see Worker.claim). Each claim still succeeds or fails on
// its own: when the batch fails as a whole, each is tried again alone.
func (db *DB) ClaimDeliveries(ctx context.Context, rs []ClaimRequest) []ClaimResult {
	now := db.now()
	b := lazyCommit()
	scans := make([]*claimScan, len(rs))
	for _, i := range sortedBy(rs, func(a, b ClaimRequest) int { return cmp.Compare(a.ID, b.ID) }) {
		scans[i] = queueClaim(b, rs[i], now)
	}
	res := make([]ClaimResult, len(rs))
	err := db.Pool.SendBatch(ctx, b).Close()
	switch {
	case err == nil:
		for i, s := range scans {
			res[i].Claim, res[i].Err = s.result()
		}
	case len(rs) == 1:
		res[0].Err = fmt.Errorf("store: claim delivery %d: %w", rs[0].ID, err)
	default:
		for i := range rs {
			res[i] = db.ClaimDeliveries(ctx, rs[i:i+1])[0]
		}
	}
	return res
}

// sortedBy returns the indexes of xs in the order of key: batches take
// their row locks in one order, so that two of them cannot deadlock.
func sortedBy[T any](xs []T, compare func(a, b T) int) []int {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return compare(xs[i], xs[j]) })
	return order
}

// claimScan is one claim's part of a batch, filled in as it is read.
type claimScan struct {
	id         int64
	d          tongfa.Delivery
	until      *time.Time
	won, found bool
	dc         DeliveryContext
	errs       [3]error
}

// queueClaim adds the claim of r.ID and the reads of its context to b.
func queueClaim(b *pgx.Batch, r ClaimRequest, now time.Time) *claimScan {
	s := &claimScan{id: r.ID}
	b.Queue(claimDelivery, r.ID, r.Owner, now.Add(r.Lease), now).Query(func(rows pgx.Rows) error {
		var err error
		s.d, err = pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (tongfa.Delivery, error) {
			var d tongfa.Delivery
			return d, row.Scan(deliveryDest(&d, &s.until, &s.won)...)
		})
		s.found = err == nil
		if err == pgx.ErrNoRows {
			return nil
		}
		return err
	})
	// The reads run after the claim in the batch's implicit transaction:
	// they see the delivery as claimed.
	b.Queue(itemQuery+` WHERE i.id = (SELECT item_id FROM deliveries WHERE id = $1)`, r.ID).QueryRow(func(row pgx.Row) error {
		s.dc.Item, s.errs[0] = readItem(row, s.d.ItemID)
		return nil
	})
	b.Queue(`SELECT `+accountColumns+` FROM accounts WHERE id = (SELECT account_id FROM deliveries WHERE id = $1)`, r.ID).Query(func(rows pgx.Rows) error {
		a, err := pgx.CollectExactlyOneRow(rows, scanAccount)
		if err == pgx.ErrNoRows {
			err = notFound("account", s.d.AccountID)
		}
		s.dc.Account, s.errs[1] = &a, err
		return nil
	})
	b.Queue(`SELECT `+deliveryColumns+` FROM deliveries WHERE item_id = (SELECT item_id FROM deliveries WHERE id = $1) ORDER BY id`, r.ID).Query(func(rows pgx.Rows) error {
		s.dc.Siblings, s.errs[2] = pgx.CollectRows(rows, scanDelivery)
		return nil
	})
	return s
}

// result is the claim as read, or why there is none.
func (s *claimScan) result() (*Claim, error) {
	d, id := &s.d, s.id
	switch {
	case !s.found:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, notFound("delivery", id))
	case d.State.Done():
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &tongfa.Error{Code: tongfa.EInvalidState, Message: "投递已结束"})
	case !s.won && s.until != nil:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &ErrLeaseHeld{Until: *s.until})
	case !s.won:
		return nil, fmt.Errorf("store: claim delivery %d: not claimed", id)
	}
	if err := errors.Join(s.errs[:]...); err != nil {
		// Claimed but unreadable: the lease lapses and a later try reads again.
		return nil, fmt.Errorf("store: context of delivery %d: %w", id, err)
	}
	c := &Claim{Delivery: d, TakeOver: d.State == tongfa.DeliverySending || d.State == tongfa.DeliveryUnconfirmed, Context: &s.dc}
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
// as finishArgs builds them.
const finishAttempt = `UPDATE deliveries SET state = $3, platform_post_id = coalesce(nullif($4, ''), platform_post_id),
	url = coalesce(nullif($5, ''), url), delivered_at = coalesce($6, delivered_at), error_code = nullif($7, ''),
	error = nullif($8, ''), payload_hash = coalesce(nullif($9, ''), payload_hash), next_attempt_at = $10,
	steps = steps || coalesce($12::jsonb, '{}'), lease_owner = NULL, lease_until = NULL, updated_at = $11
	WHERE id = $1 AND lease_owner = $2 AND state = 'sending'`

func finishArgs(id int64, owner string, o DeliveryOutcome, now time.Time) []any {
	var delivered *time.Time
	if o.State == tongfa.DeliveryDelivered {
		delivered = &o.DeliveredAt
	}
	var steps []byte // SQL NULL when nothing was noted
	if len(o.Steps) > 0 {
		steps, _ = json.Marshal(o.Steps)
	}
	return []any{id, owner, string(o.State), o.PlatformPostID, o.URL, delivered, o.ErrorCode, o.Error, o.PayloadHash,
		nullTime(o.NextAttemptAt), now, steps}
}

var errLeaseLost = &tongfa.Error{Code: tongfa.EConflict, Message: "投递已被其他进程接管"}

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

// finishDelivery records an attempt's outcome (finishAttempt, $1–$12),
// appends its audit row ($14–$17: actor, action, target, details; a
// system actor has no id, unit or IP) only if the lease was still held,
// locks the item ($13) and returns whether the outcome was recorded and
// the item's state as it was.
const finishDelivery = `WITH f AS (` + finishAttempt + ` RETURNING 1),
	a AS (INSERT INTO audit_log (at, actor, action, target, details)
		SELECT $11, $14, $15, $16, $17 WHERE EXISTS (SELECT 1 FROM f))
	SELECT EXISTS (SELECT 1 FROM f), i.state FROM items i WHERE i.id = $13 FOR UPDATE OF i`

// releaseHeld queues the deliveries of an item ($1) version ($2) held for
// its website delivery ($3) once that is done ($4: now), and lists the
// version's other open deliveries that a retry may be waiting on. The
// second part reads the statement's snapshot, from before the update: the
// deliveries just released are not listed twice.
const releaseHeld = `WITH r AS (
		UPDATE deliveries d SET state = 'queued', enqueued_at = $4, updated_at = $4
		WHERE d.item_id = $1 AND d.version_number = $2 AND d.state = 'pending' AND d.platform <> 'website'
		  AND EXISTS (SELECT 1 FROM deliveries w WHERE w.id = $3 AND w.state IN ('delivered','failed','abandoned','withdrawn'))
		RETURNING d.id, d.queue, true AS released)
	SELECT id, queue, released FROM r
	UNION ALL
	SELECT id, queue, false FROM deliveries
	WHERE item_id = $1 AND version_number = $2 AND id <> $3 AND state IN ('queued','unconfirmed')`

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
			res[i] = FinishResult{Err: fmt.Errorf("store: finish attempt on delivery %d: %w", fs[i].Delivery.ID, errLeaseLost)}
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
	args := append(finishArgs(d.ID, f.Owner, o, now), d.ItemID, e.Actor, e.Action, e.Target, e.Details)
	b.Queue(finishDelivery, args...).QueryRow(func(r pgx.Row) error { return r.Scan(done, &res.Prior) })
}

// queueRelease adds to b the release of what waits for website delivery d.
func queueRelease(b *pgx.Batch, d *tongfa.Delivery, now time.Time, res *Finished) {
	b.Queue(releaseHeld, d.ItemID, d.VersionNumber, d.ID, now).Query(func(rows pgx.Rows) error {
		var o OpenDelivery
		var released bool
		_, err := pgx.ForEachRow(rows, []any{&o.ID, &o.Queue, &released}, func() error {
			if released {
				res.Released = append(res.Released, o)
			} else {
				res.Waiting = append(res.Waiting, o)
			}
			return nil
		})
		return err
	})
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

// Release returns those of ids that do not link to a website article
// still on its way, marking the pending ones queued, in one statement.
// The relay hands the returned ones to the queue; the others stay pending
// until the website delivery is done (FinishDelivery releases them).
//
// The update tests the state of the row it changes, not of the snapshot:
// a worker that claimed the delivery meanwhile keeps it. PostgreSQL would
// plan the statement anew on every call (its custom plan looks cheaper
// than the generic one, which is as good: a few ids looked up by key), so
// the batch asks for the generic plan. Losing the release in a crash
// leaves the deliveries pending, for the reconciler.
func (db *DB) Release(ctx context.Context, ids []int64) ([]int64, error) {
	var free []int64
	b := lazyCommit()
	b.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`)
	b.Queue(`WITH r AS (
			SELECT d.id FROM unnest($1::bigint[]) AS x(id) JOIN deliveries d ON d.id = x.id WHERE NOT (`+heldForWebsite+`)),
		q AS (
			UPDATE deliveries d SET state = 'queued', enqueued_at = $2, updated_at = $2
			FROM r WHERE d.id = r.id AND d.state = 'pending')
		SELECT id FROM r ORDER BY id`, ids, db.now()).Query(func(rows pgx.Rows) error {
		var err error
		free, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("store: release deliveries: %w", err)
	}
	return free, nil
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

// settleItem moves a locked item ($1) to publishing or published by its
// current version's deliveries ($2: now). It writes only a change: most
// finishes leave an item publishing, and an unchanged row is not
// rewritten (nor its indexes).
const settleItem = `WITH d AS (
		SELECT count(*) AS total,
		       count(*) FILTER (WHERE d.state IN ('delivered','failed','abandoned','withdrawn')) AS done,
		       count(*) FILTER (WHERE d.state = 'delivered') AS delivered
		FROM deliveries d JOIN items i ON i.id = d.item_id AND d.version_number = i.version_number
		WHERE d.item_id = $1),
	s AS (SELECT CASE WHEN d.total > 0 AND d.done = d.total AND d.delivered > 0 THEN 'published' ELSE 'publishing' END AS state FROM d)
	UPDATE items SET state = s.state, updated_at = $2
	FROM s WHERE items.id = $1 AND items.state IN ('approved','publishing') AND items.state <> s.state
	RETURNING items.state`

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
