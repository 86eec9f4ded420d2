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
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	it, ids := env.Approve(t, "并发完成的稿件", false)
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'delivered', delivered_at = now() WHERE id = ANY($1)`, ids[:2]); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[2:] {
		if _, err := db.ClaimDelivery(ctx, id, "w", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
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
