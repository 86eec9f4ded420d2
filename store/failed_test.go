package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestFailedDeliveries lists failed deliveries of current versions only,
// with the item's title and the account's name, in the given units.
func TestFailedDeliveries(t *testing.T) {
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	it, ids := env.Approve(t, "关于供暖的通知", false)
	stale, staleIDs := env.Approve(t, "已改版的通知", false)
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'failed', error = '平台拒绝' WHERE id = ANY($1)`,
		[]int64{ids[0], staleIDs[0]}); err != nil {
		t.Fatal(err)
	}
	// The second item gets a new version: its failed delivery no longer matters.
	err := db.InTx(ctx, func(tx *store.Tx) error {
		c := stale.Version.Content
		c.Title = "已改版的通知（修订）"
		_, err := tx.AddVersion(ctx, stale.ID, stale.VersionNumber, stale.AuthorID, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.FailedDeliveries(ctx, []int64{env.Unit.ID}, 50)
	if err != nil || len(list) != 1 {
		t.Fatalf("failed deliveries %+v %v, want 1", list, err)
	}
	f := list[0]
	if f.ID != ids[0] || f.Title != it.Version.Content.Title || f.AccountName == "" || f.State != tongfa.DeliveryFailed || f.Error != "平台拒绝" {
		t.Fatalf("got %+v", f)
	}
	if other, _ := db.FailedDeliveries(ctx, []int64{env.Unit.ID + 1000}, 50); len(other) != 0 {
		t.Fatalf("another unit sees %d", len(other))
	}
}

// TestSettleItemUnderConcurrentFinishes: the last two deliveries of an
// item finish at the same moment; the item still ends published.
func TestSettleItemUnderConcurrentFinishes(t *testing.T) {
	ctx := context.Background()
	db, it, ids := lastTwoSending(t, "并发完成的稿件")
	var both sync.WaitGroup
	both.Add(2)
	errs := make(chan error, 2)
	// The first settles and holds its transaction open a moment; the
	// second starts settling meanwhile and must see the first's finish
	// once it may go on.
	for i, id := range ids[2:] {
		go func() {
			errs <- db.InTx(ctx, func(tx *store.Tx) error {
				err := tx.FinishAttempt(ctx, id, "w", store.DeliveryOutcome{State: tongfa.DeliveryDelivered,
					PlatformPostID: fmt.Sprint("p", id), URL: "http://x", DeliveredAt: time.Now()})
				both.Done()
				both.Wait() // both finishes are written, neither committed
				if err != nil {
					return err
				}
				if i == 1 {
					time.Sleep(50 * time.Millisecond)
				}
				_, err = tx.SettleItem(ctx, it.ID)
				if i == 0 {
					time.Sleep(300 * time.Millisecond)
				}
				return err
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, _ := db.Item(ctx, it.ID)
	if got.State != tongfa.StatePublished {
		t.Fatalf("item %s with every delivery done, want published", got.State)
	}
}

// TestFinishAndSettleUnderConcurrentFinishes: the worker's one-round-trip
// finish gives the same guarantee — the last two deliveries finishing
// together leave the item published, with their noted steps and audit
// rows written.
func TestFinishAndSettleUnderConcurrentFinishes(t *testing.T) {
	ctx := context.Background()
	db, it, ids := lastTwoSending(t, "并发完成的稿件（批量）")
	errs := make(chan error, 2)
	for i, id := range ids[2:] {
		go func() {
			errs <- db.InTx(ctx, func(tx *store.Tx) error {
				if i == 1 {
					time.Sleep(50 * time.Millisecond) // finishes while the first holds the item
				}
				tx.Audit(store.SystemActor, "delivery.delivered", fmt.Sprintf("delivery:%d", id), nil, nil)
				prior, err := tx.FinishAndSettle(ctx, id, it.ID, "w", store.DeliveryOutcome{State: tongfa.DeliveryDelivered,
					PlatformPostID: fmt.Sprint("p", id), URL: "http://x", DeliveredAt: time.Now(), Steps: map[string]string{"post_id": fmt.Sprint("p", id)}})
				if err == nil && prior == tongfa.StateWithdrawn {
					err = fmt.Errorf("prior state %s", prior)
				}
				if i == 0 {
					time.Sleep(300 * time.Millisecond)
				}
				return err
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.Item(ctx, it.ID); got.State != tongfa.StatePublished {
		t.Fatalf("item %s with every delivery done, want published", got.State)
	}
	var steps, audits int
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM deliveries WHERE id = ANY($1) AND steps ? 'post_id'),
		(SELECT count(*) FROM audit_log WHERE action = 'delivery.delivered')`, ids[2:]).Scan(&steps, &audits)
	if steps != 2 || audits != 2 {
		t.Fatalf("%d deliveries with their noted steps, %d audit rows; want 2 and 2", steps, audits)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.FinishAndSettle(ctx, ids[2], it.ID, "w", store.DeliveryOutcome{State: tongfa.DeliveryDelivered})
		return err
	})
	if tongfa.ErrorCode(err) != tongfa.EConflict {
		t.Fatalf("finishing without the lease: %v", err)
	}
}

// lastTwoSending approves an item to four accounts, marks two deliveries
// delivered and claims the other two for worker "w".
func lastTwoSending(t *testing.T, title string) (*store.DB, *tongfa.Item, []int64) {
	t.Helper()
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	it, ids := env.Approve(t, title, false)
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'delivered', delivered_at = now() WHERE id = ANY($1)`, ids[:2]); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[2:] {
		if _, err := db.ClaimDelivery(ctx, id, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	return db, it, ids
}
