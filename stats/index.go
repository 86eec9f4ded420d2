package stats

import (
	"math"

	"github.com/tongfa/tongfa"
)

// Window is how many days of a post count towards the indices: the day
// it was published and the six after, WeChat's own window for a send's
// totals. A post's figures are therefore final a week after it, and an
// index never changes once its period's posts are a week old.
const Window = 7

// Versions of the published formulas followed (docs/reports.md).
const (
	WCIVersion = "WCI V14.2"
	BCIVersion = "BCI（微博影响力指数，浙江省数据知识产权登记平台 2024）"
)

// PostTotals is what one post earned in its first Window days; Headline
// is WeChat's 头条, the first article of a send (every post elsewhere).
type PostTotals struct {
	Headline bool
	Figures
}

// Index is an account's WCI or BCI over a period, with what it was
// computed from.
type Index struct {
	Name    string  `json:"name"`    // WCI or BCI
	Version string  `json:"version"` // the published formula followed
	Value   float64 `json:"value"`   // two decimals
	Posts   int     `json:"posts"`   // n: posts published in the period
	Days    int     `json:"days"`    // d: days in the period
	Totals  Figures `json:"totals"`  // what those posts earned in their first Window days
	// Missing names the figures the formula uses that the platform does
	// not report (WeChat's datacube: likes, wows); they count as 0.
	Missing []string `json:"missing,omitempty"`
	// NoData: no statistics were collected for the account on any day of
	// the period (the collector never reached it). Value is then 0 but
	// means nothing: show 无数据, rank it nowhere (docs/reports.md).
	NoData bool `json:"no_data,omitempty"`
}

// Aggregate is what the posts of a period earned, as the formulas take
// it: sums over all posts and over the headlines, and the most one post
// earned, figure by figure (nil where no post reported the figure).
type Aggregate struct {
	Posts    int
	All      Figures
	Headline Figures
	Peak     Figures
}

// Sum aggregates posts.
func Sum(posts []PostTotals) Aggregate {
	a := Aggregate{Posts: len(posts)}
	for _, p := range posts {
		a.All = a.All.Add(p.Figures)
		a.Peak = a.Peak.Max(p.Figures)
		if p.Headline {
			a.Headline = a.Headline.Add(p.Figures)
		}
	}
	return a
}

// IndexFor computes the index of platform's rankings, or nil for a
// platform without one.
func IndexFor(p tongfa.Platform, days int, a Aggregate) *Index {
	switch p {
	case tongfa.PlatformWeChat:
		ix := WCI(days, a)
		return &ix
	case tongfa.PlatformWeibo:
		ix := BCI(days, a)
		return &ix
	}
	return nil
}

// HasIndex reports whether rankings publish an index for the platform.
func HasIndex(p tongfa.Platform) bool { return p == tongfa.PlatformWeChat || p == tongfa.PlatformWeibo }

// ln1 is ln(x+1), the normalisation of every term.
func ln1(x float64) float64 { return math.Log(x + 1) }

// WCI is 清博's WeChat communication index, version 14.2:
//
//	WCI = {0.6·O + 0.2·A + 0.1·H + 0.1·P}² × 1.2 × 10
//	each of O, A, H, P = 0.70·ln(R+1) + 0.09·ln(10Z+1) + 0.06·ln(10L+1) + 0.15·ln(10RE+1)
//
// over reads R, 在看 Z, likes L and shares RE: per day of the period for
// O (整体传播力), per post for A (篇均), of the headlines per day for H
// (头条), and the most of one post for P (峰值).
func WCI(days int, a Aggregate) Index {
	term := func(f Figures, per float64) float64 {
		if per == 0 {
			return 0
		}
		return 0.70*ln1(val(f.Reads)/per) + 0.09*ln1(val(f.Wows)/per*10) + 0.06*ln1(val(f.Likes)/per*10) +
			0.15*ln1(val(f.Shares)/per*10)
	}
	d, n := float64(days), float64(a.Posts)
	o, av, h, p := term(a.All, d), term(a.All, n), term(a.Headline, d), term(a.Peak, 1)
	ix := Index{Name: "WCI", Version: WCIVersion, Days: days, Posts: a.Posts, Totals: a.All}
	ix.Value = round2(math.Pow(0.6*o+0.2*av+0.1*h+0.1*p, 2) * 1.2 * 10)
	ix.Missing = missing(a, "wows", "likes", "shares")
	return ix
}

// BCI is the Weibo influence index as published with 浙江省数据知识产权
// 登记平台's 微博影响力指数 data (2024):
//
//	BCI = (0.2·W1 + 0.8·W2) × 160
//	W1 = ln(posts+1); W2 = 0.4·ln(reposts+1) + 0.4·ln(comments+1) + 0.2·ln(likes+1)
//
// over the period's totals (so a month's BCI is larger than a week's).
func BCI(days int, a Aggregate) Index {
	t := a.All
	w1 := ln1(float64(a.Posts))
	w2 := 0.4*ln1(val(t.Shares)) + 0.4*ln1(val(t.Comments)) + 0.2*ln1(val(t.Likes))
	ix := Index{Name: "BCI", Version: BCIVersion, Days: days, Posts: a.Posts, Totals: t}
	ix.Value = round2((0.2*w1 + 0.8*w2) * 160)
	ix.Missing = missing(a, "shares", "comments", "likes")
	return ix
}

// missing lists the named figures no post reported.
func missing(a Aggregate, names ...string) []string {
	if a.Posts == 0 {
		return nil
	}
	var out []string
	for _, n := range names {
		if a.All.field(n) == nil {
			out = append(out, n)
		}
	}
	return out
}

func val(p *int64) float64 {
	if p == nil {
		return 0
	}
	return float64(*p)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
