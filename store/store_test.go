package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

type fixture struct {
	db     *store.DB
	unit   *tongfa.Unit
	author *tongfa.User
}

func setup(t *testing.T) fixture {
	t.Helper()
	db := storetest.New(t)
	var f fixture
	f.db = db
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		if f.unit, err = tx.CreateUnit(context.Background(), "测试市人民政府办公室", nil); err != nil {
			return err
		}
		f.author, err = tx.CreateUser(context.Background(), store.NewUser{Username: "editor", UnitID: f.unit.ID, PasswordHash: "x"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func content(title string) tongfa.Content {
	return tongfa.Content{Title: title, Body: "<p>正文</p>", Category: "news", Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: []int64{3, 1}}
}

func (f fixture) createItem(t *testing.T, c tongfa.Content) *tongfa.Item {
	t.Helper()
	it, err := f.db.CreateItem(context.Background(), f.unit.ID, f.author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := storetest.New(t)
	applied, err := db.Migrate(context.Background())
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, err %v; want nothing", applied, err)
	}
}

func TestVersionsAreImmutable(t *testing.T) {
	f := setup(t)
	it := f.createItem(t, content("第一版"))
	ctx := context.Background()
	for _, sql := range []string{
		`UPDATE item_versions SET title = 'changed' WHERE item_id = $1`,
		`DELETE FROM item_versions WHERE item_id = $1`,
	} {
		if _, err := f.db.Pool.Exec(ctx, sql, it.ID); err == nil {
			t.Errorf("%s succeeded; versions must be immutable", sql)
		}
	}
	got, err := f.db.Item(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version.Hash != it.Version.Hash || got.Version.Hash != f.db.VersionHash(got.Version.Content) {
		t.Fatalf("hash after round trip %s, stored %s, recomputed %s", it.Version.Hash, got.Version.Hash, f.db.VersionHash(got.Version.Content))
	}
}

func TestAddVersionConflict(t *testing.T) {
	f := setup(t)
	it := f.createItem(t, content("v1"))
	ctx := context.Background()
	add := func(prev int) error {
		return f.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AddVersion(ctx, it.ID, prev, f.author.ID, content("v2"))
			return err
		})
	}
	if err := add(1); err != nil {
		t.Fatal(err)
	}
	if err := add(1); tongfa.ErrorCode(err) != tongfa.EConflict {
		t.Fatalf("stale add: %v, want conflict", err)
	}
	got, _ := f.db.Item(ctx, it.ID)
	if got.VersionNumber != 2 || got.Version.Content.Title != "v2" {
		t.Fatalf("current version %d %q", got.VersionNumber, got.Version.Content.Title)
	}
}

func TestUpdateItemStateOneWinner(t *testing.T) {
	f := setup(t)
	it := f.createItem(t, content("并发"))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.db.InTx(ctx, func(tx *store.Tx) error {
				return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateInReview, Level: 1})
			})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if tongfa.ErrorCode(err) != tongfa.EInvalidState {
			t.Errorf("loser error %v, want invalid_state", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d winners, want 1", wins)
	}
}

func TestNotFound(t *testing.T) {
	f := setup(t)
	_, err := f.db.Item(context.Background(), 999)
	if !errors.Is(err, tongfa.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestListItemsScopesUnits(t *testing.T) {
	f := setup(t)
	f.createItem(t, content("甲"))
	ctx := context.Background()
	list, total, err := f.db.ListItems(ctx, store.ItemFilter{UnitIDs: []int64{f.unit.ID + 100}, PerPage: 10})
	if err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("other unit sees %d items (err %v)", total, err)
	}
	list, total, _ = f.db.ListItems(ctx, store.ItemFilter{PerPage: 10})
	if total != 0 {
		t.Fatalf("nil unit filter returned %d items; must return none", total)
	}
	list, total, _ = f.db.ListItems(ctx, store.ItemFilter{UnitIDs: []int64{f.unit.ID}, Query: "甲", PerPage: 10})
	if total != 1 || list[0].Title != "甲" {
		t.Fatalf("got %d %+v", total, list)
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for i := range 5 {
		if err := f.db.Audit(ctx, store.SystemActor, "test.event", "item:1", nil, map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	sealed, err := f.db.SealAudit(ctx)
	if err != nil || sealed != 5 {
		t.Fatalf("sealed %d, %v; want 5", sealed, err)
	}
	rep, err := f.db.VerifyAudit(ctx)
	if err != nil || rep.Verified != 5 || rep.Unsealed != 0 {
		t.Fatalf("verify: %+v, %v; want 5 verified", rep, err)
	}
	rows, _ := f.db.ListAudit(ctx, store.AuditFilter{Action: "test.event"})
	victim := rows[2].ID // the third newest
	if _, err := f.db.Pool.Exec(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE id = $1`, victim); err == nil {
		t.Fatal("audit rows must refuse UPDATE")
	}
	storetest.Tamper(t, f.db, `UPDATE audit_log SET details = '{"n":99}' WHERE id = $1`, victim)
	_, err = f.db.VerifyAudit(ctx)
	var broken *store.ErrChainBroken
	if !errors.As(err, &broken) || broken.ID != victim {
		t.Fatalf("verify after tamper: %v, want broken at %d", err, victim)
	}
}

func TestAuditChainDetectsDeletion(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	for range 3 {
		f.db.Audit(ctx, store.SystemActor, "test.event", "", nil, nil)
	}
	f.db.SealAudit(ctx)
	rows, _ := f.db.ListAudit(ctx, store.AuditFilter{})
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE id = $1`, rows[1].ID)
	_, err := f.db.VerifyAudit(ctx)
	var broken *store.ErrChainBroken
	if !errors.As(err, &broken) || broken.ID != rows[0].ID {
		t.Fatalf("verify after delete: %v, want broken at %d", err, rows[0].ID)
	}
}

func TestAuditRetentionKeepsChainVerifiable(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(-200 * 24 * time.Hour) }
	f.db.Audit(ctx, store.SystemActor, "old.event", "", nil, nil)
	f.db.Audit(ctx, store.SystemActor, "old.event", "", nil, nil)
	f.db.Now = real
	f.db.Audit(ctx, store.SystemActor, "new.event", "", nil, nil)
	f.db.SealAudit(ctx)
	n, err := f.db.PruneAudit(ctx, 0)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if rep, err := f.db.VerifyAudit(ctx); err != nil || rep.Verified != 1 {
		t.Fatalf("verify after prune: %+v, %v", rep, err)
	}
	if _, err := f.db.Pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("deleting recent audit rows must be refused")
	}
}

// TestSealingFollowsVisibility: a row whose transaction commits after later
// rows were sealed is sealed after them, and the chain still verifies.
func TestSealingFollowsVisibility(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	slow, err := f.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := slow.Exec(ctx, `INSERT INTO audit_log (at, actor, action) VALUES (now(), 'slow', 'slow.event')`); err != nil {
		t.Fatal(err)
	}
	f.db.Audit(ctx, store.SystemActor, "fast.event", "", nil, nil)
	if n, _ := f.db.SealAudit(ctx); n != 1 {
		t.Fatalf("sealed %d before the slow commit, want 1", n)
	}
	slow.Commit(ctx)
	if n, _ := f.db.SealAudit(ctx); n != 1 {
		t.Fatalf("sealed %d after the slow commit, want 1", n)
	}
	rep, err := f.db.VerifyAudit(ctx)
	if err != nil || rep.Verified != 2 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	rows, _ := f.db.ListAudit(ctx, store.AuditFilter{})
	if rows[0].Action != "fast.event" || rows[0].Seq != 1 || rows[1].Seq != 2 {
		t.Fatalf("order: %+v", rows)
	}
}

func TestSealedRowsAreFinal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.db.Audit(ctx, store.SystemActor, "e", "", nil, nil)
	if _, err := f.db.Pool.Exec(ctx, `UPDATE audit_log SET actor = 'mallory'`); err == nil {
		t.Fatal("changing an unsealed row's data must be refused")
	}
	f.db.SealAudit(ctx)
	if _, err := f.db.Pool.Exec(ctx, `UPDATE audit_log SET hash = repeat('0', 64), seq = 9`); err == nil {
		t.Fatal("resealing must be refused")
	}
}

// TestVersionHashFollowsTheSuite: a store set to the national suite hashes
// new versions with SM3; versions stored before keep their hashes.
func TestVersionHashFollowsTheSuite(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.db.ContentHash = tongfa.ContentHashFor("std")
	c := content("国密切换前")
	before := f.createItem(t, c)
	f.db.ContentHash = tongfa.ContentHashFor("sm")
	after := f.createItem(t, c)
	var stored []string
	rows, _ := f.db.Pool.Query(ctx, `SELECT hash FROM item_versions WHERE item_id = ANY($1) ORDER BY item_id`, []int64{before.ID, after.ID})
	for rows.Next() {
		var h string
		rows.Scan(&h) //nolint:errcheck
		stored = append(stored, h)
	}
	rows.Close()
	if len(stored) != 2 || stored[0] != c.Hash() || stored[1] != c.HashWith(tongfa.ContentHashFor("sm")) || stored[1] == stored[0] {
		t.Fatalf("stored hashes %v, want SHA-256 then SM3", stored)
	}
	var v *tongfa.Version
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		v, err = tx.AddVersion(ctx, before.ID, 1, f.author.ID, content("国密切换后的修改"))
		return err
	})
	if err != nil || v.Hash != content("国密切换后的修改").HashWith(tongfa.ContentHashFor("sm")) {
		t.Fatalf("a new version of an older item: %+v %v, want its SM3 hash", v, err)
	}
}

// TestListItemsMergedEqualsPlain: the page read unit by unit and merged
// (a small scope) is the page the plain statement finds, for every filter
// and page, and so is the count.
func TestListItemsMergedEqualsPlain(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	units := []int64{f.unit.ID}
	for _, name := range []string{"测试市教育局", "测试市卫健委"} {
		var u *tongfa.Unit
		err := f.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			u, err = tx.CreateUnit(ctx, name, &f.unit.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, u.ID)
	}
	// Items of the three units interleaved, as they are created on a
	// server, with titles, categories, urgencies and states that differ.
	for n := range 24 {
		c := content([]string{"甲", "乙", "丙甲"}[n%3])
		if n%4 == 0 {
			c.Category = "notice"
		}
		if n%5 == 0 {
			c.Urgency = tongfa.UrgencyUrgent
		}
		it, err := f.db.CreateItem(ctx, units[n%len(units)], f.author.ID, c, store.SystemActor, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n%3 == 1 {
			if err := f.db.InTx(ctx, func(tx *store.Tx) error {
				return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateInReview, Level: 1})
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func(merge int, flt store.ItemFilter) ([]store.ItemSummary, int) {
		defer store.SetListMergeRows(merge)()
		l, total, err := f.db.ListItems(ctx, flt)
		if err != nil {
			t.Fatal(err)
		}
		return l, total
	}
	filters := []store.ItemFilter{
		{UnitIDs: units},
		{UnitIDs: units[1:]},
		{UnitIDs: []int64{units[2], units[2], units[0]}},
		{UnitIDs: units, State: tongfa.StateInReview},
		{UnitIDs: units, Category: "notice"},
		{UnitIDs: units, Urgency: tongfa.UrgencyUrgent},
		{UnitIDs: units, Query: "甲"},
		{UnitIDs: units, AuthorID: f.author.ID, State: tongfa.StateDraft},
		{UnitIDs: []int64{units[0] + 1000}},
	}
	seen := 0
	for _, flt := range filters {
		for page := 1; page <= 5; page++ {
			flt.Page, flt.PerPage = page, 3
			merged, mt := list(1<<30, flt)
			plain, pt := list(0, flt)
			if mt != pt || len(merged) != len(plain) {
				t.Fatalf("%+v: merged %d of %d, plain %d of %d", flt, len(merged), mt, len(plain), pt)
			}
			for i := range merged {
				if merged[i].ID != plain[i].ID || merged[i].Title != plain[i].Title || merged[i].State != plain[i].State {
					t.Fatalf("%+v row %d: merged %+v, plain %+v", flt, i, merged[i], plain[i])
				}
				if i > 0 && merged[i].ID >= merged[i-1].ID {
					t.Fatalf("%+v: not newest first: %d after %d", flt, merged[i].ID, merged[i-1].ID)
				}
			}
			seen += len(merged)
		}
	}
	if seen < 60 {
		t.Fatalf("only %d rows compared; the fixture lists too little", seen)
	}
}

// TestDueMessagesMostPressingFirst: the open messages of a scope due
// before an instant, merged from each unit and state, are the earliest
// deadlines of all of them, and the count is of all.
func TestDueMessagesMostPressingFirst(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var child *tongfa.Unit
	if err := f.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		child, err = tx.CreateUnit(ctx, "测试市信访局", &f.unit.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var accounts []*tongfa.Account
	for _, u := range []int64{f.unit.ID, child.ID} {
		a := &tongfa.Account{UnitID: u, Platform: tongfa.PlatformWeibo, Name: fmt.Sprintf("留言账号%d", u)}
		if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, a, nil) }); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var ms []tongfa.Message
	for n := range 40 {
		a := accounts[n%2]
		ms = append(ms, tongfa.Message{AccountID: a.ID, UnitID: a.UnitID, Platform: "weibo", Kind: "comment",
			PlatformMsgID: fmt.Sprint(n), Author: "网友", Body: "请问办理时间", ReceivedAt: base,
			Class: "consultation", Deadline: base.Add(time.Duration((n*7)%40) * time.Hour)})
	}
	stored, err := f.db.InsertMessages(ctx, ms)
	if err != nil || len(stored) != 40 {
		t.Fatalf("stored %d: %v", len(stored), err)
	}
	// Every fifth assigned, every seventh answered, every eleventh closed.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE messages SET state = CASE
		WHEN platform_msg_id::int % 11 = 0 THEN 'closed' WHEN platform_msg_id::int % 7 = 0 THEN 'answered'
		WHEN platform_msg_id::int % 5 = 0 THEN 'assigned' ELSE 'new' END`); err != nil {
		t.Fatal(err)
	}
	before := base.Add(30 * time.Hour)
	for _, c := range []struct {
		units []int64
		limit int
	}{
		{[]int64{f.unit.ID, child.ID}, 7},
		{[]int64{f.unit.ID, child.ID}, 100},
		{[]int64{child.ID, child.ID}, 5},
		{[]int64{child.ID + 1000}, 5},
	} {
		got, total, err := f.db.DueMessages(ctx, c.units, before, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.db.Pool.Query(ctx, `SELECT id FROM messages WHERE unit_id = ANY($1) AND state IN ('new','assigned')
			AND deadline < $2 ORDER BY deadline, id`, c.units, before)
		if err != nil {
			t.Fatal(err)
		}
		want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		if total != len(want) {
			t.Fatalf("%v: total %d, want %d", c.units, total, len(want))
		}
		want = want[:min(len(want), c.limit)]
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.ID)
			if !m.State.Open() || !m.Deadline.Before(before) {
				t.Fatalf("%v: message %d is %s due %s", c.units, m.ID, m.State, m.Deadline)
			}
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("%v limit %d: %v, want %v", c.units, c.limit, ids, want)
		}
		if c.limit == 100 && total < 15 {
			t.Fatalf("only %d due messages: the fixture tests too little", total)
		}
	}
}
