package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/stats"
)

// readsChart is one channel's reads over a post's first stats.Window
// days, drawn as server-rendered SVG bars like the weekly charts.
type readsChart struct {
	Name  string // account (platform)
	Label string // the whole chart in words, for screen readers
	Bars  []dayBar
	Width int
	Total string // the channel's figures in words, under the chart
}

type dayBar struct {
	Day            string // 第 n 天
	Value          int64
	X, Y, H        int
	LabelX, LabelY int
}

// readsCharts are the item's channels with daily figures: reads where
// the platform reports them (likes on Weibo, which reports no reads).
func (s *Server) readsCharts(ctx context.Context, p *access.Principal, itemID int64) []readsChart {
	if s.Stats == nil {
		return nil
	}
	is, err := s.Stats.ItemStatsFor(ctx, p, itemID)
	if err != nil {
		return nil
	}
	var out []readsChart
	for _, ch := range is.Channels {
		if len(ch.Daily) == 0 || ch.DeliveredAt == nil {
			continue
		}
		out = append(out, readsChartOf(ch))
	}
	return out
}

func readsChartOf(ch stats.ChannelStats) readsChart {
	figure, what := func(f stats.Figures) *int64 { return f.Reads }, "阅读"
	if ch.Totals.Reads == nil {
		figure, what = func(f stats.Figures) *int64 { return f.Likes }, "点赞"
	}
	first := stats.DayOf(*ch.DeliveredAt)
	values := make([]int64, stats.Window)
	for _, d := range ch.Daily {
		if n := int(d.Day.Sub(first).Hours() / 24); n >= 0 && n < stats.Window && figure(d.Figures) != nil {
			values[n] = *figure(d.Figures)
		}
	}
	c := readsChart{Name: fmt.Sprintf("%s（%s）", ch.AccountName, ch.PlatformLabel), Width: stats.Window * (barWidth + barGap)}
	top := int64(1)
	for _, v := range values {
		top = max(top, v)
	}
	words := make([]string, len(values))
	for i, v := range values {
		h := int(v * barArea / top)
		x := barGap/2 + i*(barWidth+barGap)
		day := fmt.Sprintf("第%d天", i+1)
		c.Bars = append(c.Bars, dayBar{Day: day, Value: v, X: x, Y: barTop + barArea - h, H: h, LabelX: x + barWidth/2,
			LabelY: barTop + barArea - h - 2})
		words[i] = fmt.Sprintf("%s %d", day, v)
	}
	c.Label = fmt.Sprintf("%s发布后 %d 天每日%s量：%s", c.Name, stats.Window, what, strings.Join(words, "，"))
	var parts []string
	for _, f := range []struct {
		name string
		v    *int64
	}{{"阅读", ch.Totals.Reads}, {"点赞", ch.Totals.Likes}, {"在看", ch.Totals.Wows}, {"转发", ch.Totals.Shares}, {"评论", ch.Totals.Comments}} {
		if f.v != nil {
			parts = append(parts, fmt.Sprintf("%s %d", f.name, *f.v))
		}
	}
	c.Total = "累计" + strings.Join(parts, "，")
	if ch.Through != nil {
		c.Total += "（截至 " + ch.Through.In(time.UTC).Format("2006-01-02") + "）"
	}
	return c
}
