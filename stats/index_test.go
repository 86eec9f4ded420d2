package stats_test

import (
	"math"
	"slices"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/stats"
)

func n(v int64) *int64 { return &v }

func post(headline bool, reads, wows, likes, shares, comments *int64) stats.PostTotals {
	return stats.PostTotals{Headline: headline, Figures: stats.Figures{Reads: reads, Wows: wows, Likes: likes, Shares: shares, Comments: comments}}
}

// The expected values were worked out by hand (with a calculator) from
// the published formulas quoted in index.go and docs/reports.md.
func TestIndices(t *testing.T) {
	for _, tc := range []struct {
		name     string
		platform tongfa.Platform
		days     int
		posts    []stats.PostTotals
		want     float64
		missing  []string
	}{
		{"wci week, every figure", tongfa.PlatformWeChat, 7, []stats.PostTotals{
			post(true, n(1000), n(10), n(20), n(30), nil), post(false, n(500), n(5), n(0), n(10), nil),
			post(true, n(2000), n(0), n(40), n(60), nil)}, 423.20, nil},
		// O = 0.70 ln(1500/30+1) + 0.15 ln(40/30·10+1), A with /2, H with the headline's 1000 and 30, P the same.
		{"wci month from datacube, no likes or wows", tongfa.PlatformWeChat, 30, []stats.PostTotals{
			post(true, n(1000), nil, nil, n(30), nil), post(false, n(500), nil, nil, n(10), nil)}, 176.01, []string{"wows", "likes"}},
		{"wci nothing published", tongfa.PlatformWeChat, 7, nil, 0, nil},
		// (0.2 ln 4 + 0.8 (0.4 ln 13 + 0.4 ln 31 + 0.2 ln 101)) × 160
		{"bci", tongfa.PlatformWeibo, 7, []stats.PostTotals{
			post(true, nil, nil, n(60), n(2), n(10)), post(true, nil, nil, n(40), n(10), n(20)), post(true, nil, nil, n(0), n(0), n(0))},
			469.65, nil},
		{"bci nothing published", tongfa.PlatformWeibo, 30, nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := stats.IndexFor(tc.platform, tc.days, stats.Sum(tc.posts))
			if ix == nil || math.Abs(ix.Value-tc.want) > 0.005 || ix.Posts != len(tc.posts) || ix.Days != tc.days {
				t.Fatalf("%+v, want %.2f", ix, tc.want)
			}
			if !slices.Equal(ix.Missing, tc.missing) {
				t.Errorf("missing %v, want %v", ix.Missing, tc.missing)
			}
		})
	}
	if stats.IndexFor(tongfa.PlatformApp, 7, stats.Aggregate{}) != nil {
		t.Error("the app has no ranking index")
	}
}

// More reads never lower the WCI, more reposts never the BCI.
func FuzzIndicesGrow(f *testing.F) {
	f.Add(int64(10), int64(5), uint16(3))
	f.Fuzz(func(t *testing.T, base, extra int64, days uint16) {
		if base < 0 || extra < 0 || base > 1e9 || extra > 1e9 || days == 0 {
			return
		}
		d := int(days%366) + 1
		a := stats.WCI(d, stats.Sum([]stats.PostTotals{post(true, n(base), n(1), n(1), n(base), nil)}))
		b := stats.WCI(d, stats.Sum([]stats.PostTotals{post(true, n(base+extra), n(1), n(1), n(base+extra), nil)}))
		c := stats.BCI(d, stats.Sum([]stats.PostTotals{post(true, nil, nil, n(base), n(base), n(1))}))
		e := stats.BCI(d, stats.Sum([]stats.PostTotals{post(true, nil, nil, n(base), n(base+extra), n(1))}))
		if b.Value < a.Value || e.Value < c.Value || math.IsNaN(a.Value) || math.IsNaN(c.Value) {
			t.Fatalf("WCI %v → %v, BCI %v → %v", a.Value, b.Value, c.Value, e.Value)
		}
	})
}

func BenchmarkWCI(b *testing.B) {
	posts := make([]stats.PostTotals, 400)
	for i := range posts {
		posts[i] = post(i%3 == 0, n(int64(i*37)), nil, nil, n(int64(i)), nil)
	}
	for b.Loop() {
		stats.WCI(365, stats.Sum(posts))
	}
}
