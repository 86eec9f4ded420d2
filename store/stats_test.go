package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

func statsAccount(t *testing.T, f fixture, p tongfa.Platform) *tongfa.Account {
	t.Helper()
	a := &tongfa.Account{UnitID: f.unit.ID, Platform: p, Name: "统计测试" + string(p)}
	if err := f.db.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateAccount(context.Background(), a, nil) }); err != nil {
		t.Fatal(err)
	}
	return a
}

func n(v int64) *int64 { return &v }

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// A day in a month without a partition (long before the migration ran)
// gets one; a second write of the day replaces the platform's figures
// but not an operator's, and a complete day stays complete.
func TestStatsDaysArePartitionedAndUpserted(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	acc := statsAccount(t, f, tongfa.PlatformDouyin)
	day := date("2020-03-31")
	w := store.StatsDayWrite{AccountID: acc.ID, Day: day, Complete: true,
		Posts: []store.StatsPostDay{{PlatformPostID: "@9v1", Title: "作品", PublishedOn: day, Day: day, Source: store.StatsPlatform,
			StatsFigures: store.StatsFigures{Reads: n(100), Likes: n(7)}}},
		Accounts: []store.StatsAccountDay{{Day: day, Followers: n(5000), Source: store.StatsPlatform}}}
	if err := f.db.SaveStatsDay(ctx, w); err != nil {
		t.Fatal(err)
	}
	var parts int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE c.relname IN ('stats_post_days_2020m03', 'stats_account_days_2020m03')`).Scan(&parts); err != nil || parts != 2 {
		t.Fatalf("partitions of March 2020: %d, %v", parts, err)
	}
	manual := store.StatsDayWrite{AccountID: acc.ID, Day: day,
		Accounts: []store.StatsAccountDay{{Day: day, Followers: n(5100), Source: store.StatsManual}}}
	if err := f.db.SaveManualStats(ctx, store.SystemActor, f.unit.ID, manual); err != nil {
		t.Fatal(err)
	}
	w.Complete = false
	w.Posts[0].Reads, w.Accounts[0].Followers = n(120), n(5200)
	if err := f.db.SaveStatsDay(ctx, w); err != nil {
		t.Fatal(err)
	}
	days, err := f.db.StatsAccountDays(ctx, acc.ID, day, day.AddDate(0, 0, 1))
	if err != nil || len(days) != 1 || *days[0].Followers != 5100 || days[0].Source != store.StatsManual {
		t.Fatalf("account day %+v, %v: the operator's figure must stay", days, err)
	}
	totals, err := f.db.StatsRunningTotals(ctx, acc.ID, day.AddDate(0, 0, -30), day.AddDate(0, 0, 1))
	if err != nil || *totals["@9v1"].Reads != 120 || *totals["@9v1"].Likes != 7 || totals["@9v1"].Wows != nil {
		t.Fatalf("running totals %+v, %v", totals, err)
	}
	done, err := f.db.CompleteStatsDays(ctx, acc.ID, day, day)
	if err != nil || !done[day] {
		t.Fatalf("complete days %v, %v: a complete day stays complete", done, err)
	}
}
