package store_test

import (
	"context"
	"testing"

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
