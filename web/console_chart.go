package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/web/console"
)

// weekChart is one account's posts per week, drawn as server-rendered SVG
// bars (no chart library to vendor, and nothing for the CSP to allow).
type weekChart struct {
	AccountName string
	Platform    string
	Label       string // the whole chart in words, for screen readers
	Bars        []weekBar
	RequiredY   int // y of the weekly requirement line; 0 when none
	Width       int
}

type weekBar struct {
	Week           string
	Posts          int
	X, Y, H        int
	Compliant      bool
	LabelX, LabelY int
}

// Chart geometry, in SVG user units.
const (
	chartHeight = 60
	barArea     = 44 // tallest bar
	barWidth    = 28
	barGap      = 14
	barTop      = 12
)

// weekCharts groups the weekly compliance rows by account, oldest week first.
func weekCharts(rows []clocks.WeekRow) []weekChart {
	byAccount := map[int64][]clocks.WeekRow{}
	var order []int64
	for _, r := range rows {
		if _, ok := byAccount[r.AccountID]; !ok {
			order = append(order, r.AccountID)
		}
		byAccount[r.AccountID] = append(byAccount[r.AccountID], r)
	}
	out := make([]weekChart, 0, len(order))
	for _, id := range order {
		ws := byAccount[id]
		slices.SortFunc(ws, func(a, b clocks.WeekRow) int { return a.Week.Compare(b.Week) })
		out = append(out, chartOf(ws))
	}
	return out
}

// shortFirst puts the charts with a week short of the requirement first,
// keeping the order otherwise: when the dashboard shows only some, it
// shows those.
func shortFirst(cs []weekChart) []weekChart {
	short := func(c weekChart) bool {
		return slices.ContainsFunc(c.Bars, func(b weekBar) bool { return !b.Compliant })
	}
	slices.SortStableFunc(cs, func(a, b weekChart) int {
		switch sa, sb := short(a), short(b); {
		case sa && !sb:
			return -1
		case sb && !sa:
			return 1
		}
		return 0
	})
	return cs
}

func chartOf(ws []clocks.WeekRow) weekChart {
	c := weekChart{AccountName: ws[0].AccountName, Platform: ws[0].Platform, Width: len(ws) * (barWidth + barGap)}
	top := 1
	for _, w := range ws {
		top = max(top, w.Posts, w.Required)
	}
	var words []string
	for i, w := range ws {
		h := w.Posts * barArea / top
		x := barGap/2 + i*(barWidth+barGap)
		c.Bars = append(c.Bars, weekBar{Week: weekLabel(w.Week), Posts: w.Posts, X: x, Y: barTop + barArea - h, H: h,
			Compliant: w.Compliant, LabelX: x + barWidth/2, LabelY: barTop + barArea - h - 2})
		words = append(words, fmt.Sprintf("%s 周 %d 条", weekLabel(w.Week), w.Posts))
	}
	c.Label = c.AccountName + "近几周发布：" + strings.Join(words, "，")
	if req := ws[len(ws)-1].Required; req > 0 {
		c.RequiredY = barTop + barArea - req*barArea/top
		c.Label += fmt.Sprintf("（每周至少 %d 条）", req)
	}
	return c
}

func weekLabel(t time.Time) string { return t.In(console.China).Format("1/2") }
