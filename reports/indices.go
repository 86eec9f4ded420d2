package reports

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/tongfa/tongfa/stats"
)

// IndexSource computes accounts' ranking indices over the China days
// [from, to) (stats.Service).
type IndexSource interface {
	Indices(ctx context.Context, accountIDs []int64, from, to time.Time) (map[int64]*stats.Index, error)
}

// IndexRow is one account's ranking index in the period: WCI for WeChat,
// BCI for Weibo (docs/reports.md, 传播力指数).
type IndexRow struct {
	// Rank is among the accounts with the same index, highest first; 0
	// for an account without statistics (index.no_data), listed last as
	// 无数据 rather than ranked last with a value of 0.
	Rank          int          `json:"rank"`
	AccountID     int64        `json:"account_id"`
	Name          string       `json:"name"`
	PlatformLabel string       `json:"platform_label"`
	UnitName      string       `json:"unit_name"`
	Index         *stats.Index `json:"index"`
}

// indices adds the index table: the accounts rows' indices over the whole
// days counted (up to the report's time while the period runs).
func (b *builder) indices(ctx context.Context) error {
	from, to := stats.DayOf(b.p.From), stats.DayOf(b.p.To)
	if b.until.Before(b.p.To) {
		to = stats.DayOf(b.until)
	}
	if b.s.Indices == nil || !to.After(from) {
		return nil
	}
	all, err := b.s.Indices.Indices(ctx, b.order, from, to)
	if err != nil {
		return err
	}
	rows := []IndexRow{}
	for _, id := range b.order {
		if ix, a := all[id], b.accounts[id]; ix != nil {
			rows = append(rows, IndexRow{AccountID: id, Name: a.Name, PlatformLabel: a.PlatformLabel, UnitName: a.UnitName, Index: ix})
		}
	}
	slices.SortStableFunc(rows, func(x, y IndexRow) int {
		return cmp.Or(cmp.Compare(x.Index.Name, y.Index.Name), compareBool(x.Index.NoData, y.Index.NoData),
			cmp.Compare(y.Index.Value, x.Index.Value))
	})
	group := 0 // where the rows of the current index begin
	for i := range rows {
		switch {
		case rows[i].Index.NoData:
			rows[i].Rank = 0
		case i == 0 || rows[i].Index.Name != rows[i-1].Index.Name:
			group, rows[i].Rank = i, 1
		case rows[i].Index.Value == rows[i-1].Index.Value:
			rows[i].Rank = rows[i-1].Rank // equal values share a rank: 1, 2, 2, 4
		default:
			rows[i].Rank = i - group + 1
		}
	}
	b.r.Indices = rows
	return nil
}

// compareBool puts false first.
func compareBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return 1
	}
	return -1
}

// indexTable is the 传播力 table: each index ranked, the accounts without
// statistics after them as 无数据.
func (r *Report) indexTable() Table {
	rows := make([][]any, 0, len(r.Indices))
	for _, x := range r.Indices {
		rank, value, posts := any(x.Rank), any(Dec{V: &x.Index.Value, Places: 2}), any(x.Index.Posts)
		if x.Index.NoData {
			rank, value, posts = "", "无数据", "无数据"
		}
		rows = append(rows, []any{rank, x.Name, x.PlatformLabel, x.UnitName, x.Index.Name, value, posts})
	}
	return Table{Key: "indices", Title: "传播力指数", Header: []string{"排名", "账号", "平台", "单位", "指数", "数值", "发布条数"}, Rows: rows}
}
