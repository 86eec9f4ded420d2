package connectors

import (
	"context"
	"time"
)

// Figures are what a post or an account earned. A nil figure is one the
// platform does not report (WeChat's datacube has no likes, Weibo no
// reads), which is not the same as none.
type Figures struct {
	Reads    *int64 `json:"reads"`
	Likes    *int64 `json:"likes"`
	Wows     *int64 `json:"wows"` // 在看 (WeChat)
	Shares   *int64 `json:"shares"`
	Comments *int64 `json:"comments"`
}

// StatsPost is a post of ours whose figures are asked for: platforms that
// answer only for named posts (Weibo, Douyin) need its id.
type StatsPost struct {
	ID        string
	Published time.Time
}

// PostStats are one post's figures of one day.
type PostStats struct {
	// ID is the platform's name of the post; WeChat's datacube names an
	// article "<msg_data_id>_<index>".
	ID        string
	Title     string
	Published time.Time // zero: the platform did not say
	Position  int       // place in its send, 1 the headline; 0 not known
	Figures
}

// AccountStats are an account's figures of one day.
type AccountStats struct {
	Followers     *int64 // at the end of the day
	NewFollowers  *int64
	LostFollowers *int64
	Figures       // what all its posts earned that day, when the platform says
}

// DayStats are the figures of one China calendar day (Day is UTC midnight
// of that date).
type DayStats struct {
	Day     time.Time
	Posts   []PostStats
	Account AccountStats
	// Totals: the posts' figures are running totals as the platform
	// showed them when asked, not the day's own (Weibo keeps no history).
	Totals bool
	// Complete: the platform will not change these figures any more.
	Complete bool
}

// StatsReader reads a platform's statistics. Stats returns the days of
// [from, to] (UTC midnights of China dates, each before today in China)
// that it could read, oldest first; when it fails part-way it returns the
// days it finished with the error, so that a caller keeps them. Platforms
// that keep no history (Weibo) answer one DayStats for to, with Totals
// set. Reads are safe to repeat: a lost answer is Retryable.
type StatsReader interface {
	Stats(ctx context.Context, acc Account, from, to time.Time, posts []StatsPost) ([]DayStats, error)
}

// Count returns a pointer to v, for Figures.
func Count(v int64) *int64 { return &v }

// StatsDays lists the days of [from, to], for readers that ask one day at
// a time.
func StatsDays(from, to time.Time) []time.Time {
	var out []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// ReadStats runs a statistics read up to a few times while it fails
// transiently, like Reread, but hands a rate limit back at once: the
// collector waits as the platform asks and resumes from its cursor,
// rather than spending a quota that is often a day's.
func ReadStats(ctx context.Context, read func() error) error {
	var err error
	for range rereads {
		if err = read(); err == nil || ctx.Err() != nil {
			return err
		}
		if c := ClassOf(err); c != Retryable && c != Unconfirmed && c != Token {
			return err
		}
	}
	return err
}
