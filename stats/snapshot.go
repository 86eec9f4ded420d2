package stats

import (
	"context"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// fromTotals turns a snapshot platform's running totals into days: what
// a post gained since the last day stored for it (or since it was
// published) is shared evenly among the days in between, estimated when
// there was more than one; followers on the days missed are interpolated.
func (c *Collector) fromTotals(ctx context.Context, w *store.StatsDayWrite, ds connectors.DayStats, byID map[string]store.StatsTarget) error {
	running, err := c.DB.StatsRunningTotals(ctx, w.AccountID, ds.Day.Add(-2*trackFor), ds.Day)
	if err != nil {
		return err
	}
	for _, p := range ds.Posts {
		first := ds.Day
		prev, seen := running[p.ID]
		if t, ours := byID[p.ID]; seen {
			first = prev.LastDay.AddDate(0, 0, 1)
		} else if ours {
			first = DayOf(t.DeliveredAt)
		}
		if first.After(ds.Day) {
			first = ds.Day
		}
		days := connectors.StatsDays(first, ds.Day)
		source := store.StatsPlatform
		if len(days) > 1 {
			source = store.StatsEstimated
		}
		shares := spreadFigures(minus(store.StatsFigures(p.Figures), prev.StatsFigures), len(days))
		for i, d := range days {
			w.Posts = append(w.Posts, postRow(p, byID, d, source, shares[i]))
		}
	}
	return c.followersSince(ctx, w, ds)
}

// followersSince adds the day's followers and, for the days of the write
// since the last day that knew them, levels on the straight line between.
func (c *Collector) followersSince(ctx context.Context, w *store.StatsDayWrite, ds connectors.DayStats) error {
	row, ok := accountRow(ds.Day, ds.Account, store.StatsPlatform)
	if !ok {
		return nil
	}
	last, found, err := c.DB.LastStatsAccountDay(ctx, w.AccountID, ds.Day)
	if err != nil {
		return err
	}
	if found && row.Followers != nil {
		gap := int(ds.Day.Sub(last.Day).Hours() / 24)
		from, to := *last.Followers, *row.Followers
		for i := 1; i < gap; i++ {
			if d := last.Day.AddDate(0, 0, i); !d.Before(w.From) {
				level := from + (to-from)*int64(i)/int64(gap)
				w.Accounts = append(w.Accounts, store.StatsAccountDay{Day: d, Followers: &level, Source: store.StatsEstimated})
			}
		}
	}
	w.Accounts = append(w.Accounts, row)
	return nil
}

// spread divides v among n days, the remainder on the last, so that the
// shares add up to v; an unreported figure stays unreported.
func spread(v *int64, n int) []*int64 {
	out := make([]*int64, n)
	if v == nil || n == 0 {
		return out
	}
	each := *v / int64(n)
	for i := range out {
		x := each
		if i == n-1 {
			x = *v - each*int64(n-1)
		}
		out[i] = &x
	}
	return out
}

func spreadFigures(f store.StatsFigures, n int) []store.StatsFigures {
	r, l, w, s, c := spread(f.Reads, n), spread(f.Likes, n), spread(f.Wows, n), spread(f.Shares, n), spread(f.Comments, n)
	out := make([]store.StatsFigures, n)
	for i := range out {
		out[i] = store.StatsFigures{Reads: r[i], Likes: l[i], Wows: w[i], Shares: s[i], Comments: c[i]}
	}
	return out
}

// minus is a − b figure by figure; b's unreported figures count 0.
func minus(a, b store.StatsFigures) store.StatsFigures {
	sub := func(x, y *int64) *int64 {
		if x == nil || y == nil {
			return x
		}
		v := *x - *y
		return &v
	}
	return store.StatsFigures{Reads: sub(a.Reads, b.Reads), Likes: sub(a.Likes, b.Likes), Wows: sub(a.Wows, b.Wows),
		Shares: sub(a.Shares, b.Shares), Comments: sub(a.Comments, b.Comments)}
}
