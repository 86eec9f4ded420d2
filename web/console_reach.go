package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
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
	c.Total = "累计" + figureText(ch.Totals)
	if ch.Through != nil {
		c.Total += "（截至 " + ch.Through.In(time.UTC).Format("2006-01-02") + "）"
	}
	return c
}

// reachView is the dashboard's 传播效果: figure by figure, this week's
// posts against last week's, and the best posts of the two weeks.
type reachView struct {
	Rows []reachRow
	Top  []topPost
}

type reachRow struct {
	Name       string
	This, Last string // "—" where no platform reports the figure
	Change     string // +12%, −3%, or ""
	Up, Down   bool
}

type topPost struct {
	store.StatsTopPost
	PlatformLabel string
	Figures       string
}

// reach is nil when neither week has posts with figures.
func (s *Server) reach(ctx context.Context, p *access.Principal, now time.Time) (*reachView, error) {
	if s.Stats == nil {
		return nil, nil
	}
	r, err := s.Stats.ReachFor(ctx, p, now)
	if err != nil || r.Posts == [2]int{} {
		return nil, err
	}
	v := &reachView{Rows: []reachRow{{Name: "发布条数", This: fmt.Sprint(r.Posts[0]), Last: fmt.Sprint(r.Posts[1])}}}
	for _, f := range figureNames(r.ThisWeek, r.LastWeek) {
		if f.this == nil && f.last == nil {
			continue // no platform of these accounts reports it
		}
		row := reachRow{Name: f.name, This: count(f.this), Last: count(f.last)}
		if f.this != nil && f.last != nil && *f.last > 0 {
			pct := (*f.this - *f.last) * 100 / *f.last
			row.Change, row.Up, row.Down = fmt.Sprintf("%+d%%", pct), pct > 0, pct < 0
		}
		v.Rows = append(v.Rows, row)
	}
	for _, t := range r.Top {
		v.Top = append(v.Top, topPost{StatsTopPost: t, PlatformLabel: t.Platform.Label(), Figures: figureText(stats.Figures(t.StatsFigures))})
	}
	return v, nil
}

type namedFigure struct {
	name       string
	this, last *int64
}

func figureNames(a, b stats.Figures) []namedFigure {
	return []namedFigure{{"阅读", a.Reads, b.Reads}, {"点赞", a.Likes, b.Likes}, {"在看", a.Wows, b.Wows},
		{"转发", a.Shares, b.Shares}, {"评论", a.Comments, b.Comments}}
}

func count(v *int64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprint(*v)
}

// figureText names the figures a platform reports: 阅读 120，点赞 3.
func figureText(f stats.Figures) string {
	var parts []string
	for _, n := range figureNames(f, stats.Figures{}) {
		if n.this != nil {
			parts = append(parts, n.name+" "+count(n.this))
		}
	}
	return strings.Join(parts, "，")
}
