package wechat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/datacube"

	"github.com/tongfa/tongfa/connectors"
)

var _ connectors.StatsReader = (*Client)(nil)

// userSpan is how many days one call of datacube's user endpoints may
// cover (getusersummary, getusercumulate); its article endpoints take
// one day a call.
const userSpan = 7

// statsCodes are datacube's own errcodes.
var statsCodes = map[string]struct {
	class connectors.Class
	msg   string
}{
	"61500": {connectors.Permanent, "统计接口日期格式错误"},
	"61501": {connectors.Permanent, "统计日期超出范围（只能查询昨天及以前，且不超过接口允许的天数）"},
	"61503": {connectors.Retryable, "微信统计数据尚未生成，稍后再查"},
}

// Stats reads the days [from, to] from datacube through silenceper's
// officialaccount/datacube: followers from getusercumulate and
// getusersummary (seven days a call), each article's reads and shares
// from getarticlesummary and the articles sent that day from
// getarticletotal (one day a call). WeChat computes a day the morning
// after; a day is complete once getusercumulate has it. Only mass-sent
// articles have figures, and datacube has no likes, 在看 or comments.
func (c *Client) Stats(ctx context.Context, acc connectors.Account, from, to time.Time, _ []connectors.StatsPost) ([]connectors.DayStats, error) {
	a, err := c.account(acc)
	if err != nil {
		return nil, err
	}
	cube := a.oa.GetDataCube()
	var out []connectors.DayStats
	for start := from; !start.After(to); start = start.AddDate(0, 0, userSpan) {
		end := start.AddDate(0, 0, userSpan-1)
		if end.After(to) {
			end = to
		}
		users, err := c.users(ctx, a, cube, start, end)
		if err != nil {
			return out, err
		}
		for _, day := range connectors.StatsDays(start, end) {
			ds := users[day]
			ds.Day = day
			if err := c.articles(ctx, a, cube, &ds); err != nil {
				return out, err
			}
			out = append(out, ds)
		}
	}
	return out, nil
}

// read runs one datacube call, refreshing the token once if WeChat
// refused it and asking again after a transient failure.
func (a *account) read(ctx context.Context, fn func() error) error {
	return connectors.ReadStats(ctx, func() error { return explainStats(a.retryToken("stats", fn)) })
}

func explainStats(err error) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	if k, ok := statsCodes[ce.Code]; ok {
		c := *ce
		c.Class, c.Message = k.class, fmt.Sprintf("%s（errcode %s）", k.msg, ce.Code)
		return &c
	}
	return err
}

// users reads followers of [start, end] into one DayStats a day.
func (c *Client) users(ctx context.Context, a *account, cube *datacube.DataCube, start, end time.Time) (map[time.Time]connectors.DayStats, error) {
	s, e := start.Format(time.DateOnly), end.Format(time.DateOnly)
	var sum datacube.ResUserSummary
	var cum datacube.ResUserAccumulate
	if err := a.read(ctx, func() (err error) { sum, err = cube.GetUserSummary(s, e); return }); err != nil {
		return nil, err
	}
	if err := a.read(ctx, func() (err error) { cum, err = cube.GetUserAccumulate(s, e); return }); err != nil {
		return nil, err
	}
	days := map[time.Time]connectors.DayStats{}
	for _, r := range cum.List {
		if d, ok := parseDate(r.RefDate); ok {
			ds := days[d]
			ds.Account.Followers, ds.Complete = connectors.Count(int64(r.CumulateUser)), true
			days[d] = ds
		}
	}
	for _, r := range sum.List { // one row per source of new followers
		if d, ok := parseDate(r.RefDate); ok {
			ds := days[d]
			ds.Account.NewFollowers = add(ds.Account.NewFollowers, int64(r.NewUser))
			ds.Account.LostFollowers = add(ds.Account.LostFollowers, int64(r.CancelUser))
			days[d] = ds
		}
	}
	return days, nil
}

// articles adds the day's articles: their reads and shares that day, and
// for those sent that day when and where in the send.
func (c *Client) articles(ctx context.Context, a *account, cube *datacube.DataCube, ds *connectors.DayStats) error {
	d := ds.Day.Format(time.DateOnly)
	var sum datacube.ResArticleSummary
	var tot datacube.ResArticleTotal
	if err := a.read(ctx, func() (err error) { sum, err = cube.GetArticleSummary(d, d); return }); err != nil {
		return err
	}
	if err := a.read(ctx, func() (err error) { tot, err = cube.GetArticleTotal(d, d); return }); err != nil {
		return err
	}
	byID := map[string]int{}
	post := func(msgID, title string) *connectors.PostStats {
		i, ok := byID[msgID]
		if !ok {
			i, byID[msgID] = len(ds.Posts), len(ds.Posts)
			ds.Posts = append(ds.Posts, connectors.PostStats{ID: msgID, Title: title, Position: position(msgID),
				Figures: connectors.Figures{Reads: connectors.Count(0), Shares: connectors.Count(0)}})
		}
		return &ds.Posts[i]
	}
	for _, r := range sum.List {
		p := post(r.MsgID, r.Title)
		*p.Reads += int64(r.IntPageReadCount)
		*p.Shares += int64(r.ShareCount)
		ds.Account.Reads = add(ds.Account.Reads, int64(r.IntPageReadCount))
		ds.Account.Shares = add(ds.Account.Shares, int64(r.ShareCount))
	}
	for _, r := range tot.List {
		post(r.MsgID, r.Title).Published = ds.Day
	}
	return nil
}

func add(p *int64, v int64) *int64 {
	if p == nil {
		return connectors.Count(v)
	}
	return connectors.Count(*p + v)
}

// position is an article's place in its send, from datacube's
// "<msg_data_id>_<index>".
func position(msgID string) int {
	_, idx, _ := strings.Cut(msgID, "_")
	n, err := strconv.Atoi(idx)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func parseDate(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}
