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
	Rank          int          `json:"rank"` // among the accounts with the same index, highest first
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
		return cmp.Or(cmp.Compare(x.Index.Name, y.Index.Name), cmp.Compare(y.Index.Value, x.Index.Value))
	})
	group := 0 // where the rows of the current index begin
	for i := range rows {
		switch {
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
