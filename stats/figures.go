package stats

import "github.com/tongfa/tongfa/store"

// Figures are what a post or an account earned; null is a figure the
// platform does not report (WeChat's datacube has no likes, 在看 or
// comments; Weibo no reads), which is not the same as 0.
type Figures struct {
	Reads    *int64 `json:"reads"`
	Likes    *int64 `json:"likes"`
	Wows     *int64 `json:"wows"` // 在看
	Shares   *int64 `json:"shares"`
	Comments *int64 `json:"comments"`
}

// Add sums two sets of figures; a figure is null only when both are.
func (f Figures) Add(o Figures) Figures {
	return Figures{sum(f.Reads, o.Reads), sum(f.Likes, o.Likes), sum(f.Wows, o.Wows), sum(f.Shares, o.Shares),
		sum(f.Comments, o.Comments)}
}

// Max is the larger of two sets of figures, figure by figure.
func (f Figures) Max(o Figures) Figures {
	return Figures{most(f.Reads, o.Reads), most(f.Likes, o.Likes), most(f.Wows, o.Wows), most(f.Shares, o.Shares),
		most(f.Comments, o.Comments)}
}

func most(a, b *int64) *int64 {
	if a == nil || b != nil && *b > *a {
		return b
	}
	return a
}

func sum(a, b *int64) *int64 {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	v := *a + *b
	return &v
}

func (f Figures) field(name string) *int64 {
	return map[string]*int64{"reads": f.Reads, "likes": f.Likes, "wows": f.Wows, "shares": f.Shares, "comments": f.Comments}[name]
}

func fromStore(f store.StatsFigures) Figures { return Figures(f) }
