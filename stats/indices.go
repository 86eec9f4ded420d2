package stats

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// Service serves the figures collected: per item (its page's charts),
// per account with the indices, and the figures operators type for
// manual channels. The …For methods decide who may read what; the
// others leave authorization to their caller.
type Service struct {
	DB    *store.DB
	Items Items // needed by ItemStatsFor
}

// Index is the ranking index of the account over the China days [from,
// to): WCI for WeChat, BCI for Weibo, nil for other platforms. It is
// computed from the stored series alone (the posts published in the
// period, each with its first Window days), so it can be recomputed.
func (s *Service) Index(ctx context.Context, accountID int64, from, to time.Time) (*Index, error) {
	all, err := s.Indices(ctx, []int64{accountID}, from, to)
	if err != nil {
		return nil, err
	}
	return all[accountID], nil
}

// Indices is Index for many accounts in one query (the reports' table);
// accounts without an index are absent.
func (s *Service) Indices(ctx context.Context, accountIDs []int64, from, to time.Time) (map[int64]*Index, error) {
	platforms, err := s.DB.StatsAccountPlatforms(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	var ranked []int64
	for id, p := range platforms {
		if HasIndex(p) {
			ranked = append(ranked, id)
		}
	}
	sums, err := s.DB.StatsIndexAggregates(ctx, ranked, from, to, Window)
	if err != nil {
		return nil, err
	}
	byAccount := make(map[int64]Aggregate, len(sums))
	for _, a := range sums {
		byAccount[a.AccountID] = Aggregate{Posts: a.Posts, All: fromStore(a.All), Headline: fromStore(a.Headline), Peak: fromStore(a.Peak)}
	}
	// A post in the period was collected: only the accounts without one
	// need asking whether anything was (an account day, an older post's).
	var ask []int64
	for _, id := range ranked {
		if byAccount[id].Posts == 0 {
			ask = append(ask, id)
		}
	}
	with := map[int64]bool{}
	if len(ask) > 0 {
		if with, err = s.DB.StatsAccountsWithData(ctx, ask, from, to); err != nil {
			return nil, err
		}
	}
	days := daysBetween(from, to)
	out := make(map[int64]*Index, len(ranked))
	for _, id := range ranked {
		out[id] = IndexFor(platforms[id], days, byAccount[id])
		out[id].NoData = byAccount[id].Posts == 0 && !with[id]
	}
	return out, nil
}

func totalsOf(p store.StatsPostTotal) PostTotals {
	return PostTotals{Headline: p.Position == 1, Figures: fromStore(p.StatsFigures)}
}

// daysBetween counts the days of [from, to).
func daysBetween(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

// PeriodIndex is the index of one week or month.
type PeriodIndex struct {
	From  Date   `json:"from"`
	To    Date   `json:"to"` // exclusive
	Index *Index `json:"index"`
}

// periods are the whole weeks (Monday to Monday) or months within
// [from, to) that have begun before today, and the index of each (so far,
// for the running one), from the posts of the whole range.
func periods(p tongfa.Platform, from, to, today time.Time, posts []store.StatsPostTotal, months bool) []PeriodIndex {
	out := []PeriodIndex{}
	next := func(d time.Time) time.Time { return d.AddDate(0, 0, 7) }
	first := from.AddDate(0, 0, (8-int(from.Weekday()))%7) // the first Monday
	if months {
		next = func(d time.Time) time.Time { return d.AddDate(0, 1, 0) }
		first = from
		if from.Day() != 1 {
			first = time.Date(from.Year(), from.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	for a := first; !next(a).After(to) && a.Before(today); a = next(a) {
		var in []PostTotals
		for _, ps := range posts {
			if !ps.PublishedOn.Before(a) && ps.PublishedOn.Before(next(a)) {
				in = append(in, totalsOf(ps))
			}
		}
		if ix := IndexFor(p, daysBetween(a, next(a)), Sum(in)); ix != nil {
			out = append(out, PeriodIndex{From: Date{a}, To: Date{next(a)}, Index: ix})
		}
	}
	return out
}
