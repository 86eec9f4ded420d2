package web

import (
	"fmt"
	"strings"

	"github.com/tongfa/tongfa/reports"
)

// barChart is a horizontal bar chart drawn as server-rendered SVG (no
// chart library to vendor, nothing for the CSP to allow). Label says the
// whole chart in words for screen readers; the tables hold the figures.
type barChart struct {
	ID, Title, Label string
	Width, Height    int
	Bars             []bar
	Legend           []legendItem
}

type bar struct {
	Name          string
	Y, TextY      int
	Parts         []barPart
	Value         string
	ValueX, NameX int
}

type barPart struct {
	X, Y, W int
	Class   string
}

type legendItem struct{ Class, Label string }

// Geometry in SVG user units.
const (
	reportChartWidth = 380
	nameWidth        = 104
	barMax           = 200
	rowHeight        = 28
	barHeight        = 18
)

// newBar places bar i with its parts (widths already scaled) and value text.
func newBar(i int, name, value string, parts ...barPart) bar {
	b := bar{Name: name, Y: 4 + i*rowHeight, TextY: 4 + i*rowHeight + 14, Value: value, NameX: nameWidth - 6}
	x := nameWidth
	for _, p := range parts {
		p.X, p.Y = x, b.Y
		x += p.W
		b.Parts = append(b.Parts, p)
	}
	b.ValueX = x + 6
	return b
}

// channelChart draws each channel's posts, original and reprinted.
func channelChart(r *reports.Report) barChart {
	c := barChart{ID: "chart-channels", Title: "各渠道发布量", Width: reportChartWidth,
		Legend: []legendItem{{"seg-original", "原创"}, {"seg-reprint", "转载"}}}
	rows := r.Channels[:len(r.Channels)-1]
	top := 1
	for _, ch := range rows {
		top = max(top, ch.Posts)
	}
	var words []string
	for i, ch := range rows {
		c.Bars = append(c.Bars, newBar(i, ch.Label, fmt.Sprint(ch.Posts),
			barPart{W: ch.Original * barMax / top, Class: "seg-original"}, barPart{W: ch.Reprints * barMax / top, Class: "seg-reprint"}))
		words = append(words, fmt.Sprintf("%s %d 条（原创 %d，转载 %d）", ch.Label, ch.Posts, ch.Original, ch.Reprints))
	}
	c.Label = c.Title + "：" + strings.Join(words, "；")
	c.Height = len(c.Bars)*rowHeight + 8
	return c
}

// complianceChart draws the headline rates against 100 %.
func complianceChart(r *reports.Report) barChart {
	c := barChart{ID: "chart-compliance", Title: "合规情况", Width: reportChartWidth,
		Legend: []legendItem{{"seg-good", "90% 及以上"}, {"seg-fair", "60%–90%"}, {"seg-poor", "低于 60%"}}}
	s := r.Summary
	var words []string
	for i, part := range []struct {
		name string
		rate reports.Rate
	}{{"更新达标率", s.Weekly}, {"紧急首发按时率", s.Urgent}, {"留言按期答复率", s.Replies}} {
		value := reports.Text(part.rate)
		v, ok := part.rate.Value()
		if !ok {
			value = "无数据"
		}
		c.Bars = append(c.Bars, newBar(i, part.name, value, barPart{W: int(v * barMax), Class: rateClass(v)}))
		words = append(words, part.name+" "+value)
	}
	c.Label = c.Title + "：" + strings.Join(words, "；")
	c.Height = len(c.Bars)*rowHeight + 8
	return c
}

func rateClass(v float64) string {
	switch {
	case v >= 0.9:
		return "seg-good"
	case v >= 0.6:
		return "seg-fair"
	}
	return "seg-poor"
}
