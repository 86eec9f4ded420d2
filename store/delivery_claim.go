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

// ErrNotYet means the delivery is scheduled for later: its item's
// publish_at has not come (a task that fired early, or a rescheduled item).
type ErrNotYet struct{ At time.Time }

func (e *ErrNotYet) Error() string {
	return "store: delivery scheduled for " + e.At.Format(time.RFC3339)
}

// claimDelivery reads a delivery under lock, takes the lease for owner
// until the given time if it is free, and marks the item as publishing
// (from the first send on, the approved version can no longer be edited
// in place).
var claimDelivery = `WITH cur AS (
		SELECT ` + deliveryColumns + `, lease_until FROM deliveries WHERE id = @id FOR UPDATE),
	won AS (
		UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1, lease_owner = @owner, lease_until = @until, updated_at = @now
		FROM cur WHERE d.id = cur.id
		  AND cur.state NOT IN ('delivered','failed','abandoned','withdrawn')
		  AND NOT (cur.state = 'sending' AND cur.lease_until IS NOT NULL AND cur.lease_until > @now)
		  AND (cur.not_before IS NULL OR cur.not_before <= @now) AND cur.edition_id IS NULL
		RETURNING d.id),
	it AS (
		UPDATE items SET state = 'publishing', updated_at = @now
		WHERE id = (SELECT item_id FROM cur) AND state IN ('approved','scheduled','failed') AND EXISTS (SELECT 1 FROM won))
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
	now        time.Time
	dc         DeliveryContext
	errs       [3]error
}

// queueClaim adds the claim of r.ID and the reads of its context to b.
func queueClaim(b *pgx.Batch, r ClaimRequest, now time.Time) *claimScan {
	s := &claimScan{id: r.ID, now: now}
	b.Queue(claimDelivery, pgx.NamedArgs{"id": r.ID, "owner": r.Owner, "until": now.Add(r.Lease), "now": now}).Query(func(rows pgx.Rows) error {
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
	b.Queue(`SELECT `+deliveryColumns+` FROM deliveries WHERE item_id = (SELECT item_id FROM deliveries WHERE id = $1) AND platform = 'website' ORDER BY id`, r.ID).Query(func(rows pgx.Rows) error {
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
	case d.State.Done() || d.EditionID != nil:
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &tongfa.Error{Code: tongfa.EInvalidState, Message: "投递已结束"})
	case !s.won && d.NotBefore != nil && d.NotBefore.After(s.now):
		return nil, fmt.Errorf("store: claim delivery %d: %w", id, &ErrNotYet{At: *d.NotBefore})
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
		return fmt.Errorf("store: save steps of delivery %d: %w", id, ErrLeaseLost)
	}
	return nil
}
