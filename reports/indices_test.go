package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
)

// The report lists the WCI of its WeChat accounts and the BCI of its Weibo
// accounts, each ranked among its own kind, from the stored series.
func TestIndexTable(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	b.svc.Indices = &stats.Service{DB: b.db}
	rows, err := b.db.Pool.Query(ctx, `SELECT id, platform FROM accounts WHERE platform IN ('wechat', 'weibo') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	ranked := map[int64]string{}
	var id int64
	var p string
	for rows.Next() {
		rows.Scan(&id, &p) //nolint:errcheck
		ranked[id] = p
	}
	reads := int64(2000)
	for id, p := range ranked {
		if p != "wechat" {
			continue
		}
		d := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
		reads -= 500
		r := reads
		err := b.db.SaveStatsDay(ctx, store.StatsDayWrite{AccountID: id, Day: d, Complete: true, Posts: []store.StatsPostDay{{
			PlatformPostID: "m1_1", Position: 1, PublishedOn: d, Day: d, Source: store.StatsPlatform, StatsFigures: store.StatsFigures{Reads: &r}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	r := b.build(t, 0, 0)
	if len(r.Indices) != len(ranked) || len(ranked) < 3 {
		t.Fatalf("%d index rows for %d WeChat and Weibo accounts", len(r.Indices), len(ranked))
	}
	for i, row := range r.Indices {
		prev := r.Indices[max(i-1, 0)]
		switch {
		case ranked[row.AccountID] == "wechat" && row.Index.Name != "WCI", ranked[row.AccountID] == "weibo" && row.Index.Name != "BCI":
			t.Errorf("%s has %s", row.Name, row.Index.Name)
		case i > 0 && prev.Index.Name == row.Index.Name && (prev.Index.Value < row.Index.Value ||
			prev.Index.Value == row.Index.Value && prev.Rank != row.Rank || prev.Index.Value > row.Index.Value && row.Rank != i+1-first(r.Indices, row)):
			t.Errorf("row %d %+v after %+v", i, row, prev)
		case row.Index.Days != 90:
			t.Errorf("%s: %d days, want the quarter's 90", row.Name, row.Index.Days)
		}
	}
	if top := r.Indices[0]; top.Index.Name != "BCI" || r.Indices[len(r.Indices)-1].Index.Name != "WCI" {
		t.Errorf("BCI rows come before WCI rows: %+v", r.Indices)
	}
}

// first is where the rows of row's index begin.
func first(rows []reports.IndexRow, row reports.IndexRow) int {
	for i, r := range rows {
		if r.Index.Name == row.Index.Name {
			return i
		}
	}
	return 0
}

// An account whose statistics were never collected is 无数据, after the
// ranked accounts and without a rank; one collected that earned nothing
// is ranked with its 0.
func TestIndexTableWithoutStatistics(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	b.svc.Indices = &stats.Service{DB: b.db}
	var wechat, weibo []int64
	rows, err := b.db.Pool.Query(ctx, `SELECT id, platform FROM accounts WHERE platform IN ('wechat', 'weibo') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var p string
		rows.Scan(&id, &p) //nolint:errcheck
		if p == "wechat" {
			wechat = append(wechat, id)
		} else {
			weibo = append(weibo, id)
		}
	}
	if len(wechat) < 2 || len(weibo) < 1 {
		t.Fatalf("the seed has %d WeChat and %d Weibo accounts", len(wechat), len(weibo))
	}
	d := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	reads, followers := int64(1500), int64(300)
	writes := []store.StatsDayWrite{
		{AccountID: wechat[0], Day: d, Complete: true, Posts: []store.StatsPostDay{{PlatformPostID: "m1_1", Position: 1, PublishedOn: d, Day: d,
			Source: store.StatsPlatform, StatsFigures: store.StatsFigures{Reads: &reads}}}},
		// Collected, but no post: a real 0.
		{AccountID: weibo[0], Day: d, Complete: true, Accounts: []store.StatsAccountDay{{Day: d, Followers: &followers, Source: store.StatsPlatform}}},
	}
	for _, w := range writes {
		if err := b.db.SaveStatsDay(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	r := b.build(t, 0, 0)
	byID := map[int64]reports.IndexRow{}
	for _, row := range r.Indices {
		byID[row.AccountID] = row
	}
	if row := byID[wechat[0]]; row.Rank != 1 || row.Index.NoData || row.Index.Value <= 0 {
		t.Errorf("the WeChat account with statistics: %+v %+v", row, row.Index)
	}
	if row := byID[weibo[0]]; row.Rank != 1 || row.Index.NoData || row.Index.Value != 0 {
		t.Errorf("the Weibo account collected without posts: %+v %+v", row, row.Index)
	}
	if row := byID[wechat[1]]; row.Rank != 0 || !row.Index.NoData {
		t.Errorf("the WeChat account without statistics: %+v %+v", row, row.Index)
	}
	// Within each index the accounts without statistics come last.
	for i := 1; i < len(r.Indices); i++ {
		prev, row := r.Indices[i-1], r.Indices[i]
		if prev.Index.Name == row.Index.Name && prev.Index.NoData && !row.Index.NoData {
			t.Errorf("%s (ranked) after %s (无数据)", row.Name, prev.Name)
		}
	}
	var table *reports.Table
	for _, tb := range r.Tables() {
		if tb.Key == "indices" {
			table = &tb
		}
	}
	if table == nil || len(table.Rows) != len(r.Indices) {
		t.Fatalf("the 传播力 table: %+v", table)
	}
	for i, row := range r.Indices {
		cells := table.Rows[i]
		if got := reports.Text(cells[5]); row.Index.NoData != (got == "无数据") || row.Index.NoData && reports.Text(cells[0]) != "" {
			t.Errorf("row %d (%s, no data %v): %v", i, row.Name, row.Index.NoData, cells)
		}
	}
}
