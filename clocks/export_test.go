package clocks

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
)

// FrequenciesOf exposes frequencies (a scope of units, nil: every unit).
func (s *Service) FrequenciesOf(ctx context.Context, units []int64, now time.Time) ([]Frequency, error) {
	return s.frequencies(ctx, units, now)
}

// FrequenciesPerAccount is the account-by-account computation the
// set-based frequencies replaced (its queries as they were: the unit's
// policy, the posts staying in the window and the website columns' last
// posts read for each account on its own). It is the reference the
// set-based result must equal.
func (s *Service) FrequenciesPerAccount(ctx context.Context, units []int64, now time.Time) ([]Frequency, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, units)
	if err != nil {
		return nil, err
	}
	week := 7 * 24 * time.Hour
	var out []Frequency
	for _, a := range accounts {
		pol, err := s.PolicyFor(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		if a.Platform == tongfa.PlatformWebsite {
			posts, err := s.DB.LastColumnPosts(ctx, []int64{a.ID})
			if err != nil {
				return nil, err
			}
			last := map[string]time.Time{}
			for _, p := range posts {
				col := columnOf(p.Category)
				if p.Last.After(last[col]) {
					last[col] = p.Last
				}
			}
			out = append(out, s.columns(a, pol, last, now)...)
			continue
		}
		posts, err := s.DB.PostCounts(ctx, []int64{a.ID}, now.Add(-week), now.Add(time.Second))
		if err != nil {
			return nil, err
		}
		staying, err := s.DB.PostCounts(ctx, []int64{a.ID}, now.Add(pol.WarnAhead-week), now.Add(time.Second))
		if err != nil {
			return nil, err
		}
		out = append(out, weekly(a, pol, posts[a.ID], staying[a.ID]))
	}
	return out, nil
}

// WeeklyPerAccount is WeeklyAt computed account by account (each
// account's weeks and its unit's policy read on their own): the reference
// for the set-based WeeklyAt.
func (s *Service) WeeklyPerAccount(ctx context.Context, units []int64, from, to, now time.Time) ([]WeekRow, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, units)
	if err != nil {
		return nil, err
	}
	until := to
	if now.Before(until) {
		until = now
	}
	if until.Before(from) {
		until = from
	}
	var rows []WeekRow
	for _, a := range accounts {
		if a.Platform == tongfa.PlatformWebsite {
			continue
		}
		pol, err := s.PolicyFor(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		req, ok := pol.Weekly[a.Platform]
		if !ok {
			req = pol.Weekly[tongfa.PlatformOther]
		}
		counts, err := s.DB.WeeklyCounts(ctx, []int64{a.ID}, from, until)
		if err != nil {
			return nil, err
		}
		got := map[int64]int{}
		for _, c := range counts {
			got[c.Week.Unix()] = c.Count
		}
		for w := mondayOf(from); w.Before(to); w = w.AddDate(0, 0, 7) {
			n := got[w.Unix()]
			rows = append(rows, WeekRow{AccountID: a.ID, AccountName: a.Name, Platform: string(a.Platform), Week: w, Posts: n,
				Required: req, Compliant: n >= req, State: weekState(w, n, req, a.CreatedAt, now)})
		}
	}
	return rows, nil
}

// OpenOf exposes open (a scope of units, nil: every unit).
func (s *Service) OpenOf(ctx context.Context, units []int64, now time.Time) ([]Clock, error) {
	return s.open(ctx, units, now)
}

// OpenPerItem is what open computed before it read only the undelivered
// items: every urgent item of the last 30 days, its clocks one by one.
func (s *Service) OpenPerItem(ctx context.Context, units []int64, now time.Time) ([]Clock, error) {
	ids, err := s.DB.UrgentItemIDs(ctx, units, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, err
	}
	return s.openOf(ctx, ids, now)
}
