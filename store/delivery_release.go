package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// releaseHeld queues the deliveries of an item ($1) version ($2) held for
// its website delivery ($3) once that is done ($4: now), and lists the
// version's other open deliveries that a retry may be waiting on. The
// second part reads the statement's snapshot, from before the update: the
// deliveries just released are not listed twice.
const releaseHeld = `WITH r AS (
		UPDATE deliveries d SET state = 'queued', enqueued_at = $4, updated_at = $4
		WHERE d.item_id = $1 AND d.version_number = $2 AND d.state = 'pending' AND d.platform <> 'website'
		  AND EXISTS (SELECT 1 FROM deliveries w WHERE w.id = $3 AND w.state IN ('delivered','failed','abandoned','withdrawn'))
		RETURNING d.id, d.queue, d.not_before, true AS released)
	SELECT id, queue, not_before, released FROM r
	UNION ALL
	SELECT id, queue, not_before, false FROM deliveries
	WHERE item_id = $1 AND version_number = $2 AND id <> $3 AND state IN ('queued','unconfirmed')`

// queueRelease adds to b the release of what waits for website delivery d.
func queueRelease(b *pgx.Batch, d *tongfa.Delivery, now time.Time, res *Finished) {
	b.Queue(releaseHeld, d.ItemID, d.VersionNumber, d.ID, now).Query(func(rows pgx.Rows) error {
		var o OpenDelivery
		var released bool
		_, err := pgx.ForEachRow(rows, []any{&o.ID, &o.Queue, &o.NotBefore, &released}, func() error {
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
	free, err := db.ReleaseOpen(ctx, ids)
	out := make([]int64, len(free))
	for i, d := range free {
		out[i] = d.ID
	}
	return out, err
}

// ReleaseOpen is Release returning each free delivery with its queue and
// the time it is scheduled for.
func (db *DB) ReleaseOpen(ctx context.Context, ids []int64) ([]OpenDelivery, error) {
	var free []OpenDelivery
	b := lazyCommit()
	b.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`)
	b.Queue(`WITH r AS (
			SELECT d.id FROM unnest($1::bigint[]) AS x(id) JOIN deliveries d ON d.id = x.id WHERE NOT (`+heldForWebsite+`)),
		q AS (
			UPDATE deliveries d SET state = 'queued', enqueued_at = $2, updated_at = $2
			FROM r WHERE d.id = r.id AND d.state = 'pending')
		SELECT d.id, d.queue, d.not_before FROM r JOIN deliveries d ON d.id = r.id ORDER BY d.id`, ids, db.now()).Query(func(rows pgx.Rows) error {
		var err error
		free, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenDelivery, error) {
			var o OpenDelivery
			return o, r.Scan(&o.ID, &o.Queue, &o.NotBefore)
		})
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
	NotBefore *time.Time // scheduled: the task runs then
}

// OpenDeliveries lists deliveries still to be worked on, untouched for at
// least quiet (so freshly planned rows are left to the relay), with ids
// above after, in id order. Deliveries scheduled for later are listed
// however recently touched: their tasks wait in Redis for a long time, and
// recreating one that exists is a no-op, so a lost one is back within one
// pass rather than after the quiet period.
func (db *DB) OpenDeliveries(ctx context.Context, quiet time.Duration, after int64, limit int) ([]OpenDelivery, error) {
	// A pending delivery held for its website link is the website
	// delivery's to wake (and the website delivery itself is reconciled
	// like any other): releasing it early only makes it wait.
	now := db.now()
	rows, err := db.Pool.Query(ctx, `SELECT d.id, d.queue, d.state, d.updated_at, d.not_before FROM deliveries d
		WHERE d.state IN ('pending','queued','sending','unconfirmed') AND (d.updated_at < $1 OR d.not_before > $4) AND d.id > $2
		  AND d.edition_id IS NULL
		  AND NOT (d.state = 'pending' AND `+heldForWebsite+`)
		ORDER BY d.id LIMIT $3`, now.Add(-quiet), after, limit, now)
	if err != nil {
		return nil, fmt.Errorf("store: open deliveries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OpenDelivery, error) {
		var o OpenDelivery
		return o, r.Scan(&o.ID, &o.Queue, &o.State, &o.UpdatedAt, &o.NotBefore)
	})
}
