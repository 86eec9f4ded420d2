package store_test

import (
	"context"
	"slices"
	"strings"
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

// TestStatsTopPosts: the scope's posts of the period ranked by reads, then
// likes, in their first window days only; posts without figures last;
// posts of other periods and accounts left out.
func TestStatsTopPosts(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	a, b, other := statsAccount(t, f, tongfa.PlatformWeibo), statsAccount(t, f, tongfa.PlatformApp), statsAccount(t, f, tongfa.PlatformDouyin)
	type fig struct {
		post, published, day string
		reads, likes         *int64
	}
	write := func(acc *tongfa.Account, figs ...fig) {
		for _, g := range figs {
			w := store.StatsDayWrite{AccountID: acc.ID, Day: date(g.day), Posts: []store.StatsPostDay{{PlatformPostID: g.post,
				Title: "稿件" + g.post, PublishedOn: date(g.published), Day: date(g.day), Source: store.StatsPlatform,
				StatsFigures: store.StatsFigures{Reads: g.reads, Likes: g.likes}}}}
			if err := f.db.SaveStatsDay(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(a,
		fig{"p1", "2020-03-02", "2020-03-02", n(100), nil}, fig{"p1", "2020-03-02", "2020-03-05", n(50), nil},
		fig{"p1", "2020-03-02", "2020-03-10", n(1000), nil}, // the eighth day: outside the window
		fig{"p3", "2020-03-04", "2020-03-04", n(150), n(9)},
		fig{"p4", "2020-02-20", "2020-02-20", n(5000), nil}) // before the period
	write(b, fig{"p2", "2020-03-03", "2020-03-03", n(300), nil}, fig{"p5", "2020-03-06", "2020-03-06", nil, nil})
	write(other, fig{"p6", "2020-03-03", "2020-03-03", n(9000), nil})
	for _, c := range []struct {
		limit int
		want  []string
		reads []int64
	}{
		{10, []string{"p2", "p3", "p1", "p5"}, []int64{300, 150, 150, -1}},
		{2, []string{"p2", "p3"}, []int64{300, 150}},
	} {
		top, err := f.db.StatsTopPosts(ctx, []int64{a.ID, b.ID}, date("2020-03-01"), date("2020-03-08"), 7, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, p := range top {
			got = append(got, strings.TrimPrefix(p.Title, "稿件"))
			if i < len(c.reads) && (c.reads[i] < 0) != (p.Reads == nil) || p.Reads != nil && *p.Reads != c.reads[i] {
				t.Errorf("post %s: reads %v, want %d", p.Title, p.Reads, c.reads[i])
			}
		}
		if !slices.Equal(got, c.want) {
			t.Fatalf("limit %d: top posts %v, want %v", c.limit, got, c.want)
		}
		if top[0].AccountID != b.ID || top[0].AccountName != b.Name || top[0].Platform != tongfa.PlatformApp || !top[0].PublishedOn.Equal(date("2020-03-03")) {
			t.Fatalf("first post %+v", top[0])
		}
	}
}
