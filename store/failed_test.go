package store_test

import (
	"context"
	"fmt"
	"slices"
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
				_, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'delivered', delivered_at = now(), lease_owner = NULL
					WHERE id = $1 AND lease_owner = 'w'`, id)
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

// TestFinishDeliveryUnderConcurrentFinishes: the worker's one-round-trip
// finish gives the same guarantee — the last two deliveries finishing
// together leave the item published, with their noted steps and audit
// rows written — and a finish without the lease records nothing.
func TestFinishDeliveryUnderConcurrentFinishes(t *testing.T) {
	ctx := context.Background()
	db, it, ids := lastTwoSending(t, "并发完成的稿件（批量）")
	// Hold the item while both finishes are sent: both write their
	// outcome, then wait for the item; each settles once it has it.
	hold, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(ctx, `SELECT 1 FROM items WHERE id = $1 FOR UPDATE`, it.ID); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, id := range ids[2:] {
		go func() {
			d, err := db.Delivery(ctx, id)
			if err != nil {
				errs <- err
				return
			}
			res, err := db.FinishDelivery(ctx, d, "w", store.DeliveryOutcome{State: tongfa.DeliveryDelivered,
				PlatformPostID: fmt.Sprint("p", id), URL: "http://x", DeliveredAt: time.Now(), Steps: map[string]string{"post_id": fmt.Sprint("p", id)}})
			if err == nil && res.Prior == tongfa.StateWithdrawn {
				err = fmt.Errorf("prior state %s", res.Prior)
			}
			errs <- err
		}()
	}
	waitForLockWaiters(t, db, 2)
	hold.Rollback(ctx) //nolint:errcheck
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.Item(ctx, it.ID); got.State != tongfa.StatePublished {
		t.Fatalf("item %s with every delivery done, want published", got.State)
	}
	audits := func() (steps, audits int) {
		db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM deliveries WHERE id = ANY($1) AND steps ? 'post_id'),
			(SELECT count(*) FROM audit_log WHERE action = 'delivery.delivered')`, ids[2:]).Scan(&steps, &audits) //nolint:errcheck
		return
	}
	if steps, n := audits(); steps != 2 || n != 2 {
		t.Fatalf("%d deliveries with their noted steps, %d audit rows; want 2 and 2", steps, n)
	}
	d, _ := db.Delivery(ctx, ids[2])
	if _, err := db.FinishDelivery(ctx, d, "w", store.DeliveryOutcome{State: tongfa.DeliveryFailed, Error: "x"}); tongfa.ErrorCode(err) != tongfa.EConflict {
		t.Fatalf("finishing without the lease: %v", err)
	}
	if d, _ := db.Delivery(ctx, ids[2]); d.State != tongfa.DeliveryDelivered {
		t.Fatalf("a finish without the lease changed the delivery to %s", d.State)
	}
	if _, n := audits(); n != 2 {
		t.Fatalf("a finish without the lease was audited: %d rows", n)
	}
}

// waitForLockWaiters waits until n backends wait for a lock.
func waitForLockWaiters(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		var waiting int
		db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks WHERE NOT granted`).Scan(&waiting) //nolint:errcheck
		if waiting >= n {
			return
		}
	}
	t.Fatalf("fewer than %d backends waiting for a lock", n)
}

// TestFinishedWebsiteReleasesHeldDeliveries: when the website delivery is
// done, the pending deliveries held for its link become queued in the same
// round trip and are returned for enqueueing; a sibling waiting for a retry
// is listed to be run now. An unfinished website attempt releases nothing.
func TestFinishedWebsiteReleasesHeldDeliveries(t *testing.T) {
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	_, ids := env.Approve(t, "等待网站链接的稿件", false)
	var web, retrying int64
	var others []int64
	for _, id := range ids {
		d, _ := db.Delivery(ctx, id)
		switch {
		case d.Platform == tongfa.PlatformWebsite:
			web = id
		case retrying == 0:
			retrying = id
		default:
			others = append(others, id)
		}
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET state = 'queued' WHERE id = $1`, retrying); err != nil {
		t.Fatal(err)
	}
	finish := func(o store.DeliveryOutcome) *store.Finished {
		t.Helper()
		c, err := db.ClaimDelivery(ctx, web, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if c.Context == nil || c.Context.Item == nil || c.Context.Account.Platform != tongfa.PlatformWebsite || len(c.Context.Siblings) != 1 || c.Context.Siblings[0].ID != web {
			t.Fatalf("claim context %+v", c.Context)
		}
		res, err := db.FinishDelivery(ctx, c.Delivery, "w", o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := finish(store.DeliveryOutcome{State: tongfa.DeliveryQueued, Error: "平台繁忙"}); len(res.Released)+len(res.Waiting) != 0 {
		t.Fatalf("an unfinished website attempt released %+v", res)
	}
	res := finish(store.DeliveryOutcome{State: tongfa.DeliveryDelivered, URL: "http://site/a/1", DeliveredAt: time.Now()})
	var released []int64
	for _, o := range res.Released {
		released = append(released, o.ID)
		if d, _ := db.Delivery(ctx, o.ID); d.State != tongfa.DeliveryQueued || o.Queue == "" {
			t.Errorf("released delivery %d is %s in queue %q", o.ID, d.State, o.Queue)
		}
	}
	slices.Sort(released)
	slices.Sort(others)
	if !slices.Equal(released, others) || len(res.Waiting) != 1 || res.Waiting[0].ID != retrying {
		t.Fatalf("released %v waiting %+v; want %v and %d", released, res.Waiting, others, retrying)
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

// TestReleaseLeavesAClaimedDeliveryAlone: the relay releases a delivery
// while a worker's claim of it has not committed yet; once it has, the
// delivery stays with the worker instead of going back to queued.
func TestReleaseLeavesAClaimedDeliveryAlone(t *testing.T) {
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	_, ids := env.Approve(t, "认领与放行同时发生", false)
	var web int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM deliveries WHERE id = ANY($1) AND platform = 'website'`, ids).Scan(&web); err != nil {
		t.Fatal(err)
	}
	claim, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := claim.Exec(ctx, `UPDATE deliveries SET state = 'sending', lease_owner = 'w', lease_until = now() + interval '1 minute' WHERE id = $1`, web); err != nil {
		t.Fatal(err)
	}
	released := make(chan []int64, 1)
	go func() {
		free, err := db.Release(ctx, ids)
		if err != nil {
			t.Error(err)
		}
		released <- free
	}()
	waitForLockWaiters(t, db, 1)
	if err := claim.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if free := <-released; !slices.Equal(free, []int64{web}) {
		t.Fatalf("released %v, want only the website delivery %d (the others wait for its link)", free, web)
	}
	if d, _ := db.Delivery(ctx, web); d.State != tongfa.DeliverySending {
		t.Fatalf("the claimed delivery is %s after the release, want sending", d.State)
	}
}

// TestLazyCommitStaysInItsTransaction: claims and outcomes commit without
// waiting for the disk, but the setting must not outlive their batch — the
// markers that guard against a second post are written on the same pooled
// connections and must commit synchronously.
func TestLazyCommitStaysInItsTransaction(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, url+"&pool_max_conns=1") // every call on the one connection
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	env := queuetest.New(t, db)
	_, ids := env.Approve(t, "同步提交", false)
	c, err := db.ClaimDelivery(ctx, ids[0], "w", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var setting string
	if err := db.Pool.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&setting); err != nil || setting != "on" {
		t.Fatalf("after a claim the connection has synchronous_commit %q (%v), want on", setting, err)
	}
	if _, err := db.FinishDelivery(ctx, c.Delivery, "w", store.DeliveryOutcome{State: tongfa.DeliveryQueued}); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&setting); err != nil || setting != "on" {
		t.Fatalf("after a finish the connection has synchronous_commit %q (%v), want on", setting, err)
	}
}

// TestFinishDeliveriesTogether: attempts on two items finish in one batch,
// given in no particular order; each gets its own result (one lost its
// lease), both items settle, and a batch with a bad finish in it still
// records the good ones.
func TestFinishDeliveriesTogether(t *testing.T) {
	db := storetest.New(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	a, aIDs := env.Approve(t, "同批完成的稿件甲", false)
	b, bIDs := env.Approve(t, "同批完成的稿件乙", false)
	var fs []store.Finish
	for _, id := range slices.Concat(bIDs, aIDs) { // item b first: the store orders them
		c, err := db.ClaimDelivery(ctx, id, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, store.Finish{Delivery: c.Delivery, Owner: "w", Outcome: store.DeliveryOutcome{
			State: tongfa.DeliveryDelivered, PlatformPostID: fmt.Sprint("p", id), DeliveredAt: time.Now()}})
	}
	lost := bIDs[1]
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET lease_owner = 'other' WHERE id = $1`, lost); err != nil {
		t.Fatal(err)
	}
	for i, r := range db.FinishDeliveries(ctx, fs) {
		id := fs[i].Delivery.ID
		switch {
		case id == lost && tongfa.ErrorCode(r.Err) != tongfa.EConflict:
			t.Errorf("delivery %d without the lease: %v, want conflict", id, r.Err)
		case id != lost && (r.Err != nil || r.Prior != tongfa.StatePublishing):
			t.Errorf("delivery %d: %+v, want recorded with the item publishing before", id, r)
		}
	}
	if got, _ := db.Item(ctx, a.ID); got.State != tongfa.StatePublished {
		t.Errorf("item a is %s with every delivery done, want published", got.State)
	}
	if got, _ := db.Item(ctx, b.ID); got.State != tongfa.StatePublishing {
		t.Errorf("item b is %s with one delivery still sending, want publishing", got.State)
	}
	var audits int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'delivery.delivered'`).Scan(&audits) //nolint:errcheck
	if audits != 7 {
		t.Errorf("%d audit rows, want 7 (none for the lost lease)", audits)
	}

	// A finish PostgreSQL refuses fails the batch; the others are then
	// recorded one by one. The lost lease comes back for this.
	if _, err := db.Pool.Exec(ctx, `UPDATE deliveries SET lease_owner = 'w' WHERE id = $1`, lost); err != nil {
		t.Fatal(err)
	}
	good := fs[slices.IndexFunc(fs, func(f store.Finish) bool { return f.Delivery.ID == lost })]
	good.Outcome.State = tongfa.DeliveryFailed
	bad := good
	bad.Outcome.State = "lost-in-space" // refused by the table's check
	res := db.FinishDeliveries(ctx, []store.Finish{bad, good})
	if res[0].Err == nil || res[1].Err != nil {
		t.Fatalf("bad finish: %v, good finish: %v; want only the bad one refused", res[0].Err, res[1].Err)
	}
	if got, _ := db.Item(ctx, b.ID); got.State != tongfa.StatePublished {
		t.Errorf("item b is %s with every delivery done, want published", got.State)
	}
}
