package stats

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
)

// ItemStats are an item's figures on every channel it was published to
// (GET /api/v1/items/{id}/stats).
type ItemStats struct {
	ItemID   int64          `json:"item_id"`
	Channels []ChannelStats `json:"channels"`
	Totals   Figures        `json:"totals"` // all channels together
}

// ChannelStats are one delivery's figures: its daily series and totals.
type ChannelStats struct {
	DeliveryID     int64           `json:"delivery_id"`
	AccountID      int64           `json:"account_id"`
	AccountName    string          `json:"account_name"`
	Platform       tongfa.Platform `json:"platform"`
	PlatformLabel  string          `json:"platform_label"`
	PlatformPostID string          `json:"platform_post_id"`
	URL            string          `json:"url"`
	DeliveredAt    *time.Time      `json:"delivered_at"`
	// Through is the last day with figures; null while there are none.
	Through *Date        `json:"updated_through"`
	Totals  Figures      `json:"totals"`
	Daily   []DayFigures `json:"daily"`
}

// DayFigures are one day of a post: source says where the figures came
// from — platform, estimated (a day a platform without history was not
// asked about, its share of the growth seen next) or manual.
type DayFigures struct {
	Day Date `json:"day"`
	Figures
	Source string `json:"source"`
}

// ItemStats returns the item's published deliveries with their figures.
func (s *Service) ItemStats(ctx context.Context, itemID int64) (*ItemStats, error) {
	if _, err := s.DB.Item(ctx, itemID); err != nil {
		return nil, err
	}
	rows, err := s.DB.StatsOfItem(ctx, itemID)
	if err != nil {
		return nil, err
	}
	out := &ItemStats{ItemID: itemID, Channels: []ChannelStats{}}
	var ch *ChannelStats
	for _, r := range rows {
		if ch == nil || ch.DeliveryID != r.DeliveryID {
			out.Channels = append(out.Channels, ChannelStats{DeliveryID: r.DeliveryID, AccountID: r.AccountID, AccountName: r.AccountName,
				Platform: r.Platform, PlatformLabel: r.Platform.Label(), PlatformPostID: r.PlatformPostID, URL: r.URL,
				DeliveredAt: r.DeliveredAt, Daily: []DayFigures{}})
			ch = &out.Channels[len(out.Channels)-1]
		}
		if r.Day == nil {
			continue
		}
		f := fromStore(r.StatsFigures)
		ch.Daily = append(ch.Daily, DayFigures{Day: Date{*r.Day}, Figures: f, Source: r.Source})
		ch.Totals, ch.Through = ch.Totals.Add(f), &Date{*r.Day}
	}
	for _, c := range out.Channels {
		out.Totals = out.Totals.Add(c.Totals)
	}
	return out, nil
}

// AccountStats are an account's figures over [from, to)
// (GET /api/v1/accounts/{id}/stats?from=&to=).
type AccountStats struct {
	AccountID     int64           `json:"account_id"`
	Name          string          `json:"name"`
	Platform      tongfa.Platform `json:"platform"`
	PlatformLabel string          `json:"platform_label"`
	From          Date            `json:"from"`
	To            Date            `json:"to"` // exclusive
	Followers     Followers       `json:"followers"`
	Posts         int             `json:"posts"`  // published in the period, as the indices count them
	Totals        Figures         `json:"totals"` // the account's days summed
	Daily         []AccountDay    `json:"daily"`
	// Index is the whole period's (null for platforms without one);
	// Weeks and Months the whole weeks and calendar months inside it that
	// have begun.
	Index  *Index        `json:"index"`
	Weeks  []PeriodIndex `json:"weeks"`
	Months []PeriodIndex `json:"months"`
}

// Followers are the followers before the period and at its end.
type Followers struct {
	Start  *int64 `json:"start"`
	End    *int64 `json:"end"`
	Growth *int64 `json:"growth"`
}

// AccountDay is one day of an account.
type AccountDay struct {
	Day           Date   `json:"day"`
	Followers     *int64 `json:"followers"`
	NewFollowers  *int64 `json:"new_followers"`
	LostFollowers *int64 `json:"lost_followers"`
	Figures
	Source string `json:"source"`
}

// MaxRange is the longest period AccountStats serves, in days.
const MaxRange = 366

// AccountStats returns the account's followers, days and indices over
// the China days [from, to).
func (s *Service) AccountStats(ctx context.Context, accountID int64, from, to time.Time) (*AccountStats, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	acc, err := s.DB.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := &AccountStats{AccountID: acc.ID, Name: acc.Name, Platform: acc.Platform, PlatformLabel: acc.Platform.Label(),
		From: Date{from}, To: Date{to}, Daily: []AccountDay{}}
	if out.Followers, err = s.followers(ctx, acc.ID, from, to); err != nil {
		return nil, err
	}
	days, err := s.DB.StatsAccountDays(ctx, acc.ID, from, to)
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		f := fromStore(d.StatsFigures)
		out.Daily = append(out.Daily, AccountDay{Day: Date{d.Day}, Followers: d.Followers, NewFollowers: d.NewFollowers,
			LostFollowers: d.LostFollowers, Figures: f, Source: d.Source})
		out.Totals = out.Totals.Add(f)
	}
	posts, err := s.DB.StatsIndexPosts(ctx, []int64{acc.ID}, from, to, Window)
	if err != nil {
		return nil, err
	}
	all := make([]PostTotals, len(posts))
	for i, p := range posts {
		all[i] = totalsOf(p)
	}
	out.Posts, out.Index = len(posts), IndexFor(acc.Platform, daysBetween(from, to), Sum(all))
	today := DayOf(s.DB.Now())
	out.Weeks, out.Months = periods(acc.Platform, from, to, today, posts, false), periods(acc.Platform, from, to, today, posts, true)
	return out, nil
}

func (s *Service) followers(ctx context.Context, id int64, from, to time.Time) (Followers, error) {
	var f Followers
	for _, at := range []struct {
		day time.Time
		to  **int64
	}{{from, &f.Start}, {to, &f.End}} {
		m, err := s.DB.StatsFollowersBefore(ctx, []int64{id}, at.day)
		if err != nil {
			return f, err
		}
		if v, ok := m[id]; ok {
			*at.to = &v
		}
	}
	if f.Start != nil && f.End != nil {
		g := *f.End - *f.Start
		f.Growth = &g
	}
	return f, nil
}

// checkRange refuses a period that is empty, runs backwards or is longer
// than MaxRange days.
func checkRange(from, to time.Time) error {
	if !to.After(from) || daysBetween(from, to) > MaxRange {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "统计区间不正确：to 须晚于 from，且不超过 366 天",
			Fields: map[string]string{"to": "须晚于 from，且不超过 366 天"}}
	}
	return nil
}
