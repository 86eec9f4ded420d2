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
