package douyin

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

var _ connectors.StatsReader = (*Client)(nil)

// Douyin's data services (数据开放服务): daily series of the last 7, 15
// or 30 days up to yesterday (date_type), computed the day after.
const (
	pathFans     = "/data/external/user/fans/"
	pathItemData = "/data/external/item/" // + like/, comment/, share/, play/
)

// itemWindow is how long after its creation an item has data.
const itemWindow = 30 * 24 * time.Hour

// Stats reads the user's fans and, for each post created within the last
// 30 days, its likes, comments, shares and plays per day (four calls a
// post: Douyin serves each figure apart). date_type is the shortest
// window reaching back to from. A day is complete once the fans series
// has it.
func (c *Client) Stats(ctx context.Context, acc connectors.Account, from, to time.Time, posts []connectors.StatsPost) ([]connectors.DayStats, error) {
	window, err := dateType(c.now(), from)
	if err != nil {
		return nil, err
	}
	q := url.Values{"date_type": {strconv.Itoa(window)}}
	days := map[time.Time]*connectors.DayStats{}
	out := make([]connectors.DayStats, 0, int(to.Sub(from).Hours()/24)+1)
	for _, d := range connectors.StatsDays(from, to) {
		out = append(out, connectors.DayStats{Day: d})
	}
	for i := range out {
		days[out[i].Day] = &out[i]
	}
	var fans struct {
		List []struct {
			Date      string `json:"date"`
			TotalFans int64  `json:"total_fans"`
			NewFans   int64  `json:"new_fans"`
		} `json:"result_list"`
	}
	if err := c.readStats(ctx, acc, pathFans, q, &fans); err != nil {
		return nil, err
	}
	for _, f := range fans.List {
		if ds := days[date(f.Date)]; ds != nil {
			ds.Account.Followers, ds.Account.NewFollowers, ds.Complete = connectors.Count(f.TotalFans), connectors.Count(f.NewFans), true
		}
	}
	for _, p := range posts {
		if c.now().Sub(p.Published) > itemWindow {
			continue
		}
		if err := c.itemSeries(ctx, acc, p.ID, q, days); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// itemSeries adds one item's four daily series.
func (c *Client) itemSeries(ctx context.Context, acc connectors.Account, id string, q url.Values, days map[time.Time]*connectors.DayStats) error {
	q = url.Values{"date_type": q["date_type"], "item_id": {id}}
	got := map[time.Time]*connectors.PostStats{}
	for _, figure := range itemFigures {
		var series struct {
			List []map[string]any `json:"result_list"`
		}
		if err := c.readStats(ctx, acc, pathItemData+figure.name+"/", q, &series); err != nil {
			return err
		}
		for _, row := range series.List {
			ds, _ := row["date"].(string)
			v, _ := row[figure.name].(float64)
			d := date(ds)
			if days[d] == nil {
				continue
			}
			if got[d] == nil {
				got[d] = &connectors.PostStats{ID: id, Position: 1}
			}
			*figure.field(got[d]) = connectors.Count(int64(v))
		}
	}
	for d, p := range got {
		days[d].Posts = append(days[d].Posts, *p)
	}
	return nil
}

// readStats is read for statistics: a rate limit comes back at once.
func (c *Client) readStats(ctx context.Context, acc connectors.Account, path string, q url.Values, out any) error {
	return harmless(connectors.ReadStats(ctx, func() error { return c.call(ctx, acc, get(path, q), out) }))
}

// itemFigures are the item series Douyin serves, each under its own
// path and key, and where each goes.
var itemFigures = []struct {
	name  string
	field func(*connectors.PostStats) **int64
}{
	{"like", func(p *connectors.PostStats) **int64 { return &p.Likes }},
	{"comment", func(p *connectors.PostStats) **int64 { return &p.Comments }},
	{"share", func(p *connectors.PostStats) **int64 { return &p.Shares }},
	{"play", func(p *connectors.PostStats) **int64 { return &p.Reads }},
}

// dateType is the shortest of Douyin's windows (7, 15, 30 days up to
// yesterday) that reaches back to from.
func dateType(now, from time.Time) (int, error) {
	china := time.FixedZone("CST", 8*3600)
	c := now.In(china)
	today := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
	back := int(today.Sub(from).Hours() / 24)
	for _, n := range []int{7, 15, 30} {
		if back <= n {
			return n, nil
		}
	}
	return 0, permanent("抖音只提供最近 30 天的数据，无法补采 " + from.Format(time.DateOnly))
}

func date(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}
