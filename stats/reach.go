package stats

import (
	"context"
	"time"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Reach is the dashboard's summary: what the posts of this week (Monday
// to now, China time) earned against last week's, and the week's best
// posts, over the accounts of the units p reads.
type Reach struct {
	ThisWeek Figures // posts published this week, their first Window days so far
	LastWeek Figures // posts published last week
	Posts    [2]int  // how many posts, this week and last
	Top      []store.StatsTopPost
}

// TopShown is how many top posts Reach lists.
const TopShown = 5

// ReachFor is the summary for p at now.
func (s *Service) ReachFor(ctx context.Context, p *access.Principal, now time.Time) (*Reach, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, p.Tree.Readable(p.User))
	if err != nil || len(accounts) == 0 {
		return &Reach{}, err
	}
	ids := make([]int64, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	today := DayOf(now)
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	out := &Reach{}
	for i, w := range []struct{ from, to time.Time }{{monday, today.AddDate(0, 0, 1)}, {monday.AddDate(0, 0, -7), monday}} {
		posts, err := s.DB.StatsIndexPosts(ctx, ids, w.from, w.to, Window)
		if err != nil {
			return nil, err
		}
		var sum Figures
		for _, p := range posts {
			sum = sum.Add(fromStore(p.StatsFigures))
		}
		out.Posts[i] = len(posts)
		if i == 0 {
			out.ThisWeek = sum
		} else {
			out.LastWeek = sum
		}
	}
	out.Top, err = s.DB.StatsTopPosts(ctx, ids, monday.AddDate(0, 0, -7), today.AddDate(0, 0, 1), Window, TopShown)
	return out, err
}
