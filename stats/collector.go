package stats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
)

// Readers hands out the statistics reader of an account's platform
// (connectors/all.Registry).
type Readers interface {
	StatsReader(acc connectors.Account) (connectors.StatsReader, error)
}

// Collector pulls every active account's statistics into PostgreSQL. Each
// account has a cursor per day: the days before today (China) back to
// Backfill that are not complete are asked for, oldest first, each saved
// with its cursor in one transaction, so a run cut short resumes where it
// stopped and the days an outage missed are filled in by the next run.
type Collector struct {
	DB      *store.DB
	Box     *secret.Box
	Readers Readers
	// Queue, when set, gets one task per account from each sweep, so that
	// accounts run side by side on every worker and a slow or limited
	// platform holds up no other account. Nil: the sweep collects the
	// accounts itself, one after another (tests, commands).
	Queue tasks.Client
	// Backfill is how many days up to yesterday are looked at; default 30,
	// the most Douyin serves.
	Backfill int
	// Pace is the least time between two reads of one account on a
	// platform; nil takes defaultPace.
	Pace map[tongfa.Platform]time.Duration
	Log  *slog.Logger
}

// DefaultBackfill is Collector.Backfill's default.
const DefaultBackfill = 30

// trackFor is how long after its delivery a post is named to platforms
// that answer only for named posts (Weibo, Douyin): Douyin has no data
// after 30 days, and a Weibo status has its audience by then.
const trackFor = 30 * 24 * time.Hour

// chunk is the most days asked for in one read.
const chunk = 7

// defaultPace keeps one account's reads well inside each platform's
// published frequency limits.
var defaultPace = map[tongfa.Platform]time.Duration{
	tongfa.PlatformWeChat: 200 * time.Millisecond,
	tongfa.PlatformWeibo:  500 * time.Millisecond,
	tongfa.PlatformDouyin: 200 * time.Millisecond,
}

// snapshots are the platforms that keep no history: only yesterday is
// asked, and the growth since a post was last seen is shared among the
// days in between.
var snapshots = map[tongfa.Platform]bool{tongfa.PlatformWeibo: true}

// Sweep collects every active account with a statistics reader, or queues
// one task per account when the collector has a queue. One account's
// failure does not stop the others; the errors come back together.
func (c *Collector) Sweep(ctx context.Context) error {
	accounts, err := c.DB.ActiveAccounts(ctx, nil)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		if a.Platform.Manual() {
			continue // a manual channel: an operator types its figures
		}
		if c.Queue != nil {
			err = tasks.Enqueue(ctx, c.Queue, NewAccountTask(a.ID), accountTaskOptions...)
		} else {
			_, err = c.CollectAccount(ctx, a.ID)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("stats: account %d: %w", a.ID, err))
		}
	}
	return errors.Join(errs...)
}

// CollectAccount collects the account's due days and returns how many
// it saved. It stops at the first failure (a rate limit included): the
// days saved stay, the rest are due again next time.
func (c *Collector) CollectAccount(ctx context.Context, id int64) (int, error) {
	a, err := c.open(ctx, id)
	if err != nil || a == nil {
		return 0, err
	}
	due, err := c.due(ctx, a)
	if err != nil {
		return 0, err
	}
	saved := 0
	for i, run := range due {
		if i > 0 && !c.pace(ctx, a.acc.Platform) {
			return saved, ctx.Err()
		}
		n, err := c.collect(ctx, a, run.from, run.to)
		saved += n
		if err != nil {
			return saved, err
		}
	}
	if saved > 0 && c.Log != nil {
		c.Log.Info("stats: collected", slog.Int64("account_id", id), slog.Int("days", saved))
	}
	return saved, nil
}

// Collect collects one day of one account, whatever its cursor says. A
// platform without history (Weibo) answers what stands now, which is
// taken as the day's end: collect only the latest day there.
func (c *Collector) Collect(ctx context.Context, accountID int64, day time.Time) error {
	if !day.Before(DayOf(c.DB.Now())) {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "只能采集昨天及以前的统计数据（平台次日才生成前一天的数据）"}
	}
	a, err := c.open(ctx, accountID)
	if err != nil || a == nil {
		return err
	}
	_, err = c.collect(ctx, a, day, day)
	return err
}

// account is an account being collected, with its reader.
type account struct {
	row    *tongfa.Account
	acc    connectors.Account
	reader connectors.StatsReader
}

// open reads the account and its credentials; nil when it is not in
// service or has no reader (a manual channel).
func (c *Collector) open(ctx context.Context, id int64) (*account, error) {
	row, err := c.DB.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if row.Status != tongfa.AccountActive || row.Platform.Manual() {
		return nil, nil
	}
	acc, err := connectors.Connect(c.Box, row)
	if err != nil {
		return nil, err
	}
	reader, err := c.Readers.StatsReader(acc)
	if err != nil {
		return nil, err
	}
	return &account{row: row, acc: acc, reader: reader}, nil
}

// span is consecutive days asked for in one read.
type span struct{ from, to time.Time }

// due lists the spans of days to ask for, oldest first: the days of the
// window not complete yet, chunk days a span at most. A snapshot
// platform is asked for yesterday alone, in one span from the first day
// it missed, which the answer covers.
func (c *Collector) due(ctx context.Context, a *account) ([]span, error) {
	yesterday := DayOf(c.DB.Now()).AddDate(0, 0, -1)
	backfill := c.Backfill
	if backfill <= 0 {
		backfill = DefaultBackfill
	}
	first := yesterday.AddDate(0, 0, 1-backfill)
	if opened := DayOf(a.row.CreatedAt); opened.After(first) {
		first = opened
	}
	if first.After(yesterday) {
		return nil, nil
	}
	done, err := c.DB.CompleteStatsDays(ctx, a.row.ID, first, yesterday)
	if err != nil {
		return nil, err
	}
	var out []span
	for _, d := range connectors.StatsDays(first, yesterday) {
		switch n := len(out); {
		case done[d]:
		case n > 0 && out[n-1].to.AddDate(0, 0, 1).Equal(d) && out[n-1].to.Sub(out[n-1].from) < (chunk-1)*24*time.Hour:
			out[n-1].to = d
		default:
			out = append(out, span{d, d})
		}
	}
	if snapshots[a.acc.Platform] && len(out) > 0 {
		if !done[yesterday] {
			return []span{{out[0].from, yesterday}}, nil
		}
		return nil, nil
	}
	return out, nil
}

// pace waits the platform's pace; false when ctx ended first.
func (c *Collector) pace(ctx context.Context, p tongfa.Platform) bool {
	d := defaultPace[p]
	if c.Pace != nil {
		d = c.Pace[p]
	}
	if d <= 0 {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
