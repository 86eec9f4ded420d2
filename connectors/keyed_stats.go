package connectors

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

var _ StatsReader = (*KeyedAPI)(nil)

// keyedStats is the answer of GET {api_base}{StatsPath}?date=YYYY-MM-DD
// (docs/connectors.md).
type keyedStats struct {
	Date     string `json:"date"`
	Complete bool   `json:"complete"`
	Account  struct {
		Followers     *int64 `json:"followers"`
		NewFollowers  *int64 `json:"new_followers"`
		LostFollowers *int64 `json:"lost_followers"`
		Figures
	} `json:"account"`
	Posts []struct {
		ID          string    `json:"id"`
		Key         string    `json:"key"`
		PublishedAt time.Time `json:"published_at"`
		Figures
	} `json:"posts"`
}

// Stats asks the app or website for each day in turn: both keep history
// and say when a day is final.
func (k *KeyedAPI) Stats(ctx context.Context, acc Account, from, to time.Time, _ []StatsPost) ([]DayStats, error) {
	var out []DayStats
	for _, day := range StatsDays(from, to) {
		// sent_at lets the app refuse a replayed request (the query is signed).
		q := url.Values{"date": {day.Format(time.DateOnly)}, "sent_at": {strconv.FormatInt(k.now().Unix(), 10)}}
		var in keyedStats
		err := ReadStats(ctx, func() error { return k.call(ctx, http.MethodGet, acc, k.statsPath()+"?"+q.Encode(), "", nil, &in) })
		if err != nil {
			return out, err
		}
		ds := DayStats{Day: day, Complete: in.Complete, Account: AccountStats{Followers: in.Account.Followers,
			NewFollowers: in.Account.NewFollowers, LostFollowers: in.Account.LostFollowers, Figures: in.Account.Figures}}
		for _, p := range in.Posts {
			ds.Posts = append(ds.Posts, PostStats{ID: p.ID, Published: p.PublishedAt, Position: 1, Figures: p.Figures})
		}
		out = append(out, ds)
	}
	return out, nil
}

func (k *KeyedAPI) statsPath() string {
	if k.StatsPath != "" {
		return k.StatsPath
	}
	return "/stats"
}
